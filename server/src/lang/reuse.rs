//! Incremental lowering: after an edit, statements whose text did not change are not lowered
//! again; their IR from the previous lowering is moved over and shifted to the new position.
//!
//! Why it is sound: lowering a statement reads nothing but its own syntax tree and where it
//! starts. A statement node of the same kind, without syntax errors, with exactly the same
//! text, parses to the same tree (both grammars parse a statement the same wherever statements
//! go), so its old IR shifted by the change in position equals a fresh lowering. When it starts
//! in another column its spans would need more than a shift, so it is lowered again.
//! Statements are matched by their text (hashed, then compared byte for byte), not by
//! tree-sitter's subtree reuse: the Python parser re-creates every statement after an edit in
//! the same block.
//!
//! Only simple statements (`Stmt::Expr`, `Stmt::Assign`) are memoized: compound statements are
//! re-assembled around them, so an edit inside a 3,000-line function reuses every other
//! statement of that function. The tests below check that a lowering with a memo equals a
//! fresh one after arbitrary edits.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::Hasher;
use std::sync::Arc;

use tree_sitter::Node;

use super::ir::{Arg, DictEntry, Expr, ExprKind, Span, Stmt, Target, TemplatePart};

/// What one lowering leaves for the next lowering of the same document.
pub struct LowerMemo {
    text: Arc<str>,
    /// The previous module's statements, owned: reused ones are moved out.
    body: Vec<Stmt>,
    groups: Vec<Group>,
}

impl std::fmt::Debug for LowerMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LowerMemo({} statements)", self.groups.len())
    }
}

impl LowerMemo {
    /// `text` must be the text `groups` were recorded on (by
    /// [`super::Plugin::lower_reusing`]), `body` the statements that lowering produced.
    pub fn new(text: Arc<str>, body: Vec<Stmt>, groups: Vec<Group>) -> LowerMemo {
        LowerMemo { text, body, groups }
    }
}

/// The simple statements one statement node lowered to: `len` consecutive statements of a body,
/// the first of which starts at byte `anchor`.
#[derive(Clone, Debug)]
pub struct Group {
    kind: u16,
    start: Pos,
    end_byte: usize,
    anchor: usize,
    len: usize,
}

/// A node's start: byte, row, column.
type Pos = (usize, usize, usize);

struct Old {
    kind: u16,
    start: Pos,
    end_byte: usize,
    stmts: Vec<Stmt>,
}

/// The state of one lowering: what can be reused, and what it records for the next.
#[derive(Default)]
pub(super) struct Reuse {
    /// Old statements by the hash of their text.
    old: HashMap<u64, Vec<Old>>,
    /// The node kinds that lowered to simple statements: only these are looked up.
    kinds: HashSet<u16>,
    old_text: Option<Arc<str>>,
    groups: Vec<Group>,
    /// Statements moved over instead of lowered (for tests and benchmarks).
    pub reused: usize,
}

impl Reuse {
    pub fn new(memo: Option<LowerMemo>) -> Reuse {
        let mut reuse = Reuse::default();
        let Some(memo) = memo else {
            return reuse;
        };
        let mut next = 0;
        explode(memo.body, &memo.groups, &mut next, &mut |g, stmts| {
            let text = &memo.text[g.start.0..g.end_byte];
            let h = reuse.hash(text);
            reuse.kinds.insert(g.kind);
            reuse.old.entry(h).or_default().push(Old {
                kind: g.kind,
                start: g.start,
                end_byte: g.end_byte,
                stmts,
            });
        });
        reuse.old_text = Some(memo.text);
        reuse
    }

    fn hash(&self, text: &str) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        h.write(text.as_bytes());
        h.finish()
    }

    pub fn into_groups(self) -> Vec<Group> {
        self.groups
    }

    /// The old statements of a node with this kind, text and column, if there are any.
    fn take(&mut self, node: &Node<'_>, text: &str, column: usize) -> Option<Old> {
        if self.old.is_empty() || !self.kinds.contains(&node.kind_id()) || node.has_error() {
            return None;
        }
        let old_text = self.old_text.as_deref()?;
        let h = self.hash(text);
        let list = self.old.get_mut(&h)?;
        let i = list.iter().position(|o| {
            o.kind == node.kind_id()
                && o.start.2 == column
                && old_text.get(o.start.0..o.end_byte) == Some(text)
        })?;
        Some(list.swap_remove(i))
    }
}

