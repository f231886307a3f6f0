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

/// `env: null` means "no env" or "not known"; `envState` tells which, and a known env with
/// a part that is not followed is `unknown` too.
#[test]
fn model_json_tells_no_env_from_an_env_not_known() {
    let states = |file: &str| -> (Value, Vec<(String, Value, Value)>) {
        let o = pipelens(&["model", file, "--format", "json"], &repo());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let p = &v["pipelines"][0];
        let stages = p["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["id"].as_str().unwrap_or("?").to_string(),
                    s["envState"].clone(),
                    s["env"].clone(),
                )
            })
            .collect();
        (p["envState"].clone(), stages)
    };
    let (pipeline, stages) = states("examples/payments-python/payments/pipeline_stack.py");
    assert_eq!(pipeline, "known");
    assert!(stages.iter().all(|(_, s, _)| s == "known"), "{stages:?}");

    for file in [
        "tests/fixtures/model/python/unresolvable.py",
        "tests/fixtures/model/typescript/unresolvable.ts",
    ] {
        let (pipeline, stages) = states(file);
        assert_eq!(pipeline, "unknown", "{file}");
        let by_id = |id: &str| stages.iter().find(|(i, ..)| i == id).unwrap().clone();
        // Both parts from the environment: unknown, with null parts.
        let (_, state, env) = by_id("Dev");
        assert_eq!(
            (state, env["account"].clone()),
            ("unknown".into(), Value::Null)
        );
        // The region is known, the account is not.
        let (_, state, env) = by_id("Prod");
        assert_eq!(state, "unknown", "{file}");
        assert_eq!(env["region"], "eu-west-1", "{file}");
        assert_eq!(env["account"], Value::Null, "{file}");
    }

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pipeline.py");
    std::fs::write(
        &file,
        r#"
import aws_cdk as cdk
from aws_cdk import pipelines

class AppStage(cdk.Stage):
    def __init__(self, scope, id, **kw):
        super().__init__(scope, id, **kw)
        cdk.Stack(self, "Svc")

class PipelineStack(cdk.Stack):
    def __init__(self, scope, id, **kwargs):
        super().__init__(scope, id, **kwargs)
        pipeline = pipelines.CodePipeline(self, "Pipeline", synth=pipelines.ShellStep("Synth", commands=[]))
        pipeline.add_stage(AppStage(self, "Agnostic"))

app = cdk.App()
PipelineStack(app, "P")
"#,
    )
    .unwrap();
    let (pipeline, stages) = states(file.to_str().unwrap());
    assert_eq!(pipeline, "none");
    assert_eq!(
        stages,
        vec![("Agnostic".to_string(), Value::from("none"), Value::Null)]
    );
}

#[test]
fn check_examples_is_clean_and_exits_zero() {
    let o = pipelens(&["check", "--offline", "examples"], &repo());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("0 errors, 0 warnings, 0 notes in 16 files (5 pipelines)"),
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
    // CDK's order (the template's): ProdUsEast1 was added first, so its actions lead each
    // runOrder; the last is ProdEuWest1's Database.
    let deploy = &prod["actions"][7];
    assert_eq!(deploy["name"], "ProdEuWest1.Api.Deploy");
    assert_eq!(deploy["kind"], "deploy");
    assert_eq!(deploy["account"], "333333333333");
    assert_eq!(deploy["region"], "eu-west-1");
}

