//! The Python plugin: lowers a `tree-sitter-python` tree into [`ir`](super::ir).

use super::ir::{
    Arg, Builtin, ClassDef, DictEntry, Expr, ExprKind, FuncDef, Lambda, Span, Stmt, Target,
    TemplatePart,
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

    fn body(&self, node: Node<'_>, field: &str) -> Vec<Stmt> {
        node.child_by_field_name(field)
            .map(|b| self.block(b))
            .unwrap_or_default()
    }

    fn stmt(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        super::reuse::lowered_stmt(self.memo, self.nesting, self.src, node, out, |n, out| {
            self.stmt_fresh(n, out)
        });
    }

    // Statements and expressions are lowered by recursion, as deep as the code nests (up to
    // `MAX_NESTING`): the functions on that path only dispatch, and each construct is lowered
    // by a function of its own, so that every level costs a small stack frame even in a debug
    // build (a `match` with every construct inline took 5 KB a level).

    fn stmt_fresh(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        match node.kind() {
            "expression_statement" => self.expression_statement(node, out),
            "for_statement" => self.for_statement(node, out),
            "class_definition" => self.class_definition(node, out),
            "function_definition" => self.function_definition(node, out),
            "decorated_definition" => self.decorated(node, out),
            "if_statement" => self.if_statement(node, out),
            "else_clause" | "with_statement" | "try_statement" | "except_clause"
            | "finally_clause" | "while_statement" | "block" => {
                out.push(Stmt::Block(self.compound(node)))
            }
            // Recovered syntax errors: keep whatever statements the parser still found inside.
            "ERROR" => self.statements_in(node, out),
            "assignment" => self.assignment(node, out),
            "return_statement" => out.push(Stmt::Return(node.named_child(0).map(|v| self.expr(v)))),
            "call" | "attribute" => out.push(Stmt::Expr(self.expr(node))),
            // Statements that cannot create or configure anything.
            "comment"
            | "pass_statement"
            | "import_statement"
            | "import_from_statement"
            | "future_import_statement"
            | "global_statement"
            | "nonlocal_statement"
            | "break_statement"
            | "continue_statement"
            | "type_alias_statement" => {}
            // One the model does not follow (`return …`, `raise`, `match`, …) leaves a mark:
            // what it does is unknown, not nothing.
            _ => out.push(Stmt::Expr(Expr::unknown(Span::of(&node)))),
        }
    }

    /// `if c: … elif d: … else: …` as `If(c, …, [If(d, …, …)])`.
    /// A decorated definition. A function a decorator wraps is what the decorator returns,
    /// which the model does not run: its name is bound to an unknown value. A class, and a
    /// function marked `@staticmethod`, `@classmethod`, `@property`, cached or `@override`,
    /// are what they were.
    fn decorated(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let Some(def) = node.child_by_field_name("definition") else {
            return;
        };
        let wrapped = def.kind() == "function_definition" && {
            let mut c = node.walk();
            let w = node.named_children(&mut c).any(|d| {
                d.kind() == "decorator"
                    && !matches!(
                        self.text(d).trim().trim_start_matches('@').trim(),
                        "staticmethod"
                            | "classmethod"
                            | "property"
                            | "cache"
                            | "functools.cache"
                            | "lru_cache"
                            | "lru_cache()"
                            | "functools.lru_cache"
                            | "functools.lru_cache()"
                            | "cached_property"
                            | "functools.cached_property"
                            | "override"
                            | "typing.override"
                    )
            });
            w
        };
        match def.child_by_field_name("name") {
            Some(name) if wrapped => out.push(Stmt::Assign {
                target: Target::Name(self.text(name).to_string(), Span::of(&name)),
                value: Expr::unknown(Span::of(&def)),
            }),
            _ => self.stmt(def, out),
        }
    }

    fn if_statement(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut cursor = node.walk();
        let alternatives: Vec<Node<'_>> = node
            .children_by_field_name("alternative", &mut cursor)
            .collect();
        let mut otherwise = Vec::new();
        for alt in alternatives.iter().rev() {
            match alt.kind() {
                "elif_clause" => {
                    otherwise = vec![self.conditional(*alt, otherwise)];
                }
                _ => otherwise = self.body(*alt, "body"),
            }
        }
        out.push(self.conditional(node, otherwise));
    }

    /// An `if` or `elif` clause: its condition and consequence, with `otherwise` after.
    fn conditional(&self, node: Node<'_>, otherwise: Vec<Stmt>) -> Stmt {
        let span = Span::of(&node);
        Stmt::If {
            cond: node
                .child_by_field_name("condition")
                .map_or(Expr::unknown(span), |c| self.expr(c)),
            then: self.body(node, "consequence"),
            otherwise,
        }
    }

    fn expression_statement(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if child.kind() == "assignment" {
                self.assignment(child, out);
            } else if child.kind() == "augmented_assignment" {
                // `count += 1`: the name holds a value the model does not compute.
                if let Some(left) = child.child_by_field_name("left") {
                    out.push(Stmt::Assign {
                        target: self.target(left),
                        value: Expr::unknown(Span::of(&child)),
                    });
                }
            } else {
                out.push(Stmt::Expr(self.expr(child)));
            }
        }
    }

    fn for_statement(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
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

    fn class_definition(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
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

    fn function_definition(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let name = node
            .child_by_field_name("name")
            .map(|n| self.text(n))
            .unwrap_or("");
        let mut params = Vec::new();
        let mut defaults = Vec::new();
        if let Some(ps) = node.child_by_field_name("parameters") {
            let mut cursor = ps.walk();
            for p in ps.named_children(&mut cursor) {
                let id = if p.kind() == "identifier" {
                    Some(p)
                } else {
                    p.child_by_field_name("name").or_else(|| p.named_child(0))
                };
                if let Some(id) = id.filter(|i| i.kind() == "identifier") {
                    // `**kwargs` / `*args` collect what no other parameter takes: marked so
                    // (see `ir::FuncDef::params`).
                    let mark = match p.kind() {
                        "dictionary_splat_pattern" => "**",
                        "list_splat_pattern" => "*",
                        _ => "",
                    };
                    let param = format!("{mark}{}", self.text(id));
                    // A method's receiver is the IR's `This`, not a parameter.
                    if param == "self" {
                        continue;
                    }
                    params.push(param);
                    defaults.push(p.child_by_field_name("value").map(|v| self.expr(v)));
                }
            }
        }
        // `@staticmethod` above it (the decorated definition is the function's parent).
        let is_static = node.parent().is_some_and(|p| {
            let mut c = p.walk();
            p.kind() == "decorated_definition"
                && p.named_children(&mut c)
                    .any(|d| d.kind() == "decorator" && self.text(d).trim() == "@staticmethod")
        });
        out.push(Stmt::Func(FuncDef {
            name: name.to_string(),
            constructor: name == "__init__",
            params,
            defaults,
            is_static,
            body: self.body(node, "body"),
            span: Span::of(&node),
        }));
    }

    /// `if`/`with`/`try`/`while` and their clauses: the statements of every branch.
    fn compound(&self, node: Node<'_>) -> Vec<Stmt> {
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
        inner
    }

    fn statements_in(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            self.stmt(child, out);
        }
    }

    fn assignment(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        // `a = b = … = value` recurses once per `=`.
        let Some(_deeper) = self.nesting.expr(&node) else {
            return;
        };
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
        let Some(_deeper) = self.nesting.expr(&node) else {
            return Target::Other;
        };
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
            "subscript" => match (
                node.child_by_field_name("value"),
                node.child_by_field_name("subscript"),
            ) {
                (Some(o), Some(k)) => Target::Item {
                    obj: Box::new(self.expr(o)),
                    key: Box::new(self.expr(k)),
                },
                _ => Target::Other,
            },
            _ => Target::Other,
        }
    }

    pub fn expr(&self, node: Node<'_>) -> Expr {
        let span = Span::of(&node);
        let Some(_deeper) = self.nesting.expr(&node) else {
            return Expr::unknown(span);
        };
        let kind = match node.kind() {
            "identifier" => match self.text(node) {
                "self" => ExprKind::This,
                "__file__" => ExprKind::Builtin {
                    what: Builtin::FilePath,
                    name: "__file__".into(),
                    written: None,
                },
                name => ExprKind::Name(name.to_string()),
            },
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "none" => ExprKind::Null,
            "integer" | "float" => ExprKind::Num(self.text(node).to_string()),
            "string" => self.string(node),
            "concatenated_string" => self.concatenated_string(node),
            "attribute" => self.attribute(node),
            "call" => self.call(node),
            "subscript" => self.subscript(node),
            "dictionary" => self.dictionary(node),
            "list" | "tuple" => self.list(node),
            "list_comprehension" | "generator_expression" => self.comprehension(node),
            "comparison_operator" => self.comparison(node),
            "not_operator" => match node.child_by_field_name("argument") {
                Some(a) => ExprKind::Not(Box::new(self.expr(a))),
                None => ExprKind::Unknown,
            },
            "boolean_operator" => self.boolean(node),
            "binary_operator" => match (
                node.child_by_field_name("left"),
                node.child_by_field_name("operator"),
                node.child_by_field_name("right"),
            ) {
                (Some(l), Some(op), Some(r)) if self.text(op) == "+" => ExprKind::Add {
                    left: Box::new(self.expr(l)),
                    right: Box::new(self.expr(r)),
                },
                _ => ExprKind::Unknown,
            },
            // `a if c else b`: its named children are a, c, b.
            "conditional_expression" => match (
                node.named_child(0),
                node.named_child(1),
                node.named_child(2),
            ) {
                (Some(a), Some(c), Some(b)) => ExprKind::Cond {
                    cond: Box::new(self.expr(c)),
                    then: Box::new(self.expr(a)),
                    otherwise: Box::new(self.expr(b)),
                },
                _ => ExprKind::Unknown,
            },
            "lambda" => self.lambda(node),
            "parenthesized_expression" => return self.first_child(node, span),
            _ => ExprKind::Unknown,
        };
        Expr { kind, span }
    }

    /// `[f(r) for r in rs]` as `rs.map(r => f(r))`. With an `if` or a second `for` the items
    /// are not known.
    fn comprehension(&self, node: Node<'_>) -> ExprKind {
        let mut cursor = node.walk();
        let mut clauses = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .skip(1);
        let (Some(clause), None) = (clauses.next(), clauses.next()) else {
            return ExprKind::Unknown;
        };
        let (Some(body), Some(left), Some(right)) = (
            node.child_by_field_name("body"),
            clause.child_by_field_name("left"),
            clause.child_by_field_name("right"),
        ) else {
            return ExprKind::Unknown;
        };
        if clause.kind() != "for_in_clause" {
            return ExprKind::Unknown;
        }
        let iter = self.expr(right);
        let lambda = Expr {
            kind: ExprKind::Lambda(Box::new(Lambda {
                params: vec![self.target(left)],
                body: Vec::new(),
                value: Some(self.expr(body)),
            })),
            span: Span::of(&body),
        };
        let span = iter.span;
        ExprKind::Call {
            func: Box::new(Expr {
                kind: ExprKind::Attr(Box::new(iter), "map".into(), span),
                span,
            }),
            args: vec![Arg::Positional(lambda)],
        }
    }

    /// `a == b` / `a != b`; other comparisons, and chains, are not followed.
    fn comparison(&self, node: Node<'_>) -> ExprKind {
        let mut cursor = node.walk();
        let operands: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        let mut cursor = node.walk();
        let ops: Vec<&str> = node
            .children_by_field_name("operators", &mut cursor)
            .map(|o| self.text(o))
            .collect();
        match (operands.as_slice(), ops.as_slice()) {
            ([l, r], [op @ ("==" | "!=")]) => ExprKind::Compare {
                equal: *op == "==",
                left: Box::new(self.expr(*l)),
                right: Box::new(self.expr(*r)),
            },
            _ => ExprKind::Unknown,
        }
    }

    /// `a and b` / `a or b`.
    fn boolean(&self, node: Node<'_>) -> ExprKind {
        let (Some(l), Some(op), Some(r)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("operator"),
            node.child_by_field_name("right"),
        ) else {
            return ExprKind::Unknown;
        };
        ExprKind::Logic {
            and: self.text(op) == "and",
            left: Box::new(self.expr(l)),
            right: Box::new(self.expr(r)),
        }
    }

    /// `lambda r: f(r)`.
    fn lambda(&self, node: Node<'_>) -> ExprKind {
        let mut params = Vec::new();
        if let Some(ps) = node.child_by_field_name("parameters") {
            let mut cursor = ps.walk();
            for p in ps.named_children(&mut cursor) {
                params.push(self.target(p));
            }
        }
        let value = node.child_by_field_name("body").map(|b| self.expr(b));
        ExprKind::Lambda(Box::new(Lambda {
            params,
            body: Vec::new(),
            value,
        }))
    }

    /// `(x)`: the expression inside.
    fn first_child(&self, node: Node<'_>, span: Span) -> Expr {
        match node.named_child(0) {
            Some(c) => self.expr(c),
            None => Expr::unknown(span),
        }
    }

    fn concatenated_string(&self, node: Node<'_>) -> ExprKind {
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

    fn attribute(&self, node: Node<'_>) -> ExprKind {
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

    fn call(&self, node: Node<'_>) -> ExprKind {
        let Some(func) = node.child_by_field_name("function") else {
            return ExprKind::Unknown;
        };
        let func = Box::new(match self.super_init(func) {
            Some(kind) => Expr {
                kind,
                span: Span::of(&func),
            },
            None => self.expr(func),
        });
        let args = match node.child_by_field_name("arguments") {
            Some(a) if a.kind() == "argument_list" => self.args(a),
            // `"".join(p.title() for p in parts)`: the generator is the one argument.
            Some(a) if a.kind() == "generator_expression" => vec![Arg::Positional(self.expr(a))],
            _ => Vec::new(),
        };
        ExprKind::Call { func, args }
    }

    /// `super().__init__` (or `super(Cls, self).__init__`), the base class's constructor.
    fn super_init(&self, func: Node<'_>) -> Option<ExprKind> {
        let object = func.child_by_field_name("object")?;
        let callee = object.child_by_field_name("function")?;
        (func.kind() == "attribute"
            && self.text(func.child_by_field_name("attribute")?) == "__init__"
            && object.kind() == "call"
            && callee.kind() == "identifier"
            && self.text(callee) == "super")
            .then(|| ExprKind::Builtin {
                what: Builtin::Super,
                name: "super".into(),
                // What the file wrote, should it bind `super` itself.
                written: Some(Box::new(self.expr(func))),
            })
    }

    fn subscript(&self, node: Node<'_>) -> ExprKind {
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

    fn dictionary(&self, node: Node<'_>) -> ExprKind {
        let mut entries = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "pair" => entries.extend(self.pair(child)),
                "dictionary_splat" => entries.push(DictEntry::Spread(self.splatted(child))),
                _ => {}
            }
        }
        ExprKind::Dict(entries)
    }

    fn pair(&self, node: Node<'_>) -> Option<DictEntry> {
        let key = node.child_by_field_name("key")?;
        let value = node.child_by_field_name("value")?;
        Some(match self.string(key) {
            ExprKind::Str(k) => DictEntry::Pair {
                key: k,
                key_span: Span::of(&key),
                value: self.expr(value),
            },
            _ => DictEntry::Spread(Expr::unknown(Span::of(&key))),
        })
    }

    fn list(&self, node: Node<'_>) -> ExprKind {
        let mut items = Vec::new();
        let mut cursor = node.walk();
        for c in node.named_children(&mut cursor) {
            if c.kind() != "comment" {
                items.push(self.expr(c));
            }
        }
        ExprKind::List(items)
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
                    parts.push(TemplatePart::Expr(self.interpolation(child)));
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

    /// `{x}` in an f-string.
    fn interpolation(&self, node: Node<'_>) -> Expr {
        // A format spec or conversion (`{x!r}`, `{x:>4}`) changes the text.
        let plain = node.child_by_field_name("format_specifier").is_none()
            && node.child_by_field_name("type_conversion").is_none();
        match node.child_by_field_name("expression") {
            Some(e) if plain => self.expr(e),
            _ => Expr::unknown(Span::of(&node)),
        }
    }

    fn args(&self, node: Node<'_>) -> Vec<Arg> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "keyword_argument" => out.extend(self.keyword_argument(child)),
                // `**known` passes its keys as keywords (see the model's `args`); what `*x`
                // passes is not followed.
                "dictionary_splat" => out.push(Arg::Spread(self.splatted(child))),
                "list_splat" => out.push(Arg::Spread(Expr::unknown(Span::of(&child)))),
                "comment" => {}
                _ => out.push(Arg::Positional(self.expr(child))),
            }
        }
        out
    }

    /// What `**x` spreads: `x`.
    fn splatted(&self, node: Node<'_>) -> Expr {
        match node.named_child(0) {
            Some(inner) => self.expr(inner),
            None => Expr::unknown(Span::of(&node)),
        }
    }

    fn keyword_argument(&self, node: Node<'_>) -> Option<Arg> {
        let name = node.child_by_field_name("name")?;
        let value = node.child_by_field_name("value")?;
        Some(Arg::Keyword {
            name: self.text(name).to_string(),
            name_span: Span::of(&name),
            value: self.expr(value),
        })
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

/// The import bindings of a module's own statements, as `queries/python/imports.scm` finds
/// them: `import a.b`, `import a.b as c`, `from m import x`, `from m import x as y`,
/// `from m import *`. A test holds the two equal.
pub(crate) fn imports(root: Node<'_>) -> Vec<super::RawImport<'_>> {
    let mut out = Vec::new();
    let mut stmts = root.walk();
    for stmt in root.named_children(&mut stmts) {
        let base = super::RawImport {
            statement: Some(stmt),
            ..Default::default()
        };
        match stmt.kind() {
            "import_statement" => {
                let mut names = stmt.walk();
                for name in stmt.children_by_field_name("name", &mut names) {
                    match name.kind() {
                        "dotted_name" => out.push(super::RawImport {
                            module: Some(name),
                            ..base
                        }),
                        "aliased_import" => {
                            let (Some(n), Some(a)) = (
                                name.child_by_field_name("name"),
                                name.child_by_field_name("alias"),
                            ) else {
                                continue;
                            };
                            if n.kind() == "dotted_name" && a.kind() == "identifier" {
                                out.push(super::RawImport {
                                    module: Some(n),
                                    local: Some(a),
                                    ..base
                                });
                            }
                        }
                        _ => {}
                    }
                }
            }
            "import_from_statement" => {
                let Some(module) = stmt
                    .child_by_field_name("module_name")
                    .filter(|m| matches!(m.kind(), "dotted_name" | "relative_import"))
                else {
                    continue;
                };
                let base = super::RawImport {
                    module: Some(module),
                    ..base
                };
                let mut names = stmt.walk();
                for name in stmt.children_by_field_name("name", &mut names) {
                    match name.kind() {
                        "dotted_name" => out.push(super::RawImport {
                            member: Some(name),
                            ..base
                        }),
                        "aliased_import" => {
                            let (Some(n), Some(a)) = (
                                name.child_by_field_name("name"),
                                name.child_by_field_name("alias"),
                            ) else {
                                continue;
                            };
                            if n.kind() == "dotted_name" && a.kind() == "identifier" {
                                out.push(super::RawImport {
                                    member: Some(n),
                                    local: Some(a),
                                    ..base
                                });
                            }
                        }
                        _ => {}
                    }
                }
                let mut children = stmt.walk();
                if stmt
                    .named_children(&mut children)
                    .any(|c| c.kind() == "wildcard_import")
                {
                    out.push(super::RawImport { all: true, ..base });
                }
            }
            _ => {}
        }
    }
    out
}

// --- a failed synth, as Python prints it (see `lang::SynthErrors`) ---

static FRAME: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r#"^\s*File "([^"]+)", line (\d+)"#).unwrap());

/// A traceback's exception: what follows its last frame (and that frame's source line).
pub(super) fn synth_message(lines: &[&str], noise: super::Noise) -> Option<String> {
    let tb = lines
        .iter()
        .rposition(|l| l.starts_with("Traceback (most recent call last)"))?;
    let body = &lines[tb + 1..];
    let last_frame = body.iter().rposition(|l| FRAME.is_match(l));
    // The frame line is followed by its source line; the exception follows that.
    let after = last_frame.map_or(0, |i| (i + 2).min(body.len()));
    let exception: Vec<&str> = body[after..]
        .iter()
        .copied()
        .filter(|l| !noise(l) && !l.trim_start().starts_with('^'))
        .take(15)
        .collect();
    (!exception.is_empty()).then(|| exception.join("\n"))
}

/// A traceback's frames, innermost first: (file as printed, line, no column).
pub(super) fn synth_places(lines: &[&str]) -> Vec<super::SynthPlace> {
    lines
        .iter()
        .rev()
        .filter_map(|l| {
            let c = FRAME.captures(l)?;
            Some((c[1].to_string(), c[2].parse().ok()?, None))
        })
        .collect()
}

/// Where a Python app's libraries live (a virtual environment, installed packages).
pub(super) fn library_folder(name: &str) -> bool {
    name == "site-packages" || name == "venv" || name.starts_with(".venv")
}

/// The files an import of `module` from a file in `dir` may name, in the order Python looks:
/// `a.b` from the app's root (where `python3 app.py` runs) and from the importing file's folder,
/// `.b` / `..b` from the importing file's package, each as `b.py` or `b/__init__.py`. A package
/// name (`os`, `aws_cdk`) names no file of the app.
pub(super) fn module_files(
    root: &std::path::Path,
    dir: &std::path::Path,
    module: &str,
) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let dots = module.chars().take_while(|c| *c == '.').count();
    let rest: Vec<&str> = module[dots..]
        .split('.')
        .filter(|s| !s.is_empty())
        .collect();
    let mut bases = Vec::new();
    if dots == 0 {
        bases.push(root.to_path_buf());
        bases.push(dir.to_path_buf());
    } else {
        let mut base = dir.to_path_buf();
        for _ in 1..dots {
            match base.parent() {
                Some(p) => base = p.to_path_buf(),
                None => return out,
            }
        }
        bases.push(base);
    }
    for base in bases {
        let p = rest.iter().fold(base, |p, part| p.join(part));
        if rest.is_empty() {
            out.push(p.join("__init__.py"));
        } else {
            out.push(p.with_extension("py"));
            out.push(p.join("__init__.py"));
        }
    }
    out
}

/// Where a top-level `class`, `def` or decorated statement may start: lines at column 0
/// outside strings, brackets and backslash continuations, not after a decorator (byte, row).
/// Only a cheap lexical scan: [`super::Plugin::lower_in_pieces`] parses each piece on its own
/// and falls back to the whole file when one does not parse cleanly, so a place this gets
/// wrong costs time, never a different result.
pub(super) fn statement_starts(src: &str) -> Vec<(usize, usize)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut row, mut depth) = (0usize, 0usize, 0i64);
    // The quote and whether it is tripled, while inside a string.
    let mut string: Option<(u8, bool)> = None;
    let mut continued = false;
    let mut after_decorator = false;
    let mut line_start = true;
    while i < b.len() {
        if line_start {
            line_start = false;
            if string.is_none() && depth == 0 && !continued {
                let line = &b[i..];
                let starts_with = |p: &[u8]| line.starts_with(p);
                let significant = !matches!(
                    line.first(),
                    Some(b' ' | b'\t' | b'\n' | b'\r' | b'#') | None
                );
                let opener = starts_with(b"class ")
                    || starts_with(b"def ")
                    || starts_with(b"async def ")
                    || starts_with(b"@");
                if opener && !after_decorator {
                    out.push((i, row));
                }
                if significant {
                    after_decorator = starts_with(b"@");
                }
            }
            continued = false;
        }
        let c = b[i];
        match string {
            Some((q, triple)) => {
                if c == b'\\' {
                    // An escaped character (a newline too, CRLF or not) never ends the string.
                    let newline = newline_at(b, i + 1);
                    if newline > 0 {
                        row += 1;
                        line_start = true;
                    }
                    i += 1 + newline.max(1);
                    continue;
                }
                if c == b'\n' {
                    row += 1;
                    line_start = true;
                    if !triple {
                        // An unterminated one-line string: the parser's error, not ours.
                        string = None;
                    }
                } else if c == q {
                    if !triple {
                        string = None;
                    } else if b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
                        string = None;
                        i += 3;
                        continue;
                    }
                }
            }
            None => match c {
                b'\n' => {
                    row += 1;
                    line_start = true;
                }
                b'#' => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'\\' if newline_at(b, i + 1) > 0 => {
                    continued = true;
                    row += 1;
                    line_start = true;
                    i += 1 + newline_at(b, i + 1);
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b'\'' | b'"' => {
                    let triple = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                    string = Some((c, triple));
                    if triple {
                        i += 3;
                        continue;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    out
}

/// The length of the line ending at `i` (`\n` or `\r\n`), 0 when there is none.
fn newline_at(b: &[u8], i: usize) -> usize {
    match (b.get(i), b.get(i + 1)) {
        (Some(b'\n'), _) => 1,
        (Some(b'\r'), Some(b'\n')) => 2,
        _ => 0,
    }
}
