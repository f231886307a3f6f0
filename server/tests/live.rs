//! The live pipeline against a real moto server, behind tests/live-state-server.py
//! (`tests/moto-tests` starts both and sets `PIPELENS_LIVE_ENDPOINT`). Without them every test
//! here prints a note and passes, so plain `cargo test` stays Rust-only.
//!
//! Each example's pipeline is created in moto (in the pipeline account, through an assumed
//! role: moto separates accounts by credentials) from the stages and actions the real `cdk
//! synth` generated for it (tests/fixtures/synth/<example>.json), executions are started in
//! moto, and what moto lacks (GetPipelineState, the executions' revisions, a stack's pipeline
//! resource) is seeded into the test server in the shapes the AWS API reference documents. Then
//! `pipelens status` runs as a user would, in a copy of the example that is a git repository.

#[path = "common/aws.rs"]
mod aws_common;
mod common;

use std::path::Path;
use std::process::Command;

use aws_common::{base_config, json_of, moto_env, pipelens};
use aws_config::SdkConfig;
use aws_sdk_codepipeline::types::{
    ActionCategory, ActionDeclaration, ActionOwner, ActionTypeId, ArtifactStore, ArtifactStoreType,
    PipelineDeclaration, StageDeclaration,
};
use common::TestServer;
use serde_json::{json, Value};

/// The endpoint pipelens talks to (the test server in front of moto), or `None` (and a note).
fn endpoint(test: &str) -> Option<String> {
    aws_common::endpoint("PIPELENS_LIVE_ENDPOINT", test)
}

/// The examples' pipeline account.
const PIPELINE_ACCOUNT: &str = "999999999999";

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}
/// Config acting in `account` (moto: through an assumed role).
async fn config_in(base: &SdkConfig, account: &str) -> SdkConfig {
    aws_common::acting_in(base, account, "seed").await
}

fn category(kind: &str) -> (ActionCategory, &'static str) {
    match kind {
        "source" => (ActionCategory::Source, "CodeStarSourceConnection"),
        "approval" => (ActionCategory::Approval, "Manual"),
        "prepare" | "deploy" => (ActionCategory::Deploy, "CloudFormation"),
        _ => (ActionCategory::Build, "CodeBuild"),
    }
}

/// Creates pipeline `name` in moto from a synth fixture's stages, leaving out `skip`, and
/// starts `runs` executions (their ids, oldest first). A role CodePipeline may assume comes
/// first (moto checks it), made by a CloudFormation stack.
fn deploy(endpoint: &str, fixture: &Value, name: &str, skip: &[&str], runs: usize) -> Vec<String> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let base = base_config(endpoint).await;
        let cfg = config_in(&base, PIPELINE_ACCOUNT).await;
        let role = format!("{name}-role");
        let template = json!({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": role,
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "sts:AssumeRole",
                "Principal": {"Service": "codepipeline.amazonaws.com"}}]}}}}});
        aws_sdk_cloudformation::Client::new(&cfg)
            .create_stack()
            .stack_name(format!("{name}-role"))
            .template_body(template.to_string())
            .send()
            .await
            .expect("moto CreateStack (role)");
        let mut stages = Vec::new();
        for s in fixture["stages"].as_array().unwrap() {
            let stage_name = s["name"].as_str().unwrap();
            if skip.contains(&stage_name) {
                continue;
            }
            let mut decl = StageDeclaration::builder().name(stage_name);
            for a in s["actions"].as_array().unwrap() {
                let (cat, provider) = category(a["kind"].as_str().unwrap());
                decl = decl.actions(
                    ActionDeclaration::builder()
                        .name(a["name"].as_str().unwrap())
                        .run_order(a["runOrder"].as_i64().unwrap() as i32)
                        .action_type_id(
                            ActionTypeId::builder()
                                .category(cat)
                                .owner(ActionOwner::Aws)
                                .provider(provider)
                                .version("1")
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap(),
                );
            }
            stages.push(decl.build().unwrap());
        }
        let cp = aws_sdk_codepipeline::Client::new(&cfg);
        cp.create_pipeline()
            .pipeline(
                PipelineDeclaration::builder()
                    .name(name)
                    .role_arn(format!("arn:aws:iam::{PIPELINE_ACCOUNT}:role/{role}"))
                    .artifact_store(
                        ArtifactStore::builder()
                            .r#type(ArtifactStoreType::S3)
                            .location("artifacts")
                            .build()
                            .unwrap(),
                    )
                    .set_stages(Some(stages))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .expect("moto CreatePipeline");
        let mut ids = Vec::new();
        for _ in 0..runs {
            let out = cp
                .start_pipeline_execution()
                .name(name)
                .send()
                .await
                .expect("moto StartPipelineExecution");
            ids.push(out.pipeline_execution_id().unwrap().to_string());
        }
        ids
    })
}