/// Run from the app's folder with a path relative to it (`pipelens preview lib/x.ts`, the
/// way people type it), the app is indexed all the same: the account app.py / bin/app.ts
/// gives the pipeline stack is known, and the stages are certain.
#[test]
fn preview_of_a_path_relative_to_the_app_folder_reads_the_whole_app() {
    for (app, file) in [
        ("examples/payments-typescript", "lib/pipeline-stack.ts"),
        ("examples/payments-python", "payments/pipeline_stack.py"),
    ] {
        let o = pipelens(&["preview", file, "--format", "json"], &repo().join(app));
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let p = &v["pipelines"][0];
        assert_eq!(p["file"], file);
        let stages = p["stages"].as_array().unwrap();
        assert!(stages.len() > 3, "{app}: {stages:?}");
        for s in stages {
            assert_eq!(s["certain"], true, "{app}: {s}");
        }
    }
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

/// What the code says reaches CI logs and terminals as data: a stage id with a line break and
/// a workflow command, the legacy `##[` command, an escape sequence, a bidi override; a file
/// name that is a workflow command.
#[test]
fn values_from_the_code_never_become_commands_or_escape_sequences() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cdk.json"), r#"{"app": "python3 app.py"}"#).unwrap();
    // In a triple-quoted Python string the line break and the carriage return are real.
    let id = "Dev\n::error file=x::pwned ##[warning]legacy \u{1b}[2J\u{1b}]8;;http://x\u{7} \u{202e}cod.exe\r::add-mask::x";
    let stage = |n: usize| {
        format!(
            "        pipeline.add_stage(cdk.Stage(self, \"\"\"{id}\"\"\", env=cdk.Environment(account=\"11111111111{n}\", region=\"us-east-1\")))\n"
        )
    };
    let src = format!(
        r#"import aws_cdk as cdk
from aws_cdk import pipelines


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id, env=cdk.Environment(account="999999999999", region="us-east-1"))
        pipeline = pipelines.CodePipeline(self, """::warning::{id}""", cross_account_keys=True, synth=pipelines.ShellStep("Synth", commands=[]))
{}{}"#,
        stage(1),
        stage(2)
    );
    let file = "::error::file ##[error]name.py";
    std::fs::write(dir.path().join(file), &src).unwrap();
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_pipelens"))
            .args(args)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap();
        (o.status.code(), stdout(&o), stderr(&o))
    };
    let mut outputs = Vec::new();
    for format in ["text", "json", "sarif", "github"] {
        outputs.push((
            format!("check {format}"),
            run(&["check", "--offline", "--format", format, "."]),
        ));
    }
    for format in ["text", "json", "mermaid", "svg"] {
        outputs.push((
            format!("preview {format}"),
            run(&["preview", "--format", format, "."]),
        ));
    }
    outputs.push(("model".into(), run(&["model", file])));
    for format in ["text", "json"] {
        outputs.push((
            format!("bootstrap-status {format}"),
            run(&["bootstrap-status", "--format", format, "."]),
        ));
    }
    for (what, (code, out, err)) in &outputs {
        assert!(
            matches!(code, Some(0 | 1)),
            "{what}: exit {code:?}\n{out}\n{err}"
        );
        // The values did reach the output (this test looks at something).
        assert!(
            out.contains("pwned"),
            "{what}: the stage id is not shown:\n{out}"
        );
        for (stream, text) in [("stdout", out), ("stderr", err)] {
            for line in text.lines() {
                let ours = what == "check github"
                    && stream == "stdout"
                    && ["::error file=", "::warning file=", "::notice file="]
                        .iter()
                        .any(|p| line.starts_with(p));
                assert!(
                    ours || !line.trim_start().starts_with("::"),
                    "{what}: {stream} has a workflow command: {line:?}"
                );
                assert!(
                    !line.contains("##["),
                    "{what}: {stream} has `##[`: {line:?}"
                );
                assert!(
                    !line.contains(['\u{1b}', '\r', '\u{7}', '\u{202e}']),
                    "{what}: {stream} has a control character: {line:?}"
                );
            }
        }
    }
    // JSON keeps the values exact.
    let (_, json, _) = &outputs[1].1;
    let v: Value = serde_json::from_str(json).unwrap();
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains(id)),
        "{v:#}"
    );
}

