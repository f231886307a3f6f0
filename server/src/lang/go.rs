//! The Go plugin: lowers a `tree-sitter-go` tree into [`ir`](super::ir).
//!
//! Go's CDK (jsii) differs from the other languages in how it is written, not in what it
//! means, and the lowering gives it the shape every plugin gives the model (a class
//! construction with positional arguments and then a props object):
//! - `pipelines.NewCodePipeline(stack, jsii.String("Pipeline"), &pipelines.CodePipelineProps{…})`
//!   is the construction `pipelines.CodePipeline(stack, "Pipeline", {…})`: a package's `NewX`
//!   is class `X`'s constructor, `jsii.String(x)` (and `Number`, `Bool`) is `x`,
//!   `jsii.Strings(a, b)` is the list `[a, b]`, `&x` and `*x` are `x`;
//! - a struct literal (`&awscdk.Environment{Account: …}`) is a props object, a slice literal a
//!   list, a map literal with string keys a dict;
//! - a package's `Class_Method(…)` is the static method `Class.Method(…)`
//!   (`pipelines.CodePipelineSource_Connection`), `Enum_VALUE` the member `Enum.VALUE`, and a
//!   static property's getter `Runtime_NODEJS_22_X()` the property;
//! - nothing runs at a file's top level in Go: `func main`'s body is lowered as the module's
//!   last statements, after every declaration of the file (Go's declarations are visible
//!   everywhere in the file, whatever their order), as a function of its own
//!   ([`ir::entry_point`](super::ir::entry_point)) called there, after the file's `init`
//!   functions, which Go runs first.
//!
//! A function of another file of the same package is not followed (the model follows a
//! file's own functions): what it makes is unknown, not guessed.

