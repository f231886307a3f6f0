//! The bootstrap probe against a real moto server (`tests/moto-tests` starts one and sets
//! `PIPELENS_MOTO_ENDPOINT`). Without it every test here prints a note and passes, so plain
//! `cargo test` stays Rust-only.
//!
//! moto separates accounts by credentials: assuming `arn:aws:iam::<account>:role/...` gives
//! credentials that act in that account. The tests seed `CDKToolkit` stacks that way, then
//! run the `pipelens` binary as a user would: the CLI (`bootstrap-status`, `check`) and the
//! language server (`serve`, through the `TestServer` harness).

#[path = "common/aws.rs"]
mod aws_common;
mod common;

use std::net::TcpListener;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aws_common::{base_config, json_of, moto_env, pipelens};
use common::{find, silent_endpoint, TestServer};

use aws_config::{Region, SdkConfig};
use aws_sdk_cloudformation::types::Parameter;
use pipelens::aws::{EnvKey, Observation, ProbeOptions, Prober};
use pipelens::trust::Trusted;
use serde_json::{json, Value};

/// The moto endpoint, or `None` (and a note) when the suite runs without moto.
fn endpoint(test: &str) -> Option<String> {
    aws_common::endpoint("PIPELENS_MOTO_ENDPOINT", test)
}

/// moto's default account: what the `testing` credentials are.
const PIPELINE: &str = "123456789012";

const TEMPLATE: &str = r#"{
  "Parameters": {
    "TrustedAccounts": {"Type": "CommaDelimitedList", "Default": ""},
    "Qualifier": {"Type": "String", "Default": "hnb659fds"},
    "Version": {"Type": "String"}
  },
  "Resources": {
    "CdkBootstrapVersion": {
      "Type": "AWS::SSM::Parameter",
      "Properties": {
        "Type": "String",
        "Name": {"Fn::Sub": "/cdk-bootstrap/${Qualifier}/version"},
        "Value": {"Ref": "Version"}
      }
    }
  },
  "Outputs": {"BootstrapVersion": {"Value": {"Ref": "Version"}}}
}"#;
/// Config acting in `account` (moto: through an assumed role) in `region`.
async fn config_in(base: &SdkConfig, account: &str, region: &str) -> SdkConfig {
    let acting = match account == PIPELINE {
        true => base.clone(),
        false => aws_common::acting_in(base, account, "seed").await,
    };
    acting
        .to_builder()
        .region(Region::new(region.to_string()))
        .build()
}

/// Creates a `CDKToolkit` stack of `version`, trusting `trusted`, in `account`/`region`.
async fn bootstrap(base: &SdkConfig, account: &str, region: &str, version: u32, trusted: &[&str]) {
    let cfg = config_in(base, account, region).await;
    let cfn = aws_sdk_cloudformation::Client::new(&cfg);
    let param = |k: &str, v: &str| {
        Parameter::builder()
            .parameter_key(k)
            .parameter_value(v)
            .build()
    };
    let mut req = cfn
        .create_stack()
        .stack_name("CDKToolkit")
        .template_body(TEMPLATE)
        .parameters(param("Version", &version.to_string()));
    if !trusted.is_empty() {
        req = req.parameters(param("TrustedAccounts", &trusted.join(",")));
    }
    req.send().await.expect("moto CreateStack");
}

fn seed(endpoint: &str, envs: &[(&str, &str, u32, &[&str])]) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let base = base_config(endpoint).await;
        for (account, region, version, trusted) in envs {
            bootstrap(&base, account, region, *version, trusted).await;
        }
    });
}