/// Every plugin's lowering of one statement: nothing when it is nested deeper than the bound
/// (the bound notes it), else `fresh`'s lowering, moved over from the memo when the statement
/// did not change (see [`stmt`]). A statement with a part left out, or whose lowering depends
/// on where it is, is not kept for reuse: a reused statement would not note it again.
pub(super) fn lowered_stmt<'t>(
    memo: Option<&RefCell<Reuse>>,
    nesting: &super::nesting::Nesting,
    src: &str,
    node: Node<'t>,
    out: &mut Vec<Stmt>,
    fresh: impl Fn(Node<'t>, &mut Vec<Stmt>),
) {
    let Some(_deeper) = nesting.stmt(&node) else {
        return;
    };
    match memo {
        Some(m) => stmt(m, src, node, out, |out| {
            let cuts = nesting.cuts();
            let dependent = nesting.context_dependent();
            fresh(node, out);
            nesting.cuts() == cuts && nesting.context_dependent() == dependent
        }),
        None => fresh(node, out),
    }
}

/// Lowers one statement node of `src` into `out`, moving the old IR over when the statement did
/// not change. `fresh` lowers it from the tree, and says whether what it lowered may be reused.
pub(super) fn stmt(
    memo: &RefCell<Reuse>,
    src: &str,
    node: Node<'_>,
    out: &mut Vec<Stmt>,
    fresh: impl FnOnce(&mut Vec<Stmt>) -> bool,
) {
    let p = node.start_position();
    let start = (node.start_byte(), p.row, p.column);
    let before = out.len();
    let text = &src[node.byte_range()];
    let hit = memo.borrow_mut().take(&node, text, start.2);
    if let Some(old) = hit {
        let mut stmts = old.stmts;
        let bytes = start.0 as isize - old.start.0 as isize;
        let rows = start.1 as isize - old.start.1 as isize;
        if bytes != 0 || rows != 0 {
            let mut shift = Shift { bytes, rows };
            for s in &mut stmts {
                shift.stmt(s);
            }
        }
        let mut m = memo.borrow_mut();
        m.reused += stmts.len();
        let mark = m.groups.len();
        record(&mut m, &node, start, &stmts, mark, true);
        drop(m);
        out.extend(stmts);
        return;
    }
    let mark = memo.borrow().groups.len();
    let reusable = fresh(out);
    record(
        &mut memo.borrow_mut(),
        &node,
        start,
        &out[before..],
        mark,
        reusable,
    );
}

fn is_simple(s: &Stmt) -> bool {
    matches!(s, Stmt::Expr(_) | Stmt::Assign { .. })
}

fn anchor(s: &Stmt) -> Option<usize> {
    match s {
        Stmt::Expr(e) => Some(e.span.start_byte),
        Stmt::Assign { value, .. } => Some(value.span.start_byte),
        _ => None,
    }
}

/// Records what a statement node lowered to. A node that lowered to simple statements only is
/// one group; anything recorded while lowering it did not end up in a body (the IR has no
/// statements inside expressions), so it is dropped. A compound statement keeps the groups of
/// its body. A node that is not `reusable` records no group of its own.
fn record(
    m: &mut Reuse,
    node: &Node<'_>,
    start: Pos,
    produced: &[Stmt],
    mark: usize,
    reusable: bool,
) {
    let simple = !produced.is_empty() && produced.iter().all(is_simple);
    if produced.is_empty() || simple {
        m.groups.truncate(mark);
    }
    if simple && reusable && !node.has_error() {
        if let Some(anchor) = anchor(&produced[0]) {
            m.groups.push(Group {
                kind: node.kind_id(),
                start,
                end_byte: node.end_byte(),
                anchor,
                len: produced.len(),
            });
        }
    }
}

