//! Engine cost per phase on generated pipelines of 1k/10k/50k lines, and an incremental
//! re-parse after a one-character edit against a full parse:
//! `cargo run --release --example engine_bench`

#[path = "support/gen.rs"]
mod gen;

use std::time::Instant;

use std::sync::Arc;

use pipelens::analysis::{analyze, analyze_reusing};
use pipelens::document::{Change, Document, Encoding, Pos};
use pipelens::lang::{self, ExtraQueries};
use pipelens::model::NoIndex;

fn median(f: &mut dyn FnMut() -> f64, runs: usize) -> f64 {
    let mut v: Vec<f64> = (0..runs).map(|_| f()).collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    println!("| input | full parse | lower (IR) | lower + model + rules (analyze) | keystroke + incremental re-parse | keystroke + re-parse + analysis reusing unchanged statements |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let langs: Vec<String> = match std::env::var("PIPELENS_BENCH_LANGS") {
        Ok(l) => l.split(',').map(str::to_string).collect(),
        Err(_) => ["python", "typescript", "java", "csharp", "go"]
            .map(String::from)
            .to_vec(),
    };
    for lang_name in langs.iter().map(String::as_str) {
        let plugin = lang::for_language_id(lang_name).unwrap();
        let sizes: Vec<usize> = match std::env::var("PIPELENS_BENCH_LINES") {
            Ok(l) => l.split(',').filter_map(|n| n.parse().ok()).collect(),
            Err(_) => vec![1_000, 10_000, 50_000],
        };
        for lines in sizes {
            let text = gen::generate(lang_name, lines);
            // `PIPELENS_BENCH_WRITE=<folder>`: the generated files are kept there too, to time
            // the binary on them (`farm-bench`).
            if let Ok(dir) = std::env::var("PIPELENS_BENCH_WRITE") {
                let ext = plugin.extensions[0];
                let path = std::path::Path::new(&dir).join(format!("bench-{lines}.{ext}"));
                std::fs::write(&path, &text).expect("the folder PIPELENS_BENCH_WRITE names");
            }
            let runs = if lines >= 50_000 { 5 } else { 15 };
            let parse = median(
                &mut || {
                    let t = Instant::now();
                    plugin.parser().parse(&text, None).unwrap();
                    ms(t)
                },
                runs,
            );
            let tree = plugin.parser().parse(&text, None).unwrap();
            let lower = median(
                &mut || {
                    let t = Instant::now();
                    std::hint::black_box(plugin.lower(&tree, &text));
                    ms(t)
                },
                runs,
            );
            let extra = ExtraQueries::default();
            let analysis = median(
                &mut || {
                    let t = Instant::now();
                    std::hint::black_box(analyze(plugin, &text, &tree, None, &NoIndex, &extra));
                    ms(t)
                },
                runs,
            );
            let mut doc = Document::new(plugin, &text, 1);
            // Parsed once before timing: every sample below is an incremental re-parse.
            std::hint::black_box(doc.tree());
            // A keystroke inside a string literal (the first region), then its deletion.
            let at = text.find("us-east-1").unwrap() + 3;
            let line = text[..at].matches('\n').count() as u32;
            let col = (at - text[..at].rfind('\n').map_or(0, |i| i + 1)) as u32;
            let mut version = 1;
            let incremental = median(
                &mut || {
                    version += 1;
                    let t = Instant::now();
                    let p = Pos {
                        line,
                        character: col,
                    };
                    doc.apply(
                        &[Change {
                            range: Some((p, p)),
                            text: "x",
                        }],
                        Encoding::Utf16,
                        version,
                    );
                    doc.tree();
                    let r = ms(t);
                    version += 1;
                    let q = Pos {
                        line,
                        character: col + 1,
                    };
                    doc.apply(
                        &[Change {
                            range: Some((p, q)),
                            text: "",
                        }],
                        Encoding::Utf16,
                        version,
                    );
                    doc.tree();
                    r
                },
                runs,
            );
            // What the language server does per edit: the keystroke, the incremental re-parse,
            // and an analysis that lowers only the statements that changed.
            let mut memo = None;
            let mut keystroke = |doc: &mut Document, version: i32, range: (Pos, Pos), s: &str| {
                doc.apply(
                    &[Change {
                        range: Some(range),
                        text: s,
                    }],
                    Encoding::Utf16,
                    version,
                );
                let tree = doc.tree().unwrap().clone();
                let txt: Arc<str> = doc.text().into();
                std::hint::black_box(analyze_reusing(
                    plugin,
                    &txt,
                    &tree,
                    None,
                    &NoIndex,
                    &extra,
                    &mut memo,
                    &|| false,
                ));
            };
            let p = Pos {
                line,
                character: col,
            };
            let q = Pos {
                line,
                character: col + 1,
            };
            keystroke(&mut doc, version + 1, (p, p), "");
            version += 1;
            let reusing = median(
                &mut || {
                    version += 1;
                    let t = Instant::now();
                    keystroke(&mut doc, version, (p, p), "x");
                    let r = ms(t);
                    version += 1;
                    keystroke(&mut doc, version, (p, q), "");
                    r
                },
                runs,
            );
            println!(
                "| {lang_name} {lines} lines ({} KB) | {parse:.2} ms | {lower:.2} ms | {analysis:.2} ms | {incremental:.3} ms | {reusing:.2} ms |",
                text.len() / 1024
            );
        }
    }
}