/// A CDK app with one pipeline (in moto's default account, us-east-1) and the given stages
/// (`name`, account, region).
fn app(stages: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cdk.json"),
        r#"{"app": "python3 app.py", "context": {"@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2": true}}"#,
    )
    .unwrap();
    let mut src = format!(
        r#"import aws_cdk as cdk
from aws_cdk import pipelines


class PipelineStack(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id, env=cdk.Environment(account="{PIPELINE}", region="us-east-1"))
        source = pipelines.CodePipelineSource.connection("acme/app", "main", connection_arn="arn:aws:codeconnections:us-east-1:{PIPELINE}:connection/x")
        pipeline = pipelines.CodePipeline(
            self, "Pipeline", cross_account_keys=True,
            synth=pipelines.ShellStep("Synth", input=source, commands=["cdk synth"]),
        )
"#
    );
    for (name, account, region) in stages {
        src.push_str(&format!(
            "        pipeline.add_stage(Workloads(self, \"{name}\", env=cdk.Environment(account=\"{account}\", region=\"{region}\")))\n"
        ));
    }
    // A Stage must create a stack (CDK refuses an empty one: `empty-stage`). Defined after its
    // use, so that the lines and columns the tests expect stay those of the stages above
    // (`Workloads` is as long as `cdk.Stage`).
    src.push_str(
        "\n\nclass Workloads(cdk.Stage):\n    def __init__(self, scope, construct_id, **kwargs):\n        super().__init__(scope, construct_id, **kwargs)\n        cdk.Stack(self, \"Api\")\n",
    );
    std::fs::write(dir.path().join("pipeline.py"), src).unwrap();
    dir
}
fn target<'a>(v: &'a Value, account: &str, region: &str) -> &'a Value {
    v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["account"] == account && t["region"] == region)
        .unwrap_or_else(|| panic!("no target {account}/{region} in {v:#}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

const FINE: &str = "111111111111";
const MISSING: &str = "222222222222";
const UNTRUSTING: &str = "333333333333";
const OLD: &str = "444444444444";

/// Seeds the envs of [`statuses_app`], once per test process (tests run in parallel and share
/// one moto; a second `CreateStack CDKToolkit` in the same env would fail):
/// - `FINE` bootstrapped (v21) and trusting the pipeline in us-east-1 and eu-west-1;
/// - `MISSING` not bootstrapped;
/// - `UNTRUSTING` bootstrapped but trusting only 555555555555;
/// - `OLD` at version 3;
/// - the pipeline account not bootstrapped in eu-west-1 (the support region of `FineEu`).
fn seed_statuses(endpoint: &str) {
    static SEEDED: OnceLock<()> = OnceLock::new();
    SEEDED.get_or_init(|| {
        seed(
            endpoint,
            &[
                (FINE, "us-east-1", 21, &[PIPELINE]),
                (FINE, "eu-west-1", 21, &[PIPELINE, "555555555555"]),
                (UNTRUSTING, "us-east-1", 21, &["555555555555"]),
                (OLD, "us-east-1", 3, &[PIPELINE]),
            ],
        )
    });
}

fn statuses_app() -> tempfile::TempDir {
    app(&[
        ("Fine", FINE, "us-east-1"),
        ("Missing", MISSING, "us-east-1"),
        ("Untrusting", UNTRUSTING, "us-east-1"),
        ("Old", OLD, "us-east-1"),
        ("FineEu", FINE, "eu-west-1"),
        ("Again", FINE, "us-east-1"),
    ])
}

#[test]
fn every_status_through_bootstrap_status_and_check() {
    let Some(ep) = endpoint("every_status_through_bootstrap_status_and_check") else {
        return;
    };
    seed_statuses(&ep);
    let dir = statuses_app();
    let home = tempfile::tempdir().unwrap();
    let env = moto_env(&ep, home.path());

    let o = pipelens(
        &["bootstrap-status", ".", "--format", "json"],
        dir.path(),
        &env,
    );
    let v = json_of(&o);
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    assert_eq!(v["targets"].as_array().unwrap().len(), 6, "{v:#}");
    let keys: Vec<&str> = target(&v, FINE, "us-east-1")
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "account",
        "region",
        "status",
        "version",
        "trustedAccounts",
        "neededBy",
        "fix",
        "reason",
    ] {
        assert!(keys.contains(&k), "{k} missing: {keys:?}");
    }

    let fine = target(&v, FINE, "us-east-1");
    assert_eq!(fine["status"], "bootstrapped");
    assert_eq!(fine["version"], 21);
    assert_eq!(strings(&fine["trustedAccounts"]), vec![PIPELINE]);
    assert_eq!(strings(&fine["neededBy"]), vec!["Fine", "Again"]);
    assert_eq!(fine["fix"], Value::Null);

    let eu = target(&v, FINE, "eu-west-1");
    assert_eq!(eu["status"], "bootstrapped");
    // moto answers a CommaDelimitedList as "['123456789012', '555555555555']".
    assert_eq!(
        strings(&eu["trustedAccounts"]),
        vec![PIPELINE, "555555555555"]
    );

    let missing = target(&v, MISSING, "us-east-1");
    assert_eq!(missing["status"], "not-bootstrapped");
    assert_eq!(missing["version"], Value::Null);
    assert_eq!(
        strings(&missing["fix"]).join(" "),
        format!(
            "cdk bootstrap aws://{MISSING}/us-east-1 --trust {PIPELINE} \
             --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess"
        )
    );

    let untrusting = target(&v, UNTRUSTING, "us-east-1");
    assert_eq!(untrusting["status"], "untrusted");
    assert_eq!(
        strings(&untrusting["fix"]).join(" "),
        format!(
            "cdk bootstrap aws://{UNTRUSTING}/us-east-1 --trust {PIPELINE} --trust 555555555555 \
             --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess"
        ),
        "the fix keeps the trust the env already has"
    );

    let old = target(&v, OLD, "us-east-1");
    assert_eq!(old["status"], "outdated");
    assert_eq!(old["version"], 3);

    let support = target(&v, PIPELINE, "eu-west-1");
    assert_eq!(support["status"], "not-bootstrapped");
    assert_eq!(strings(&support["neededBy"]), vec!["FineEu"]);
    assert_eq!(
        strings(&support["fix"]).join(" "),
        format!(
            "cdk bootstrap aws://{PIPELINE}/eu-west-1 --cloudformation-execution-policies \
             arn:aws:iam::aws:policy/AdministratorAccess"
        )
    );

    // The same, as diagnostics on the stage envs.
    let o = pipelens(&["check", ".", "--format", "json"], dir.path(), &env);
    let v = json_of(&o);
    assert_eq!(o.status.code(), Some(1), "{v:#}");
    let got: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}",
                d["line"],
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            "14:error:unbootstrapped-target",
            "15:error:untrusted-target",
            "16:warning:outdated-bootstrap",
            "17:error:unbootstrapped-support-region",
        ],
        "{v:#}"
    );

    // Text table: aligned columns, one line per env.
    let o = pipelens(&["bootstrap-status"], dir.path(), &env);
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().take(7).collect();
    assert!(
        lines[0].starts_with("ACCOUNT       REGION     STATUS"),
        "{text}"
    );
    let col = lines[0].find("STATUS").unwrap();
    for l in &lines[1..] {
        assert!(
            l.as_bytes()[col - 1] == b' ' && l.as_bytes()[col] != b' ',
            "STATUS column not aligned:\n{text}"
        );
    }
    assert!(
        text.contains("fix: cdk bootstrap aws://222222222222/us-east-1"),
        "{text}"
    );

    // --offline never asks.
    let o = pipelens(
        &["check", ".", "--offline", "--format", "json"],
        dir.path(),
        &env,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(json_of(&o)["diagnostics"].as_array().unwrap().is_empty());
}