use super::ir::{
    Arg, Builtin, DictEntry, Expr, ExprKind, FuncDef, Lambda, Span, Stmt, Target, TemplatePart,
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

/// The name jsii's Go runtime is imported by in every CDK app (`github.com/aws/jsii-runtime-go`,
/// whose package is `jsii`).
const JSII: &str = "jsii";

impl<'a> Lowerer<'a> {
    fn text(&self, node: Node<'_>) -> &'a str {
        &self.src[node.byte_range()]
    }

    /// A file (`source_file`) or a block's statement list: its statements, and for a file
    /// `main`'s body last.
    pub fn block(&self, node: Node<'_>) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut main = None;
        // Go runs a file's `init` functions, in order, before `main` (there may be several).
        let mut inits = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            let name = (child.kind() == "function_declaration" && node.kind() == "source_file")
                .then(|| child.child_by_field_name("name").map(|n| self.text(n)))
                .flatten();
            match name {
                Some("main") => main = Some(child),
                Some("init") => inits.push(child),
                _ => self.stmt(child, &mut out),
            }
        }
        for (i, init) in inits.into_iter().enumerate() {
            if let Some(body) = init.child_by_field_name("body") {
                if let Some(_deeper) = self.nesting.stmt(&body) {
                    let name = format!("<init {i}>");
                    out.extend(super::ir::run_first(
                        &name,
                        self.body(body),
                        Span::of(&body),
                    ));
                }
            }
        }
        if let Some(body) = main.and_then(|m| m.child_by_field_name("body")) {
            if let Some(_deeper) = self.nesting.stmt(&body) {
                out.extend(super::ir::entry_point(self.body(body), Span::of(&body)));
            }
        }
        out
    }

    /// A `block`'s statements (`{ … }` holds one `statement_list`, or nothing).
    fn body(&self, block: Node<'_>) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut cursor = block.walk();
        for child in block.named_children(&mut cursor) {
            if child.kind() == "statement_list" {
                out.extend(self.block(child));
            } else {
                self.stmt(child, &mut out);
            }
        }
        out
    }

    fn stmt(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        super::reuse::lowered_stmt(self.memo, self.nesting, self.src, node, out, |n, out| {
            self.stmt_fresh(n, out)
        });
    }

    // As in the other plugins: the functions on the recursion's path only dispatch, and each
    // construct is lowered by a function of its own, so every level's stack frame stays small.

    fn stmt_fresh(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        match node.kind() {
            "expression_statement" => {
                if let Some(e) = node.named_child(0) {
                    out.push(Stmt::Expr(self.expr(e)));
                }
            }
            "short_var_declaration" | "assignment_statement" => self.assignment(node, out),
            "var_declaration" | "const_declaration" => self.declaration(node, out),
            "function_declaration" => self.function_declaration(node, out),
            "for_statement" => self.for_statement(node, out),
            "if_statement" => self.if_statement(node, out),
            "return_statement" => self.return_statement(node, out),
            "block" => out.push(Stmt::Block(self.body(node))),
            "statement_list" => out.extend(self.block(node)),
            "labeled_statement" => {
                let mut cursor = node.walk();
                let inner: Vec<Node<'_>> = node
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() != "label_name")
                    .collect();
                for c in inner {
                    self.stmt(c, out);
                }
            }
            "ERROR" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                for c in children {
                    self.stmt(c, out);
                }
            }
            // What cannot create or configure anything a pipeline has: declarations of types
            // and imports, `defer jsii.Close()`, jumps, empty statements; a method (the model
            // follows functions, not methods of the app's own types).
            "comment"
            | "package_clause"
            | "import_declaration"
            | "type_declaration"
            | "method_declaration"
            | "defer_statement"
            | "break_statement"
            | "continue_statement"
            | "goto_statement"
            | "fallthrough_statement"
            | "empty_statement"
            | "inc_statement"
            | "dec_statement" => {}
            // One the model does not follow (`switch`, `select`, a C-style `for`, `go f()`, a
            // channel send) leaves a mark: what it does is unknown, not nothing.
            _ => out.push(Stmt::Expr(Expr::unknown(Span::of(&node)))),
        }
    }

    /// `a := x`, `a, b = x, y`, `a += x`: each name its value when the two lists line up;
    /// a compound assignment (`+=`) or a call with several results makes its names unknown.
    fn assignment(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        let plain = node
            .child_by_field_name("operator")
            .is_none_or(|op| matches!(self.text(op), "=" | ":="));
        self.bind(list(left), list(right), plain, Span::of(&node), out);
    }

    /// Targets and their values, matched by position; `plain`: an `=`, not `+=` and the like.
    fn bind(
        &self,
        targets: Vec<Node<'_>>,
        values: Vec<Node<'_>>,
        plain: bool,
        span: Span,
        out: &mut Vec<Stmt>,
    ) {
        // `a, b := f()`: the results of one call, taken apart (`_` binds nothing).
        if let (true, [value], true) = (plain, &values[..], targets.len() > 1) {
            let parts = targets
                .iter()
                .map(|t| match self.text(*t) {
                    "_" => Target::Other,
                    _ => self.target(*t),
                })
                .collect();
            out.push(Stmt::Assign {
                target: Target::Tuple(parts),
                value: self.expr(*value),
            });
            return;
        }
        let aligned = plain && targets.len() == values.len();
        for (i, t) in targets.iter().enumerate() {
            if self.text(*t) == "_" {
                if let (true, Some(v)) = (aligned, values.get(i)) {
                    // `_ = f()` still runs `f()`.
                    out.push(Stmt::Expr(self.expr(*v)));
                }
                continue;
            }
            let value = match (aligned, values.get(i)) {
                (true, Some(v)) => self.expr(*v),
                _ => Expr::unknown(span),
            };
            out.push(Stmt::Assign {
                target: self.target(*t),
                value,
            });
        }
        if !aligned {
            // `a, err := f()`: `f()` runs once, and what it returns is not followed.
            for v in values {
                out.push(Stmt::Expr(self.expr(v)));
            }
        }
    }

    /// `var a = x` / `const a, b = x, y`, one spec or a parenthesised list of them; a spec
    /// without a value (`var p Props`) binds a name to something unknown here.
    fn declaration(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let mut specs = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "var_spec" | "const_spec" => specs.push(child),
                "var_spec_list" | "const_spec_list" => {
                    let mut c = child.walk();
                    specs.extend(
                        child
                            .named_children(&mut c)
                            .filter(|s| s.kind().ends_with("_spec")),
                    );
                }
                _ => {}
            }
        }
        for spec in specs {
            let mut c = spec.walk();
            let names: Vec<Node<'_>> = spec
                .children_by_field_name("name", &mut c)
                .filter(|n| n.kind() == "identifier")
                .collect();
            let values = spec
                .child_by_field_name("value")
                .map(list)
                .unwrap_or_default();
            self.bind(names, values, true, Span::of(&spec), out);
        }
    }

    fn function_declaration(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let name = node
            .child_by_field_name("name")
            .map(|n| self.text(n))
            .unwrap_or("");
        out.push(Stmt::Func(self.func(node, name)));
    }

    fn func(&self, node: Node<'_>, name: &str) -> FuncDef {
        let params = self.params(node);
        FuncDef {
            name: name.to_string(),
            constructor: false,
            is_static: false,
            defaults: vec![None; params.len()],
            params,
            body: node
                .child_by_field_name("body")
                .map(|b| self.body(b))
                .unwrap_or_default(),
            span: Span::of(&node),
        }
    }

    /// The parameters' names, in order (`a, b string` is two); a variadic one keeps a star,
    /// as Python's `*args` (it collects the positional arguments left).
    fn params(&self, node: Node<'_>) -> Vec<String> {
        let mut out = Vec::new();
        let Some(ps) = node.child_by_field_name("parameters") else {
            return out;
        };
        let mut cursor = ps.walk();
        for p in ps.named_children(&mut cursor) {
            let star = if p.kind() == "variadic_parameter_declaration" {
                "*"
            } else {
                ""
            };
            let mut c = p.walk();
            let names: Vec<Node<'_>> = p
                .children_by_field_name("name", &mut c)
                .filter(|n| n.kind() == "identifier")
                .collect();
            if names.is_empty() && p.kind().ends_with("parameter_declaration") {
                // `func(string)`: an unnamed parameter keeps its place.
                out.push(String::new());
            }
            for n in names {
                out.push(format!("{star}{}", self.text(n)));
            }
        }
        out
    }

    /// `for _, v := range xs` iterates the values of a slice or a map, `for k := range m` its
    /// keys (a slice's indices), `for k, v := range m` its pairs (a map's in no fixed order:
    /// `Builtin::Unordered`); any other `for` (a counter, a
    /// condition, `for range n`) runs its body where the model cannot tell how often: a loop
    /// over something unknown, so that what it adds is there, uncertain, not missing.
    fn for_statement(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let span = Span::of(&node);
        let Some(body) = node.child_by_field_name("body") else {
            out.push(Stmt::Expr(Expr::unknown(span)));
            return;
        };
        let range = {
            let mut cursor = node.walk();
            let r = node
                .named_children(&mut cursor)
                .find(|c| c.kind() == "range_clause");
            r
        };
        let ranged = range.and_then(|r| Some((r, r.child_by_field_name("right")?)));
        let Some((range, right)) = ranged else {
            out.push(Stmt::For {
                target: Target::Other,
                iter: Expr::unknown(span),
                body: self.body(body),
            });
            return;
        };
        let targets = range
            .child_by_field_name("left")
            .map(list)
            .unwrap_or_default();
        let blank = |t: &Node<'_>| self.text(*t) == "_";
        // `range` is no name a file can bind: the builtin is called with what it ranges over.
        let over = |what| Expr {
            kind: ExprKind::Call {
                func: Box::new(Expr {
                    kind: ExprKind::Builtin {
                        what,
                        name: "range".to_string(),
                        written: None,
                    },
                    span: Span::of(&range),
                }),
                args: vec![Arg::Positional(Expr {
                    kind: ExprKind::Call {
                        func: Box::new(Expr {
                            kind: ExprKind::Builtin {
                                what: Builtin::Unordered,
                                name: "range".to_string(),
                                written: None,
                            },
                            span: Span::of(&range),
                        }),
                        args: vec![Arg::Positional(self.expr(right))],
                    },
                    span: Span::of(&right),
                })],
            },
            span: Span::of(&right),
        };
        let (target, iter) = match &targets[..] {
            [k, v] if blank(k) => (self.target(*v), over(Builtin::Values)),
            [k] | [k, _] if targets.len() == 1 || blank(&targets[1]) => {
                (self.target(*k), over(Builtin::Keys))
            }
            [k, v] => (
                Target::Tuple(vec![self.target(*k), self.target(*v)]),
                over(Builtin::Entries),
            ),
            _ => (Target::Other, Expr::unknown(span)),
        };
        out.push(Stmt::For {
            target,
            iter,
            body: self.body(body),
        });
    }

    /// `if init; cond { … } else …`: the initializer runs first; an `else if` is an `If` in
    /// `otherwise`.
    fn if_statement(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let span = Span::of(&node);
        let mut inner = Vec::new();
        if let Some(init) = node.child_by_field_name("initializer") {
            self.stmt(init, &mut inner);
        }
        let cond = node
            .child_by_field_name("condition")
            .map_or(Expr::unknown(span), |c| self.expr(c));
        let then = node
            .child_by_field_name("consequence")
            .map(|c| self.body(c))
            .unwrap_or_default();
        let otherwise = match node.child_by_field_name("alternative") {
            Some(a) if a.kind() == "block" => self.body(a),
            Some(a) => {
                let mut o = Vec::new();
                self.stmt(a, &mut o);
                o
            }
            None => Vec::new(),
        };
        let stmt = Stmt::If {
            cond,
            then,
            otherwise,
        };
        if inner.is_empty() {
            out.push(stmt);
        } else {
            inner.push(stmt);
            out.push(Stmt::Block(inner));
        }
    }

    /// `return x`; `return a, b` returns both, as a list (what `a, b := f()` takes apart).
    fn return_statement(&self, node: Node<'_>, out: &mut Vec<Stmt>) {
        let values = node.named_child(0).map(list).unwrap_or_default();
        let value = match &values[..] {
            [] => None,
            [one] => Some(self.expr(*one)),
            many => Some(Expr {
                kind: ExprKind::List(many.iter().map(|v| self.expr(*v)).collect()),
                span: Span::of(&node),
            }),
        };
        out.push(Stmt::Return(value));
    }

    fn target(&self, node: Node<'_>) -> Target {
        let Some(_deeper) = self.nesting.expr(&node) else {
            return Target::Other;
        };
        match node.kind() {
            "identifier" => Target::Name(self.text(node).to_string(), Span::of(&node)),
            "index_expression" => match (
                node.child_by_field_name("operand"),
                node.child_by_field_name("index"),
            ) {
                (Some(o), Some(i)) if matches!(o.kind(), "identifier" | "selector_expression") => {
                    Target::Item {
                        obj: Box::new(self.expr(o)),
                        key: Box::new(self.expr(i)),
                    }
                }
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
            "identifier" | "field_identifier" | "type_identifier" | "package_identifier" => {
                ExprKind::Name(self.text(node).to_string())
            }
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "nil" => ExprKind::Null,
            "int_literal" | "float_literal" => ExprKind::Num(self.text(node).to_string()),
            "interpreted_string_literal" => match self.string_text(node) {
                Some(s) => ExprKind::Str(s),
                None => ExprKind::Unknown,
            },
            "raw_string_literal" => {
                // Backquoted: no escapes (a carriage return is dropped, as Go does).
                let t = self.text(node);
                let inner = t
                    .strip_prefix('`')
                    .and_then(|t| t.strip_suffix('`'))
                    .unwrap_or("");
                ExprKind::Str(inner.replace('\r', ""))
            }
            "selector_expression" => self.selector(node),
            "call_expression" => return self.call(node),
            "composite_literal" => self.composite(node),
            "literal_value" => self.literal_value(node, false),
            "func_literal" => self.lambda(node),
            "binary_expression" => self.binary(node),
            "unary_expression" => {
                return self.unary(node, span);
            }
            "index_expression" => match (
                node.child_by_field_name("operand"),
                node.child_by_field_name("index"),
            ) {
                (Some(o), Some(i)) => {
                    ExprKind::Subscript(Box::new(self.expr(o)), Box::new(self.expr(i)))
                }
                _ => ExprKind::Unknown,
            },
            "parenthesized_expression" => {
                return match node.named_child(0) {
                    Some(c) => self.expr(c),
                    None => Expr::unknown(span),
                };
            }
            // `x.(string)`: the value itself, when it is one.
            "type_assertion_expression" => {
                return match node.child_by_field_name("operand") {
                    Some(c) => self.expr(c),
                    None => Expr::unknown(span),
                };
            }
            _ => ExprKind::Unknown,
        };
        Expr { kind, span }
    }

    /// `&x` and `*x` are `x` (jsii takes pointers to everything); `!x` is `Not`.
    fn unary(&self, node: Node<'_>, span: Span) -> Expr {
        let (Some(op), Some(operand)) = (
            node.child_by_field_name("operator"),
            node.child_by_field_name("operand"),
        ) else {
            return Expr::unknown(span);
        };
        match self.text(op) {
            "&" | "*" => self.expr(operand),
            "!" => Expr {
                kind: ExprKind::Not(Box::new(self.expr(operand))),
                span,
            },
            _ => Expr::unknown(span),
        }
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

    /// `pkg.Class_Member` is `pkg.Class.Member` (a static method, or an enum's member); any
    /// other selector an attribute as written.
    fn selector(&self, node: Node<'_>) -> ExprKind {
        let (Some(operand), Some(field)) = (
            node.child_by_field_name("operand"),
            node.child_by_field_name("field"),
        ) else {
            return ExprKind::Unknown;
        };
        let name = self.text(field);
        let obj = self.expr(operand);
        if operand.kind() == "identifier" {
            if let Some((class, member)) = static_member(name) {
                let class_attr = Expr {
                    kind: ExprKind::Attr(Box::new(obj), class.to_string(), Span::of(&field)),
                    span: Span::of(&node),
                };
                return ExprKind::Attr(Box::new(class_attr), member.to_string(), Span::of(&field));
            }
        }
        ExprKind::Attr(Box::new(obj), name.to_string(), Span::of(&field))
    }

    /// A call, with jsii's wrappers and constructors written as the other languages write
    /// them (see the module's documentation).
    fn call(&self, node: Node<'_>) -> Expr {
        let span = Span::of(&node);
        let (Some(func), Some(args)) = (
            node.child_by_field_name("function"),
            node.child_by_field_name("arguments"),
        ) else {
            return Expr::unknown(span);
        };
        let arg_nodes = {
            let mut cursor = args.walk();
            let a: Vec<Node<'_>> = args
                .named_children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .collect();
            a
        };
        // `f(xs...)`: the arguments are a slice spread over the parameters.
        let spread = {
            let mut cursor = args.walk();
            let s = args.children(&mut cursor).any(|c| c.kind() == "...");
            s
        };
        let package_call = (func.kind() == "selector_expression")
            .then(|| {
                let operand = func.child_by_field_name("operand")?;
                let field = func.child_by_field_name("field")?;
                (operand.kind() == "identifier").then(|| (operand, self.text(field)))
            })
            .flatten();
        if let Some((operand, name)) = package_call {
            if self.text(operand) == "fmt" && name == "Sprintf" && !spread {
                if let Some(kind) = self.sprintf(&arg_nodes) {
                    return Expr { kind, span };
                }
            }
            // `strings.ToLower(stage)`: the string's own method, as the other languages call it.
            if self.text(operand) == "strings" && arg_nodes.len() == 1 && !spread {
                let method = match name {
                    "ToLower" => Some("lower"),
                    "ToUpper" => Some("upper"),
                    "TrimSpace" => Some("strip"),
                    _ => None,
                };
                if let Some(method) = method {
                    let field = func.child_by_field_name("field").unwrap_or(func);
                    let callee = Expr {
                        kind: ExprKind::Attr(
                            Box::new(self.expr(arg_nodes[0])),
                            method.to_string(),
                            Span::of(&field),
                        ),
                        span: Span::of(&func),
                    };
                    return Expr {
                        kind: ExprKind::Call {
                            func: Box::new(callee),
                            args: Vec::new(),
                        },
                        span,
                    };
                }
            }
            if self.text(operand) == JSII && !spread {
                match name {
                    // `jsii.String("x")`: the value itself.
                    "String" | "Number" | "Bool" if arg_nodes.len() == 1 => {
                        return self.expr(arg_nodes[0]);
                    }
                    "Strings" | "Numbers" => {
                        return Expr {
                            kind: ExprKind::List(arg_nodes.iter().map(|a| self.expr(*a)).collect()),
                            span,
                        };
                    }
                    _ => {}
                }
            }
            // `awslambda.Runtime_NODEJS_22_X()`: a static property's getter is the property.
            if arg_nodes.is_empty() && !spread {
                if let Some((_, member)) = static_member(name) {
                    if is_constant_name(member) {
                        return self.expr(func);
                    }
                }
            }
            // `pipelines.NewCodePipeline(…)`: class `CodePipeline`, constructed.
            if let Some(class) = name
                .strip_prefix("New")
                .filter(|c| c.starts_with(|ch: char| ch.is_ascii_uppercase()))
            {
                let field = func.child_by_field_name("field").unwrap_or(func);
                let callee = Expr {
                    kind: ExprKind::Attr(
                        Box::new(self.expr(operand)),
                        class.to_string(),
                        Span::of(&field),
                    ),
                    span: Span::of(&func),
                };
                return Expr {
                    kind: ExprKind::Call {
                        func: Box::new(callee),
                        args: self.args(&arg_nodes, spread),
                    },
                    span,
                };
            }
        }
        Expr {
            kind: ExprKind::Call {
                func: Box::new(self.callee(func)),
                args: self.args(&arg_nodes, spread),
            },
            span,
        }
    }

    /// A called function or method. Go capitalises every exported name, functions and methods
    /// as well as types: a call of `strings.HasPrefix` or `pipeline.AddStage` is a call, never
    /// a construction (those are `NewX`, above), so its name is written as the other languages
    /// write a function's, first letter lowercase (`hasPrefix`, `addStage`: the model reads
    /// a capitalised callee as a class).
    fn callee(&self, func: Node<'_>) -> Expr {
        let span = Span::of(&func);
        if func.kind() != "selector_expression" {
            return self.expr(func);
        }
        let (Some(operand), Some(field)) = (
            func.child_by_field_name("operand"),
            func.child_by_field_name("field"),
        ) else {
            return self.expr(func);
        };
        let name = self.text(field);
        if static_member(name).is_some() || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            return self.expr(func);
        }
        let Some(_deeper) = self.nesting.expr(&func) else {
            return Expr::unknown(span);
        };
        let mut lowered = name.to_string();
        lowered[..1].make_ascii_lowercase();
        Expr {
            kind: ExprKind::Attr(Box::new(self.expr(operand)), lowered, Span::of(&field)),
            span,
        }
    }

    /// `fmt.Sprintf("Prod-%s", region)` with only `%s` and `%v` verbs: the text with the
    /// values in it, as a template literal; any other verb (a number's format) is not followed.
    fn sprintf(&self, args: &[Node<'_>]) -> Option<ExprKind> {
        let (format, values) = args.split_first()?;
        let ExprKind::Str(format) = self.expr(*format).kind else {
            return None;
        };
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut values = values.iter();
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                lit.push(c);
                continue;
            }
            match chars.next()? {
                '%' => lit.push('%'),
                's' | 'v' => {
                    if !lit.is_empty() {
                        parts.push(TemplatePart::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(TemplatePart::Expr(self.expr(*values.next()?)));
                }
                _ => return None,
            }
        }
        if values.next().is_some() {
            return None;
        }
        if !lit.is_empty() {
            parts.push(TemplatePart::Lit(lit));
        }
        Some(ExprKind::Template(parts))
    }

    fn args(&self, nodes: &[Node<'_>], spread: bool) -> Vec<Arg> {
        let mut out: Vec<Arg> = nodes
            .iter()
            // A type argument (`make([]string, 0)`) is not a value.
            .filter(|n| !n.kind().ends_with("_type") && n.kind() != "type_identifier")
            .map(|n| Arg::Positional(self.expr(*n)))
            .collect();
        if spread {
            if let Some(Arg::Positional(last)) = out.pop() {
                out.push(Arg::Spread(last));
            }
        }
        out
    }

    /// `T{…}`: a slice or array literal is a list, a map literal a dict, a struct literal a
    /// props object (a dict of its fields).
    fn composite(&self, node: Node<'_>) -> ExprKind {
        let Some(body) = node.child_by_field_name("body") else {
            return ExprKind::Unknown;
        };
        let kind = node.child_by_field_name("type").map(|t| t.kind());
        let as_list = matches!(
            kind,
            Some("slice_type" | "array_type" | "implicit_length_array_type")
        );
        // `&awscdk.StageProps{}`: a struct (or a map) with nothing set is an empty dict,
        // not an empty list.
        if !as_list && kind.is_some() && body.named_child_count() == 0 {
            return ExprKind::Dict(Vec::new());
        }
        self.literal_value(body, as_list)
    }

    /// The braces of a composite literal (also untyped, inside another): keyed elements make
    /// a dict (keys that are field names or string literals), plain ones a list.
    fn literal_value(&self, node: Node<'_>, as_list: bool) -> ExprKind {
        let mut cursor = node.walk();
        let elements: Vec<Node<'_>> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect();
        let keyed = elements.iter().any(|e| e.kind() == "keyed_element");
        if as_list || !keyed {
            if keyed {
                // `[]string{0: "a"}`: indices the model does not follow.
                return ExprKind::Unknown;
            }
            return ExprKind::List(elements.iter().map(|e| self.element(*e)).collect());
        }
        let mut entries = Vec::new();
        for e in elements {
            let (Some(k), Some(v)) = (e.child_by_field_name("key"), e.child_by_field_name("value"))
            else {
                // A positional field in a struct literal: which field is not known here.
                return ExprKind::Unknown;
            };
            let key_node = k.named_child(0).unwrap_or(k);
            let key = match key_node.kind() {
                "identifier" | "field_identifier" => self.text(key_node).to_string(),
                "interpreted_string_literal" | "raw_string_literal" => {
                    match self.expr(key_node).kind {
                        ExprKind::Str(s) => s,
                        _ => return ExprKind::Unknown,
                    }
                }
                _ => return ExprKind::Unknown,
            };
            entries.push(DictEntry::Pair {
                key,
                key_span: Span::of(&key_node),
                value: self.element(v),
            });
        }
        ExprKind::Dict(entries)
    }

    /// A `literal_element`: the expression or the untyped literal inside it.
    fn element(&self, node: Node<'_>) -> Expr {
        match (node.kind(), node.named_child(0)) {
            ("literal_element", Some(inner)) => self.expr(inner),
            _ => self.expr(node),
        }
    }

    /// `func(r string) T { … }`: a lambda of its parameters; its value is the last statement's
    /// when that is a `return`.
    fn lambda(&self, node: Node<'_>) -> ExprKind {
        let params = self
            .params(node)
            .into_iter()
            .map(|p| Target::Name(p, Span::of(&node)))
            .collect();
        let Some(body) = node.child_by_field_name("body") else {
            return ExprKind::Unknown;
        };
        self.nesting.lambda_body();
        let inner = Lowerer {
            src: self.src,
            memo: None,
            nesting: self.nesting,
        };
        let mut stmts = inner.body(body);
        let value = match stmts.last() {
            Some(Stmt::Return(Some(_))) => match stmts.pop() {
                Some(Stmt::Return(v)) => v,
                _ => None,
            },
            _ => None,
        };
        ExprKind::Lambda(Box::new(Lambda {
            params,
            body: stmts,
            value,
        }))
    }

    /// A double-quoted literal's value, escapes resolved; `None` for an escape that is not
    /// text (`\x`, octal bytes: a string of them may not be UTF-8).
    fn string_text(&self, node: Node<'_>) -> Option<String> {
        let mut out = String::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            let t = self.text(child);
            match child.kind() {
                "interpreted_string_literal_content" => out.push_str(t),
                "escape_sequence" => out.push(unescape(t)?),
                _ => {}
            }
        }
        Some(out)
    }
}

/// The expressions of an `expression_list` (or the one expression that is not a list).
fn list(node: Node<'_>) -> Vec<Node<'_>> {
    if node.kind() != "expression_list" {
        return vec![node];
    }
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// `Class_Member` (jsii's Go name of a static member): `("Class", "Member")`.
fn static_member(name: &str) -> Option<(&str, &str)> {
    let (class, member) = name.split_once('_')?;
    let upper = |s: &str| s.starts_with(|c: char| c.is_ascii_uppercase());
    (upper(class) && upper(member) && !class.contains('_')).then_some((class, member))
}

/// `NODEJS_22_X`, `PAY_PER_REQUEST`: a constant's name (no lowercase letter).
fn is_constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_ascii_lowercase())
}

/// One escape sequence's character (`\n`, `\"`, `\u00e9`).
fn unescape(esc: &str) -> Option<char> {
    let rest = esc.strip_prefix('\\')?;
    let c = match rest {
        "n" => '\n',
        "t" => '\t',
        "r" => '\r',
        "\\" => '\\',
        "\"" => '"',
        "'" => '\'',
        "a" => '\u{7}',
        "b" => '\u{8}',
        "f" => '\u{c}',
        "v" => '\u{b}',
        _ => {
            let hex = rest.strip_prefix('u').or_else(|| rest.strip_prefix('U'))?;
            char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
        }
    };
    Some(c)
}

/// The package name an import path binds when it has no alias: the path's last element but a
/// major version's suffix (`…/awscdk/v2` is `awscdk`), and jsii's runtime (`jsii-runtime-go`)
/// `jsii`, as the package says of itself.
pub(super) fn package_name(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let mut last = parts.next().unwrap_or(path);
    if last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit()) {
        last = parts.next().unwrap_or(last);
    }
    if path == "github.com/aws/jsii-runtime-go" {
        return JSII.to_string();
    }
    let last = last.strip_suffix("-go").unwrap_or(last);
    let last = last.strip_prefix("go-").unwrap_or(last);
    last.to_string()
}

