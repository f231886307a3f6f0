//! The language server end to end: the real binary, real framing, both languages, both
//! position encodings, incremental edits.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{
    copy_tree, find, gone, marker, processes_with, repo, silent_endpoint, uri, TestServer,
};
use serde_json::{json, Value};

const PY: &str = r#"import aws_cdk as cdk
from aws_cdk import pipelines


class AppStage(cdk.Stage):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        cdk.Stack(self, "Api")


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, env=cdk.Environment(account="999999999999", region="us-east-1"))
        pipeline = pipelines.CodePipeline(self, "Pipeline", cross_account_keys=True, synth=pipelines.ShellStep("Synth", commands=[]))
        pipeline.add_stage(AppStage(self, "Dev", env=cdk.Environment(account="111111111111", region="us-east-1")))
        note = "🎉"; pipeline.add_stage(AppStage(self, "ProdEu", env=cdk.Environment(account="333333333333", region="eu-west-1")))
"#;

const TS: &str = r#"import * as cdk from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';

class AppStage extends cdk.Stage {
  constructor(scope: cdk.Stack, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new cdk.Stack(this, 'Api');
  }
}

export class PipelineStack extends cdk.Stack {
  constructor(scope: cdk.App, id: string) {
    super(scope, id, { env: { account: '999999999999', region: 'us-east-1' } });
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', { crossAccountKeys: true, synth: new pipelines.ShellStep('Synth', { commands: [] }) });
    pipeline.addStage(new AppStage(this, 'Dev', { env: { account: '111111111111', region: 'us-east-1' } }));
    const note = '🎉'; pipeline.addStage(new AppStage(this, 'ProdEu', { env: { account: '333333333333', region: 'eu-west-1' } }));
  }
}
"#;

struct Case {
    lang: &'static str,
    file: &'static str,
    text: &'static str,
    quote: char,
}

const CASES: [Case; 2] = [
    Case {
        lang: "python",
        file: "pipeline.py",
        text: PY,
        quote: '"',
    },
    Case {
        lang: "typescript",
        file: "pipeline.ts",
        text: TS,
        quote: '\'',
    },
];

fn app(case: &Case) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cdk.json"),
        r#"{"app": "x", "context": {"@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2": true}}"#,
    )
    .unwrap();
    let file = dir.path().join(case.file);
    std::fs::write(&file, case.text).unwrap();
    (dir, file)
}

fn pos(p: (u32, u32)) -> Value {
    json!({"line": p.0, "character": p.1})
}

#[test]
fn edits_diagnostics_and_fixes_in_both_languages_and_encodings() {
    for case in &CASES {
        for utf8 in [false, true] {
            let (dir, file) = app(case);
            let mut s = TestServer::builder(dir.path()).utf8(utf8).start();
            let expected_enc = if utf8 { "utf-8" } else { "utf-16" };
            assert_eq!(
                s.init_result["capabilities"]["positionEncoding"],
                expected_enc
            );
            assert_eq!(
                s.init_result["capabilities"]["textDocumentSync"]["change"], 2,
                "incremental sync"
            );
            let u = s.open(&file, case.lang);
            assert_eq!(
                s.diagnostics(&u, 1),
                Vec::<Value>::new(),
                "{} clean at open",
                case.lang
            );

            // Type a typo into the region after the emoji: columns differ between encodings.
            let q = case.quote;
            let at = find(case.text, &format!("{q}eu-west-1{q}"), utf8);
            let start = (at.0, at.1 + 1);
            let end = (at.0, at.1 + 1 + "eu-west-1".len() as u32);
            s.change(&u, 2, start, end, "eu-wst-1");
            let d = s.diagnostics(&u, 2);
            assert_eq!(d.len(), 1, "{d:?}");
            assert_eq!(d[0]["code"], "unknown-region");
            assert_eq!(d[0]["source"], "pipelens");
            assert_eq!(d[0]["severity"], 1);
            assert_eq!(
                d[0]["range"]["start"],
                pos(at),
                "{} {expected_enc}",
                case.lang
            );
            assert_eq!(d[0]["range"]["end"], pos((at.0, at.1 + 10)));

            // The quick fix puts the real region back.
            let actions = s.request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": u}, "range": d[0]["range"], "context": {"diagnostics": d}}),
            );
            let action = &actions[0];
            assert_eq!(action["title"], "Change to eu-west-1 (Europe (Ireland))");
            assert_eq!(action["kind"], "quickfix");
            let edit = &action["edit"]["changes"][&u][0];
            assert_eq!(edit["newText"], "eu-west-1");
            assert_eq!(edit["range"]["start"], pos(start));
            // From anywhere on the line (Neovim's `gra` asks at the cursor).
            let anywhere = s.request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": u}, "range": {"start": pos((at.0, 0)), "end": pos((at.0, 0))}, "context": {"diagnostics": []}}),
            );
            assert_eq!(anywhere[0]["title"], action["title"], "{anywhere}");
            s.change(
                &u,
                3,
                start,
                (start.0, start.1 + "eu-wst-1".len() as u32),
                "eu-west-1",
            );
            assert_eq!(s.diagnostics(&u, 3), Vec::<Value>::new());
            assert!(s.shutdown().success());
        }
    }
}

#[test]
fn completion_hover_and_symbols() {
    for case in &CASES {
        for utf8 in [false, true] {
            let (dir, file) = app(case);
            let mut s = TestServer::builder(dir.path())
                .utf8(utf8)
                .init_options(json!({"accounts": {"sandbox": "444444444444"}}))
                .start();
            let u = s.open(&file, case.lang);
            s.diagnostics(&u, 1);
            let q = case.quote;

            // Regions inside the (still closed) string after `region=`, used ones first.
            let at = find(case.text, &format!("{q}eu-west-1{q}"), utf8);
            let r = s.request(
                "textDocument/completion",
                json!({"textDocument": {"uri": u}, "position": pos((at.0, at.1 + 1))}),
            );
            let labels: Vec<&str> = r["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["label"].as_str().unwrap())
                .collect();
            assert!(labels.len() >= 30, "{labels:?}");
            let mut sorted = r["items"].as_array().unwrap().clone();
            sorted.sort_by_key(|i| i["sortText"].as_str().unwrap().to_string());
            let first_two: Vec<&str> = sorted
                .iter()
                .take(2)
                .map(|i| i["label"].as_str().unwrap())
                .collect();
            assert_eq!(
                first_two,
                ["eu-west-1", "us-east-1"],
                "regions used in the workspace first"
            );
            let eu = sorted.iter().find(|i| i["label"] == "eu-west-1").unwrap();
            assert_eq!(eu["detail"], "Europe (Ireland) — used in this workspace");

            // Accounts: from settings and from the workspace.
            let acc = find(case.text, "111111111111", utf8);
            let r = s.request(
                "textDocument/completion",
                json!({"textDocument": {"uri": u}, "position": pos(acc)}),
            );
            let items = r["items"].as_array().unwrap();
            let sandbox = items
                .iter()
                .find(|i| i["label"] == "444444444444")
                .expect("settings account");
            assert_eq!(sandbox["detail"], "sandbox");
            assert!(
                items.iter().any(|i| i["label"] == "999999999999"),
                "workspace account"
            );

            // Hover: account, region, stage.
            let h = s.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": u}, "position": pos((acc.0, acc.1 + 2))}),
            );
            assert!(
                h["contents"]["value"]
                    .as_str()
                    .unwrap()
                    .starts_with("**Account 111111111111**"),
                "{h}"
            );
            let h = s.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": u}, "position": pos((at.0, at.1 + 3))}),
            );
            assert_eq!(
                h["contents"]["value"],
                "**eu-west-1** — Europe (Ireland)\n\nDeployed to by: `ProdEu`"
            );
            let dev = find(case.text, &format!("{q}Dev{q}"), utf8);
            let h = s.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": u}, "position": pos((dev.0, dev.1 + 1))}),
            );
            let md = h["contents"]["value"].as_str().unwrap();
            assert!(md.starts_with("**Stage `Dev`** → CodePipeline stage `Dev`\n\nenv: `111111111111` / `us-east-1`\n\nstacks: Api"), "{md}");
            assert!(
                md.contains("Cross-account: the pipeline runs in `999999999999`"),
                "{md}"
            );

            // Outline: pipeline → source/synth/stages.
            let syms = s.request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": u}}),
            );
            let p = &syms[0];
            assert_eq!(p["name"], "Pipeline");
            let kids: Vec<&str> = p["children"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap())
                .collect();
            assert_eq!(kids, ["Synth", "Dev", "ProdEu"]);
            assert_eq!(p["children"][2]["detail"], "333333333333 / eu-west-1");
        }
    }
}

#[test]
fn step_completion_and_stage_snippets_in_half_typed_code() {
    let (dir, file) = app(&CASES[0]);
    let mut s = TestServer::builder(dir.path()).start();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    // Start typing a new stage with pre steps at the end of the file: unclosed brackets.
    let lines = PY.lines().count() as u32;
    s.change(
        &u,
        2,
        (lines, 0),
        (lines, 0),
        "        pipeline.add_stage(x, pre=[",
    );
    let r = s.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": u}, "position": pos((lines, 38))}),
    );
    let labels: Vec<&str> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "ShellStep",
            "CodeBuildStep",
            "ManualApprovalStep",
            "ConfirmPermissionsBroadening"
        ]
    );
    assert_eq!(r["items"][0]["insertTextFormat"], 2, "snippet");
    assert_eq!(
        r["items"][0]["textEdit"]["newText"],
        "pipelines.ShellStep(\"${1:Id}\", commands=[\"${2:npm ci}\"])"
    );
    // The rest of the file is still understood while the line is broken.
    let d = s.diagnostics(&u, 2);
    assert!(d.is_empty(), "{d:?}");
    s.change(&u, 3, (lines, 0), (lines, 38), "        pipeline.");
    let r = s.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": u}, "position": pos((lines, 17))}),
    );
    // A label of its own (the language's server lists `add_stage` too), the id first.
    assert_eq!(r["items"][0]["label"], "add_stage with env");
    assert_eq!(r["items"][0]["filterText"], "add_stage");
    assert!(r["items"][0]["textEdit"]["newText"]
        .as_str()
        .unwrap()
        .starts_with("add_stage(${2:AppStage}(self, \"${1:Id}\", env=cdk.Environment("));
}

