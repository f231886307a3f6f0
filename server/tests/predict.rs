//! The predicted CodePipeline against what `cdk synth` really generated, over the whole
//! corpus: both examples and every app of `tests/corpus/<name>/`. `pipelens preview --format
//! json` (model and prediction only, no cdk) is compared with the fixture
//! `tests/fixtures/synth/<name>.json` that `tests/synth-examples` / `tests/synth-corpus`
//! write from the real cloud assembly: stage by stage, action by action, in order (name,
//! runOrder, kind, account, region). Needs nothing but Rust.
//!
//! The invariant is honesty: a stage marked `certain: true` never differs from the real
//! synth, and a stage the synth has is never silently absent. Where the engine is wrong
//! today the difference must be listed in `KNOWN_GAPS` (and `KNOWN_CHECK_GAPS` for `check`);
//! a listed gap that no longer occurs fails the test too, so the lists only shrink.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;

use common::repo;

/// How a stage of a prediction is wrong while claiming to be right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Wrong {
    /// The synth has this stage; the prediction has neither it nor an uncertain stage in its
    /// place.
    Missing,
    /// A stage marked certain that the synth does not have there.
    Extra,
    /// Marked certain; its actions differ in name, order, runOrder or kind.
    Actions,
    /// Marked certain; an action it shares with the synth has another (or an unknown)
    /// account or region.
    Env,
    /// Not one pipeline predicted where the app synthesizes one (stage `*`): a dead pipeline
    /// file reported as live, or no pipeline found.
    Pipelines,
}

use Wrong::*;

/// What the engine gets wrong today, one entry per (app, stage, kind of wrongness), with why.
/// The engine is being fixed in parallel: each fix must delete its entries here. The test
/// fails on any difference not listed AND on any listed entry that no longer occurs.
const KNOWN_GAPS: &[(&str, &str, Wrong, &str)] = &[];

/// Error-severity diagnostics `pipelens check` reports today on corpus apps whose real synth
/// succeeds (every corpus app does): (app, code, why). Same rule: listed must occur.
const KNOWN_CHECK_GAPS: &[(&str, &str, &str)] = &[];

/// How an app's prediction compares with its synth, from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Category {
    /// Every stage certain and equal.
    Exact,
    /// Equal, but some stages are marked uncertain.
    RightButUncertain,
    /// Differs only in stages marked uncertain (honest).
    WrongUncertain,
    /// A certain stage differs, or a stage is silently missing.
    WrongWhileCertain,
}

impl Category {
    fn name(self) -> &'static str {
        match self {
            Category::Exact => "exact",
            Category::RightButUncertain => "right-but-uncertain",
            Category::WrongUncertain => "wrong-uncertain",
            Category::WrongWhileCertain => "wrong-while-certain",
        }
    }
}

struct Outcome {
    app: String,
    category: Category,
    /// (stage, wrong): the dishonest differences.
    wrong: BTreeSet<(String, Wrong)>,
    /// Every difference, honest or not, readable.
    report: String,
}

/// A corpus app or an example: (name in KNOWN_GAPS, folder, fixture).
fn apps() -> Vec<(String, PathBuf, PathBuf)> {
    let repo = repo();
    let mut out = Vec::new();
    for name in ["payments-python", "payments-typescript"] {
        out.push((
            name.to_string(),
            repo.join("examples").join(name),
            repo.join(format!("tests/fixtures/synth/{name}.json")),
        ));
    }
    // The CDK libraries of Java, C# and Go are on no package registry the test machines reach,
    // so these examples are not synthesized: each is the TypeScript example written in its
    // language, stage by stage and action by action, and is held to that app's real synth.
    for name in ["payments-java", "payments-csharp", "payments-go"] {
        out.push((
            name.to_string(),
            repo.join("examples").join(name),
            repo.join("tests/fixtures/synth/payments-typescript.json"),
        ));
    }
    // Corpus apps written again in those languages, the same way: each held to its
    // TypeScript original's real synth.
    for (name, original) in [
        ("java-config-env-functions", "ts-config-env-functions"),
        ("cs-config-env-functions", "ts-config-env-functions"),
        ("go-config-env-functions", "ts-config-env-functions"),
        ("java-stage-factory-module", "ts-stage-factory-module"),
    ] {
        out.push((
            name.to_string(),
            repo.join("tests/fixtures/apps").join(name),
            repo.join(format!("tests/fixtures/synth/corpus-{original}.json")),
        ));
    }
    // The Go example in three files of its package: `main`, the pipeline, the Stage and stacks.
    out.push((
        "go-app-in-three-files".to_string(),
        repo.join("tests/fixtures/apps/go-app-in-three-files"),
        repo.join("tests/fixtures/synth/payments-typescript.json"),
    ));
    let mut corpus: Vec<PathBuf> = std::fs::read_dir(repo.join("tests/corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("cdk.json").is_file())
        .collect();
    corpus.sort();
    for app in corpus {
        let name = app.file_name().unwrap().to_string_lossy().into_owned();
        let fixture = repo.join(format!("tests/fixtures/synth/corpus-{name}.json"));
        out.push((name, app, fixture));
    }
    out
}

fn pipelens(args: &[&str], app: &Path) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_pipelens"))
        .args(args)
        .arg(app)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    // `check` exits 1 when it reports an error; anything else is a crash or a usage error.
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{args:?} {}: {:?}\n{}",
        app.display(),
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?} {}: {e}\n{}",
            app.display(),
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

/// An action as both sides can tell it. A template cannot tell a ShellStep from a
/// CodeBuildStep or a permissions check (all CodeBuild), so those kinds are one.
#[derive(Clone, Debug, PartialEq)]
struct Act {
    name: String,
    run_order: u64,
    kind: String,
    account: Option<String>,
    region: Option<String>,
}

fn acts(stage: &Value) -> Vec<Act> {
    stage["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| Act {
            name: a["name"].as_str().unwrap_or("?").to_string(),
            run_order: a["runOrder"].as_u64().unwrap_or(0),
            kind: match a["kind"].as_str().unwrap_or("?") {
                "shell" | "codebuild" | "confirm-permissions" => "codebuild",
                k => k,
            }
            .to_string(),
            account: a["account"].as_str().map(str::to_string),
            region: a["region"].as_str().map(str::to_string),
        })
        .collect()
}