/// Runs the binary like `pipelens`, but gives up (and kills it) after `within`: `None` means it
/// hung.
fn pipelens_within(args: &[&str], cwd: &Path, within: std::time::Duration) -> Option<Output> {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_pipelens"))
        .args(args)
        .current_dir(cwd)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > within {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Some(child.wait_with_output().unwrap())
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(
        // SAFETY: a valid NUL-terminated path.
        unsafe { libc::mkfifo(c.as_ptr(), 0o644) },
        0,
        "mkfifo {path:?}"
    );
}

/// A clean app (one pipeline, no mistake) in a temporary folder.
fn clean_app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/model/python/rules_clean.py"),
        dir.path().join("app.py"),
    )
    .unwrap();
    std::fs::write(dir.path().join("cdk.json"), r#"{"app": "python3 app.py"}"#).unwrap();
    dir
}

/// A FIFO named like a query file (or a settings file) is never read: `check` used to wait
/// for a writer forever. It is said once, and the app is checked.
#[test]
fn a_fifo_named_like_a_query_or_setting_never_hangs_check() {
    let dir = clean_app();
    std::fs::create_dir_all(dir.path().join("queries/python")).unwrap();
    mkfifo(&dir.path().join("queries/python/extra.scm"));
    std::fs::write(
        dir.path().join("pipelens.toml"),
        "queryPath = \"queries\"\n",
    )
    .unwrap();
    let o = pipelens_within(&["check", "--offline", "."], dir.path(), common::HANG)
        .expect("check waited on a FIFO");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("extra.scm") && err.contains("not a regular file"),
        "{err}"
    );
    assert!(
        stdout(&o).contains("in 1 file (1 pipeline)"),
        "{}",
        stdout(&o)
    );
}

/// A file of the app that cannot be read is said, the others are checked and reported, and the
/// exit code says the check was not whole (2, or 1 when an error was found). Here the file is
/// over the size pipelens reads (a sparse file: no 33 MB written); as a user other than root,
/// also one without read permission.
#[test]
fn an_unreadable_file_is_said_and_the_rest_is_checked() {
    let dir = clean_app();
    std::fs::copy(
        repo().join("tests/fixtures/model/python/rules_mistakes.py"),
        dir.path().join("mistakes.py"),
    )
    .unwrap();
    let big = std::fs::File::create(dir.path().join("generated.py")).unwrap();
    big.set_len(33 * 1024 * 1024).unwrap();
    drop(big);
    let mut unreadable = vec!["generated.py"];
    // SAFETY: no arguments, no side effect.
    if unsafe { libc::geteuid() } != 0 {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.path().join("locked.py");
        std::fs::write(&p, "x = 1\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
        unreadable.push("locked.py");
    }
    let o = pipelens_within(
        &["check", "--offline", "--format", "json", "."],
        dir.path(),
        common::HANG,
    )
    .expect("check finished");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "errors of mistakes.py: {err}");
    let v: Value = serde_json::from_str(&stdout(&o)).expect("json on stdout");
    let files: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert!(files.iter().any(|f| f.ends_with("mistakes.py")), "{v}");
    for name in &unreadable {
        assert!(
            err.lines()
                .any(|l| l.contains(name) && l.contains("not checked")),
            "{name}: {err}"
        );
    }
    // Without the file that has errors, the incomplete check exits 2, with its report.
    std::fs::remove_file(dir.path().join("mistakes.py")).unwrap();
    let o = pipelens_within(&["check", "--offline", "."], dir.path(), common::HANG)
        .expect("check finished");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).contains("(1 pipeline)"), "{}", stdout(&o));
}

/// A problem of `pipelens.toml` is said once per run, not once per file checked.
#[test]
fn a_settings_problem_is_said_once_per_run() {
    let dir = clean_app();
    std::fs::copy(dir.path().join("app.py"), dir.path().join("second.py")).unwrap();
    std::fs::write(
        dir.path().join("pipelens.toml"),
        "[synth]\ntimeoutSeconds = \"soon\"\n",
    )
    .unwrap();
    let o = pipelens(&["check", "--offline", "."], dir.path());
    let err = stderr(&o);
    assert_eq!(err.matches("synth.timeoutSeconds").count(), 1, "{err}");
    assert!(stdout(&o).contains("in 2 files"), "{}", stdout(&o));
}

