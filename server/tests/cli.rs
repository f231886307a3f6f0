//! The `pipelens` binary as scripts and CI use it: output formats, exit codes, bad input.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;

use common::{repo, stage_names};

fn pipelens(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipelens"))
        .args(args)
        .current_dir(cwd)
        // Never an instance-metadata lookup from a test, should a test forget --offline.
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn model_of_both_examples_lists_every_stage_env_and_the_wave() {
    for file in [
        "examples/payments-python/payments/pipeline_stack.py",
        "examples/payments-typescript/lib/pipeline-stack.ts",
    ] {
        let o = pipelens(&["model", file, "--format", "json"], &repo());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let p = &v["pipelines"][0];
        assert_eq!(p["env"]["account"], "999999999999", "{file}");
        assert_eq!(p["env"]["region"], "us-east-1");
        assert_eq!(p["crossAccountKeys"], true);
        let stages: Vec<(String, Value, String, String)> = p["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["id"].as_str().unwrap().to_string(),
                    s["wave"].clone(),
                    s["env"]["account"].as_str().unwrap().to_string(),
                    s["env"]["region"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let w = |s: &str| Value::String(s.into());
        assert_eq!(
            stages,
            vec![
                (
                    "Dev".into(),
                    Value::Null,
                    "111111111111".into(),
                    "us-east-1".into()
                ),
                (
                    "Staging".into(),
                    Value::Null,
                    "222222222222".into(),
                    "us-east-1".into()
                ),
                (
                    "ProdUsEast1".into(),
                    w("Prod"),
                    "333333333333".into(),
                    "us-east-1".into()
                ),
                (
                    "ProdEuWest1".into(),
                    w("Prod"),
                    "333333333333".into(),
                    "eu-west-1".into()
                ),
            ],
            "{file}"
        );
        assert_eq!(p["waves"][0]["id"], "Prod");
        assert_eq!(p["waves"][0]["pre"][0]["id"], "PromoteToProd");
        assert_eq!(p["waves"][0]["pre"][0]["kind"], "ManualApprovalStep");
        assert_eq!(p["stages"][1]["post"][0]["id"], "IntegrationTests");
        let stacks: Vec<&str> = p["stages"][0]["stacks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(stacks, ["Api", "Database"]);
        assert_eq!(p["sources"][0]["repo"], "acme/payments");
        assert_eq!(p["synth"]["id"], "Synth");
    }
}

#[test]
fn check_examples_is_clean_and_exits_zero() {
    let o = pipelens(&["check", "--offline", "examples"], &repo());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("0 errors, 0 warnings, 0 notes in 7 files (2 pipelines)"),
        "{}",
        stdout(&o)
    );
}

const MISTAKES: &str = "tests/fixtures/model/python/rules_mistakes.py";

#[test]
fn check_json_has_the_contract_shape_and_exit_one_on_errors() {
    let o = pipelens(
        &["check", "--offline", MISTAKES, "--format", "json"],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = v["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 8);
    let first = &d[0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "file",
            "line",
            "column",
            "endLine",
            "endColumn",
            "severity",
            "code",
            "message"
        ]
    );
    let region = d.iter().find(|d| d["code"] == "unknown-region").unwrap();
    assert_eq!(region["file"], MISTAKES);
    assert_eq!(region["line"], 19);
    // `region="us-east1"` — the column of the opening quote, 1-based.
    let line = std::fs::read_to_string(repo().join(MISTAKES))
        .unwrap()
        .lines()
        .nth(18)
        .unwrap()
        .to_string();
    assert_eq!(
        region["column"].as_u64().unwrap() as usize,
        line.find("\"us-east1\"").unwrap() + 1
    );
    assert_eq!(
        region["endColumn"].as_u64().unwrap() - region["column"].as_u64().unwrap(),
        10
    );
    assert_eq!(region["severity"], "error");
    let severities: Vec<&str> = d.iter().map(|d| d["severity"].as_str().unwrap()).collect();
    assert!(severities.contains(&"warning"));
}

#[test]
fn check_text_looks_like_a_compiler() {
    let o = pipelens(&["check", "--offline", MISTAKES], &repo());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let at = out.find(&format!("{MISTAKES}:19:")).expect(&out);
    let block: Vec<&str> = out[at..].lines().take(3).collect();
    assert!(
        block[0].contains(
            ": error[unknown-region]: `us-east1` is not an AWS region; did you mean `us-east-1`"
        ),
        "{}",
        block[0]
    );
    assert!(block[1].starts_with("19 | "), "{}", block[1]);
    let caret = block[2].find('^').unwrap();
    assert_eq!(&block[1][caret..caret + 10], "\"us-east1\"");
    assert!(
        out.trim_end()
            .ends_with("5 errors, 3 warnings, 0 notes in 1 file (1 pipeline)"),
        "{out}"
    );
}

#[test]
fn check_sarif_and_github_formats() {
    let o = pipelens(
        &["check", "--offline", MISTAKES, "--format", "sarif"],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 8);
    assert!(results.iter().any(|r| r["ruleId"] == "duplicate-stage"
        && r["relatedLocations"].as_array().unwrap().len() == 1));
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        MISTAKES
    );

    let o = pipelens(
        &["check", "--offline", MISTAKES, "--format", "github"],
        &repo(),
    );
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("unknown-region") && l.contains("line=19"))
        .expect(&out);
    assert!(
        line.starts_with(&format!("::error file={MISTAKES},line=19,col=")),
        "{line}"
    );
    assert!(line.contains("title=pipelens unknown-region::"), "{line}");
    assert!(out.lines().any(|l| l.starts_with("::warning ")));
}

#[test]
fn usage_and_io_errors_exit_two_with_a_clear_message() {
    let o = pipelens(&["check", "--offline", "no/such/dir"], &repo());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no/such/dir: no such file or folder"),
        "{}",
        stderr(&o)
    );

    let o = pipelens(&["check", "--offline", "Cargo.toml"], &repo());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a Python, TypeScript or JavaScript file"),
        "{}",
        stderr(&o)
    );

    let o = pipelens(&["check", "--offline", "--format", "xml"], &repo());
    assert_eq!(o.status.code(), Some(2));
    let o = pipelens(&["model"], &repo());
    assert_eq!(o.status.code(), Some(2));
    let o = pipelens(&["frobnicate"], &repo());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_files_are_read_without_panics() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("empty.py"), "").unwrap();
    std::fs::write(
        d.join("notcdk.ts"),
        "export const x = [1, 2, 3].map((n) => n * 2);\n",
    )
    .unwrap();
    let mut bad = b"import aws_cdk as cdk\nx = '".to_vec();
    bad.extend([0xff, 0xfe, 0x80]);
    bad.extend(b"'\n");
    std::fs::write(d.join("latin1.py"), &bad).unwrap();
    // A 5 MB file: a real pipeline at the top, then generated filler.
    let mut big =
        std::fs::read_to_string(repo().join("tests/fixtures/model/python/rules_mistakes.py"))
            .unwrap();
    while big.len() < 5 * 1024 * 1024 {
        big.push_str("VALUE_0123456789 = {\"account\": \"123\", \"region\": \"us-east-1\", \"items\": [1, 2, 3]}\n");
    }
    std::fs::write(d.join("huge.py"), &big).unwrap();

    for (file, code) in [
        ("empty.py", 0),
        ("notcdk.ts", 0),
        ("latin1.py", 0),
        ("huge.py", 1),
    ] {
        let o = pipelens(&["check", "--offline", file, "--format", "json"], d);
        assert_eq!(o.status.code(), Some(code), "{file}: {}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(v["diagnostics"].is_array());
        let o = pipelens(&["model", file], d);
        assert_eq!(o.status.code(), Some(0), "{file}: {}", stderr(&o));
    }
    let o = pipelens(&["check", "--offline", "latin1.py"], d);
    assert!(
        stderr(&o).contains("latin1.py: not valid UTF-8 (first bad byte at offset 27)"),
        "{}",
        stderr(&o)
    );
    let o = pipelens(&["model", "huge.py"], d);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["pipelines"][0]["stages"].as_array().unwrap().len(), 5);
}

