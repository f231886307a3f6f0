//! The TypeScript (and JavaScript) plugin: lowers a `tree-sitter-typescript` or
//! `tree-sitter-javascript` tree into [`ir`](super::ir). The two grammars share node names.

use super::ir::{
    Arg, Builtin, ClassDef, DictEntry, Expr, ExprKind, FuncDef, Lambda, Span, Stmt, Target,
    TemplatePart, DEFAULT_EXPORT, MODULE_EXPORTS,
};
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
        super::reuse::lowered_stmt(self.memo, self.nesting, self.src, node, out, |n, out| {
            self.stmt_fresh(n, out)
        });
    }

    // Statements and expressions are lowered by recursion, as deep as the code nests (up to
    // `MAX_NESTING`): the functions on that path only dispatch, and each construct is lowered
    // by a function of its own, so that every level costs a small stack frame even in a debug
    // build (a `match` with every construct inline took 7 KB a level).

    fn stmt_fresh(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        match node.kind() {
            "expression_statement" => {
                if let Some(e) = node.named_child(0) {
                    self.expr_stmt(e, out);
                }
            }
            "lexical_declaration" | "variable_declaration" => self.declaration(node, out),
            "export_statement" => {
                let is_default = {
                    let mut c = node.walk();
                    let d = node.children(&mut c).any(|ch| ch.kind() == "default");
                    d
                };
                if let Some(d) = node.child_by_field_name("declaration") {
                    self.stmt(d, out);
                    // `export default class CatalogStage …`: the module's `default` is it.
                    if let (true, Some(name)) = (is_default, d.child_by_field_name("name")) {
                        out.push(Stmt::Assign {
                            target: Target::Name(DEFAULT_EXPORT.to_string(), Span::of(&name)),
                            value: Expr {
                                kind: ExprKind::Name(self.text(name).to_string()),
                                span: Span::of(&name),
                            },
                        });
                    }
                } else if let (true, Some(v)) = (is_default, node.child_by_field_name("value")) {
                    // `export default CatalogStage;` / `export default { … }`.
                    out.push(Stmt::Assign {
                        target: Target::Name(DEFAULT_EXPORT.to_string(), Span::of(&v)),
                        value: self.expr(v),
                    });
                }
            }
            "for_in_statement" => self.for_in(node, out),
            "return_statement" => out.push(Stmt::Return(node.named_child(0).map(|v| self.expr(v)))),
            "class_declaration" | "abstract_class_declaration" | "class" => self.class(node, out),
            "enum_declaration" => self.enum_declaration(node, out),
            "function_declaration" | "generator_function_declaration" => {
                self.function_declaration(node, out)
            }
            "if_statement" => self.if_statement(node, out),
            "statement_block" | "else_clause" | "try_statement" | "catch_clause"
            | "finally_clause" | "while_statement" => out.push(Stmt::Block(self.compound(node))),
            "ERROR" => self.statements_in(node, out),
            "call_expression"
            | "new_expression"
            | "assignment_expression"
            | "augmented_assignment_expression" => self.expr_stmt(node, out),
            // Statements and declarations that cannot create or configure anything.
            "comment"
            | "empty_statement"
            | "import_statement"
            | "break_statement"
            | "continue_statement"
            | "debugger_statement"
            | "type_alias_declaration"
            | "interface_declaration"
            | "ambient_declaration"
            | "hash_bang_line" => {}
            // One the model does not follow (`return …`, `switch`, `throw`, a C-style `for`, …)
            // leaves a mark: what it does is unknown, not nothing.
            _ => out.push(Stmt::Expr(Expr::unknown(Span::of(&node)))),
        }
    }

    /// `if (c) … else …`; an `else if` is an `If` in `otherwise`.
    fn if_statement(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let span = Span::of(&node);
        let cond = node
            .child_by_field_name("condition")
            .map_or(Expr::unknown(span), |c| self.expr(c));
        let then = node
            .child_by_field_name("consequence")
            .map(|c| self.stmts_of(c))
            .unwrap_or_default();
        let otherwise = node
            .child_by_field_name("alternative")
            .and_then(|e| e.named_child(0))
            .map(|c| self.stmts_of(c))
            .unwrap_or_default();
        out.push(Stmt::If {
            cond,
            then,
            otherwise,
        });
    }

    fn declaration(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        // A module's own `const` (`export const envFor = (stage) => …`), not a function's, nor
        // a `let`/`var` the code may bind again.
        let is_const = {
            let mut c = node.walk();
            let k = node.children(&mut c).any(|ch| ch.kind() == "const");
            k
        };
        let top = is_const
            && match node.parent() {
                Some(p) if p.kind() == "program" => true,
                Some(p) if p.kind() == "export_statement" => {
                    p.parent().is_some_and(|g| g.kind() == "program")
                }
                _ => false,
            };
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
            // A function bound to a module-level name is a function of the module, called
            // as one declared with `function` is.
            // Not an `async` one: it returns a promise.
            let is_async = {
                let mut c = value.walk();
                let a = value.children(&mut c).any(|ch| ch.kind() == "async");
                a
            };
            if top
                && !is_async
                && name.kind() == "identifier"
                && matches!(
                    value.kind(),
                    "arrow_function" | "function_expression" | "function"
                )
            {
                out.push(Stmt::Func(self.func(value, self.text(name))));
                continue;
            }
            out.push(Stmt::Assign {
                target: self.target(name),
                value: self.expr(value),
            });
        }
    }

    fn for_in(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
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
            // Not followed: what its body does is unknown, not nothing.
            out.push(Stmt::Expr(Expr::unknown(Span::of(&node))));
        }
    }

    fn function_declaration(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let name = node
            .child_by_field_name("name")
            .map(|n| self.text(n))
            .unwrap_or("");
        out.push(Stmt::Func(self.func(node, name)));
    }

    fn statements_in(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            self.stmt(child, out);
        }
    }

    fn class(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let mut bases = Vec::new();
        let mut body = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "class_heritage" => self.heritage(child, &mut bases),
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

    /// `enum Account { Dev = '111…' }`: a class whose members are its static values
    /// (`Account.Dev` is the string). A member without a value (numbered by TypeScript) is
    /// left out: its value is not known here.
    fn enum_declaration(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let mut body = Vec::new();
        if let Some(members) = node.child_by_field_name("body") {
            let mut cursor = members.walk();
            for m in members.named_children(&mut cursor) {
                if m.kind() != "enum_assignment" {
                    continue;
                }
                if let (Some(k), Some(v)) = (
                    m.child_by_field_name("name"),
                    m.child_by_field_name("value"),
                ) {
                    body.push(Stmt::Assign {
                        target: Target::Name(self.key(k), Span::of(&k)),
                        value: self.expr(v),
                    });
                }
            }
        }
        out.push(Stmt::Class(ClassDef {
            name: self.text(name).to_string(),
            name_span: Span::of(&name),
            bases: Vec::new(),
            body,
            span: Span::of(&node),
        }));
    }

    fn heritage(&self, node: Node<'_>, bases: &mut Vec<Expr>) {
        let mut cursor = node.walk();
        for clause in node.named_children(&mut cursor) {
            // TypeScript wraps `extends X` in extends_clause; JavaScript puts the expression
            // directly under class_heritage.
            if clause.kind() == "extends_clause" {
                if let Some(v) = clause.child_by_field_name("value") {
                    bases.push(self.expr(v));
                }
            } else if clause.kind() != "implements_clause" {
                bases.push(self.expr(clause));
            }
        }
    }

    /// Blocks, `if`/`try`/`while` and their clauses: the statements of every branch.
    fn compound(&self, node: Node<'_>) -> Vec<Stmt> {
        let mut inner = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "statement_block" => inner.extend(self.block(child)),
                "else_clause" | "catch_clause" | "finally_clause" => self.stmt(child, &mut inner),
                k if k.ends_with("_statement") || k == "lexical_declaration" => {
                    self.stmt(child, &mut inner)
                }
                _ => {}
            }
        }
        inner
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
        // `count += 1`: the name holds a value the model does not compute.
        if e.kind() == "augmented_assignment_expression" {
            if let Some(left) = e.child_by_field_name("left") {
                out.push(Stmt::Assign {
                    target: self.target(left),
                    value: Expr::unknown(Span::of(&e)),
                });
            }
            return;
        }
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
            // `static readonly DEV = '111…'`: a class attribute (`Accounts.DEV`). A field
            // of each instance is set by the constructor's run, not here.
            if member.kind() == "public_field_definition" {
                let mut c = member.walk();
                let is_static = member.children(&mut c).any(|ch| ch.kind() == "static");
                if let (true, Some(k), Some(v)) = (
                    is_static,
                    member.child_by_field_name("name"),
                    member.child_by_field_name("value"),
                ) {
                    out.push(Stmt::Assign {
                        target: Target::Name(self.key(k), Span::of(&k)),
                        value: self.expr(v),
                    });
                }
                continue;
            }
            if member.kind() == "method_definition" {
                let name = member
                    .child_by_field_name("name")
                    .map(|n| self.text(n))
                    .unwrap_or("");
                let mut func = self.func(member, name);
                func.constructor = name == "constructor";
                out.push(Stmt::Func(func));
            }
        }
        out
    }

    fn func(&self, node: Node<'_>, name: &str) -> FuncDef {
        let mut params = Vec::new();
        let mut defaults = Vec::new();
        if let Some(ps) = node.child_by_field_name("parameters") {
            let mut cursor = ps.walk();
            for p in ps.named_children(&mut cursor) {
                if p.kind() == "comment" {
                    continue;
                }
                let pattern = p.child_by_field_name("pattern").unwrap_or(p);
                // A destructured parameter keeps its place (unnamed), so later ones line up.
                params.push(if pattern.kind() == "identifier" {
                    self.text(pattern).to_string()
                } else {
                    String::new()
                });
                defaults.push(p.child_by_field_name("value").map(|v| self.expr(v)));
            }
        } else if let Some(p) = node.child_by_field_name("parameter") {
            // `stage => …`: an arrow function's one parameter.
            params.push(self.text(p).to_string());
            defaults.push(None);
        }
        // `static envFor(…)` in a class body.
        let is_static = {
            let mut c = node.walk();
            let s = node.children(&mut c).any(|ch| ch.kind() == "static");
            s
        };
        FuncDef {
            name: name.to_string(),
            constructor: false,
            is_static,
            params,
            defaults,
            body: match node.child_by_field_name("body") {
                // `(stage) => ({ … })`: an arrow function's expression body is what it returns.
                Some(b) if b.kind() != "statement_block" => vec![Stmt::Return(Some(self.expr(b)))],
                Some(b) => self.block(b),
                None => Vec::new(),
            },
            span: Span::of(&node),
        }
    }

    fn target(&self, node: Node<'_>) -> Target {
        let Some(_deeper) = self.nesting.expr(&node) else {
            return Target::Other;
        };
        match node.kind() {
            "identifier" => Target::Name(self.text(node).to_string(), Span::of(&node)),
            "member_expression" => {
                let obj = node.child_by_field_name("object");
                let prop = node.child_by_field_name("property");
                match (obj, prop) {
                    (Some(o), Some(p)) if o.kind() == "this" => {
                        Target::SelfAttr(self.text(p).to_string(), Span::of(&p))
                    }
                    // CommonJS: `module.exports = {…}` is what `require` returns (kept under
                    // the name `module.exports`, which no identifier can take), and
                    // `exports.X = …` / `module.exports.X = …` exports `X`.
                    (Some(o), Some(p)) => match (self.text(o), self.text(p)) {
                        ("module", "exports") => {
                            Target::Name(MODULE_EXPORTS.to_string(), Span::of(&node))
                        }
                        ("exports" | "module.exports", name) => {
                            Target::Name(name.to_string(), Span::of(&p))
                        }
                        _ => Target::Other,
                    },
                    _ => Target::Other,
                }
            }
            "subscript_expression" => match (
                node.child_by_field_name("object"),
                node.child_by_field_name("index"),
            ) {
                (Some(o), Some(k)) => Target::Item {
                    obj: Box::new(self.expr(o)),
                    key: Box::new(self.expr(k)),
                },
                _ => Target::Other,
            },
            "array_pattern" => self.array_pattern(node),
            "object_pattern" => self.object_pattern(node),
            "lexical_declaration" | "variable_declaration" => node
                .named_child(0)
                .and_then(|d| d.child_by_field_name("name"))
                .map(|n| self.target(n))
                .unwrap_or(Target::Other),
            _ => Target::Other,
        }
    }

    fn array_pattern(&self, node: Node<'_>) -> Target {
        let mut items = Vec::new();
        let mut cursor = node.walk();
        for c in node.named_children(&mut cursor) {
            items.push(self.target(c));
        }
        Target::Tuple(items)
    }

    fn object_pattern(&self, node: Node<'_>) -> Target {
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

    fn key(&self, node: Node<'_>) -> String {
        match node.kind() {
            "string" => self.string_text(node),
            _ => self.text(node).to_string(),
        }
    }

    pub fn expr(&self, node: Node<'_>) -> Expr {
        let span = Span::of(&node);
        let Some(_deeper) = self.nesting.expr(&node) else {
            return Expr::unknown(span);
        };
        let kind = match node.kind() {
            "identifier" | "shorthand_property_identifier" => {
                let name = self.text(node);
                match name {
                    "require" => builtin(Builtin::Import, name),
                    "__dirname" => builtin(Builtin::FileDir, name),
                    _ => ExprKind::Name(name.to_string()),
                }
            }
            "undefined" => ExprKind::Null,
            "this" => ExprKind::This,
            "super" => builtin(Builtin::Super, "super"),
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "null" => ExprKind::Null,
            "number" => ExprKind::Num(self.text(node).to_string()),
            "string" => ExprKind::Str(self.string_text(node)),
            "template_string" => self.template(node),
            "member_expression" => self.member(node),
            "call_expression" | "new_expression" => self.call(node),
            "arrow_function" | "function_expression" | "function" => self.lambda(node),
            "binary_expression" => self.binary(node),
            "ternary_expression" => match (
                node.child_by_field_name("condition"),
                node.child_by_field_name("consequence"),
                node.child_by_field_name("alternative"),
            ) {
                (Some(c), Some(a), Some(b)) => ExprKind::Cond {
                    cond: Box::new(self.expr(c)),
                    then: Box::new(self.expr(a)),
                    otherwise: Box::new(self.expr(b)),
                },
                _ => ExprKind::Unknown,
            },
            "unary_expression" => match (
                node.child_by_field_name("operator").map(|o| self.text(o)),
                node.child_by_field_name("argument"),
            ) {
                (Some("!"), Some(a)) => ExprKind::Not(Box::new(self.expr(a))),
                _ => ExprKind::Unknown,
            },
            "subscript_expression" => self.subscript(node),
            "object" => self.object(node),
            // The array's length is unknown once anything is spread into it.
            "array" => self.array(node).unwrap_or(ExprKind::Unknown),
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "await_expression" => return self.first_child(node, span),
            _ => ExprKind::Unknown,
        };
        Expr { kind, span }
    }

    /// A binary expression the IR has (one home for them all: [`super::ir::BinOp`]); any
    /// other is unknown.
    fn binary(&self, node: Node<'_>) -> ExprKind {
        let (Some(l), Some(op), Some(r)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("operator"),
            node.child_by_field_name("right"),
        ) else {
            return ExprKind::Unknown;
        };
        match super::ir::BinOp::of(self.text(op)) {
            Some(op) => op.lower(self.expr(l), self.expr(r)),
            None => ExprKind::Unknown,
        }
    }

    /// `(t) => …` / `function (t) { … }`. The body is lowered without reuse: its statements
    /// lower differently at another depth (see [`Nesting`]).
    fn lambda(&self, node: Node<'_>) -> ExprKind {
        let mut params = Vec::new();
        if let Some(p) = node.child_by_field_name("parameter") {
            params.push(self.target(p));
        } else if let Some(ps) = node.child_by_field_name("parameters") {
            let mut cursor = ps.walk();
            for p in ps.named_children(&mut cursor) {
                if p.kind() == "comment" {
                    continue;
                }
                let pattern = p.child_by_field_name("pattern").unwrap_or(p);
                params.push(self.target(pattern));
            }
        }
        let Some(body) = node.child_by_field_name("body") else {
            return ExprKind::Unknown;
        };
        let inner = Lowerer {
            src: self.src,
            memo: None,
            nesting: self.nesting,
        };
        let (body, value) = if body.kind() == "statement_block" {
            super::nesting::lambda_block(
                self.nesting,
                body,
                |c, out| inner.stmt(c, out),
                |r| inner.expr(r),
            )
        } else {
            (Vec::new(), Some(inner.expr(body)))
        };
        ExprKind::Lambda(Box::new(Lambda {
            params,
            body,
            value,
        }))
    }

    /// `(x)`, `x as T`, `x!`, `await x`: the expression inside.
    fn first_child(&self, node: Node<'_>, span: Span) -> Expr {
        match node.named_child(0) {
            Some(c) => self.expr(c),
            None => Expr::unknown(span),
        }
    }

    fn template(&self, node: Node<'_>) -> ExprKind {
        let mut parts = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "string_fragment" => parts.push(TemplatePart::Lit(self.text(child).to_string())),
                "escape_sequence" => parts.push(TemplatePart::Lit(unescape(self.text(child)))),
                "template_substitution" => parts.push(TemplatePart::Expr(
                    self.first_child(child, Span::of(&child)),
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

    fn member(&self, node: Node<'_>) -> ExprKind {
        match (
            node.child_by_field_name("object"),
            node.child_by_field_name("property"),
        ) {
            (Some(o), Some(p)) => {
                let (object, property) = (self.text(o), self.text(p));
                let view = match property {
                    "entries" => Some(Builtin::Entries),
                    "keys" => Some(Builtin::Keys),
                    "values" => Some(Builtin::Values),
                    _ => None,
                };
                let attr =
                    ExprKind::Attr(Box::new(self.expr(o)), property.to_string(), Span::of(&p));
                match view {
                    // `Object.entries` and its kin (what the file wrote, should it bind
                    // `Object` itself).
                    Some(what) if o.kind() == "identifier" && object == "Object" => {
                        ExprKind::Builtin {
                            what,
                            name: object.to_string(),
                            written: Some(Box::new(Expr {
                                kind: attr,
                                span: Span::of(&node),
                            })),
                        }
                    }
                    _ => attr,
                }
            }
            _ => ExprKind::Unknown,
        }
    }

    fn call(&self, node: Node<'_>) -> ExprKind {
        let Some(func) = node
            .child_by_field_name("function")
            .or_else(|| node.child_by_field_name("constructor"))
        else {
            return ExprKind::Unknown;
        };
        let func = Box::new(self.expr(func));
        let args = match node.child_by_field_name("arguments") {
            Some(a) if a.kind() == "arguments" => self.args(a),
            _ => Vec::new(),
        };
        ExprKind::Call { func, args }
    }

    fn subscript(&self, node: Node<'_>) -> ExprKind {
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

    fn object(&self, node: Node<'_>) -> ExprKind {
        let mut entries = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "pair" => entries.extend(self.pair(child)),
                "shorthand_property_identifier" => entries.push(DictEntry::Pair {
                    key: self.text(child).to_string(),
                    key_span: Span::of(&child),
                    value: self.expr(child),
                }),
                // `...known` adds its keys (see the model's `eval_dict`).
                "spread_element" => {
                    entries.push(DictEntry::Spread(self.first_child(child, Span::of(&child))))
                }
                _ => {}
            }
        }
        ExprKind::Dict(entries)
    }

    fn pair(&self, node: Node<'_>) -> Option<DictEntry> {
        let key = node.child_by_field_name("key")?;
        let value = node.child_by_field_name("value")?;
        Some(if key.kind() == "computed_property_name" {
            DictEntry::Spread(Expr::unknown(Span::of(&key)))
        } else {
            DictEntry::Pair {
                key: self.key(key),
                key_span: Span::of(&key),
                value: self.expr(value),
            }
        })
    }

    /// `None` when something is spread into the array.
    fn array(&self, node: Node<'_>) -> Option<ExprKind> {
        let mut items = Vec::new();
        let mut cursor = node.walk();
        for c in node.named_children(&mut cursor) {
            match c.kind() {
                "spread_element" => return None,
                "comment" => {}
                _ => items.push(self.expr(c)),
            }
        }
        Some(ExprKind::List(items))
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

/// The import bindings of a module's own statements, as `queries/typescript/imports.scm` (and
/// the JavaScript copy) finds them: one per bound name of an `import … from '…'`, and of an
/// `export … from '…'` (`*`, `* as ns`, `{ a, b as c }`). A test holds the two equal.
pub(crate) fn imports(root: Node<'_>) -> Vec<super::RawImport<'_>> {
    let mut out = Vec::new();
    let mut stmts = root.walk();
    for stmt in root.named_children(&mut stmts) {
        let is_import = match stmt.kind() {
            "import_statement" => true,
            "export_statement" => false,
            _ => continue,
        };
        let Some(module) = stmt
            .child_by_field_name("source")
            .filter(|s| s.kind() == "string")
            .and_then(|s| named_child_of_kind(s, "string_fragment"))
        else {
            continue;
        };
        let base = super::RawImport {
            statement: Some(stmt),
            module: Some(module),
            ..Default::default()
        };
        let mut children = stmt.walk();
        for child in stmt.children(&mut children) {
            match (is_import, child.kind()) {
                (true, "import_clause") => {
                    let mut parts = child.walk();
                    for part in child.named_children(&mut parts) {
                        match part.kind() {
                            "namespace_import" => {
                                if let Some(id) = named_child_of_kind(part, "identifier") {
                                    out.push(super::RawImport {
                                        local: Some(id),
                                        ..base
                                    });
                                }
                            }
                            "named_imports" => specifiers(part, "import_specifier", base, &mut out),
                            "identifier" => out.push(super::RawImport {
                                local: Some(part),
                                default: true,
                                ..base
                            }),
                            _ => {}
                        }
                    }
                }
                (false, "*") => out.push(super::RawImport { all: true, ..base }),
                (false, "namespace_export") => {
                    if let Some(id) = named_child_of_kind(child, "identifier") {
                        out.push(super::RawImport {
                            local: Some(id),
                            ..base
                        });
                    }
                }
                (false, "export_clause") => specifiers(child, "export_specifier", base, &mut out),
                _ => {}
            }
        }
    }
    out
}

/// `{ a, b as c }`: a binding per specifier whose name (and alias, if any) is an identifier.
fn specifiers<'t>(
    list: Node<'t>,
    kind: &str,
    base: super::RawImport<'t>,
    out: &mut Vec<super::RawImport<'t>>,
) {
    let mut specs = list.walk();
    for spec in list.named_children(&mut specs) {
        if spec.kind() != kind {
            continue;
        }
        let Some(name) = spec
            .child_by_field_name("name")
            .filter(|n| n.kind() == "identifier")
        else {
            continue;
        };
        let alias = spec.child_by_field_name("alias");
        if alias.is_some_and(|a| a.kind() != "identifier") {
            continue;
        }
        out.push(super::RawImport {
            member: Some(name),
            local: alias,
            ..base
        });
    }
}

fn named_child_of_kind<'t>(n: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut c = n.walk();
    let found = n.named_children(&mut c).find(|x| x.kind() == kind);
    found
}

// --- a failed synth, as TypeScript (ts-node) and Node print it (see `lang::SynthErrors`) ---

static TS_COMPILE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"([^\s():]+\.[cm]?[tj]sx?)(?:\((\d+),(\d+)\)|:(\d+):(\d+)) ?[:-] ?error TS\d+",
    )
    .unwrap()
});
static NODE_FRAME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^\s*at (?:.*\()?((?:file://)?/[^():]+\.[cm]?[tj]sx?):(\d+):(\d+)\)?\s*$")
        .unwrap()
});

/// TypeScript compile errors (ts-node's `TSError: ⨯ Unable to compile TypeScript:`).
pub(super) fn synth_compile_message(lines: &[&str], _: super::Noise) -> Option<String> {
    let ts: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| TS_COMPILE.is_match(l))
        .take(10)
        .collect();
    (!ts.is_empty()).then(|| ts.join("\n"))
}