/// Seeds the test server (merged into what it has).
fn seed(endpoint: &str, doc: Value) {
    let url = format!("{endpoint}/_seed");
    let out = Command::new("curl")
        .args(["-sf", "-X", "POST", "--data-binary", "@-", &url])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(doc.to_string().as_bytes())?;
            child.wait()
        })
        .expect("curl");
    assert!(out.success(), "seeding the test server failed");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ada Example")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada Example")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A copy of an example that is a git repository with two commits; (dir, old, head).
fn example_repo(example: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let src = repo_root().join("examples").join(example);
    let out = Command::new("cp")
        .arg("-r")
        .arg(format!("{}/.", src.display()))
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "First pipeline"]);
    let old = git(dir.path(), &["rev-parse", "HEAD"]);
    std::fs::write(dir.path().join("NOTES.md"), "notes\n").unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "Fix the fee rounding"]);
    let head = git(dir.path(), &["rev-parse", "HEAD"]);
    (dir, old, head)
}
/// [`aws_env`] with credentials that act in the pipeline account (moto: an assumed role's), as
/// an approver's would.
fn pipeline_account_env(endpoint: &str, home: &Path) -> Vec<(&'static str, String)> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let c = rt.block_on(async {
        let base = base_config(endpoint).await;
        let out = aws_sdk_sts::Client::new(&base)
            .assume_role()
            .role_arn(format!("arn:aws:iam::{PIPELINE_ACCOUNT}:role/approver"))
            .role_session_name("approver")
            .send()
            .await
            .expect("moto AssumeRole");
        out.credentials().unwrap().clone()
    });
    let mut env = moto_env(endpoint, home);
    env.retain(|(k, _)| !k.starts_with("AWS_ACCESS_KEY_ID") && !k.starts_with("AWS_SECRET"));
    env.push(("AWS_ACCESS_KEY_ID", c.access_key_id().to_string()));
    env.push(("AWS_SECRET_ACCESS_KEY", c.secret_access_key().to_string()));
    env.push(("AWS_SESSION_TOKEN", c.session_token().to_string()));
    env
}
fn stage<'a>(p: &'a Value, name: &str) -> &'a Value {
    p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stage {name} in {p:#}"))
}

/// A stage's state as GetPipelineState gives it.
fn stage_state(name: &str, execution: &str, status: &str, actions: Vec<Value>) -> Value {
    json!({
        "stageName": name,
        "inboundTransitionState": {"enabled": true},
        "actionStates": actions,
        "latestExecution": {"pipelineExecutionId": execution, "status": status},
    })
}

