//! Every position conversion in one place: LSP positions (line + UTF-8 or UTF-16 or UTF-32
//! column), rope char indices, byte offsets and tree-sitter `Point`s (row + byte column).
//!
//! Lines end at `\n` (so `\r\n` too): the rope is built without CR-only line breaks so that
//! its lines are exactly tree-sitter's rows. A lone `\r` is part of its line.

use ropey::Rope;
use tree_sitter::Point;

/// The column unit negotiated with the client (LSP `positionEncoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

/// A line and a column in the negotiated encoding, both 0-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub character: u32,
}

/// The chars of a line without its line break.
fn line_len_chars(rope: &Rope, line: usize) -> usize {
    let slice = rope.line(line);
    let mut n = slice.len_chars();
    if n > 0 && slice.char(n - 1) == '\n' {
        n -= 1;
        if n > 0 && slice.char(n - 1) == '\r' {
            n -= 1;
        }
    }
    n
}

/// The rope char index of a position, clamped into the document; `true` when it had to be
/// clamped (a line past the end, or a column inside a surrogate pair / past the line end).
pub fn pos_to_char(rope: &Rope, pos: Pos, enc: Encoding) -> (usize, bool) {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return (rope.len_chars(), true);
    }
    let start = rope.line_to_char(line);
    let len = line_len_chars(rope, line);
    let want = pos.character as usize;
    let slice = rope.slice(start..start + len);
    let (offset, clamped) = match enc {
        Encoding::Utf32 => (want.min(len), want > len),
        Encoding::Utf8 => {
            let bytes = slice.len_bytes();
            let b = want.min(bytes);
            // A column inside a multi-byte char moves back to the char's start.
            let c = slice.byte_to_char(b);
            (c, want > bytes || slice.char_to_byte(c) != b)
        }
        Encoding::Utf16 => {
            let units = slice.len_utf16_cu();
            let u = want.min(units);
            let c = slice.utf16_cu_to_char(u);
            (c, want > units || slice.char_to_utf16_cu(c) != u)
        }
    };
    (start + offset, clamped)
}

/// The position of a rope char index (clamped to the end of the document).
pub fn char_to_pos(rope: &Rope, char_idx: usize, enc: Encoding) -> Pos {
    let char_idx = char_idx.min(rope.len_chars());
    let line = rope.char_to_line(char_idx);
    let start = rope.line_to_char(line);
    let slice = rope.slice(start..char_idx);
    let character = match enc {
        Encoding::Utf32 => slice.len_chars(),
        Encoding::Utf8 => slice.len_bytes(),
        Encoding::Utf16 => slice.len_utf16_cu(),
    };
    Pos {
        line: line as u32,
        character: character as u32,
    }
}

pub fn byte_to_pos(rope: &Rope, byte: usize, enc: Encoding) -> Pos {
    char_to_pos(rope, byte_to_char(rope, byte), enc)
}

pub fn pos_to_byte(rope: &Rope, pos: Pos, enc: Encoding) -> usize {
    rope.char_to_byte(pos_to_char(rope, pos, enc).0)
}

/// A byte offset to a char index; an offset inside a char counts as that char.
pub fn byte_to_char(rope: &Rope, byte: usize) -> usize {
    rope.byte_to_char(byte.min(rope.len_bytes()))
}

/// Tree-sitter's point for a byte offset: row, and bytes since the row's start.
pub fn byte_to_point(rope: &Rope, byte: usize) -> Point {
    let byte = byte.min(rope.len_bytes());
    let row = rope.byte_to_line(byte);
    Point {
        row,
        column: byte - rope.line_to_byte(row),
    }
}

/// The byte offset of a tree-sitter point (clamped to its row and the document).
pub fn point_to_byte(rope: &Rope, point: Point) -> usize {
    if point.row >= rope.len_lines() {
        return rope.len_bytes();
    }
    let start = rope.line_to_byte(point.row);
    let end = if point.row + 1 < rope.len_lines() {
        rope.line_to_byte(point.row + 1)
    } else {
        rope.len_bytes()
    };
    (start + point.column).min(end)
}