/// The places compile errors name, in order: (file as printed, line, column).
pub(super) fn synth_compile_places(lines: &[&str]) -> Vec<super::SynthPlace> {
    lines
        .iter()
        .filter_map(|l| {
            let c = TS_COMPILE.captures(l)?;
            let line = c.get(2).or(c.get(4))?.as_str().parse().ok()?;
            let column = c.get(3).or(c.get(5)).and_then(|m| m.as_str().parse().ok());
            Some((c[1].to_string(), line, column))
        })
        .collect()
}

/// A Node error: from the last `Error:` line up to its stack.
pub(super) fn synth_node_message(lines: &[&str], noise: super::Noise) -> Option<String> {
    let i = lines.iter().rposition(|l| {
        let t = l.trim_start();
        !t.starts_with("at ")
            && (t.starts_with("Error") || t.contains("Error: ") || t.contains("Error ["))
    })?;
    let msg: Vec<&str> = lines[i..]
        .iter()
        .copied()
        .take_while(|l| !l.trim_start().starts_with("at "))
        .filter(|l| !noise(l))
        .take(15)
        .collect();
    (!msg.is_empty()).then(|| msg.join("\n"))
}

/// A Node stack's frames, innermost first: (file as printed, line, column).
pub(super) fn synth_node_places(lines: &[&str]) -> Vec<super::SynthPlace> {
    lines
        .iter()
        .filter_map(|l| {
            let c = NODE_FRAME.captures(l)?;
            Some((c[1].to_string(), c[2].parse().ok()?, c[3].parse().ok()))
        })
        .collect()
}