#[test]
fn cached_answers_need_no_cloudformation_and_refresh_asks_again() {
    let Some(ep) = endpoint("cached_answers_need_no_cloudformation_and_refresh_asks_again") else {
        return;
    };
    seed(&ep, &[("666666666666", "us-east-2", 21, &[PIPELINE])]);
    let dir = app(&[("Cached", "666666666666", "us-east-2")]);
    let home = tempfile::tempdir().unwrap();
    let env = moto_env(&ep, home.path());
    let o = pipelens(&["bootstrap-status", "--format", "json"], dir.path(), &env);
    assert_eq!(
        target(&json_of(&o), "666666666666", "us-east-2")["status"],
        "bootstrapped"
    );
    assert!(home.path().join("cache/pipelens/bootstrap.json").is_file());
    let cache = std::fs::read_to_string(home.path().join("cache/pipelens/bootstrap.json")).unwrap();
    assert!(
        !cache.contains("testing") && !cache.contains("pipelens-bootstrap-check"),
        "{cache}"
    );

    // CloudFormation and SSM down: the cached answer still stands (STS still answers).
    let dead = format!("http://127.0.0.1:{}", unused_port());
    let mut down = env.clone();
    down.push(("AWS_ENDPOINT_URL_CLOUDFORMATION", dead.clone()));
    down.push(("AWS_ENDPOINT_URL_SSM", dead));
    let o = pipelens(&["bootstrap-status", "--format", "json"], dir.path(), &down);
    assert_eq!(
        target(&json_of(&o), "666666666666", "us-east-2")["status"],
        "bootstrapped"
    );
    // --refresh bypasses the cache: now it is unknown.
    let o = pipelens(
        &["bootstrap-status", "--refresh", "--format", "json"],
        dir.path(),
        &down,
    );
    assert_eq!(
        target(&json_of(&o), "666666666666", "us-east-2")["status"],
        "unknown"
    );
}

