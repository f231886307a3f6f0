//! Data-driven model and rule fixtures. Every source file under `tests/fixtures/model/` and
//! `tests/fixtures/apps/*/` that has an `expect:` comment block is analysed (with its app's
//! index when it is inside a folder with cdk.json) and its model summary and diagnostics are
//! compared line by line with the block. Adding a case is adding a file.
//!
//! Summary lines:
//!   pipeline <id> <class> env=<account>/<region>|missing|unknown xacct=<bool|?>
//!   source <kind> <repo> <branch>
//!   synth <id> <kind>
//!   wave <id> pre=<ids> post=<ids>
//!   stage [<wave>/]<id> env=… stacks=<ids>|? pre=<ids> post=<ids>
//!   diag <code> <line>
//! Unknown values print as `?`.

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
            "pipeline {} {} env={} xacct={xacct}",
            q(p.id.as_ref()),
            p.class.name(),
            env(&p.env)
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
                "wave {} pre={} post={}",
                q(w.id.as_ref()),
                ids(&w.pre),
                ids(&w.post)
            ));
        }
        for s in &p.stages {
            let name = match &s.wave {
                Some(w) => format!("{w}/{}", q(s.id.as_ref())),
                None => q(s.id.as_ref()),
            };
            let stacks = match &s.stacks {
                Some(st) => {
                    let v: Vec<String> = st.iter().map(|s| q(s.id.as_ref())).collect();
                    format!("[{}]", v.join(","))
                }
                None => "?".into(),
            };
            out.push(format!(
                "stage {name} env={} stacks={stacks} pre={} post={}",
                env(&s.env),
                ids(&s.pre),
                ids(&s.post)
            ));
        }
    }
    let mut d: Vec<(usize, &str)> = diags
        .iter()
        .filter(|d| d.file.is_none())
        .map(|d| (text[..d.span.start_byte].matches('\n').count() + 1, d.code))
        .collect();
    d.sort();
    out.extend(d.into_iter().map(|(l, c)| format!("diag {c} {l}")));
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

fn cases() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["model", "apps"] {
        files.extend(workspace::source_files(&fixtures_root().join(dir), 10_000));
    }
    files
}

fn run_case(path: &Path) -> Option<(Vec<String>, Vec<String>)> {
    let text = std::fs::read_to_string(path).unwrap();
    let expected = expectation(&text)?;
    let plugin = lang::for_path(path).unwrap();
    let root = workspace::app_root(path).filter(|r| r.starts_with(fixtures_root().join("apps")));
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
    for path in cases() {
        let Some((expected, actual)) = run_case(&path) else {
            continue;
        };
        ran += 1;
        if expected != actual {
            failures.push(format!(
                "{}\n--- expected\n{}\n--- actual\n{}\n",
                path.display(),
                expected.join("\n"),
                actual.join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {ran} fixtures differ:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(ran >= 20, "only {ran} fixtures ran");
}

/// Every rule code appears in some fixture's expectation, and some fixture of each language
/// expects no diagnostics at all (a fixture "without the mistake").
#[test]
fn fixtures_cover_every_static_rule() {
    let all: String = cases()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for (code, _) in pipelens::rules::RULES {
        assert!(
            all.contains(&format!("diag {code} ")),
            "no fixture expects {code}"
        );
    }
}
