//! The CDK error fixtures (`tests/fixtures/cdk-errors/<code>/`) without the CDK: `pipelens
//! check` reports `<code>` on the line each failing app marks (`pipelens: <code>`), and no
//! `<code>` nor any error on its fixed twin (an app the real `cdk synth` synthesizes:
//! `tests/synth-rules` proves both halves against the real CDK). Every rule that prevents a
//! synth failure has its four apps. And no app whose real synth succeeds — the fixed twins,
//! the corpus, the examples — gets an error from any rule.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/cdk-errors")
}

/// `pipelens check --offline --format json DIR`: its diagnostics.
fn check(dir: &Path) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_pipelens"))
        .args(["check", "--offline", "--format", "json"])
        .arg(dir)
        .output()
        .expect("pipelens runs");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: no json ({e}): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    json["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn source_of(app: &Path) -> PathBuf {
    ["app.py", "app.ts"]
        .iter()
        .map(|f| app.join(f))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{}: no app.py or app.ts", app.display()))
}

fn dirs(of: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(of)
        .unwrap_or_else(|e| panic!("{}: {e}", of.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

fn describe(d: &Value) -> String {
    format!(
        "{}:{} {} {}",
        d["line"], d["column"], d["code"], d["message"]
    )
}

#[test]
fn every_failing_app_gets_its_rule_on_the_marked_line_and_its_twin_none() {
    let mut failures = Vec::new();
    let mut apps = 0;
    for rule_dir in dirs(&fixtures()) {
        let code = rule_dir.file_name().unwrap().to_string_lossy().to_string();
        let expect: Value = serde_json::from_str(
            &std::fs::read_to_string(rule_dir.join("expect.json")).expect("expect.json"),
        )
        .expect("expect.json is json");
        for app in dirs(&rule_dir) {
            apps += 1;
            let name = app.file_name().unwrap().to_string_lossy().to_string();
            let fails = name.contains("-fails");
            let twin = app.with_file_name(if fails {
                name.replacen("-fails", "-fixed", 1)
            } else {
                name.replacen("-fixed", "-fails", 1)
            });
            if !twin.is_dir() {
                failures.push(format!("{code}/{name}: no twin {}", twin.display()));
            }
            if fails && expect.get("synthesizes").is_none() && expect[&name].as_str().is_none() {
                failures.push(format!(
                    "{code}/{name}: expect.json has no CDK error for it"
                ));
            }
            let marker = format!("pipelens: {code}");
            let text = std::fs::read_to_string(source_of(&app)).unwrap();
            let marked: Vec<u64> = text
                .lines()
                .enumerate()
                .filter(|(_, l)| l.trim_end().ends_with(&marker))
                .map(|(i, _)| i as u64 + 1)
                .collect();
            let diags = check(&app);
            let found: Vec<&Value> = diags.iter().filter(|d| d["code"] == code).collect();
            if fails {
                match marked.as_slice() {
                    [line] => {
                        if !found.iter().any(|d| d["line"] == *line) {
                            failures.push(format!(
                                "{code}/{name}: expected {code} at line {line}, got [{}]",
                                diags.iter().map(describe).collect::<Vec<_>>().join("; ")
                            ));
                        }
                        // On one line: a squiggle, not a block.
                        for d in &found {
                            if d["line"] != d["endLine"] {
                                failures
                                    .push(format!("{code}/{name}: spans lines: {}", describe(d)));
                            }
                        }
                    }
                    _ => failures.push(format!(
                        "{code}/{name}: {} lines marked `{marker}`, expected one",
                        marked.len()
                    )),
                }
            } else {
                if !marked.is_empty() {
                    failures.push(format!("{code}/{name}: a fixed app marks a line"));
                }
                for d in diags
                    .iter()
                    .filter(|d| d["code"] == code || d["severity"] == "error")
                {
                    failures.push(format!(
                        "{code}/{name}: the fixed app (which synthesizes) gets {}",
                        describe(d)
                    ));
                }
            }
        }
    }
    assert!(apps >= 40, "only {apps} apps");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every rule whose registry entry prevents a synth failure has its four apps.
#[test]
fn every_rule_that_prevents_a_synth_failure_is_proven() {
    for rule in pipelens::rules::RULES {
        if !rule.prevents.starts_with("synth:") {
            continue;
        }
        for app in ["py-fails", "py-fixed", "ts-fails", "ts-fixed"] {
            let dir = fixtures().join(rule.code).join(app);
            assert!(
                dir.is_dir(),
                "{} prevents a synth failure but has no {}",
                rule.code,
                dir.display()
            );
        }
    }
}

/// The apps whose real `cdk synth` succeeds (the corpus, the examples) get no error.
#[test]
fn apps_that_synthesize_get_no_error() {
    let mut roots = dirs(&repo().join("tests/corpus"));
    roots.extend(dirs(&repo().join("examples")));
    assert!(roots.len() >= 12, "{roots:?}");
    for root in roots {
        let errors: Vec<String> = check(&root)
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(describe)
            .collect();
        assert!(
            errors.is_empty(),
            "{}: {}",
            root.display(),
            errors.join("\n")
        );
    }
}
