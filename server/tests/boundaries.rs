//! The boundaries ARCHITECTURE.md promises, checked on the source (test code excluded: a
//! `#[cfg(test)] mod … { … }` block, and the file of a `#[cfg(test)] mod …;`):
//! - no LSP type outside the language server (`src/lsp.rs`, `src/lsp/`);
//! - no process started outside `src/trust.rs`, whose `command`/`async_command` need the proof
//!   that the workspace is trusted (but the listed `PROCESS_EXCEPTIONS`);
//! - no language named outside the language plugins (`src/lang.rs`, `src/lang/`): no
//!   `LangId::`, no plugin static (`PYTHON`, …), no language name or file extension as a string,
//!   except the places listed in `LANGUAGE_LEAKS` (issue 18: they move into the plugins).
//!
//! Each list must say exactly what is there: a new occurrence fails, and so does one that went
//! away (take it off the list).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

/// Files outside `lang/` that still name a language, and how many times: the known debt
/// (none today; a language's idioms in the model, `__init__` or `require`, are not looked for).
const LANGUAGE_LEAKS: &[(&str, usize)] = &[];

/// Process starts outside `trust.rs`: the synth guard forks a watcher that kills a synth's
/// process group when the server dies; it runs no program.
const PROCESS_EXCEPTIONS: &[(&str, usize)] = &[("synth/guard.rs", 1)];

/// Every `.rs` file under `src/`, by its path under `src/`, without its test code and
/// whole-line comments.
fn sources() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut out = BTreeMap::new();
    let mut test_files = BTreeSet::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let (code, test_mods) = without_tests(&text);
        // `#[cfg(test)] mod x;` in `a.rs` (or `a/mod.rs`, `lib.rs`) is `a/x.rs`.
        let dir = match path.file_stem().and_then(|s| s.to_str()) {
            Some("lib" | "main" | "mod") => path.parent().unwrap().to_path_buf(),
            _ => path.with_extension(""),
        };
        for m in test_mods {
            test_files.insert(dir.join(format!("{m}.rs")));
            test_files.insert(dir.join(&m).join("mod.rs"));
        }
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        out.insert(rel, code);
    }
    for t in test_files {
        if let Ok(rel) = t.strip_prefix(&root) {
            out.remove(&rel.to_string_lossy().replace('\\', "/"));
        }
    }
    assert!(out.len() > 50, "found only {} source files", out.len());
    out
}

/// The file's code without whole-line comments and test modules, and the names of the test modules that
/// live in files of their own.
fn without_tests(text: &str) -> (String, Vec<String>) {
    let mut code = Vec::new();
    let mut test_mods = Vec::new();
    let mut at = 0; // byte offset of the current line
    let mut skip_to = 0; // bytes before this are inside a test module
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let here = at;
        at += line.len();
        if here < skip_to {
            continue;
        }
        let next = lines.get(i + 1).map(|l| l.trim());
        if line.trim() == "#[cfg(test)]" && next.is_some_and(|n| n.starts_with("mod ")) {
            let decl = next.unwrap();
            if let Some(name) = decl.strip_prefix("mod ").and_then(|d| d.strip_suffix(';')) {
                test_mods.push(name.trim().to_string());
                skip_to = at + lines[i + 1].len();
            } else {
                let open = at + lines[i + 1].find('{').expect("a test module's brace");
                skip_to = block_end(text, open);
            }
            continue;
        }
        if !line.trim_start().starts_with("//") {
            code.push(line.trim_end_matches('\n'));
        }
    }
    (code.join("\n"), test_mods)
}

/// Whether the `r` at `i` starts a raw string: nothing of an identifier before it, or a `b` or
/// `c` prefix that is not part of one.
fn raw_string_start(b: &[u8], i: usize) -> bool {
    let ident = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    match i.checked_sub(1).map(|j| b[j]) {
        None => true,
        Some(b'b' | b'c') => !i.checked_sub(2).is_some_and(|j| ident(&b[j])),
        Some(c) => !ident(&c),
    }
}

/// The byte after the `}` that closes the `{` at `open`, skipping strings (raw ones too),
/// character literals and comments.
fn block_end(text: &str, open: usize) -> usize {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            // A raw string (`r"…"`, `r#"…"#`, and `br`/`cr` ones), not an identifier's `r`.
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"')) && raw_string_start(b, i) => {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    let close = format!("\"{}", "#".repeat(hashes));
                    let from = i + 2 + hashes;
                    i = text[from..]
                        .find(&close)
                        .map_or(b.len(), |n| from + n + close.len())
                        - 1;
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            // A character literal (`'{'`, `'\''`), not a lifetime (`'a`).
            b'\'' if b.get(i + 1) == Some(&b'\\') => {
                i += 2;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
            }
            b'\'' if b.get(i + 2) == Some(&b'\'') => i += 2,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

fn offenders(
    sources: &BTreeMap<String, String>,
    allowed: impl Fn(&str) -> bool,
    needles: &[&str],
) -> BTreeMap<String, usize> {
    let needles: Vec<Regex> = needles.iter().map(|n| Regex::new(n).unwrap()).collect();
    sources
        .iter()
        .filter(|(path, _)| !allowed(path))
        .filter_map(|(path, text)| {
            let n: usize = needles.iter().map(|n| n.find_iter(text).count()).sum();
            (n > 0).then(|| (path.clone(), n))
        })
        .collect()
}

