//! Every input the fuzzers found a crash with (`fuzz/regressions/<target>/`), replayed through
//! the fuzz targets' own checks (`fuzz/src/`), so `cargo test` catches a regression without
//! the fuzzer. Plus the model fixtures in each target's input format (as `fuzz/run` seeds its
//! corpora), so the checks are known to pass on real files.

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod fuzz_checks;

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn replay(target: &str, check: fn(&[u8])) {
    let dir = repo().join("fuzz/regressions").join(target);
    // git keeps no empty folder: a target without regressions has none.
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    for file in files {
        eprintln!("replaying {}", file.display());
        check(&std::fs::read(&file).unwrap());
    }
}

#[test]
fn edits_regressions() {
    replay("edits", fuzz_checks::edits::check);
}

#[test]
fn analyze_regressions() {
    replay("analyze", fuzz_checks::analyze::check);
}

#[test]
fn jsonrpc_regressions() {
    replay("jsonrpc", fuzz_checks::jsonrpc::check);
}

/// The model fixtures, with the header byte of each target's input format for their language
/// (see `fuzz/src/*.rs`: analyze and edits pick the plugin by `header % 3`, jsonrpc the
/// language by `(header >> 1) % 3`).
fn fixtures() -> Vec<(u8, u8, Vec<u8>)> {
    let mut out = Vec::new();
    for (lang, plugin, language) in [("python", 0, 0), ("typescript", 1, 2), ("javascript", 2, 4)] {
        let dir = repo().join("tests/fixtures/model").join(lang);
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            out.push((plugin, language, std::fs::read(f).unwrap()));
        }
    }
    out
}

#[test]
fn checks_pass_on_the_fixtures() {
    for (plugin, language, text) in fixtures() {
        fuzz_checks::analyze::check(&[&[plugin][..], &text].concat());
        // UTF-16 and UTF-8 columns; line 3's first 4 columns become an emoji, then a line
        // break is typed at the start of line 1.
        for enc in [0, 3] {
            let edits = [fuzz_checks::SEP, 1, 0, 3, 0, 3, 4, 4, 0x40, 1, 0, 2];
            fuzz_checks::edits::check(&[&[plugin + enc][..], &text, &edits].concat());
        }
        // A hover on line 2, then an edit there.
        let messages = [
            fuzz_checks::SEP,
            0x40,
            7,
            0,
            0,
            2,
            5,
            0,
            1,
            1,
            0,
            2,
            0,
            2,
            3,
            4,
            0,
            0,
            2,
        ];
        fuzz_checks::jsonrpc::check(&[&[language][..], &text, &messages].concat());
    }
}