fn action_state(name: &str, status: &str, at: i64, extra: Value) -> Value {
    let mut latest = json!({"status": status, "lastStatusChange": at});
    if let (Some(l), Some(e)) = (latest.as_object_mut(), extra.as_object()) {
        l.extend(e.clone());
    }
    json!({"actionName": name, "latestExecution": latest})
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// An example deployed into moto without its Staging stage, in a git clone of two commits:
/// Source to Dev ran HEAD; Prod waits for its approval with the first commit.
struct Deployed {
    dir: tempfile::TempDir,
    name: String,
    old: String,
    head: String,
}

fn deployed_example(endpoint: &str, example: &str, pipeline_name: &str, tag: &str) -> Deployed {
    let endpoint = endpoint.to_string();
    // One pipeline name per example: moto keeps what an earlier example created.
    let name = format!(
        "{pipeline_name}-{}{tag}",
        example.trim_start_matches("payments-")
    );
    let (dir, old, head) = example_repo(example);
    // The code's pipeline_name is the deployed name.
    for file in ["payments/pipeline_stack.py", "lib/pipeline-stack.ts"] {
        let path = dir.path().join(file);
        if let Ok(text) = std::fs::read_to_string(&path) {
            let text = text
                .replace(
                    "pipeline_name=\"payments\"",
                    &format!("pipeline_name=\"{name}\""),
                )
                .replace(
                    "pipelineName: 'payments'",
                    &format!("pipelineName: '{name}'"),
                );
            std::fs::write(&path, text).unwrap();
        }
    }
    git(dir.path(), &["commit", "-q", "-am", "Name the pipeline"]);
    let head = {
        let _ = head;
        git(dir.path(), &["rev-parse", "HEAD"])
    };
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join(format!("tests/fixtures/synth/{example}.json")))
            .unwrap(),
    )
    .unwrap();
    let ids = deploy(&endpoint, &fixture, &name, &["Staging"], 2);
    let (first, latest) = (&ids[0], &ids[1]);
    let t = now();
    let source = |id: &str, msg: &str| {
        json!([{"actionName": "acme_payments", "revisionId": id,
                "revisionSummary": json!({"ProviderType": "GitHub", "CommitMessage": msg}).to_string(),
                "revisionUrl": format!("https://github.com/acme/payments/commit/{id}")}])
    };
    seed(
        &endpoint,
        json!({
            "revisions": {first: source(&old, "First pipeline"), latest: source(&head, "Name the pipeline")},
            "pipelineStates": {name.clone(): {
                "pipelineName": name, "pipelineVersion": 1, "created": t - 86_400, "updated": t - 86_400,
                "stageStates": [
                    stage_state("Source", latest, "Succeeded", vec![
                        action_state("acme_payments", "Succeeded", t - 7_200, json!({}))]),
                    stage_state("Build", latest, "Succeeded", vec![
                        action_state("Synth", "Succeeded", t - 7_000, json!({}))]),
                    stage_state("UpdatePipeline", latest, "Succeeded", vec![
                        action_state("SelfMutate", "Succeeded", t - 6_900, json!({}))]),
                    stage_state("Dev", latest, "Succeeded", vec![
                        action_state("Api.Deploy", "Succeeded", t - 6_000, json!({}))]),
                    stage_state("Prod", first, "InProgress", vec![
                        action_state("PromoteToProd", "InProgress", t - 1_500, json!({"token": format!("token-{name}")}))]),
                ],
            }},
        }),
    );
    Deployed {
        dir,
        name,
        old,
        head,
    }
}

/// Both examples, deployed into moto without their Staging stage: each stage's status and
/// the commit it ran (with its author from the clone), the approval waiting before Prod, where
/// HEAD is, and the Staging stage the code adds, in json and as a table.
#[test]
fn both_examples_show_which_commit_is_where_and_what_waits() {
    let Some(endpoint) = endpoint("both_examples_show_which_commit_is_where_and_what_waits") else {
        return;
    };
    for (example, pipeline_name) in [
        ("payments-python", "payments"),
        ("payments-typescript", "payments"),
    ] {
        let Deployed {
            dir,
            name,
            old,
            head,
        } = deployed_example(&endpoint, example, pipeline_name, "");
        let home = tempfile::tempdir().unwrap();
        let env = moto_env(&endpoint, home.path());
        let started = std::time::Instant::now();
        let out = pipelens(&["status", ".", "--format", "json"], dir.path(), &env);
        // Not a bound: the figure for benches/README (moto on loopback).
        eprintln!("{example}: pipelens status: {:?}", started.elapsed());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{example}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc = json_of(&out);
        let p = &doc["pipelines"][0];
        assert_eq!(p["deployed"], true, "{example}: {p:#}");
        assert_eq!(p["name"], name.as_str());
        assert_eq!(p["account"], PIPELINE_ACCOUNT);
        assert!(p["console"]
            .as_str()
            .unwrap()
            .contains(&format!("/pipelines/{name}/view")));
        let src = stage(p, "Source");
        assert_eq!(src["status"], "succeeded", "{example}: {src:#}");
        assert_eq!(src["revisions"][0]["commit"], head.as_str());
        assert_eq!(src["revisions"][0]["summary"], "Name the pipeline");
        assert_eq!(src["revisions"][0]["author"], "Ada Example");
        assert_eq!(stage(p, "Dev")["status"], "succeeded");
        let prod = stage(p, "Prod");
        assert_eq!(prod["status"], "waiting", "{example}: {prod:#}");
        assert_eq!(prod["waiting"][0]["action"], "PromoteToProd");
        assert_eq!(prod["revisions"][0]["commit"], old.as_str());
        assert!(prod.get("token").is_none() && !prod.to_string().contains("token-"));
        assert_eq!(stage(p, "Staging")["status"], "not-deployed");
        let drift: Vec<&Value> = p["drift"].as_array().unwrap().iter().collect();
        assert!(
            drift
                .iter()
                .any(|d| d["kind"] == "stage-not-deployed" && d["stage"] == "Staging"),
            "{example}: {drift:#?}"
        );
        assert!(drift.iter().all(|d| d["stage"] != "Prod"), "{drift:#?}");
        let short = &head[..7];
        assert_eq!(
            p["head"]["where"],
            format!("HEAD {short} is in Source, Build, UpdatePipeline, Dev").as_str()
        );

        let out = pipelens(&["status", "."], dir.path(), &env);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{text}");
        for want in [
            format!("{name} in aws://{PIPELINE_ACCOUNT}/us-east-1"),
            "⏸ waiting".to_string(),
            "approval PromoteToProd waiting 25 min".to_string(),
            "+ not-deployed".to_string(),
            "drift: stage Staging is not deployed yet".to_string(),
        ] {
            assert!(text.contains(&want), "{example}: no {want:?} in\n{text}");
        }
        let source_row = text
            .lines()
            .find(|l| l.trim_start().starts_with("Source "))
            .unwrap_or_default();
        assert!(
            source_row.contains("✓ succeeded")
                && source_row.contains(&format!("{short} Name the pipeline (Ada Example)")),
            "{example}: {source_row}"
        );
        eprintln!("{example}:\n{text}");
    }
}