#[test]
fn cross_account_keys_related_information_and_fix() {
    let (dir, file) = app(&CASES[1]);
    let text = TS.replace("crossAccountKeys: true, ", "");
    std::fs::write(&file, &text).unwrap();
    let mut s = TestServer::builder(dir.path()).start();
    let u = s.open(&file, "typescript");
    let d = s.diagnostics(&u, 1);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "cross-account-keys");
    assert!(d[0]["message"]
        .as_str()
        .unwrap()
        .contains("Set crossAccountKeys: true"));
    let related = d[0]["relatedInformation"].as_array().unwrap();
    assert_eq!(related.len(), 2);
    assert_eq!(
        related[0]["message"],
        "stage `Dev` deploys to account 111111111111"
    );
    let a = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": d[0]["range"], "context": {"diagnostics": d}}),
    );
    assert_eq!(a[0]["title"], "Set crossAccountKeys to true");
    assert_eq!(
        a[0]["edit"]["changes"][&u][0]["newText"],
        " crossAccountKeys: true,"
    );
}

#[test]
fn example_app_env_in_another_file() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("examples/payments-python"), dir.path());
    let pipeline = dir.path().join("payments/pipeline_stack.py");
    let app_py = dir.path().join("app.py");
    std::fs::write(
        &app_py,
        std::fs::read_to_string(&app_py)
            .unwrap()
            .replace("999999999999", "99999999999"),
    )
    .unwrap();
    let mut s = TestServer::builder(dir.path()).start();
    let u = s.open(&pipeline, "python");
    // The pipeline's env lives in app.py: its diagnostic is published there.
    let app_uri = uri(&app_py);
    let p = s.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == app_uri.as_str() && !p["diagnostics"].as_array().unwrap().is_empty()
    });
    assert_eq!(p["diagnostics"][0]["code"], "invalid-account");
    let own = s.diagnostics(&u, 1);
    assert!(
        own.iter().all(|d| d["code"] != "invalid-account"),
        "{own:?}"
    );
    let syms = s.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    let kids: Vec<&str> = syms[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(kids, ["acme/payments", "Synth", "Dev", "Staging", "Prod"]);
    assert_eq!(
        syms[0]["children"][4]["children"][0]["name"],
        "PromoteToProd"
    );
}

#[test]
fn protocol_abuse_gets_clear_errors_and_the_server_stays_up() {
    let (dir, file) = app(&CASES[0]);
    // A client that never answers workspace/configuration.
    let mut s = TestServer::builder(dir.path()).configuration(None).start();
    let nowhere = uri(&dir.path().join("nope.py"));
    let r = s.raw_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": nowhere}, "position": pos((0, 0))}),
    );
    assert_eq!(r["error"]["code"], -32602);
    assert!(r["error"]["message"]
        .as_str()
        .unwrap()
        .contains("document not open"));
    let r = s.raw_request("pipelens/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    // Edits past the end and positions out of range are clamped, not fatal.
    s.change(&u, 2, (500, 3), (900, 0), "\n# appended\n");
    s.diagnostics(&u, 2);
    let h = s.raw_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": pos((10_000, 10_000))}),
    );
    assert!(h.get("error").is_none(), "{h}");
    let c = s.raw_request(
        "textDocument/completion",
        json!({"textDocument": {"uri": u}, "position": pos((3, 99_999))}),
    );
    assert!(c.get("error").is_none(), "{c}");
    // Changes that arrive out of order are applied in version order.
    let text_lines = PY.lines().count() as u32 + 2;
    s.change(&u, 4, (text_lines, 0), (text_lines, 0), "b = 2\n");
    s.change(&u, 3, (text_lines, 0), (text_lines, 0), "a = 1\n");
    s.diagnostics(&u, 4);
    let h = s.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    assert_eq!(h[0]["name"], "Pipeline");
    assert!(s.shutdown().success());
}

#[test]
fn configuration_changes_apply() {
    let (dir, file) = app(&CASES[0]);
    let mut s = TestServer::builder(dir.path()).start();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    s.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pipelens": {"accounts": {"audit": "555555555555"}}}}),
    );
    let acc = find(PY, "111111111111", false);
    // The new account shows up in completion once the settings are applied.
    let mut found = false;
    for _ in 0..50 {
        let r = s.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": u}, "position": pos(acc)}),
        );
        if r["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["label"] == "555555555555" && i["detail"] == "audit")
        {
            found = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(found);
    // A bad setting is reported once, as a message, and does not stop the server.
    s.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pipelens": {"synth": {"timeoutSeconds": "soon"}}}}),
    );
    let m = s.wait_for("window/showMessage", |p| {
        p["message"]
            .as_str()
            .unwrap_or("")
            .contains("synth.timeoutSeconds")
    });
    assert_eq!(m["type"], 2);
    let _ = Path::new("");
}

fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn source_synth_change_on_unsaved_buffers() {
    for case in &CASES {
        let (dir, file) = app(case);
        git(dir.path(), &["init", "-q"]);
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-qm", "pipeline"]);
        let mut s = TestServer::builder(dir.path()).start();
        let u = s.open(&file, case.lang);
        assert!(s.diagnostics(&u, 1).is_empty());
        // Change the synth commands only (in the buffer, not on disk): correctly isolated.
        let q = case.quote;
        let at = if case.lang == "python" {
            find(case.text, "commands=[]", false)
        } else {
            find(case.text, "commands: []", false)
        };
        let len = if case.lang == "python" {
            "commands=[]".len()
        } else {
            "commands: []".len()
        } as u32;
        let new = if case.lang == "python" {
            "commands=[\"npx cdk synth\"]".to_string()
        } else {
            "commands: ['npx cdk synth']".to_string()
        };
        s.change(&u, 2, at, (at.0, at.1 + len), &new);
        let info = s.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == u.as_str()
                && p["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["code"] == "source-synth-change"))
        });
        let d = &info["diagnostics"][0];
        assert_eq!(d["severity"], 3, "information when isolated: {d}");
        // Now also change a stage: the same commit would wedge the pipeline.
        let dev = find(case.text, &format!("{q}Dev{q}"), false);
        s.change(&u, 3, (dev.0, dev.1 + 1), (dev.0, dev.1 + 4), "Qa");
        let warn = s.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == u.as_str()
                && p["diagnostics"].as_array().is_some_and(|d| {
                    d.iter()
                        .any(|d| d["code"] == "source-synth-change" && d["severity"] == 2)
                })
        });
        let d = warn["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "source-synth-change")
            .unwrap()
            .clone();
        assert!(d["message"].as_str().unwrap().contains("commit"), "{d}");
        assert!(
            !d["relatedInformation"].as_array().unwrap().is_empty(),
            "{d}"
        );
        // An edit that changes nothing git finds (a comment): the analysis of the new version
        // comes first, without git's finding; git's finding, the same as before, follows for
        // this version too.
        let end = case.text.lines().count() as u32;
        let comment = if case.lang == "python" {
            "# a note\n"
        } else {
            "// a note\n"
        };
        s.change(&u, 4, (end, 0), (end, 0), comment);
        s.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == u.as_str()
                && p["version"] == 4
                && p["diagnostics"].as_array().is_some_and(|d| {
                    d.iter()
                        .any(|d| d["code"] == "source-synth-change" && d["severity"] == 2)
                })
        });
    }
}

#[test]
fn a_request_sees_a_change_whose_version_skips_numbers() {
    // LSP versions only have to increase; Neovim sends its changedtick, which skips numbers
    // whenever several edits go out in one didChange. A request right after such a change
    // must be answered against the changed text, not the text before it.
    for case in &CASES {
        let (dir, file) = app(case);
        let mut s = TestServer::builder(dir.path()).start();
        let u = s.open(&file, case.lang);
        s.diagnostics(&u, 1);
        s.change(&u, 5, (0, 0), (0, 0), "\n");
        let q = case.quote;
        let at = find(case.text, &format!("{q}eu-west-1{q}"), false);
        let r = s.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": u}, "position": pos((at.0 + 1, at.1 + 1))}),
        );
        assert!(
            r["items"]
                .as_array()
                .is_some_and(|items| items.iter().any(|i| i["label"] == "eu-west-1")),
            "{}: {r}",
            case.lang
        );
        assert_eq!(s.diagnostics(&u, 5), Vec::<Value>::new());
        assert!(s.shutdown().success());
    }
}

#[test]
fn changes_that_arrive_out_of_order_apply_in_version_order() {
    // tower-lsp may run notification handlers out of order (its issue 284): a change that
    // arrives before its predecessor waits for it. Version 3 edits a line that only lines up
    // once version 2's new first line is in: applied in arrival order, the region typo would
    // land one line too high, in other text.
    for case in &CASES {
        let (dir, file) = app(case);
        let mut s = TestServer::builder(dir.path()).start();
        let u = s.open(&file, case.lang);
        s.diagnostics(&u, 1);
        let q = case.quote;
        let at = find(case.text, &format!("{q}eu-west-1{q}"), false);
        let (line, col) = (at.0 + 1, at.1 + 1);
        s.changes_at_once(
            &u,
            &[
                (3, (line, col), (line, col + 9), "eu-wst-1"),
                (2, (0, 0), (0, 0), "\n"),
            ],
        );
        let d = s.diagnostics(&u, 3);
        assert_eq!(d.len(), 1, "{}: {d:?}", case.lang);
        assert_eq!(d[0]["code"], "unknown-region");
        assert_eq!(d[0]["range"]["start"], pos((line, at.1)), "{}", case.lang);
        // The fix's edit is computed from the server's text: it replaces exactly the typo.
        let actions = s.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": u}, "range": d[0]["range"], "context": {"diagnostics": d}}),
        );
        let edit = &actions[0]["edit"]["changes"][&u][0];
        assert_eq!(edit["range"]["start"], pos((line, col)), "{actions}");
        assert_eq!(edit["range"]["end"], pos((line, col + 8)), "{actions}");
        assert_eq!(edit["newText"], "eu-west-1", "{actions}");
        assert!(s.shutdown().success());
    }
}

