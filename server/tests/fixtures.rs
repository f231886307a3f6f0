//! Data-driven model and rule fixtures. Every source file under `tests/fixtures/model/` and
//! `tests/fixtures/apps/*/` that has an `expect:` comment block is analysed (with its app's
//! index when it is inside a folder with cdk.json) and its model summary and diagnostics are
//! compared line by line with the block. Adding a case is adding a file.
//!
//! Summary lines:
//!   pipeline <id> <class> env=<account>/<region>|missing|unknown xacct=<bool|?>
//!   source <kind> <repo> <branch>
//!   synth <id> <kind>
//!   wave <id> pre=<ids> post=<ids> [conditional]
//!   stage [<wave>/]<id> env=… stacks=<ids>|? pre=<ids> post=<ids> [conditional]
//!   depends [<wave>/]<stage>/<stack> on=<sorted ids>   (a stack that waits for others)
//!   stacksteps [<wave>/]<stage>/<stack> pre=<ids> changeset=<ids> post=<ids>
//!   diag <code> <line>
//! Unknown values print as `?`.
//!
//! The corpus apps (`tests/corpus/*/`, each synthesized by the real CDK in
//! `tests/synth-corpus`) carry `expect:` blocks too, in their main pipeline file: one or more
//! per pattern of how people write CDK Pipelines code. Those blocks say what is RIGHT; where
//! the engine does not get there yet the file is listed in `MODEL_KNOWN_GAPS`, and a listed
//! file that matches fails the test so the list only shrinks.
//!
//! `PIPELENS_BLESS=1 cargo test --locked -p pipelens --test fixtures -- --nocapture`
//! rewrites (and lists) the `expect:` block of every fixture under `tests/fixtures/` that
//! differs with what the engine says now (review the diff before committing it). The corpus
//! blocks are never rewritten: they say what `cdk synth` made.

use std::path::{Path, PathBuf};

use pipelens::analysis::analyze_text;
use pipelens::lang::{self, ExtraQueries};
use pipelens::model::{EnvState, FileModel, Known, Step};
use pipelens::rules::Diagnostic;
use pipelens::workspace::{self, Index, Settings};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

fn q(v: Option<&String>) -> String {
    v.cloned().unwrap_or_else(|| "?".into())
}

fn env(e: &EnvState) -> String {
    match e {
        EnvState::Missing => "missing".into(),
        EnvState::Unknown => "unknown".into(),
        EnvState::Given(env) => {
            let k = |k: &Known<String>| match k {
                Known::Value(v, _) => v.clone(),
                Known::Absent => "-".into(),
                Known::Unknown(_) => "?".into(),
            };
            format!("{}/{}", k(&env.account), k(&env.region))
        }
    }
}

fn ids(steps: &[Step]) -> String {
    let v: Vec<String> = steps.iter().map(|s| q(s.id.as_ref())).collect();
    format!("[{}]", v.join(","))
}

