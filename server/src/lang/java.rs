//! The Java plugin: lowers a tree-sitter-java tree into [`ir`](super::ir), CDK's builders
//! normalised to the shape every language's calls arrive in (callee, positional arguments,
//! then the props as a `Dict`).

use super::ir::{Arg, Builtin, ClassDef, DictEntry, Expr, ExprKind, FuncDef, Lambda, Span, Stmt};
use super::ir::{Target, TemplatePart};
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
    pub fn block(&self, node: Node<'_>) -> Vec<Stmt> {
        self.java(self.memo, false).program(node)
    }

    pub fn expr(&self, node: Node<'_>) -> Expr {
        self.java(None, false).expr(node)
    }

    fn java(&self, memo: Option<&'a RefCell<Reuse>>, statik: bool) -> Java<'a> {
        Java {
            src: self.src,
            memo,
            nesting: self.nesting,
            statik,
        }
    }
}

/// The lowering proper: [`Lowerer`] plus where it is.
#[derive(Clone, Copy)]
struct Java<'a> {
    src: &'a str,
    memo: Option<&'a RefCell<Reuse>>,
    nesting: &'a Nesting,
    /// Inside a static method: a call of a bare name (`envFor(…)`) is of a static method, which
    /// is also a module-level function; elsewhere it is of the instance's (`this.envFor(…)`).
    /// Lowering depends on it, so static bodies are lowered without reuse (`memo` is `None`).
    statik: bool,
}

impl<'a> Java<'a> {
    fn text(&self, node: Node<'_>) -> &'a str {
        &self.src[node.byte_range()]
    }

    /// A static context: never reused, never recorded (see [`Java::statik`]).
    fn in_static(&self) -> Java<'a> {
        Java {
            memo: None,
            statik: true,
            ..*self
        }
    }

    /// The file: its statements (a `package` adds nothing: its members are module-level), each
    /// top-level class's static fields and methods as module-level names, then the body of every
    /// `main` as module-level statements, after every class, as the JVM runs it.
    fn program(&self, root: Node<'_>) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut mains = Vec::new();
        let mut cursor = root.walk();
        for child in root.named_children(&mut cursor) {
            self.stmt(child, &mut out);
            if child.kind() == "class_declaration" {
                self.statics(child, &mut out, &mut mains);
            }
        }
        let st = self.in_static();
        for body in mains {
            out.extend(super::ir::entry_point(st.block(body), Span::of(&body)));
        }
        out
    }