/// 1-based line and column (in chars) of a byte offset in a plain string, for CLI output.
pub fn line_col_1based(text: &str, byte: usize) -> (usize, usize) {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &text[..byte];
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    (line, text[line_start..byte].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rope(s: &str) -> Rope {
        Rope::from_str(s)
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let r = rope("a🎉b\r\nü\n");
        assert_eq!(
            pos_to_char(
                &r,
                Pos {
                    line: 0,
                    character: 3
                },
                Encoding::Utf16
            ),
            (2, false)
        );
        assert_eq!(
            char_to_pos(&r, 2, Encoding::Utf16),
            Pos {
                line: 0,
                character: 3
            }
        );
        assert_eq!(
            char_to_pos(&r, 2, Encoding::Utf8),
            Pos {
                line: 0,
                character: 5
            }
        );
        // Inside the surrogate pair: clamped back to the emoji's start.
        assert_eq!(
            pos_to_char(
                &r,
                Pos {
                    line: 0,
                    character: 2
                },
                Encoding::Utf16
            ),
            (1, true)
        );
        // Past the end of a CRLF line: the line end, before "\r".
        assert_eq!(
            pos_to_char(
                &r,
                Pos {
                    line: 0,
                    character: 99
                },
                Encoding::Utf16
            ),
            (3, true)
        );
        assert_eq!(
            pos_to_char(
                &r,
                Pos {
                    line: 1,
                    character: 1
                },
                Encoding::Utf16
            ),
            (6, false)
        );
        assert_eq!(byte_to_point(&r, 8), Point { row: 1, column: 0 });
        assert_eq!(byte_to_point(&r, 10), Point { row: 1, column: 2 });
    }

    #[test]
    fn cli_line_col_is_one_based_chars() {
        assert_eq!(line_col_1based("ab\nüx", 5), (2, 2));
        assert_eq!(line_col_1based("ab", 0), (1, 1));
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("a"),
                Just("é"),
                Just("🎉"),
                Just("\r\n"),
                Just("\n"),
                Just("中"),
                Just(" "),
                Just("'"),
                Just("\u{200d}"),
            ],
            0..40,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn char_pos_round_trips_in_every_encoding(text in text_strategy(), pick in 0usize..1000) {
            let r = rope(&text);
            let c = pick % (r.len_chars() + 1);
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let p = char_to_pos(&r, c, enc);
                let (back, clamped) = pos_to_char(&r, p, enc);
                // A char index between '\r' and '\n' maps to the line end; all others round-trip.
                let inside_crlf = c > 0 && c < r.len_chars() && r.char(c - 1) == '\r' && r.char(c) == '\n';
                if !inside_crlf {
                    prop_assert_eq!(back, c);
                    prop_assert!(!clamped);
                }
            }
        }

        #[test]
        fn byte_point_round_trips_and_matches_tree_sitter(text in text_strategy(), pick in 0usize..1000) {
            let r = rope(&text);
            let mut b = pick % (text.len() + 1);
            while !text.is_char_boundary(b) { b -= 1; }
            let p = byte_to_point(&r, b);
            prop_assert_eq!(point_to_byte(&r, p), b);
            // tree-sitter's own definition: rows split at '\n', columns in bytes.
            let row = text[..b].matches('\n').count();
            let col = b - text[..b].rfind('\n').map(|i| i + 1).unwrap_or(0);
            prop_assert_eq!(p, Point { row, column: col });
            let (line, _) = line_col_1based(&text, b);
            prop_assert_eq!(line, row + 1);
        }

        #[test]
        fn any_position_is_safe(text in text_strategy(), line in 0u32..50, character in 0u32..200) {
            let r = rope(&text);
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let (c, _) = pos_to_char(&r, Pos { line, character }, enc);
                prop_assert!(c <= r.len_chars());
            }
        }
    }
}