/// Go's imports: `import "path"` binds the package's name ([`package_name`]),
/// `import alias "path"` the alias, `import . "path"` every exported name; `import _ "path"`
/// binds nothing.
pub(crate) fn imports(root: Node<'_>) -> Vec<super::RawImport<'_>> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    for decl in root.named_children(&mut cursor) {
        if decl.kind() != "import_declaration" {
            continue;
        }
        let mut specs = Vec::new();
        let mut c = decl.walk();
        for child in decl.named_children(&mut c) {
            match child.kind() {
                "import_spec" => specs.push(child),
                "import_spec_list" => {
                    let mut c2 = child.walk();
                    specs.extend(
                        child
                            .named_children(&mut c2)
                            .filter(|s| s.kind() == "import_spec"),
                    );
                }
                _ => {}
            }
        }
        for spec in specs {
            let Some(module) = spec
                .child_by_field_name("path")
                .and_then(|p| p.named_child(0))
                .filter(|p| p.kind() == "interpreted_string_literal_content")
            else {
                continue;
            };
            let name = spec.child_by_field_name("name");
            let mut raw = super::RawImport {
                statement: Some(spec),
                module: Some(module),
                ..Default::default()
            };
            match name.map(|n| n.kind()) {
                Some("blank_identifier") => continue,
                Some("dot") => raw.all = true,
                Some(_) => raw.local = name,
                None => {}
            }
            out.push(raw);
        }
    }
    out
}

