//! The C# plugin: lowers a `tree-sitter-c-sharp` tree into [`ir`](super::ir), every call in
//! the shape TypeScript's has (`new X(a, b, new XProps { P = v })` is `X(a, b, {P: v})`), and
//! `Main` (or the top-level statements) run at module level after the file's classes.

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

/// The name C# gives the entry point (`static void Main(string[] args)`).
const ENTRY_POINT: &str = "Main";

impl Lowerer<'_> {
    pub fn block(&self, node: Node<'_>) -> Vec<Stmt> {
        let scope = RefCell::new(Vec::new());
        self.walk(&scope).block(node)
    }

    pub fn expr(&self, node: Node<'_>) -> Expr {
        let scope = RefCell::new(Vec::new());
        self.walk(&scope).expr(node)
    }

    fn walk<'s>(&'s self, scope: &'s RefCell<Vec<Frame>>) -> Walk<'s> {
        Walk {
            src: self.src,
            memo: self.memo,
            nesting: self.nesting,
            scope,
        }
    }
}

/// What a bare name inside a class may be besides a local: C# reads `Account` in a method of
/// a class with `const string Account` as `Config.Account`, and `Pipeline` (a property) as
/// `this.Pipeline`.
enum Frame {
    Class {
        name: String,
        statics: Vec<String>,
        members: Vec<String>,
    },
    /// The names a function declares (parameters, locals, loop and lambda variables): they
    /// hide the class's.
    Locals(Vec<String>),
}

/// The lowering proper: [`Lowerer`] and the classes and functions it is inside.
struct Walk<'a> {
    src: &'a str,
    memo: Option<&'a RefCell<Reuse>>,
    nesting: &'a Nesting,
    scope: &'a RefCell<Vec<Frame>>,
}

impl<'a> Walk<'a> {
    fn text(&self, node: Node<'_>) -> &'a str {
        &self.src[node.byte_range()]
    }

    /// A file's (or a block's) statements. At the top of a file, the members of namespaces
    /// are module-level statements, and what the app runs (`Main`'s body, or the top-level
    /// statements) comes last, once every class of the file is defined.
    fn block(&self, node: Node<'_>) -> Vec<Stmt> {
        let mut out = Vec::new();
        if node.kind() != "compilation_unit" {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                self.stmt(child, &mut out);
            }
            return out;
        }
        let mut top_level = Vec::new();
        self.declarations(node, &mut out, &mut top_level);
        let entry: Vec<Stmt> = out
            .iter()
            .filter_map(|s| match s {
                Stmt::Class(c) => c.method(ENTRY_POINT),
                _ => None,
            })
            .flat_map(|f| super::ir::entry_point(f.body.clone(), f.span))
            .collect();
        out.extend(entry);
        if !top_level.is_empty() {
            let span = Span::of(&node);
            out.extend(super::ir::entry_point(top_level, span));
        }
        out
    }