#[test]
fn inlay_hints_code_lens_and_the_pipeline_graph() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("examples/payments-typescript"), dir.path());
    let file = dir.path().join("lib/pipeline-stack.ts");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut s = TestServer::builder(dir.path()).utf8(true).start();
    let u = s.open(&file, "typescript");
    s.diagnostics(&u, 1);
    let end = text.lines().count() as u32;
    let hints = s.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": u}, "range": {"start": pos((0, 0)), "end": pos((end, 0))}}),
    );
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"⟶ Dev: 2 stacks"), "{labels:?}");
    assert!(
        labels.contains(&"⟶ Staging: 2 stacks → IntegrationTests"),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"⟶ Prod: PromoteToProd → 4 stacks"),
        "{labels:?}"
    );
    // No label longer than VS Code shows; the tooltip names every action (none hidden behind
    // another's name, as `Api.Prepare ×2` once hid `Database.Prepare`).
    assert!(labels.iter().all(|l| l.chars().count() <= 43), "{labels:?}");
    let dev_tooltip = hints
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["label"] == "⟶ Dev: 2 stacks")
        .map(|h| h["tooltip"].as_str().unwrap().to_string())
        .unwrap();
    assert!(
        dev_tooltip.contains("1. Api.Prepare, Database.Prepare\n2. Api.Deploy, Database.Deploy")
            && !dev_tooltip.contains('`'),
        "{dev_tooltip}"
    );
    assert!(
        labels
            .iter()
            .any(|l| l.contains("Build") && l.contains("UpdatePipeline")),
        "{labels:?}"
    );
    // The Dev hint sits at the end of its addStage call.
    let dev = hints
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["label"].as_str().unwrap().contains("Dev:"))
        .unwrap();
    let dev_line = dev["position"]["line"].as_u64().unwrap() as usize;
    assert!(
        text.lines().nth(dev_line).unwrap().contains(")"),
        "{}",
        text.lines().nth(dev_line).unwrap()
    );

    let lenses = s.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
    assert_eq!(
        lenses[0]["command"]["title"],
        "Source → Build → UpdatePipeline → Dev → Staging → Prod (predicted)"
    );

    let g = s.request(
        "pipelens/pipelineGraph",
        json!({"textDocument": {"uri": u}}),
    );
    let p = &g["pipelines"][0];
    assert_eq!(p["origin"], "predicted");
    assert_eq!(p["stages"][5]["name"], "Prod");
    assert_eq!(p["stages"][5]["actions"][0]["name"], "PromoteToProd");
    assert!(
        g["svg"].as_str().unwrap().starts_with("<svg"),
        "{}",
        &g["svg"]
    );
    let bad = s.raw_request("pipelens/pipelineGraph", json!({}));
    assert_eq!(bad["error"]["code"], -32602);
}

/// The payments example in Java, C# and Go, opened as each editor sends it (VS Code's
/// `csharp` is Neovim's `cs`): no diagnostic, the same stage hints, code lens and outline as
/// the TypeScript example, and a hover on a stage.
#[test]
fn the_java_csharp_and_go_examples_get_every_editor_feature() {
    for (example, file, language) in [
        (
            "payments-java",
            "src/main/java/com/myorg/PipelineStack.java",
            "java",
        ),
        ("payments-csharp", "src/Payments/PipelineStack.cs", "csharp"),
        ("payments-csharp", "src/Payments/PipelineStack.cs", "cs"),
        ("payments-go", "payments.go", "go"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&repo().join("examples").join(example), dir.path());
        let file = dir.path().join(file);
        let text = std::fs::read_to_string(&file).unwrap();
        let mut s = TestServer::builder(dir.path()).utf8(true).start();
        let u = s.open(&file, language);
        let diags = s.diagnostics(&u, 1);
        assert!(diags.is_empty(), "{example} as {language}: {diags:#?}");
        let end = text.lines().count() as u32;
        let hints = s.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": u}, "range": {"start": pos((0, 0)), "end": pos((end, 0))}}),
        );
        let labels: Vec<&str> = hints
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["label"].as_str().unwrap())
            .collect();
        for want in [
            "⟶ Dev: 2 stacks",
            "⟶ Staging: 2 stacks → IntegrationTests",
            "⟶ Prod: PromoteToProd → 4 stacks",
        ] {
            assert!(
                labels.contains(&want),
                "{example} as {language}: {labels:?}"
            );
        }
        let lenses = s.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
        assert_eq!(
            lenses[0]["command"]["title"],
            "Source → Build → UpdatePipeline → Dev → Staging → Prod (predicted)",
            "{example} as {language}"
        );
        let symbols = s.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": u}}),
        );
        let outline = symbols.to_string();
        assert!(
            outline.contains("Staging") && outline.contains("PromoteToProd"),
            "{example} as {language}: {outline}"
        );
        let at = text.find("\"Staging\"").unwrap() + 2;
        let line = text[..at].matches('\n').count();
        let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
        let hover = s.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": pos((line as u32, col as u32))}),
        );
        assert!(
            hover["contents"].to_string().contains("222222222222"),
            "{example} as {language}: {hover}"
        );
    }
}

#[test]
fn a_panicking_handler_is_an_error_and_the_server_keeps_serving() {
    let (dir, file) = app(&CASES[0]);
    let mut s = TestServer::builder(dir.path()).start();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    let r = s.raw_request("pipelens/testPanic", json!({}));
    assert_eq!(r["error"]["code"], -32603, "{r}");
    assert!(r["error"]["message"]
        .as_str()
        .unwrap()
        .contains("keeps running"));
    let syms = s.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    assert_eq!(syms[0]["name"], "Pipeline");
    assert!(s.shutdown().success());
}

#[test]
fn without_credentials_the_bootstrap_check_is_one_hint() {
    let (dir, file) = app(&CASES[0]);
    let mut s = TestServer::builder(dir.path())
        .init_options(json!({"bootstrap": {"check": "auto"}}))
        .start();
    let u = s.open(&file, "python");
    // The first publish may come while the probe runs ("not checked"); wait for its answer.
    let p = s.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == u.as_str()
            && p["diagnostics"].as_array().is_some_and(|d| {
                d.iter().any(|d| {
                    d["code"] == "bootstrap-unknown"
                        && d["message"]
                            .as_str()
                            .is_some_and(|m| m.contains("no AWS credentials found"))
                })
            })
    });
    let d = p["diagnostics"].as_array().unwrap();
    let unknown: Vec<&Value> = d
        .iter()
        .filter(|d| d["code"] == "bootstrap-unknown")
        .collect();
    assert_eq!(
        unknown.len(),
        1,
        "once per reason, not once per stage: {d:?}"
    );
    assert_eq!(unknown[0]["severity"], 4, "a hint");
    assert_eq!(d.len(), 1, "{d:?}");
    // Nothing to fix, so no command; a refresh probes again and answers.
    let argv = s.request(
        "workspace/executeCommand",
        json!({"command": "pipelens.bootstrapCommand", "arguments": [u]}),
    );
    assert_eq!(argv, Value::Null);
    // Asked for every target: none is known to need a fix, and the answer says why nothing
    // could be checked (a client must not say "no target needs it").
    let all = s.request(
        "workspace/executeCommand",
        json!({"command": "pipelens.bootstrapCommand", "arguments": [u, {"all": true}]}),
    );
    assert_eq!(all["targets"], json!([]), "{all}");
    assert_eq!(all["unknown"], unknown[0]["message"], "{all}");
    let r = s.request(
        "workspace/executeCommand",
        json!({"command": "pipelens.refreshBootstrap", "arguments": [u]}),
    );
    assert_eq!(r["probed"], 3);
    assert!(s.shutdown().success());
}

#[test]
fn synth_command_reports_progress_and_a_failure_where_it_happened() {
    let (dir, file) = app(&CASES[0]);
    // A synth that fails the way a Python app does: a traceback into the pipeline file.
    let script = dir.path().join("fake-synth.sh");
    common::write_script(
        &script,
        &format!(
            "#!/bin/sh\necho 'Traceback (most recent call last):' >&2\necho '  File \"{}\", line 14, in __init__' >&2\necho 'ValueError: bad stage' >&2\nexit 1\n",
            file.display()
        ),
    );
    let mut s = TestServer::builder(dir.path())
        .init_options(
            json!({"synth": {"command": [script.display().to_string()], "timeoutSeconds": 30}}),
        )
        .start();
    assert!(
        s.init_result["capabilities"]["executeCommandProvider"]["commands"]
            .as_array()
            .unwrap()
            .contains(&json!("pipelens.synth"))
    );
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    let lenses = s.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
    assert_eq!(lenses[1]["command"]["command"], "pipelens.synth");
    let r = s.raw_request(
        "workspace/executeCommand",
        json!({"command": "pipelens.synth", "arguments": [u]}),
    );
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ValueError: bad stage"),
        "{r}"
    );
    let begin = s.wait_for("$/progress", |p| p["value"]["kind"] == "begin");
    assert_eq!(begin["value"]["title"], "cdk synth");
    s.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    let d = s.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == u.as_str()
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == "synth-failed"))
    });
    let failed = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "synth-failed")
        .unwrap()
        .clone();
    assert_eq!(
        failed["range"]["start"]["line"], 13,
        "line 14 of the traceback: {failed}"
    );
    // The failure is said once: as the answer to the request, not also as a message.
    assert!(
        !s.notifications
            .iter()
            .any(|n| n["method"] == "window/showMessage"),
        "{:?}",
        s.notifications
    );
    let status = s.request("pipelens/synthStatus", json!({"textDocument": {"uri": u}}));
    assert_eq!(status["state"], "failed", "{status}");
    // The failure was of the code as it was: an edit drops it.
    s.change(&u, 2, (13, 0), (13, 0), " ");
    let d = s.diagnostics(&u, 2);
    assert!(d.iter().all(|d| d["code"] != "synth-failed"), "{d:?}");
    let status = s.request("pipelens/synthStatus", json!({"textDocument": {"uri": u}}));
    assert_eq!(status["state"], "predicted", "{status}");
    assert!(s.shutdown().success());
}

