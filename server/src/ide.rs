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

/// Test support: applies edits (sorted by start) and re-analyses the result, asserting the
/// diagnostic `gone` is gone.
#[cfg(test)]
pub(crate) fn apply_and_recheck(
    plugin: &'static crate::lang::Plugin,
    src: &str,
    edits: &[(ByteRange, String)],
    gone: &str,
) -> (String, crate::analysis::Analysis) {
    let mut out = src.to_string();
    for (r, t) in edits.iter().rev() {
        out.replace_range(r.clone(), t);
    }
    let after = crate::analysis::analyze_text(
        plugin,
        &out,
        None,
        &crate::model::NoIndex,
        &crate::lang::ExtraQueries::default(),
    );
    assert!(after.diagnostics.iter().all(|d| d.code != gone), "{out}");
    (out, after)
}