/// `pipelens … | head`: the reader leaves early. No "Broken pipe" message, no usage error.
#[test]
fn a_reader_that_leaves_early_is_not_an_error() {
    use std::process::Stdio;
    // Output far bigger than a pipe's buffer (64 KiB), so that writing fails once the reader
    // is gone: 600 stages, each with a mistyped region.
    let dir = tempfile::tempdir().unwrap();
    let mut py = String::from(
        "import aws_cdk as cdk\nfrom aws_cdk import pipelines\napp = cdk.App()\n\
         stack = cdk.Stack(app, \"P\")\n\
         p = pipelines.CodePipeline(stack, \"Pipeline\", synth=pipelines.ShellStep(\"Synth\", commands=[]))\n",
    );
    for i in 0..600 {
        py.push_str(&format!(
            "p.add_stage(cdk.Stage(app, \"S{i}\", env=cdk.Environment(account=\"111111111111\", region=\"eu-wset-1\")))\n"
        ));
    }
    std::fs::write(dir.path().join("big.py"), py).unwrap();
    for args in [
        &["check", "--offline", "big.py"][..],
        &["preview", "--format", "svg", "big.py"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pipelens"))
            .args(args)
            .current_dir(dir.path())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read a few bytes, like `head -c`, then close the pipe.
        let mut first = [0u8; 8];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = stderr(&o);
        assert!(
            !err.to_lowercase().contains("broken pipe"),
            "{args:?}: {err}"
        );
        assert_ne!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(o.status.code().is_some(), "{args:?}: killed by a signal");
    }
}

/// A binary named `.py` and a `.bundle.js` are not checked (they hold no pipeline and cost
/// minutes to parse): one note says so, and the real pipeline next to them is checked.
#[test]
fn binaries_and_bundles_are_not_checked_and_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(repo().join(MISTAKES), d.join("p.py")).unwrap();
    let mut binary = b"import aws_cdk as cdk\n".to_vec();
    binary.extend([0u8, 1, 2, 3, 0].repeat(200_000));
    std::fs::write(d.join("blob.py"), binary).unwrap();
    let bundle = format!("(()=>{{{}}})();\n", "var a=require('x');".repeat(50_000));
    std::fs::write(d.join("vendor.bundle.js"), bundle).unwrap();
    let o = pipelens_within(
        &["check", "--offline", "."],
        d,
        std::time::Duration::from_secs(60),
    )
    .expect("check finishes");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(" in 1 file (1 pipeline)"),
        "{}",
        stdout(&o)
    );
    let err = stderr(&o);
    assert_eq!(err.matches("not checked").count(), 1, "{err}");
    assert!(err.contains("2 file(s) not checked"), "{err}");
}