/// Takes the old module apart into the groups it was recorded as: walks the bodies in source
/// order next to the groups (also in source order) and matches them by their first
/// statement's start byte. A group that no longer matches (its statements were discarded) or a
/// statement no group claims is skipped: it is simply lowered again.
fn explode(
    body: Vec<Stmt>,
    groups: &[Group],
    next: &mut usize,
    keep: &mut dyn FnMut(&Group, Vec<Stmt>),
) {
    let mut it = body.into_iter().peekable();
    while let Some(s) = it.next() {
        match s {
            Stmt::For { body, .. } | Stmt::Block(body) => explode(body, groups, next, keep),
            Stmt::If {
                then, otherwise, ..
            } => {
                explode(then, groups, next, keep);
                explode(otherwise, groups, next, keep);
            }
            Stmt::Class(c) => explode(c.body, groups, next, keep),
            Stmt::Func(f) => explode(f.body, groups, next, keep),
            Stmt::Return(_) => {}
            Stmt::Expr(_) | Stmt::Assign { .. } => {
                let Some(a) = anchor(&s) else { continue };
                while *next < groups.len() && groups[*next].anchor < a {
                    *next += 1;
                }
                let Some(g) = groups.get(*next).filter(|g| g.anchor == a) else {
                    continue;
                };
                *next += 1;
                let mut stmts = Vec::with_capacity(g.len);
                stmts.push(s);
                while stmts.len() < g.len && it.peek().is_some_and(is_simple) {
                    stmts.extend(it.next());
                }
                if stmts.len() == g.len {
                    keep(g, stmts);
                }
            }
        }
    }
}

/// Moves every span of reused IR by the change in its statement's position. Columns stay: a
/// statement is reused only when it starts in the same column.
struct Shift {
    bytes: isize,
    rows: isize,
}

impl Shift {
    fn span(&self, s: &mut Span) {
        s.start_byte = s.start_byte.wrapping_add_signed(self.bytes);
        s.end_byte = s.end_byte.wrapping_add_signed(self.bytes);
        s.start.0 = s.start.0.wrapping_add_signed(self.rows);
        s.end.0 = s.end.0.wrapping_add_signed(self.rows);
    }

