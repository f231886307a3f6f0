//! The language-neutral syntax a plugin lowers its tree into: just enough statements and
//! expressions for the model to follow a pipeline definition, each carrying its source span.

/// How deep the IR may nest: statements inside statements, and expressions inside expressions
/// (counted apart, so the IR is at most twice this deep). Lowering leaves out what is nested
/// deeper (an expression becomes [`ExprKind::Unknown`], a statement is dropped) and notes where
/// ([`Module::too_deep`]); the model bounds its own nesting and its values by it too.
///
/// Why a bound: every walk over the IR recurses (lowering, the model's interpreter, incremental
/// lowering's shift, `Clone`, `Drop`), and so does every walk over the values the model computes
/// from it. A generated file with 600 chained calls overflowed the 2 MiB stack of the language
/// server's analysis threads: an abort, which no panic guard catches.
///
/// Why this number: hand-written pipeline code nests 10 to 20 levels (a builder chain of 50
/// calls is 100), and the deepest walks stay well inside 2 MiB even in a debug build, whose
/// frames are several times a release build's: lowering classes in methods 100 deep with an
/// expression 100 deep inside took 0.8 MB there, and the interpreter following calls from as
/// deep as it goes (`2 * MAX_NESTING` levels) 0.4 MB. The functions on those paths keep their
/// frames small on purpose (see `lang/python.rs`). `server/tests/deep.rs` runs every hostile
/// shape, these worst cases included, on a 2 MiB thread.
pub const MAX_NESTING: usize = 100;

/// The name a module's default export is bound to (`export default …`; `default` is a reserved
/// word, so no identifier takes it). An import of the default binds it under its local name.
pub const DEFAULT_EXPORT: &str = "default";

/// The name CommonJS's `module.exports = …` is bound to: what `require` of the module returns.
pub const MODULE_EXPORTS: &str = "module.exports";

/// The name the entry point's body is lowered under (see [`entry_point`]): no identifier can
/// take it.
pub const ENTRY_POINT: &str = "<entry point>";

/// Whether a function's name is one code can write (not [`ENTRY_POINT`], not a Go `init`'s
/// name of its own).
pub fn is_identifier(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('<')
}

/// What a language runs first, where its files have no module-level code (Go's `func main`,
/// Java's `static void main`, C#'s `Main` or top-level statements), as the module's last
/// statements: a function of its own, so that its locals stay its own (a function it calls
/// sees the module's names, not them), and a call of it.
pub fn entry_point(body: Vec<Stmt>, span: Span) -> [Stmt; 2] {
    run_first(ENTRY_POINT, body, span)
}

/// A function `name` of `body` and a call of it (see [`entry_point`]; Go's `init` functions,
/// which run before `main`, are each one under a name of their own).
pub fn run_first(name: &str, body: Vec<Stmt>, span: Span) -> [Stmt; 2] {
    let callee = Expr {
        kind: ExprKind::Name(name.to_string()),
        span,
    };
    [
        Stmt::Func(FuncDef {
            name: name.to_string(),
            constructor: false,
            params: Vec::new(),
            defaults: Vec::new(),
            is_static: false,
            body,
            span,
        }),
        Stmt::Expr(Expr {
            kind: ExprKind::Call {
                func: Box::new(callee),
                args: Vec::new(),
            },
            span,
        }),
    ]
}

/// The local name of an import that brings every name of its module (`export * from './m'`,
/// `from m import *`): a name not found in the module is looked up there.
pub const STAR_IMPORT: &str = "*";

/// A byte range plus the 0-based (row, byte column) of its ends, as tree-sitter reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start_byte: usize,
    pub end_byte: usize,
    pub start: (usize, usize),
    pub end: (usize, usize),
}

impl Span {
    pub fn of(node: &tree_sitter::Node<'_>) -> Span {
        let (s, e) = (node.start_position(), node.end_position());
        Span {
            start_byte: node.start_byte(),
            end_byte: node.end_byte(),
            start: (s.row, s.column),
            end: (e.row, e.column),
        }
    }

