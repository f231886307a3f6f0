//! `pipelens preview --synth` and the `Synthesizer` API against real processes.
//!
//! Without cdk (always run): a missing `cdk`, a synth command that hangs past
//! `synth.timeoutSeconds` (its whole process tree must be gone afterwards), a synth cancelled by
//! a newer one, and a fake synth command that writes a cloud assembly.
//!
//! With the real CDK (only when `PIPELENS_CDK_TESTS=1`, as `tests/synth-tests` runs them after
//! sourcing tests/env.sh): both examples synthesized equal their fixtures with no difference
//! from the prediction, and an app that raises fails with its own error text and location.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{as_fixture, gone, marker, processes_with, repo, stage_names};
use pipelens::synth::{SynthError, Synthesizer};
use pipelens::workspace::Settings;
use serde_json::{json, Value};

fn pipelens(args: &[&str], path: &Path, env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pipelens"));
    c.args(args).arg(path);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An app folder (cdk.json only) with an executable script `name` holding `body`.
fn app_with_script(name: &str, body: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cdk.json"), r#"{"app": "true"}"#).unwrap();
    let script = dir.path().join(name);
    common::write_script(&script, body);
    (dir, script)
}

/// A script that starts a child which sleeps (`sleep <marker>`, its own argument) and waits.
const HANG: &str = "#!/bin/sh\nsleep \"$1\" &\nwait\n";

#[test]
fn missing_cdk_exits_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("cdk.json"), r#"{"app": "python3 app.py"}"#).unwrap();
    let empty = dir.path().join("empty-path");
    std::fs::create_dir(&empty).unwrap();
    let o = pipelens(
        &["preview", "--synth"],
        &app,
        &[("PATH", empty.to_str().unwrap())],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("(`cdk`) was not found"), "{err}");
    assert!(err.contains("synth.command"), "{err}");
}

#[test]
fn a_synth_past_the_timeout_is_stopped_with_its_whole_process_tree() {
    let (dir, script) = app_with_script("hang.sh", HANG);
    let m = marker();
    std::fs::write(
        dir.path().join("pipelens.toml"),
        format!(
            "[synth]\ncommand = [{:?}, {m:?}]\ntimeoutSeconds = 2\n",
            script.to_str().unwrap()
        ),
    )
    .unwrap();
    assert!(processes_with(&m).is_empty());
    let start = Instant::now();
    let o = pipelens(&["preview", "--synth"], dir.path(), &[]);
    let took = start.elapsed();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("did not finish within 2 s (`synth.timeoutSeconds`)"),
        "{err}"
    );
    // Stopped at its 2 s bound, not at the script's own end (an hour): the margin is for a
    // busy machine, not a measure of speed.
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert!(
        gone(&m, Duration::from_secs(10)),
        "orphans left: {:?}",
        processes_with(&m)
    );
}

fn hang_settings(script: &Path, marker: &str) -> Settings {
    Settings {
        synth_command: Some(vec![
            script.to_str().unwrap().to_string(),
            marker.to_string(),
        ]),
        synth_timeout_seconds: 60,
        ..Settings::default()
    }
}