pub fn summary(m: &FileModel, diags: &[Diagnostic], text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for p in &m.pipelines {
        let xacct = match p.cross_account_keys.or_default(false) {
            Some(b) => b.to_string(),
            None => "?".into(),
        };
        out.push(format!(
            "pipeline {} {} env={} xacct={xacct}{}",
            q(p.id.as_ref()),
            p.class.name(),
            env(&p.env),
            if p.added_elsewhere {
                " added-elsewhere"
            } else {
                ""
            }
        ));
        for s in &p.sources {
            out.push(format!(
                "source {} {} {}",
                s.kind.name(),
                q(s.repo.as_ref()),
                q(s.branch.as_ref())
            ));
        }
        if let Some(s) = &p.synth {
            out.push(format!("synth {} {}", q(s.id.as_ref()), s.kind.name()));
        }
        for w in p.waves.iter().filter(|w| !w.implicit) {
            out.push(format!(
                "wave {} pre={} post={}{}",
                q(w.id.as_ref()),
                ids(&w.pre),
                ids(&w.post),
                if w.conditional { " conditional" } else { "" }
            ));
        }
        for s in &p.stages {
            let mut name = match &s.wave {
                Some(w) => format!("{w}/{}", q(s.id.as_ref())),
                None => q(s.id.as_ref()),
            };
            // The stage's name where it is not its id (`stage_name`, a nested Stage's).
            match &s.stage_name {
                Known::Value(n, _) if Some(n) != s.id.as_ref() => {
                    name.push_str(&format!(" name={n}"))
                }
                Known::Unknown(_) => name.push_str(" name=?"),
                _ => {}
            }
            let stacks = match &s.stacks {
                Some(st) => {
                    let v: Vec<String> = st.iter().map(|s| q(s.id.as_ref())).collect();
                    format!("[{}]", v.join(","))
                }
                None => "?".into(),
            };
            out.push(format!(
                "stage {name} env={} stacks={stacks} pre={} post={}{}",
                env(&s.env),
                ids(&s.pre),
                ids(&s.post),
                if s.conditional { " conditional" } else { "" }
            ));
            for st in s.stacks.iter().flatten() {
                if !st.depends_on.is_empty() {
                    let mut on = st.depends_on.clone();
                    on.sort();
                    on.dedup();
                    out.push(format!(
                        "depends {name}/{} on=[{}]",
                        q(st.id.as_ref()),
                        on.join(",")
                    ));
                }
            }
            for ss in &s.stack_steps {
                out.push(format!(
                    "stacksteps {name}/{} pre={} changeset={} post={}",
                    q(ss.stack.as_ref()),
                    ids(&ss.pre),
                    ids(&ss.change_set),
                    ids(&ss.post)
                ));
            }
        }
    }
    // A diagnostic without a file is in this file; a span past its end (an engine bug: a
    // place in another file reported as this one's) prints as line `?`, not a panic.
    let mut d: Vec<(Option<usize>, &str)> = diags
        .iter()
        .filter(|d| d.file.is_none())
        .map(|d| {
            let line = text
                .get(..d.span.start_byte)
                .map(|before| before.matches('\n').count() + 1);
            (line, d.code)
        })
        .collect();
    d.sort();
    out.extend(d.into_iter().map(|(l, c)| match l {
        Some(l) => format!("diag {c} {l}"),
        None => format!("diag {c} ?"),
    }));
    let mut other: Vec<String> = diags
        .iter()
        .filter_map(|d| {
            d.file.as_ref().map(|f| {
                format!(
                    "diag {} in {}",
                    d.code,
                    f.file_name().unwrap().to_string_lossy()
                )
            })
        })
        .collect();
    other.sort();
    out.extend(other);
    out
}

/// The `expect:` block: comment lines after a line that ends with `expect:`.
fn expectation(text: &str) -> Option<Vec<String>> {
    let mut lines = text.lines();
    lines.by_ref().find(|l| l.trim_end().ends_with("expect:"))?;
    Some(
        lines
            .map(|l| l.trim())
            .take_while(|l| l.starts_with('#') || l.starts_with("//"))
            .map(|l| {
                l.trim_start_matches('#')
                    .trim_start_matches("//")
                    .trim()
                    .to_string()
            })
            .filter(|l| !l.is_empty())
            .collect(),
    )
}

/// `PIPELENS_BLESS=1`: rewrite the expectations that differ instead of failing.
fn bless() -> bool {
    std::env::var_os("PIPELENS_BLESS").is_some_and(|v| v == "1")
}

/// `text` with its `expect:` block made of `lines`, in the block's own comment style and
/// indentation; the rest of the file unchanged.
fn with_expectation(text: &str, lines: &[String]) -> String {
    let all: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(at) = all.iter().position(|l| l.trim_end().ends_with("expect:")) else {
        return text.to_string();
    };
    let head = all[at];
    let indent = &head[..head.len() - head.trim_start().len()];
    let marker = if head.trim_start().starts_with("//") {
        "//"
    } else {
        "#"
    };
    let end = all[at + 1..]
        .iter()
        .position(|l| {
            let l = l.trim();
            !(l.starts_with('#') || l.starts_with("//"))
        })
        .map_or(all.len(), |n| at + 1 + n);
    let mut out: String = all[..=at].concat();
    for line in lines {
        out.push_str(&format!("{indent}{marker} {line}\n"));
    }
    out.push_str(&all[end..].concat());
    out
}

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus")
}

/// Corpus files whose `expect:` block (what is right) the model does not match today, by path
/// under `tests/`, with what is wrong. The engine is being fixed in parallel: each fix
/// deletes its entry; a listed file that matches fails `every_fixture_matches_its_expectation`.
const MODEL_KNOWN_GAPS: &[(&str, &str)] = &[];