#[test]
fn no_credentials_at_all_is_one_hint_and_exit_zero() {
    let Some(ep) = endpoint("no_credentials_at_all_is_one_hint_and_exit_zero") else {
        return;
    };
    let dir = statuses_app();
    let home = tempfile::tempdir().unwrap();
    let env = vec![
        ("AWS_ENDPOINT_URL", ep),
        ("HOME", home.path().display().to_string()),
        (
            "XDG_CACHE_HOME",
            home.path().join("cache").display().to_string(),
        ),
    ];
    let start = Instant::now();
    let o = pipelens(&["check", ".", "--format", "json"], dir.path(), &env);
    let v = json_of(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    let d = v["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{v:#}");
    assert_eq!(d[0]["code"], "bootstrap-unknown");
    assert_eq!(d[0]["severity"], "hint");
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap()
            .contains("no AWS credentials"),
        "{v:#}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );

    let o = pipelens(&["bootstrap-status", "--format", "json"], dir.path(), &env);
    let v = json_of(&o);
    assert_eq!(o.status.code(), Some(0));
    for t in v["targets"].as_array().unwrap() {
        assert_eq!(t["status"], "unknown", "{t}");
        assert_eq!(t["fix"], Value::Null);
    }
}

fn unused_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn endpoint_down_mid_probe_is_unknown_with_a_reason() {
    let Some(ep) = endpoint("endpoint_down_mid_probe_is_unknown_with_a_reason") else {
        return;
    };
    // STS answers (identity, roles), then CloudFormation and SSM are gone.
    let dir = statuses_app();
    let home = tempfile::tempdir().unwrap();
    let dead = format!("http://127.0.0.1:{}", unused_port());
    let mut env = moto_env(&ep, home.path());
    env.push(("AWS_ENDPOINT_URL_CLOUDFORMATION", dead.clone()));
    env.push(("AWS_ENDPOINT_URL_SSM", dead));
    let start = Instant::now();
    let o = pipelens(&["check", ".", "--format", "json"], dir.path(), &env);
    let v = json_of(&o);
    assert_eq!(o.status.code(), Some(0), "{v:#}");
    let d = v["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "one hint for one reason: {v:#}");
    assert_eq!(d[0]["code"], "bootstrap-unknown");
    assert!(
        d[0]["message"].as_str().unwrap().contains("cannot reach"),
        "{v:#}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_silent_endpoint_times_out_instead_of_hanging() {
    let Some(ep) = endpoint("a_silent_endpoint_times_out_instead_of_hanging") else {
        return;
    };
    // Accepts connections and never answers.
    let silent = silent_endpoint();
    let dir = statuses_app();
    let home = tempfile::tempdir().unwrap();
    let mut env = moto_env(&ep, home.path());
    env.push(("AWS_ENDPOINT_URL_CLOUDFORMATION", silent.clone()));
    env.push(("AWS_ENDPOINT_URL_SSM", silent));
    let start = Instant::now();
    let o = pipelens(&["bootstrap-status", "--format", "json"], dir.path(), &env);
    let took = start.elapsed();
    let v = json_of(&o);
    for t in v["targets"].as_array().unwrap() {
        assert_eq!(t["status"], "unknown", "{t}");
        assert!(t["reason"].as_str().unwrap().contains("timed out"), "{t}");
    }
    assert!(took < Duration::from_secs(25), "took {took:?}");
    eprintln!("silent endpoint: every env unknown after {took:?}");
}

/// 20 envs, cold (every call against moto) and warm (the memory cache): the numbers the
/// report quotes. Bounds are loose (a shared 2-core machine); the goals are < 2 s and < 1 ms.
#[test]
fn twenty_envs_cold_and_cached() {
    let Some(ep) = endpoint("twenty_envs_cold_and_cached") else {
        return;
    };
    let accounts: Vec<String> = (0..20).map(|i| format!("7000000000{i:02}")).collect();
    let envs: Vec<(&str, &str, u32, &[&str])> = accounts
        .iter()
        .map(|a| (a.as_str(), "us-west-2", 21, &[PIPELINE][..]))
        .collect();
    seed(&ep, &envs);
    let keys: Vec<EnvKey> = accounts
        .iter()
        .map(|a| EnvKey::new(a, "us-west-2", "hnb659fds"))
        .collect();
    // The prober reads the process environment: point it at moto, whatever the caller set.
    for (k, v) in [
        ("AWS_ENDPOINT_URL", ep.as_str()),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ] {
        std::env::set_var(k, v);
    }
    std::env::remove_var("AWS_PROFILE");
    std::env::remove_var("AWS_SESSION_TOKEN");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let prober = Prober::new(
        ProbeOptions {
            profile: None,
            cache_ttl: Duration::from_secs(600),
            cache_path: None,
            concurrency: 8,
            call_timeout: Duration::from_secs(3),
            deadline: Duration::from_secs(20),
        },
        Trusted::by_user(),
    );
    let start = Instant::now();
    let cold = rt.block_on(prober.probe(&keys, false));
    let cold_took = start.elapsed();
    assert_eq!(cold.observations.len(), 20);
    for (k, o) in &cold.observations {
        assert!(
            matches!(
                o,
                Observation::Bootstrapped {
                    version: Some(21),
                    ..
                }
            ),
            "{k:?}: {o:?}"
        );
    }
    let start = Instant::now();
    let warm = rt.block_on(prober.probe(&keys, false));
    let warm_took = start.elapsed();
    assert_eq!(warm, cold);
    eprintln!("bootstrap probe, 20 envs: cold {cold_took:?}, cached {warm_took:?}");
    assert!(cold_took < Duration::from_secs(10), "cold {cold_took:?}");
    assert!(
        warm_took < Duration::from_millis(20),
        "cached {warm_took:?}"
    );
}

#[test]
fn the_aws_profile_setting_picks_the_credentials() {
    let Some(ep) = endpoint("the_aws_profile_setting_picks_the_credentials") else {
        return;
    };
    seed(&ep, &[("888888888888", "us-east-2", 21, &[PIPELINE])]);
    let dir = app(&[("Profiled", "888888888888", "us-east-2")]);
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/credentials"),
        "[ci]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    let env = vec![
        ("AWS_ENDPOINT_URL", ep),
        ("AWS_REGION", "us-east-1".to_string()),
        ("HOME", home.path().display().to_string()),
        (
            "XDG_CACHE_HOME",
            home.path().join("cache").display().to_string(),
        ),
    ];
    // Only the `default` profile is looked at: there is none.
    let o = pipelens(&["bootstrap-status", "--format", "json"], dir.path(), &env);
    assert_eq!(
        target(&json_of(&o), "888888888888", "us-east-2")["status"],
        "unknown"
    );
    std::fs::write(
        dir.path().join("pipelens.toml"),
        "[aws]\nprofile = \"ci\"\n",
    )
    .unwrap();
    let o = pipelens(&["bootstrap-status", "--format", "json"], dir.path(), &env);
    assert_eq!(
        target(&json_of(&o), "888888888888", "us-east-2")["status"],
        "bootstrapped",
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

// The language server: the same probe, started by opening the pipeline file, its answers
// published as diagnostics on the stage envs, with the fix as a code action and command.

/// `pipelens serve` on `dir` with the bootstrap check on and nothing of this process's
/// environment but PATH and `env`.
fn server(dir: &Path, env: &[(&str, String)]) -> TestServer {
    let mut b = TestServer::builder(dir)
        .clear_env()
        .init_options(json!({"bootstrap": {"check": "auto"}}));
    for (k, v) in env {
        b = b.env(k, v);
    }
    b.start()
}

/// The LSP range (UTF-16 = bytes here: ASCII) of the `cdk.Environment(...)` of the stage that
/// deploys to `account`/`region` (its first one).
fn env_range(text: &str, account: &str, region: &str) -> Value {
    let env = format!("cdk.Environment(account=\"{account}\", region=\"{region}\")");
    let (line, col) = find(text, &env, false);
    json!({
        "start": {"line": line, "character": col},
        "end": {"line": line, "character": col + env.len() as u32},
    })
}

fn has_code(p: &Value, code: &str) -> bool {
    p["diagnostics"]
        .as_array()
        .is_some_and(|d| d.iter().any(|d| d["code"] == code))
}

fn hover_text(s: &mut TestServer, u: &str, at: (u32, u32)) -> String {
    let h = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": at.0, "character": at.1}}),
    );
    h["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_editor_shows_every_status_on_its_stage_env_with_the_fix() {
    let Some(ep) = endpoint("the_editor_shows_every_status_on_its_stage_env_with_the_fix") else {
        return;
    };
    seed_statuses(&ep);
    let dir = statuses_app();
    let home = tempfile::tempdir().unwrap();
    let mut s = server(dir.path(), &moto_env(&ep, home.path()));
    let file = dir.path().join("pipeline.py");
    let text = std::fs::read_to_string(&file).unwrap();
    let u = s.open(&file, "python");

    // Opening the file starts the probe; its answers come in a later publish.
    let p = s.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == u.as_str() && has_code(p, "unbootstrapped-target")
    });
    assert_eq!(p["version"], 1);
    let d = p["diagnostics"].as_array().unwrap().clone();
    let got: Vec<(&str, i64, &Value)> = d
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["severity"].as_i64().unwrap(),
                &d["range"],
            )
        })
        .collect();
    // One per env that needs fixing, on the env of the stage that needs it; nothing on the
    // bootstrapped and trusting envs (`Fine`, `Again`, `FineEu`'s own target).
    let want = [
        (
            "unbootstrapped-target",
            1,
            env_range(&text, MISSING, "us-east-1"),
        ),
        (
            "untrusted-target",
            1,
            env_range(&text, UNTRUSTING, "us-east-1"),
        ),
        ("outdated-bootstrap", 2, env_range(&text, OLD, "us-east-1")),
        (
            "unbootstrapped-support-region",
            1,
            env_range(&text, FINE, "eu-west-1"),
        ),
    ];
    let want: Vec<(&str, i64, &Value)> = want.iter().map(|(c, s, r)| (*c, *s, r)).collect();
    assert_eq!(got, want, "{d:#?}");
    for d in &d {
        assert_eq!(d["source"], "pipelens", "{d}");
    }

    // Each carries the command that fixes it: in its message, as a code action, and as the
    // argv `pipelens.bootstrapCommand` answers. The untrusted env keeps the trust it has.
    let policies =
        "--cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess";
    let fixes = [
        format!("cdk bootstrap aws://{MISSING}/us-east-1 --trust {PIPELINE} {policies}"),
        format!(
            "cdk bootstrap aws://{UNTRUSTING}/us-east-1 --trust {PIPELINE} --trust 555555555555 \
             {policies}"
        ),
        format!("cdk bootstrap aws://{OLD}/us-east-1 --trust {PIPELINE} {policies}"),
        format!("cdk bootstrap aws://{PIPELINE}/eu-west-1 {policies}"),
    ];
    for (diag, fix) in d.iter().zip(&fixes) {
        let message = diag["message"].as_str().unwrap();
        assert!(message.ends_with(&format!("Run: {fix}")), "{message}");
        let actions = s.request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": u},
                "range": diag["range"],
                "context": {"diagnostics": [diag]},
            }),
        );
        let boot: Vec<&Value> = actions
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["command"]["command"] == "pipelens.bootstrapCommand")
            .collect();
        assert_eq!(boot.len(), 1, "{actions:#}");
        assert_eq!(boot[0]["kind"], "quickfix");
        assert_eq!(boot[0]["diagnostics"][0]["code"], diag["code"]);
        assert!(
            boot[0]["title"].as_str().unwrap().ends_with(fix.as_str()),
            "{}",
            boot[0]["title"]
        );
        let argv = s.request(
            "workspace/executeCommand",
            json!({
                "command": "pipelens.bootstrapCommand",
                "arguments": boot[0]["command"]["arguments"],
            }),
        );
        let argv: Vec<&str> = argv
            .as_array()
            .unwrap_or_else(|| panic!("no argv: {argv}"))
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(argv.join(" "), *fix);
    }
    // Without a target: the first env of the file that needs fixing.
    let argv = s.request(
        "workspace/executeCommand",
        json!({"command": "pipelens.bootstrapCommand", "arguments": [u]}),
    );
    assert_eq!(strings(&argv).join(" "), fixes[0]);
    // Every target that needs a fix, each with its own command line, everything checked.
    let all = s.request(
        "workspace/executeCommand",
        json!({"command": "pipelens.bootstrapCommand", "arguments": [u, {"all": true}]}),
    );
    let listed: Vec<String> = all["targets"]
        .as_array()
        .unwrap_or_else(|| panic!("{all}"))
        .iter()
        .map(|t| strings(&t["fix"]).join(" "))
        .collect();
    assert_eq!(listed, fixes.to_vec(), "{all}");
    assert_eq!(all["unknown"], Value::Null, "{all}");
    // The fine stage has no bootstrap fix to offer.
    let actions = s.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": u},
            "range": env_range(&text, FINE, "us-east-1"),
            "context": {"diagnostics": []},
        }),
    );
    assert!(
        !actions.as_array().is_some_and(|a| a
            .iter()
            .any(|a| a["command"]["command"] == "pipelens.bootstrapCommand")),
        "{actions:#}"
    );

    // Hover on a target env says what the probe saw there.
    let at = |account: &str, region: &str| {
        let (line, col) = find(
            &text,
            &format!("cdk.Environment(account=\"{account}\", region=\"{region}\")"),
            false,
        );
        (line, col + "cdk.Environment(account=\"".len() as u32 + 2)
    };
    let h = hover_text(&mut s, &u, at(FINE, "us-east-1"));
    assert!(h.starts_with("**Account 111111111111**"), "{h}");
    assert!(
        h.contains(&format!(
            "Bootstrap `aws://{FINE}/us-east-1`: bootstrapped (version 21), trusts `{PIPELINE}`"
        )),
        "{h}"
    );
    let h = hover_text(&mut s, &u, at(MISSING, "us-east-1"));
    assert!(
        h.contains(&format!(
            "Bootstrap `aws://{MISSING}/us-east-1`: **not bootstrapped**"
        )),
        "{h}"
    );
    // And when it was checked (moments ago: this test's probe).
    assert!(h.contains(" s ago)"), "{h}");
    assert!(h.contains(&format!("`{}`", fixes[0])), "{h}");
    let h = hover_text(&mut s, &u, at(UNTRUSTING, "us-east-1"));
    assert!(
        h.contains(&format!(
            "Bootstrap `aws://{UNTRUSTING}/us-east-1`: **untrusted** — does not trust the \
             pipeline account {PIPELINE}"
        )),
        "{h}"
    );
    let old = find(&text, "\"Old\"", false);
    let h = hover_text(&mut s, &u, (old.0, old.1 + 1));
    assert!(h.starts_with("**Stage `Old`**"), "{h}");
    assert!(
        h.contains(&format!(
            "Bootstrap `aws://{OLD}/us-east-1`: **outdated** — bootstrap version 3 is older \
             than 6"
        )),
        "{h}"
    );
    // The pipeline account's support env in eu-west-1 shows on the stage that needs it.
    let h = hover_text(&mut s, &u, at(FINE, "eu-west-1"));
    assert!(
        h.contains(&format!(
            "Bootstrap `aws://{FINE}/eu-west-1`: bootstrapped (version 21)"
        )),
        "{h}"
    );
    assert!(
        h.contains(&format!(
            "Bootstrap `aws://{PIPELINE}/eu-west-1` (the pipeline account's cross-region \
             support): **not bootstrapped**"
        )),
        "{h}"
    );
    assert!(s.shutdown().success());
}

