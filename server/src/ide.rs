//! Editor features on top of the model, independent of the protocol: completion, hover,
//! document outline and code actions. They take text with byte offsets and return plain
//! data that `lsp/` converts.

pub mod accounts;
pub mod actions;
pub mod completion;
pub mod hover;
pub mod migrate;
pub mod stages;
pub mod symbols;

/// A byte range in the document's text.
pub type ByteRange = std::ops::Range<usize>;

/// The string literal (or the unterminated start of one) around `offset` on its line:
/// (quote char, range of the contents typed so far up to the closing quote if any).
pub(crate) fn string_at(text: &str, offset: usize) -> Option<(char, ByteRange)> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let before = &text[line_start..offset];
    // Walk the line's quotes to see whether the cursor is inside one.
    let mut open: Option<(char, usize)> = None;
    for (i, c) in before.char_indices() {
        match open {
            None if c == '"' || c == '\'' || c == '`' => open = Some((c, line_start + i + 1)),
            Some((q, _)) if c == q && !before[..i].ends_with('\\') => open = None,
            _ => {}
        }
    }
    let (q, start) = open?;
    let end = text[offset..line_end]
        .find(q)
        .map_or(offset, |i| offset + i);
    Some((q, start..end))
}