    /// The declarations of a compilation unit or a namespace; top-level statements go to
    /// `top_level`.
    fn declarations(&self, node: Node<'_>, out: &mut Vec<Stmt>, top_level: &mut Vec<Stmt>) {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "global_statement" => {
                    if let Some(s) = child.named_child(0) {
                        self.stmt(s, top_level);
                    }
                }
                "namespace_declaration" => {
                    if let Some(body) = child.child_by_field_name("body") {
                        self.declarations(body, out, top_level);
                    }
                }
                _ => self.stmt(child, out),
            }
        }
    }

    fn stmt(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        super::reuse::lowered_stmt(self.memo, self.nesting, self.src, node, out, |n, out| {
            self.stmt_fresh(n, out)
        });
    }

    // As in `typescript.rs`: the functions on the recursion's path only dispatch, and each
    // construct is lowered by a function of its own, so that a level costs a small frame.

    fn stmt_fresh(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        match node.kind() {
            "expression_statement" => {
                if let Some(e) = node.named_child(0) {
                    self.expr_stmt(e, out);
                }
            }
            "local_declaration_statement" => {
                if let Some(d) = named_child_of_kind(node, "variable_declaration") {
                    self.declaration(d, out);
                }
            }
            "variable_declaration" => self.declaration(node, out),
            "foreach_statement" => self.foreach(node, out),
            "return_statement" => out.push(Stmt::Return(node.named_child(0).map(|v| self.expr(v)))),
            "class_declaration" | "record_declaration" | "struct_declaration" => {
                self.class(node, out)
            }
            "enum_declaration" => self.enum_declaration(node, out),
            "local_function_statement" => self.local_function(node, out),
            "if_statement" => self.if_statement(node, out),
            "block" | "try_statement" | "catch_clause" | "finally_clause" | "while_statement"
            | "do_statement" | "using_statement" | "lock_statement" | "checked_statement"
            | "unsafe_statement" | "fixed_statement" | "labeled_statement" => {
                out.push(Stmt::Block(self.compound(node)))
            }
            "global_statement" | "ERROR" => self.statements_in(node, out),
            "namespace_declaration" => {
                if let Some(body) = node.child_by_field_name("body") {
                    self.statements_in(body, out);
                }
            }
            "invocation_expression" | "object_creation_expression" | "assignment_expression" => {
                self.expr_stmt(node, out)
            }
            // Declarations and statements that cannot create or configure anything.
            "comment"
            | "empty_statement"
            | "using_directive"
            | "extern_alias_directive"
            | "file_scoped_namespace_declaration"
            | "global_attribute"
            | "attribute_list"
            | "interface_declaration"
            | "delegate_declaration"
            | "break_statement"
            | "continue_statement"
            | "shebang_directive" => {}
            k if k.starts_with("preproc_") => {}
            // One the model does not follow (a C-style `for`, `switch`, `throw`, `yield`, …)
            // leaves a mark: what it does is unknown, not nothing.
            _ => out.push(Stmt::Expr(Expr::unknown(Span::of(&node)))),
        }
    }

    fn statements_in(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            self.stmt(child, out);
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

    /// `var x = v;`, `T x = v, y = w;`: an assignment per declarator with a value.
    fn declaration(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut cursor = node.walk();
        for decl in node.named_children(&mut cursor) {
            if decl.kind() != "variable_declarator" {
                continue;
            }
            let (Some(name), Some(value)) = (decl.child_by_field_name("name"), after_equals(decl))
            else {
                continue;
            };
            out.push(Stmt::Assign {
                target: Target::Name(self.text(name).to_string(), Span::of(&name)),
                value: self.expr(value),
            });
        }
    }

    /// `foreach (var r in xs) …`, `foreach (var (a, b) in xs) …`.
    fn foreach(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let (Some(left), Some(right), Some(body)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
            node.child_by_field_name("body"),
        ) else {
            out.push(Stmt::Expr(Expr::unknown(Span::of(&node))));
            return;
        };
        let body = self.stmts_of(body);
        out.push(Stmt::For {
            target: self.target(left),
            iter: self.expr(right),
            body,
        });
    }

    fn local_function(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let name = node
            .child_by_field_name("name")
            .map(|n| self.text(n))
            .unwrap_or("");
        out.push(Stmt::Func(self.func(node, name, false)));
    }

    /// Blocks, `try`/`while`/`using`/`lock` and their clauses: the statements of every part
    /// (a `using (var x = …)` declaration included).
    fn compound(&self, node: Node<'_>) -> Vec<Stmt> {
        if node.kind() == "block" {
            return self.block(node);
        }
        let mut inner = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "block" => inner.extend(self.block(child)),
                "catch_clause" | "finally_clause" | "variable_declaration" => {
                    self.stmt(child, &mut inner)
                }
                k if k.ends_with("_statement") => self.stmt(child, &mut inner),
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

    fn expr_stmt(&self, e: Node<'_>, out: &mut Vec<Stmt>) {
        if e.kind() != "assignment_expression" {
            out.push(Stmt::Expr(self.expr(e)));
            return;
        }
        let (Some(left), Some(right)) = (
            e.child_by_field_name("left"),
            e.child_by_field_name("right"),
        ) else {
            return;
        };
        let plain = e
            .child_by_field_name("operator")
            .is_none_or(|op| self.text(op) == "=");
        if plain {
            out.push(Stmt::Assign {
                target: self.target(left),
                value: self.expr(right),
            });
        } else {
            // `x += …`: what `x` becomes is not followed.
            out.push(Stmt::Expr(Expr::unknown(Span::of(&e))));
        }
    }

    fn class(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let class_name = self.text(name);
        let mut bases = Vec::new();
        let mut body = Vec::new();
        let mut primary = None;
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if child.kind() == "base_list" {
                primary = self.base_list(child, &mut bases);
            }
        }
        // `class PipelineStack(Construct scope, string id) : Stack(scope, id)`: a primary
        // constructor, which calls the base's with those arguments.
        if let Some(params) = named_child_of_kind(node, "parameter_list") {
            let mut init = FuncDef {
                name: class_name.to_string(),
                constructor: true,
                is_static: false,
                params: Vec::new(),
                defaults: Vec::new(),
                body: Vec::new(),
                span: Span::of(&params),
            };
            self.params(params, &mut init);
            if let Some(Some(args)) = primary {
                init.body.push(self.base_call(args));
            }
            body.push(Stmt::Func(init));
        }
        if let Some(members) = node.child_by_field_name("body") {
            self.scope
                .borrow_mut()
                .push(self.class_frame(class_name, members));
            self.class_body(members, &mut body);
            self.scope.borrow_mut().pop();
        }
        out.push(Stmt::Class(ClassDef {
            name: class_name.to_string(),
            name_span: Span::of(&name),
            bases,
            body,
            span: Span::of(&node),
        }));
    }

    /// `: Stack` / `: Stage, IFoo`: the base class is the first (C# names it first; the
    /// interfaces after it are no bases the model asks about). Returns the arguments a primary
    /// constructor passes it (`: Stack(scope, id)`), if any.
    fn base_list<'t>(&self, node: Node<'t>, bases: &mut Vec<Expr>) -> Option<Option<Node<'t>>> {
        let mut cursor = node.walk();
        let mut children = node.named_children(&mut cursor);
        let first = children.next()?;
        let (ty, args) = if first.kind() == "primary_constructor_base_type" {
            (
                first.named_child(0)?,
                named_child_of_kind(first, "argument_list"),
            )
        } else {
            let next = children.next().filter(|n| n.kind() == "argument_list");
            (first, next)
        };
        bases.push(self.type_expr(ty));
        Some(args)
    }

    /// The Super call of `: base(scope, id, props)`.
    fn base_call(&self, args: Node<'_>) -> Stmt {
        let span = Span::of(&args);
        Stmt::Expr(Expr {
            kind: ExprKind::Call {
                func: Box::new(Expr {
                    kind: ExprKind::Builtin {
                        what: Builtin::Super,
                        name: "base".to_string(),
                        written: None,
                    },
                    span,
                }),
                args: self.args(args),
            },
            span,
        })
    }

    fn class_body(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut cursor = node.walk();
        for member in node.named_children(&mut cursor) {
            match member.kind() {
                "constructor_declaration" => out.push(Stmt::Func(self.constructor(member))),
                "method_declaration" => {
                    let name = member
                        .child_by_field_name("name")
                        .map(|n| self.text(n))
                        .unwrap_or("");
                    out.push(Stmt::Func(self.func(member, name, false)));
                }
                "field_declaration" => self.field(member, out),
                "property_declaration" => self.property(member, out),
                // Nested types: statements of the class body.
                "class_declaration" | "record_declaration" | "struct_declaration"
                | "enum_declaration" => self.stmt(member, out),
                _ => {}
            }
        }
    }

    /// `const string Account = "…";`, `static readonly string[] Regions = …;`: class
    /// attributes (`Config.Account`). A field of each instance is set by the constructor's
    /// run, not here.
    fn field(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        if !has_modifier(self.src, node, &["const", "static"]) {
            return;
        }
        if let Some(d) = named_child_of_kind(node, "variable_declaration") {
            self.declaration(d, out);
        }
    }

    /// `static string Account { get; } = "…";`, `static string Account => "…";`.
    fn property(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        if !has_modifier(self.src, node, &["static"]) {
            return;
        }
        let (Some(name), Some(value)) = (
            node.child_by_field_name("name"),
            node.child_by_field_name("value"),
        ) else {
            return;
        };
        let value = if value.kind() == "arrow_expression_clause" {
            match value.named_child(0) {
                Some(v) => v,
                None => return,
            }
        } else {
            value
        };
        out.push(Stmt::Assign {
            target: Target::Name(self.text(name).to_string(), Span::of(&name)),
            value: self.expr(value),
        });
    }

    /// A constructor; `: base(…)` is the first statement of its body, as a Super call.
    fn constructor(&self, node: Node<'_>) -> FuncDef {
        let name = node
            .child_by_field_name("name")
            .map(|n| self.text(n))
            .unwrap_or("");
        let mut init = self.func(node, name, true);
        if let Some(ci) = named_child_of_kind(node, "constructor_initializer") {
            let is_base = {
                let mut c = ci.walk();
                let b = ci.children(&mut c).any(|t| t.kind() == "base");
                b
            };
            let call = match named_child_of_kind(ci, "argument_list") {
                // `: this(…)`: another constructor of the class, not followed.
                Some(args) if is_base => self.base_call(args),
                _ => Stmt::Expr(Expr::unknown(Span::of(&ci))),
            };
            init.body.insert(0, call);
        }
        init
    }

    /// `enum Account { Dev = 111… }`: a class whose members are its values. A member
    /// without a value (numbered by C#) is left out: its value is not known here.
    fn enum_declaration(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let mut body = Vec::new();
        if let Some(members) = node.child_by_field_name("body") {
            let mut cursor = members.walk();
            for m in members.named_children(&mut cursor) {
                if let (Some(k), Some(v)) = (
                    m.child_by_field_name("name"),
                    m.child_by_field_name("value"),
                ) {
                    body.push(Stmt::Assign {
                        target: Target::Name(self.text(k).to_string(), Span::of(&k)),
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

    fn func(&self, node: Node<'_>, name: &str, constructor: bool) -> FuncDef {
        let mut f = FuncDef {
            name: name.to_string(),
            constructor,
            is_static: has_modifier(self.src, node, &["static"]),
            params: Vec::new(),
            defaults: Vec::new(),
            body: Vec::new(),
            span: Span::of(&node),
        };
        if let Some(ps) = node.child_by_field_name("parameters") {
            self.params(ps, &mut f);
        }
        let in_class = self.in_class();
        if in_class {
            self.scope
                .borrow_mut()
                .push(Frame::Locals(self.declared(node)));
        }
        f.body = match node.child_by_field_name("body") {
            Some(b) if b.kind() == "arrow_expression_clause" => b
                .named_child(0)
                .map(|v| vec![Stmt::Return(Some(self.expr(v)))])
                .unwrap_or_default(),
            Some(b) => self.block(b),
            None => Vec::new(),
        };
        if in_class {
            self.scope.borrow_mut().pop();
        }
        f
    }

    /// A type where an expression is expected (`new AppStage(…)`, `: Stage`): as written,
    /// never a member of the class.
    fn type_expr(&self, node: Node<'_>) -> Expr {
        match node.kind() {
            "identifier" => Expr {
                kind: ExprKind::Name(self.text(node).to_string()),
                span: Span::of(&node),
            },
            _ => self.expr(node),
        }
    }

    fn in_class(&self) -> bool {
        self.scope
            .borrow()
            .iter()
            .any(|f| matches!(f, Frame::Class { .. }))
    }

    /// A bare name: a local, else a member of a class it is in (`Config.Account`,
    /// `this.Pipeline`), else as written. Inside a class, what a name lowers to depends on the
    /// class: the statement is not reused elsewhere (see [`Nesting::context_dependent`]).
    fn name(&self, node: Node<'_>) -> ExprKind {
        let name = self.text(node);
        let plain = ExprKind::Name(name.to_string());
        let scope = self.scope.borrow();
        if !scope.iter().any(|f| matches!(f, Frame::Class { .. })) {
            return plain;
        }
        self.nesting.lambda_body();
        let span = Span::of(&node);
        for frame in scope.iter().rev() {
            match frame {
                Frame::Locals(names) if names.iter().any(|n| n == name) => return plain,
                Frame::Locals(_) => {}
                Frame::Class {
                    name: class,
                    statics,
                    members,
                } => {
                    let on = if statics.iter().any(|n| n == name) {
                        ExprKind::Name(class.clone())
                    } else if members.iter().any(|n| n == name) {
                        ExprKind::This
                    } else {
                        continue;
                    };
                    return ExprKind::Attr(
                        Box::new(Expr { kind: on, span }),
                        name.to_string(),
                        span,
                    );
                }
            }
        }
        plain
    }

    /// A class's member names, static and of each instance.
    fn class_frame(&self, name: &str, body: Node<'_>) -> Frame {
        let (mut statics, mut members) = (Vec::new(), Vec::new());
        let mut cursor = body.walk();
        for m in body.named_children(&mut cursor) {
            let is_static = has_modifier(self.src, m, &["static", "const"]);
            let list = if is_static {
                &mut statics
            } else {
                &mut members
            };
            match m.kind() {
                "field_declaration" | "event_field_declaration" => {
                    if let Some(d) = named_child_of_kind(m, "variable_declaration") {
                        let mut c = d.walk();
                        for v in d.named_children(&mut c) {
                            if let Some(n) = v.child_by_field_name("name") {
                                list.push(self.text(n).to_string());
                            }
                        }
                    }
                }
                "property_declaration" | "method_declaration" => {
                    if let Some(n) = m.child_by_field_name("name") {
                        list.push(self.text(n).to_string());
                    }
                }
                // Nested types and enums are read through their own names.
                "class_declaration" | "record_declaration" | "struct_declaration"
                | "enum_declaration" => {
                    if let Some(n) = m.child_by_field_name("name") {
                        statics.push(self.text(n).to_string());
                    }
                }
                _ => {}
            }
        }
        Frame::Class {
            name: name.to_string(),
            statics,
            members,
        }
    }

    /// Every name a function declares anywhere in it (parameters, locals, loop, pattern and
    /// lambda variables), found by a loop over the tree (it may be deeper than a recursion
    /// can go). Nested functions' names count too: a name hidden anywhere is not taken for
    /// the class's.
    fn declared(&self, node: Node<'_>) -> Vec<String> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        'walk: loop {
            let n = cursor.node();
            let name = match n.kind() {
                "parameter"
                | "variable_declarator"
                | "declaration_expression"
                | "local_function_statement" => n.child_by_field_name("name"),
                "implicit_parameter" => Some(n),
                "foreach_statement" => n
                    .child_by_field_name("left")
                    .filter(|l| l.kind() == "identifier"),
                "tuple_pattern" | "parenthesized_variable_designation" => {
                    let mut c = n.walk();
                    out.extend(
                        n.named_children(&mut c)
                            .filter(|x| x.kind() == "identifier")
                            .map(|x| self.text(x).to_string()),
                    );
                    None
                }
                _ => None,
            };
            if let Some(name) = name.filter(|x| x.kind() == "identifier") {
                out.push(self.text(name).to_string());
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() || cursor.node() == node {
                    break 'walk;
                }
            }
        }
        out
    }

    fn params(&self, node: Node<'_>, f: &mut FuncDef) {
        let mut cursor = node.walk();
        for p in node.named_children(&mut cursor) {
            if p.kind() != "parameter" {
                continue;
            }
            f.params.push(
                p.child_by_field_name("name")
                    .map(|n| self.text(n).to_string())
                    .unwrap_or_default(),
            );
            f.defaults.push(after_equals(p).map(|v| self.expr(v)));
        }
    }

    fn target(&self, node: Node<'_>) -> Target {
        let Some(_deeper) = self.nesting.expr(&node) else {
            return Target::Other;
        };
        match node.kind() {
            "identifier" => match self.name(node) {
                ExprKind::Attr(obj, attr, span) if obj.kind == ExprKind::This => {
                    Target::SelfAttr(attr, span)
                }
                ExprKind::Name(n) => Target::Name(n, Span::of(&node)),
                _ => Target::Other,
            },
            "member_access_expression" => match (
                node.child_by_field_name("expression"),
                node.child_by_field_name("name"),
            ) {
                (Some(o), Some(p)) if o.kind() == "this" => {
                    Target::SelfAttr(self.text(p).to_string(), Span::of(&p))
                }
                _ => Target::Other,
            },
            "element_access_expression" => match (
                node.child_by_field_name("expression"),
                node.child_by_field_name("subscript")
                    .and_then(|s| s.named_child(0)),
            ) {
                (Some(o), Some(k)) => Target::Item {
                    obj: Box::new(self.expr(o)),
                    key: Box::new(self.argument_value(k)),
                },
                _ => Target::Other,
            },
            "tuple_pattern" | "tuple_expression" | "parenthesized_variable_designation" => {
                let mut items = Vec::new();
                let mut cursor = node.walk();
                for c in node.named_children(&mut cursor) {
                    items.push(match c.kind() {
                        "argument" => self.target(c.named_child(0).unwrap_or(c)),
                        "discard" => Target::Other,
                        _ => self.target(c),
                    });
                }
                Target::Tuple(items)
            }
            "declaration_expression" => node
                .child_by_field_name("name")
                .map_or(Target::Other, |n| self.target(n)),
            _ => Target::Other,
        }
    }

    fn expr(&self, node: Node<'_>) -> Expr {
        let span = Span::of(&node);
        let Some(_deeper) = self.nesting.expr(&node) else {
            return Expr::unknown(span);
        };
        let kind = match node.kind() {
            "identifier" => self.name(node),
            "this" => ExprKind::This,
            "null_literal" => ExprKind::Null,
            "boolean_literal" => ExprKind::Bool(self.text(node) == "true"),
            "integer_literal" | "real_literal" => ExprKind::Num(self.text(node).to_string()),
            "string_literal" | "character_literal" => ExprKind::Str(self.string_text(node)),
            "verbatim_string_literal" => ExprKind::Str(verbatim(self.text(node))),
            "raw_string_literal" => ExprKind::Str(self.raw_string(node)),
            "interpolated_string_expression" => self.template(node),
            "member_access_expression" => self.member(node),
            "qualified_name" => self.qualified(node),
            "generic_name" => named_child_of_kind(node, "identifier")
                .map_or(ExprKind::Unknown, |n| {
                    ExprKind::Name(self.text(n).to_string())
                }),
            // `global::Amazon.CDK`: the name after the global alias.
            "alias_qualified_name" => match (
                node.child_by_field_name("alias").map(|a| self.text(a)),
                node.child_by_field_name("name"),
            ) {
                (Some("global"), Some(n)) => return self.expr(n),
                _ => ExprKind::Unknown,
            },
            "invocation_expression" => self.invocation(node),
            "object_creation_expression" => self.object_creation(node),
            "implicit_object_creation_expression" => self.implicit_creation(node),
            "anonymous_object_creation_expression" => self.anonymous_object(node),
            "array_creation_expression"
            | "implicit_array_creation_expression"
            | "initializer_expression" => self.array_creation(node),
            "collection_expression" => self.collection(node),
            "element_access_expression" => self.element_access(node),
            "conditional_access_expression" => self.conditional_access(node),
            "binary_expression" => self.binary(node),
            "conditional_expression" => match (
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
            "prefix_unary_expression" => {
                match (self.text(node).starts_with('!'), node.named_child(0)) {
                    (true, Some(a)) => ExprKind::Not(Box::new(self.expr(a))),
                    _ => ExprKind::Unknown,
                }
            }
            // `x!` (null-forgiving) is `x`; `x++` is not followed.
            "postfix_unary_expression" => match node.named_child(0) {
                Some(a) if self.text(node).ends_with('!') => return self.expr(a),
                _ => ExprKind::Unknown,
            },
            "lambda_expression" | "anonymous_method_expression" => self.lambda(node),
            "cast_expression" => match node.child_by_field_name("value") {
                Some(v) => return self.expr(v),
                None => ExprKind::Unknown,
            },
            "as_expression" => match node.child_by_field_name("left") {
                Some(v) => return self.expr(v),
                None => ExprKind::Unknown,
            },
            "parenthesized_expression"
            | "checked_expression"
            | "await_expression"
            | "ref_expression" => match node.named_child(0) {
                Some(v) => return self.expr(v),
                None => ExprKind::Unknown,
            },
            _ => ExprKind::Unknown,
        };
        Expr { kind, span }
    }

    fn member(&self, node: Node<'_>) -> ExprKind {
        let (Some(o), Some(n)) = (
            node.child_by_field_name("expression"),
            node.child_by_field_name("name"),
        ) else {
            return ExprKind::Unknown;
        };
        let name = match n.kind() {
            "generic_name" => named_child_of_kind(n, "identifier").map_or("", |i| self.text(i)),
            _ => self.text(n),
        };
        ExprKind::Attr(Box::new(self.expr(o)), name.to_string(), Span::of(&n))
    }

    /// `Amazon.CDK.Pipelines` in a type's place (`new Amazon.CDK.Environment { … }`).
    fn qualified(&self, node: Node<'_>) -> ExprKind {
        match (
            node.child_by_field_name("qualifier"),
            node.child_by_field_name("name"),
        ) {
            (Some(q), Some(n)) => {
                let name = match n.kind() {
                    "generic_name" => {
                        named_child_of_kind(n, "identifier").map_or("", |i| self.text(i))
                    }
                    _ => self.text(n),
                };
                ExprKind::Attr(Box::new(self.expr(q)), name.to_string(), Span::of(&n))
            }
            _ => ExprKind::Unknown,
        }
    }

    /// `f(a, b)`, `pipeline.AddStage(s, opts)`. An environment variable
    /// (`Environment.GetEnvironmentVariable("X")`, `System.Environment.…`) is unknown.
    fn invocation(&self, node: Node<'_>) -> ExprKind {
        let Some(func) = node.child_by_field_name("function") else {
            return ExprKind::Unknown;
        };
        if self.is_system_environment(func) {
            return ExprKind::Unknown;
        }
        let args = node
            .child_by_field_name("arguments")
            .map(|a| self.args(a))
            .unwrap_or_default();
        ExprKind::Call {
            func: Box::new(self.expr(func)),
            args,
        }
    }

    /// `System.Environment.X` (anything of it), or `Environment.X` when `X` is one of the
    /// process environment's readers (CDK's `Environment` has no methods).
    fn is_system_environment(&self, func: Node<'_>) -> bool {
        if func.kind() != "member_access_expression" {
            return false;
        }
        let (Some(o), Some(n)) = (
            func.child_by_field_name("expression"),
            func.child_by_field_name("name"),
        ) else {
            return false;
        };
        let object = self.text(o);
        object == "System.Environment"
            || object == "global::System.Environment"
            || (object == "Environment"
                && matches!(
                    self.text(n),
                    "GetEnvironmentVariable"
                        | "GetEnvironmentVariables"
                        | "ExpandEnvironmentVariables"
                        | "GetCommandLineArgs"
                ))
    }

    /// `new X(a, b)` is `X(a, b)`; `new XProps { P = v }` (no arguments, an initializer) is
    /// the props: `{P: v}`; `new List<T> { a, b }` a list; `new Dictionary<K, V> { … }` a dict.
    fn object_creation(&self, node: Node<'_>) -> ExprKind {
        let args = node
            .child_by_field_name("arguments")
            .filter(|a| a.named_child_count() > 0);
        let init = node.child_by_field_name("initializer");
        match (args, init) {
            (_, None) => {
                let Some(ty) = node.child_by_field_name("type") else {
                    return ExprKind::Unknown;
                };
                ExprKind::Call {
                    func: Box::new(self.type_expr(ty)),
                    args: args.map(|a| self.args(a)).unwrap_or_default(),
                }
            }
            (None, Some(init)) => self.initializer(init),
            // Properties set on a constructed object: not followed.
            (Some(_), Some(_)) => ExprKind::Unknown,
        }
    }

    /// `new() { P = v }` (target-typed): the props, or the collection.
    fn implicit_creation(&self, node: Node<'_>) -> ExprKind {
        let args = named_child_of_kind(node, "argument_list").filter(|a| a.named_child_count() > 0);
        match (args, named_child_of_kind(node, "initializer_expression")) {
            (None, Some(init)) => self.initializer(init),
            // Without its type written, what is made is not known.
            _ => ExprKind::Unknown,
        }
    }

    /// An object initializer (`{ P = v }`) is a dict, a dictionary initializer (`{ ["k"] = v }`
    /// or `{ { "k", v } }`) too; a collection initializer (`{ a, b }`) a list.
    fn initializer(&self, node: Node<'_>) -> ExprKind {
        let mut cursor = node.walk();
        let items: Vec<Node<'_>> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect();
        let is_dict = items.first().is_some_and(|c| {
            c.kind() == "assignment_expression" || c.kind() == "initializer_expression"
        });
        if !is_dict {
            return self.array_creation(node);
        }
        let mut entries = Vec::new();
        for item in items {
            entries.push(self.dict_entry(item));
        }
        ExprKind::Dict(entries)
    }

    fn dict_entry(&self, item: Node<'_>) -> DictEntry {
        let unknown = || DictEntry::Spread(Expr::unknown(Span::of(&item)));
        let (key, value) = match item.kind() {
            "assignment_expression" => {
                match (
                    item.child_by_field_name("left"),
                    item.child_by_field_name("right"),
                ) {
                    (Some(k), Some(v)) => (k, v),
                    _ => return unknown(),
                }
            }
            // `{ "k", v }`: a dictionary's `Add("k", v)`.
            "initializer_expression" if item.named_child_count() == 2 => {
                match (item.named_child(0), item.named_child(1)) {
                    (Some(k), Some(v)) => (k, v),
                    _ => return unknown(),
                }
            }
            _ => return unknown(),
        };
        let name = match key.kind() {
            "identifier" => Some(self.text(key).to_string()),
            // `["k"] = v`.
            "element_binding_expression" => key
                .named_child(0)
                .and_then(|a| a.named_child(0))
                .filter(|k| k.kind() == "string_literal")
                .map(|k| self.string_text(k)),
            "string_literal" => Some(self.string_text(key)),
            _ => None,
        };
        match name {
            Some(name) => DictEntry::Pair {
                key: name,
                key_span: Span::of(&key),
                value: self.expr(value),
            },
            None => unknown(),
        }
    }

    /// `new { Name = "Dev", Account = "1" }`: a dict of its members.
    fn anonymous_object(&self, node: Node<'_>) -> ExprKind {
        let mut entries = Vec::new();
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        let mut i = 0;
        while i < children.len() {
            let c = children[i];
            let named_key =
                c.kind() == "identifier" && children.get(i + 1).is_some_and(|n| n.kind() == "=");
            if named_key {
                if let Some(v) = children.get(i + 2) {
                    entries.push(DictEntry::Pair {
                        key: self.text(c).to_string(),
                        key_span: Span::of(&c),
                        value: self.expr(*v),
                    });
                }
                i += 3;
                continue;
            }
            if c.is_named() && c.kind() != "comment" {
                // A projection (`new { x.Name }`): the member's own name.
                let key = match c.kind() {
                    "identifier" => Some(c),
                    "member_access_expression" => c.child_by_field_name("name"),
                    _ => None,
                };
                entries.push(match key {
                    Some(k) => DictEntry::Pair {
                        key: self.text(k).to_string(),
                        key_span: Span::of(&k),
                        value: self.expr(c),
                    },
                    None => DictEntry::Spread(Expr::unknown(Span::of(&c))),
                });
            }
            i += 1;
        }
        ExprKind::Dict(entries)
    }

    /// `new[] { a, b }`, `new string[] { a, b }`, `{ a, b }`: a list. An array made without
    /// its items (`new string[3]`) is unknown.
    fn array_creation(&self, node: Node<'_>) -> ExprKind {
        let init = if node.kind() == "initializer_expression" {
            Some(node)
        } else {
            named_child_of_kind(node, "initializer_expression")
        };
        let Some(init) = init else {
            return ExprKind::Unknown;
        };
        let mut items = Vec::new();
        let mut cursor = init.walk();
        for c in init.named_children(&mut cursor) {
            if c.kind() != "comment" {
                items.push(self.expr(c));
            }
        }
        ExprKind::List(items)
    }

    /// `[a, b]`; unknown once anything is spread into it (`[..xs]`).
    fn collection(&self, node: Node<'_>) -> ExprKind {
        let mut items = Vec::new();
        let mut cursor = node.walk();
        for c in node.named_children(&mut cursor) {
            let element = if c.kind() == "collection_element" {
                match c.named_child(0) {
                    Some(e) => e,
                    None => continue,
                }
            } else {
                c
            };
            match element.kind() {
                "expression_element" => match element.named_child(0) {
                    Some(e) => items.push(self.expr(e)),
                    None => return ExprKind::Unknown,
                },
                "comment" => {}
                "spread_element" => return ExprKind::Unknown,
                _ => items.push(self.expr(element)),
            }
        }
        ExprKind::List(items)
    }

    fn element_access(&self, node: Node<'_>) -> ExprKind {
        match (
            node.child_by_field_name("expression"),
            node.child_by_field_name("subscript")
                .and_then(|s| s.named_child(0)),
        ) {
            (Some(o), Some(k)) => {
                ExprKind::Subscript(Box::new(self.expr(o)), Box::new(self.argument_value(k)))
            }
            _ => ExprKind::Unknown,
        }
    }

    /// `a?.b` and `a?[k]` read as `a.b` and `a[k]` (as TypeScript's optional chains are): where
    /// `a` is null the model's read of `.b` is unknown or absent, as the value is.
    fn conditional_access(&self, node: Node<'_>) -> ExprKind {
        let (Some(cond), Some(binding)) = (
            node.child_by_field_name("condition"),
            node.named_children(&mut node.walk()).find(|c| {
                c.kind() == "member_binding_expression" || c.kind() == "element_binding_expression"
            }),
        ) else {
            return ExprKind::Unknown;
        };
        let object = Box::new(self.expr(cond));
        match binding.kind() {
            "member_binding_expression" => match binding.child_by_field_name("name") {
                Some(n) => ExprKind::Attr(object, self.text(n).to_string(), Span::of(&n)),
                None => ExprKind::Unknown,
            },
            _ => match binding.named_child(0).and_then(|a| a.named_child(0)) {
                Some(k) => ExprKind::Subscript(object, Box::new(self.argument_value(k))),
                None => ExprKind::Unknown,
            },
        }
    }

    /// An argument's expression (`this` is a keyword token, not a named node).
    fn argument_value(&self, arg: Node<'_>) -> Expr {
        if arg.kind() != "argument" {
            return self.expr(arg);
        }
        let name = arg.child_by_field_name("name");
        let mut cursor = arg.walk();
        let value = arg.children(&mut cursor).find(|c| {
            Some(*c) != name
                && (c.is_named() || c.kind() == "this" || c.kind() == "base")
                && c.kind() != "comment"
        });
        match value {
            Some(v) => self.expr(v),
            None => Expr::unknown(Span::of(&arg)),
        }
    }

    fn args(&self, node: Node<'_>) -> Vec<Arg> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        for arg in node.named_children(&mut cursor) {
            if arg.kind() != "argument" {
                continue;
            }
            // `ref x` / `out var x`: what the callee does with them is not followed.
            let by_ref = {
                let mut c = arg.walk();
                let r = arg
                    .children(&mut c)
                    .any(|t| matches!(t.kind(), "ref" | "out" | "in"));
                r
            };
            let value = if by_ref {
                Expr::unknown(Span::of(&arg))
            } else {
                self.argument_value(arg)
            };
            out.push(match arg.child_by_field_name("name") {
                // `props: new StageProps { … }`: a named argument.
                Some(n) => Arg::Keyword {
                    name: self.text(n).to_string(),
                    name_span: Span::of(&n),
                    value,
                },
                None => Arg::Positional(value),
            });
        }
        out
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

    /// `r => …`, `(string r) => { … }`, `delegate (string r) { … }`. The body is lowered
    /// without reuse: its statements lower differently at another depth (see [`Nesting`]).
    fn lambda(&self, node: Node<'_>) -> ExprKind {
        let mut params = Vec::new();
        let ps = node
            .child_by_field_name("parameters")
            .or_else(|| named_child_of_kind(node, "parameter_list"));
        if let Some(ps) = ps {
            if ps.kind() == "implicit_parameter" {
                params.push(Target::Name(self.text(ps).to_string(), Span::of(&ps)));
            } else {
                let mut cursor = ps.walk();
                for p in ps.named_children(&mut cursor) {
                    match (p.kind(), p.child_by_field_name("name")) {
                        ("parameter", Some(n)) => {
                            params.push(Target::Name(self.text(n).to_string(), Span::of(&n)))
                        }
                        ("parameter", None) => params.push(Target::Other),
                        _ => {}
                    }
                }
            }
        }
        let body = node
            .child_by_field_name("body")
            .or_else(|| named_child_of_kind(node, "block"));
        let Some(body) = body else {
            return ExprKind::Unknown;
        };
        let inner = Walk {
            src: self.src,
            memo: None,
            nesting: self.nesting,
            scope: self.scope,
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

    /// `$"Prod-{region}"`, `$@"…"`, `$"""…"""`: literal text and the embedded expressions.
    fn template(&self, node: Node<'_>) -> ExprKind {
        let raw = self.text(node);
        let verbatim = raw.starts_with("$@") || raw.starts_with("@$");
        let mut parts = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "string_content" => {
                    let t = self.text(child).replace("{{", "{").replace("}}", "}");
                    let t = if verbatim { t.replace("\"\"", "\"") } else { t };
                    parts.push(TemplatePart::Lit(t));
                }
                "escape_sequence" => parts.push(TemplatePart::Lit(unescape(self.text(child)))),
                "interpolation" => {
                    // A format or alignment (`{x:N2}`, `{x,5}`) changes the text: unknown.
                    let mut c = child.walk();
                    let parts_of: Vec<Node<'_>> = child
                        .named_children(&mut c)
                        .filter(|p| p.kind() != "interpolation_brace")
                        .collect();
                    let e = match parts_of.as_slice() {
                        [e] => self.expr(*e),
                        _ => Expr::unknown(Span::of(&child)),
                    };
                    parts.push(TemplatePart::Expr(e));
                }
                _ => {}
            }
        }
        ExprKind::Template(parts)
    }

    fn string_text(&self, node: Node<'_>) -> String {
        let mut out = String::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "string_literal_content" | "character_literal_content" => {
                    out.push_str(self.text(child))
                }
                "escape_sequence" => out.push_str(&unescape(self.text(child))),
                _ => {}
            }
        }
        out
    }

    /// `"""…"""`: its content; a multi-line one without its first and last line breaks and
    /// without the closing line's indentation on every line, as C# reads it.
    fn raw_string(&self, node: Node<'_>) -> String {
        let content: String = {
            let mut cursor = node.walk();
            let s = node
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "raw_string_content")
                .map(|c| self.text(c))
                .collect();
            s
        };
        if !content.starts_with('\n') && !content.starts_with("\r\n") {
            return content;
        }
        let lines: Vec<&str> = content.lines().collect();
        // The first line is empty (the line break after the opening quotes); the last is the
        // closing quotes' indentation.
        let indent = lines
            .last()
            .map_or("", |l| if l.trim().is_empty() { l } else { "" });
        let end = if indent.is_empty() && lines.last().is_some_and(|l| !l.trim().is_empty()) {
            lines.len()
        } else {
            lines.len().saturating_sub(1)
        };
        lines
            .get(1..end)
            .unwrap_or_default()
            .iter()
            .map(|l| l.strip_prefix(indent).unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The node after a declarator's or parameter's `=`.
fn after_equals(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    let mut seen = false;
    for c in node.children(&mut cursor) {
        if seen && (c.is_named() || c.kind() == "this") && c.kind() != "comment" {
            return Some(c);
        }
        seen |= c.kind() == "=";
    }
    None
}

fn has_modifier(src: &str, node: Node<'_>, any_of: &[&str]) -> bool {
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .any(|m| m.kind() == "modifier" && any_of.contains(&&src[m.byte_range()]));
    found
}

/// `@"C:\dir ""quoted"""`: the text between the quotes, doubled quotes single.
fn verbatim(raw: &str) -> String {
    raw.strip_prefix('@')
        .and_then(|r| r.strip_prefix('"'))
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw)
        .replace("\"\"", "\"")
}

fn unescape(esc: &str) -> String {
    match esc {
        "\\n" => "\n".into(),
        "\\r" => "\r".into(),
        "\\t" => "\t".into(),
        "\\0" => "\0".into(),
        "\\\\" => "\\".into(),
        "\\'" => "'".into(),
        "\\\"" => "\"".into(),
        other => {
            let hex = other
                .strip_prefix("\\u")
                .or_else(|| other.strip_prefix("\\x"))
                .or_else(|| other.strip_prefix("\\U"));
            hex.and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
                .map_or_else(|| other.to_string(), |c| c.to_string())
        }
    }
}

fn named_child_of_kind<'t>(n: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut c = n.walk();
    let found = n.named_children(&mut c).find(|x| x.kind() == kind);
    found
}

/// The import bindings of a file, as `queries/csharp/imports.scm` finds them (a test holds the
/// two equal): `using Amazon.CDK.Pipelines;` brings every name of the namespace, `using P =
/// Amazon.CDK.Pipelines;` binds `P` to it; `global using` is a `using`; `using static` binds
/// no name of its own (the static members of a type), and is left out.
pub(crate) fn imports(root: Node<'_>) -> Vec<super::RawImport<'_>> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    for stmt in root.named_children(&mut cursor) {
        if stmt.kind() != "using_directive" {
            continue;
        }
        let is_static = {
            let mut c = stmt.walk();
            let s = stmt.children(&mut c).any(|t| t.kind() == "static");
            s
        };
        if is_static {
            continue;
        }
        let local = stmt.child_by_field_name("name");
        let module = {
            let mut c = stmt.walk();
            let m = stmt
                .named_children(&mut c)
                .find(|n| Some(*n) != local && matches!(n.kind(), "identifier" | "qualified_name"));
            m
        };
        let Some(module) = module else {
            continue;
        };
        out.push(super::RawImport {
            statement: Some(stmt),
            module: Some(module),
            local,
            all: local.is_none(),
            ..Default::default()
        });
    }
    out
}

// --- a failed synth, as .NET prints an unhandled exception (see `lang::SynthErrors`) ---

static FRAME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^\s*at .+ in (.+\.cs):line (\d+)\s*$").unwrap()
});

/// `Unhandled exception. System.ArgumentException: …` up to its stack (the message may span
/// lines; inner exceptions' `--->` lines included).
pub(super) fn synth_message(lines: &[&str], noise: super::Noise) -> Option<String> {
    const HEAD: &str = "Unhandled exception. ";
    let i = lines.iter().rposition(|l| l.contains(HEAD))?;
    let first = lines[i].split_once(HEAD).map_or(lines[i], |(_, m)| m);
    let msg: Vec<&str> = std::iter::once(first)
        .chain(
            lines[i + 1..]
                .iter()
                .copied()
                .take_while(|l| !l.trim_start().starts_with("at ")),
        )
        .filter(|l| !noise(l) && !l.trim().is_empty())
        .take(15)
        .collect();
    (!msg.is_empty()).then(|| msg.join("\n"))
}

/// The stack's frames that name a source file (`at Payments.PipelineStack..ctor(…) in
/// /src/Payments/PipelineStack.cs:line 42`), innermost first as .NET prints them: (file as
/// printed, line, no column).
pub(super) fn synth_places(lines: &[&str]) -> Vec<super::SynthPlace> {
    lines
        .iter()
        .filter_map(|l| {
            let c = FRAME.captures(l)?;
            Some((c[1].to_string(), c[2].parse().ok()?, None))
        })
        .collect()
}

/// Where a .NET app's libraries and build outputs live.
pub(super) fn library_folder(name: &str) -> bool {
    matches!(name, "bin" | "obj" | ".nuget")
}

/// C# imports namespaces, not files: a class of the app is found by its name wherever it is
/// (see `AppIndex::class`), so no import names a file.
pub(super) fn module_files(
    _root: &std::path::Path,
    _dir: &std::path::Path,
    _module: &str,
) -> Vec<std::path::PathBuf> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::super::ir::{Arg, DictEntry, Expr, ExprKind, Module, Stmt, Target};
    use super::super::CSHARP;

    fn lower(src: &str) -> Module {
        let tree = CSHARP.parser().parse(src, None).unwrap();
        CSHARP.lower(&tree, src)
    }

    /// The expression of `var x = …;` in a method of a class, as a short string.
    fn expr(e: &str) -> String {
        let m = lower(&format!("class C {{ void M() {{ var x = {e}; }} }}"));
        let Stmt::Class(c) = &m.body[0] else {
            panic!("{:?}", m.body)
        };
        let Stmt::Func(f) = &c.body[0] else {
            panic!("{:?}", c.body)
        };
        match &f.body[..] {
            [Stmt::Assign { value, .. }] => show(value),
            other => panic!("{other:?}"),
        }
    }

    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Num(n) => n.clone(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Null => "null".into(),
            ExprKind::Name(n) => n.clone(),
            ExprKind::This => "this".into(),
            ExprKind::Attr(o, a, _) => format!("{}.{a}", show(o)),
            ExprKind::Call { func, args } => {
                let a: Vec<String> = args
                    .iter()
                    .map(|a| match a {
                        Arg::Positional(x) => show(x),
                        Arg::Keyword { name, value, .. } => format!("{name}={}", show(value)),
                        Arg::Spread(x) => format!("...{}", show(x)),
                    })
                    .collect();
                format!("{}({})", show(func), a.join(", "))
            }
            ExprKind::Dict(entries) => {
                let a: Vec<String> = entries
                    .iter()
                    .map(|d| match d {
                        DictEntry::Pair { key, value, .. } => format!("{key}: {}", show(value)),
                        DictEntry::Spread(x) => format!("...{}", show(x)),
                    })
                    .collect();
                format!("{{{}}}", a.join(", "))
            }
            ExprKind::List(items) => {
                let a: Vec<String> = items.iter().map(show).collect();
                format!("[{}]", a.join(", "))
            }
            ExprKind::Subscript(o, k) => format!("{}[{}]", show(o), show(k)),
            ExprKind::Template(parts) => parts
                .iter()
                .map(|p| match p {
                    super::TemplatePart::Lit(l) => l.clone(),
                    super::TemplatePart::Expr(x) => format!("{{{}}}", show(x)),
                })
                .collect(),
            ExprKind::Cond {
                cond,
                then,
                otherwise,
            } => format!("{} ? {} : {}", show(cond), show(then), show(otherwise)),
            ExprKind::Compare { equal, left, right } => {
                format!(
                    "{} {} {}",
                    show(left),
                    if *equal { "==" } else { "!=" },
                    show(right)
                )
            }
            ExprKind::Lambda(l) => format!("lambda({})", l.value.as_ref().map_or("-".into(), show)),
            ExprKind::Builtin { name, .. } => format!("builtin {name}"),
            ExprKind::Unknown => "?".into(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn calls_arrive_in_one_shape() {
        let cases = [
            (
                r#"new CodePipeline(this, "P", new CodePipelineProps { PipelineName = "p", CrossAccountKeys = true })"#,
                r#"CodePipeline(this, "P", {PipelineName: "p", CrossAccountKeys: true})"#,
            ),
            (
                r#"new Amazon.CDK.Environment { Account = "1", Region = "r" }"#,
                r#"{Account: "1", Region: "r"}"#,
            ),
            (r#"new StageProps() { Env = e }"#, "{Env: e}"),
            (r#"new[] { "a", "b" }"#, r#"["a", "b"]"#),
            (r#"new string[] { "a" }"#, r#"["a"]"#),
            (r#"new List<string> { "a" }"#, r#"["a"]"#),
            (r#"["a", "b"]"#, r#"["a", "b"]"#),
            (r#"[.. xs]"#, "?"),
            (r#"new string[3]"#, "?"),
            (
                r#"new Dictionary<string, string> { ["a"] = "1", { "b", "2" } }"#,
                r#"{a: "1", b: "2"}"#,
            ),
            (
                r#"new { Name = "Dev", n.Account }"#,
                r#"{Name: "Dev", Account: n.Account}"#,
            ),
            (
                r#"pipeline.AddStage(s, new AddStageOpts { Post = new Step[] { x } })"#,
                "pipeline.AddStage(s, {Post: [x]})",
            ),
            (
                r#"CodePipelineSource.Connection("o/r", "main", props: o)"#,
                r#"CodePipelineSource.Connection("o/r", "main", props=o)"#,
            ),
            (r#"new Foo<int>(1)"#, "Foo(1)"),
            (
                r#"global::Amazon.CDK.Stack.Of(this)"#,
                "Amazon.CDK.Stack.Of(this)",
            ),
            (r#"new X(1) { P = 2 }"#, "?"),
            (r#"new() { P = 2 }"#, "{P: 2}"),
        ];
        for (src, want) in cases {
            assert_eq!(expr(src), want, "{src}");
        }
    }

    #[test]
    fn literals_and_operators() {
        let cases = [
            (r#""a\tb\u0041""#, "\"a\\tbA\""),
            (r#"@"C:\dir ""q""""#, r#""C:\\dir \"q\"""#),
            (
                "\"\"\"\n    raw \"x\"\n      two\n    \"\"\"",
                r#""raw \"x\"\n  two""#,
            ),
            (r#"$"Prod-{region}{{x}}""#, "Prod-{region}{x}"),
            (r#"$"{n:N2}""#, "{?}"),
            ("null", "null"),
            ("(string)y!", "y"),
            ("x as string", "x"),
            ("a ?? \"d\"", "a != null ? a : \"d\""),
            ("f() ?? \"d\"", "?"),
            ("a == b ? 1 : 2", "a == b ? 1 : 2"),
            ("a?.B", "a.B"),
            ("a[\"k\"]", "a[\"k\"]"),
            ("i++", "?"),
            ("r => f(r)", "lambda(f(r))"),
            (r#"System.Environment.GetEnvironmentVariable("X")"#, "?"),
            (r#"Environment.GetEnvironmentVariable("X")"#, "?"),
            ("typeof(int)", "?"),
        ];
        for (src, want) in cases {
            assert_eq!(expr(src), want, "{src}");
        }
    }

    #[test]
    fn classes_constructors_members_and_the_entry_point() {
        let m = lower(
            r#"using Amazon.CDK;
namespace Payments;
static class Config { public const string Account = "1"; public static readonly string[] Regions = { "r" }; public static string Region => "r"; static string Hidden; string instance = "no"; }
enum Acct { Dev = 1, Unnumbered }
class Svc : Stage, IThing {
    public Stack Api { get; }
    public Svc(Construct scope, string id, IStageProps props = null) : base(scope, id, props) {
        Api = new Stack(this, Account);
        foreach (var r in Config.Regions) { f(r); }
    }
    const string Account = "2";
    void Helper(string Account) => g(Account, Api);
}
sealed class Program { public static void Main(string[] args) { var app = new App(); app.Synth(); } }
"#,
        );
        let classes: Vec<_> = m
            .body
            .iter()
            .filter_map(|s| match s {
                Stmt::Class(c) => Some(c),
                _ => None,
            })
            .collect();
        assert_eq!(
            classes.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["Config", "Acct", "Svc", "Program"]
        );
        // Constants and static members with a value are class attributes; nothing else.
        let attrs: Vec<String> = classes[0]
            .body
            .iter()
            .map(|s| match s {
                Stmt::Assign {
                    target: Target::Name(n, _),
                    value,
                } => format!("{n}={}", show(value)),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            attrs,
            [r#"Account="1""#, r#"Regions=["r"]"#, r#"Region="r""#]
        );
        assert_eq!(classes[1].body.len(), 1, "an unnumbered member is left out");
        let svc = classes[2];
        assert_eq!(show(&svc.bases[0]), "Stage");
        assert_eq!(svc.bases.len(), 1, "interfaces are no bases");
        let init = svc.constructor().unwrap();
        assert_eq!(init.params, ["scope", "id", "props"]);
        assert_eq!(show(init.defaults[2].as_ref().unwrap()), "null");
        // `: base(…)` first, a property set as `this.Api`, the class's own constant.
        match &init.body[..] {
            [Stmt::Expr(base), Stmt::Assign {
                target: Target::SelfAttr(api, _),
                value,
            }, Stmt::For { .. }] => {
                assert_eq!(show(base), "builtin base(scope, id, props)");
                assert_eq!(api, "Api");
                assert_eq!(show(value), "Stack(this, Svc.Account)");
            }
            other => panic!("{other:?}"),
        }
        // A parameter hides the class's constant; a property is `this`'s.
        let helper = svc.method("Helper").unwrap();
        assert!(
            matches!(&helper.body[..], [Stmt::Return(Some(v))] if show(v) == "g(Account, this.Api)")
        );
        // Main's body runs last, after every class, as a function of its own.
        match &m.body[m.body.len() - 2..] {
            [Stmt::Func(f), Stmt::Expr(_)] => assert_eq!(f.body.len(), 2),
            other => panic!("{other:?}"),
        }
        assert_eq!(m.imports.len(), 1);
    }

    #[test]
    fn top_level_statements_run_after_the_classes() {
        let m = lower(
            "using Amazon.CDK;\nvar app = new App();\nnew S(app, \"S\");\nfor (;;) {}\nclass S : Stack { }\n",
        );
        assert!(matches!(m.body[0], Stmt::Class(_)), "{:?}", m.body);
        match &m.body[1] {
            Stmt::Func(f) => {
                let b = &f.body;
                assert_eq!(b.len(), 3);
                // A C-style for is unknown, not nothing.
                assert!(matches!(&b[2], Stmt::Expr(e) if e.kind == ExprKind::Unknown));
            }
            other => panic!("{other:?}"),
        }
    }

    /// A class's static method (`Regex.IsMatch`, capitalised as C# writes methods) is a call,
    /// not a construct: a condition on it is unknown, the stage it guards uncertain.
    #[test]
    fn a_static_method_of_a_library_class_is_no_construct() {
        let src = "using System.Text.RegularExpressions;\nusing Amazon.CDK;\nusing Amazon.CDK.Pipelines;\n\nclass P : Stack\n{\n    P(Constructs.Construct scope, string id, string branch) : base(scope, id)\n    {\n        var p = new CodePipeline(this, \"Pipeline\", new CodePipelineProps { Synth = new ShellStep(\"Synth\", new ShellStepProps { Commands = new[] { \"x\" } }) });\n        if (Regex.IsMatch(branch, \"^release/\"))\n        {\n            var prod = new Stage(this, \"Prod\");\n            new Stack(prod, \"Svc\");\n            p.AddStage(prod);\n        }\n    }\n}\n";
        let a = crate::analysis::analyze_text(
            &crate::lang::CSHARP,
            src,
            None,
            &crate::model::NoIndex,
            &crate::lang::ExtraQueries::default(),
        );
        let stages: Vec<(Option<&str>, bool)> = a.model.pipelines[0]
            .stages
            .iter()
            .map(|s| (s.id.as_deref(), s.conditional))
            .collect();
        assert_eq!(stages, [(Some("Prod"), true)]);
    }

    #[test]
    fn usings_bind_namespaces() {
        let src = "using Amazon.CDK;\nglobal using Amazon.CDK.Pipelines;\nusing P = Amazon.CDK.Pipelines;\nusing static System.Math;\nusing Constructs;\n";
        let got: Vec<(String, String)> = lower(src)
            .imports
            .into_iter()
            .map(|i| (i.local, i.module))
            .collect();
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            got,
            [
                s("*", "Amazon.CDK"),
                s("*", "Amazon.CDK.Pipelines"),
                s("P", "Amazon.CDK.Pipelines"),
                s("*", "Constructs"),
            ]
        );
    }

    #[test]
    fn a_syntax_error_keeps_the_statements_after_it() {
        let m = lower("class C { C() { var a = (1 +\n p.AddStage(x);\n p.AddStage(y); } }\n");
        assert!(!m.errors.is_empty());
        let mut calls = 0;
        super::super::ir::any_expr(&m.body, &mut |e| {
            calls += usize::from(matches!(&e.kind, ExprKind::Attr(_, a, _) if a == "AddStage"));
            false
        });
        assert!(calls >= 1, "{:?}", m.body);
    }

    /// The shapes of `server/tests/deep.rs`, in C#, on the language server's 2 MiB stack.
    #[test]
    fn deep_code_is_cut_not_a_crash() {
        let chain = format!("var x = a{};", ".B()".repeat(6_000));
        let calls = format!("var x = {}1{};", "f(".repeat(7_000), ")".repeat(7_000));
        let brackets = format!("var x = {}1{};", "(".repeat(15_000), ")".repeat(15_000));
        let lists = format!("var x = {}1{};", "new[] {".repeat(3_000), "}".repeat(3_000));
        for body in [chain, calls, brackets, lists] {
            let src = format!("class C {{ void M() {{ {body} }} }}\n");
            let m = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || lower(&src))
                .unwrap()
                .join()
                .unwrap();
            assert!(m.too_deep.is_some());
        }
    }

    #[test]
    fn dotnet_exceptions_name_their_message_and_places() {
        let out = [
            "Unhandled exception. System.ArgumentException: Stage 'Dev' not found",
            "  and more",
            "   at Amazon.JSII.Runtime.Services.Client.Request(Object request)",
            "   at Payments.PipelineStack..ctor(Construct scope, String id, IStackProps props) in /home/u/payments/src/Payments/PipelineStack.cs:line 42",
            "   at Payments.Program.Main(String[] args) in /home/u/payments/src/Payments/Program.cs:line 9",
        ];
        let noise: super::super::Noise = |_| false;
        assert_eq!(
            super::synth_message(&out, noise).unwrap(),
            "System.ArgumentException: Stage 'Dev' not found\n  and more"
        );
        assert_eq!(
            super::synth_places(&out),
            [
                (
                    "/home/u/payments/src/Payments/PipelineStack.cs".to_string(),
                    42,
                    None
                ),
                (
                    "/home/u/payments/src/Payments/Program.cs".to_string(),
                    9,
                    None
                ),
            ]
        );
        assert_eq!(super::synth_message(&["Build succeeded."], noise), None);
        assert!(super::library_folder("obj") && super::library_folder(".nuget"));
        assert!(!super::library_folder("src"));
    }
}