/// Probes against an endpoint that accepts and never answers hang until their timeout; typing
/// goes on meanwhile: completion answers from the analysed model, never waits on the network.
#[test]
fn completion_answers_quickly_while_probes_hang() {
    if endpoint("completion_answers_quickly_while_probes_hang").is_none() {
        return;
    }
    let silent = silent_endpoint();
    let dir = statuses_app();
    let home = tempfile::tempdir().unwrap();
    let mut s = server(dir.path(), &moto_env(&silent, home.path()));
    let file = dir.path().join("pipeline.py");
    let text = std::fs::read_to_string(&file).unwrap();
    let u = s.open(&file, "python");
    // The first publish comes after the probe started: nothing is known yet.
    let first = s.diagnostics(&u, 1);
    assert_eq!(first.len(), 1, "{first:#?}");
    assert!(
        first[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("not checked"),
        "{first:#?}"
    );
    let opened = Instant::now();

    let (line, col) = find(&text, &format!("account=\"{MISSING}\", region=\""), false);
    let at = json!({"line": line, "character": col + format!("account=\"{MISSING}\", region=\"").len() as u32});
    let max = aws_common::slowest_region_completion(&mut s, &u, &at, "a hanging probe");
    let window = opened.elapsed();
    // The probe was still hanging the whole time: its timed-out answer had not come.
    let timed_out = |p: &Value| {
        p["uri"] == u.as_str()
            && p["diagnostics"].as_array().is_some_and(|d| {
                d.iter()
                    .any(|d| d["message"].as_str().unwrap_or("").contains("timed out"))
            })
    };
    assert!(
        !s.notifications
            .iter()
            .any(|n| n["method"] == "textDocument/publishDiagnostics" && timed_out(&n["params"])),
        "the probe ended within {window:?}: this measured nothing"
    );
    assert!(max < Duration::from_millis(500), "{max:?}");

    // And the probe does end, as unknown with a reason.
    let p = s.wait_for("textDocument/publishDiagnostics", timed_out);
    let d = p["diagnostics"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0]["code"], "bootstrap-unknown");
    eprintln!(
        "hanging probe answered unknown after {:?}",
        opened.elapsed()
    );
    assert!(s.shutdown().success());
}