    /// A top-level class's static fields and methods as module-level names (a bare name in the
    /// class's code names one: `ACCOUNT`, `envFor(…)`; they stay class attributes too, for
    /// `Config.ACCOUNT` from elsewhere), and the body of its `main` for [`Java::program`].
    fn statics<'t>(&self, class: Node<'t>, out: &mut Vec<Stmt>, mains: &mut Vec<Node<'t>>) {
        let Some(body) = class.child_by_field_name("body") else {
            return;
        };
        let mut cursor = body.walk();
        for m in body.named_children(&mut cursor) {
            if m.kind() == "field_declaration" && is_static(m) {
                self.in_static().declaration(m, out);
                continue;
            }
            if m.kind() != "method_declaration" || !is_static(m) {
                continue;
            }
            let name = m.child_by_field_name("name").map_or("", |n| self.text(n));
            match (name, m.child_by_field_name("body")) {
                ("main", Some(b)) => mains.push(b),
                (_, Some(_)) => out.push(Stmt::Func(self.in_static().func(m, name, false))),
                _ => {}
            }
        }
    }

    fn block(&self, node: Node<'_>) -> Vec<Stmt> {
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

    // As in `typescript.rs`: the functions on the recursion's path only dispatch, and each
    // construct is lowered by a function of its own, so every level costs a small frame.

    fn stmt_fresh(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        match node.kind() {
            "expression_statement" => {
                if let Some(e) = node.named_child(0) {
                    self.expr_stmt(e, out);
                }
            }
            "local_variable_declaration" => self.declaration(node, out),
            "enhanced_for_statement" => self.for_each(node, out),
            "if_statement" => self.if_statement(node, out),
            "return_statement" => out.push(Stmt::Return(node.named_child(0).map(|v| self.expr(v)))),
            "class_declaration" | "record_declaration" => self.class(node, out),
            "enum_declaration" => self.enum_declaration(node, out),
            "method_declaration" => {
                let name = node
                    .child_by_field_name("name")
                    .map_or("", |n| self.text(n));
                let f = if is_static(node) {
                    self.in_static().func(node, name, false)
                } else {
                    self.func(node, name, false)
                };
                out.push(Stmt::Func(f));
            }
            "explicit_constructor_invocation" => self.constructor_call(node, out),
            "block" => out.push(Stmt::Block(self.block(node))),
            "try_statement"
            | "try_with_resources_statement"
            | "catch_clause"
            | "finally_clause"
            | "while_statement"
            | "do_statement"
            | "synchronized_statement"
            | "labeled_statement" => out.push(Stmt::Block(self.compound(node))),
            "ERROR" => self.block_into(node, out),
            // Statements and declarations that cannot create or configure anything.
            "line_comment"
            | "block_comment"
            | "package_declaration"
            | "import_declaration"
            | "module_declaration"
            | "interface_declaration"
            | "annotation_type_declaration"
            | "break_statement"
            | "continue_statement"
            | "assert_statement" => {}
            // One the model does not follow (a C-style `for`, `switch`, `throw`, `yield`, …)
            // leaves a mark: what it does is unknown, not nothing.
            _ => out.push(Stmt::Expr(Expr::unknown(Span::of(&node)))),
        }
    }

    fn block_into(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            self.stmt(child, out);
        }
    }

    /// `try`/`while`/`do`/`synchronized`/labeled statements and the clauses of a `try`: the
    /// statements of every part, as if each ran.
    fn compound(&self, node: Node<'_>) -> Vec<Stmt> {
        let mut inner = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "block" => inner.extend(self.block(child)),
                "catch_clause" | "finally_clause" => self.stmt(child, &mut inner),
                k if k.ends_with("_statement") || k == "local_variable_declaration" => {
                    self.stmt(child, &mut inner)
                }
                _ => {}
            }
        }
        inner
    }

    fn stmts_of(&self, node: Node<'_>) -> Vec<Stmt> {
        if node.kind() == "block" {
            self.block(node)
        } else {
            let mut out = Vec::new();
            self.stmt(node, &mut out);
            out
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
            .map(|c| self.stmts_of(c))
            .unwrap_or_default();
        out.push(Stmt::If {
            cond,
            then,
            otherwise,
        });
    }

    /// `final T x = v, y = w;` / `var x = v;`: one assignment per declarator with a value.
    fn declaration(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut cursor = node.walk();
        for decl in node.children_by_field_name("declarator", &mut cursor) {
            let (Some(name), Some(value)) = (
                decl.child_by_field_name("name"),
                decl.child_by_field_name("value"),
            ) else {
                continue;
            };
            out.push(Stmt::Assign {
                target: Target::Name(self.text(name).to_string(), Span::of(&name)),
                value: self.expr(value),
            });
        }
    }

    /// `for (final String region : REGIONS) …`.
    fn for_each(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let (Some(name), Some(iter), Some(body)) = (
            node.child_by_field_name("name"),
            node.child_by_field_name("value"),
            node.child_by_field_name("body"),
        ) else {
            out.push(Stmt::Expr(Expr::unknown(Span::of(&node))));
            return;
        };
        let target = match name.kind() {
            "identifier" => Target::Name(self.text(name).to_string(), Span::of(&name)),
            _ => Target::Other,
        };
        out.push(Stmt::For {
            target,
            iter: self.expr(iter),
            body: self.stmts_of(body),
        });
    }

    /// `super(scope, id, props);`: a call of the base class's constructor. `this(…)` (another
    /// constructor of the same class) is not followed.
    fn constructor_call(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let span = Span::of(&node);
        let Some(ctor) = node
            .child_by_field_name("constructor")
            .filter(|c| c.kind() == "super" && node.child_by_field_name("object").is_none())
        else {
            out.push(Stmt::Expr(Expr::unknown(span)));
            return;
        };
        let func = Expr {
            kind: builtin(Builtin::Super, "super"),
            span: Span::of(&ctor),
        };
        let args = node
            .child_by_field_name("arguments")
            .map(|a| self.args(a))
            .unwrap_or_default();
        out.push(Stmt::Expr(Expr {
            kind: ExprKind::Call {
                func: Box::new(func),
                args,
            },
            span,
        }));
    }

    fn expr_stmt(&self, e: Node<'_>, out: &mut Vec<Stmt>) {
        if e.kind() != "assignment_expression" {
            out.push(Stmt::Expr(self.expr(e)));
            return;
        }
        let (Some(left), Some(op), Some(right)) = (
            e.child_by_field_name("left"),
            e.child_by_field_name("operator"),
            e.child_by_field_name("right"),
        ) else {
            return;
        };
        if self.text(op) != "=" {
            // `x += …`: not followed.
            out.push(Stmt::Expr(Expr::unknown(Span::of(&e))));
            return;
        }
        out.push(Stmt::Assign {
            target: self.target(left),
            value: self.expr(right),
        });
    }

    fn target(&self, node: Node<'_>) -> Target {
        let Some(_deeper) = self.nesting.expr(&node) else {
            return Target::Other;
        };
        match node.kind() {
            "identifier" => Target::Name(self.text(node).to_string(), Span::of(&node)),
            "field_access" => match (
                node.child_by_field_name("object"),
                node.child_by_field_name("field"),
            ) {
                (Some(o), Some(f)) if o.kind() == "this" && f.kind() == "identifier" => {
                    Target::SelfAttr(self.text(f).to_string(), Span::of(&f))
                }
                _ => Target::Other,
            },
            _ => Target::Other,
        }
    }

    fn class(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let bases = node
            .child_by_field_name("superclass")
            .and_then(|s| s.named_child(0))
            .map(|t| vec![self.expr(t)])
            .unwrap_or_default();
        let body = node
            .child_by_field_name("body")
            .map(|b| self.class_body(b))
            .unwrap_or_default();
        out.push(Stmt::Class(ClassDef {
            name: self.text(name).to_string(),
            name_span: Span::of(&name),
            bases,
            body,
            span: Span::of(&node),
        }));
    }

    /// `enum Region { US_EAST_1("us-east-1"), … }`: a class, whose constants have no value
    /// pipelens knows (a constant is an object, not its constructor's argument), so none is
    /// given; its static fields are class attributes as any class's.
    fn enum_declaration(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let mut body = Vec::new();
        if let Some(decls) = node
            .child_by_field_name("body")
            .and_then(|b| named_child_of_kind(b, "enum_body_declarations"))
        {
            body = self.class_body(decls);
        }
        out.push(Stmt::Class(ClassDef {
            name: self.text(name).to_string(),
            name_span: Span::of(&name),
            bases: Vec::new(),
            body,
            span: Span::of(&node),
        }));
    }

    /// A class's members: `static` fields with a value are class attributes
    /// (`Config.ACCOUNT`), constructors and methods functions, nested classes classes. A field
    /// of each instance is set by the constructor's run, not here.
    fn class_body(&self, node: Node<'_>) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        for member in node.named_children(&mut cursor) {
            match member.kind() {
                "field_declaration" if is_static(member) => {
                    self.in_static().declaration(member, &mut out)
                }
                "constructor_declaration" => {
                    let name = member
                        .child_by_field_name("name")
                        .map_or("", |n| self.text(n));
                    out.push(Stmt::Func(self.func(member, name, true)));
                }
                "method_declaration" | "class_declaration" | "record_declaration"
                | "enum_declaration" => self.stmt(member, &mut out),
                _ => {}
            }
        }
        self.telescoping(node, &mut out);
        out
    }

    /// Overloaded constructors, as `cdk init` writes them: `Stack(scope, id) { this(scope, id,
    /// null); }` next to `Stack(scope, id, props) { super(…); … }`. The model runs a class's
    /// first constructor, so the one that does the work comes first, with the arguments the
    /// shorter ones pass on as its parameters' defaults (a call with fewer arguments runs it
    /// as the shorter constructor would). A constructor that delegates otherwise stays where it
    /// is, after it, and is not run.
    fn telescoping(&self, body: Node<'_>, out: &mut [Stmt]) {
        let ctors: Vec<usize> = (0..out.len())
            .filter(|i| matches!(&out[*i], Stmt::Func(f) if f.constructor))
            .collect();
        if ctors.len() < 2 {
            return;
        }
        let mut cursor = body.walk();
        let nodes: Vec<Node<'_>> = body
            .named_children(&mut cursor)
            .filter(|m| m.kind() == "constructor_declaration")
            .collect();
        if nodes.len() != ctors.len() {
            return;
        }
        // The constructor that does not delegate to another, with the most parameters.
        let Some(main) = (0..nodes.len())
            .filter(|k| delegation(nodes[*k]).is_none())
            .max_by_key(|k| match &out[ctors[*k]] {
                Stmt::Func(f) => f.params.len(),
                _ => 0,
            })
        else {
            return;
        };
        let Stmt::Func(primary) = &out[ctors[main]] else {
            return;
        };
        let params = primary.params.clone();
        let mut defaults = primary.defaults.clone();
        for (k, node) in nodes.iter().enumerate() {
            let (Some(args), Stmt::Func(f)) = (delegation(*node), &out[ctors[k]]) else {
                continue;
            };
            let mut c = args.walk();
            let passed: Vec<Node<'_>> = args
                .named_children(&mut c)
                .filter(|a| !a.kind().ends_with("comment"))
                .collect();
            // `this(a, b, x)` from `(a, b)`: its own parameters in order, then the defaults.
            let own = f.params.len();
            let forwards = passed.len() == params.len()
                && passed.len() > own
                && passed[..own]
                    .iter()
                    .zip(&f.params)
                    .all(|(a, p)| a.kind() == "identifier" && self.text(*a) == p);
            if !forwards {
                continue;
            }
            for (i, a) in passed.iter().enumerate().skip(own) {
                if defaults[i].is_none() {
                    defaults[i] = Some(self.expr(*a));
                }
            }
        }
        if let Stmt::Func(f) = &mut out[ctors[main]] {
            f.defaults = defaults;
        }
        out.swap(ctors[0], ctors[main]);
    }

    fn func(&self, node: Node<'_>, name: &str, constructor: bool) -> FuncDef {
        let mut params = Vec::new();
        if let Some(ps) = node.child_by_field_name("parameters") {
            let mut cursor = ps.walk();
            for p in ps.named_children(&mut cursor) {
                match p.kind() {
                    "formal_parameter" => params.push(
                        p.child_by_field_name("name")
                            .map_or(String::new(), |n| self.text(n).to_string()),
                    ),
                    // `String... names` takes every argument left.
                    "spread_parameter" => params.push(
                        named_child_of_kind(p, "variable_declarator")
                            .and_then(|d| d.child_by_field_name("name"))
                            .map_or(String::new(), |n| format!("*{}", self.text(n))),
                    ),
                    _ => {}
                }
            }
        }
        FuncDef {
            name: name.to_string(),
            constructor,
            is_static: is_static(node),
            defaults: vec![None; params.len()],
            params,
            body: node
                .child_by_field_name("body")
                .map(|b| self.block(b))
                .unwrap_or_default(),
            span: Span::of(&node),
        }
    }

    pub fn expr(&self, node: Node<'_>) -> Expr {
        let span = Span::of(&node);
        let Some(_deeper) = self.nesting.expr(&node) else {
            return Expr::unknown(span);
        };
        let kind = match node.kind() {
            "identifier" | "type_identifier" => ExprKind::Name(self.text(node).to_string()),
            "this" => ExprKind::This,
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "null_literal" => ExprKind::Null,
            "decimal_integer_literal"
            | "hex_integer_literal"
            | "octal_integer_literal"
            | "binary_integer_literal"
            | "decimal_floating_point_literal"
            | "hex_floating_point_literal" => ExprKind::Num(self.text(node).to_string()),
            "string_literal" => self.string(node),
            "character_literal" => {
                let t = self.text(node);
                ExprKind::Str(unescape(t.get(1..t.len().saturating_sub(1)).unwrap_or("")))
            }
            "field_access" => self.field_access(node),
            "method_invocation" => self.invocation(node),
            "object_creation_expression" => self.creation(node),
            "array_creation_expression" => match node.child_by_field_name("value") {
                Some(init) => self.list(init),
                None => ExprKind::Unknown,
            },
            "array_initializer" => self.list(node),
            "binary_expression" => self.binary(node),
            "unary_expression" => match (
                node.child_by_field_name("operator").map(|o| self.text(o)),
                node.child_by_field_name("operand"),
            ) {
                (Some("!"), Some(a)) => ExprKind::Not(Box::new(self.expr(a))),
                _ => ExprKind::Unknown,
            },
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
            "lambda_expression" => self.lambda(node),
            "array_access" => match (
                node.child_by_field_name("array"),
                node.child_by_field_name("index"),
            ) {
                (Some(a), Some(i)) => {
                    ExprKind::Subscript(Box::new(self.expr(a)), Box::new(self.expr(i)))
                }
                _ => ExprKind::Unknown,
            },
            "scoped_type_identifier" => self.scoped_type(node),
            // `List<String>`, `@Nullable T`: the type itself.
            "generic_type" | "annotated_type" => {
                return match last_named_type(node) {
                    Some(t) => self.expr(t),
                    None => Expr::unknown(span),
                }
            }
            "parenthesized_expression" => {
                return match node.named_child(0) {
                    Some(c) => self.expr(c),
                    None => Expr::unknown(span),
                }
            }
            // `(String) x`: the value.
            "cast_expression" => {
                return match node.child_by_field_name("value") {
                    Some(v) => self.expr(v),
                    None => Expr::unknown(span),
                }
            }
            _ => ExprKind::Unknown,
        };
        Expr { kind, span }
    }

    fn field_access(&self, node: Node<'_>) -> ExprKind {
        match (
            node.child_by_field_name("object"),
            node.child_by_field_name("field"),
        ) {
            (Some(o), Some(f)) if o.kind() != "super" && f.kind() == "identifier" => {
                ExprKind::Attr(
                    Box::new(self.expr(o)),
                    self.text(f).to_string(),
                    Span::of(&f),
                )
            }
            _ => ExprKind::Unknown,
        }
    }

    /// `a.b.C` as a type (`extends software.amazon.awscdk.Stack`, `new pipelines.X(…)`).
    fn scoped_type(&self, node: Node<'_>) -> ExprKind {
        let mut cursor = node.walk();
        let parts: Vec<Node<'_>> = node
            .named_children(&mut cursor)
            .filter(|c| !c.kind().ends_with("annotation"))
            .collect();
        match parts.as_slice() {
            [scope, .., name] if name.kind() == "type_identifier" => ExprKind::Attr(
                Box::new(self.expr(*scope)),
                self.text(*name).to_string(),
                Span::of(name),
            ),
            _ => ExprKind::Unknown,
        }
    }

    /// A method call. Builders become the construction or the props they build; `List.of`,
    /// `Arrays.asList` and `Map.of` their collection; `a.get(k)` a subscript; `a.equals(b)` a
    /// comparison; an
    /// environment variable is unknown; a bare name is a method of the instance, or in a
    /// static method a static one (a module-level function).
    fn invocation(&self, node: Node<'_>) -> ExprKind {
        let (Some(name), Some(args)) = (
            node.child_by_field_name("name"),
            node.child_by_field_name("arguments"),
        ) else {
            return ExprKind::Unknown;
        };
        let method = self.text(name);
        let object = node.child_by_field_name("object");
        let mut c = args.walk();
        let arg_nodes: Vec<Node<'_>> = args
            .named_children(&mut c)
            .filter(|a| !a.kind().ends_with("comment"))
            .collect();
        if method == "build" && arg_nodes.is_empty() {
            if let Some(built) = self.builder(node) {
                return built;
            }
        }
        let Some(object) = object else {
            let (func, fspan) = if self.statik {
                (ExprKind::Name(method.to_string()), Span::of(&name))
            } else {
                let this = Expr {
                    kind: ExprKind::This,
                    span: Span::of(&name),
                };
                (
                    ExprKind::Attr(Box::new(this), method.to_string(), Span::of(&name)),
                    Span::of(&name),
                )
            };
            return ExprKind::Call {
                func: Box::new(Expr {
                    kind: func,
                    span: fspan,
                }),
                args: self.args(args),
            };
        };
        if object.kind() == "super" || node.child_by_field_name("type_arguments").is_some() {
            return ExprKind::Unknown;
        }
        let receiver = (object.kind() == "identifier").then(|| self.text(object));
        match (receiver, method) {
            (Some("List" | "Set"), "of") | (Some("Arrays"), "asList") => {
                ExprKind::List(arg_nodes.iter().map(|a| self.expr(*a)).collect())
            }
            (Some("Map"), "of") => self.map_of(&arg_nodes),
            (Some("System"), "getenv") => ExprKind::Unknown,
            // `targets.get("dev")` / `regions.get(0)`: a map's value or a list's item.
            (_, "get") if arg_nodes.len() == 1 => ExprKind::Subscript(
                Box::new(self.expr(object)),
                Box::new(self.expr(arg_nodes[0])),
            ),
            (_, "equals") if arg_nodes.len() == 1 => ExprKind::Compare {
                equal: true,
                left: Box::new(self.expr(object)),
                right: Box::new(self.expr(arg_nodes[0])),
            },
            _ => {
                let func = Expr {
                    kind: ExprKind::Attr(
                        Box::new(self.expr(object)),
                        method.to_string(),
                        Span::of(&name),
                    ),
                    span: Span::of(&node),
                };
                ExprKind::Call {
                    func: Box::new(func),
                    args: self.args(args),
                }
            }
        }
    }

    /// `X.Builder.create(a, b).p(v).q(w).build()` → `X(a, b, {p: v, q: w})`, and
    /// `X.builder().p(v).build()` → `{p: v}`; `None` when the chain down from `build()` is
    /// not one setter of one argument after another down to either (then it is lowered as
    /// written). A loop, not a recursion: a chain is as long as the code makes it.
    fn builder(&self, build: Node<'_>) -> Option<ExprKind> {
        let mut setters: Vec<(Node<'_>, Node<'_>)> = Vec::new();
        let mut cur = build.child_by_field_name("object")?;
        loop {
            if cur.kind() != "method_invocation" {
                return None;
            }
            let name = cur.child_by_field_name("name")?;
            let object = cur.child_by_field_name("object")?;
            let args = cur.child_by_field_name("arguments")?;
            let mut c = args.walk();
            let arg_nodes: Vec<Node<'_>> = args
                .named_children(&mut c)
                .filter(|a| !a.kind().ends_with("comment"))
                .collect();
            match (self.text(name), arg_nodes.as_slice()) {
                ("builder", []) if object.kind() != "super" => {
                    return Some(self.props(build, &setters));
                }
                ("create", _) if object.kind() == "field_access" => {
                    let class = object.child_by_field_name("object")?;
                    let builder = object.child_by_field_name("field")?;
                    if self.text(builder) != "Builder" || class.kind() == "super" {
                        return None;
                    }
                    let mut all = self.args(args);
                    if !setters.is_empty() {
                        all.push(Arg::Positional(Expr {
                            kind: self.props(build, &setters),
                            span: Span::of(&build),
                        }));
                    }
                    return Some(ExprKind::Call {
                        func: Box::new(self.expr(class)),
                        args: all,
                    });
                }
                (_, [value]) => setters.push((name, *value)),
                _ => return None,
            }
            cur = object;
        }
    }

    /// The setters of a builder chain (collected from `build()` down), in source order.
    fn props(&self, _build: Node<'_>, setters: &[(Node<'_>, Node<'_>)]) -> ExprKind {
        ExprKind::Dict(
            setters
                .iter()
                .rev()
                .map(|(k, v)| DictEntry::Pair {
                    key: self.text(*k).to_string(),
                    key_span: Span::of(k),
                    value: self.expr(*v),
                })
                .collect(),
        )
    }

    /// `Map.of("dev", "111…", "qa", "222…")`: string keys only, else unknown.
    fn map_of(&self, args: &[Node<'_>]) -> ExprKind {
        if !args.len().is_multiple_of(2) {
            return ExprKind::Unknown;
        }
        let mut entries = Vec::new();
        for pair in args.chunks(2) {
            let key = self.expr(pair[0]);
            let ExprKind::Str(k) = key.kind else {
                return ExprKind::Unknown;
            };
            entries.push(DictEntry::Pair {
                key: k,
                key_span: key.span,
                value: self.expr(pair[1]),
            });
        }
        ExprKind::Dict(entries)
    }

    /// `new X(a, b, props)` → `X(a, b, props)`; `new ArrayList<>()` is an empty list and
    /// `new ArrayList<>(xs)` the list `xs` is, when it is one.
    fn creation(&self, node: Node<'_>) -> ExprKind {
        let (Some(ty), Some(args)) = (
            node.child_by_field_name("type"),
            node.child_by_field_name("arguments"),
        ) else {
            return ExprKind::Unknown;
        };
        // `outer.new Inner()`: not followed.
        if !self.text(node).starts_with("new") {
            return ExprKind::Unknown;
        }
        let base = last_named_type(ty).unwrap_or(ty);
        if matches!(self.text(base), "ArrayList" | "LinkedList") {
            let mut c = args.walk();
            let items: Vec<Node<'_>> = args
                .named_children(&mut c)
                .filter(|a| !a.kind().ends_with("comment"))
                .collect();
            return match items.as_slice() {
                [] => ExprKind::List(Vec::new()),
                [xs] => match self.expr(*xs).kind {
                    ExprKind::List(l) => ExprKind::List(l),
                    _ => ExprKind::Unknown,
                },
                _ => ExprKind::Unknown,
            };
        }
        ExprKind::Call {
            func: Box::new(self.expr(ty)),
            args: self.args(args),
        }
    }

    fn list(&self, init: Node<'_>) -> ExprKind {
        let mut c = init.walk();
        let items = init
            .named_children(&mut c)
            .filter(|a| !a.kind().ends_with("comment"))
            .map(|a| self.expr(a))
            .collect();
        ExprKind::List(items)
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

    /// `r -> …`, `(a, b) -> { … }`. The body is lowered without reuse: its statements lower
    /// differently at another depth (see [`Nesting`]).
    fn lambda(&self, node: Node<'_>) -> ExprKind {
        let mut params = Vec::new();
        if let Some(ps) = node.child_by_field_name("parameters") {
            if ps.kind() == "identifier" {
                params.push(Target::Name(self.text(ps).to_string(), Span::of(&ps)));
            } else {
                let mut cursor = ps.walk();
                for p in ps.named_children(&mut cursor) {
                    let name = match p.kind() {
                        "identifier" => Some(p),
                        "formal_parameter" => p.child_by_field_name("name"),
                        _ => None,
                    };
                    params.push(match name {
                        Some(n) => Target::Name(self.text(n).to_string(), Span::of(&n)),
                        None => Target::Other,
                    });
                }
            }
        }
        let Some(body) = node.child_by_field_name("body") else {
            return ExprKind::Unknown;
        };
        let inner = Java {
            memo: None,
            ..*self
        };
        let (body, value) = if body.kind() == "block" {
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

    /// A string literal (`"…"`, a text block `"""…"""`); with embedded `\{x}` a template.
    fn string(&self, node: Node<'_>) -> ExprKind {
        let raw = self.text(node);
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        if children.iter().any(|c| c.kind() == "string_interpolation") {
            if raw.starts_with("\"\"\"") {
                return ExprKind::Unknown;
            }
            let mut parts = Vec::new();
            for c in children {
                match c.kind() {
                    "string_fragment" => parts.push(TemplatePart::Lit(self.text(c).to_string())),
                    "escape_sequence" => parts.push(TemplatePart::Lit(unescape(self.text(c)))),
                    "string_interpolation" => {
                        parts.push(TemplatePart::Expr(match c.named_child(0) {
                            Some(e) => self.expr(e),
                            None => Expr::unknown(Span::of(&c)),
                        }))
                    }
                    _ => {}
                }
            }
            return ExprKind::Template(parts);
        }
        if let Some(inner) = raw
            .strip_prefix("\"\"\"")
            .and_then(|r| r.strip_suffix("\"\"\""))
        {
            return ExprKind::Str(text_block(inner));
        }
        ExprKind::Str(unescape(
            raw.strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .unwrap_or(""),
        ))
    }

    fn args(&self, node: Node<'_>) -> Vec<Arg> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if !child.kind().ends_with("comment") {
                out.push(Arg::Positional(self.expr(child)));
            }
        }
        out
    }
}

/// The arguments of a constructor whose whole body is `this(…);` (it delegates to another of
/// its class's constructors).
fn delegation(ctor: Node<'_>) -> Option<Node<'_>> {
    let body = ctor.child_by_field_name("body")?;
    let mut c = body.walk();
    let stmts: Vec<Node<'_>> = body
        .named_children(&mut c)
        .filter(|s| !s.kind().ends_with("comment"))
        .collect();
    match stmts.as_slice() {
        [call] if call.kind() == "explicit_constructor_invocation" => {
            let ctor = call.child_by_field_name("constructor")?;
            (ctor.kind() == "this").then(|| call.child_by_field_name("arguments"))?
        }
        _ => None,
    }
}

/// Whether a declaration's modifiers say `static`.
fn is_static(node: Node<'_>) -> bool {
    let Some(mods) = named_child_of_kind(node, "modifiers") else {
        return false;
    };
    let mut c = mods.walk();
    let found = mods.children(&mut c).any(|m| m.kind() == "static");
    found
}

/// The type a `generic_type` / `annotated_type` wraps (`List<String>`: `List`).
fn last_named_type(node: Node<'_>) -> Option<Node<'_>> {
    let mut c = node.walk();
    let found = node.named_children(&mut c).find(|t| {
        matches!(
            t.kind(),
            "type_identifier" | "scoped_type_identifier" | "generic_type"
        )
    });
    found
}

fn named_child_of_kind<'t>(n: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut c = n.walk();
    let found = n.named_children(&mut c).find(|x| x.kind() == kind);
    found
}

/// What the language predefines under `name` (see [`ExprKind::Builtin`]).
fn builtin(what: Builtin, name: &str) -> ExprKind {
    ExprKind::Builtin {
        what,
        name: name.to_string(),
        written: None,
    }
}

/// A string literal's content with Java's escapes interpreted.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('s') => out.push(' '),
            // A line ending escaped in a text block joins the lines.
            Some('\n') => {}
            Some('u') => {
                while chars.peek() == Some(&'u') {
                    chars.next();
                }
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push_str("\\u");
                        out.push_str(&hex);
                    }
                }
            }
            Some(d @ '0'..='7') => {
                let mut v = d.to_digit(8).unwrap_or(0);
                // Up to three digits, the first of a three-digit one at most 3.
                let max = if d <= '3' { 2 } else { 1 };
                for _ in 0..max {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(n) => {
                            v = v * 8 + n;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.extend(char::from_u32(v));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// A text block's value (JLS 3.10.6): the lines after the opening delimiter's, less their
/// common indentation (the closing delimiter's line counts) and trailing spaces, then escapes.
fn text_block(inner: &str) -> String {
    let inner = inner.replace("\r\n", "\n");
    let Some((_, content)) = inner.split_once('\n') else {
        return unescape(inner.trim());
    };
    let lines: Vec<&str> = content.split('\n').collect();
    let last = lines.len() - 1;
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let min = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| *i == last || !l.trim().is_empty())
        .map(|(_, l)| indent(l))
        .min()
        .unwrap_or(0);
    let stripped: Vec<&str> = lines
        .iter()
        .map(|l| {
            let l = if l.trim().is_empty() {
                ""
            } else {
                l.get(min..).unwrap_or("")
            };
            l.trim_end_matches([' ', '\t'])
        })
        .collect();
    unescape(&stripped.join("\n"))
}

/// The import bindings of a file, as `queries/java/imports.scm` finds them (a test holds the
/// two equal): `import a.b.C;` binds `C` (module `a.b`), `import a.b.*;` every name of
/// `a.b`; `import static …` binds no class.
pub(crate) fn imports(root: Node<'_>) -> Vec<super::RawImport<'_>> {
    let mut out = Vec::new();
    let mut stmts = root.walk();
    for stmt in root.named_children(&mut stmts) {
        if stmt.kind() != "import_declaration" {
            continue;
        }
        let mut c = stmt.walk();
        let children: Vec<Node<'_>> = stmt.children(&mut c).collect();
        if children.iter().any(|n| n.kind() == "static") {
            continue;
        }
        let Some(name) = children.iter().find(|n| n.kind() == "scoped_identifier") else {
            continue;
        };
        let base = super::RawImport {
            statement: Some(stmt),
            ..Default::default()
        };
        if children.iter().any(|n| n.kind() == "asterisk") {
            out.push(super::RawImport {
                module: Some(*name),
                all: true,
                ..base
            });
        } else if let (Some(scope), Some(member)) = (
            name.child_by_field_name("scope"),
            name.child_by_field_name("name"),
        ) {
            out.push(super::RawImport {
                module: Some(scope),
                member: Some(member),
                ..base
            });
        }
    }
    out
}

// --- a failed synth, as the JVM and Maven print it (see `lang::SynthErrors`) ---

static FRAME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    // `at com.myorg.PipelineStack.<init>(PipelineStack.java:42)`; Maven's `-e` prints a space
    // before the parenthesis, and a module prefix (`java.base/`) may come first.
    regex::Regex::new(
        r"^\s*at (?:[\w.$]+/)?((?:[\w$]+\.)*)[\w$]+\.[\w$<>]+ ?\(([\w$]+\.java):(\d+)\)",
    )
    .unwrap()
});
static COMPILE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    // `[ERROR] /app/src/main/java/com/myorg/PipelineStack.java:[42,17] cannot find symbol`
    regex::Regex::new(r"^(?:\[ERROR\] )?(\S+\.java):\[(\d+),(\d+)\] (.*)$").unwrap()
});
static EXCEPTION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#"^(?:Exception in thread "[^"]*" |Caused by: )([\w$]+(?:\.[\w$]+)+(?:Exception|Error)\b.*)$"#,
    )
    .unwrap()
});

