//! Protocol → engine conversions.

use ropey::Rope;
use tower_lsp_server::lsp_types as lsp;

use crate::document::position::{self, Encoding, Pos};

pub fn pos(p: lsp::Position) -> Pos {
    Pos {
        line: p.line,
        character: p.character,
    }
}

/// A protocol position as a byte offset (clamped into the document).
pub fn offset(rope: &Rope, p: lsp::Position, enc: Encoding) -> usize {
    position::pos_to_byte(rope, pos(p), enc)
}

pub fn range(rope: &Rope, r: lsp::Range, enc: Encoding) -> std::ops::Range<usize> {
    let (a, b) = (offset(rope, r.start, enc), offset(rope, r.end, enc));
    a.min(b)..a.max(b)
}