/// A failed stage: its action and summary, and exit 1.
#[test]
fn a_failed_stage_says_which_action_and_why_and_exits_1() {
    let Some(endpoint) = endpoint("a_failed_stage_says_which_action_and_why_and_exits_1") else {
        return;
    };
    let name = "payments-failed";
    let (dir, _old, head) = example_repo("payments-python");
    let path = dir.path().join("payments/pipeline_stack.py");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "pipeline_name=\"payments\"",
        &format!("pipeline_name=\"{name}\""),
    );
    std::fs::write(&path, text).unwrap();
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/fixtures/synth/payments-python.json"))
            .unwrap(),
    )
    .unwrap();
    let ids = deploy(&endpoint, &fixture, name, &[], 1);
    let t = now();
    seed(
        &endpoint,
        json!({
            "pipelineStates": {name: {"pipelineName": name, "stageStates": [
                stage_state("Source", &ids[0], "Succeeded", vec![json!({
                    "actionName": "acme_payments",
                    "currentRevision": {"revisionId": head},
                    "latestExecution": {"status": "Succeeded", "lastStatusChange": t - 600}})]),
                stage_state("Dev", &ids[0], "Failed", vec![action_state("Api.Deploy", "Failed", t - 60, json!({
                    "errorDetails": {"code": "JobFailed", "message": "Resource handler returned message: \"Bucket exists\""},
                    "externalExecutionUrl": "https://console.aws.amazon.com/cloudformation/x"}))]),
                {"stageName": "Staging", "inboundTransitionState": {"enabled": false, "disabledReason": "freeze"}, "actionStates": []},
            ]}},
        }),
    );
    let home = tempfile::tempdir().unwrap();
    let env = moto_env(&endpoint, home.path());
    let out = pipelens(&["status", ".", "--format", "json"], dir.path(), &env);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_of(&out);
    let p = &doc["pipelines"][0];
    // moto's execution has no revisions: the Source action's current revision says it.
    assert_eq!(stage(p, "Source")["revisions"][0]["commit"], head.as_str());
    let dev = stage(p, "Dev");
    assert_eq!(dev["status"], "failed");
    assert_eq!(dev["failed"][0]["action"], "Api.Deploy");
    assert!(dev["failed"][0]["summary"]
        .as_str()
        .unwrap()
        .contains("Bucket exists"));
    // moto's execution has no revisions and neither does the state: unknown, not invented.
    assert_eq!(dev["revisions"], json!([]));
    assert_eq!(stage(p, "Staging")["transitionDisabled"], "freeze");
    assert_eq!(stage(p, "Staging")["status"], "not-run");
    let out = pipelens(&["status", "."], dir.path(), &env);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("✗ failed"), "{text}");
    assert!(
        text.contains("Api.Deploy failed: Resource handler"),
        "{text}"
    );
    assert!(text.contains("transition disabled: freeze"), "{text}");
}