/// A Go panic's message (`panic: …`, jsii's `panic: Error: …`) and the lines after it up to
/// the goroutine's trace.
pub(super) fn synth_message(lines: &[&str], noise: super::Noise) -> Option<String> {
    let i = lines.iter().position(|l| l.starts_with("panic: "))?;
    let msg: Vec<&str> = lines[i..]
        .iter()
        .copied()
        .take_while(|l| !l.starts_with("goroutine "))
        .filter(|l| !noise(l) && !l.trim().is_empty())
        .take(15)
        .collect();
    (!msg.is_empty()).then(|| msg.join("\n"))
}

static GO_FRAME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^\s+(/[^:\s]+\.go):(\d+)(?:\s+\+0x[0-9a-f]+)?\s*$").unwrap()
});

/// A panic's goroutine trace, innermost first: each frame's `\t/path/file.go:42 +0x1d` line.
pub(super) fn synth_places(lines: &[&str]) -> Vec<super::SynthPlace> {
    lines
        .iter()
        .filter_map(|l| {
            let c = GO_FRAME.captures(l)?;
            Some((c[1].to_string(), c[2].parse().ok()?, None))
        })
        .collect()
}

/// Where a Go app's libraries live: the module cache (`…/pkg/mod/…`), a vendored copy, and
/// the toolchain's own sources (`…/go/src/runtime/…`).
pub(super) fn library_folder(name: &str) -> bool {
    name == "vendor" || name == "mod" || name == "runtime"
}