async fn until_running(marker: &str) {
    let start = Instant::now();
    while processes_with(marker).is_empty() {
        assert!(start.elapsed() < common::HANG, "{marker} never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_synth_cancels_the_running_one_and_kills_its_group() {
    let (dir, script) = app_with_script("hang.sh", HANG);
    let root = dir.path().to_path_buf();
    let synthesizer = Arc::new(Synthesizer::new());
    let (m1, m2) = (marker(), format!("{}1", marker()));

    let first = {
        let (s, root, settings) = (
            synthesizer.clone(),
            root.clone(),
            hang_settings(&script, &m1),
        );
        tokio::spawn(async move {
            s.synth(
                &root,
                &settings,
                |_| {},
                pipelens::trust::Trusted::by_user(),
            )
            .await
        })
    };
    until_running(&m1).await;

    let second = {
        let (s, root, settings) = (
            synthesizer.clone(),
            root.clone(),
            hang_settings(&script, &m2),
        );
        tokio::spawn(async move {
            s.synth(
                &root,
                &settings,
                |_| {},
                pipelens::trust::Trusted::by_user(),
            )
            .await
        })
    };
    let r1 = tokio::time::timeout(Duration::from_secs(10), first)
        .await
        .expect("the first synth was not cancelled")
        .unwrap();
    assert!(matches!(r1, Err(SynthError::Cancelled)), "{r1:?}");
    assert!(
        gone(&m1, Duration::from_secs(10)),
        "first synth's processes left"
    );

    // Dropping the future (an aborted task) kills the second one's group too.
    until_running(&m2).await;
    second.abort();
    let _ = second.await;
    assert!(
        gone(&m2, Duration::from_secs(10)),
        "second synth's processes left"
    );
}

/// A synth command that writes a cloud assembly into `CDK_OUTDIR`, as a CDK app does.
#[test]
fn a_custom_synth_command_writing_to_cdk_outdir_is_read() {
    let template = json!({"Resources": {"P": {"Type": "AWS::CodePipeline::Pipeline",
    "Metadata": {"aws:cdk:path": "Ops/Delivery/Pipeline/Resource"},
    "Properties": {"Stages": [
        {"Name": "Source", "Actions": [{"Name": "acme_app", "RunOrder": 1,
            "ActionTypeId": {"Category": "Source", "Provider": "CodeStarSourceConnection"}}]},
        {"Name": "Beta", "Actions": [{"Name": "Deploy", "RunOrder": 1,
            "ActionTypeId": {"Category": "Deploy", "Provider": "CloudFormation"},
            "Configuration": {"ActionMode": "CREATE_UPDATE"}, "Region": "eu-west-1",
            "RoleArn": "arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-eu-west-1"}]}
    ]}}}});
    let manifest = json!({"version": "36.0.0", "artifacts": {"Ops": {
        "type": "aws:cloudformation:stack", "environment": "aws://999999999999/us-east-1",
        "properties": {"templateFile": "Ops.template.json"}}}});
    let body = format!(
        "#!/bin/sh\ncat > \"$CDK_OUTDIR/manifest.json\" <<'EOF'\n{manifest}\nEOF\ncat > \
         \"$CDK_OUTDIR/Ops.template.json\" <<'EOF'\n{template}\nEOF\n"
    );
    let (dir, script) = app_with_script("synth.sh", &body);
    std::fs::write(
        dir.path().join("pipelens.toml"),
        format!("[synth]\ncommand = [{:?}]\n", script.to_str().unwrap()),
    )
    .unwrap();
    let o = pipelens(&["preview", "--synth", "--format", "json"], dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &v["pipelines"][0];
    assert_eq!(p["origin"], "synthesized");
    assert_eq!(p["id"], "Delivery");
    let beta = &p["stages"][1]["actions"][0];
    assert_eq!(
        (&beta["kind"], &beta["account"], &beta["region"]),
        (
            &json!("deploy"),
            &json!("111111111111"),
            &json!("eu-west-1")
        )
    );
    assert_eq!(p["stages"][0]["actions"][0]["kind"], "source");
    // The user's own cdk.out is never written.
    assert!(!dir.path().join("cdk.out").exists());
}

/// `preview --synth` of a synth that hangs, stopped by `sig`: the synth's whole process group
/// (its own, which a signal to pipelens never reaches) is gone, and pipelens exits 128 + sig.
fn a_signal_to_preview_synth_stops_the_synth(sig: libc::c_int) {
    let (dir, script) = app_with_script("hang.sh", HANG);
    let m = marker();
    std::fs::write(
        dir.path().join("pipelens.toml"),
        format!(
            "[synth]\ncommand = [{:?}, {m:?}]\ntimeoutSeconds = 600\n",
            script.to_str().unwrap()
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pipelens"))
        .args(["preview", "--synth"])
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while processes_with(&m).is_empty() {
        assert!(start.elapsed() < common::HANG, "the synth never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, sig) };
    let status = child.wait().unwrap();
    let left = gone(&m, Duration::from_secs(10));
    let orphans = processes_with(&m);
    for pid in &orphans {
        // SAFETY: ours; do not leave them to the machine.
        unsafe { libc::kill(*pid as libc::pid_t, libc::SIGKILL) };
    }
    assert!(left, "signal {sig}: synth processes left: {orphans:?}");
    assert_eq!(status.code(), Some(128 + sig), "signal {sig}: {status:?}");
}

#[test]
fn ctrl_c_sigterm_and_sighup_to_preview_synth_stop_the_synth() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        a_signal_to_preview_synth_stops_the_synth(sig);
    }
}

#[test]
fn a_synth_that_exits_while_a_background_child_holds_its_output_is_done_at_once() {
    // cdk exits 0 with its assembly written, leaving a child that keeps stdout open.
    let manifest = json!({"version": "36.0.0", "artifacts": {}});
    let m = marker();
    let body = format!(
        "#!/bin/sh\ncat > \"$CDK_OUTDIR/manifest.json\" <<'EOF'\n{manifest}\nEOF\n\
         sleep \"$1\" &\nexit 0\n"
    );
    let (dir, script) = app_with_script("synth.sh", &body);
    std::fs::write(
        dir.path().join("pipelens.toml"),
        format!(
            "[synth]\ncommand = [{:?}, {m:?}]\ntimeoutSeconds = 30\n",
            script.to_str().unwrap()
        ),
    )
    .unwrap();
    let start = Instant::now();
    let o = pipelens(&["preview", "--synth", "--format", "json"], dir.path(), &[]);
    let took = start.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        took < Duration::from_secs(25),
        "took {took:?}: waited for the background child"
    );
    assert!(
        gone(&m, Duration::from_secs(10)),
        "the background child was left running: {:?}",
        processes_with(&m)
    );
}

// ---- With the real CDK -------------------------------------------------------------------

fn cdk_tests() -> bool {
    if std::env::var("PIPELENS_CDK_TESTS").as_deref() == Ok("1") {
        return true;
    }
    eprintln!("note: skipped (needs the CDK: run tests/synth-tests, or set PIPELENS_CDK_TESTS=1)");
    false
}

/// A copy of an example in a temp dir (the TypeScript one with the cache's node_modules).
fn example_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join(name);
    let status = Command::new("cp")
        .arg("-R")
        .arg(repo().join("examples").join(name))
        .arg(&work)
        .status()
        .unwrap();
    assert!(status.success());
    let _ = std::fs::remove_dir_all(work.join("cdk.out"));
    if work.join("package.json").is_file() && !work.join("node_modules").exists() {
        let cache = std::env::var("PIPELENS_CACHE").expect("PIPELENS_CACHE (source tests/env.sh)");
        std::os::unix::fs::symlink(
            Path::new(&cache).join("node/node_modules"),
            work.join("node_modules"),
        )
        .unwrap();
    }
    (dir, work)
}

/// No real account is needed or wanted: fake static credentials, no config files.
fn fake_aws(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", "x".into()),
        ("AWS_SECRET_ACCESS_KEY", "x".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_DEFAULT_REGION", "us-east-1".into()),
        (
            "AWS_CONFIG_FILE",
            dir.join("aws-config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("aws-credentials").display().to_string(),
        ),
    ]
}

fn run_cdk(args: &[&str], app: &Path, tmp: &Path) -> Output {
    let env = fake_aws(tmp);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pipelens(args, app, &env)
}

#[test]
fn both_examples_synthesize_to_their_fixtures_with_no_difference() {
    if !cdk_tests() {
        return;
    }
    for name in ["payments-python", "payments-typescript"] {
        let (dir, app) = example_copy(name);
        let start = Instant::now();
        let o = run_cdk(
            &["preview", "--synth", "--format", "json"],
            &app,
            dir.path(),
        );
        eprintln!("{name}: preview --synth in {:?}", start.elapsed());
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let pipelines = v["pipelines"].as_array().unwrap();
        assert_eq!(pipelines.len(), 1, "{name}: {v:#}");
        let p = &pipelines[0];
        assert_eq!(p["origin"], "synthesized");
        assert!(
            p["file"]
                .as_str()
                .unwrap()
                .ends_with(if name.ends_with("python") {
                    "pipeline_stack.py"
                } else {
                    "pipeline-stack.ts"
                }),
            "{name}: {}",
            p["file"]
        );
        assert_eq!(p["differences"], json!([]), "{name}");
        let fixture: Value = serde_json::from_str(
            &std::fs::read_to_string(repo().join(format!("tests/fixtures/synth/{name}.json")))
                .unwrap(),
        )
        .unwrap();
        // Both in the template's order (CDK's own), action by action.
        assert_eq!(as_fixture(p), fixture, "{name}");
        // The text format says so too.
        let o = run_cdk(&["preview", "--synth"], &app, dir.path());
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains("synthesized)") && text.contains("the prediction matches"),
            "{text}"
        );
        assert!(!app.join("cdk.out").exists(), "{name}: cdk.out was written");
    }
}

#[test]
fn an_app_that_raises_fails_with_its_error_and_location() {
    if !cdk_tests() {
        return;
    }
    let (dir, app) = example_copy("payments-python");
    let file = app.join("app.py");
    let mut text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().count() + 1;
    text.push_str("raise ValueError(\"pipelens-test: the account table is empty\")\n");
    std::fs::write(&file, text).unwrap();
    let o = run_cdk(&["preview", "--synth"], &app, dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("ValueError: pipelens-test: the account table is empty"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "app.py:{line}: error: ValueError: pipelens-test: the account table is empty"
        )),
        "{err}"
    );
    assert!(!err.contains("Subprocess exited"), "{err}");
}

#[test]
fn the_language_server_synthesizes_and_shows_the_synthesized_stages() {
    if !cdk_tests() {
        return;
    }
    let (_dir, work) = example_copy("payments-python");
    let tmp = tempfile::tempdir().unwrap();
    let mut builder = common::TestServer::builder(&work);
    for (k, v) in fake_aws(tmp.path()) {
        builder = builder.env(k, &v);
    }
    let mut s = builder.start();
    let file = work.join("payments/pipeline_stack.py");
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    let r = s.request(
        "workspace/executeCommand",
        json!({"command": "pipelens.synth", "arguments": [u]}),
    );
    let p = &r["pipelines"][0];
    assert_eq!(p["origin"], "synthesized", "{r}");
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
    s.wait_for("$/progress", |p| p["value"]["kind"] == "end");
    // Hints and the lens now say the stages are synthesized; nothing differs from the prediction.
    let lenses = s.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
    let title = lenses[0]["command"]["title"].as_str().unwrap();
    assert!(title.contains("(synthesized"), "{title}");
    let hints = s.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": u}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 200, "character": 0}}}),
    );
    assert!(
        hints
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["label"] == "⟶ Dev: 2 stacks"
                && h["tooltip"].as_str().unwrap().contains("synthesized")),
        "{hints}"
    );
    // The synth's publishes come before its answer, and only where diagnostics changed: none
    // of them (if any) says the synth differs.
    let published: Vec<&Value> = s
        .notifications
        .iter()
        .filter(|n| {
            n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == u.as_str()
        })
        .collect();
    assert!(
        published.iter().all(|p| p["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "synth-differs")),
        "{published:?}"
    );
    let status = s.request("pipelens/synthStatus", json!({"textDocument": {"uri": u}}));
    assert_eq!(status["state"], "synthesized", "{status}");
    assert!(
        !work.join("cdk.out").exists(),
        "the user's cdk.out is untouched"
    );
}

/// A Python app's synth runs with the app's `.venv` activated (its `bin` first on PATH,
/// `VIRTUAL_ENV` set), and a missing `aws_cdk` says which Python ran and how to pick another.
#[test]
fn a_python_apps_synth_runs_in_its_venv_and_a_missing_aws_cdk_says_which_python() {
    let body = "#!/bin/sh\necho 'Traceback (most recent call last):' >&2\necho '  File \"app.py\", line 1, in <module>' >&2\necho '    import aws_cdk' >&2\necho \"ModuleNotFoundError: No module named 'aws_cdk' (venv=$VIRTUAL_ENV, python=$(command -v python3))\" >&2\nexit 1\n";
    let (dir, script) = app_with_script("synth.sh", body);
    std::fs::write(dir.path().join("cdk.json"), r#"{"app": "python3 app.py"}"#).unwrap();
    let venv = dir.path().join(".venv");
    std::fs::create_dir_all(venv.join("bin")).unwrap();
    common::write_script(&venv.join("bin/python3"), "#!/bin/sh\nexit 0\n");
    std::fs::write(venv.join("pyvenv.cfg"), "home = /usr/bin\n").unwrap();
    std::fs::write(
        dir.path().join("pipelens.toml"),
        format!("[synth]\ncommand = [{:?}]\n", script.to_str().unwrap()),
    )
    .unwrap();
    let o = pipelens(&["preview", "--synth"], dir.path(), &[]);
    let err = stderr(&o);
    assert_ne!(o.status.code(), Some(0), "{err}");
    let venv = venv.display().to_string();
    assert!(
        err.contains(&format!("venv={venv}, python={venv}/bin/python3")),
        "the app's .venv is activated: {err}"
    );
    assert!(
        err.contains(&format!(
            "The app ran with {venv}/bin/python3 (from the app's .venv folder)"
        )) && err.contains("synth.python"),
        "{err}"
    );

    // The interpreter chosen for the workspace folder holding the app (a multi-root VS Code
    // window sends one per folder) comes before the app's .venv.
    let chosen = dir.path().join("chosen");
    std::fs::create_dir_all(chosen.join("bin")).unwrap();
    common::write_script(&chosen.join("bin/python3"), "#!/bin/sh\nexit 0\n");
    std::fs::write(chosen.join("pyvenv.cfg"), "home = /usr/bin\n").unwrap();
    let folder = dir.path().display().to_string();
    std::fs::write(
        dir.path().join("pipelens.toml"),
        format!(
            "[synth]\ncommand = [{:?}]\n\n[synth.pythonByFolder]\n{folder:?} = {:?}\n",
            script.to_str().unwrap(),
            chosen.join("bin/python3").to_str().unwrap()
        ),
    )
    .unwrap();
    let o = pipelens(&["preview", "--synth"], dir.path(), &[]);
    let err = stderr(&o);
    let chosen = chosen.display().to_string();
    assert!(
        err.contains(&format!("venv={chosen}, python={chosen}/bin/python3")),
        "the folder's interpreter is activated: {err}"
    );
    assert!(
        err.contains(&format!(
            "The app ran with {chosen}/bin/python3 (from the interpreter chosen for {folder} \
             (synth.pythonByFolder))"
        )),
        "{err}"
    );
}

/// A Java app's synth runs what its cdk.json says (`mvn -e -q compile exec:java`), through the
/// real cdk and the real Maven. Maven cannot fetch the CDK's Java libraries here (no Maven
/// repository is reachable from the test machines), so the synth fails: pipelens says
/// Maven's own first error, which Maven prints on stdout while cdk's stderr holds only
/// "Subprocess exited", not an empty message.
#[test]
fn a_java_apps_synth_runs_maven_and_says_its_error() {
    if !cdk_tests() {
        return;
    }
    let (dir, app) = example_copy("payments-java");
    // What Maven itself says first, run as cdk.json's `app` runs it.
    let mvn = Command::new("mvn")
        .args(["-e", "-q", "compile", "exec:java"])
        .current_dir(&app)
        .env("MAVEN_OPTS", "-Djansi.passthrough=false")
        .output()
        .expect("mvn on PATH (a JDK and Maven come with the test machine)");
    let mvn_out = String::from_utf8_lossy(&mvn.stdout).into_owned();
    let first_error = mvn_out
        .lines()
        .map(|l| {
            regex::Regex::new(r"\x1b\[[0-9;]*m")
                .unwrap()
                .replace_all(l, "")
                .into_owned()
        })
        .find_map(|l| l.strip_prefix("[ERROR] ").map(str::to_string))
        .unwrap_or_else(|| panic!("Maven printed no error: {mvn_out}"));
    let o = run_cdk(&["preview", "--synth"], &app, dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("cdk synth failed"), "{err}");
    assert!(
        err.contains(first_error.trim()),
        "{first_error}\n---\n{err}"
    );
    assert!(!err.contains("Subprocess exited"), "{err}");
}
