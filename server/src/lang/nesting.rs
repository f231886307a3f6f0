//! The depth bound of a lowering: how deep statements and expressions may nest before the rest
//! of a construct is left out (see [`MAX_NESTING`](super::ir::MAX_NESTING)).

use std::cell::Cell;

use tree_sitter::Node;

use super::ir::{Span, MAX_NESTING};

/// How deep one lowering is, in statements and in expressions, and where it first went past
/// [`MAX_NESTING`]. Statements and expressions are counted apart: the expression count starts
/// from zero in every statement outside a lambda, so such a statement lowers the same wherever
/// it is (which incremental lowering relies on). A lambda's body is the one place an
/// expression holds statements: they are counted on from the lambda's depth (so that the
/// lowering never nests deeper than twice [`MAX_NESTING`]), and lower differently at another
/// depth, so a statement holding one is [`context_dependent`](Nesting::context_dependent).
#[derive(Default)]
pub(super) struct Nesting {
    stmts: Cell<usize>,
    exprs: Cell<usize>,
    /// The first construct left out (in source order).
    cut: Cell<Option<Span>>,
    /// How many constructs were left out so far.
    cuts: Cell<usize>,
    /// How many lambda bodies were lowered so far.
    lambdas: Cell<usize>,
}

/// One level deeper, until dropped.
pub(super) struct Deeper<'a>(&'a Cell<usize>);

impl Drop for Deeper<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

impl Nesting {
    /// One statement deeper, at `node`; `None` when that is too deep (the statement is then
    /// left out, and noted).
    pub fn stmt(&self, node: &Node<'_>) -> Option<Deeper<'_>> {
        self.enter(&self.stmts, node)
    }

    /// One expression (or assignment target) deeper, at `node`; `None` when that is too deep
    /// (the expression is then unknown, and noted).
    pub fn expr(&self, node: &Node<'_>) -> Option<Deeper<'_>> {
        self.enter(&self.exprs, node)
    }

    fn enter<'a>(&'a self, level: &'a Cell<usize>, node: &Node<'_>) -> Option<Deeper<'a>> {
        if level.get() >= MAX_NESTING {
            let span = Span::of(node);
            if self
                .cut
                .get()
                .is_none_or(|c| span.start_byte < c.start_byte)
            {
                self.cut.set(Some(span));
            }
            self.cuts.set(self.cuts.get() + 1);
            return None;
        }
        level.set(level.get() + 1);
        Some(Deeper(level))
    }

    /// How many constructs were left out so far.
    pub fn cuts(&self) -> usize {
        self.cuts.get()
    }

    /// Notes a lambda body lowered: statements whose lowering depends on how deep they are.
    pub fn lambda_body(&self) {
        self.lambdas.set(self.lambdas.get() + 1);
    }

    /// How many constructs that lower differently at another depth (lambda bodies) were
    /// lowered so far: a statement that holds one is not reused elsewhere.
    pub fn context_dependent(&self) -> usize {
        self.lambdas.get()
    }

    /// The first construct left out, if any was.
    pub fn cut(&self) -> Option<Span> {
        self.cut.get()
    }
}

/// A lambda's block body, as every plugin lowers it: its statements (comments left out) by
/// `stmt`, and when the last is a `return` with a value, that value by `expr` instead (the
/// lambda's value). Marks the lowering context-dependent ([`Nesting::lambda_body`]).
pub(super) fn lambda_block<'t>(
    nesting: &Nesting,
    body: tree_sitter::Node<'t>,
    stmt: impl Fn(tree_sitter::Node<'t>, &mut Vec<super::ir::Stmt>),
    expr: impl Fn(tree_sitter::Node<'t>) -> super::ir::Expr,
) -> (Vec<super::ir::Stmt>, Option<super::ir::Expr>) {
    nesting.lambda_body();
    let mut cursor = body.walk();
    let children: Vec<tree_sitter::Node<'t>> = body
        .named_children(&mut cursor)
        .filter(|c| !c.kind().ends_with("comment"))
        .collect();
    let last_return = children
        .last()
        .filter(|c| c.kind() == "return_statement")
        .and_then(|r| r.named_child(0));
    let mut out = Vec::new();
    let upto = children.len() - usize::from(last_return.is_some());
    for &c in &children[..upto] {
        stmt(c, &mut out);
    }
    (out, last_return.map(expr))
}