/// Without pipeline_name the pipeline is the pipeline resource of the stack CDK names after
/// the app's stack id; a stack that is not there, or a pipeline that is not, is "not found"
/// with where pipelens looked.
#[test]
fn a_pipeline_without_a_name_is_found_through_its_stack() {
    let Some(endpoint) = endpoint("a_pipeline_without_a_name_is_found_through_its_stack") else {
        return;
    };
    let (dir, _old, _head) = example_repo("payments-python");
    let path = dir.path().join("payments/pipeline_stack.py");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("pipeline_name=\"payments\",", "");
    std::fs::write(&path, text).unwrap();
    let home = tempfile::tempdir().unwrap();
    let env = moto_env(&endpoint, home.path());
    // Not deployed yet: no such stack in moto.
    let out = pipelens(&["status", ".", "--format", "json"], dir.path(), &env);
    let doc = json_of(&out);
    let p = &doc["pipelines"][0];
    assert_eq!(p["deployed"], false, "{p:#}");
    assert_eq!(p["status"], "not-found");
    assert!(
        p["reason"]
            .as_str()
            .unwrap()
            .contains("no stack PaymentsPipeline in aws://999999999999/us-east-1"),
        "{p:#}"
    );
    assert_eq!(out.status.code(), Some(0));

    let physical = "PaymentsPipeline-Pipeline9850B417-1A2B3C4D5E6F";
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/fixtures/synth/payments-python.json"))
            .unwrap(),
    )
    .unwrap();
    deploy(&endpoint, &fixture, physical, &[], 0);
    let summary = |logical: &str, ty: &str, physical: &str| {
        json!({"LogicalResourceId": logical, "PhysicalResourceId": physical, "ResourceType": ty,
               "LastUpdatedTimestamp": "2026-11-30T10:00:00Z", "ResourceStatus": "CREATE_COMPLETE"})
    };
    seed(
        &endpoint,
        json!({
            "stackResources": {"PaymentsPipeline": [
                summary("PipelineRoleB27FAA37", "AWS::IAM::Role", "PaymentsPipeline-PipelineRole"),
                summary("Pipeline9850B417", "AWS::CodePipeline::Pipeline", physical),
                summary("PipelineUpdatePipelineSelfMutation", "AWS::CodeBuild::Project", "x"),
            ]},
            "pipelineStates": {physical: {"pipelineName": physical, "stageStates": []}},
        }),
    );
    let out = pipelens(&["status", ".", "--format", "json"], dir.path(), &env);
    let doc = json_of(&out);
    let p = &doc["pipelines"][0];
    assert_eq!(p["deployed"], true, "{p:#}");
    assert_eq!(p["name"], physical);
    assert_eq!(p["lookedFor"]["stack"], "PaymentsPipeline");
    assert_eq!(stage(p, "Dev")["status"], "not-run");

    // Where it was found is kept (like the bootstrap answers): the next run asks no
    // CloudFormation, even when the stack now lists no pipeline; --refresh asks again.
    seed(
        &endpoint,
        json!({"stackResources": {"PaymentsPipeline": []}}),
    );
    let out = pipelens(&["status", ".", "--format", "json"], dir.path(), &env);
    let p = &json_of(&out)["pipelines"][0];
    assert_eq!(p["name"], physical, "{p:#}");
    let out = pipelens(
        &["status", ".", "--format", "json", "--refresh"],
        dir.path(),
        &env,
    );
    let p = &json_of(&out)["pipelines"][0];
    assert_eq!(p["status"], "not-found", "{p:#}");
    assert!(
        p["reason"]
            .as_str()
            .unwrap()
            .contains("has no pipeline resource"),
        "{p:#}"
    );
}