/// The synth-only edit of the shared fixtures: (position, old length, new text).
fn synth_edit(case: &Case) -> ((u32, u32), u32, String) {
    if case.lang == "python" {
        let at = find(case.text, "commands=[]", false);
        (
            at,
            "commands=[]".len() as u32,
            "commands=[\"npx cdk synth\"]".into(),
        )
    } else {
        let at = find(case.text, "commands: []", false);
        (
            at,
            "commands: []".len() as u32,
            "commands: ['npx cdk synth']".into(),
        )
    }
}

fn change_rule(s: &mut TestServer, u: &str, severity: i64) -> Value {
    let p = s.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == u
            && p["diagnostics"].as_array().is_some_and(|d| {
                d.iter()
                    .any(|d| d["code"] == "source-synth-change" && d["severity"] == severity)
            })
    });
    p["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "source-synth-change")
        .unwrap()
        .clone()
}

#[test]
fn source_synth_change_scenarios_in_the_editor() {
    for case in &CASES {
        let (edit_at, old_len, new_text) = synth_edit(case);
        let ext = if case.lang == "python" { "py" } else { "ts" };

        // Synth change + another file of the app edited on disk: a warning naming that file.
        let (dir, file) = app(case);
        let other = dir.path().join(format!("other.{ext}"));
        std::fs::write(&other, "x = 1\n").unwrap();
        git(dir.path(), &["init", "-q"]);
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-qm", "base"]);
        std::fs::write(&other, "x = 2\n").unwrap();
        let mut s = TestServer::builder(dir.path()).start();
        let u = s.open(&file, case.lang);
        s.change(&u, 2, edit_at, (edit_at.0, edit_at.1 + old_len), &new_text);
        let d = change_rule(&mut s, &u, 2);
        let related = d["relatedInformation"].as_array().unwrap();
        assert!(
            related.iter().any(|r| r["location"]["uri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("other.{ext}"))),
            "{d}"
        );
        drop(s);

        // Reformatting a stage is no change: with a synth change it stays "isolated".
        let (dir, file) = app(case);
        git(dir.path(), &["init", "-q"]);
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-qm", "base"]);
        let mut s = TestServer::builder(dir.path()).start();
        let u = s.open(&file, case.lang);
        let q = case.quote;
        let dev = find(case.text, &format!("{q}Dev{q}"), false);
        s.change(&u, 2, (dev.0, dev.1), (dev.0, dev.1), "  ");
        s.change(&u, 3, edit_at, (edit_at.0, edit_at.1 + old_len), &new_text);
        let d = change_rule(&mut s, &u, 3);
        assert!(d["message"].as_str().unwrap().contains("isolated"), "{d}");
        drop(s);

        // A renamed pipeline file is compared with its old path: the synth change is isolated.
        let (dir, file) = app(case);
        git(dir.path(), &["init", "-q"]);
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-qm", "base"]);
        let renamed = dir.path().join(format!("delivery.{ext}"));
        git(
            dir.path(),
            &[
                "mv",
                file.file_name().unwrap().to_str().unwrap(),
                renamed.file_name().unwrap().to_str().unwrap(),
            ],
        );
        let mut s = TestServer::builder(dir.path()).start();
        let u = s.open(&renamed, case.lang);
        s.change(&u, 2, edit_at, (edit_at.0, edit_at.1 + old_len), &new_text);
        change_rule(&mut s, &u, 3);
        drop(s);

        // A brand-new file and a file outside git: nothing to compare, said once in the log.
        for in_repo in [true, false] {
            let (dir, file) = app(case);
            if in_repo {
                std::fs::write(dir.path().join("README"), "x").unwrap();
                git(dir.path(), &["init", "-q"]);
                git(dir.path(), &["add", "README"]);
                git(dir.path(), &["commit", "-qm", "base"]);
            }
            let mut s = TestServer::builder(dir.path()).start();
            let u = s.open(&file, case.lang);
            s.change(&u, 2, edit_at, (edit_at.0, edit_at.1 + old_len), &new_text);
            let log = s.wait_for("window/logMessage", |p| {
                p["message"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("source-synth-change:")
            });
            let m = log["message"].as_str().unwrap().to_string();
            assert!(
                if in_repo {
                    m.contains("did not exist") || m.contains("new")
                } else {
                    m.contains("not in a git repository")
                },
                "{m}"
            );
            let d = s.diagnostics(&u, 2);
            assert!(
                d.iter().all(|d| d["code"] != "source-synth-change"),
                "{d:?}"
            );
        }
    }
}

/// `exit` while a synth and a bootstrap probe run (neither would end on its own for a long
/// time): the server is gone within a second, and so is every process of the synth.
#[test]
fn exit_ends_the_server_and_its_synth_within_a_second_while_work_hangs() {
    let (dir, file) = app(&CASES[0]);
    // A synth that never finishes: a shell that starts a child and waits for it.
    let script = dir.path().join("hang.sh");
    common::write_script(&script, "#!/bin/sh\nsleep \"$1\" &\nwait\n");
    let m = marker();
    let home = tempfile::tempdir().unwrap();
    let silent = silent_endpoint();
    let mut s = TestServer::builder(dir.path())
        .clear_env()
        .env("HOME", home.path().to_str().unwrap())
        .env(
            "XDG_CACHE_HOME",
            home.path().join("cache").to_str().unwrap(),
        )
        .env("AWS_ENDPOINT_URL", &silent)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .init_options(json!({
            "bootstrap": {"check": "auto"},
            "synth": {"command": [script.to_str().unwrap(), m], "timeoutSeconds": 600},
        }))
        .start();
    let u = s.open(&file, "python");
    // The probe has started (against an endpoint that never answers): nothing known yet.
    let d = s.diagnostics(&u, 1);
    assert!(
        d.iter().any(|d| d["code"] == "bootstrap-unknown"
            && d["message"].as_str().unwrap().ends_with("not checked")),
        "{d:?}"
    );
    // The synth runs; its answer is not waited for.
    s.send(&json!({
        "jsonrpc": "2.0", "id": 9000, "method": "workspace/executeCommand",
        "params": {"command": "pipelens.synth", "arguments": [u]},
    }));
    let start = Instant::now();
    while processes_with(&m).len() < 2 {
        assert!(
            start.elapsed() < common::HANG,
            "the synth script and its child did not start: {:?}",
            processes_with(&m)
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    let (status, took) = s.shutdown_timed(Duration::from_secs(5));
    eprintln!("exit during a hanging synth and probe: the server ended after {took:?}");
    let orphans_gone = gone(&m, Duration::from_millis(500));
    let orphans = processes_with(&m);
    for pid in &orphans {
        // Ours (children of the server this test started): do not leave them to the machine.
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    assert!(
        status.is_some(),
        "the server still ran {took:?} after `exit`"
    );
    assert!(
        took < Duration::from_secs(1),
        "the server took {took:?} to exit"
    );
    assert!(orphans_gone, "synth processes left after exit: {orphans:?}");
}

/// Opens `n` more copies of the case's pipeline (each its own stack class) and waits for
/// each one's diagnostics: the documents changed most recently.
fn open_others(s: &mut TestServer, dir: &Path, case: &Case, n: usize) {
    for i in 0..n {
        let other = dir.join(format!("other{i}.{}", &case.file[9..]));
        std::fs::write(&other, case.text.replace("PipelineStack", &format!("P{i}"))).unwrap();
        let o = s.open(&other, case.lang);
        s.diagnostics(&o, 1);
    }
}

/// Edits the case's `eu-west-1` to `eu-wset-1` (version 2: an unknown-region diagnostic right
/// there) and back (version 3: the diagnostics of `before`).
fn typo_in_region_then_back(s: &mut TestServer, u: &str, case: &Case, before: &[Value]) {
    let q = case.quote;
    let at = find(case.text, &format!("{q}eu-west-1{q}"), false);
    s.change(u, 2, (at.0, at.1 + 4), (at.0, at.1 + 8), "wset");
    let d = s.diagnostics(u, 2);
    let typo = d
        .iter()
        .find(|d| d["code"] == "unknown-region")
        .unwrap_or_else(|| panic!("{}: no unknown-region in {d:?}", case.lang));
    assert_eq!(typo["range"]["start"], pos(at), "{}", case.lang);
    s.change(u, 3, (at.0, at.1 + 4), (at.0, at.1 + 8), "west");
    assert_eq!(s.diagnostics(u, 3), before, "{}", case.lang);
}

#[test]
fn a_document_that_gave_up_its_syntax_tree_is_still_analysed_right() {
    // Only the most recently changed documents keep their tree (memory); the others parse
    // afresh on their next change. Open the pipeline, then enough other files to push it out,
    // then edit it incrementally: the diagnostics must be at the edited place.
    for case in &CASES {
        let (dir, file) = app(case);
        let mut s = TestServer::builder(dir.path())
            .env("PIPELENS_LOG", "pipelens=debug")
            .start();
        let u = s.open(&file, case.lang);
        let before = s.diagnostics(&u, 1);
        open_others(&mut s, dir.path(), case, 12);
        typo_in_region_then_back(&mut s, &u, case, &before);
        // The tree was dropped before the edit (the other files' analyses, all published
        // before it, drop the trees of idle documents).
        let log = s.stderr_text();
        let dropped = log.find(&format!("{u}: idle, syntax tree dropped"));
        assert!(
            dropped.is_some(),
            "{}: the tree was kept:\n{log}",
            case.lang
        );
    }
}

/// A document over 1 MiB keeps no syntax tree between analyses (#16: the tree takes some 47
/// times the text; 100 MB of the 50,000-line file's 228): each analysis parses it afresh, and
/// an edit's diagnostics are still at the edited place. Its first analysis, with nothing to
/// reuse, parses and lowers it in pieces on several threads; the diagnostics are the same as
/// those of a whole parse (the typo's edit and its undo are analysed that way).
#[test]
fn a_huge_document_keeps_no_tree_and_is_still_analysed_right() {
    let case = &CASES[0];
    let (dir, file) = app(case);
    let filler: String = (0..40_000)
        .map(|i| format!("def value_{i}():\n    return {i}\n"))
        .collect();
    let text = format!("{}\n{filler}", case.text);
    assert!(text.len() > 1 << 20);
    std::fs::write(&file, &text).unwrap();
    let mut s = TestServer::builder(dir.path())
        .env("PIPELENS_LOG", "pipelens=debug")
        .start();
    let u = s.open(&file, case.lang);
    let before = s.diagnostics(&u, 1);
    typo_in_region_then_back(&mut s, &u, case, &before);
    // Idle behind more recently changed documents, it gives up its lowering memo too.
    open_others(&mut s, dir.path(), case, 10);
    let log = s.stderr_text();
    let not_kept = log
        .matches(&format!("{u}: {} bytes, syntax tree not kept", text.len()))
        .count();
    assert!(not_kept >= 2, "the tree was kept:\n{log}");
    let in_pieces = log
        .matches(&format!("{u}: {} bytes, parsed in pieces", text.len()))
        .count();
    if std::thread::available_parallelism().map_or(1, |n| n.get()) > 1 {
        assert_eq!(in_pieces, 1, "the first analysis parsed it whole:\n{log}");
    }
    assert!(
        log.contains(&format!("{u}: idle, syntax tree dropped")),
        "the idle document kept its memo:\n{log}"
    );
}

/// One frame whose `Content-Length` is wrong (characters counted for a body with `é` and an
/// emoji; one byte too many) must not silence the server: the next request is answered at
/// once, and the log says so once.
#[test]
fn a_wrong_content_length_does_not_silence_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pipeline.py");
    std::fs::write(&file, PY).unwrap();
    let mut s = TestServer::builder(dir.path()).start();
    let u = uri(&file);
    let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": u, "languageId": "python", "version": 1, "text": PY},
    }})
    .to_string();
    assert!(
        open.len() > open.chars().count(),
        "the body has multi-byte characters"
    );
    s.send_raw(format!("Content-Length: {}\r\n\r\n{open}", open.chars().count()).as_bytes());
    let save = json!({"jsonrpc": "2.0", "method": "textDocument/didSave", "params": {
        "textDocument": {"uri": u},
    }})
    .to_string();
    s.send_raw(format!("Content-Length: {}\r\n\r\n{save}", save.len() + 1).as_bytes());
    let start = Instant::now();
    let answer = s.request_within(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
        Duration::from_secs(5),
    );
    let answer = answer.expect("no answer after a frame with a wrong Content-Length");
    assert!(answer.get("result").is_some(), "{answer}");
    eprintln!("answered {:?} after the bad frames", start.elapsed());
    // The mislabelled didOpen was delivered: its diagnostics are published.
    s.diagnostics(&u, 1);
    let log = s.stderr_text();
    assert_eq!(log.matches("malformed frame").count(), 1, "{log}");
}

/// A server whose synth command hangs (a script whose child sleeps with marker `m`), the
/// document it has open, and the script's folder; no synth started yet.
fn server_whose_synth_hangs(m: &str) -> (TestServer, String, tempfile::TempDir) {
    let (dir, file) = app(&CASES[0]);
    let script = dir.path().join("hang.sh");
    common::write_script(&script, "#!/bin/sh\nsleep \"$1\" &\nwait\n");
    let mut s = TestServer::builder(dir.path())
        .init_options(json!({
            "synth": {"command": [script.to_str().unwrap(), m], "timeoutSeconds": 600},
        }))
        .start();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    (s, u, dir)
}

/// A server running a synth that hangs (a script whose child sleeps with marker `m`), the
/// document it was started from, and the script's folder.
fn server_with_hanging_synth(m: &str) -> (TestServer, String, tempfile::TempDir) {
    let (mut s, u, dir) = server_whose_synth_hangs(m);
    s.send(&json!({
        "jsonrpc": "2.0", "id": 9100, "method": "workspace/executeCommand",
        "params": {"command": "pipelens.synth", "arguments": [u]},
    }));
    let start = Instant::now();
    while processes_with(m).len() < 2 {
        assert!(
            start.elapsed() < common::HANG,
            "the synth did not start: {:?}",
            processes_with(m)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    (s, u, dir)
}

fn kill_leftovers(m: &str) -> Vec<u32> {
    let left = processes_with(m);
    for pid in &left {
        // SAFETY: processes of this test; do not leave them to the machine.
        unsafe { libc::kill(*pid as libc::pid_t, libc::SIGKILL) };
    }
    left
}

/// Four apps synthesizing (each `pipelens.synth` request waits for its synth) must not hold
/// back a completion: requests never queue behind synths.
#[test]
fn synths_in_four_apps_do_not_delay_a_completion() {
    let m = marker();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("hang.sh");
    common::write_script(&script, "#!/bin/sh\nsleep \"$1\" &\nwait\n");
    let mut files = Vec::new();
    for i in 0..4 {
        let app = dir.path().join(format!("app{i}"));
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(app.join("cdk.json"), r#"{"app": "x"}"#).unwrap();
        std::fs::write(app.join(CASES[0].file), CASES[0].text).unwrap();
        files.push(app.join(CASES[0].file));
    }
    let mut s = TestServer::builder(dir.path())
        .init_options(json!({
            "synth": {"command": [script.to_str().unwrap(), m.as_str()], "timeoutSeconds": 600},
        }))
        .start();
    let mut uris = Vec::new();
    for f in &files {
        let u = s.open(f, "python");
        s.diagnostics(&u, 1);
        uris.push(u);
    }
    for (i, u) in uris.iter().enumerate() {
        s.send(&json!({
            "jsonrpc": "2.0", "id": 9200 + i, "method": "workspace/executeCommand",
            "params": {"command": "pipelens.synth", "arguments": [u]},
        }));
    }
    let start = Instant::now();
    while processes_with(&m).len() < 8 {
        assert!(
            start.elapsed() < common::HANG,
            "the synths did not start: {:?}",
            processes_with(&m)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let at = find(CASES[0].text, "\"eu-west-1\"", false);
    let asked = Instant::now();
    let r = s.request_within(
        "textDocument/completion",
        json!({"textDocument": {"uri": uris[0]}, "position": pos((at.0, at.1 + 1))}),
        Duration::from_secs(10),
    );
    let took = asked.elapsed();
    for u in &uris {
        s.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    }
    let left_gone = gone(&m, Duration::from_secs(10));
    let left = kill_leftovers(&m);
    let r = r.expect("no completion while four synths ran");
    assert!(r.get("error").is_none(), "{r}");
    assert!(
        took < Duration::from_secs(3),
        "the completion waited {took:?} behind the synths"
    );
    assert!(left_gone, "synth processes left: {left:?}");
}

/// A pipeline graph of a huge pipeline takes a while: meanwhile a hover on another document
/// answers at once, and `$/cancelRequest` ends the graph request without waiting for it.
#[test]
fn a_slow_graph_delays_no_other_request_and_a_cancel_ends_it() {
    let (dir, small) = app(&CASES[0]);
    let big_file = dir.path().join("big.py");
    std::fs::write(&big_file, big_pipeline(STAGES)).unwrap();
    let mut s = TestServer::builder(dir.path()).start();
    let u_small = s.open(&small, "python");
    s.diagnostics(&u_small, 1);
    let u_big = s.open(&big_file, "python");
    s.diagnostics(&u_big, 1);

    // How long the graph takes when nothing else happens.
    let t = Instant::now();
    let g = s.request(
        "pipelens/pipelineGraph",
        json!({"textDocument": {"uri": u_big}}),
    );
    let alone = t.elapsed();
    assert_eq!(
        g["pipelines"][0]["stages"].as_array().unwrap().len(),
        STAGES + 3
    );

    // The graph again, and at once a hover on the other document.
    s.send(&json!({
        "jsonrpc": "2.0", "id": 9300, "method": "pipelens/pipelineGraph",
        "params": {"textDocument": {"uri": u_big}},
    }));
    let at = find(CASES[0].text, "eu-west-1", false);
    let t = Instant::now();
    let hover = s.request_within(
        "textDocument/hover",
        json!({"textDocument": {"uri": u_small}, "position": pos(at)}),
        Duration::from_secs(30),
    );
    let hover_took = t.elapsed();
    assert!(hover.is_some_and(|h| h.get("error").is_none()));
    assert!(
        hover_took * 4 < alone,
        "a hover took {hover_took:?} next to a graph that takes {alone:?} alone"
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while s
        .wait_for_any(deadline)
        .expect("no answer to the graph request")
        .get("id")
        != Some(&json!(9300))
    {}

    // Cancelled, the graph request ends with RequestCancelled well before it would finish.
    s.send(&json!({
        "jsonrpc": "2.0", "id": 9301, "method": "pipelens/pipelineGraph",
        "params": {"textDocument": {"uri": u_big}},
    }));
    let t = Instant::now();
    s.notify("$/cancelRequest", json!({"id": 9301}));
    let deadline = Instant::now() + Duration::from_secs(60);
    let answer = loop {
        let m = s
            .wait_for_any(deadline)
            .expect("no answer to the cancelled request");
        if m.get("id") == Some(&json!(9301)) && m.get("method").is_none() {
            break m;
        }
    };
    let cancel_took = t.elapsed();
    eprintln!("graph alone {alone:?}, hover next to it {hover_took:?}, cancel {cancel_took:?}");
    assert_eq!(answer["error"]["code"], -32800, "{answer}");
    assert!(
        cancel_took * 3 < alone,
        "the cancelled graph answered after {cancel_took:?} (alone: {alone:?})"
    );

    // Cancelled work stops, not only its answer: after sixteen cancelled graphs (more than
    // there are blocking threads) a hover still answers at once.
    let ids: Vec<u64> = (9400..9416).collect();
    for id in &ids {
        s.send(&json!({
            "jsonrpc": "2.0", "id": id, "method": "pipelens/pipelineGraph",
            "params": {"textDocument": {"uri": u_big}},
        }));
    }
    // Started (each on its thread) before they are cancelled.
    std::thread::sleep(alone / 4);
    for id in &ids {
        s.notify("$/cancelRequest", json!({"id": id}));
    }
    let t = Instant::now();
    let hover = s.request_within(
        "textDocument/hover",
        json!({"textDocument": {"uri": u_small}, "position": pos(at)}),
        Duration::from_secs(60),
    );
    let after_cancels = t.elapsed();
    eprintln!("hover after sixteen cancelled graphs {after_cancels:?}");
    assert!(hover.is_some_and(|h| h.get("error").is_none()));
    // Were the cancelled graphs still running, the hover would wait for one of them, which
    // shares the two cores with eleven others: longer than a graph alone takes.
    assert!(
        after_cancels < alone,
        "a hover after sixteen cancelled graphs took {after_cancels:?} (a graph alone: {alone:?})"
    );
    s.shutdown();
}

/// Opening a document parses it off the task that serves the connection: a hover on another
/// document answers at once, not after the new document's parse (#16).
#[test]
fn opening_a_huge_document_delays_no_request_on_another() {
    let (dir, small) = app(&CASES[0]);
    let mut s = TestServer::builder(dir.path()).start();
    let u_small = s.open(&small, "python");
    s.diagnostics(&u_small, 1);
    // Some 6 MB of plain statements: no pipeline, so only its parse and lowering cost.
    let text: String = (0..400_000).map(|i| format!("value_{i} = {i}\n")).collect();
    // What one parse of it takes here (the server's tree-sitter is built the same way).
    let t = Instant::now();
    let mut doc = pipelens::document::Document::new(&pipelens::lang::PYTHON, &text, 1);
    assert!(doc.tree().is_some());
    let parse = t.elapsed();
    drop(doc);
    let u_big = uri(&dir.path().join("big.py"));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": u_big, "languageId": "python", "version": 1, "text": text}}),
    );
    let at = find(CASES[0].text, "eu-west-1", false);
    let t = Instant::now();
    let hover = s.request_within(
        "textDocument/hover",
        json!({"textDocument": {"uri": u_small}, "position": pos(at)}),
        Duration::from_secs(60),
    );
    let hover_took = t.elapsed();
    eprintln!(
        "one parse of the huge document {parse:?}, a hover right after its didOpen {hover_took:?}"
    );
    assert!(hover.is_some_and(|h| h.get("error").is_none()));
    assert!(
        hover_took * 3 < parse,
        "a hover took {hover_took:?} right after opening a document whose parse takes {parse:?}"
    );
    s.shutdown();
}

/// The first completion right after `didOpen` waits for the document's first analysis (which
/// knows the file's `pipelines` import) instead of answering nothing (#15).
#[test]
fn the_first_completion_after_opening_waits_for_the_analysis() {
    let (dir, _) = app(&CASES[0]);
    let file = dir.path().join("steps.py");
    let text = format!(
        "{}\nfrom aws_cdk import pipelines as pl\nstep = pl.",
        (0..300)
            .map(|i| format!("value_{i} = {i}\n"))
            .collect::<String>()
    );
    std::fs::write(&file, &text).unwrap();
    let mut s = TestServer::builder(dir.path()).start();
    let u = s.open(&file, "python");
    let last = text.lines().count() as u32 - 1;
    let items = s.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": u}, "position": pos((last, "step = pl.".len() as u32))}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .or_else(|| items["items"].as_array())
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(labels.contains(&"ShellStep"), "{items}");
    s.shutdown();
}

/// Anywhere in a pipeline, a stage or a wave, a code action synthesizes the app (the lens's
/// "▶ Synthesize", for editors that do not show lenses); outside pipelines, and in an
/// untrusted workspace, it is not offered (#15).
#[test]
fn a_code_action_synthesizes_from_anywhere_in_a_pipeline_when_trusted() {
    let synth_actions = |s: &mut TestServer, u: &str, line: u32| -> Vec<Value> {
        let actions = s.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": u}, "range": {"start": pos((line, 10)), "end": pos((line, 10))}, "context": {"diagnostics": []}}),
        );
        actions
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|a| a["title"] == "Synthesize and show the generated stages")
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    let stage_line = PY.lines().position(|l| l.contains("\"Dev\"")).unwrap() as u32;
    let (dir, file) = app(&CASES[0]);
    let mut s = TestServer::builder(dir.path()).start();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    let found = synth_actions(&mut s, &u, stage_line);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["command"]["command"], "pipelens.synth");
    assert_eq!(found[0]["command"]["arguments"], json!([u]));
    assert!(synth_actions(&mut s, &u, 0).is_empty(), "not on an import");
    s.shutdown();

    let mut s = TestServer::builder(dir.path()).untrusted().start();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    assert!(
        synth_actions(&mut s, &u, stage_line).is_empty(),
        "offered untrusted"
    );
    s.shutdown();
}

/// The server's resident memory, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Closing a huge document gives back what its text, tree, lowering and analysis held (#16:
/// a 100 MB document kept 2.8 GB after `didClose`).
#[test]
fn closing_a_huge_document_gives_its_memory_back() {
    let (dir, small) = app(&CASES[0]);
    let mut s = TestServer::builder(dir.path()).start();
    let u_small = s.open(&small, "python");
    s.diagnostics(&u_small, 1);
    let before = rss_kib(s.pid());
    let text: String = (0..200_000).map(|i| format!("value_{i} = {i}\n")).collect();
    let u_big = uri(&dir.path().join("big.py"));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": u_big, "languageId": "python", "version": 1, "text": text}}),
    );
    s.diagnostics(&u_big, 1);
    let open = rss_kib(s.pid());
    assert!(
        open > before + 50 * 1024,
        "the open document should take memory: {before} KiB before, {open} KiB open"
    );
    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": u_big}}),
    );
    s.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == u_big.as_str() && p["diagnostics"].as_array().is_some_and(|d| d.is_empty())
    });
    let held = open - before;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut closed = rss_kib(s.pid());
    while closed > before + held / 4 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        closed = rss_kib(s.pid());
    }
    eprintln!("resident: {before} KiB before, {open} KiB open, {closed} KiB after didClose");
    assert!(
        closed <= before + held / 4,
        "after didClose the server still holds {closed} KiB ({before} KiB before, {open} KiB open)"
    );
    s.shutdown();
}