/// Whether a `.go` file of a folder is part of its package however the app is built: not a
/// test file (`_test.go`), and not a file only some builds take (a `//go:build` or
/// `// +build` constraint before its package clause, or a `_<os>` / `_<arch>` name suffix):
/// which of those the app's build takes is not known here.
pub(super) fn in_package(path: &std::path::Path, text: &str) -> bool {
    let Some(stem) = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".go"))
    else {
        return false;
    };
    if stem.ends_with("_test") {
        return false;
    }
    const SUFFIXES: &[&str] = &[
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "illumos",
        "ios",
        "js",
        "linux",
        "netbsd",
        "openbsd",
        "plan9",
        "solaris",
        "wasip1",
        "windows",
        "386",
        "amd64",
        "arm",
        "arm64",
        "loong64",
        "mips",
        "mips64",
        "mips64le",
        "mipsle",
        "ppc64",
        "ppc64le",
        "riscv64",
        "s390x",
        "wasm",
    ];
    let mut parts = stem.rsplit('_');
    let last = parts.next().unwrap_or("");
    let before = parts.next();
    if before.is_some() && SUFFIXES.contains(&last) {
        return false;
    }
    for line in text.lines().map(str::trim) {
        if line.starts_with("package ") {
            break;
        }
        if line.starts_with("//go:build") || line.starts_with("// +build") {
            return false;
        }
    }
    true
}