/// No credentials: one reason, exit 0; a pipeline not deployed: where pipelens looked.
#[test]
fn no_credentials_or_no_pipeline_is_said_not_guessed() {
    let Some(endpoint) = endpoint("no_credentials_or_no_pipeline_is_said_not_guessed") else {
        return;
    };
    let (dir, _old, _head) = example_repo("payments-typescript");
    let path = dir.path().join("lib/pipeline-stack.ts");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("pipelineName: 'payments'", "pipelineName: 'never-deployed'");
    std::fs::write(&path, text).unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = pipelens(
        &["status", ".", "--format", "json"],
        dir.path(),
        &[
            ("HOME", home.path().display().to_string()),
            ("AWS_ENDPOINT_URL", endpoint.clone()),
            ("AWS_REGION", "us-east-1".into()),
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let p = &json_of(&out)["pipelines"][0];
    assert_eq!(p["status"], "unknown");
    assert!(
        p["reason"].as_str().unwrap().contains("no AWS credentials"),
        "{p:#}"
    );

    let out = pipelens(
        &["status", ".", "--format", "json"],
        dir.path(),
        &moto_env(&endpoint, home.path()),
    );
    let p = &json_of(&out)["pipelines"][0];
    assert_eq!(p["status"], "not-found", "{p:#}");
    assert_eq!(
        p["reason"],
        "no pipeline never-deployed in aws://999999999999/us-east-1"
    );
}

/// An endpoint that accepts and never answers: unknown, with a reason, within the deadline.
#[test]
fn a_silent_endpoint_is_unknown_not_a_hang() {
    if endpoint("a_silent_endpoint_is_unknown_not_a_hang").is_none() {
        return;
    }
    let (dir, _old, _head) = example_repo("payments-python");
    let home = tempfile::tempdir().unwrap();
    let silent = common::silent_endpoint();
    let start = std::time::Instant::now();
    let out = pipelens(
        &["status", ".", "--format", "json"],
        dir.path(),
        &moto_env(&silent, home.path()),
    );
    // A bound for a hang (the client's deadline is 20 s), not a measure of speed.
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
    let p = &json_of(&out)["pipelines"][0];
    assert_eq!(p["status"], "unknown", "{p:#}");
    assert!(p["reason"].as_str().unwrap().contains("timed out"), "{p:#}");
}

/// The editor: lenses above the pipeline (which commit is where, opening the console) and
/// above each stage (its status), an information diagnostic on the stage the code adds, and
/// `pipelens.refreshLive`; in both examples. An untrusted workspace reads nothing.
#[test]
fn the_editor_shows_each_stage_live_and_the_drift() {
    let Some(endpoint) = endpoint("the_editor_shows_each_stage_live_and_the_drift") else {
        return;
    };
    for (example, file, language) in [
        ("payments-python", "payments/pipeline_stack.py", "python"),
        ("payments-typescript", "lib/pipeline-stack.ts", "typescript"),
    ] {
        let d = deployed_example(&endpoint, example, "payments", "-editor");
        let home = tempfile::tempdir().unwrap();
        // An approver's credentials, in the pipeline account.
        let mut b = TestServer::builder(d.dir.path()).clear_env();
        for (k, v) in pipeline_account_env(&endpoint, home.path()) {
            b = b.env(k, &v);
        }
        let mut s = b.start();
        let path = d.dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let opened = std::time::Instant::now();
        let u = s.open(&path, language);
        let p = s.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == u.as_str()
                && p["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["code"] == "pipeline-drift"))
        });
        // Not a bound: the figure for benches/README (moto on loopback).
        eprintln!(
            "{example}: open to live state (cold server): {:?}",
            opened.elapsed()
        );
        let drift: Vec<&Value> = p["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "pipeline-drift")
            .collect();
        assert_eq!(drift.len(), 1, "{example}: {drift:#?}");
        assert_eq!(drift[0]["severity"], 3);
        // On the first line of the call that adds Staging to the pipeline.
        let lines: Vec<&str> = text.lines().collect();
        let (start, end) = (
            drift[0]["range"]["start"]["line"].as_u64().unwrap() as usize,
            drift[0]["range"]["end"]["line"].as_u64().unwrap() as usize,
        );
        assert_eq!(start, end, "{example}: {drift:#?}");
        let call = lines[start..(start + 2).min(lines.len())].join("\n");
        assert!(
            (lines[start].contains("add_stage(") || lines[start].contains("addStage("))
                && call.contains("staging"),
            "{example}: {call}"
        );
        assert!(drift[0]["message"]
            .as_str()
            .unwrap()
            .contains("stage Staging is not deployed yet"));

        let lenses = s.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
        let titles: Vec<String> = lenses
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                l["command"]["title"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        let short = &d.head[..7];
        let want = [
            format!(
                "live: {} · HEAD {short} is in Source, Build, UpdatePipeline, Dev",
                d.name
            ),
            format!("Dev: ✓ {short} · 1 h ago"),
            "Staging: + not deployed yet: the next run's UpdatePipeline adds it".to_string(),
            "Prod: ⏸ approval PromoteToProd waiting 25 min".to_string(),
        ];
        for w in &want {
            assert!(
                titles.contains(w),
                "{example}: no lens {w:?} in {titles:#?}"
            );
        }
        let live_lens = lenses
            .as_array()
            .unwrap()
            .iter()
            .find(|l| {
                l["command"]["title"]
                    .as_str()
                    .unwrap()
                    .starts_with("live: ")
            })
            .unwrap();
        assert_eq!(live_lens["command"]["command"], "pipelens.openLink");
        assert!(live_lens["command"]["arguments"][0]
            .as_str()
            .unwrap()
            .contains(&format!("/pipelines/{}/view", d.name)));
        // The graph's answer carries each stage's deployed status (VS Code colours them).
        let g = s.request(
            "pipelens/pipelineGraph",
            json!({"textDocument": {"uri": u}}),
        );
        let live = &g["pipelines"][0]["live"];
        assert_eq!(live["name"], d.name.as_str(), "{example}: {live:#}");
        assert_eq!(live["stages"]["Prod"]["status"], "waiting");
        assert_eq!(live["stages"]["Staging"]["status"], "not-deployed");
        assert_eq!(live["stages"]["Dev"]["status"], "succeeded");
        // Hover on the Prod stage: what waits, the commit, links.
        let quote = if language == "python" { "\"" } else { "'" };
        let (line, col) = common::find(&text, &format!("{quote}ProdUsEast1{quote}"), false);
        let h = s.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": {"line": line, "character": col + 2}}),
        );
        let md = h["contents"]["value"].as_str().unwrap_or_default();
        for want in [
            format!("**Deployed** — `{}`", d.name),
            "Waiting: approval `PromoteToProd` for 25 min".to_string(),
            format!("Commit `{}` First pipeline — Ada Example", &d.old[..7]),
            format!("[Open the pipeline in the console](https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/{}/view?region=us-east-1)", d.name),
        ] {
            assert!(md.contains(&want), "{example}: no {want:?} in hover\n{md}");
        }
        // On the approval step: open it in the console, or approve it after the editor asks.
        let (line, _) = common::find(&text, "PromoteToProd", false);
        let actions = s.request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": u},
                "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
                "context": {"diagnostics": []},
            }),
        );
        let titles: Vec<&str> = actions
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap())
            .collect();
        assert!(
            titles.iter().any(|t| t.starts_with("Open approval PromoteToProd in the AWS console (waiting 2")),
            "{example}: {titles:?}"
        );
        let decide = actions
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"] == "Approve or reject PromoteToProd…")
            .unwrap_or_else(|| panic!("{example}: {titles:?}"));
        assert_eq!(decide["command"]["command"], "pipelens.decideApproval");
        let mut answer = decide["command"]["arguments"][1].clone();
        assert_eq!(answer["stage"], "Prod");
        // A client that cannot ask is told to use the console; no summary decides nothing.
        let e = s.raw_request("workspace/executeCommand", json!({"command": "pipelens.decideApproval", "arguments": decide["command"]["arguments"]}));
        assert!(
            e["error"]["message"].as_str().unwrap().contains("console"),
            "{e}"
        );
        answer["approve"] = json!(true);
        answer["summary"] = json!("");
        let e = s.raw_request(
            "workspace/executeCommand",
            json!({"command": "pipelens.approve", "arguments": [u, answer]}),
        );
        assert!(
            e["error"]["message"].as_str().unwrap().contains("summary"),
            "{e}"
        );
        answer["summary"] = json!("Staging looked fine");
        let r = s.request(
            "workspace/executeCommand",
            json!({"command": "pipelens.approve", "arguments": [u, answer]}),
        );
        assert_eq!(r["decided"], "approved", "{r}");
        let recorded: Value = serde_json::from_slice(
            &Command::new("curl")
                .args(["-sf", &format!("{endpoint}/_approvals")])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        let put = &recorded[format!("token-{}", d.name)];
        assert_eq!(put["pipelineName"], d.name.as_str(), "{recorded:#}");
        assert_eq!(put["stageName"], "Prod");
        assert_eq!(put["actionName"], "PromoteToProd");
        assert_eq!(
            put["result"],
            json!({"summary": "Staging looked fine", "status": "Approved"})
        );

        let refreshed = std::time::Instant::now();
        let r = s.request(
            "workspace/executeCommand",
            json!({"command": "pipelens.refreshLive", "arguments": []}),
        );
        assert_eq!(r["read"], 1, "{r}");
        eprintln!(
            "{example}: pipelens.refreshLive (warm server): {:?}",
            refreshed.elapsed()
        );
        s.shutdown();

        // Credentials of another account read through the pipeline account's lookup role, which
        // may not approve: pipelens says to approve in that account rather than try.
        if language == "python" {
            let mut b = TestServer::builder(d.dir.path()).clear_env();
            for (k, v) in moto_env(&endpoint, home.path()) {
                b = b.env(k, &v);
            }
            let mut s = b.start();
            let u = s.open(&path, language);
            s.wait_for("textDocument/publishDiagnostics", |p| {
                p["uri"] == u.as_str() && p.to_string().contains("pipeline-drift")
            });
            let mut answer =
                json!({"pipeline": d.name, "stage": "Prod", "action": "PromoteToProd"});
            answer["approve"] = json!(false);
            answer["summary"] = json!("no");
            let e = s.raw_request(
                "workspace/executeCommand",
                json!({"command": "pipelens.approve", "arguments": [u, answer]}),
            );
            let m = e["error"]["message"].as_str().unwrap_or_default();
            assert!(m.contains("approve it in that account's console"), "{e}");
            s.shutdown();
        }

        // Untrusted: nothing is read, no lens, no drift.
        let mut b = TestServer::builder(d.dir.path()).clear_env().untrusted();
        for (k, v) in moto_env(&endpoint, home.path()) {
            b = b.env(k, &v);
        }
        let mut s = b.start();
        let u = s.open(&path, language);
        let diags = s.diagnostics(&u, 1);
        assert!(diags.iter().all(|d| d["code"] != "pipeline-drift"));
        let lenses = s.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
        assert!(
            !lenses.to_string().contains("live: "),
            "{example}: {lenses:#}"
        );
        s.shutdown();
    }
}