/// The failure's message: the compile errors javac reported through Maven, else the innermost
/// exception (the last `Caused by:`, or `Exception in thread "main"`), with the lines of its
/// message up to its stack.
pub(super) fn synth_message(lines: &[&str], noise: super::Noise) -> Option<String> {
    let compile: Vec<&str> = lines
        .iter()
        .filter_map(|l| {
            COMPILE
                .captures(l)
                .map(|c| c.get(0).map_or(*l, |m| m.as_str()))
        })
        .map(|l| l.strip_prefix("[ERROR] ").unwrap_or(l))
        .take(10)
        .collect();
    if !compile.is_empty() {
        return Some(compile.join("\n"));
    }
    let Some(i) = lines.iter().rposition(|l| EXCEPTION.is_match(l)) else {
        return maven_error(lines);
    };
    let first = EXCEPTION.captures(lines[i])?.get(1)?.as_str();
    let mut msg = vec![first];
    msg.extend(
        lines[i + 1..]
            .iter()
            .copied()
            .take_while(|l| !l.trim_start().starts_with("at ") && !l.trim().is_empty())
            .filter(|l| !noise(l))
            .take(14),
    );
    Some(msg.join("\n"))
}

/// Maven's own failure (a plugin or a dependency it could not resolve, a build error): its
/// first `[ERROR]` lines, up to the first empty one.
fn maven_error(lines: &[&str]) -> Option<String> {
    let msg: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("[ERROR]"))
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .take(10)
        .collect();
    (!msg.is_empty()).then(|| msg.join("\n"))
}