fn cases() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["model", "apps"] {
        files.extend(workspace::source_files(&fixtures_root().join(dir), 10_000));
    }
    files.extend(workspace::source_files(&corpus_root(), 10_000));
    files
}

/// A case's path under `tests/`, as `MODEL_KNOWN_GAPS` names it.
fn case_name(path: &Path) -> String {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests");
    path.strip_prefix(&tests)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

fn run_case(path: &Path) -> Option<(Vec<String>, Vec<String>)> {
    let text = std::fs::read_to_string(path).unwrap();
    let expected = expectation(&text)?;
    let plugin = lang::for_path(path).unwrap();
    let root = workspace::app_root(path)
        .filter(|r| r.starts_with(fixtures_root().join("apps")) || r.starts_with(corpus_root()));
    let index = match &root {
        Some(r) => Index::build(r, &Default::default()),
        None => Index::default(),
    };
    let extra = match &root {
        Some(r) => ExtraQueries::load(&Settings::from_workspace(r).0.query_path).0,
        None => ExtraQueries::default(),
    };
    let a = analyze_text(plugin, &text, Some(path), &index, &extra);
    Some((expected, summary(&a.model, &a.diagnostics, &text)))
}

#[test]
fn every_fixture_matches_its_expectation() {
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut corpus = 0;
    let mut known: std::collections::BTreeSet<&str> =
        MODEL_KNOWN_GAPS.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        known.len(),
        MODEL_KNOWN_GAPS.len(),
        "a MODEL_KNOWN_GAPS entry is listed twice"
    );
    for path in cases() {
        let Some((expected, actual)) = run_case(&path) else {
            continue;
        };
        ran += 1;
        corpus += usize::from(path.starts_with(corpus_root()));
        let name = case_name(&path);
        let gap = known.remove(name.as_str());
        match (expected == actual, gap) {
            (true, false) | (false, true) => {}
            (true, true) => failures.push(format!(
                "{name} matches its expectation now: delete it from MODEL_KNOWN_GAPS\n"
            )),
            (false, false) if bless() && !path.starts_with(corpus_root()) => {
                let text = std::fs::read_to_string(&path).unwrap();
                std::fs::write(&path, with_expectation(&text, &actual)).unwrap();
                eprintln!("blessed {}", path.display());
            }
            (false, false) => failures.push(format!(
                "{}\n--- expected\n{}\n--- actual\n{}\n(if the new output is right: \
                 PIPELENS_BLESS=1 cargo test --locked -p pipelens --test fixtures -- --nocapture \
                 rewrites the block; read the diff)\n",
                path.display(),
                expected.join("\n"),
                actual.join("\n")
            )),
        }
    }
    for name in known {
        failures.push(format!(
            "MODEL_KNOWN_GAPS lists {name}, which has no expect: block"
        ));
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} fixtures differ:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(ran >= 20, "only {ran} fixtures ran");
    assert!(
        corpus >= 29,
        "only {corpus} corpus apps have an expect: block"
    );
}

/// Every model rule's code appears in some fixture's expectation (or has CDK error fixtures;
/// `too-deep` has `model/*/too_deep.*`, besides the generated inputs of `deep.rs`).
#[test]
fn fixtures_cover_every_static_rule() {
    let all: String = cases()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let model_rules = pipelens::rules::RULES
        .iter()
        .filter(|r| matches!(r.check, pipelens::rules::Check::Model(_)));
    for code in model_rules.map(|r| r.code) {
        // Or a CDK error fixture of that rule (`server/tests/cdk_errors.rs` checks those).
        let cdk_errors = fixtures_root().join("cdk-errors").join(code);
        assert!(
            all.contains(&format!("diag {code} ")) || cdk_errors.is_dir(),
            "no fixture expects {code}"
        );
    }
}