/// A deployed pipeline whose endpoint never answers delays no completion, and its read ends
/// as unknown with a reason (a lens says it) within the client's deadline.
#[test]
fn completion_answers_quickly_while_the_live_read_hangs() {
    if endpoint("completion_answers_quickly_while_the_live_read_hangs").is_none() {
        return;
    }
    let silent = common::silent_endpoint();
    let (dir, _old, _head) = example_repo("payments-python");
    let home = tempfile::tempdir().unwrap();
    // The bootstrap check off: only the live read talks to the silent endpoint.
    let mut b = TestServer::builder(dir.path())
        .clear_env()
        .init_options(json!({"bootstrap": {"check": "off"}}));
    for (k, v) in moto_env(&silent, home.path()) {
        b = b.env(k, &v);
    }
    let mut s = b.start();
    let path = dir.path().join("payments/pipeline_stack.py");
    let text = std::fs::read_to_string(&path).unwrap();
    let u = s.open(&path, "python");
    s.diagnostics(&u, 1);
    let opened = std::time::Instant::now();
    let (line, col) = common::find(&text, "region=\"us-east-1\"", false);
    let at = json!({"line": line, "character": col + "region=\"".len() as u32});
    let lenses = |s: &mut TestServer| -> String {
        s.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}))
            .to_string()
    };
    let max = aws_common::slowest_region_completion(&mut s, &u, &at, "a hanging live read");
    let window = opened.elapsed();
    assert!(
        !lenses(&mut s).contains("live: "),
        "the read ended within {window:?}: this measured nothing"
    );
    assert!(max < std::time::Duration::from_millis(500), "{max:?}");
    // The read ends, unknown with a reason.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let l = lenses(&mut s);
        if l.contains("live: unknown (") {
            assert!(l.contains("timed out"), "{l}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no unknown lens: {l}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    eprintln!(
        "hanging live read answered unknown after {:?}",
        opened.elapsed()
    );
    assert!(s.shutdown().success());
}

