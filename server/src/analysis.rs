//! The engine's entry point, shared by the CLI and the language server: one file in, its
//! pipeline model and diagnostics out.

use std::path::Path;

use tree_sitter::Tree;

use crate::lang::{ExtraQueries, Plugin};
use crate::model::{self, AppIndex, FileModel};
use crate::rules::{self, Diagnostic};

#[derive(Debug)]
pub struct Analysis {
    pub model: FileModel,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn analyze(
    plugin: &'static Plugin,
    text: &str,
    tree: &Tree,
    file: Option<&Path>,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
) -> Analysis {
    let module = plugin.lower(tree, text);
    let ext = plugin.extension_stages(tree, text, extra);
    let model = model::build(&module, plugin.name, file, index, &ext);
    let diagnostics = rules::check(&rules::Ctx { model: &model, naming: &plugin.naming, text });
    Analysis { model, diagnostics }
}

/// Parses and analyses a file's text in one go (CLI, tests).
pub fn analyze_text(
    plugin: &'static Plugin,
    text: &str,
    file: Option<&Path>,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
) -> Analysis {
    match plugin.parser().parse(text, None) {
        Some(tree) => analyze(plugin, text, &tree, file, index, extra),
        // Only a cancelled parse returns None; there is no cancellation here.
        None => Analysis { model: FileModel { language: plugin.name, ..FileModel::default() }, diagnostics: Vec::new() },
    }
}