// Credentials never reach a log. Needs no moto: the requests go to an endpoint that records
// them and never answers, which is enough for the SDK to load, sign and send.

const KEY_ID: &str = "AKIAEXAMPLESECRET123";
const SECRET_KEY: &str = "wJalrXUtnFEMIqK7MDENGvbPxRfiCYzQpLehN3Xw";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEJr0kenVaLuEzQxWvYp9ProbeOnlyTok";

/// An endpoint that accepts connections, sends what it read on the channel (first chunk of
/// each connection), and never answers.
fn recording_endpoint() -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::Read;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten().take(50) {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0; 64 * 1024];
                let n = s.read(&mut buf).unwrap_or(0);
                let _ = tx.send(String::from_utf8_lossy(&buf[..n]).into_owned());
                // Held open, never answered, until the client gives up.
                let _ = s.read(&mut buf);
            });
        }
    });
    (url, rx)
}

/// Fails when any 6 characters in a row of a credential appear in `text`.
fn assert_no_credential(what: &str, text: &str) {
    for secret in [KEY_ID, SECRET_KEY, SESSION_TOKEN] {
        for part in secret.as_bytes().windows(6) {
            let part = std::str::from_utf8(part).unwrap();
            if let Some(at) = text.find(part) {
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let line = text[line_start..].lines().next().unwrap_or("");
                panic!("{what} shows {part:?} of a credential:\n{line}");
            }
        }
    }
}