#[test]
fn a_folder_without_cdk_json_is_checked_file_by_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join(MISTAKES), dir.path().join("p.py")).unwrap();
    let o = pipelens(&["check", "--offline", "."], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no cdk.json"), "{}", stderr(&o));
}

#[test]
fn preview_json_follows_the_contract() {
    let o = pipelens(
        &[
            "preview",
            "examples/payments-typescript",
            "--format",
            "json",
        ],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &v["pipelines"][0];
    assert_eq!(p["id"], "Pipeline");
    assert_eq!(
        p["file"],
        "examples/payments-typescript/lib/pipeline-stack.ts"
    );
    assert_eq!(p["line"], 14);
    assert_eq!(p["origin"], "predicted");
    assert_eq!(
        stage_names(p),
        [
            "Source",
            "Build",
            "UpdatePipeline",
            "Dev",
            "Staging",
            "Prod"
        ]
    );
    let prod = &p["stages"][5];
    assert_eq!(prod["certain"], true);
    assert_eq!(prod["line"], 42);
    let approval = &prod["actions"][0];
    assert_eq!(
        approval,
        &serde_json::json!({"name": "PromoteToProd", "runOrder": 1, "kind": "approval",
            "account": "999999999999", "region": "us-east-1"})
    );
    let deploy = &prod["actions"][5];
    assert_eq!(deploy["name"], "ProdEuWest1.Api.Deploy");
    assert_eq!(deploy["kind"], "deploy");
    assert_eq!(deploy["account"], "333333333333");
    assert_eq!(deploy["region"], "eu-west-1");
}

#[test]
fn preview_synth_outside_a_cdk_app_exits_2_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let o = pipelens(
        &["preview", "--synth", dir.path().to_str().unwrap()],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("not a CDK app"), "{}", stderr(&o));
}