/// Where a Node app's libraries live.
pub(super) fn library_folder(name: &str) -> bool {
    name == "node_modules"
}

/// The files an import of `module` from a file in `dir` may name, in the order TypeScript and
/// Node look: `./b` / `../b` from the importing file's folder, as it is, with each extension,
/// or its `index`. A package name (`aws-cdk-lib`) names no file of the app.
pub(super) fn module_files(
    _root: &std::path::Path,
    dir: &std::path::Path,
    module: &str,
) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if module.starts_with("./") || module.starts_with("../") {
        let p = dir.join(module);
        out.push(p.clone());
        for ext in ["ts", "tsx", "js", "mjs", "cjs"] {
            let mut name = p.as_os_str().to_owned();
            name.push(format!(".{ext}"));
            out.push(std::path::PathBuf::from(name));
        }
        for index in ["index.ts", "index.js"] {
            out.push(p.join(index));
        }
    }
    out
}

/// What the language predefines under `name` (see [`ExprKind::Builtin`]).
fn builtin(what: Builtin, name: &str) -> ExprKind {
    ExprKind::Builtin {
        what,
        name: name.to_string(),
        written: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::ir::{ExprKind, Stmt};

    /// A function bound to a module-level name (`const`, exported or not, an arrow function or
    /// `function`) is the module's function, as one declared with `function` is: its
    /// parameters, their defaults, an expression body as what it returns. Bound inside a
    /// function, it stays a value of that function.
    #[test]
    fn a_function_bound_to_a_module_level_name_is_the_modules_function() {
        let src = "export const f = (a: string, b = 'x') => ({ a, b });\n\
                   const g = a => a;\n\
                   const h = function (a) { return a; };\n\
                   function outer() { const inner = () => 1; }\n\
                   const n = 1, k = () => 2;\n\
                   let rebound = () => 3;\n\
                   const later = async () => 4;\n";
        let plugin = &crate::lang::TYPESCRIPT;
        let tree = plugin.parser().parse(src, None).unwrap();
        let m = plugin.lower(&tree, src);
        let funcs: Vec<&str> = m
            .body
            .iter()
            .filter_map(|s| match s {
                Stmt::Func(f) => Some(f.name.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(funcs, ["f", "g", "h", "outer", "k"]);
        let func = |name: &str| {
            m.body
                .iter()
                .find_map(|s| match s {
                    Stmt::Func(f) if f.name == name => Some(f),
                    _ => None,
                })
                .unwrap()
        };
        let f = func("f");
        assert_eq!(f.params, ["a", "b"]);
        assert!(f.defaults[0].is_none() && f.defaults[1].is_some());
        assert!(matches!(
            &f.body[..],
            [Stmt::Return(Some(e))] if matches!(e.kind, ExprKind::Dict(_))
        ));
        assert_eq!(func("g").params, ["a"]);
        assert!(matches!(&func("h").body[..], [Stmt::Return(Some(_))]));
        assert!(
            matches!(&func("outer").body[..], [Stmt::Assign { .. }]),
            "{:?}",
            func("outer").body
        );
        assert!(m.body.iter().any(|s| matches!(s, Stmt::Assign { .. })));
    }
}