/// The places a failure names, innermost first: javac's errors (file, line, column), else
/// the stack frames of the innermost exception, as the file of the class under Maven's
/// source folder (`com.myorg.PipelineStack` in `PipelineStack.java`:
/// `src/main/java/com/myorg/PipelineStack.java`, from the app's root).
pub(super) fn synth_places(lines: &[&str]) -> Vec<super::SynthPlace> {
    let compile: Vec<super::SynthPlace> = lines
        .iter()
        .filter_map(|l| {
            let c = COMPILE.captures(l)?;
            Some((c[1].to_string(), c[2].parse().ok()?, c[3].parse().ok()))
        })
        .collect();
    if !compile.is_empty() {
        return compile;
    }
    // The innermost exception's frames come after its `Caused by:` (the last one).
    let from = lines
        .iter()
        .rposition(|l| EXCEPTION.is_match(l))
        .unwrap_or(0);
    lines[from..]
        .iter()
        .filter_map(|l| {
            let c = FRAME.captures(l)?;
            let folder = c[1].replace('.', "/");
            let file = format!("src/main/java/{folder}{}", &c[2]);
            Some((file, c[3].parse().ok()?, None))
        })
        .collect()
}

/// Where a Java app's libraries live: Maven's local repository and its wrapper's folder.
pub(super) fn library_folder(name: &str) -> bool {
    name == ".m2" || name == ".mvn"
}