/// The editor reads the open documents' pipelines again on its own every
/// `live.refreshSeconds`: an approval given meanwhile (here: in the test server) shows without
/// an edit or a command.
#[test]
fn the_editor_reads_the_pipeline_again_on_its_timer() {
    let Some(endpoint) = endpoint("the_editor_reads_the_pipeline_again_on_its_timer") else {
        return;
    };
    let d = deployed_example(&endpoint, "payments-python", "payments", "-timer");
    let home = tempfile::tempdir().unwrap();
    let mut b = TestServer::builder(d.dir.path())
        .clear_env()
        .init_options(json!({"live": {"refreshSeconds": 10}}));
    for (k, v) in moto_env(&endpoint, home.path()) {
        b = b.env(k, &v);
    }
    let mut s = b.start();
    let path = d.dir.path().join("payments/pipeline_stack.py");
    let u = s.open(&path, "python");
    let lenses = |s: &mut TestServer| -> String {
        s.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}))
            .to_string()
    };
    let waited = std::time::Instant::now();
    while !lenses(&mut s).contains("Prod: ⏸ approval PromoteToProd") {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(60),
            "no Prod lens"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Approved in the console: Prod ran on.
    let t = now();
    seed(
        &endpoint,
        json!({"pipelineStates": {d.name.clone(): {"pipelineName": d.name, "stageStates": [
            stage_state("Prod", "run-after-approval", "Succeeded", vec![
                action_state("PromoteToProd", "Succeeded", t, json!({}))]),
        ]}}}),
    );
    let changed = std::time::Instant::now();
    // A bound for a hang (the timer's 10 s, a read, a busy machine), not a measure.
    loop {
        let l = lenses(&mut s);
        if l.contains("Prod: ✓") {
            break;
        }
        assert!(
            changed.elapsed() < std::time::Duration::from_secs(60),
            "the timer did not read it again: {l}"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    eprintln!(
        "read again by the timer {:?} after the change",
        changed.elapsed()
    );
    s.shutdown();
}