/// A document over the size pipelens reads (32 MB, as `check`) is not analysed: it gets empty
/// diagnostics and one message, however often it changes, and costs little more than its text
/// (#16: a 100 MB document took 23 s and 2.8 GB).
#[test]
fn a_document_over_the_size_limit_is_not_analysed_and_said_once() {
    let (dir, small) = app(&CASES[0]);
    let mut s = TestServer::builder(dir.path()).start();
    let u_small = s.open(&small, "python");
    s.diagnostics(&u_small, 1);
    let before = rss_kib(s.pid());
    let line = "value = 1\n";
    let text = line.repeat((33 << 20) / line.len());
    let u_big = uri(&dir.path().join("big.py"));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": u_big, "languageId": "python", "version": 1, "text": text}}),
    );
    drop(text);
    assert!(s.diagnostics(&u_big, 1).is_empty());
    let said = s.wait_for("window/showMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("big.py") && m.contains("up to 32 MB"))
    });
    assert_eq!(said["type"], 2, "a warning: {said}");
    s.change(&u_big, 2, (0, 0), (0, 0), "x = 2\n");
    assert!(s.diagnostics(&u_big, 2).is_empty());
    let open = rss_kib(s.pid());
    eprintln!("resident: {before} KiB before, {open} KiB with the 33 MB document open");
    // Its text (kept once, plus what reading the message took); an analysis would take some
    // hundred times its size.
    assert!(
        open < before + 400 * 1024,
        "{open} KiB with the document open, {before} KiB before"
    );
    let at = find(CASES[0].text, "eu-west-1", false);
    let hover = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u_small}, "position": pos(at)}),
    );
    assert!(hover.is_object(), "{hover}");
    assert!(
        !s.notifications
            .iter()
            .any(|n| n["method"] == "window/showMessage"
                && n["params"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("up to 32 MB"))),
        "said twice"
    );
    s.shutdown();
}