#[test]
fn no_part_of_a_credential_is_ever_logged() {
    let (endpoint, requests) = recording_endpoint();
    let dir = statuses_app();
    let home = tempfile::tempdir().unwrap();
    let env: Vec<(&str, String)> = vec![
        ("AWS_ENDPOINT_URL", endpoint),
        ("AWS_ACCESS_KEY_ID", KEY_ID.into()),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.into()),
        ("AWS_SESSION_TOKEN", SESSION_TOKEN.into()),
        ("AWS_REGION", "us-east-1".into()),
        ("HOME", home.path().display().to_string()),
        (
            "XDG_CACHE_HOME",
            home.path().join("cache").display().to_string(),
        ),
        // Everything the server may log, the SDK's targets named explicitly too.
        (
            "PIPELENS_LOG",
            "trace,aws_smithy_runtime=trace,aws_sigv4::http_request=trace,hyper=trace".into(),
        ),
    ];

    // The language server: opening the pipeline starts the probe.
    let mut b = TestServer::builder(dir.path())
        .clear_env()
        .init_options(json!({"trusted": true, "bootstrap": {"check": "auto"}}));
    for (k, v) in &env {
        b = b.env(k, v);
    }
    let mut s = b.start();
    s.open(&dir.path().join("pipeline.py"), "python");
    let request = requests
        .recv_timeout(Duration::from_secs(20))
        .expect("the probe sent a request");
    // It was signed with these credentials: the test looks at a real signing.
    assert!(
        request.contains(KEY_ID) && request.contains(SESSION_TOKEN),
        "{request}"
    );
    // What the SDK logs about a request it logs before it is sent; a moment for the writes.
    std::thread::sleep(Duration::from_millis(500));
    let log = s.stderr_text();
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "no debug log at all: {log}"
    );
    assert_no_credential("`pipelens serve` with PIPELENS_LOG=trace", &log);

    // The CLI (requests of the server, killed now, drained first).
    while requests.try_recv().is_ok() {}
    let o = pipelens(&["bootstrap-status", "--format", "json"], dir.path(), &env);
    assert_no_credential(
        "`pipelens bootstrap-status`",
        &String::from_utf8_lossy(&o.stderr),
    );
    assert_no_credential(
        "`pipelens bootstrap-status`",
        &String::from_utf8_lossy(&o.stdout),
    );
    assert!(requests.try_recv().is_ok(), "bootstrap-status sent nothing");
}
