//! The go plugin: lowers a tree-sitter-go tree into [`ir`](super::ir).

use super::ir::{Expr, Stmt};
use std::cell::RefCell;

use super::nesting::Nesting;
use super::reuse::Reuse;
use tree_sitter::Node;

pub(super) struct Lowerer<'a> {
    pub src: &'a str,
    /// Set when statements of a previous lowering can be reused (see `reuse`).
    pub memo: Option<&'a RefCell<Reuse>>,
    /// How deep the lowering is (see [`Nesting`]).
    pub nesting: &'a Nesting,
}

impl<'a> Lowerer<'a> {
    pub fn block(&self, _node: Node<'_>) -> Vec<Stmt> {
        let _ = (self.src, self.memo, self.nesting);
        Vec::new()
    }

    pub fn expr(&self, node: Node<'_>) -> Expr {
        Expr::unknown(super::ir::Span::of(&node))
    }
}

pub(crate) fn imports(_root: Node<'_>) -> Vec<super::RawImport<'_>> {
    Vec::new()
}

pub(super) fn synth_message(_lines: &[&str], _noise: super::Noise) -> Option<String> {
    None
}

pub(super) fn synth_places(_lines: &[&str]) -> Vec<super::SynthPlace> {
    Vec::new()
}

pub(super) fn library_folder(_name: &str) -> bool {
    false
}

pub(super) fn module_files(
    _root: &std::path::Path,
    _dir: &std::path::Path,
    _module: &str,
) -> Vec<std::path::PathBuf> {
    Vec::new()
}