/// Stages in the huge pipeline of `a_slow_graph_delays_no_other_request_and_a_cancel_ends_it`.
const STAGES: usize = 8000;

/// A Python pipeline stack adding `stages` stages, one line each.
fn big_pipeline(stages: usize) -> String {
    let mut big = String::from(
        "import aws_cdk as cdk\nfrom aws_cdk import pipelines\n\n\nclass S(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        cdk.Stack(self, \"Api\")\n\n\nclass P(cdk.Stack):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        p = pipelines.CodePipeline(self, \"Pipeline\", synth=pipelines.ShellStep(\"Synth\", commands=[]))\n",
    );
    for i in 0..stages {
        big.push_str(&format!(
            "        p.add_stage(S(self, \"Stage{i}\", env=cdk.Environment(account=\"111111111111\", region=\"us-east-1\")))\n"
        ));
    }
    big
}

#[test]
fn a_signal_to_the_server_stops_its_synth_before_it_exits() {
    for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
        let m = marker();
        let (mut s, _u, _dir) = server_with_hanging_synth(&m);
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(s.pid() as libc::pid_t, sig) };
        let status = s.wait_exit(Duration::from_secs(30));
        let left_gone = gone(&m, Duration::from_secs(10));
        let left = kill_leftovers(&m);
        assert_eq!(
            status.and_then(|st| st.code()),
            Some(128 + sig),
            "signal {sig}: {status:?}"
        );
        assert!(left_gone, "signal {sig}: synth processes left: {left:?}");
    }
}

#[test]
fn a_sigkill_of_the_server_still_ends_its_synth() {
    let m = marker();
    let (mut s, _u, _dir) = server_with_hanging_synth(&m);
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(s.pid() as libc::pid_t, libc::SIGKILL) };
    assert!(s.wait_exit(Duration::from_secs(30)).is_some());
    let left_gone = gone(&m, Duration::from_secs(10));
    let left = kill_leftovers(&m);
    assert!(left_gone, "synth processes outlived the server: {left:?}");
}

#[test]
fn closing_the_last_document_of_an_app_cancels_its_synth() {
    let m = marker();
    let (mut s, u, _dir) = server_with_hanging_synth(&m);
    s.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    let left_gone = gone(&m, Duration::from_secs(10));
    let left = kill_leftovers(&m);
    assert!(
        left_gone,
        "the synth ran on after its app was closed: {left:?}"
    );
}

#[test]
fn exit_without_shutdown_exits_1_and_after_shutdown_0() {
    let (dir, _) = app(&CASES[0]);
    let mut s = TestServer::builder(dir.path()).start();
    s.notify("exit", Value::Null);
    let status = s.wait_exit(Duration::from_secs(30)).expect("exited");
    assert_eq!(status.code(), Some(1));
    let s = TestServer::builder(dir.path()).start();
    assert_eq!(s.shutdown().code(), Some(0));
}

