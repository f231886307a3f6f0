//! The predicted CodePipeline equals what `cdk synth` really generated: for both examples and
//! every corpus app (`tests/corpus/<name>/`), `pipelens preview --format json` (model and
//! prediction only, no cdk) is compared with the synthesized fixture
//! `tests/fixtures/synth/<name>.json` that `tests/synth-examples` / `tests/synth-corpus`
//! write from the real cloud assembly. Needs nothing but Rust.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;

use common::{as_fixture, repo};

/// The preview json of an app folder.
fn preview(app: &Path) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_pipelens"))
        .args(["preview", "--format", "json"])
        .arg(app)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Compares one app; returns a readable difference, or `None`.
fn check(app: &Path, fixture: &Path) -> Option<String> {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap_or_else(|e| {
            panic!("{}: {e}", fixture.display());
        }))
        .unwrap();
    let v = preview(app);
    let pipelines = v["pipelines"].as_array().unwrap();
    if pipelines.len() != 1 {
        return Some(format!(
            "{}: {} pipelines predicted, expected 1",
            app.display(),
            pipelines.len()
        ));
    }
    let p = &pipelines[0];
    assert_eq!(p["origin"], "predicted");
    let uncertain: Vec<&Value> = p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["certain"] != true)
        .map(|s| &s["name"])
        .collect();
    let actual = as_fixture(p);
    if actual == expected && uncertain.is_empty() {
        return None;
    }
    Some(format!(
        "{}: uncertain stages {uncertain:?}\n--- synthesized\n{}\n+++ predicted\n{}",
        app.display(),
        summary(&expected),
        summary(&actual)
    ))
}

/// One line per stage: `Name: Action(runOrder account region), …`.
fn summary(v: &Value) -> String {
    v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let acts: Vec<String> = s["actions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    format!(
                        "{}({} {} {})",
                        a["name"].as_str().unwrap_or("?"),
                        a["runOrder"],
                        a["account"].as_str().unwrap_or("null"),
                        a["region"].as_str().unwrap_or("null")
                    )
                })
                .collect();
            format!(
                "  {}: {}",
                s["name"].as_str().unwrap_or("?"),
                acts.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn prediction_of_both_examples_equals_their_synthesized_pipeline() {
    let repo = repo();
    let mut failures = Vec::new();
    for name in ["payments-python", "payments-typescript"] {
        let app = repo.join("examples").join(name);
        let fixture = repo.join(format!("tests/fixtures/synth/{name}.json"));
        failures.extend(check(&app, &fixture));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn prediction_of_every_corpus_app_equals_its_synthesized_pipeline() {
    let repo = repo();
    let mut apps: Vec<PathBuf> = std::fs::read_dir(repo.join("tests/corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("cdk.json").is_file())
        .collect();
    apps.sort();
    let python = apps.iter().filter(|a| a.join("app.py").is_file()).count();
    let typescript = apps
        .iter()
        .filter(|a| a.join("bin/app.ts").is_file())
        .count();
    assert!(
        python >= 4 && typescript >= 4 && apps.len() >= 10,
        "the corpus needs 10 apps, 4 of each language: {python} Python, {typescript} TypeScript"
    );
    let mut failures = Vec::new();
    for app in &apps {
        let name = app.file_name().unwrap().to_string_lossy();
        let fixture = repo.join(format!("tests/fixtures/synth/corpus-{name}.json"));
        failures.extend(check(app, &fixture));
    }
    assert!(
        failures.is_empty(),
        "{} of {} apps differ:\n\n{}",
        failures.len(),
        apps.len(),
        failures.join("\n\n")
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
    let v = preview(&file);
    let stages: Vec<(String, bool)> = v["pipelines"][0]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["certain"] == true,
            )
        })
        .collect();
    let s = |n: &str, c: bool| (n.to_string(), c);
    assert_eq!(
        stages,
        vec![
            s("Source", true),
            s("Build", true),
            s("UpdatePipeline", true),
            // The Stage class is in a module pipelens cannot read: its stacks are unknown.
            s("Beta", false),
            s("?", false),
        ]
    );
}