fn line(acts: &[Act]) -> String {
    acts.iter()
        .map(|a| {
            format!(
                "[{}] {} {} {}/{}",
                a.run_order,
                a.name,
                a.kind,
                a.account.as_deref().unwrap_or("?"),
                a.region.as_deref().unwrap_or("?")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn name(stage: &Value) -> &str {
    stage["name"].as_str().unwrap_or("?")
}

/// Longest common subsequence of stage names: the pairs (synth index, predicted index).
fn align(synth: &[&str], predicted: &[&str]) -> Vec<(usize, usize)> {
    let (n, m) = (synth.len(), predicted.len());
    let mut len = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            len[i][j] = if synth[i] == predicted[j] {
                len[i + 1][j + 1] + 1
            } else {
                len[i + 1][j].max(len[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n && j < m {
        if synth[i] == predicted[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if len[i + 1][j] >= len[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// Compares one app's prediction with its synthesized fixture.
fn compare(app: &str, folder: &Path, fixture: &Path) -> Outcome {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap_or_else(|e| {
            panic!("{}: {e} (run tests/synth-corpus)", fixture.display());
        }))
        .unwrap();
    let synth: Vec<&Value> = expected["stages"].as_array().unwrap().iter().collect();
    let synth_names: Vec<&str> = synth.iter().map(|s| name(s)).collect();
    let v = pipelens(&["preview", "--format", "json"], folder);
    let pipelines = v["pipelines"].as_array().unwrap();

    let mut wrong = BTreeSet::new();
    let mut honest = false;
    let mut uncertain_any = false;
    let mut report = String::new();
    if pipelines.len() != 1 {
        wrong.insert(("*".to_string(), Pipelines));
        let ids: Vec<String> = pipelines
            .iter()
            .map(|p| format!("{} ({})", p["id"], p["file"]))
            .collect();
        let _ = writeln!(
            report,
            "  {} pipelines predicted, the synth has 1: {}",
            pipelines.len(),
            ids.join(", ")
        );
    }
    if pipelines.is_empty() {
        return Outcome {
            app: app.to_string(),
            category: Category::WrongWhileCertain,
            wrong,
            report,
        };
    }
    // The predicted pipeline that is the synthesized one: the most stage names in common,
    // then the fewest other stages, then the first.
    let mut chosen: Option<&Value> = None;
    let mut best = None;
    for p in pipelines {
        let names: Vec<&str> = p["stages"].as_array().unwrap().iter().map(name).collect();
        let key = (align(&synth_names, &names).len(), usize::MAX - names.len());
        if best.is_none_or(|b| key > b) {
            best = Some(key);
            chosen = Some(p);
        }
    }
    let predicted: Vec<&Value> = chosen
        .map(|p| p["stages"].as_array().unwrap().iter().collect())
        .unwrap_or_default();
    let predicted_names: Vec<&str> = predicted.iter().map(|s| name(s)).collect();
    let pairs = align(&synth_names, &predicted_names);

    // Walk the pairs and the gaps between them.
    let (mut i, mut j) = (0, 0);
    for &(pi, pj) in pairs
        .iter()
        .chain(std::iter::once(&(synth.len(), predicted.len())))
    {
        let missing = &synth[i..pi];
        let extra = &predicted[j..pj];
        let stand_in = extra.iter().any(|s| s["certain"] != true);
        for s in extra {
            let _ = writeln!(
                report,
                "  stage {} predicted ({}), not in the synth here: {}",
                name(s),
                if s["certain"] == true {
                    "certain"
                } else {
                    "uncertain"
                },
                line(&acts(s))
            );
            if s["certain"] == true {
                wrong.insert((name(s).to_string(), Extra));
            } else {
                uncertain_any = true;
                honest = true;
            }
        }
        for s in missing {
            let _ = writeln!(
                report,
                "  stage {} not predicted{}: synth {}",
                name(s),
                if stand_in {
                    " (an uncertain stage stands in)"
                } else {
                    ""
                },
                line(&acts(s))
            );
            if stand_in {
                honest = true;
            } else {
                wrong.insert((name(s).to_string(), Missing));
            }
        }
        if pi == synth.len() {
            break;
        }
        let (s, p) = (synth[pi], predicted[pj]);
        let certain = p["certain"] == true;
        uncertain_any |= !certain;
        let (want, got) = (acts(s), acts(p));
        let shape = |a: &[Act]| -> Vec<(String, u64, String)> {
            a.iter()
                .map(|a| (a.name.clone(), a.run_order, a.kind.clone()))
                .collect()
        };
        let actions_differ = shape(&want) != shape(&got);
        let env_differs = want.iter().any(|w| {
            got.iter()
                .find(|g| g.name == w.name)
                .is_some_and(|g| (&g.account, &g.region) != (&w.account, &w.region))
        });
        if actions_differ || env_differs {
            let _ = writeln!(
                report,
                "  stage {} ({}) differs in {}:\n      synth     {}\n      predicted {}",
                name(s),
                if certain { "certain" } else { "uncertain" },
                match (actions_differ, env_differs) {
                    (true, true) => "actions and env",
                    (true, false) => "actions",
                    _ => "env",
                },
                line(&want),
                line(&got)
            );
            if certain {
                if actions_differ {
                    wrong.insert((name(s).to_string(), Actions));
                }
                if env_differs {
                    wrong.insert((name(s).to_string(), Env));
                }
            } else {
                honest = true;
            }
        }
        i = pi + 1;
        j = pj + 1;
    }
    let category = if !wrong.is_empty() {
        Category::WrongWhileCertain
    } else if honest {
        Category::WrongUncertain
    } else if uncertain_any {
        Category::RightButUncertain
    } else {
        Category::Exact
    };
    Outcome {
        app: app.to_string(),
        category,
        wrong,
        report,
    }
}

/// Compares what occurs with what a known-gaps list says, both as sorted keys; the failures.
fn against_known<K: Ord + Clone + std::fmt::Debug>(
    occurring: &BTreeSet<K>,
    known: &BTreeSet<K>,
    what: &str,
) -> Vec<String> {
    let mut failures = Vec::new();
    for k in occurring.difference(known) {
        failures.push(format!("{what} not in the known-gaps list: {k:?}"));
    }
    for k in known.difference(occurring) {
        failures.push(format!(
            "{what} listed as a known gap no longer occurs (delete the entry): {k:?}"
        ));
    }
    failures
}

#[test]
fn the_corpus_is_big_enough_and_covers_each_language() {
    let all = apps();
    let corpus: Vec<_> = all
        .iter()
        .filter(|(_, p, _)| p.parent().is_some_and(|d| d.ends_with("tests/corpus")))
        .collect();
    let count = |f: &dyn Fn(&Path) -> bool| corpus.iter().filter(|(_, p, _)| f(p)).count();
    let python = count(&|p| p.join("app.py").is_file());
    let typescript = count(&|p| p.join("bin/app.ts").is_file());
    let javascript = count(&|p| p.join("bin/app.js").is_file());
    assert!(
        corpus.len() >= 30 && python >= 12 && typescript >= 12 && javascript >= 3,
        "the corpus needs 30 apps (12 Python, 12 TypeScript, 3 JavaScript): {} apps, {python} \
         Python, {typescript} TypeScript, {javascript} JavaScript",
        corpus.len()
    );
    assert_eq!(
        python + typescript + javascript,
        corpus.len(),
        "an app with none of app.py, bin/app.ts, bin/app.js"
    );
    for (name, _, fixture) in &corpus {
        assert!(
            fixture.is_file(),
            "{name}: no synth fixture {} (run tests/synth-corpus)",
            fixture.display()
        );
    }
}

/// (a) no stage marked certain differs from the real synth, (b) every app's stages are exact
/// or honestly uncertain (none silently missing), except the listed `KNOWN_GAPS`.
#[test]
fn no_predicted_stage_is_wrong_while_certain() {
    let mut occurring = BTreeSet::new();
    let mut summary = String::new();
    let mut counts = std::collections::BTreeMap::new();
    for (app, folder, fixture) in apps() {
        let o = compare(&app, &folder, &fixture);
        *counts.entry(o.category).or_insert(0) += 1;
        let _ = writeln!(summary, "{}: {}", o.app, o.category.name());
        summary.push_str(&o.report);
        for (stage, wrong) in o.wrong {
            occurring.insert((o.app.clone(), stage, wrong));
        }
    }
    let counts: Vec<String> = counts
        .iter()
        .map(|(c, n)| format!("{} {n}", c.name()))
        .collect();
    eprintln!("{summary}\n{}", counts.join(", "));
    let known: BTreeSet<(String, String, Wrong)> = KNOWN_GAPS
        .iter()
        .map(|(a, s, w, _)| (a.to_string(), s.to_string(), *w))
        .collect();
    assert_eq!(
        known.len(),
        KNOWN_GAPS.len(),
        "a KNOWN_GAPS entry is listed twice"
    );
    let failures = against_known(&occurring, &known, "difference");
    assert!(
        failures.is_empty(),
        "{}\n\n{summary}\n{}",
        failures.join("\n"),
        counts.join(", ")
    );
}

/// (c) `pipelens check` reports no error-severity diagnostic on an app whose real synth
/// succeeds (every corpus app and example does: tests/synth-corpus), except the listed ones.
#[test]
fn check_reports_no_error_on_an_app_that_synthesizes() {
    let mut occurring = BTreeSet::new();
    let mut messages = Vec::new();
    for (app, folder, _) in apps() {
        let v = pipelens(&["check", "--offline", "--format", "json"], &folder);
        for d in v["diagnostics"].as_array().unwrap() {
            if d["severity"] == "error" {
                let code = d["code"].as_str().unwrap_or("?").to_string();
                messages.push(format!(
                    "{app}: {code} at {}:{}: {}",
                    d["file"].as_str().unwrap_or("?"),
                    d["line"],
                    d["message"].as_str().unwrap_or("")
                ));
                occurring.insert((app.clone(), code));
            }
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN_CHECK_GAPS
        .iter()
        .map(|(a, c, _)| (a.to_string(), c.to_string()))
        .collect();
    let failures = against_known(&occurring, &known, "error diagnostic");
    assert!(
        failures.is_empty(),
        "{}\n\n{}",
        failures.join("\n"),
        messages.join("\n")
    );
}

/// The comparison itself can fail: a certain stage with another action order, a wrong
/// account, a silently missing stage, an extra pipeline are each caught; an uncertain stage
/// standing in for a real one is honest.
#[test]
fn the_comparison_catches_each_kind_of_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("cdk.json"), r#"{ "app": "python3 app.py" }"#).unwrap();
    std::fs::write(
        app.join("app.py"),
        r#"
import aws_cdk as cdk
from aws_cdk import pipelines
from somewhere_else import ServiceStage


class Svc(cdk.Stack):
    pass


class AppStage(cdk.Stage):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        Svc(self, "Svc")


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(self, "Pipeline", synth=pipelines.ShellStep(
            "Synth", input=pipelines.CodePipelineSource.git_hub("o/r", "main"),
            commands=["cdk synth"]))
        pipeline.add_stage(AppStage(self, "Beta", env=cdk.Environment(account="999999999999", region="us-east-1")))
        pipeline.add_stage(ServiceStage(self, "Gamma"))


app = cdk.App()
PipelineStack(app, "P", env=cdk.Environment(account="999999999999", region="us-east-1"))
app.synth()
"#,
    )
    .unwrap();
    let v = pipelens(&["preview", "--format", "json"], &app);
    let predicted = v["pipelines"][0]["stages"].clone();
    let fixture = dir.path().join("fixture.json");
    let write = |stages: &Value| {
        std::fs::write(
            &fixture,
            serde_json::json!({ "stages": stages }).to_string(),
        )
        .unwrap()
    };
    let stages = predicted.as_array().unwrap();
    let beta = stages.iter().position(|s| s["name"] == "Beta").unwrap();
    let gamma = stages.iter().position(|s| s["name"] == "Gamma").unwrap();
    assert_eq!(stages[beta]["certain"], true, "{predicted:#}");
    assert_eq!(stages[gamma]["certain"], false, "{predicted:#}");

    // The prediction itself: Gamma is uncertain (its class cannot be read), the rest exact.
    write(&predicted);
    let o = compare("t", &app, &fixture);
    assert_eq!(o.category, Category::RightButUncertain, "{}", o.report);

    // Beta's two actions swapped within the stage: actions differ while certain.
    let mut swapped = predicted.clone();
    swapped[beta]["actions"].as_array_mut().unwrap().reverse();
    write(&swapped);
    let o = compare("t", &app, &fixture);
    assert_eq!(o.category, Category::WrongWhileCertain, "{}", o.report);
    assert!(
        o.wrong.contains(&("Beta".to_string(), Actions)),
        "{:?}",
        o.wrong
    );

    // Beta really deploys to another account.
    let mut account = predicted.clone();
    for a in account[beta]["actions"].as_array_mut().unwrap() {
        a["account"] = "111111111111".into();
    }
    write(&account);
    let o = compare("t", &app, &fixture);
    assert_eq!(o.wrong, BTreeSet::from([("Beta".to_string(), Env)]));

    // The synth has an Assets stage the prediction lacks, before Beta: silently missing.
    let mut assets = predicted.clone();
    assets.as_array_mut().unwrap().insert(
        beta,
        serde_json::json!({ "name": "Assets", "actions": [
            { "name": "Fn_Code", "runOrder": 1, "kind": "assets",
              "account": "999999999999", "region": "us-east-1" }] }),
    );
    write(&assets);
    let o = compare("t", &app, &fixture);
    assert_eq!(o.wrong, BTreeSet::from([("Assets".to_string(), Missing)]));

    // Gamma's real stage differs (other actions): honest, it is marked uncertain.
    let mut gamma_differs = predicted.clone();
    gamma_differs[gamma]["actions"] = serde_json::json!([
        { "name": "Api.Prepare", "runOrder": 1, "kind": "prepare", "account": null, "region": null }
    ]);
    write(&gamma_differs);
    let o = compare("t", &app, &fixture);
    assert_eq!(o.category, Category::WrongUncertain, "{}", o.report);
    assert!(o.wrong.is_empty());

    // A stage the synth lacks while the prediction is sure of it.
    let mut fewer = predicted.clone();
    fewer.as_array_mut().unwrap().remove(beta);
    write(&fewer);
    let o = compare("t", &app, &fixture);
    assert_eq!(o.wrong, BTreeSet::from([("Beta".to_string(), Extra)]));

    // The known-gaps bookkeeping: unlisted and stale entries both fail.
    let occurring = BTreeSet::from([1, 2]);
    assert!(against_known(&occurring, &BTreeSet::from([1, 2]), "x").is_empty());
    assert_eq!(
        against_known(&occurring, &BTreeSet::from([1]), "x").len(),
        1
    );
    assert_eq!(
        against_known(&occurring, &BTreeSet::from([1, 2, 3]), "x").len(),
        1
    );
}

#[test]
fn what_the_model_cannot_follow_is_marked_uncertain_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pipeline.py");
    std::fs::write(
        &file,
        r#"
import aws_cdk as cdk
from aws_cdk import pipelines
from somewhere_else import ServiceStage, make_id

class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(self, "Pipeline", synth=pipelines.ShellStep(
            "Synth", input=pipelines.CodePipelineSource.git_hub("acme/app", "main"),
            commands=["cdk synth"]))
        pipeline.add_stage(ServiceStage(self, "Beta"))
        pipeline.add_stage(ServiceStage(self, make_id()))
"#,
    )
    .unwrap();
    let stages = |file: &Path| -> Vec<(String, bool)> {
        let v = pipelens(&["preview", "--format", "json"], file);
        v["pipelines"][0]["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_string(),
                    s["certain"] == true,
                )
            })
            .collect()
    };
    let s = |n: &str, c: bool| (n.to_string(), c);
    // Nothing instantiates the pipeline stack here: its env, where Source, Build and
    // UpdatePipeline run, is not known, so not even they are certain.
    assert_eq!(
        stages(&file),
        vec![
            s("Source", false),
            s("Build", false),
            s("UpdatePipeline", false),
            s("Beta", false),
            s("?", false),
        ]
    );
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        format!(
            "{text}\napp = cdk.App()\nPipelineStack(app, \"P\", env=cdk.Environment(account=\"111111111111\", region=\"eu-west-1\"))\n"
        ),
    )
    .unwrap();
    assert_eq!(
        stages(&file),
        vec![
            s("Source", true),
            s("Build", true),
            s("UpdatePipeline", true),
            // The Stage class is in a module pipelens cannot read: its stacks are unknown.
            s("Beta", false),
            s("?", false),
        ]
    );

    // A stage whose class is followed but whose account is not: uncertain, and no action of
    // it claims the pipeline's account.
    std::fs::write(
        &file,
        r#"
import os
import aws_cdk as cdk
from aws_cdk import pipelines
from settings import PROD_ACCOUNT

class AppStage(cdk.Stage):
    def __init__(self, scope, id, **kw):
        super().__init__(scope, id, **kw)
        cdk.Stack(self, "Svc")

class PipelineStack(cdk.Stack):
    def __init__(self, scope, id, **kwargs):
        super().__init__(scope, id, **kwargs)
        pipeline = pipelines.CodePipeline(self, "Pipeline", synth=pipelines.ShellStep(
            "Synth", input=pipelines.CodePipelineSource.git_hub("acme/app", "main"),
            commands=["cdk synth"]))
        pipeline.add_stage(AppStage(self, "Beta", env=cdk.Environment(region="eu-west-1")))
        pipeline.add_stage(AppStage(self, "Prod", env=cdk.Environment(account=PROD_ACCOUNT, region="eu-west-1")))
        pipeline.add_stage(AppStage(self, "Dr", env=cdk.Environment(account=os.environ["DR"])))

app = cdk.App()
PipelineStack(app, "P", env=cdk.Environment(account="111111111111", region="eu-west-1"))
"#,
    )
    .unwrap();
    assert_eq!(
        stages(&file),
        vec![
            s("Source", true),
            s("Build", true),
            s("UpdatePipeline", true),
            // The account left out is the pipeline's, which is known.
            s("Beta", true),
            s("Prod", false),
            s("Dr", false),
        ]
    );
    let v = pipelens(&["preview", "--format", "json"], &file);
    for stage in v["pipelines"][0]["stages"].as_array().unwrap() {
        for a in stage["actions"].as_array().unwrap() {
            if stage["name"] == "Prod" || stage["name"] == "Dr" {
                assert_eq!(a["account"], Value::Null, "{stage:#}");
            } else {
                assert_eq!(a["account"], "111111111111", "{stage:#}");
            }
        }
    }
}

/// An app that publishes assets gets an Assets stage after the pipeline's own stages, certain
/// where every asset was followed to content the model read; one that uses nothing that
/// brings assets along gets none.
#[test]
fn an_app_that_may_publish_assets_gets_an_uncertain_assets_stage() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path();
    std::fs::write(app.join("cdk.json"), r#"{ "app": "python3 app.py" }"#).unwrap();
    let pipeline = |stack: &str| {
        format!(
            r#"
import aws_cdk as cdk
from aws_cdk import pipelines
from aws_cdk import aws_lambda as lambda_


class Svc(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        {stack}


class AppStage(cdk.Stage):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        Svc(self, "Svc")


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(self, "Pipeline", synth=pipelines.ShellStep(
            "Synth", input=pipelines.CodePipelineSource.git_hub("o/r", "main"),
            commands=["cdk synth"]))
        pipeline.add_stage(AppStage(self, "Beta"))


app = cdk.App()
PipelineStack(app, "P", env=cdk.Environment(account="999999999999", region="us-east-1"))
app.synth()
"#
        )
    };
    let stages = |text: String| -> Vec<(String, bool)> {
        std::fs::write(app.join("app.py"), text).unwrap();
        let v = pipelens(&["preview", "--format", "json"], app);
        v["pipelines"][0]["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_string(),
                    s["certain"] == true,
                )
            })
            .collect()
    };
    let s = |n: &str, c: bool| (n.to_string(), c);
    assert_eq!(
        stages(pipeline(
            r#"lambda_.Function(self, "Fn", runtime=lambda_.Runtime.PYTHON_3_12, handler="i.h", code=lambda_.Code.from_asset("fn"))"#
        )),
        vec![
            s("Source", true),
            s("Build", true),
            s("UpdatePipeline", true),
            s("Assets", false),
            s("Beta", true),
        ]
    );
    // The folder is there: its content is known, and so is the Assets stage.
    std::fs::create_dir_all(app.join("fn")).unwrap();
    std::fs::write(app.join("fn/index.py"), "def h(e, c):\n    pass\n").unwrap();
    assert_eq!(
        stages(pipeline(
            r#"lambda_.Function(self, "Fn", runtime=lambda_.Runtime.PYTHON_3_12, handler="i.h", code=lambda_.Code.from_asset("fn"))"#
        )),
        vec![
            s("Source", true),
            s("Build", true),
            s("UpdatePipeline", true),
            s("Assets", true),
            s("Beta", true),
        ]
    );
    // Made in a scope the model does not place (a construct it got from elsewhere): not known.
    assert_eq!(
        stages(pipeline(
            r#"lambda_.Function(kwargs.get("group"), "Fn", runtime=lambda_.Runtime.PYTHON_3_12, handler="i.h", code=lambda_.Code.from_asset("fn"))"#
        ))[3],
        s("Assets", false)
    );
    // Inline code is part of the template: no asset.
    assert_eq!(
        stages(pipeline(
            r#"lambda_.Function(self, "Fn", runtime=lambda_.Runtime.PYTHON_3_12, handler="index.h", code=lambda_.Code.from_inline("def h(e, c): pass"))"#
        )),
        vec![
            s("Source", true),
            s("Build", true),
            s("UpdatePipeline", true),
            s("Beta", true),
        ]
    );
}

/// A stage that may not be there (added under an `if` pipelens cannot decide) may not bring
/// its assets: the Assets stage is uncertain, though each asset is known.
#[test]
fn assets_of_a_stage_that_may_not_be_there_are_uncertain() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path();
    std::fs::write(app.join("cdk.json"), r#"{ "app": "python3 app.py" }"#).unwrap();
    std::fs::create_dir_all(app.join("fn")).unwrap();
    std::fs::write(app.join("fn/index.py"), "def h(e, c):\n    pass\n").unwrap();
    let text = |guard: &str| {
        format!(
            r#"
import os
import aws_cdk as cdk
from aws_cdk import pipelines
from aws_cdk import aws_lambda as lambda_


class Svc(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        lambda_.Function(self, "Fn", runtime=lambda_.Runtime.PYTHON_3_12, handler="i.h", code=lambda_.Code.from_asset("fn"))


class AppStage(cdk.Stage):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        Svc(self, "Svc")


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(self, "Pipeline", synth=pipelines.ShellStep(
            "Synth", input=pipelines.CodePipelineSource.git_hub("o/r", "main"),
            commands=["cdk synth"]))
        if {guard}:
            pipeline.add_stage(AppStage(self, "Beta"))


app = cdk.App()
PipelineStack(app, "P", env=cdk.Environment(account="999999999999", region="us-east-1"))
app.synth()
"#
        )
    };
    let assets = |guard: &str| -> (bool, Vec<String>) {
        std::fs::write(app.join("app.py"), text(guard)).unwrap();
        let v = pipelens(&["preview", "--format", "json"], app);
        let stage = v["pipelines"][0]["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "Assets")
            .cloned()
            .unwrap();
        let names = stage["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect();
        (stage["certain"] == true, names)
    };
    assert_eq!(assets("True"), (true, vec!["Fn_Code".to_string()]));
    assert_eq!(
        assets("os.environ.get(\"BETA\")"),
        (false, vec!["Fn_Code".to_string()])
    );
}

/// CDK names a pipeline stage after the Stage's `stageName` and a stack's actions after its
/// stack name without `<stage name>-` (`simpleStackName`).
#[test]
fn stage_names_and_stack_names_name_the_stages_and_actions_as_cdk_does() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path();
    std::fs::write(app.join("cdk.json"), r#"{ "app": "python3 app.py" }"#).unwrap();
    std::fs::write(
        app.join("app.py"),
        r#"
import aws_cdk as cdk
from aws_cdk import pipelines


class AppStage(cdk.Stage):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        cdk.Stack(self, "Api", stack_name="Live-api")
        cdk.Stack(self, "Db", stack_name="orders-db")
        cdk.Stack(self, "Web")


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(self, "Pipeline", synth=pipelines.ShellStep(
            "Synth", input=pipelines.CodePipelineSource.git_hub("o/r", "main"),
            commands=["cdk synth"]), self_mutation=False, use_change_sets=False)
        pipeline.add_stage(AppStage(self, "Prod", stage_name="Live"))


app = cdk.App()
PipelineStack(app, "P", env=cdk.Environment(account="999999999999", region="us-east-1"))
app.synth()
"#,
    )
    .unwrap();
    let v = pipelens(&["preview", "--format", "json"], app);
    let stages = v["pipelines"][0]["stages"].as_array().unwrap();
    let live = stages
        .iter()
        .find(|s| s["name"] == "Live")
        .unwrap_or_else(|| {
            panic!("no stage named after stage_name: {stages:#?}");
        });
    assert_eq!(live["certain"], true, "{live:#}");
    let mut names: Vec<&str> = live["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Web.Deploy", "api.Deploy", "orders-db.Deploy"],
        "{live:#}"
    );
}

/// A stack made with another stack of its Stage (or one of its attributes) among its arguments
/// waits for that stack, as CDK makes it for the reference; an attribute that goes elsewhere
/// (a method call on a stack) may add a dependency the model does not place: uncertain.
#[test]
fn cross_stack_references_order_the_stacks_or_leave_the_stage_uncertain() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pipeline.py");
    let app = |stage_body: &str| {
        format!(
            r#"
import aws_cdk as cdk
from aws_cdk import pipelines

class DbStack(cdk.Stack):
    pass

class ApiStack(cdk.Stack):
    pass

class AppStage(cdk.Stage):
    def __init__(self, scope, id, **kw):
        super().__init__(scope, id, **kw)
{stage_body}

class PipelineStack(cdk.Stack):
    def __init__(self, scope, id, **kwargs):
        super().__init__(scope, id, **kwargs)
        pipeline = pipelines.CodePipeline(self, "Pipeline", synth=pipelines.ShellStep(
            "Synth", input=pipelines.CodePipelineSource.git_hub("acme/app", "main"),
            commands=["cdk synth"]))
        pipeline.add_stage(AppStage(self, "Beta", env=cdk.Environment(account="222222222222", region="eu-west-1")))

app = cdk.App()
PipelineStack(app, "P", env=cdk.Environment(account="111111111111", region="eu-west-1"))
"#
        )
    };
    let beta = |body: &str| -> (bool, Vec<(String, u64)>) {
        std::fs::write(&file, app(body)).unwrap();
        let v = pipelens(&["preview", "--format", "json"], &file);
        let stage = v["pipelines"][0]["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "Beta")
            .unwrap()
            .clone();
        let actions = stage["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["name"].as_str().unwrap().to_string(),
                    a["runOrder"].as_u64().unwrap(),
                )
            })
            .collect();
        (stage["certain"] == true, actions)
    };
    let a = |n: &str, r: u64| (n.to_string(), r);
    // Independent stacks deploy side by side.
    let (certain, actions) =
        beta("        db = DbStack(self, \"Db\")\n        ApiStack(self, \"Api\")\n");
    assert!(certain);
    assert_eq!(
        actions,
        [
            a("Api.Prepare", 1),
            a("Db.Prepare", 1),
            a("Api.Deploy", 2),
            a("Db.Deploy", 2)
        ]
    );
    // `table=db.table` and `db=db`: Api waits for Db, certainly.
    for arg in ["table=db.table", "db=db", "props={\"t\": db.table}"] {
        let (certain, actions) = beta(&format!(
            "        db = DbStack(self, \"Db\")\n        ApiStack(self, \"Api\", {arg})\n"
        ));
        assert!(certain, "{arg}");
        assert_eq!(
            actions,
            [
                a("Db.Prepare", 1),
                a("Db.Deploy", 2),
                a("Api.Prepare", 3),
                a("Api.Deploy", 4)
            ],
            "{arg}"
        );
    }
    // A method of the stack called is no reference to it.
    let (certain, _) = beta(
        "        db = DbStack(self, \"Db\")\n        api = ApiStack(self, \"Api\")\n        api.add_dependency(db)\n",
    );
    assert!(certain);
    // An attribute handed to something else: where CDK puts the dependency is not followed.
    let (certain, _) = beta(
        "        db = DbStack(self, \"Db\")\n        api = ApiStack(self, \"Api\")\n        api.grant(db.table)\n",
    );
    assert!(!certain);
}

/// A pipeline stack class that keeps its pipeline in `self.pipeline`, extended by app.py
/// (`pipeline_stack.pipeline.add_stage(…)`, a method of the class called on the instance):
/// app.py's code is followed, and what it adds comes after what the constructor added, as
/// CDK runs it. Where the model cannot be sure of what app.py does to the instance (two
/// instances, one made under an `if` it cannot decide, an inherited method of the app's own
/// base class, the instance handed to a function it cannot read), the stages app.py may add
/// stay one uncertain stand-in.
#[test]
fn stages_added_through_the_stacks_pipeline_attribute_in_app_py_are_followed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("cdk.json"), r#"{ "app": "python3 app.py" }"#).unwrap();
    let file = root.join("pipeline_stack.py");
    std::fs::write(
        &file,
        r#"
import aws_cdk as cdk
from aws_cdk import pipelines

ENV = cdk.Environment(account="222222222222", region="eu-west-1")

class AppStage(cdk.Stage):
    def __init__(self, scope, id, **kw):
        super().__init__(scope, id, **kw)
        cdk.Stack(self, "Svc")

class BasePipelineStack(cdk.Stack):
    def add_extra(self):
        self.pipeline.add_stage(AppStage(self, "Extra", env=ENV))

class PipelineStack(BasePipelineStack):
    def __init__(self, scope, id, **kwargs):
        super().__init__(scope, id, **kwargs)
        self.pipeline = pipelines.CodePipeline(self, "Pipeline", synth=pipelines.ShellStep(
            "Synth", input=pipelines.CodePipelineSource.git_hub("acme/app", "main"),
            commands=["cdk synth"]))
        self.pipeline.add_stage(AppStage(self, "Beta", env=ENV))

    def finish(self):
        self.pipeline.add_stage(AppStage(self, "Gamma", env=ENV))
        self.pipeline.build_pipeline()
"#,
    )
    .unwrap();
    let head = r#"
import os
import aws_cdk as cdk
from aws_cdk import pipelines
from pipeline_stack import PipelineStack, AppStage
from elsewhere import register

app = cdk.App()
"#;
    let make = "stack = PipelineStack(app, \"P\", env=cdk.Environment(account=\"111111111111\", region=\"eu-west-1\"))\n";
    let add = "stack.pipeline.add_stage(AppStage(app, \"Prod\", env=cdk.Environment(account=\"333333333333\", region=\"eu-west-1\")), pre=[pipelines.ManualApprovalStep(\"Promote\")])\nstack.finish()\napp.synth()\n";
    let stages = |app_py: &str| -> Vec<(String, bool, Vec<String>)> {
        std::fs::write(root.join("app.py"), app_py).unwrap();
        let v = pipelens(&["preview", "--format", "json"], &file);
        v["pipelines"][0]["stages"]
            .as_array()
            .unwrap()
            .iter()
            .skip(3)
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_string(),
                    s["certain"] == true,
                    s["actions"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|a| a["name"].as_str().unwrap().to_string())
                        .collect(),
                )
            })
            .collect()
    };
    let s = |n: &str, c: bool, a: &[&str]| {
        (
            n.to_string(),
            c,
            a.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
        )
    };
    let deploy = ["Prepare", "Deploy"];
    assert_eq!(
        stages(&format!("{head}{make}{add}")),
        vec![
            s("Beta", true, &deploy),
            // With a pre step, CDK names the actions from the Stage down (as the corpus synth shows).
            s("Prod", true, &["Promote", "Svc.Prepare", "Svc.Deploy"]),
            s("Gamma", true, &deploy),
        ]
    );
    let stand_in = |app_py: &str| {
        let got = stages(app_py);
        assert_eq!(got[0], s("Beta", true, &deploy), "{app_py}");
        assert_eq!(
            got.last().map(|g| (g.0.as_str(), g.1)),
            Some(("?", false)),
            "{app_py}: {got:?}"
        );
    };
    // Two instances.
    stand_in(&format!(
        "{head}{make}{add}PipelineStack(app, \"Q\", env=cdk.Environment(account=\"111111111111\", region=\"eu-west-1\"))\n"
    ));
    // Made under an `if` the model cannot decide.
    stand_in(&format!(
        "{head}if os.environ.get(\"PIPELINE\"):\n    {make}    {}",
        add.replace('\n', "\n    ")
    ));
    // A method the class inherits from the app's own base class, which may add stages.
    stand_in(&format!("{head}{make}{add}stack.add_extra()\n"));
    // Handed to a function the model cannot read.
    stand_in(&format!("{head}{make}{add}register(stack)\n"));
    // CDK's own methods of the stack, and tags, add no stage.
    assert_eq!(
        stages(&format!(
            "{head}{make}{add}stack.add_dependency(cdk.Stack(app, \"Other\"))\ncdk.Tags.of(stack).add(\"team\", \"a\")\n"
        ))
        .len(),
        3
    );
}