/// The answer to `shutdown` is written even when `exit` follows at once, before the answer
/// (stdout is copied by a thread of its own, which the process waits for), and a client that
/// goes away (its end of stdin closed) ends the server with exit code 1.
#[test]
fn the_last_answer_is_written_and_the_end_of_input_ends_the_server() {
    let (dir, file) = app(&CASES[0]);
    for _ in 0..10 {
        let mut s = TestServer::builder(dir.path()).start();
        // Its requests to the client (settings) are answered before it goes.
        let u = s.open(&file, "python");
        s.diagnostics(&u, 1);
        s.send(&json!({"jsonrpc": "2.0", "id": 4242, "method": "shutdown", "params": null}));
        s.notify("exit", Value::Null);
        // 0 or 1: `exit` may be read before `shutdown` is done (clients wait for its answer).
        s.wait_exit(Duration::from_secs(10)).expect("exited");
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut answered = false;
        while let Some(m) = s.wait_for_any(deadline) {
            if m.get("id") == Some(&json!(4242)) {
                answered = true;
                break;
            }
        }
        assert!(answered, "no answer to shutdown before the process ended");
    }
    let mut s = TestServer::builder(dir.path()).start();
    s.close_stdin();
    let status = s
        .wait_exit(Duration::from_secs(10))
        .expect("the server ran on after its input ended");
    assert_eq!(status.code(), Some(1));
}

/// A FIFO named `pipelens.toml` used to hang `initialize` (the server waited for a writer). Now
/// it is said once and the server serves.
#[test]
fn a_fifo_pipelens_toml_does_not_hang_initialize() {
    let (dir, file) = app(&CASES[0]);
    let path = std::ffi::CString::new(dir.path().join("pipelens.toml").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
    let mut s = TestServer::builder(dir.path()).start();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    let m = s.wait_for("window/showMessage", |p| {
        p["message"]
            .as_str()
            .unwrap_or("")
            .contains("pipelens.toml")
    });
    assert!(
        m["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file"),
        "{m}"
    );
}

/// Every problem of the settings at once in one message, not a message each.
#[test]
fn settings_problems_are_one_message() {
    let (dir, file) = app(&CASES[0]);
    std::fs::write(
        dir.path().join("pipelens.toml"),
        "[synth]\ntimeoutSeconds = \"soon\"\nonSave = 3\n[bootstrap]\ncheck = \"sometimes\"\n",
    )
    .unwrap();
    let mut s = TestServer::builder(dir.path()).start();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    let m = s.wait_for("window/showMessage", |p| {
        p["message"]
            .as_str()
            .unwrap_or("")
            .contains("pipelens.toml")
    });
    let text = m["message"].as_str().unwrap();
    for key in ["synth.timeoutSeconds", "synth.onSave", "bootstrap.check"] {
        assert!(text.contains(key), "{key} not in {text}");
    }
    // Nothing more about them comes: a request round-trip lets any pending message arrive.
    s.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    let more = s
        .notifications
        .iter()
        .filter(|n| n["method"] == "window/showMessage")
        .count();
    assert_eq!(more, 0, "{:?}", s.notifications);
}

/// A second change with a version the document already has is not applied, and the log says
/// so (it used to vanish without a word).
#[test]
fn a_repeated_version_is_logged_not_silently_dropped() {
    let (dir, file) = app(&CASES[0]);
    let mut s = TestServer::builder(dir.path()).start();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    s.change(&u, 2, (0, 0), (0, 0), "# a\n");
    s.diagnostics(&u, 2);
    s.change(&u, 2, (0, 0), (0, 0), "# b\n");
    // A request after it: the server has read the repeated change before its log is taken.
    s.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    let err = s.stderr_text();
    assert!(err.contains("a second change with version 2"), "{err}");
}

/// A synth command that writes the cloud assembly of `pipeline` (a `pipelens/pipelineGraph`
/// pipeline) plus `extra` stages, as stack `Ops`, into `CDK_OUTDIR`.
fn assembly_script(
    dir: &Path,
    pipeline: &Value,
    extra: &[&str],
    extra_actions: &[(&str, &str)],
) -> std::path::PathBuf {
    let action = |a: &Value| {
        let (category, provider, mode) = match a["kind"].as_str().unwrap() {
            "source" => ("Source", "CodeStarSourceConnection", None),
            "approval" => ("Approval", "Manual", None),
            "prepare" => ("Deploy", "CloudFormation", Some("CHANGE_SET_REPLACE")),
            "deploy" => ("Deploy", "CloudFormation", Some("CHANGE_SET_EXECUTE")),
            _ => ("Build", "CodeBuild", None),
        };
        let mut v = json!({"Name": a["name"], "RunOrder": a["runOrder"],
            "ActionTypeId": {"Category": category, "Provider": provider}});
        if let Some(m) = mode {
            v["Configuration"] = json!({"ActionMode": m});
        }
        if let (Some(acc), Some(region)) = (a["account"].as_str(), a["region"].as_str()) {
            v["Region"] = json!(region);
            v["RoleArn"] = json!(format!(
                "arn:aws:iam::{acc}:role/cdk-hnb659fds-deploy-role-{acc}-{region}"
            ));
        }
        v
    };
    let mut stages: Vec<Value> = pipeline["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let mut actions: Vec<Value> = s["actions"]
                .as_array()
                .unwrap()
                .iter()
                .map(action)
                .collect();
            for (stage, name) in extra_actions {
                if s["name"] == *stage {
                    actions.push(json!({"Name": name, "RunOrder": 9,
                        "ActionTypeId": {"Category": "Build", "Provider": "CodeBuild"}}));
                }
            }
            json!({"Name": s["name"], "Actions": actions})
        })
        .collect();
    for e in extra {
        stages.push(
            json!({"Name": e, "Actions": [{"Name": "Check", "RunOrder": 1,
            "ActionTypeId": {"Category": "Build", "Provider": "CodeBuild"}}]}),
        );
    }
    let path = format!("Ops/{}/Pipeline/Resource", pipeline["id"].as_str().unwrap());
    let template = json!({"Resources": {"P": {"Type": "AWS::CodePipeline::Pipeline",
        "Metadata": {"aws:cdk:path": path}, "Properties": {"Stages": stages}}}});
    let manifest = json!({"version": "36.0.0", "artifacts": {"Ops": {
        "type": "aws:cloudformation:stack", "environment": "aws://999999999999/us-east-1",
        "properties": {"templateFile": "Ops.template.json"}}}});
    let script = dir.join("synth.sh");
    common::write_script(
        &script,
        &format!(
            "#!/bin/sh\ncat > \"$CDK_OUTDIR/manifest.json\" <<'EOF'\n{manifest}\nEOF\ncat > \
             \"$CDK_OUTDIR/Ops.template.json\" <<'EOF'\n{template}\nEOF\n"
        ),
    );
    script
}

