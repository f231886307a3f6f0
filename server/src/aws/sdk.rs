//! The AWS SDK plumbing the bootstrap probe and the live pipeline share (the `aws` feature): the
//! configuration (standard credential chain, short timeouts, one retry), who the caller is, the
//! credentials to read an env with (the caller's own, else the env's CDK lookup role, then its
//! deploy role), and a person's reason for a failed call, with no credential or session name.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use super::probe::{principal_of, Caller};
use super::EnvKey;
use crate::trust::Trusted;

/// The shared SDK configuration: the standard chain, a region for STS when none is set,
/// short timeouts and at most one retry (a probe must not wait on a dead endpoint).
///
/// Every AWS call starts from this configuration, so it is made only with the proof that the
/// workspace is trusted (the calls use the user's credentials, into accounts the code names).
pub async fn load_config(
    _trusted: Trusted,
    profile: Option<&str>,
    call_timeout: Duration,
) -> Loaded {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(call_timeout)
                .read_timeout(call_timeout)
                .operation_attempt_timeout(call_timeout)
                .operation_timeout(call_timeout * 2)
                .build(),
        )
        .retry_config(RetryConfig::standard().with_max_attempts(2));
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    let config = loader.load().await;
    // STS (identity, roles) needs some region; the envs' own regions are set per env.
    if config.region().is_none() {
        return Loaded {
            config: config
                .to_builder()
                .region(Region::from_static("us-east-1"))
                .build(),
            region_given: false,
        };
    }
    Loaded {
        config,
        region_given: true,
    }
}

/// [`load_config`]'s answer.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub config: SdkConfig,
    /// The user's configuration names a region (`AWS_REGION`, the profile's); else the config
    /// has us-east-1 for STS only, and no env-agnostic stack may be looked for there.
    pub region_given: bool,
}

pub async fn caller_identity(config: &SdkConfig) -> Result<Caller, String> {
    let sts = aws_sdk_sts::Client::new(config);
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| reason("GetCallerIdentity", &e))?;
    let account = out.account().unwrap_or_default().to_string();
    let arn = out.arn().unwrap_or_default();
    if account.is_empty() {
        return Err("GetCallerIdentity answered without an account".into());
    }
    Ok(Caller {
        account,
        principal: principal_of(arn),
    })
}

/// Removes session names from a message (`…:assumed-role/Role/session …`).
pub fn redact_sessions(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find(":assumed-role/") {
        let (head, tail) = rest.split_at(i + ":assumed-role/".len());
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',')
            .unwrap_or(tail.len());
        let principal = &tail[..end];
        out.push_str(principal.split('/').next().unwrap_or_default());
        if principal.contains('/') {
            out.push_str("/…");
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// A person's reason for a failed call: no credentials, access denied, throttled, endpoint
/// unreachable, timeout — never a credential, token or session name.
pub fn reason<E, R>(op: &str, err: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match err {
        SdkError::TimeoutError(_) => format!("{op} timed out"),
        SdkError::DispatchFailure(d) if d.is_timeout() => format!("{op} timed out"),
        SdkError::DispatchFailure(d) if d.is_io() => {
            format!("{op}: cannot reach the AWS endpoint (connection failed)")
        }
        SdkError::ServiceError(_) => {
            let code = err.code().unwrap_or("error");
            let msg = redact_sessions(err.message().unwrap_or_default());
            match code {
                c if c.starts_with("AccessDenied") || c == "UnauthorizedOperation" => {
                    format!("{op}: access denied ({msg})")
                }
                "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => {
                    format!("{op}: throttled by AWS; try again later")
                }
                "ExpiredToken"
                | "ExpiredTokenException"
                | "InvalidClientTokenId"
                | "UnrecognizedClientException"
                | "SignatureDoesNotMatch" => {
                    format!("{op}: the AWS credentials were rejected ({code}); log in again")
                }
                _ if msg.is_empty() => format!("{op}: {code}"),
                _ => format!("{op}: {code}: {msg}"),
            }
        }
        _ => {
            let text = format!("{}", DisplayErrorContext(err));
            if text.contains("credentials") || text.contains("credential provider") {
                format!(
                    "{}: set AWS_PROFILE (or the `aws.profile` setting), run `aws sso login`, \
                     or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                    crate::aws::NO_CREDENTIALS
                )
            } else if text.contains("timeout") || text.contains("timed out") {
                format!("{op} timed out")
            } else if text.contains("connect") || text.contains("dns error") {
                format!("{op}: cannot reach the AWS endpoint (connection failed)")
            } else {
                format!("{op} failed: {}", redact_sessions(&text))
            }
        }
    }
}

/// The config to read one env with: the caller's own for its account, else the env's lookup
/// role (then its deploy role).
/// `session` names the role session (CloudTrail shows it): what pipelens is doing.
pub async fn env_config(
    config: &SdkConfig,
    caller: &Caller,
    key: &EnvKey,
    session: &str,
) -> Result<SdkConfig, String> {
    let region = Region::new(key.region.clone());
    if key.account == caller.account {
        return Ok(config.to_builder().region(region).build());
    }
    let sts = aws_sdk_sts::Client::new(config);
    let mut first_error = None;
    for role in ["lookup", "deploy"] {
        let arn = format!(
            "arn:{}:iam::{}:role/cdk-{}-{role}-role-{}-{}",
            crate::aws::command::partition(&key.region),
            key.account,
            key.qualifier,
            key.account,
            key.region
        );
        match sts
            .assume_role()
            .role_arn(&arn)
            .role_session_name(session)
            .duration_seconds(900)
            .send()
            .await
        {
            Ok(out) => {
                let Some(c) = out.credentials() else { continue };
                let creds = Credentials::new(
                    c.access_key_id(),
                    c.secret_access_key(),
                    Some(c.session_token().to_string()),
                    None,
                    "pipelens-assume-role",
                );
                return Ok(config
                    .to_builder()
                    .region(region)
                    .credentials_provider(SharedCredentialsProvider::new(creds))
                    .build());
            }
            Err(e) => {
                let r = reason("AssumeRole", &e);
                // Unreachable endpoint or timeout: the deploy role would fail the same way.
                let give_up = !matches!(e, SdkError::ServiceError(_));
                first_error.get_or_insert(format!(
                    "cannot assume cdk-{}-{role}-role-{}-{} ({r}); the account may not be \
                     bootstrapped, or not trust account {}",
                    key.qualifier, key.account, key.region, caller.account
                ));
                if give_up {
                    break;
                }
            }
        }
    }
    Err(first_error.unwrap_or_else(|| "AssumeRole answered without credentials".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_never_reach_a_message() {
        let m = redact_sessions(
            "User: arn:aws:sts::1:assumed-role/Admin/jane@example.com is not authorized",
        );
        assert_eq!(
            m,
            "User: arn:aws:sts::1:assumed-role/Admin/… is not authorized"
        );
        assert!(!m.contains("jane"));
    }
}