#[test]
fn preview_text_mermaid_and_svg_show_every_stage() {
    let file = "examples/payments-python/payments/pipeline_stack.py";
    let text = pipelens(&["preview", file], &repo());
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    let t = stdout(&text);
    assert!(t.contains("  Prod  line 66"), "{t}");
    assert!(
        t.contains(
            "     2  ProdEuWest1.Api.Prepare       prepare              333333333333 eu-west-1"
        ),
        "{t}"
    );

    let mermaid = stdout(&pipelens(
        &["preview", file, "--format", "mermaid"],
        &repo(),
    ));
    assert!(mermaid.contains("flowchart LR\n"), "{mermaid}");
    assert_eq!(mermaid.matches("  subgraph ").count(), 6, "{mermaid}");
    assert!(mermaid.contains("{\"1. PromoteToProd\"}"), "{mermaid}");

    let svg = stdout(&pipelens(&["preview", file, "--format", "svg"], &repo()));
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<g>").count(), 6, "one column per stage");
    assert!(svg.contains(">ProdUsEast1.Database.Deploy<"));
    assert!(svg.contains("deploy · 333333333333 · eu-west-1"));
}

#[test]
fn preview_of_a_missing_path_is_an_io_error() {
    let o = pipelens(&["preview", "no/such/app"], &repo());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no such file or folder"));
}

#[test]
fn bootstrap_check_off_in_pipelens_toml_means_no_probe() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    let src = repo().join("examples/payments-python");
    std::fs::create_dir_all(app.join("payments")).unwrap();
    for f in [
        "cdk.json",
        "app.py",
        "payments/__init__.py",
        "payments/pipeline_stack.py",
        "payments/service_stage.py",
    ] {
        if src.join(f).is_file() {
            std::fs::copy(src.join(f), app.join(f)).unwrap();
        }
    }
    std::fs::write(
        dir.path().join("pipelens.toml"),
        "[bootstrap]\ncheck = \"off\"\n",
    )
    .unwrap();
    // No --offline: the setting alone keeps `check` from asking AWS.
    let o = Command::new(env!("CARGO_BIN_EXE_pipelens"))
        .args(["check", "app", "--format", "json"])
        .current_dir(dir.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"], serde_json::json!([]), "{v:#}");
}