/// The bless mode's rewrite keeps everything but the block's lines, in either comment style.
#[test]
fn bless_rewrites_only_the_expect_block() {
    let py = "x = 1\n# expect:\n# stage Dev\n#\n# diag old 3\ny = 2\n";
    assert_eq!(
        with_expectation(py, &["stage Dev".into(), "diag new 4".into()]),
        "x = 1\n# expect:\n# stage Dev\n# diag new 4\ny = 2\n"
    );
    let ts = "  // expect:\n  // stage A\nconst a = 1;";
    assert_eq!(
        with_expectation(ts, &["stage B".into()]),
        "  // expect:\n  // stage B\nconst a = 1;"
    );
    assert_eq!(
        expectation(&with_expectation(py, &["stage Dev".into()])).unwrap(),
        ["stage Dev"]
    );
}

/// The cases every language has: each written in every language the way its developers write
/// CDK code (`tests/fixtures/model/<language>/<case>.<ext>`), each expecting the same summary
/// (but the lines its diagnostics are on). A language is not done until it passes all of them.
const SHARED_CASES: &[&str] = &[
    "alias_import",
    "cdk_alias",
    "cdkpipeline_deprecated",
    "conditional_expr",
    "env_constants",
    "helpers_return",
    "loop_regions",
    "named_imports",
    "rules_clean",
    "rules_mistakes",
    "steps_waves",
    "syntax_error",
    "too_deep",
];

/// The languages of the shared cases: (folder under `tests/fixtures/model/`, extension).
const SHARED_LANGUAGES: &[(&str, &str)] = &[
    ("python", "py"),
    ("typescript", "ts"),
    ("java", "java"),
    ("csharp", "cs"),
    ("go", "go"),
];

/// Where one language's form of a shared case rightly gives another summary than TypeScript's:
/// (case, language, why). Listed differences must occur.
const SHARED_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "helpers_return",
        "go",
        "Go has no classes: the stage the app adds after the pipeline stack's function returns \
         is added in the same run the model follows (in the other languages it is added from \
         outside the stack class, which the model follows on its own: `added-elsewhere`)",
    ),
    (
        "loop_regions",
        "python",
        "the Python case is older than the table and loops over other things (a dict's items, \
         a comprehension); its own expectation holds it",
    ),
    (
        "rules_clean",
        "python",
        "the Python case is older than the table and checks other regions (GovCloud) clean",
    ),
    (
        "rules_mistakes",
        "python",
        "the Python case is older than the table and makes other mistakes (a short account, an \
         unknown region, an opt-in one in Africa)",
    ),
];

/// An expectation as every language shares it: a diagnostic's code without its line.
fn shared_form(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = lines
        .iter()
        .map(|l| match l.strip_prefix("diag ") {
            Some(rest) => format!("diag {}", rest.split_whitespace().next().unwrap_or("")),
            None => l.clone(),
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_shared_case_is_written_in_every_language_with_the_same_expectation() {
    let root = fixtures_root().join("model");
    let mut failures = Vec::new();
    let mut differences: std::collections::BTreeSet<(&str, &str)> = SHARED_DIFFERENCES
        .iter()
        .map(|(c, l, _)| (*c, *l))
        .collect();
    for case in SHARED_CASES {
        let read = |lang: &str, ext: &str| {
            let path = root.join(lang).join(format!("{case}.{ext}"));
            let text = std::fs::read_to_string(&path).ok()?;
            expectation(&text).map(|e| shared_form(&e))
        };
        let Some(reference) = read("typescript", "ts") else {
            failures.push(format!(
                "{case}: no typescript/{case}.ts with an expect: block"
            ));
            continue;
        };
        for (lang, ext) in SHARED_LANGUAGES {
            let Some(got) = read(lang, ext) else {
                failures.push(format!(
                    "{case}: no {lang}/{case}.{ext} with an expect: block"
                ));
                continue;
            };
            let listed = differences.remove(&(*case, *lang));
            match (got == reference, listed) {
                (true, false) | (false, true) => {}
                (true, true) => failures.push(format!(
                    "{lang}/{case}.{ext} expects what typescript does now: take it off \
                     SHARED_DIFFERENCES"
                )),
                (false, false) => failures.push(format!(
                    "{lang}/{case}.{ext} expects another summary than typescript/{case}.ts:\n  \
                     {}\nagainst\n  {}",
                    got.join("\n  "),
                    reference.join("\n  ")
                )),
            }
        }
    }
    for (case, lang) in differences {
        failures.push(format!(
            "SHARED_DIFFERENCES lists {lang}/{case}, which is not a shared case"
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
