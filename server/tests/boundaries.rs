//! The boundaries ARCHITECTURE.md promises, checked on the source (test modules excluded):
//! - no LSP type outside the language server (`src/lsp.rs`, `src/lsp/`);
//! - no process started outside `src/trust.rs`, whose `command`/`async_command` need the proof
//!   that the workspace is trusted;
//! - no language named outside the language plugins (`src/lang.rs`, `src/lang/`): no `LangId::`
//!   and no `"python"`, `"typescript"` or `"javascript"`, except the places listed in
//!   `LANGUAGE_LEAKS` (issue 18: they move into the plugins; the list may only shrink, and it
//!   must say exactly what is there).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Files outside `lang/` that still name a language, and how many times: the known debt.
/// `synth/python.rs` finds a Python app's environment for its synth (which interpreter runs
/// `cdk.json`'s `app`); a plugin's synth settings would own it.
const LANGUAGE_LEAKS: &[(&str, usize)] = &[("synth/python.rs", 2)];

/// Every `.rs` file under `src/`, by its path under `src/`, without its `#[cfg(test)]` module.
fn sources() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let rel = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, without_tests(&text));
            }
        }
    }
    assert!(out.len() > 50, "found only {} source files", out.len());
    out
}

/// The text before the file's test module (`#[cfg(test)]` then `mod …`), comments removed.
fn without_tests(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod "))
        .unwrap_or(lines.len());
    lines[..end]
        .iter()
        .filter(|l| !l.trim_start().starts_with("//"))
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

fn offenders(
    sources: &BTreeMap<String, String>,
    allowed: impl Fn(&str) -> bool,
    needles: &[&str],
) -> BTreeMap<String, usize> {
    sources
        .iter()
        .filter(|(path, _)| !allowed(path))
        .filter_map(|(path, text)| {
            let n: usize = needles.iter().map(|n| text.matches(n).count()).sum();
            (n > 0).then(|| (path.clone(), n))
        })
        .collect()
}

#[test]
fn no_lsp_type_outside_the_language_server() {
    let found = offenders(
        &sources(),
        |p| p == "lsp.rs" || p.starts_with("lsp/"),
        &["lsp_types", "tower_lsp"],
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
        &["Command::new(", "libc::exec", "libc::posix_spawn"],
    );
    assert!(
        found.is_empty(),
        "processes started outside src/trust.rs (use trust::command / trust::async_command, \
         which need the proof that the workspace is trusted): {found:?}"
    );
}

#[test]
fn no_language_is_named_outside_the_plugins_but_the_known_leaks() {
    let found = offenders(
        &sources(),
        |p| p == "lang.rs" || p.starts_with("lang/"),
        &["LangId::", "\"python\"", "\"typescript\"", "\"javascript\""],
    );
    let known: BTreeMap<String, usize> = LANGUAGE_LEAKS
        .iter()
        .map(|(p, n)| (p.to_string(), *n))
        .collect();
    assert_eq!(
        found, known,
        "a language named outside src/lang.rs and src/lang/ (left) against the known leaks \
         (LANGUAGE_LEAKS, right): a new one belongs in the language's plugin; a leak that went \
         away comes off the list"
    );
}