/// A file big enough to be parsed in pieces (over 256 KiB, several cores): the binary reports
/// the same mistakes at the same places as in a small file, and a file whose filler has a syntax
/// error (parsed whole: a piece with an error sends it back) reports them too (#16 item 4).
#[test]
fn a_big_file_is_checked_the_same_whether_parsed_in_pieces_or_whole() {
    let pipeline = "class PipelineStack(cdk.Stack):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        p = pipelines.CodePipeline(self, \"P\", synth=pipelines.ShellStep(\"Synth\", input=pipelines.CodePipelineSource.git_hub(\"a/b\", \"main\"), commands=[\"x\"]))\n        p.add_stage(AppStage(self, \"Dev\", env=cdk.Environment(account=\"111111111111\", region=\"us-east1\")))\n\n\napp = cdk.App()\nPipelineStack(app, \"Pipe\", env=cdk.Environment(account=\"111111111111\", region=\"us-east-1\"))\napp.synth()\n";
    let head = "import aws_cdk as cdk\nfrom aws_cdk import pipelines\n\n\nclass AppStage(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        cdk.Stack(self, \"Api\")\n\n\n";
    let filler: String = (0..6_000)
        .map(|i| {
            format!("class Svc{i}(cdk.Stack):\n    \"\"\"class Inside{i}:\"\"\"\n    pass\n\n\n")
        })
        .collect();
    let broken = filler.replacen("class Svc10(cdk.Stack):", "class Svc10(cdk.Stack:", 1);
    let mut lines = Vec::new();
    for (name, text) in [
        ("small.py", format!("{head}{pipeline}")),
        ("big.py", format!("{head}{filler}{pipeline}")),
        ("broken.py", format!("{head}{broken}{pipeline}")),
    ] {
        assert!(name == "small.py" || text.len() > 256 * 1024, "{name}");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cdk.json"), "{\"app\": \"python3 app.py\"}").unwrap();
        std::fs::write(dir.path().join("app.py"), &text).unwrap();
        let o = pipelens(
            &["check", "--offline", "--format", "json", "app.py"],
            dir.path(),
        );
        let v: Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{name}: {}", stderr(&o)));
        let d = v["diagnostics"].as_array().unwrap();
        let region = d
            .iter()
            .find(|d| d["code"] == "unknown-region")
            .unwrap_or_else(|| panic!("{name}: {d:?}"));
        let line = region["line"].as_u64().unwrap() as usize;
        // The line the typo is on, counted in this file.
        let want = text[..text.find("us-east1").unwrap()].matches('\n').count() + 1;
        assert_eq!(line, want, "{name}");
        lines.push((region["column"].clone(), region["message"].clone()));
    }
    assert!(lines.windows(2).all(|w| w[0] == w[1]), "{lines:?}");
}

/// A Go app in three files of its package (`tests/fixtures/apps/go-app-in-three-files`:
/// `main`, the pipeline, the Stage and stacks): what is wrong in the Stage's file is said
/// there, at its place; what is wrong with an env written in the pipeline's file is said in
/// that file, though the Stage that deploys to it is made in another; and the pipeline's own
/// env, which `main` writes, is said in main.go.
#[test]
fn mistakes_in_another_file_of_a_go_package_are_said_where_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let app = repo().join("tests/fixtures/apps/go-app-in-three-files");
    for f in ["cdk.json", "go.mod", "main.go", "payments.go", "stages.go"] {
        std::fs::copy(app.join(f), dir.path().join(f)).unwrap();
    }
    let edit = |f: &str, from: &str, to: &str| {
        let p = dir.path().join(f);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{f}: {from}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "stages.go",
        "NewDatabaseStack(stage, \"Database\", nil)",
        "NewDatabaseStack(stage, \"Api\", nil)",
    );
    edit("payments.go", "\"222222222222\"", "\"2222\"");
    edit("main.go", "\"999999999999\"", "\"9999\"");
    let o = pipelens(&["check", "--offline", ".", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = v["diagnostics"].as_array().unwrap();
    let find = |code: &str| {
        d.iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {d:?}"))
    };
    let line_of = |f: &str, text: &str| {
        std::fs::read_to_string(dir.path().join(f))
            .unwrap()
            .lines()
            .position(|l| l.contains(text))
            .unwrap()
            + 1
    };
    let dup = find("duplicate-stack-id");
    assert!(
        dup["file"].as_str().unwrap().ends_with("stages.go"),
        "{dup}"
    );
    assert_eq!(
        dup["line"].as_u64().unwrap() as usize,
        line_of("stages.go", "NewDatabaseStack(stage, \"Api\"")
    );
    let accounts: Vec<(String, usize)> = d
        .iter()
        .filter(|d| d["code"] == "invalid-account")
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let name = Path::new(file).file_name().unwrap().to_string_lossy();
            (name.into_owned(), d["line"].as_u64().unwrap() as usize)
        })
        .collect();
    assert_eq!(
        accounts,
        [
            ("main.go".to_string(), line_of("main.go", "\"9999\"")),
            (
                "payments.go".to_string(),
                line_of("payments.go", "\"2222\"")
            ),
        ],
        "{d:?}"
    );
}
