//! The Python plugin: lowers a `tree-sitter-python` tree into [`ir`](super::ir).

use super::ir::{
    Arg, ClassDef, DictEntry, Expr, ExprKind, FuncDef, Span, Stmt, Target, TemplatePart,
};
use std::cell::RefCell;

use super::reuse::Reuse;
use tree_sitter::Node;

pub(super) struct Lowerer<'a> {
    pub src: &'a str,
    /// Set when statements of a previous lowering can be reused (see `reuse`).
    pub memo: Option<&'a RefCell<Reuse>>,
}

impl<'a> Lowerer<'a> {
    fn text(&self, node: Node<'_>) -> &'a str {
        &self.src[node.byte_range()]
    }

    pub fn block(&self, node: Node<'_>) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            self.stmt(child, &mut out);
        }
        out
    }

    fn body(&self, node: Node<'_>, field: &str) -> Vec<Stmt> {
        node.child_by_field_name(field)
            .map(|b| self.block(b))
            .unwrap_or_default()
    }

    fn stmt(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        match self.memo {
            Some(m) => super::reuse::stmt(m, self.src, node, out, |out| self.stmt_fresh(node, out)),
            None => self.stmt_fresh(node, out),
        }
    }

    fn stmt_fresh(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        match node.kind() {
            "expression_statement" => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    if child.kind() == "assignment" {
                        self.assignment(child, out);
                    } else {
                        out.push(Stmt::Expr(self.expr(child)));
                    }
                }
            }
            "for_statement" => {
                let (Some(left), Some(right)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) else {
                    return;
                };
                out.push(Stmt::For {
                    target: self.target(left),
                    iter: self.expr(right),
                    body: self.body(node, "body"),
                });
            }
            "class_definition" => {
                let Some(name) = node.child_by_field_name("name") else {
                    return;
                };
                let mut bases = Vec::new();
                if let Some(sup) = node.child_by_field_name("superclasses") {
                    let mut cursor = sup.walk();
                    for b in sup.named_children(&mut cursor) {
                        if b.kind() != "keyword_argument" && b.kind() != "comment" {
                            bases.push(self.expr(b));
                        }
                    }
                }
                out.push(Stmt::Class(ClassDef {
                    name: self.text(name).to_string(),
                    name_span: Span::of(&name),
                    bases,
                    body: self.body(node, "body"),
                    span: Span::of(&node),
                }));
            }
            "function_definition" => {
                let name = node
                    .child_by_field_name("name")
                    .map(|n| self.text(n))
                    .unwrap_or("");
                let mut params = Vec::new();
                if let Some(ps) = node.child_by_field_name("parameters") {
                    let mut cursor = ps.walk();
                    for p in ps.named_children(&mut cursor) {
                        let id = if p.kind() == "identifier" {
                            Some(p)
                        } else {
                            p.child_by_field_name("name").or_else(|| p.named_child(0))
                        };
                        if let Some(id) = id.filter(|i| i.kind() == "identifier") {
                            params.push(self.text(id).to_string());
                        }
                    }
                }
                out.push(Stmt::Func(FuncDef {
                    name: name.to_string(),
                    params,
                    body: self.body(node, "body"),
                    span: Span::of(&node),
                }));
            }
            "decorated_definition" => {
                if let Some(def) = node.child_by_field_name("definition") {
                    self.stmt(def, out);
                }
            }
            "if_statement" | "elif_clause" | "else_clause" | "with_statement" | "try_statement"
            | "except_clause" | "finally_clause" | "while_statement" | "block" => {
                let mut inner = Vec::new();
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "block" => inner.extend(self.block(child)),
                        "elif_clause" | "else_clause" | "except_clause" | "finally_clause" => {
                            self.stmt(child, &mut inner)
                        }
                        _ => {}
                    }
                }
                out.push(Stmt::Block(inner));
            }
            // Recovered syntax errors: keep whatever statements the parser still found inside.
            "ERROR" => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    self.stmt(child, out);
                }
            }
            "call" | "attribute" | "assignment" => {
                if node.kind() == "assignment" {
                    self.assignment(node, out);
                } else {
                    out.push(Stmt::Expr(self.expr(node)));
                }
            }
            _ => {}
        }
    }

    fn assignment(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let Some(left) = node.child_by_field_name("left") else {
            return;
        };
        let Some(right) = node.child_by_field_name("right") else {
            return;
        };
        // `a = b = value` nests assignments on the right.
        let value = if right.kind() == "assignment" {
            self.assignment(right, out);
            match right.child_by_field_name("left") {
                Some(inner) => self.expr(inner),
                None => Expr::unknown(Span::of(&right)),
            }
        } else {
            self.expr(right)
        };
        out.push(Stmt::Assign {
            target: self.target(left),
            value,
        });
    }

    fn target(&self, node: Node<'_>) -> Target {
        match node.kind() {
            "identifier" => Target::Name(self.text(node).to_string(), Span::of(&node)),
            "attribute" => {
                let obj = node.child_by_field_name("object");
                let attr = node.child_by_field_name("attribute");
                match (obj, attr) {
                    (Some(o), Some(a)) if self.text(o) == "self" => {
                        Target::SelfAttr(self.text(a).to_string(), Span::of(&a))
                    }
                    _ => Target::Other,
                }
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
            | "expression_list" => {
                let mut cursor = node.walk();
                Target::Tuple(
                    node.named_children(&mut cursor)
                        .map(|c| self.target(c))
                        .collect(),
                )
            }
            "parenthesized_expression" => node
                .named_child(0)
                .map(|c| self.target(c))
                .unwrap_or(Target::Other),
            _ => Target::Other,
        }
    }

    pub fn expr(&self, node: Node<'_>) -> Expr {
        let span = Span::of(&node);
        let kind = match node.kind() {
            "identifier" => match self.text(node) {
                "self" => ExprKind::This,
                name => ExprKind::Name(name.to_string()),
            },
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "none" => ExprKind::Null,
            "integer" | "float" => ExprKind::Num(self.text(node).to_string()),
            "string" => self.string(node),
            "concatenated_string" => {
                let mut parts = Vec::new();
                let mut cursor = node.walk();
                for s in node.named_children(&mut cursor) {
                    match self.string(s) {
                        ExprKind::Str(t) => parts.push(TemplatePart::Lit(t)),
                        ExprKind::Template(ps) => parts.extend(ps),
                        _ => parts.push(TemplatePart::Expr(Expr::unknown(Span::of(&s)))),
                    }
                }
                ExprKind::Template(parts)
            }
            "attribute" => {
                match (
                    node.child_by_field_name("object"),
                    node.child_by_field_name("attribute"),
                ) {
                    (Some(o), Some(a)) => ExprKind::Attr(
                        Box::new(self.expr(o)),
                        self.text(a).to_string(),
                        Span::of(&a),
                    ),
                    _ => ExprKind::Unknown,
                }
            }
            "call" => {
                let func = node.child_by_field_name("function").map(|f| self.expr(f));
                let args = node
                    .child_by_field_name("arguments")
                    .filter(|a| a.kind() == "argument_list")
                    .map(|a| self.args(a))
                    .unwrap_or_default();
                match func {
                    Some(f) => ExprKind::Call {
                        func: Box::new(f),
                        args,
                    },
                    None => ExprKind::Unknown,
                }
            }
            "subscript" => {
                match (
                    node.child_by_field_name("value"),
                    node.child_by_field_name("subscript"),
                ) {
                    (Some(v), Some(s)) => {
                        ExprKind::Subscript(Box::new(self.expr(v)), Box::new(self.expr(s)))
                    }
                    _ => ExprKind::Unknown,
                }
            }
            "dictionary" => {
                let mut entries = Vec::new();
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "pair" => {
                            let key = child.child_by_field_name("key");
                            let value = child.child_by_field_name("value");
                            if let (Some(k), Some(v)) = (key, value) {
                                if let ExprKind::Str(key) = self.string(k) {
                                    entries.push(DictEntry::Pair {
                                        key,
                                        key_span: Span::of(&k),
                                        value: self.expr(v),
                                    });
                                } else {
                                    entries.push(DictEntry::Spread(Expr::unknown(Span::of(&k))));
                                }
                            }
                        }
                        "dictionary_splat" => {
                            entries.push(DictEntry::Spread(Expr::unknown(Span::of(&child))))
                        }
                        _ => {}
                    }
                }
                ExprKind::Dict(entries)
            }
            "list" | "tuple" => {
                let mut cursor = node.walk();
                let items: Vec<Expr> = node
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .map(|c| self.expr(c))
                    .collect();
                ExprKind::List(items)
            }
            "parenthesized_expression" => {
                return node
                    .named_child(0)
                    .map(|c| self.expr(c))
                    .unwrap_or(Expr::unknown(span))
            }
            _ => ExprKind::Unknown,
        };
        Expr { kind, span }
    }

    fn string(&self, node: Node<'_>) -> ExprKind {
        if node.kind() != "string" {
            return ExprKind::Unknown;
        }
        let mut parts = Vec::new();
        let mut templated = false;
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "string_content" => parts.push(TemplatePart::Lit(self.text(child).to_string())),
                "escape_sequence" => parts.push(TemplatePart::Lit(unescape(self.text(child)))),
                "interpolation" => {
                    templated = true;
                    let e = child
                        .child_by_field_name("expression")
                        .map(|e| self.expr(e))
                        .unwrap_or(Expr::unknown(Span::of(&child)));
                    // A format spec or conversion (`{x!r}`, `{x:>4}`) changes the text.
                    let plain = child.child_by_field_name("format_specifier").is_none()
                        && child.child_by_field_name("type_conversion").is_none();
                    parts.push(TemplatePart::Expr(if plain {
                        e
                    } else {
                        Expr::unknown(Span::of(&child))
                    }));
                }
                _ => {}
            }
        }
        if templated {
            ExprKind::Template(parts)
        } else {
            ExprKind::Str(
                parts
                    .into_iter()
                    .map(|p| match p {
                        TemplatePart::Lit(s) => s,
                        TemplatePart::Expr(_) => String::new(),
                    })
                    .collect(),
            )
        }
    }

    fn args(&self, node: Node<'_>) -> Vec<Arg> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "keyword_argument" => {
                    let name = child.child_by_field_name("name");
                    let value = child.child_by_field_name("value");
                    if let (Some(n), Some(v)) = (name, value) {
                        out.push(Arg::Keyword {
                            name: self.text(n).to_string(),
                            name_span: Span::of(&n),
                            value: self.expr(v),
                        });
                    }
                }
                "list_splat" | "dictionary_splat" => {
                    out.push(Arg::Spread(Expr::unknown(Span::of(&child))))
                }
                "comment" => {}
                _ => out.push(Arg::Positional(self.expr(child))),
            }
        }
        out
    }
}

/// The common Python escapes; anything rarer keeps its source text.
fn unescape(esc: &str) -> String {
    match esc {
        "\\n" => "\n".into(),
        "\\t" => "\t".into(),
        "\\\\" => "\\".into(),
        "\\'" => "'".into(),
        "\\\"" => "\"".into(),
        other => other.to_string(),
    }
}
