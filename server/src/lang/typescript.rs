//! The TypeScript (and JavaScript) plugin: lowers a `tree-sitter-typescript` or
//! `tree-sitter-javascript` tree into [`ir`](super::ir). The two grammars share node names.

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

    fn stmt(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        match self.memo {
            Some(m) => super::reuse::stmt(m, self.src, node, out, |out| self.stmt_fresh(node, out)),
            None => self.stmt_fresh(node, out),
        }
    }

    fn stmt_fresh(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        match node.kind() {
            "expression_statement" => {
                if let Some(e) = node.named_child(0) {
                    self.expr_stmt(e, out);
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                let mut cursor = node.walk();
                for decl in node.named_children(&mut cursor) {
                    if decl.kind() != "variable_declarator" {
                        continue;
                    }
                    let (Some(name), Some(value)) = (
                        decl.child_by_field_name("name"),
                        decl.child_by_field_name("value"),
                    ) else {
                        continue;
                    };
                    out.push(Stmt::Assign {
                        target: self.target(name),
                        value: self.expr(value),
                    });
                }
            }
            "export_statement" => {
                if let Some(d) = node.child_by_field_name("declaration") {
                    self.stmt(d, out);
                }
            }
            "for_in_statement" => {
                // Only `for (… of …)` iterates values; `for (… in …)` iterates keys.
                let is_of = node
                    .child_by_field_name("operator")
                    .is_some_and(|op| self.text(op) == "of");
                let (Some(left), Some(right), Some(body)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                    node.child_by_field_name("body"),
                ) else {
                    return;
                };
                let body = self.stmts_of(body);
                if is_of {
                    out.push(Stmt::For {
                        target: self.target(left),
                        iter: self.expr(right),
                        body,
                    });
                } else {
                    out.push(Stmt::Block(Vec::new()));
                }
            }
            "class_declaration" | "abstract_class_declaration" | "class" => {
                let Some(name) = node.child_by_field_name("name") else {
                    return;
                };
                let mut bases = Vec::new();
                let mut body = Vec::new();
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "class_heritage" => {
                            let mut c2 = child.walk();
                            for clause in child.named_children(&mut c2) {
                                // TypeScript wraps `extends X` in extends_clause; JavaScript
                                // puts the expression directly under class_heritage.
                                if clause.kind() == "extends_clause" {
                                    if let Some(v) = clause.child_by_field_name("value") {
                                        bases.push(self.expr(v));
                                    }
                                } else if clause.kind() != "implements_clause" {
                                    bases.push(self.expr(clause));
                                }
                            }
                        }
                        "class_body" => body = self.class_body(child),
                        _ => {}
                    }
                }
                out.push(Stmt::Class(ClassDef {
                    name: self.text(name).to_string(),
                    name_span: Span::of(&name),
                    bases,
                    body,
                    span: Span::of(&node),
                }));
            }
            "function_declaration" | "generator_function_declaration" => {
                let name = node
                    .child_by_field_name("name")
                    .map(|n| self.text(n))
                    .unwrap_or("");
                out.push(Stmt::Func(self.func(node, name)));
            }
            "statement_block" | "if_statement" | "else_clause" | "try_statement"
            | "catch_clause" | "finally_clause" | "while_statement" => {
                let mut inner = Vec::new();
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "statement_block" => inner.extend(self.block(child)),
                        "else_clause" | "catch_clause" | "finally_clause" => {
                            self.stmt(child, &mut inner)
                        }
                        k if k.ends_with("_statement") || k == "lexical_declaration" => {
                            self.stmt(child, &mut inner)
                        }
                        _ => {}
                    }
                }
                out.push(Stmt::Block(inner));
            }
            "ERROR" => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    self.stmt(child, out);
                }
            }
            "call_expression" | "new_expression" | "assignment_expression" => {
                self.expr_stmt(node, out)
            }
            _ => {}
        }
    }

    fn stmts_of(&self, node: Node<'_>) -> Vec<Stmt> {
        if node.kind() == "statement_block" {
            self.block(node)
        } else {
            let mut out = Vec::new();
            self.stmt(node, &mut out);
            out
        }
    }

    fn expr_stmt(&self, e: Node<'_>, out: &mut Vec<Stmt>) {
        if e.kind() == "assignment_expression" {
            let (Some(left), Some(right)) = (
                e.child_by_field_name("left"),
                e.child_by_field_name("right"),
            ) else {
                return;
            };
            out.push(Stmt::Assign {
                target: self.target(left),
                value: self.expr(right),
            });
        } else {
            out.push(Stmt::Expr(self.expr(e)));
        }
    }

    fn class_body(&self, node: Node<'_>) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        for member in node.named_children(&mut cursor) {
            if member.kind() == "method_definition" {
                let name = member
                    .child_by_field_name("name")
                    .map(|n| self.text(n))
                    .unwrap_or("");
                // The model looks for `__init__`; a constructor is the same thing.
                let name = if name == "constructor" {
                    "__init__"
                } else {
                    name
                };
                out.push(Stmt::Func(self.func(member, name)));
            }
        }
        out
    }

    fn func(&self, node: Node<'_>, name: &str) -> FuncDef {
        let mut params = Vec::new();
        if let Some(ps) = node.child_by_field_name("parameters") {
            let mut cursor = ps.walk();
            for p in ps.named_children(&mut cursor) {
                let pattern = p.child_by_field_name("pattern").unwrap_or(p);
                if pattern.kind() == "identifier" {
                    params.push(self.text(pattern).to_string());
                }
            }
        }
        FuncDef {
            name: name.to_string(),
            params,
            body: node
                .child_by_field_name("body")
                .map(|b| self.block(b))
                .unwrap_or_default(),
            span: Span::of(&node),
        }
    }

    fn target(&self, node: Node<'_>) -> Target {
        match node.kind() {
            "identifier" => Target::Name(self.text(node).to_string(), Span::of(&node)),
            "member_expression" => {
                let obj = node.child_by_field_name("object");
                let prop = node.child_by_field_name("property");
                match (obj, prop) {
                    (Some(o), Some(p)) if o.kind() == "this" => {
                        Target::SelfAttr(self.text(p).to_string(), Span::of(&p))
                    }
                    _ => Target::Other,
                }
            }
            "array_pattern" => {
                let mut cursor = node.walk();
                Target::Tuple(
                    node.named_children(&mut cursor)
                        .map(|c| self.target(c))
                        .collect(),
                )
            }
            "object_pattern" => {
                let mut fields = Vec::new();
                let mut cursor = node.walk();
                for c in node.named_children(&mut cursor) {
                    match c.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let n = self.text(c).to_string();
                            fields.push((n.clone(), Target::Name(n, Span::of(&c))));
                        }
                        "pair_pattern" => {
                            if let (Some(k), Some(v)) =
                                (c.child_by_field_name("key"), c.child_by_field_name("value"))
                            {
                                fields.push((self.key(k), self.target(v)));
                            }
                        }
                        _ => {}
                    }
                }
                Target::Object(fields)
            }
            "lexical_declaration" | "variable_declaration" => node
                .named_child(0)
                .and_then(|d| d.child_by_field_name("name"))
                .map(|n| self.target(n))
                .unwrap_or(Target::Other),
            _ => Target::Other,
        }
    }

    fn key(&self, node: Node<'_>) -> String {
        match node.kind() {
            "string" => self.string_text(node),
            _ => self.text(node).to_string(),
        }
    }

    pub fn expr(&self, node: Node<'_>) -> Expr {
        let span = Span::of(&node);
        let kind = match node.kind() {
            "identifier" | "shorthand_property_identifier" => {
                ExprKind::Name(self.text(node).to_string())
            }
            "undefined" => ExprKind::Null,
            "this" => ExprKind::This,
            "super" => ExprKind::Name("super".into()),
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "null" => ExprKind::Null,
            "number" => ExprKind::Num(self.text(node).to_string()),
            "string" => ExprKind::Str(self.string_text(node)),
            "template_string" => {
                let mut parts = Vec::new();
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "string_fragment" => {
                            parts.push(TemplatePart::Lit(self.text(child).to_string()))
                        }
                        "escape_sequence" => {
                            parts.push(TemplatePart::Lit(unescape(self.text(child))))
                        }
                        "template_substitution" => parts.push(TemplatePart::Expr(
                            child
                                .named_child(0)
                                .map(|e| self.expr(e))
                                .unwrap_or(Expr::unknown(Span::of(&child))),
                        )),
                        _ => {}
                    }
                }
                // Older grammar versions expose no fragments: fall back to the raw text.
                if parts.is_empty() {
                    let raw = self.text(node);
                    parts.push(TemplatePart::Lit(raw.trim_matches('`').to_string()));
                }
                ExprKind::Template(parts)
            }
            "member_expression" => {
                match (
                    node.child_by_field_name("object"),
                    node.child_by_field_name("property"),
                ) {
                    (Some(o), Some(p)) => ExprKind::Attr(
                        Box::new(self.expr(o)),
                        self.text(p).to_string(),
                        Span::of(&p),
                    ),
                    _ => ExprKind::Unknown,
                }
            }
            "call_expression" | "new_expression" => {
                let func = node
                    .child_by_field_name("function")
                    .or_else(|| node.child_by_field_name("constructor"))
                    .map(|f| self.expr(f));
                let args = node
                    .child_by_field_name("arguments")
                    .filter(|a| a.kind() == "arguments")
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
            "subscript_expression" => {
                match (
                    node.child_by_field_name("object"),
                    node.child_by_field_name("index"),
                ) {
                    (Some(o), Some(i)) => {
                        ExprKind::Subscript(Box::new(self.expr(o)), Box::new(self.expr(i)))
                    }
                    _ => ExprKind::Unknown,
                }
            }
            "object" => {
                let mut entries = Vec::new();
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "pair" => {
                            let (Some(k), Some(v)) = (
                                child.child_by_field_name("key"),
                                child.child_by_field_name("value"),
                            ) else {
                                continue;
                            };
                            if k.kind() == "computed_property_name" {
                                entries.push(DictEntry::Spread(Expr::unknown(Span::of(&k))));
                            } else {
                                entries.push(DictEntry::Pair {
                                    key: self.key(k),
                                    key_span: Span::of(&k),
                                    value: self.expr(v),
                                });
                            }
                        }
                        "shorthand_property_identifier" => entries.push(DictEntry::Pair {
                            key: self.text(child).to_string(),
                            key_span: Span::of(&child),
                            value: self.expr(child),
                        }),
                        "spread_element" => {
                            entries.push(DictEntry::Spread(Expr::unknown(Span::of(&child))))
                        }
                        _ => {}
                    }
                }
                ExprKind::Dict(entries)
            }
            "array" => {
                let mut items = Vec::new();
                let mut cursor = node.walk();
                for c in node.named_children(&mut cursor) {
                    if c.kind() == "spread_element" {
                        // The array's length is unknown once anything is spread into it.
                        return Expr::unknown(span);
                    }
                    if c.kind() != "comment" {
                        items.push(self.expr(c));
                    }
                }
                ExprKind::List(items)
            }
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "await_expression" => {
                return node
                    .named_child(0)
                    .map(|c| self.expr(c))
                    .unwrap_or(Expr::unknown(span))
            }
            _ => ExprKind::Unknown,
        };
        Expr { kind, span }
    }

    fn string_text(&self, node: Node<'_>) -> String {
        let mut out = String::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "string_fragment" => out.push_str(self.text(child)),
                "escape_sequence" => out.push_str(&unescape(self.text(child))),
                _ => {}
            }
        }
        out
    }

    fn args(&self, node: Node<'_>) -> Vec<Arg> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "spread_element" => out.push(Arg::Spread(Expr::unknown(Span::of(&child)))),
                "comment" => {}
                _ => out.push(Arg::Positional(self.expr(child))),
            }
        }
        out
    }
}

fn unescape(esc: &str) -> String {
    match esc {
        "\\n" => "\n".into(),
        "\\t" => "\t".into(),
        "\\\\" => "\\".into(),
        "\\'" => "'".into(),
        "\\\"" => "\"".into(),
        "\\`" => "`".into(),
        "\\$" => "$".into(),
        other => other.to_string(),
    }
}
