//! Target `analyze`: arbitrary bytes as a source file, through everything the engine does with
//! a file, for all three plugins.
//!
//! Input: a header byte (plugin), the file up to [`SEP`](crate::SEP) (made valid UTF-8 the way
//! the CLI does), then positions. Checks that nothing panics and that:
//! - `lang::repair` keeps every byte offset (same length, same line breaks, only blanks);
//! - every span the engine reports (diagnostics, their related places and fixes, syntax
//!   errors, outline symbols, hovers, completions, code actions) lies within the text, on char
//!   boundaries, with the row/column of its byte offset;
//! - `document::position` conversions of any position stay in the document and round-trip.

use std::ops::Range;

use pipelens::analysis;
use pipelens::document::position::{self, Encoding};
use pipelens::ide;
use pipelens::lang::{self, ExtraQueries};
use pipelens::model::{NoIndex, Span};
use ropey::Rope;
use tree_sitter::Point;

use super::Input;

/// Hover, completion and code actions are asked at this many places.
const MAX_PLACES: usize = 12;

pub fn check(data: &[u8]) {
    let mut input = Input::new(data);
    let plugin = input.plugin();
    let text = String::from_utf8_lossy(input.until_sep()).into_owned();
    let rope = Rope::from_str(&text);
    let tree = plugin.parser().parse(&text, None).expect("no cancellation");

    if let Some((repaired, _)) = lang::repair(plugin, &text, &tree) {
        assert_eq!(repaired.len(), text.len(), "repair changed the length");
        for (a, b) in text.bytes().zip(repaired.bytes()) {
            assert!(
                a == b || (b == b' ' && a != b'\n'),
                "repair did more than blank"
            );
        }
    }

    let a = analysis::analyze(
        plugin,
        &text,
        &tree,
        None,
        &NoIndex,
        &ExtraQueries::default(),
    );
    for s in &a.model.syntax_errors {
        span_ok(&text, &rope, s, "syntax error");
    }
    for d in &a.diagnostics {
        assert!(d.file.is_none(), "a single file has no other files");
        span_ok(&text, &rope, &d.span, d.code);
        for r in d.related.iter().filter(|r| r.file.is_none()) {
            span_ok(&text, &rope, &r.span, d.code);
        }
        for (s, _) in d.fix.iter().flat_map(|f| &f.edits) {
            span_ok(&text, &rope, s, d.code);
        }
    }
    for p in &a.model.pipelines {
        let prediction = pipelens::predict::predict(p);
        pipelens::predict::mermaid::render("fuzz", &prediction);
        pipelens::predict::svg::render("fuzz", "", &prediction);
    }
    let mut symbols = ide::symbols::outline(&a.model);
    while let Some(s) = symbols.pop() {
        range_ok(&text, &s.range, "symbol");
        range_ok(&text, &s.selection, "symbol selection");
        symbols.extend(s.children);
    }

    // Places: from the input, or spread over the text when the input has none.
    let mut places = Vec::new();
    while !input.is_empty() && places.len() < MAX_PLACES {
        places.push((input.pos(), input.u32() as usize));
    }
    if places.is_empty() {
        let step = text.len() / MAX_PLACES + 1;
        places.extend((0..=text.len()).step_by(step).map(|b| {
            let p = position::byte_to_pos(&rope, b, Encoding::Utf8);
            (p, b)
        }));
    }
    let accounts = ide::accounts::Accounts::default();
    // Bootstrap on, nothing observed: stage envs hover with "unknown".
    let observations = std::collections::BTreeMap::new();
    let checked = std::collections::BTreeMap::new();
    let probed = ide::hover::Probed {
        qualifier: "hnb659fds",
        observations: &observations,
        checked: &checked,
    };
    for (pos, byte) in places {
        positions(&rope, &text, pos, byte);
        let offset = position::pos_to_byte(&rope, pos, Encoding::Utf16);
        if let Some(h) = ide::hover::hover(&text, offset, &a.model, &accounts, Some(&probed)) {
            range_ok(&text, &h.range, "hover");
        }
        let ctx = ide::completion::Ctx {
            text: &text,
            offset,
            plugin,
            imports: &a.imports,
            accounts: &accounts,
            used_regions: &[],
            stage_classes: &[],
        };
        for item in ide::completion::complete(&ctx) {
            range_ok(&text, &item.replace, "completion");
            for (r, _) in &item.additional_edits {
                range_ok(&text, r, "completion edit");
            }
        }
        let end = position::pos_to_byte(&rope, input_free_end(pos), Encoding::Utf16);
        let range = offset.min(end)..offset.max(end);
        for action in ide::actions::actions(&text, plugin, &a.diagnostics, range) {
            assert!(action.diagnostic < a.diagnostics.len());
            for (r, _) in &action.edits {
                range_ok(&text, r, "code action");
            }
        }
    }
}

/// A second position for a range: a few lines below.
fn input_free_end(p: position::Pos) -> position::Pos {
    position::Pos {
        line: p.line.saturating_add(3),
        character: p.character,
    }
}

fn range_ok(text: &str, r: &Range<usize>, what: &str) {
    assert!(
        r.start <= r.end && r.end <= text.len(),
        "{what}: {r:?} outside 0..{}",
        text.len()
    );
    assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "{what}: {r:?} splits a char"
    );
}

fn span_ok(text: &str, rope: &Rope, s: &Span, what: &str) {
    range_ok(text, &(s.start_byte..s.end_byte), what);
    let point = |p: (usize, usize)| Point {
        row: p.0,
        column: p.1,
    };
    assert_eq!(
        position::byte_to_point(rope, s.start_byte),
        point(s.start),
        "{what}: start point of {s:?}"
    );
    assert_eq!(
        position::byte_to_point(rope, s.end_byte),
        point(s.end),
        "{what}: end point of {s:?}"
    );
}

/// Every conversion of one position (and one byte offset) in every encoding.
fn positions(rope: &Rope, text: &str, pos: position::Pos, byte: usize) {
    for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
        let (c, _) = position::pos_to_char(rope, pos, enc);
        assert!(c <= rope.len_chars());
        // A converted position is canonical: converting it back gives the same char, unclamped
        // (except between '\r' and '\n', which is the line's end).
        let p = position::char_to_pos(rope, c, enc);
        let (back, clamped) = position::pos_to_char(rope, p, enc);
        let inside_crlf =
            c > 0 && c < rope.len_chars() && rope.char(c - 1) == '\r' && rope.char(c) == '\n';
        if !inside_crlf {
            assert_eq!(back, c, "{pos:?} {enc:?}");
            assert!(!clamped, "{pos:?} {enc:?}");
        }
        let b = position::pos_to_byte(rope, pos, enc);
        assert!(b <= text.len() && text.is_char_boundary(b));
        let byte_pos = position::byte_to_pos(rope, byte, enc);
        assert!(position::pos_to_byte(rope, byte_pos, enc) <= text.len());
    }
    let point = position::byte_to_point(rope, byte);
    let b = position::point_to_byte(rope, point);
    assert!(b <= text.len());
    let boundary = (0..=byte.min(text.len()))
        .rev()
        .find(|b| text.is_char_boundary(*b))
        .unwrap_or(0);
    assert_eq!(
        position::point_to_byte(rope, position::byte_to_point(rope, boundary)),
        boundary
    );
    let (line, col) = position::line_col_1based(text, byte);
    assert!(line >= 1 && col >= 1);
}