    fn stmt(&mut self, s: &mut Stmt) {
        match s {
            Stmt::Expr(e) => self.expr(e),
            Stmt::Assign { target, value } => {
                self.target(target);
                self.expr(value);
            }
            // Never memoized themselves (see `record`), but a lambda's body may hold them.
            Stmt::For { target, iter, body } => {
                self.target(target);
                self.expr(iter);
                body.iter_mut().for_each(|s| self.stmt(s));
            }
            Stmt::Block(body) => body.iter_mut().for_each(|s| self.stmt(s)),
            Stmt::Return(value) => {
                if let Some(v) = value {
                    self.expr(v);
                }
            }
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond);
                then.iter_mut().for_each(|s| self.stmt(s));
                otherwise.iter_mut().for_each(|s| self.stmt(s));
            }
            Stmt::Class(c) => {
                self.span(&mut c.name_span);
                self.span(&mut c.span);
                c.bases.iter_mut().for_each(|e| self.expr(e));
                c.body.iter_mut().for_each(|s| self.stmt(s));
            }
            Stmt::Func(f) => {
                self.span(&mut f.span);
                f.defaults.iter_mut().flatten().for_each(|e| self.expr(e));
                f.body.iter_mut().for_each(|s| self.stmt(s));
            }
        }
    }

    fn target(&mut self, t: &mut Target) {
        match t {
            Target::Name(_, s) | Target::SelfAttr(_, s) => self.span(s),
            Target::Tuple(ts) => ts.iter_mut().for_each(|t| self.target(t)),
            Target::Object(ps) => ps.iter_mut().for_each(|(_, t)| self.target(t)),
            Target::Item { obj, key } => {
                self.expr(obj);
                self.expr(key);
            }
            Target::Other => {}
        }
    }

    fn expr(&mut self, e: &mut Expr) {
        self.span(&mut e.span);
        match &mut e.kind {
            ExprKind::Str(_)
            | ExprKind::Num(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Name(_)
            | ExprKind::Builtin { written: None, .. }
            | ExprKind::This
            | ExprKind::Unknown => {}
            ExprKind::Builtin {
                written: Some(e), ..
            } => self.expr(e),
            ExprKind::Template(parts) => {
                for p in parts {
                    if let TemplatePart::Expr(e) = p {
                        self.expr(e);
                    }
                }
            }
            ExprKind::Attr(obj, _, s) => {
                self.expr(obj);
                self.span(s);
            }
            ExprKind::Call { func, args } => {
                self.expr(func);
                for a in args {
                    match a {
                        Arg::Positional(e) | Arg::Spread(e) => self.expr(e),
                        Arg::Keyword {
                            name_span, value, ..
                        } => {
                            self.span(name_span);
                            self.expr(value);
                        }
                    }
                }
            }
            ExprKind::Subscript(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Dict(entries) => {
                for d in entries {
                    match d {
                        DictEntry::Pair {
                            key_span, value, ..
                        } => {
                            self.span(key_span);
                            self.expr(value);
                        }
                        DictEntry::Spread(e) => self.expr(e),
                    }
                }
            }
            ExprKind::List(items) => items.iter_mut().for_each(|e| self.expr(e)),
            ExprKind::Compare { left, right, .. }
            | ExprKind::Logic { left, right, .. }
            | ExprKind::Add { left, right } => {
                self.expr(left);
                self.expr(right);
            }
            ExprKind::Not(e) => self.expr(e),
            ExprKind::Cond {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond);
                self.expr(then);
                self.expr(otherwise);
            }
            ExprKind::Lambda(l) => {
                l.params.iter_mut().for_each(|t| self.target(t));
                l.body.iter_mut().for_each(|s| self.stmt(s));
                if let Some(v) = &mut l.value {
                    self.expr(v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tree_sitter::{InputEdit, Point, Tree};

    use super::LowerMemo;
    use crate::lang::{self, Plugin};

    const PY: &str = include_str!("../../../examples/payments-python/payments/pipeline_stack.py");
    const TS: &str = include_str!("../../../examples/payments-typescript/lib/pipeline-stack.ts");

    fn point_at(text: &str, byte: usize) -> Point {
        let before = &text[..byte];
        let row = before.matches('\n').count();
        let column = byte - before.rfind('\n').map_or(0, |i| i + 1);
        Point { row, column }
    }

    /// Replaces `start..end` of `text` by `insert`, edits `tree` to match and re-parses
    /// incrementally, as the document store does.
    fn edit(
        plugin: &Plugin,
        text: &str,
        tree: &Tree,
        start: usize,
        end: usize,
        insert: &str,
    ) -> (String, Tree) {
        let new_text = format!("{}{insert}{}", &text[..start], &text[end..]);
        let mut old = tree.clone();
        old.edit(&InputEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: start + insert.len(),
            start_position: point_at(text, start),
            old_end_position: point_at(text, end),
            new_end_position: point_at(&new_text, start + insert.len()),
        });
        let tree = plugin.parser().parse(&new_text, Some(&old)).unwrap();
        (new_text, tree)
    }

    /// Lowers `tree` with the memo and checks the result against a fresh lowering; returns the
    /// memo for the next edit and how many statements were reused.
    fn check(plugin: &Plugin, text: &str, tree: &Tree, memo: LowerMemo) -> (LowerMemo, usize) {
        let lowered = plugin.lower_reusing(tree, text, Some(memo));
        assert_eq!(
            lowered.module,
            plugin.lower(tree, text),
            "after editing to:\n{text}"
        );
        let reused = lowered.reused;
        let memo = LowerMemo::new(text.into(), lowered.module.body, lowered.groups);
        (memo, reused)
    }

    fn start(plugin: &Plugin, text: &str) -> (Tree, LowerMemo) {
        let tree = plugin.parser().parse(text, None).unwrap();
        let lowered = plugin.lower_reusing(&tree, text, None);
        let memo = LowerMemo::new(text.into(), lowered.module.body, lowered.groups);
        (tree, memo)
    }

    #[test]
    fn a_statement_nested_too_deep_is_lowered_again_so_it_is_noted_again() {
        let chain = ".b()".repeat(crate::lang::ir::MAX_NESTING);
        for (lang_id, text) in [
            ("python", format!("x = a{chain}\ny = 1\n")),
            ("typescript", format!("const x = a{chain};\nconst y = 1;\n")),
        ] {
            let plugin = lang::for_language_id(lang_id).unwrap();
            let (tree, memo) = start(plugin, &text);
            assert!(plugin.lower(&tree, &text).too_deep.is_some(), "{lang_id}");
            // An edit in the other statement; `check` compares with a fresh lowering, note
            // included.
            let at = text.rfind('1').unwrap();
            let (text, tree) = edit(plugin, &text, &tree, at, at + 1, "2");
            let (_, reused) = check(plugin, &text, &tree, memo);
            assert_eq!(reused, 0, "{lang_id}");
        }
    }

    #[test]
    fn an_edit_reuses_the_statements_it_did_not_touch_and_shifts_the_ones_after_it() {
        for (lang_id, text, needle) in [
            ("python", PY, "\"us-east-1\""),
            ("typescript", TS, "'us-east-1'"),
        ] {
            let plugin = lang::for_language_id(lang_id).unwrap();
            let (tree, memo) = start(plugin, text);
            // A longer region: everything after it moves in bytes.
            let at = text.find(needle).unwrap() + 1;
            let (text, tree) = edit(plugin, text, &tree, at, at + 9, "eu-central-1");
            let (memo, reused) = check(plugin, &text, &tree, memo);
            assert!(reused > 3, "{lang_id}: only {reused} statements reused");
            // One more line after it: everything after moves in rows too.
            let eol = at + text[at..].find('\n').unwrap();
            let (text, tree) = edit(plugin, &text, &tree, eol, eol, "\n");
            let (memo, reused) = check(plugin, &text, &tree, memo);
            assert!(reused > 3, "{lang_id}: only {reused} statements reused");
            // Undo both: the same statements come back to their first place.
            let (text, tree) = edit(plugin, &text, &tree, eol, eol + 1, "");
            let (text, tree) = edit(plugin, &text, &tree, at, at + 12, "us-east-1");
            let (_, reused) = check(plugin, &text, &tree, memo);
            assert!(reused > 3, "{lang_id}: only {reused} statements reused");
        }
    }

    fn simple(body: &[crate::lang::ir::Stmt]) -> usize {
        use crate::lang::ir::Stmt;
        body.iter()
            .map(|s| match s {
                Stmt::Expr(_) | Stmt::Assign { .. } => 1,
                Stmt::Return(_) => 0,
                Stmt::For { body, .. } | Stmt::Block(body) => simple(body),
                Stmt::If {
                    then, otherwise, ..
                } => simple(then) + simple(otherwise),
                Stmt::Class(c) => simple(&c.body),
                Stmt::Func(f) => simple(&f.body),
            })
            .sum()
    }

    #[test]
    fn a_memo_reuses_statements_by_their_text_only() {
        let python = lang::for_language_id("python").unwrap();
        let (_, memo) = start(python, PY);
        // The same text parsed afresh: every simple statement is the same.
        let tree = python.parser().parse(PY, None).unwrap();
        let (memo, reused) = check(python, PY, &tree, memo);
        assert_eq!(reused, simple(&python.lower(&tree, PY).body));
        // Another file's text: nothing is.
        let tree = python.parser().parse(TS, None).unwrap();
        let (_, reused) = check(python, TS, &tree, memo);
        assert_eq!(reused, 0);
    }

    fn edits() -> impl Strategy<Value = Vec<(f64, usize, String)>> {
        let insert = prop::collection::vec(
            prop::sample::select(vec![
                "a",
                "x = 1",
                "\n",
                "    ",
                " ",
                "(",
                ")",
                "\"",
                "'",
                "`",
                ",",
                "[",
                "]",
                "{",
                "}",
                ":",
                "pipeline",
                ".add_stage(",
                "#",
                "//",
                "env=",
                "é",
                "😀",
                "\r\n",
                "if x:",
                "for s in [1, 2]:\n",
                ";",
            ]),
            0..4,
        )
        .prop_map(|v| v.concat());
        prop::collection::vec((0.0..1.0f64, 0usize..12, insert), 1..12)
    }

    fn char_floor(text: &str, mut i: usize) -> usize {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn lowering_with_a_memo_equals_a_fresh_lowering_after_any_edits(
            ts in any::<bool>(),
            steps in edits(),
        ) {
            let (lang_id, mut text) = if ts { ("typescript", TS.to_string()) } else { ("python", PY.to_string()) };
            let plugin = lang::for_language_id(lang_id).unwrap();
            let (mut tree, mut memo) = start(plugin, &text);
            for (at, del, insert) in steps {
                let s = char_floor(&text, (at * text.len() as f64) as usize);
                let e = char_floor(&text, (s + del).min(text.len()));
                let (t, tr) = edit(plugin, &text, &tree, s, e, &insert);
                let (m, _) = check(plugin, &t, &tr, memo);
                text = t;
                tree = tr;
                memo = m;
            }
        }
    }
}