/// The files a Java import may name: a class `a.b.C` is `a/b/C.java` under Maven's source
/// folder (or the app's root). A package (`import a.b.*;`, or the `a.b` of `import a.b.C;`) is
/// a folder, no one file.
pub(super) fn module_files(
    root: &std::path::Path,
    _dir: &std::path::Path,
    module: &str,
) -> Vec<std::path::PathBuf> {
    let parts: Vec<&str> = module.split('.').collect();
    // A class is named in UpperCamelCase, a package in lower case.
    let is_class = parts
        .last()
        .is_some_and(|p| p.starts_with(|c: char| c.is_ascii_uppercase()));
    if !is_class || parts.iter().any(|p| p.is_empty()) {
        return Vec::new();
    }
    let rel = parts
        .iter()
        .fold(std::path::PathBuf::new(), |p, part| p.join(part))
        .with_extension("java");
    vec![root.join("src/main/java").join(&rel), root.join(&rel)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::ir::Module;
    use crate::lang::JAVA;

    fn lowered(src: &str) -> Module {
        let tree = JAVA.parser().parse(src, None).unwrap();
        JAVA.lower(&tree, src)
    }

    /// A compact, span-free rendering of the IR, one statement a line.
    fn show(body: &[Stmt]) -> String {
        body.iter().map(stmt).collect::<Vec<_>>().join("\n")
    }

    fn stmt(s: &Stmt) -> String {
        match s {
            Stmt::Expr(e) => e_(e),
            Stmt::Assign { target, value } => format!("{} = {}", t_(target), e_(value)),
            Stmt::For { target, iter, body } => {
                format!("for {} in {} {{ {} }}", t_(target), e_(iter), inline(body))
            }
            Stmt::If {
                cond,
                then,
                otherwise,
            } => format!(
                "if {} {{ {} }} else {{ {} }}",
                e_(cond),
                inline(then),
                inline(otherwise)
            ),
            Stmt::Return(v) => format!("return {}", v.as_ref().map_or(String::new(), e_)),
            Stmt::Class(c) => format!(
                "class {}({}) {{ {} }}",
                c.name,
                c.bases.iter().map(e_).collect::<Vec<_>>().join(", "),
                inline(&c.body)
            ),
            Stmt::Func(f) => format!(
                "{}{}({}) {{ {} }}",
                if f.constructor { "new " } else { "def " },
                f.name,
                f.params.join(", "),
                inline(&f.body)
            ),
            Stmt::Block(b) => format!("{{ {} }}", inline(b)),
        }
    }

    fn inline(body: &[Stmt]) -> String {
        body.iter().map(stmt).collect::<Vec<_>>().join("; ")
    }

    fn t_(t: &Target) -> String {
        match t {
            Target::Name(n, _) => n.clone(),
            Target::SelfAttr(n, _) => format!("this.{n}"),
            _ => "<other>".into(),
        }
    }

    fn e_(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Num(n) => n.clone(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Null => "null".into(),
            ExprKind::Template(parts) => format!(
                "`{}`",
                parts
                    .iter()
                    .map(|p| match p {
                        TemplatePart::Lit(l) => l.clone(),
                        TemplatePart::Expr(x) => format!("${{{}}}", e_(x)),
                    })
                    .collect::<String>()
            ),
            ExprKind::Name(n) => n.clone(),
            ExprKind::This => "this".into(),
            ExprKind::Builtin { name, .. } => format!("@{name}"),
            ExprKind::Attr(o, a, _) => format!("{}.{a}", e_(o)),
            ExprKind::Call { func, args } => format!(
                "{}({})",
                e_(func),
                args.iter()
                    .map(|a| match a {
                        Arg::Positional(x) => e_(x),
                        Arg::Keyword { name, value, .. } => format!("{name}={}", e_(value)),
                        Arg::Spread(x) => format!("...{}", e_(x)),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ExprKind::Subscript(a, b) => format!("{}[{}]", e_(a), e_(b)),
            ExprKind::Dict(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|d| match d {
                        DictEntry::Pair { key, value, .. } => format!("{key}: {}", e_(value)),
                        DictEntry::Spread(x) => format!("...{}", e_(x)),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ExprKind::List(items) => {
                format!("[{}]", items.iter().map(e_).collect::<Vec<_>>().join(", "))
            }
            ExprKind::Lambda(l) => format!(
                "({}) => {{ {} }} {}",
                l.params.iter().map(t_).collect::<Vec<_>>().join(", "),
                inline(&l.body),
                l.value.as_ref().map_or(String::new(), e_)
            ),
            ExprKind::Compare { equal, left, right } => format!(
                "({} {} {})",
                e_(left),
                if *equal { "==" } else { "!=" },
                e_(right)
            ),
            ExprKind::Not(x) => format!("!{}", e_(x)),
            ExprKind::Logic { and, left, right } => format!(
                "({} {} {})",
                e_(left),
                if *and { "&&" } else { "||" },
                e_(right)
            ),
            ExprKind::Add { left, right } => format!("({} + {})", e_(left), e_(right)),
            ExprKind::Cond {
                cond,
                then,
                otherwise,
            } => format!("({} ? {} : {})", e_(cond), e_(then), e_(otherwise)),
            ExprKind::Unknown => "?".into(),
        }
    }

    /// The module-level statements `src` lowers to, one a line.
    fn body(src: &str) -> String {
        show(&lowered(src).body)
    }

    /// The constructor body of the first class of `class`.
    fn ctor(class: &str) -> String {
        let m = lowered(class);
        let Some(Stmt::Class(c)) = m.body.first() else {
            panic!("no class: {:?}", m.body)
        };
        inline(&c.constructor().expect("a constructor").body)
    }

    fn in_ctor(stmts: &str) -> String {
        ctor(&format!(
            "class S extends Stack {{ S(Construct scope) {{ {stmts} }} }}"
        ))
    }

    #[test]
    fn builders_arrive_as_the_call_and_its_props() {
        assert_eq!(
            in_ctor(
                r#"CodePipeline p = CodePipeline.Builder.create(this, "Pipeline").crossAccountKeys(true).synth(ShellStep.Builder.create("Synth").input(CodePipelineSource.connection("acme/payments", "main", ConnectionSourceOptions.builder().connectionArn(ARN).build())).commands(List.of("npm ci")).build()).build();"#
            ),
            r#"p = CodePipeline(this, "Pipeline", {crossAccountKeys: true, synth: ShellStep("Synth", {input: CodePipelineSource.connection("acme/payments", "main", {connectionArn: ARN}), commands: ["npm ci"]})})"#
        );
        assert_eq!(
            in_ctor(
                r#"new PaymentsStage(this, "Dev", StageProps.builder().env(Environment.builder().account("1").region("us-east-1").build()).build());"#
            ),
            r#"PaymentsStage(this, "Dev", {env: {account: "1", region: "us-east-1"}})"#
        );
        // No setters: the call alone, as `new X(a)` would be; a qualified class as written.
        assert_eq!(
            in_ctor(
                r#"x = software.amazon.awscdk.pipelines.ShellStep.Builder.create("S").build();"#
            ),
            r#"x = software.amazon.awscdk.pipelines.ShellStep("S")"#
        );
        // A chain that is not a builder's is lowered as written, never guessed.
        assert_eq!(
            in_ctor(
                r#"x = thing.create("a").p(1).build(); y = X.builder().p(1, 2).build(); z = X.builder().p(1).done();"#
            ),
            r#"x = thing.create("a").p(1).build(); y = X.builder().p(1, 2).build(); z = X.builder().p(1).done()"#
        );
    }

    #[test]
    fn a_builder_chain_thousands_long_lowers_on_a_small_stack() {
        let setters = ".p(1)".repeat(6_000);
        let nested = format!("{}1{}", "f(".repeat(7_000), ")".repeat(7_000));
        let brackets = format!("{}1{}", "(".repeat(15_000), ")".repeat(15_000));
        let src = format!(
            "class S {{ S() {{ x = X.builder(){setters}.build(); y = {nested}; z = {brackets}; w = a{}; }} }}",
            ".m()".repeat(6_000)
        );
        let got = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let m = lowered(&src);
                (m.too_deep.is_some(), show(&m.body).len())
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(got.0, "the nested calls are noted as too deep");
    }

    #[test]
    fn collections_strings_and_environment_variables() {
        assert_eq!(
            in_ctor(
                r#"a = List.of("x", "y"); b = Arrays.asList(1); c = new String[] { "z" }; d = new ArrayList<>(List.of("w")); e = new ArrayList<String>(); f = Map.of("dev", "111", "qa", "222"); g = Map.of(K, "v"); h = System.getenv("ACCOUNT"); i = m.get("dev"); j = "a\tb\"c\u0041";"#
            ),
            r#"a = ["x", "y"]; b = [1]; c = ["z"]; d = ["w"]; e = []; f = {dev: "111", qa: "222"}; g = ?; h = ?; i = m["dev"]; j = "a\tb\"cA""#
        );
        assert_eq!(
            in_ctor("t = \"\"\"\n        exports.handler = 1;\n          x\\s\n        \"\"\";"),
            r#"t = "exports.handler = 1;\n  x \n""#
        );
        assert_eq!(
            in_ctor(
                r#"a = x == null ? "p" : "q"; b = !ok && (String) y != "z" || "s".equals(v); c = "Prod-" + region; d = 1 - 2;"#
            ),
            r#"a = ((x == null) ? "p" : "q"); b = ((!ok && (y != "z")) || ("s" == v)); c = ("Prod-" + region); d = ?"#
        );
    }

    #[test]
    fn statements_the_model_follows_and_those_it_cannot() {
        assert_eq!(
            in_ctor(
                "super(scope, id, props); for (final String r : REGIONS) { s(r); } regions.forEach(r -> { add(r); }); xs.forEach((a, b) -> f(a)); if (a) { x = 1; } else if (b) { x = 2; } try { y = 1; } catch (Exception e) { y = 2; } finally { z = 1; } for (int i = 0; i < 2; i++) { q(i); } throw new RuntimeException(); i += 1; this.pipeline = p; return;"
            ),
            "@super(scope, id, props); for r in REGIONS { this.s(r) }; regions.forEach((r) => { this.add(r) } ); xs.forEach((a, b) => {  } this.f(a)); if a { x = 1 } else { if b { x = 2 } else {  } }; { y = 1; { y = 2 }; { z = 1 } }; ?; ?; ?; this.pipeline = p; return "
        );
    }

    #[test]
    fn classes_statics_and_main() {
        let src = r#"
            package com.myorg;
            public class App extends software.amazon.awscdk.Stack {
                public static final String ACCOUNT = "111";
                private final String notStatic = "222";
                enum Tier { LOW, HIGH }
                App(final Construct scope, final String id, final String... rest) { super(scope, id); helper(); }
                void helper() { envFor(ACCOUNT); }
                static Environment envFor(String a) { return Environment.builder().account(a).build(); }
                public static void main(final String[] args) { App app = new App(null, "A"); envFor("3"); app.synth(); }
            }
            class Later {}
        "#;
        assert_eq!(
            body(src),
            [
                r#"class App(software.amazon.awscdk.Stack) { ACCOUNT = "111"; class Tier() {  }; new App(scope, id, *rest) { @super(scope, id); this.helper() }; def helper() { this.envFor(ACCOUNT) }; def envFor(a) { return {account: a} }; def main(args) { app = App(null, "A"); envFor("3"); app.synth() } }"#,
                r#"ACCOUNT = "111""#,
                r#"def envFor(a) { return {account: a} }"#,
                "class Later() {  }",
                r#"def <entry point>() { app = App(null, "A"); envFor("3"); app.synth() }"#,
                "<entry point>()",
            ]
            .join("\n")
        );
    }

    #[test]
    fn telescoping_constructors_run_as_the_one_that_does_the_work() {
        let m = lowered(
            "class S extends Stack { S(Construct scope, String id) { this(scope, id, null); } S(Construct scope, String id, StackProps props) { super(scope, id, props); } }",
        );
        let Some(Stmt::Class(c)) = m.body.first() else {
            panic!()
        };
        let f = c.constructor().unwrap();
        assert_eq!(f.params, ["scope", "id", "props"]);
        assert_eq!(
            f.defaults
                .iter()
                .map(|d| d.as_ref().map(e_))
                .collect::<Vec<_>>(),
            [None, None, Some("null".to_string())]
        );
        // A constructor that passes on something else is not taken for a shorter form.
        let m = lowered(
            "class S extends Stack { S(Construct scope, String id) { this(id, scope, null); } S(Construct a, String b, StackProps c) { super(a, b, c); } }",
        );
        let Some(Stmt::Class(c)) = m.body.first() else {
            panic!()
        };
        assert_eq!(c.constructor().unwrap().defaults, [None, None, None]);
    }

    #[test]
    fn imports_bind_classes_and_packages_not_static_members() {
        let src = "package com.myorg;\nimport software.amazon.awscdk.pipelines.CodePipeline;\nimport software.amazon.awscdk.*;\nimport static java.util.Map.entry;\nimport static org.junit.Assert.*;\nimport Unqualified;\n";
        let got: Vec<_> = lowered(src)
            .imports
            .into_iter()
            .map(|i| (i.local, i.module, i.member))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "CodePipeline".to_string(),
                    "software.amazon.awscdk.pipelines".to_string(),
                    Some("CodePipeline".to_string())
                ),
                ("*".to_string(), "software.amazon.awscdk".to_string(), None),
            ]
        );
        let tree = JAVA.parser().parse(src, None).unwrap();
        let key =
            |i: &crate::lang::ir::Import| (i.local.clone(), i.module.clone(), i.member.clone());
        let walked: Vec<_> = JAVA
            .imports(tree.root_node(), src)
            .iter()
            .map(key)
            .collect();
        let queried: Vec<_> = JAVA
            .query_imports(tree.root_node(), src)
            .iter()
            .map(key)
            .collect();
        assert_eq!(walked, queried);
    }

    /// Maven that could not even start the app (offline, without the exec plugin): its own
    /// first `[ERROR]`, as `mvn -e -q compile exec:java` printed it.
    #[test]
    fn maven_failing_before_the_app_runs_names_its_first_error() {
        let out = "[ERROR] No plugin found for prefix 'exec' in the current project and in the plugin groups [org.apache.maven.plugins, org.codehaus.mojo] available from the repositories [local (/root/.m2/repository), central (https://repo.maven.apache.org/maven2)] -> [Help 1]
org.apache.maven.plugin.prefix.NoPluginFoundForPrefixException: No plugin found for prefix 'exec' in the current project
    at org.apache.maven.plugin.prefix.internal.DefaultPluginPrefixResolver.resolve (DefaultPluginPrefixResolver.java:95)
    at org.codehaus.plexus.classworlds.launcher.Launcher.main (Launcher.java:348)
[ERROR] 
[ERROR] Re-run Maven using the -X switch to enable full debug logging.
mvn -e -q compile exec:java: Subprocess exited with error 1";
        let lines: Vec<&str> = out.lines().collect();
        let msg = synth_message(&lines, |_| false).unwrap();
        assert!(
            msg.starts_with("No plugin found for prefix 'exec'") && !msg.contains("Re-run"),
            "{msg}"
        );
    }

    #[test]
    fn a_maven_run_that_failed_names_the_innermost_exception_and_the_apps_frames() {
        let out = "[ERROR] Failed to execute goal org.codehaus.mojo:exec-maven-plugin:3.1.0:java (default-cli) on project payments: An exception occurred while executing the Java class. Validation failed with the following errors: -> [Help 1]
org.apache.maven.lifecycle.LifecycleExecutionException: Failed to execute goal org.codehaus.mojo:exec-maven-plugin:3.1.0:java (default-cli) on project payments: An exception occurred while executing the Java class. Validation failed
    at org.apache.maven.lifecycle.internal.MojoExecutor.doExecute2 (MojoExecutor.java:333)
Caused by: org.apache.maven.plugin.MojoExecutionException: An exception occurred while executing the Java class. Validation failed
    at org.codehaus.mojo.exec.ExecJavaMojo.execute (ExecJavaMojo.java:311)
Caused by: software.amazon.jsii.JsiiError: Validation failed with the following errors:
  [PaymentsPipeline/Pipeline] Stage 'Dev' must have an env
    at software.amazon.jsii.JsiiRuntime.processErrorResponse (JsiiRuntime.java:97)
    at com.myorg.PipelineStack.<init> (PipelineStack.java:42)
    at com.myorg.PaymentsApp.main (PaymentsApp.java:12)
    at org.codehaus.mojo.exec.ExecJavaMojo$1.run (ExecJavaMojo.java:279)
    at java.lang.Thread.run (Thread.java:833)";
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            synth_message(&lines, |_| false).unwrap(),
            "software.amazon.jsii.JsiiError: Validation failed with the following errors:\n  [PaymentsPipeline/Pipeline] Stage 'Dev' must have an env"
        );
        let places = synth_places(&lines);
        assert_eq!(
            places[0].0,
            "src/main/java/software/amazon/jsii/JsiiRuntime.java"
        );
        assert_eq!(
            places[1],
            (
                "src/main/java/com/myorg/PipelineStack.java".to_string(),
                42,
                None
            )
        );
        assert_eq!(places[2].1, 12);
        // The JVM's own report, without Maven.
        let jvm = [
            "Exception in thread \"main\" java.lang.IllegalArgumentException: bad region",
            "\tat java.base/java.util.Objects.requireNonNull(Objects.java:259)",
            "\tat com.myorg.stacks.Config.region(Config.java:7)",
        ];
        assert_eq!(
            synth_message(&jvm, |_| false).unwrap(),
            "java.lang.IllegalArgumentException: bad region"
        );
        assert_eq!(
            synth_places(&jvm)[1],
            (
                "src/main/java/com/myorg/stacks/Config.java".to_string(),
                7,
                None
            )
        );
        // javac's errors, through Maven.
        let javac = [
            "[ERROR] COMPILATION ERROR : ",
            "[ERROR] /app/src/main/java/com/myorg/PipelineStack.java:[42,17] cannot find symbol",
            "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile",
        ];
        assert_eq!(
            synth_message(&javac, |_| false).unwrap(),
            "/app/src/main/java/com/myorg/PipelineStack.java:[42,17] cannot find symbol"
        );
        assert_eq!(
            synth_places(&javac),
            [(
                "/app/src/main/java/com/myorg/PipelineStack.java".to_string(),
                42,
                Some(17)
            )]
        );
        // Another language's failure is not Java's.
        assert_eq!(
            synth_message(&["Error: boom", "    at f (/a/b.js:1:1)"], |_| false),
            None
        );
        assert!(library_folder(".m2") && !library_folder("src"));
    }

    #[test]
    fn a_class_import_names_its_file_under_the_source_folder() {
        let root = std::path::Path::new("/app");
        assert_eq!(
            module_files(root, root, "com.myorg.PaymentsStage"),
            [
                root.join("src/main/java/com/myorg/PaymentsStage.java"),
                root.join("com/myorg/PaymentsStage.java")
            ]
        );
        assert!(module_files(root, root, "com.myorg").is_empty());
    }

    #[test]
    fn dump() {
        if let Ok(path) = std::env::var("JAVA_DUMP") {
            let src = std::fs::read_to_string(path).unwrap();
            let m = lowered(&src);
            eprintln!("{:?}\n{}", m.imports, show(&m.body));
        }
    }
}