/// Go imports packages by their module path, never a file of the app by a name the model
/// could follow: no file.
pub(super) fn module_files(
    _root: &std::path::Path,
    _dir: &std::path::Path,
    _module: &str,
) -> Vec<std::path::PathBuf> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::ir::Module;

    fn lower(src: &str) -> Module {
        let plugin = &crate::lang::GO;
        let tree = plugin.parser().parse(src, None).unwrap();
        plugin.lower(&tree, src)
    }

    /// The first top-level `Stmt::Expr`'s expression in `main`'s body.
    fn main_expr(m: &Module) -> &Expr {
        main_body(m)
            .iter()
            .find_map(|s| match s {
                Stmt::Expr(e) => Some(e),
                _ => None,
            })
            .expect("an expression statement")
    }

    /// `main`'s body: the entry point's function, which the module's last statement calls.
    fn main_body(m: &Module) -> &[Stmt] {
        match &m.body[m.body.len().saturating_sub(2)..] {
            [Stmt::Func(f), Stmt::Expr(Expr {
                kind: ExprKind::Call { func, .. },
                ..
            })] if f.name == super::super::ir::ENTRY_POINT
                && func.kind == ExprKind::Name(f.name.clone()) =>
            {
                &f.body
            }
            _ => panic!("main's body is called last: {:?}", m.body),
        }
    }

    #[test]
    fn a_package_constructor_is_a_construction_with_its_props_last() {
        let src = "package main\nimport (\n\t\"github.com/aws/aws-cdk-go/awscdk/v2/pipelines\"\n\t\"github.com/aws/jsii-runtime-go\"\n)\nfunc main() {\n\tpipelines.NewCodePipeline(stack, jsii.String(\"Pipeline\"), &pipelines.CodePipelineProps{\n\t\tCrossAccountKeys: jsii.Bool(true),\n\t\tSynth: pipelines.NewShellStep(jsii.String(\"Synth\"), &pipelines.ShellStepProps{Commands: jsii.Strings(\"a\", \"b\")}),\n\t})\n}\n";
        let m = lower(src);
        assert_eq!(m.imports.len(), 2);
        assert_eq!(m.imports[0].local, "pipelines");
        assert_eq!(
            m.imports[0].module,
            "github.com/aws/aws-cdk-go/awscdk/v2/pipelines"
        );
        assert_eq!(m.imports[1].local, "jsii");
        let ExprKind::Call { func, args } = &main_expr(&m).kind else {
            panic!("a call");
        };
        assert_eq!(func.dotted(), Some(vec!["pipelines", "CodePipeline"]));
        assert_eq!(args.len(), 3);
        let Arg::Positional(Expr {
            kind: ExprKind::Str(id),
            ..
        }) = &args[1]
        else {
            panic!("the id is a string: {:?}", args[1]);
        };
        assert_eq!(id, "Pipeline");
        let Arg::Positional(Expr {
            kind: ExprKind::Dict(props),
            ..
        }) = &args[2]
        else {
            panic!("the props are a dict: {:?}", args[2]);
        };
        let keys: Vec<&str> = props
            .iter()
            .map(|p| match p {
                DictEntry::Pair { key, .. } => key.as_str(),
                DictEntry::Spread(_) => "…",
            })
            .collect();
        assert_eq!(keys, ["CrossAccountKeys", "Synth"]);
        let DictEntry::Pair { value, .. } = &props[0] else {
            unreachable!()
        };
        assert_eq!(value.kind, ExprKind::Bool(true));
    }

    #[test]
    fn static_members_enums_and_properties_are_written_as_the_other_languages_write_them() {
        let src = "package main\nfunc main() {\n\tf(pipelines.CodePipelineSource_Connection(jsii.String(\"o/r\"), jsii.String(\"main\"), nil), awsdynamodb.BillingMode_PAY_PER_REQUEST, awslambda.Runtime_NODEJS_22_X(), awscdk.Duration_Seconds(jsii.Number(10)))\n}\n";
        let m = lower(src);
        let ExprKind::Call { args, .. } = &main_expr(&m).kind else {
            panic!("a call");
        };
        let dotted: Vec<Option<Vec<&str>>> = args
            .iter()
            .map(|a| match a {
                Arg::Positional(Expr {
                    kind: ExprKind::Call { func, .. },
                    ..
                }) => func.dotted(),
                Arg::Positional(e) => e.dotted(),
                _ => None,
            })
            .collect();
        assert_eq!(
            dotted,
            [
                Some(vec!["pipelines", "CodePipelineSource", "Connection"]),
                Some(vec!["awsdynamodb", "BillingMode", "PAY_PER_REQUEST"]),
                Some(vec!["awslambda", "Runtime", "NODEJS_22_X"]),
                Some(vec!["awscdk", "Duration", "Seconds"]),
            ]
        );
    }

    #[test]
    fn main_runs_last_and_declarations_bind_names() {
        let src = "package main\nfunc main() {\n\tx := helper()\n\t_ = x\n}\nvar regions = []string{\"us-east-1\", `eu-west-1`}\nconst (\n\tA = \"1\"\n\tB, C = \"2\", \"3\"\n)\nfunc helper() string { return A }\n";
        let m = lower(src);
        let kinds: Vec<&str> = m
            .body
            .iter()
            .map(|s| match s {
                Stmt::Assign { .. } => "assign",
                Stmt::Func(_) => "func",
                Stmt::Block(_) => "block",
                _ => "other",
            })
            .collect();
        // The declarations, then main's body as the entry point and its call; `main` itself
        // is not a function the file's code can call.
        assert_eq!(
            kinds,
            ["assign", "assign", "assign", "assign", "func", "func", "other"]
        );
        let Stmt::Assign { value, .. } = &m.body[0] else {
            unreachable!()
        };
        assert_eq!(
            value.kind,
            ExprKind::List(vec![
                Expr {
                    kind: ExprKind::Str("us-east-1".into()),
                    span: match &value.kind {
                        ExprKind::List(items) => items[0].span,
                        _ => unreachable!(),
                    }
                },
                Expr {
                    kind: ExprKind::Str("eu-west-1".into()),
                    span: match &value.kind {
                        ExprKind::List(items) => items[1].span,
                        _ => unreachable!(),
                    }
                },
            ])
        );
    }

    #[test]
    fn ranges_iterate_values_keys_or_pairs_and_other_loops_run_unsure() {
        let src = "package main\nfunc main() {\n\tfor _, r := range regions { f(r) }\n\tfor k := range m { f(k) }\n\tfor k, v := range m { f(k, v) }\n\tfor i := 0; i < 3; i++ { f(i) }\n}\n";
        let m = lower(src);
        let body = main_body(&m);
        let over = |s: &Stmt| match s {
            Stmt::For { iter, .. } => match &iter.kind {
                ExprKind::Call { func, .. } => match &func.kind {
                    ExprKind::Builtin { what, .. } => Some(*what),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        assert!(matches!(&body[0], Stmt::For { target: Target::Name(n, _), .. } if n == "r"));
        assert_eq!(over(&body[0]), Some(Builtin::Values));
        assert!(matches!(&body[1], Stmt::For { target: Target::Name(n, _), .. } if n == "k"));
        assert_eq!(over(&body[1]), Some(Builtin::Keys));
        assert!(matches!(&body[2], Stmt::For { target: Target::Tuple(t), .. } if t.len() == 2));
        assert_eq!(over(&body[2]), Some(Builtin::Entries));
        // A counter loop: its body, over something unknown (run once, unsure), not dropped.
        assert!(matches!(
            &body[3],
            Stmt::For { iter: Expr { kind: ExprKind::Unknown, .. }, body, .. } if body.len() == 1
        ));
    }

    /// What a Go program does with a map and a slice, read as Go runs it: a slice's values,
    /// a map's keys and pairs; a library function's result is no construct (a condition on it
    /// is unknown, the stage it guards uncertain).
    #[test]
    fn loops_and_library_calls_through_the_model() {
        let src = "package main\n\nimport (\n\t\"os\"\n\t\"strings\"\n\n\t\"github.com/aws/aws-cdk-go/awscdk/v2\"\n\t\"github.com/aws/aws-cdk-go/awscdk/v2/pipelines\"\n\t\"github.com/aws/jsii-runtime-go\"\n)\n\nfunc main() {\n\tapp := awscdk.NewApp(nil)\n\tstack := awscdk.NewStack(app, jsii.String(\"P\"), nil)\n\tp := pipelines.NewCodePipeline(stack, jsii.String(\"Pipeline\"), &pipelines.CodePipelineProps{Synth: pipelines.NewShellStep(jsii.String(\"Synth\"), nil)})\n\taccounts := map[string]string{\"Dev\": \"111111111111\", \"Qa\": \"222222222222\"}\n\tfor name, account := range accounts {\n\t\ts := awscdk.NewStage(stack, jsii.String(name), &awscdk.StageProps{Env: &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(\"us-east-1\")}})\n\t\tawscdk.NewStack(s, jsii.String(\"Svc\"), nil)\n\t\tp.AddStage(s, nil)\n\t}\n\tif strings.HasPrefix(os.Getenv(\"BRANCH\"), \"release/\") {\n\t\tprod := awscdk.NewStage(stack, jsii.String(\"Prod\"), nil)\n\t\tawscdk.NewStack(prod, jsii.String(\"Svc\"), nil)\n\t\tp.AddStage(prod, nil)\n\t}\n}\n";
        let a = crate::analysis::analyze_text(
            &crate::lang::GO,
            src,
            None,
            &crate::model::NoIndex,
            &crate::lang::ExtraQueries::default(),
        );
        let p = &a.model.pipelines[0];
        let stages: Vec<(Option<&str>, bool)> = p
            .stages
            .iter()
            .map(|s| (s.id.as_deref(), s.conditional))
            .collect();
        // A map's stages are there, in an order Go does not fix: uncertain. A slice's are
        // certain (see the fixture loop_regions.go).
        assert_eq!(
            stages,
            [
                (Some("Dev"), true),
                (Some("Qa"), true),
                (Some("Prod"), true)
            ]
        );
    }

    #[test]
    fn strings_unescape_and_an_unreadable_escape_is_unknown() {
        let src = "package main\nvar a = \"x\\ty\\u00e9\\\"\"\nvar b = \"\\xff\"\n";
        let m = lower(src);
        let values: Vec<&ExprKind> = m
            .body
            .iter()
            .map(|s| match s {
                Stmt::Assign { value, .. } => &value.kind,
                _ => panic!(),
            })
            .collect();
        assert_eq!(values[0], &ExprKind::Str("x\tyé\"".into()));
        assert_eq!(values[1], &ExprKind::Unknown);
    }

    #[test]
    fn sprintf_with_string_verbs_is_a_template() {
        let src = "package main\nvar a = fmt.Sprintf(\"Prod-%s-%v%%\", r, n)\nvar b = fmt.Sprintf(\"%d\", n)\nvar c = fmt.Sprintf(\"%s\")\n";
        let m = lower(src);
        let values: Vec<&ExprKind> = m
            .body
            .iter()
            .map(|s| match s {
                Stmt::Assign { value, .. } => &value.kind,
                _ => panic!(),
            })
            .collect();
        let ExprKind::Template(parts) = values[0] else {
            panic!("{:?}", values[0]);
        };
        assert_eq!(parts.len(), 5);
        assert_eq!(parts[0], TemplatePart::Lit("Prod-".into()));
        assert_eq!(parts[4], TemplatePart::Lit("%".into()));
        assert!(matches!(values[1], ExprKind::Call { .. }));
        assert!(matches!(values[2], ExprKind::Call { .. }));
    }

    /// `strings.ToLower(stage)` is the string's own method, which the model knows in every
    /// language; another function of `strings` stays a call.
    #[test]
    fn strings_case_functions_are_the_strings_methods() {
        let src = "package main\nvar a = strings.ToLower(s)\nvar b = strings.ToUpper(s)\nvar c = strings.TrimSpace(s)\nvar d = strings.Title(s)\n";
        let m = lower(src);
        let methods: Vec<Option<&str>> = m
            .body
            .iter()
            .map(|s| match s {
                Stmt::Assign {
                    value:
                        Expr {
                            kind: ExprKind::Call { func, args },
                            ..
                        },
                    ..
                } => match &func.kind {
                    ExprKind::Attr(obj, name, _)
                        if args.is_empty() && obj.kind == ExprKind::Name("s".into()) =>
                    {
                        Some(name.as_str())
                    }
                    _ => None,
                },
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(methods, [Some("lower"), Some("upper"), Some("strip"), None]);
    }

    /// Go's grammar takes the lines after an unclosed bracket into it, and the error shows
    /// lines below: the broken line is still the one dropped, and what follows it is read.
    #[test]
    fn an_unclosed_call_hides_nothing_after_it() {
        let fixture = include_str!("../../../tests/fixtures/model/go/syntax_error.go");
        for broken in [
            "helper := foo(",
            "helper := (1 +",
            "helper := []string{\"a\",",
        ] {
            let src = fixture.replace("helper := (1 +", broken);
            let a = crate::analysis::analyze_text(
                &crate::lang::GO,
                &src,
                None,
                &crate::model::NoIndex,
                &crate::lang::ExtraQueries::default(),
            );
            let stages: Vec<Option<&str>> = a.model.pipelines[0]
                .stages
                .iter()
                .map(|s| s.id.as_deref())
                .collect();
            assert_eq!(stages, [Some("Dev"), Some("Prod")], "{broken}");
        }
    }

    /// `main`'s locals are its own: a function it calls reads the package's variable of the
    /// same name, as Go does.
    #[test]
    fn a_function_main_calls_sees_the_package_not_mains_locals() {
        let src = "package main\n\nimport (\n\t\"github.com/aws/aws-cdk-go/awscdk/v2\"\n\t\"github.com/aws/aws-cdk-go/awscdk/v2/pipelines\"\n\t\"github.com/aws/jsii-runtime-go\"\n)\n\nvar env = &awscdk.Environment{Account: jsii.String(\"111111111111\"), Region: jsii.String(\"us-east-1\")}\n\nfunc addDev(stack awscdk.Stack, p pipelines.CodePipeline) {\n\ts := awscdk.NewStage(stack, jsii.String(\"Dev\"), &awscdk.StageProps{Env: env})\n\tawscdk.NewStack(s, jsii.String(\"Svc\"), nil)\n\tp.AddStage(s, nil)\n}\n\nfunc main() {\n\tapp := awscdk.NewApp(nil)\n\tstack := awscdk.NewStack(app, jsii.String(\"P\"), nil)\n\tp := pipelines.NewCodePipeline(stack, jsii.String(\"Pipeline\"), &pipelines.CodePipelineProps{Synth: pipelines.NewShellStep(jsii.String(\"Synth\"), nil)})\n\tenv := &awscdk.Environment{Account: jsii.String(\"222222222222\"), Region: jsii.String(\"us-east-1\")}\n\t_ = env\n\taddDev(stack, p)\n}\n";
        let a = crate::analysis::analyze_text(
            &crate::lang::GO,
            src,
            None,
            &crate::model::NoIndex,
            &crate::lang::ExtraQueries::default(),
        );
        let stage = &a.model.pipelines[0].stages[0];
        let crate::model::EnvState::Given(env) = &stage.env else {
            panic!("{:?}", stage.env);
        };
        assert!(
            matches!(&env.account, crate::model::Known::Value(a, _) if a == "111111111111"),
            "{:?}",
            env.account
        );
    }

    #[test]
    fn import_paths_bind_their_package_names() {
        assert_eq!(
            package_name("github.com/aws/aws-cdk-go/awscdk/v2"),
            "awscdk"
        );
        assert_eq!(
            package_name("github.com/aws/aws-cdk-go/awscdk/v2/pipelines"),
            "pipelines"
        );
        assert_eq!(
            package_name("github.com/aws/constructs-go/constructs/v10"),
            "constructs"
        );
        assert_eq!(package_name("github.com/aws/jsii-runtime-go"), "jsii");
        assert_eq!(package_name("fmt"), "fmt");
        assert_eq!(package_name("os/exec"), "exec");
        let src = "package main\nimport (\n\tcdk \"github.com/aws/aws-cdk-go/awscdk/v2\"\n\t. \"github.com/aws/aws-cdk-go/awscdk/v2/pipelines\"\n\t_ \"embed\"\n\t\"os\"\n)\n";
        let m = lower(src);
        let got: Vec<(&str, &str)> = m
            .imports
            .iter()
            .map(|i| (i.local.as_str(), i.module.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("cdk", "github.com/aws/aws-cdk-go/awscdk/v2"),
                ("*", "github.com/aws/aws-cdk-go/awscdk/v2/pipelines"),
                ("os", "os"),
            ]
        );
    }

    #[test]
    fn a_panic_is_the_failure_and_its_trace_the_places() {
        let out = "panic: Error: There is already a Construct with name 'Dev' in Stack [PipelineStack]\n\ngoroutine 1 [running]:\ngithub.com/aws/jsii-runtime-go/runtime.Create(...)\n\t/root/go/pkg/mod/github.com/aws/jsii-runtime-go@v1.100.0/runtime/runtime.go:200 +0x1c5\nmain.NewPipelineStack({0x1, 0x2}, {0x3, 0x4}, 0x0)\n\t/work/app/payments.go:31 +0x2f4\nmain.main()\n\t/work/app/payments.go:62 +0x55\nexit status 2\n";
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            synth_message(&lines, |_| false).as_deref(),
            Some("panic: Error: There is already a Construct with name 'Dev' in Stack [PipelineStack]")
        );
        let places = synth_places(&lines);
        assert_eq!(places.len(), 3);
        assert_eq!(places[1], ("/work/app/payments.go".to_string(), 31, None));
        assert!(library_folder("mod") && !library_folder("app"));
    }
}