fn listed(list: &[(&str, usize)]) -> BTreeMap<String, usize> {
    list.iter().map(|(p, n)| (p.to_string(), *n)).collect()
}

#[test]
fn no_lsp_type_outside_the_language_server() {
    let found = offenders(
        &sources(),
        |p| p == "lsp.rs" || p.starts_with("lsp/"),
        &[r"\blsp_types\b", r"\btower_lsp"],
    );
    assert!(
        found.is_empty(),
        "LSP types outside src/lsp.rs and src/lsp/ (the engine never knows the protocol): {found:?}"
    );
}

#[test]
fn no_process_is_started_outside_trust() {
    let found = offenders(
        &sources(),
        |p| p == "trust.rs",
        &[
            r"\bCommand::new\(",
            r"\bprocess::Command\b",
            r"\bfork\(",
            r"\bexec[lv]p?e?\(",
            r"\bposix_spawnp?\(",
            r"\bsystem\(",
            r"\bpopen\(",
        ],
    );
    assert_eq!(
        found,
        listed(PROCESS_EXCEPTIONS),
        "process starts outside src/trust.rs (left) against the listed exceptions (right): use \
         trust::command / trust::async_command, which need the proof that the workspace is trusted"
    );
}

#[test]
fn no_language_is_named_outside_the_plugins_but_the_known_leaks() {
    let found = offenders(
        &sources(),
        |p| p == "lang.rs" || p.starts_with("lang/"),
        &[
            r"\bLangId::",
            r"\b(PYTHON|TYPESCRIPT|JAVASCRIPT|JAVA|CSHARP|GO)\b",
            r#"(?i)"(python|typescript|javascript|java|csharp|c#|go|golang)""#,
            r#""(py|pyi|ts|tsx|mts|cts|js|jsx|mjs|cjs|java|cs|go)""#,
            // A language's own words for what the IR gives a neutral form: a constructor, the
            // receiver, the base class, the names it predefines, a folder's module.
            r#""(__init__|constructor|self|this|super|base|require|Object|__dirname|__file__|index|jsii)""#,
        ],
    );
    assert_eq!(
        found,
        listed(LANGUAGE_LEAKS),
        "a language named outside src/lang.rs and src/lang/ (left) against the known leaks \
         (LANGUAGE_LEAKS, right): a new one belongs in the language's plugin; a leak that went \
         away comes off the list"
    );
}

/// The test-code stripping itself: a test block in the middle of a file hides only itself, and
/// a test module in a file of its own is named.
#[test]
fn test_code_is_cut_exactly() {
    let text = "use a;\n#[cfg(test)]\nmod t;\nfn f() {}\n#[cfg(test)]\nmod tests {\n    const S: &str = r#\"\n}\n\"#;\n    const B: &[u8] = br#\"x\"}\"#;\n    const C: char = '}';\n    fn g<'a>(x: &'a str) { \"}\"; } // }\n}\nfn h() { Command::new(\"x\"); }\n// fork()\n";
    let (code, mods) = without_tests(text);
    assert_eq!(mods, ["t"]);
    assert_eq!(code, "use a;\nfn f() {}\nfn h() { Command::new(\"x\"); }");
}

/// The editors start the server for every language it has a plugin for, and for no other: the
/// VS Code extension's activation languages and document selector (`LANGUAGES`), and the
/// Neovim client's filetypes, each name a plugin, and every plugin is named by each.
#[test]
fn the_editor_clients_start_the_server_for_every_plugin_and_no_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let quoted = |text: &str, re: &str| -> Vec<String> {
        let list = Regex::new(re).unwrap().captures(text).unwrap()[1].to_string();
        Regex::new(r#"["']([\w-]+)["']"#)
            .unwrap()
            .captures_iter(&list)
            .map(|c| c[1].to_string())
            .collect()
    };
    let package = read("vscode-extension/package.json");
    let activation: Vec<String> = Regex::new(r#""onLanguage:([\w-]+)""#)
        .unwrap()
        .captures_iter(&package)
        .map(|c| c[1].to_string())
        .collect();
    let selector = quoted(
        &read("vscode-extension/src/app.ts"),
        r"export const LANGUAGES = \[([^\]]*)\]",
    );
    let filetypes = quoted(&read("nvim/lsp/pipelens.lua"), r"filetypes = \{([^}]*)\}");
    for (client, ids) in [
        ("VS Code activation", &activation),
        ("VS Code LANGUAGES", &selector),
        ("Neovim filetypes", &filetypes),
    ] {
        let mut reached = BTreeSet::new();
        for id in ids {
            let plugin = pipelens::lang::for_language_id(id)
                .unwrap_or_else(|| panic!("{client} names `{id}`, which no plugin takes"));
            reached.insert(plugin.name);
        }
        let all: BTreeSet<&str> = pipelens::lang::ALL.iter().map(|p| p.name).collect();
        assert_eq!(
            reached, all,
            "{client} does not start the server for every plugin"
        );
    }
}
