//! Text from the code being checked (ids, strings, file names, lines of source), made safe for
//! the places where text is more than text: a terminal or CI log ([`for_log`], [`json_for_log`])
//! and Markdown ([`md_code`], [`md_text`]).
//!
//! The code's author is not the person reading the output. In a CI log a line starting with
//! `::` is a GitHub Actions workflow command (`::error::`, `::add-mask::`, `::stop-commands::`)
//! and `##[` starts one anywhere in a line; in a terminal an escape sequence rewrites the screen;
//! in a hover, a backtick ends a code span and `[text](url)` becomes a link. Every value from
//! the code goes through one of these before it is shown.

use std::borrow::Cow;
use std::fmt::Write;

/// A value for a terminal or a CI log, on one line: control characters and invisible
/// direction marks written as escapes (`\n`, `\u{1b}`), the workflow-command markers broken
/// (`##[` anywhere, `::` or `##` where the value would start a line), everything else as is.
pub fn for_log(s: &str) -> Cow<'_, str> {
    let starts_a_command = {
        let t = s.trim_start();
        t.starts_with("::") || t.starts_with("##")
    };
    if !starts_a_command && !s.contains("##") && !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    if starts_a_command {
        out.push('\\');
    }
    let mut prev_hash = false;
    for c in s.chars() {
        if c == '#' && prev_hash {
            // `##` becomes `#\u{23}`: no `##[` (a command anywhere in a line) or `##vso[`.
            out.push_str("\\u{23}");
            prev_hash = false;
            continue;
        }
        prev_hash = c == '#';
        escape_char(&mut out, c);
    }
    Cow::Owned(out)
}

/// Serialized JSON for a terminal or CI log. JSON already escapes the C0 control characters
/// and keeps every string on one line; what is left is the legacy workflow command `##[`,
/// which the runner finds anywhere in a line, including inside a JSON string, and the C1
/// controls and direction marks [`for_log`] escapes. They are written as `\u0023`, `\u202e`:
/// the same value for every JSON reader.
pub fn json_for_log(json: String) -> String {
    // ASCII controls are JSON's own line breaks and indentation here (serde_json escaped the
    // ones inside strings).
    let escaped = |c: char| !c.is_ascii() && needs_escape(c);
    if !json.contains("##") && !json.chars().any(escaped) {
        return json;
    }
    // `#` and the characters escaped here only occur inside strings in JSON (serde_json has
    // escaped the C0 controls already), where `\uXXXX` means the same.
    let mut out = String::with_capacity(json.len() + 16);
    let mut prev_hash = false;
    for c in json.chars() {
        if c == '#' && prev_hash {
            out.push_str("\\u0023");
            prev_hash = false;
            continue;
        }
        prev_hash = c == '#';
        if escaped(c) {
            // Every such character is in the Basic Multilingual Plane.
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// A value as an inline code span: a fence longer than any run of backticks inside (the
/// CommonMark rule, so nothing inside can close it), padded when the value starts or ends with
/// a backtick or a space, and line breaks and other control characters escaped (a blank line
/// would end the paragraph, and the span with it).
pub fn md_code(s: &str) -> String {
    let mut body = String::with_capacity(s.len());
    for c in s.chars() {
        escape_char(&mut body, c);
    }
    if body.is_empty() {
        return "` `".into();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = body.starts_with(['`', ' ']) || body.ends_with(['`', ' ']);
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// A value as plain Markdown text: every character that could start emphasis, code, a link,
/// an image, HTML or an entity backslash-escaped; control characters escaped as in
/// [`for_log`], on one line.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '!' | '|' | '~' | '#'
        ) {
            out.push('\\');
            out.push(c);
        } else if needs_escape(c) {
            // The escape's own backslash, escaped, so it shows.
            let mut e = String::new();
            escape_char(&mut e, c);
            out.push_str(&e.replace('\\', "\\\\"));
        } else {
            out.push(c);
        }
    }
    out
}

/// Control characters (C0, DEL, C1), line and paragraph separators, and the invisible marks
/// that reorder text on screen (bidirectional overrides and isolates, as in "Trojan Source").
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

fn escape_char(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if needs_escape(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_values_are_unchanged_and_borrowed() {
        for s in [
            "Prod",
            "eu-west-1",
            "a::b",
            "C:\\path\\x.py",
            "#1 stage",
            "é 🎉",
            "",
        ] {
            assert!(matches!(for_log(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn a_value_never_makes_a_line_a_command_or_moves_the_cursor() {
        let cases = [
            ("::error::pwned", "\\::error::pwned"),
            ("  ::warning file=x::y", "\\  ::warning file=x::y"),
            ("a\n::error::x", "a\\n::error::x"),
            ("x ##[error]y", "x #\\u{23}[error]y"),
            ("##[group]g", "\\#\\u{23}[group]g"),
            ("###", "\\#\\u{23}#"),
            ("red \u{1b}[31m", "red \\u{1b}[31m"),
            ("csi \u{9b}2J", "csi \\u{9b}2J"),
            ("tab\there\r", "tab\\there\\r"),
            ("bidi \u{202e}txt.exe", "bidi \\u{202e}txt.exe"),
        ];
        for (value, expected) in cases {
            let q = for_log(value);
            assert_eq!(q, expected);
            assert!(!q.contains('\n') && !q.contains("##"), "{q}");
            assert!(!q.trim_start().starts_with("::"), "{q}");
        }
    }

    #[test]
    fn json_keeps_its_values_but_never_says_hash_hash() {
        let v = serde_json::json!({"id": "##[error]x ### \u{202e}txt \u{9b}2J \u{1b}"});
        let s = json_for_log(serde_json::to_string_pretty(&v).unwrap());
        assert!(s.starts_with("{\n  \"id\": \"#\\u0023[error]"), "{s}");
        assert!(
            !s.contains("##") && !s.contains(['\u{202e}', '\u{9b}', '\u{1b}']),
            "{s}"
        );
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }

    #[test]
    fn code_spans_outlast_every_backtick_run() {
        assert_eq!(md_code("Prod"), "`Prod`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`x``"), "``` `x`` ```");
        assert_eq!(
            md_code("a\n\n[x](javascript:alert(1))"),
            "`a\\n\\n[x](javascript:alert(1))`"
        );
        assert_eq!(md_code(""), "` `");
    }

    #[test]
    fn plain_text_has_no_markup_left() {
        assert_eq!(md_text("prod"), "prod");
        assert_eq!(
            md_text("![x](http://t/p.png) <b>&amp;\n# h"),
            "\\!\\[x\\](http://t/p.png) \\<b\\>\\&amp;\\\\n\\# h"
        );
    }
}