    pub fn contains_byte(&self, byte: usize) -> bool {
        self.start_byte <= byte && byte <= self.end_byte
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Str(String),
    Num(String),
    Bool(bool),
    Null,
    /// An f-string or template literal: literal text and embedded expressions, in order.
    Template(Vec<TemplatePart>),
    Name(String),
    /// `self` in Python, `this` in TypeScript.
    This,
    /// A name the language predefines, which the model gives a meaning of its own (see
    /// [`Builtin`]) unless the file binds `name` itself: then it is that binding, as a
    /// [`ExprKind::Name`] would be. The lowering recognises them, so that the model never
    /// asks for a language's spelling of them.
    Builtin {
        what: Builtin,
        /// The name as the file spells it (`require`, `super`, `Object`, `__dirname`): what a
        /// binding of the file's own would shadow.
        name: String,
        /// What the file wrote, when it is more than `name` (`Object.keys`,
        /// `super().__init__`): what a shadowed builtin is, as any expression would be.
        written: Option<Box<Expr>>,
    },
    Attr(Box<Expr>, String, Span),
    Call {
        func: Box<Expr>,
        args: Vec<Arg>,
    },
    Subscript(Box<Expr>, Box<Expr>),
    Dict(Vec<DictEntry>),
    List(Vec<Expr>),
    /// An arrow function or function expression; in Python a lambda, or a list
    /// comprehension's element as a lambda of its target (`[f(r) for r in rs]` is
    /// `rs.map(r => f(r))`). The model follows one where it is called for each item of a
    /// list (`forEach`, `map`); anywhere else it is unknown.
    Lambda(Box<Lambda>),
    /// `a == b` / `a != b` (`===`, `!==`): `equal` tells which.
    Compare {
        equal: bool,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `not a` / `!a`.
    Not(Box<Expr>),
    /// `a and b` / `a && b` (`and`), `a or b` / `a || b`.
    Logic {
        and: bool,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a + b`: strings joined, numbers added.
    Add {
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `c ? a : b` / `a if c else b`.
    Cond {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// Anything the model does not follow (arithmetic, other comparisons, …).
    Unknown,
}

/// What a [`ExprKind::Builtin`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// Called with a module's name, the module, as an import binds it (`require('m')`).
    Import,
    /// Called, the base class's constructor (`super(…)`; `super().__init__(…)` is lowered to
    /// a call of it).
    Super,
    /// Called with an object, its `[key, value]` pairs (`Object.entries(o)`).
    Entries,
    /// Called with an object, its keys (`Object.keys(o)`).
    Keys,
    /// Called with an object, its values (`Object.values(o)`).
    Values,
    /// The folder of the file being run (`__dirname`).
    FileDir,
    /// The file being run (`__file__`).
    FilePath,
    /// Called with what a loop ranges over, whose order the program does not fix when it is a
    /// map (Go's `range` over a map visits its keys in a random order): what the loop does for
    /// each item happens, in an order not known.
    Unordered,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    pub params: Vec<Target>,
    /// The statements of a block body. The only statements inside an expression: they are
    /// lowered as deep as the lambda is (see `Nesting::context_dependent`).
    pub body: Vec<Stmt>,
    /// What it returns: an expression body, or a block body's last statement when that is a
    /// `return` with a value.
    pub value: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    Lit(String),
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum DictEntry {
    Pair {
        key: String,
        key_span: Span,
        value: Expr,
    },
    /// `**other` / `...other`: keys that cannot be known statically.
    Spread(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Positional(Expr),
    Keyword {
        name: String,
        name_span: Span,
        value: Expr,
    },
    /// `*args`, `**kwargs`, `...rest`: arguments that cannot be known statically.
    Spread(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Name(String, Span),
    /// `self.x = …` / `this.x = …`
    SelfAttr(String, Span),
    /// Tuple / array / object patterns bind several names; `None` entries are holes.
    Tuple(Vec<Target>),
    /// `{ account, region }` destructuring in TypeScript: (property, bound name).
    Object(Vec<(String, Target)>),
    /// `d[key] = …` on a name or an attribute of `self` (`self.deployments[region] = …`).
    Item {
        obj: Box<Expr>,
        key: Box<Expr>,
    },
    Other,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClassDef {
    pub name: String,
    pub name_span: Span,
    pub bases: Vec<Expr>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

impl ClassDef {
    /// Its own constructor, if its body has one.
    pub fn constructor(&self) -> Option<&FuncDef> {
        self.body.iter().find_map(|s| match s {
            Stmt::Func(f) if f.constructor => Some(f),
            _ => None,
        })
    }

    /// Its method `name` (never the constructor).
    pub fn method(&self, name: &str) -> Option<&FuncDef> {
        self.body.iter().find_map(|s| match s {
            Stmt::Func(f) if f.name == name && !f.constructor => Some(f),
            _ => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FuncDef {
    pub name: String,
    /// Whether this is a constructor (`def __init__`, a class's `constructor`); the model
    /// asks only of functions in a class's body.
    pub constructor: bool,
    /// The parameters' names, without one named `self` (Python's receiver: the IR's is
    /// [`ExprKind::This`]; a receiver named otherwise stays); `**kwargs` and `*args` keep their stars (they collect the
    /// keyword and positional arguments no other parameter takes). An unnamed one (a
    /// destructuring pattern) is empty.
    pub params: Vec<String>,
    /// Each parameter's default value, when it has one (same order as `params`).
    pub defaults: Vec<Option<Expr>>,
    /// A static method of a class (`static`, Python's `@staticmethod`): called on the class
    /// (`Envs.env_for("prod")`), its arguments are its parameters. Any other method called on
    /// its class takes a receiver first (`cls`, an explicit `self`) and is not followed.
    pub is_static: bool,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    Expr(Expr),
    Assign {
        target: Target,
        value: Expr,
    },
    For {
        target: Target,
        iter: Expr,
        body: Vec<Stmt>,
    },
    /// `if cond: … else: …` (an `elif` is an `If` in `otherwise`): the branch the condition
    /// picks when the model knows it; both, as maybe run, when it does not.
    If {
        cond: Expr,
        then: Vec<Stmt>,
        otherwise: Vec<Stmt>,
    },
    /// `return value` (`None`: a bare `return`): ends the function it is in, with that value.
    Return(Option<Expr>),
    Class(ClassDef),
    Func(FuncDef),
    /// `with`/`try`/`while` bodies: the model reads them as if they ran.
    Block(Vec<Stmt>),
}

/// One imported binding: `local` names `module` (when `member` is `None`) or `module.member`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub local: String,
    pub module: String,
    pub member: Option<String>,
    pub span: Span,
}

/// A lowered source file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    pub imports: Vec<Import>,
    pub body: Vec<Stmt>,
    /// Byte ranges of syntax errors the parser recovered from.
    pub errors: Vec<Span>,
    /// The first construct nested deeper than [`MAX_NESTING`], which was left out.
    pub too_deep: Option<Span>,
}

/// The function `name` among a block's statements (a module's or a class's body).
pub fn func_named<'m>(body: &'m [Stmt], name: &str) -> Option<&'m FuncDef> {
    body.iter().find_map(|s| match s {
        Stmt::Func(f) if f.name == name => Some(f),
        _ => None,
    })
}

/// Whether a module's own top-level statements bind `name`: a variable or constant, a
/// function, a class.
pub fn defines(module: &Module, name: &str) -> bool {
    fn binds(t: &Target, name: &str) -> bool {
        match t {
            Target::Name(n, _) => n == name,
            Target::Tuple(ts) => ts.iter().any(|t| binds(t, name)),
            Target::Object(ps) => ps.iter().any(|(_, t)| binds(t, name)),
            Target::SelfAttr(..) | Target::Item { .. } | Target::Other => false,
        }
    }
    module.body.iter().any(|s| match s {
        Stmt::Assign { target, .. } => binds(target, name),
        Stmt::Func(f) => f.name == name,
        Stmt::Class(c) => c.name == name,
        _ => false,
    })
}

/// What a module's code changes of the names it binds, for whether another file may read its
/// state as its top-level statements leave it (see `Interp::call_elsewhere`).
#[derive(Default, Debug)]
pub struct Writes {
    /// Names bound, item-assigned or changed by a mutating method inside a function or method.
    pub in_functions: std::collections::HashSet<String>,
    /// Names item-assigned or changed by a mutating method anywhere (`d["k"] = v`,
    /// `xs.append(v)`).
    pub items: std::collections::HashSet<String>,
    /// An attribute of something other than `self` assigned anywhere (`settings.ACCOUNT = …`).
    pub other: bool,
}

/// The methods that change the list, dict or map they are called on.
const MUTATING: &[&str] = &[
    "append",
    "extend",
    "insert",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "clear",
    "remove",
    "push",
    "unshift",
    "shift",
    "splice",
    "set",
    "delete",
    "add",
    "put",
    "putAll",
    "Add",
    "AddRange",
    "Remove",
    "Clear",
    "Insert",
];

/// See [`Writes`].
pub fn writes(module: &Module) -> Writes {
    let mut w = Writes::default();
    writes_in(&module.body, false, &mut w);
    w
}

fn writes_in(body: &[Stmt], in_function: bool, w: &mut Writes) {
    fn target(t: &Target, in_function: bool, w: &mut Writes) {
        match t {
            Target::Name(n, _) if in_function => {
                w.in_functions.insert(n.clone());
            }
            Target::Name(..) | Target::SelfAttr(..) => {}
            Target::Tuple(ts) => ts.iter().for_each(|t| target(t, in_function, w)),
            Target::Object(ps) => ps.iter().for_each(|(_, t)| target(t, in_function, w)),
            Target::Item { obj, .. } => {
                if let ExprKind::Name(n) = &obj.kind {
                    w.items.insert(n.clone());
                    if in_function {
                        w.in_functions.insert(n.clone());
                    }
                }
            }
            Target::Other => w.other = true,
        }
    }
    for stmt in body {
        let calls = |e: &Expr, w: &mut Writes| {
            expr_any(e, &mut |x| {
                if let ExprKind::Call { func, .. } = &x.kind {
                    if let ExprKind::Attr(obj, m, _) = &func.kind {
                        if let ExprKind::Name(n) = &obj.kind {
                            if MUTATING.contains(&m.as_str()) {
                                w.items.insert(n.clone());
                                if in_function {
                                    w.in_functions.insert(n.clone());
                                }
                            }
                        }
                    }
                }
                false
            });
        };
        match stmt {
            Stmt::Expr(e) | Stmt::Return(Some(e)) => calls(e, w),
            Stmt::Assign { target: t, value } => {
                target(t, in_function, w);
                calls(value, w);
            }
            Stmt::Return(None) => {}
            Stmt::For {
                target: t,
                iter,
                body,
            } => {
                target(t, in_function, w);
                calls(iter, w);
                writes_in(body, in_function, w);
            }
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                calls(cond, w);
                writes_in(then, in_function, w);
                writes_in(otherwise, in_function, w);
            }
            Stmt::Class(c) => writes_in(&c.body, in_function, w),
            Stmt::Func(f) => writes_in(&f.body, true, w),
            Stmt::Block(b) => writes_in(b, in_function, w),
        }
    }
}

impl Expr {
    pub fn unknown(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Unknown,
            span,
        }
    }

    /// `a.b.c` as `["a", "b", "c"]`, when the expression is a plain dotted name.
    pub fn dotted(&self) -> Option<Vec<&str>> {
        match &self.kind {
            ExprKind::Name(n) => Some(vec![n.as_str()]),
            ExprKind::This => Some(vec!["self"]),
            ExprKind::Attr(obj, attr, _) => {
                let mut v = obj.dotted()?;
                v.push(attr.as_str());
                Some(v)
            }
            _ => None,
        }
    }
}

/// The binary operators the IR has, by how the languages spell them (every plugin's one home
/// for them: `==`/`===`, `!=`/`!==`, `&&`, `||`, `+`, `??`); anything else is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Equal,
    NotEqual,
    And,
    Or,
    Add,
    /// `a ?? b`: `a` unless it is null.
    NullOr,
}

impl BinOp {
    pub fn of(op: &str) -> Option<BinOp> {
        Some(match op {
            "==" | "===" => BinOp::Equal,
            "!=" | "!==" => BinOp::NotEqual,
            "&&" => BinOp::And,
            "||" => BinOp::Or,
            "+" => BinOp::Add,
            "??" => BinOp::NullOr,
            _ => return None,
        })
    }

    /// The expression `left op right`. `a ?? b` is `a != null ? a : b` where `a` is a name or
    /// an attribute read (`a` is read twice, which only a read without effects allows), and
    /// unknown otherwise.
    pub fn lower(self, left: Expr, right: Expr) -> ExprKind {
        let (l, r) = (Box::new(left), Box::new(right));
        match self {
            BinOp::Equal | BinOp::NotEqual => ExprKind::Compare {
                equal: self == BinOp::Equal,
                left: l,
                right: r,
            },
            BinOp::And | BinOp::Or => ExprKind::Logic {
                and: self == BinOp::And,
                left: l,
                right: r,
            },
            BinOp::Add => ExprKind::Add { left: l, right: r },
            BinOp::NullOr if is_plain_read(&l) => {
                let span = l.span;
                ExprKind::Cond {
                    cond: Box::new(Expr {
                        kind: ExprKind::Compare {
                            equal: false,
                            left: l.clone(),
                            right: Box::new(Expr {
                                kind: ExprKind::Null,
                                span,
                            }),
                        },
                        span,
                    }),
                    then: l,
                    otherwise: r,
                }
            }
            BinOp::NullOr => ExprKind::Unknown,
        }
    }
}

/// A name, or attributes and literal keys of one: reading it has no effect.
pub fn is_plain_read(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::This => true,
        ExprKind::Attr(obj, _, _) => is_plain_read(obj),
        ExprKind::Subscript(obj, key) => {
            is_plain_read(obj) && matches!(key.kind, ExprKind::Str(_) | ExprKind::Num(_))
        }
        _ => false,
    }
}

/// Converts `addStage` / `crossAccountKeys` / `gitHub` to `add_stage` / `cross_account_keys` /
/// `git_hub`, the canonical spelling the model compares against.
/// Whether `pred` holds for an expression of a block: every expression and sub-expression of
/// its statements, outermost first, the bodies of its functions, classes and lambdas included
/// (not binding targets, bases or parameter defaults). Stops at the first that holds. The IR
/// is never nested deeper than [`MAX_NESTING`], and neither is this walk.
pub fn any_expr(body: &[Stmt], pred: &mut dyn FnMut(&Expr) -> bool) -> bool {
    for stmt in body {
        let found = match stmt {
            Stmt::Expr(e) | Stmt::Assign { value: e, .. } | Stmt::Return(Some(e)) => {
                expr_any(e, pred)
            }
            Stmt::Return(None) => false,
            Stmt::For { iter, body, .. } => expr_any(iter, pred) || any_expr(body, pred),
            Stmt::If {
                cond,
                then,
                otherwise,
            } => expr_any(cond, pred) || any_expr(then, pred) || any_expr(otherwise, pred),
            Stmt::Class(c) => any_expr(&c.body, pred),
            Stmt::Func(f) => any_expr(&f.body, pred),
            Stmt::Block(b) => any_expr(b, pred),
        };
        if found {
            return true;
        }
    }
    false
}

fn expr_any(e: &Expr, pred: &mut dyn FnMut(&Expr) -> bool) -> bool {
    if pred(e) {
        return true;
    }
    match &e.kind {
        ExprKind::Call { func, args } => {
            expr_any(func, pred)
                || args.iter().any(|a| match a {
                    Arg::Positional(x) | Arg::Keyword { value: x, .. } | Arg::Spread(x) => {
                        expr_any(x, pred)
                    }
                })
        }
        ExprKind::Attr(x, _, _)
        | ExprKind::Not(x)
        | ExprKind::Builtin {
            written: Some(x), ..
        } => expr_any(x, pred),
        ExprKind::Subscript(a, b)
        | ExprKind::Compare {
            left: a, right: b, ..
        }
        | ExprKind::Logic {
            left: a, right: b, ..
        }
        | ExprKind::Add { left: a, right: b } => expr_any(a, pred) || expr_any(b, pred),
        ExprKind::Cond {
            cond,
            then,
            otherwise,
        } => expr_any(cond, pred) || expr_any(then, pred) || expr_any(otherwise, pred),
        ExprKind::List(items) => items.iter().any(|i| expr_any(i, pred)),
        ExprKind::Dict(entries) => entries.iter().any(|d| match d {
            DictEntry::Pair { value: x, .. } | DictEntry::Spread(x) => expr_any(x, pred),
        }),
        ExprKind::Template(parts) => parts.iter().any(|p| match p {
            TemplatePart::Expr(x) => expr_any(x, pred),
            TemplatePart::Lit(_) => false,
        }),
        ExprKind::Lambda(l) => {
            any_expr(&l.body, pred) || l.value.as_ref().is_some_and(|v| expr_any(v, pred))
        }
        ExprKind::Str(_)
        | ExprKind::Num(_)
        | ExprKind::Bool(_)
        | ExprKind::Null
        | ExprKind::Name(_)
        | ExprKind::Builtin { written: None, .. }
        | ExprKind::This
        | ExprKind::Unknown => false,
    }
}

pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `snake_case(name) == snake`, without building the string (the model compares prop names
/// for every argument it reads).
pub fn is_snake_case_of(name: &str, snake: &str) -> bool {
    let mut want = snake.bytes();
    for (i, c) in name.bytes().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && want.next() != Some(b'_') {
                return false;
            }
            if want.next() != Some(c.to_ascii_lowercase()) {
                return false;
            }
        } else if want.next() != Some(c) {
            return false;
        }
    }
    want.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::{is_snake_case_of, snake_case};

    /// What a module defines at its top level, and nothing inside its functions or classes.
    #[test]
    fn defines_sees_only_a_modules_own_names() {
        let plugin = &crate::lang::PYTHON;
        let src = "A = 1\nB, (C, _) = f()\ndef g():\n    D = 2\nclass K:\n    E = 3\nself_x = 4\n";
        let tree = plugin.parser().parse(src, None).unwrap();
        let m = plugin.lower(&tree, src);
        for name in ["A", "B", "C", "g", "K", "self_x"] {
            assert!(super::defines(&m, name), "{name}");
        }
        for name in ["D", "E", "f", "x", ""] {
            assert!(!super::defines(&m, name), "{name}");
        }
    }

    #[test]
    fn is_snake_case_of_agrees_with_snake_case() {
        let names = [
            "addStage",
            "add_stage",
            "crossAccountKeys",
            "cross_account_keys",
            "gitHub",
            "git_hub",
            "Env",
            "env",
            "",
            "a",
            "A",
            "aB",
            "a_b",
            "ab",
            "URL",
            "u_r_l",
            "é",
            "xÉy",
        ];
        for name in names {
            for snake in names {
                assert_eq!(
                    is_snake_case_of(name, snake),
                    snake_case(name) == snake,
                    "{name:?} {snake:?}"
                );
            }
        }
    }

    #[test]
    fn snake_case_matches_cdk_naming() {
        assert_eq!(snake_case("addStage"), "add_stage");
        assert_eq!(snake_case("crossAccountKeys"), "cross_account_keys");
        assert_eq!(snake_case("gitHub"), "git_hub");
        assert_eq!(snake_case("add_stage"), "add_stage");
        assert_eq!(snake_case("tryGetContext"), "try_get_context");
    }
}