fn codes(diagnostics: &Value) -> Vec<String> {
    diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The Python case with a source (a pipeline pipelens predicts whole): its folder, file, text
/// and the pipeline `pipelens/pipelineGraph` predicts for it.
fn predictable_app() -> (tempfile::TempDir, std::path::PathBuf, String, Value) {
    let (dir, file) = app(&CASES[0]);
    let text = CASES[0].text.replace(
        "commands=[]",
        "input=pipelines.CodePipelineSource.git_hub(\"acme/app\", \"main\"), commands=[\"cdk synth\"]",
    );
    std::fs::write(&file, &text).unwrap();
    let mut s = TestServer::builder(dir.path()).start();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    let g = s.request(
        "pipelens/pipelineGraph",
        json!({"textDocument": {"uri": u}}),
    );
    assert!(s.shutdown().success());
    (dir, file, text, g["pipelines"][0].clone())
}

/// After a synth, an edit makes the synthesized result of the stages whose code changed out of
/// date: they are shown as predicted again, and the lens, hints, graph, status and diagnostics
/// agree; the stages whose code did not change keep what the synth made; undoing the edit
/// brings the whole synth back.
#[test]
fn a_synthesized_result_goes_out_of_date_stage_by_stage_when_its_code_changes() {
    let (dir, file, text, predicted) = predictable_app();
    // The synth makes what pipelens predicts, plus a stage it cannot know of.
    // Dev gets an action only the synth knows: kept while Dev's code is unchanged.
    let script = assembly_script(dir.path(), &predicted, &["Extra"], &[("Dev", "SmokeTest")]);
    let mut s = TestServer::builder(dir.path())
        .init_options(json!({"synth": {"command": [script.display().to_string()]}}))
        .start();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    let status = |s: &mut TestServer| {
        s.request("pipelens/synthStatus", json!({"textDocument": {"uri": u}}))["state"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status(&mut s), "predicted");
    let r = s.request(
        "workspace/executeCommand",
        json!({"command": "pipelens.synth", "arguments": [u]}),
    );
    assert_eq!(r["pipelines"][0]["origin"], "synthesized", "{r}");
    // Said when it started and when it ended.
    s.wait_for("pipelens/didChangeSynthStatus", |_| true);
    s.wait_for("pipelens/didChangeSynthStatus", |_| true);
    let d = s.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == u.as_str() && codes(&p["diagnostics"]).contains(&"synth-differs".into())
    });
    assert!(
        d["diagnostics"].to_string().contains("Extra")
            && d["diagnostics"].to_string().contains("SmokeTest"),
        "the stage the prediction missed: {d}"
    );
    assert_eq!(status(&mut s), "synthesized");
    // On a stage: show its synthesized stages (the client's graph view).
    let shows = |s: &mut TestServer, stage: &str| -> Vec<String> {
        let line = text
            .lines()
            .position(|l| l.contains(&format!("\"{stage}\"")))
            .unwrap() as u32;
        let actions = s.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": u}, "range": {"start": pos((line, 10)), "end": pos((line, 10))},
                   "context": {"diagnostics": []}}),
        );
        actions
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|a| a["command"]["command"] == "pipelens.showPipelineGraph")
                    .map(|a| a["title"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(shows(&mut s, "Dev"), ["Show the synthesized stages of Dev"]);
    // A client that does not handle the command itself sends it here: the graph answer.
    let g = s.request(
        "workspace/executeCommand",
        json!({"command": "pipelens.showPipelineGraph", "arguments": [u, "Dev"]}),
    );
    assert_eq!(g["pipelines"][0]["origin"], "synthesized", "{g}");
    let lens = |s: &mut TestServer| {
        s.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}))[0]["command"]
            ["title"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let title = lens(&mut s);
    assert!(
        title.contains("ProdEu → Extra (synthesized") && !title.contains("out of date"),
        "{title}"
    );

    // ProdEu's region changes: ProdEu is predicted again, Dev stays synthesized.
    let at = find(&text, "eu-west-1", false);
    s.change(&u, 2, at, (at.0, at.1 + 9), "eu-central-1");
    let d = s.diagnostics(&u, 2);
    let text_of = |d: &[Value]| json!(d).to_string();
    assert!(
        text_of(&d).contains("SmokeTest") && !text_of(&d).contains("Extra"),
        "Dev did not change: its difference holds; Extra's is not known any more: {d:?}"
    );
    let title = lens(&mut s);
    assert!(
        title.contains("synth is out of date for ProdEu and Extra"),
        "{title}"
    );
    let hints = s.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": u}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 40, "character": 0}}}),
    );
    let tooltip = |stage: &str| {
        hints
            .as_array()
            .unwrap()
            .iter()
            .find(|h| {
                h["label"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("⟶ {stage}:"))
            })
            .map(|h| h["tooltip"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no hint for {stage}: {hints}"))
    };
    assert!(
        tooltip("ProdEu").contains("synth is out of date"),
        "{hints}"
    );
    assert!(
        tooltip("Dev").contains("(synthesized") && tooltip("Dev").contains("SmokeTest"),
        "Dev is still the synthesized one: {hints}"
    );
    let g = s.request(
        "pipelens/pipelineGraph",
        json!({"textDocument": {"uri": u}}),
    );
    let p = &g["pipelines"][0];
    assert_eq!(p["outOfDate"], json!(["ProdEu", "Extra"]), "{p}");
    let prod = p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "ProdEu")
        .unwrap();
    assert_eq!(prod["actions"][0]["region"], "eu-central-1", "{prod}");
    assert_eq!(status(&mut s), "outOfDate");
    // Only where the synth still speaks for the stage.
    assert_eq!(shows(&mut s, "Dev"), ["Show the synthesized stages of Dev"]);
    assert!(shows(&mut s, "ProdEu").is_empty());

    // A new stage: predicted, out of date, in its place.
    let line = text.lines().count() as u32;
    s.change(
        &u,
        3,
        (line, 0),
        (line, 0),
        "        pipeline.add_stage(AppStage(self, \"Gamma\", env=cdk.Environment(account=\"444444444444\", region=\"us-east-1\")))\n",
    );
    s.diagnostics(&u, 3);
    let title = lens(&mut s);
    assert!(
        title.contains("ProdEu → Gamma") && title.contains("ProdEu, Extra and Gamma"),
        "{title}"
    );

    // Undone: the code is what was synthesized again, and so is the whole view.
    s.change(&u, 4, (line, 0), (line + 1, 0), "");
    s.change(&u, 5, at, (at.0, at.1 + 12), "eu-west-1");
    let d = s.diagnostics(&u, 5);
    assert!(
        codes(&json!(d)).contains(&"synth-differs".to_string()),
        "{d:?}"
    );
    let title = lens(&mut s);
    assert!(!title.contains("out of date"), "{title}");
    assert_eq!(status(&mut s), "synthesized");
    assert!(s.shutdown().success());
}

/// The cancel button of the synth's progress stops the synth (its processes too) and the
/// request answers that it was cancelled; the progress counts the seconds meanwhile.
#[test]
fn a_synth_is_cancelled_from_its_progress() {
    let m = marker();
    let (mut s, u, _dir) = server_whose_synth_hangs(&m);
    s.send(&json!({
        "jsonrpc": "2.0", "id": 9100, "method": "workspace/executeCommand",
        "params": {"command": "pipelens.synth", "arguments": [u]},
    }));
    // Reading the messages answers the server's `window/workDoneProgress/create`.
    let begin = s.wait_for("$/progress", |p| p["value"]["kind"] == "begin");
    assert_eq!(begin["value"]["cancellable"], true, "{begin}");
    let status = s.request("pipelens/synthStatus", json!({"textDocument": {"uri": u}}));
    assert_eq!(status["state"], "running", "{status}");
    s.wait_for("$/progress", |p| {
        p["value"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("1 s ·"))
    });
    s.notify(
        "window/workDoneProgress/cancel",
        json!({"token": begin["token"]}),
    );
    let answer = loop {
        let msg = s
            .wait_for_any(Instant::now() + common::HANG)
            .expect("an answer to the synth");
        if msg["id"] == 9100 {
            break msg;
        }
        s.notifications.push(msg);
    };
    assert_eq!(
        (&answer["error"]["code"], &answer["error"]["message"]),
        (&json!(-32800), &json!("cdk synth was cancelled")),
        "RequestCancelled: {answer}"
    );
    assert!(gone(&m, common::HANG), "{:?}", processes_with(&m));
    let end = s.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    assert_eq!(end["value"]["message"], "cancelled");
    // Cancelled is not failed: nothing to show, no message.
    assert!(!s
        .notifications
        .iter()
        .any(|n| n["method"] == "window/showMessage"));
    assert!(s.shutdown().success());
}

/// `cdk synth` reads the files on disk: a synth made while the buffer had unsaved edits does not
/// speak for the buffer's code, until the buffer is the file's text again.
#[test]
fn a_synth_of_the_file_on_disk_does_not_speak_for_an_unsaved_buffer() {
    let (dir, file, text, predicted) = predictable_app();
    let script = assembly_script(dir.path(), &predicted, &[], &[]);
    let mut s = TestServer::builder(dir.path())
        .init_options(json!({"synth": {"command": [script.display().to_string()]}}))
        .start();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    // Not saved.
    let at = find(&text, "eu-west-1", false);
    s.change(&u, 2, at, (at.0, at.1 + 9), "eu-central-1");
    s.diagnostics(&u, 2);
    s.request(
        "workspace/executeCommand",
        json!({"command": "pipelens.synth", "arguments": [u]}),
    );
    let status = |s: &mut TestServer| {
        s.request("pipelens/synthStatus", json!({"textDocument": {"uri": u}}))["state"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status(&mut s), "outOfDate");
    let g = s.request(
        "pipelens/pipelineGraph",
        json!({"textDocument": {"uri": u}}),
    );
    let prod = g["pipelines"][0]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "ProdEu")
        .unwrap()
        .clone();
    assert_eq!(
        prod["actions"][0]["region"], "eu-central-1",
        "the buffer's: {g}"
    );
    // The buffer is the file's text again: the synth speaks for it.
    s.change(&u, 3, at, (at.0, at.1 + 12), "eu-west-1");
    s.diagnostics(&u, 3);
    assert_eq!(status(&mut s), "synthesized");
    assert!(s.shutdown().success());
}

/// Two synths of one app overlap while the newer cancels the older: the older's end leaves the
/// newer running, in the status and for its cancel button.
#[test]
fn a_newer_synth_stays_running_and_cancellable_when_the_older_ends() {
    let m = marker();
    let (mut s, u, _dir) = server_whose_synth_hangs(&m);
    let synth = |s: &mut TestServer, id: u64| {
        s.send(&json!({
            "jsonrpc": "2.0", "id": id, "method": "workspace/executeCommand",
            "params": {"command": "pipelens.synth", "arguments": [u]},
        }));
        s.wait_for("$/progress", |p| p["value"]["kind"] == "begin")
    };
    synth(&mut s, 9200);
    let newer = synth(&mut s, 9201);
    let answer = |s: &mut TestServer, id: u64| loop {
        let msg = s
            .wait_for_any(Instant::now() + common::HANG)
            .expect("an answer");
        if msg["id"] == id {
            break msg;
        }
        s.notifications.push(msg);
    };
    let older = answer(&mut s, 9200);
    assert!(
        older["error"]["message"]
            .as_str()
            .unwrap()
            .contains("newer request"),
        "{older}"
    );
    // Cancelled is not failed: RequestCancelled, which clients do not show.
    assert_eq!(older["error"]["code"], -32800, "{older}");
    let status = s.request("pipelens/synthStatus", json!({"textDocument": {"uri": u}}));
    assert_eq!(status["state"], "running", "the newer one runs: {status}");
    s.notify(
        "window/workDoneProgress/cancel",
        json!({"token": newer["token"]}),
    );
    let cancelled = answer(&mut s, 9201);
    assert_eq!(cancelled["error"]["code"], -32800, "{cancelled}");
    assert!(gone(&m, common::HANG), "{:?}", processes_with(&m));
    assert!(s.shutdown().success());
}

/// Diagnostics live in one collection by source (`lsp/collection.rs`): a bootstrap probe's
/// answer changes one document's bootstrap hint and only that document is sent again; a
/// document it does not touch keeps its one publish.
#[test]
fn a_probe_answer_publishes_only_the_documents_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("examples/payments-python"), dir.path());
    let pipeline = dir.path().join("payments/pipeline_stack.py");
    let app_py = dir.path().join("app.py");
    let mut s = TestServer::builder(dir.path())
        .init_options(json!({"bootstrap": {"check": "auto"}}))
        .start();
    let a = s.open(&app_py, "python");
    assert!(s.diagnostics(&a, 1).is_empty());
    let u = s.open(&pipeline, "python");
    s.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == u.as_str()
            && p["diagnostics"].as_array().is_some_and(|d| {
                d.iter().any(|d| {
                    d["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("no AWS credentials found"))
                })
            })
    });
    // The probe's republish goes over every open document in one task, app.py before or after
    // the pipeline: give it time to end, then a request's answer comes after what it sent.
    std::thread::sleep(Duration::from_millis(500));
    s.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": a}}),
    );
    let publishes_of = |s: &TestServer, doc: &str| {
        s.notifications
            .iter()
            .filter(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == doc
            })
            .count()
    };
    assert_eq!(publishes_of(&s, &a), 0, "app.py was sent again");
    assert!(s.shutdown().success());
}
