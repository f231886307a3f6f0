//! Target `edits`: random edit sequences applied to an open [`Document`], as the language
//! server applies `didChange`.
//!
//! Input: a header byte (plugin, column encoding, which parse path), the initial text up to
//! [`SEP`](crate::SEP), then batches of edits (ranges from the input, often outside the
//! document or inside a multi-byte char; inserted text from [`crate::FRAGMENTS`] or raw bytes).
//! After every batch:
//! - the document's text equals the text computed by a plain-string reference of the LSP
//!   position rules (an independent implementation of `document::position`);
//! - the incremental tree equals a fresh parse of that text (node kinds, byte ranges, points,
//!   error and missing flags) when the text parses without errors (with errors, tree-sitter's
//!   recovery may differ between an incremental and a fresh parse: the analysis must not);
//! - `analysis::analyze` of the text with the incremental tree gives the same model and
//!   diagnostics as with the fresh tree;
//! - so does `analysis::analyze_reusing` with the memo the previous batch left (incremental
//!   lowering, `lang/reuse.rs`), as the language server analyses.

use pipelens::analysis;
use pipelens::document::{Change, Document, Encoding, Pos};
use pipelens::lang::{ExtraQueries, LowerMemo, Plugin, ALL};
use pipelens::model::NoIndex;
use tree_sitter::Tree;

use super::Input;

const MAX_BATCHES: usize = 48;

pub fn check(data: &[u8]) {
    let mut input = Input::new(data);
    let header = input.u8();
    // In `lang::ALL`'s order, as every target reads the header (`Input::plugin`).
    let plugin = ALL[usize::from(header) % ALL.len()];
    let enc = [Encoding::Utf16, Encoding::Utf8, Encoding::Utf32][usize::from(header / 3 % 3)];
    // The language server parses outside its lock (`parse_input` → `parse_rope` → `install`);
    // the CLI and tests call `tree()`. Both must give the same tree.
    let background_parse = header & 0x80 != 0;
    let mut reference = String::from_utf8_lossy(input.until_sep()).into_owned();
    let mut doc = Document::new(plugin, &reference, 0);
    let mut version = 0;
    let mut memo = None;
    for _ in 0..MAX_BATCHES {
        if input.is_empty() {
            break;
        }
        let n = 1 + usize::from(input.u8() % 3);
        let mut batch: Vec<(Option<(Pos, Pos)>, String)> = Vec::new();
        for _ in 0..n {
            let kind = input.u8();
            let range = if kind % 32 == 31 {
                None // the whole text
            } else {
                let start = input.pos();
                let end = if kind & 0x40 != 0 { start } else { input.pos() };
                Some((start, end))
            };
            batch.push((range, input.fragment()));
        }
        for (range, text) in &batch {
            match range {
                None => reference = text.clone(),
                Some((s, e)) => {
                    let (a, b) = (
                        reference_offset(&reference, *s, enc),
                        reference_offset(&reference, *e, enc),
                    );
                    reference.replace_range(a.min(b)..a.max(b), text);
                }
            }
        }
        let changes: Vec<Change<'_>> = batch
            .iter()
            .map(|(range, text)| Change {
                range: *range,
                text,
            })
            .collect();
        version += 1;
        doc.apply(&changes, enc, version);
        assert_eq!(doc.text(), reference, "text after batch {version}");
        let tree = if background_parse {
            let (rope, old) = doc.parse_input().expect("edits are pending");
            let tree = Document::parse_rope(plugin, &rope, old.as_ref(), &|| false)
                .expect("no cancellation");
            doc.install(version, tree.clone());
            assert!(doc.parsed_tree().is_some(), "installed tree is current");
            tree
        } else {
            doc.tree().expect("no cancellation").clone()
        };
        same_as_fresh_parse(plugin, &reference, &tree, &mut memo);
    }
}

/// The incremental tree and its analysis against a fresh parse of the same text.
fn same_as_fresh_parse(
    plugin: &'static Plugin,
    text: &str,
    incremental: &Tree,
    memo: &mut Option<LowerMemo>,
) {
    let fresh = plugin.parser().parse(text, None).expect("no cancellation");
    // Where the text has syntax errors, tree-sitter's error recovery may build another tree
    // incrementally than from scratch (fuzz/regressions/edits/incremental-error-recovery: the
    // ERROR nodes differ); there the contract is the analysis, checked below.
    let with_errors = fresh.root_node().has_error() || incremental.root_node().has_error();
    if !with_errors {
        assert_eq!(
            dump(incremental),
            dump(&fresh),
            "incremental tree differs from a fresh parse of {text:?}"
        );
    }
    let extra = ExtraQueries::default();
    let a = analysis::analyze(plugin, text, incremental, None, &NoIndex, &extra);
    let b = analysis::analyze(plugin, text, &fresh, None, &NoIndex, &extra);
    assert_eq!(a.diagnostics, b.diagnostics, "diagnostics of {text:?}");
    let (mut model_a, mut model_b) = (a.model.clone(), b.model.clone());
    if with_errors {
        // `syntax_errors` are the spans of the tree's ERROR and MISSING nodes, so they differ
        // with the trees (fuzz/regressions/edits/incremental-error-regions: one ERROR region
        // incrementally, four from scratch). Both must still see errors; the rest is equal.
        assert_eq!(
            model_a.syntax_errors.is_empty(),
            model_b.syntax_errors.is_empty(),
            "syntax errors in one tree only, of {text:?}"
        );
        model_a.syntax_errors.clear();
        model_b.syntax_errors.clear();
    }
    assert_eq!(model_a, model_b, "model of {text:?}");
    let shared: std::sync::Arc<str> = text.into();
    let c = analysis::analyze_reusing(
        plugin,
        &shared,
        incremental,
        None,
        &NoIndex,
        &extra,
        memo,
        &|| false,
    )
    .expect("not abandoned");
    // The reuse contract: the same as a fresh lowering of the same (incremental) tree.
    assert_eq!(
        c.model, a.model,
        "model of {text:?} reusing the last lowering"
    );
    assert_eq!(
        c.diagnostics, a.diagnostics,
        "diagnostics of {text:?} reusing"
    );
}

/// Every node of a tree with its kind, flags, byte range and points, walked without
/// recursion (a fuzzed file can nest thousands deep).
pub fn dump(tree: &Tree) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    let mut depth = 0usize;
    loop {
        let n = cursor.node();
        out.push(format!(
            "{depth} {}{}{} {:?} {:?}-{:?}",
            n.kind(),
            if n.is_error() { " ERROR" } else { "" },
            if n.is_missing() { " MISSING" } else { "" },
            n.byte_range(),
            n.start_position(),
            n.end_position()
        ));
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
            depth -= 1;
        }
    }
}

/// The LSP rules on a plain string, written independently of `document::position`: lines end
/// at `\n`; a column past the line's end (before its `\r\n` or `\n`) is the line's end; a line
/// past the last is the end of the text; a column inside a char (a UTF-8 continuation byte, the
/// second half of a surrogate pair) is that char's start.
pub fn reference_offset(text: &str, pos: Pos, enc: Encoding) -> usize {
    let mut line_start = 0;
    for _ in 0..pos.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let rest = &text[line_start..];
    let mut line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    if rest.len() > line.len() {
        line = line.strip_suffix('\r').unwrap_or(line);
    }
    let want = pos.character as usize;
    let mut col = 0;
    for (i, c) in line.char_indices() {
        let width = match enc {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        };
        if col + width > want {
            return line_start + i;
        }
        col += width;
    }
    line_start + line.len()
}
