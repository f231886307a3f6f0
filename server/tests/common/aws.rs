//! What the AWS suites (`bootstrap.rs`, `live.rs`) share: an SDK configuration against the
//! test endpoint, and running the `pipelens` binary with only the environment a test gives it.
//! Included by those two with `#[path]` (they need the `aws` feature; `common/mod.rs` does not).

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
use serde_json::Value;

/// An SDK configuration with moto's test credentials against `endpoint`, in us-east-1.
pub async fn base_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(
            aws_smithy_http_client::Builder::new()
                .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                    aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
                ))
                .build_https(),
        )
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "testing", "testing", None, None, "test",
        )))
        .load()
        .await
}

/// Runs `pipelens` with only the given environment (plus PATH): no credentials leak in from
/// the machine, and no IMDS lookup leaves it.
pub fn pipelens(args: &[&str], cwd: &Path, env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pipelens"));
    cmd.args(args).current_dir(cwd).env_clear();
    cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// moto's test credentials against `endpoint`, an empty HOME and a fresh cache folder.
pub fn moto_env(endpoint: &str, home: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", endpoint.to_string()),
        ("AWS_ACCESS_KEY_ID", "testing".into()),
        ("AWS_SECRET_ACCESS_KEY", "testing".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("HOME", home.display().to_string()),
        ("XDG_CACHE_HOME", home.join("cache").display().to_string()),
    ]
}

/// A command's stdout as json; a failure shows what it printed.
pub fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not json ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// The endpoint a suite's runner set in `var`, or `None` (and a note saying the test was
/// skipped): without it `cargo test` stays Rust-only.
pub fn endpoint(var: &str, test: &str) -> Option<String> {
    let e = std::env::var(var).ok().filter(|s| !s.is_empty());
    if e.is_none() {
        eprintln!("note: {test} skipped: {var} is not set (run tests/moto-tests)");
    }
    e
}

/// `base` acting in `account` (moto: through an assumed role, named `session`).
pub async fn acting_in(base: &SdkConfig, account: &str, session: &str) -> SdkConfig {
    let out = aws_sdk_sts::Client::new(base)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/{session}"))
        .role_session_name(session)
        .send()
        .await
        .expect("moto AssumeRole");
    let c = out.credentials().unwrap();
    base.to_builder()
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_string()),
            None,
            "test",
        )))
        .build()
}

/// Asks for completion at `at` (inside a region string) 20 times, 25 ms apart, each answer
/// listing `eu-west-1`; prints p50 and max under `what` and answers the slowest. What the AWS
/// suites measure while a call hangs: typing must not wait for it.
pub fn slowest_region_completion(
    s: &mut crate::common::TestServer,
    uri: &str,
    at: &Value,
    what: &str,
) -> std::time::Duration {
    let mut took = Vec::new();
    for _ in 0..20 {
        let start = std::time::Instant::now();
        let r = s.request(
            "textDocument/completion",
            serde_json::json!({"textDocument": {"uri": uri}, "position": at}),
        );
        took.push(start.elapsed());
        assert!(
            r["items"]
                .as_array()
                .is_some_and(|i| i.iter().any(|i| i["label"] == "eu-west-1")),
            "{r}"
        );
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    took.sort();
    let (p50, max) = (took[took.len() / 2], took[took.len() - 1]);
    eprintln!("completion during {what}: p50 {p50:?}, max {max:?} (20 requests)");
    max
}
