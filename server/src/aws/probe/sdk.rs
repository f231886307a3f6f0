//! The probe's AWS SDK calls (the `aws` feature): [`Prober::probe`] and everything it asks.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{principal_of, Caller, ProbeOptions, ProbeResult, Prober};
use crate::aws::{parse_account_list, EnvKey, Observation, TOOLKIT_STACK};

impl Prober {
    /// Probes every env in `keys`. `refresh` bypasses (and replaces) the cached answers.
    /// Never fails: what could not be learnt is [`Observation::Unknown`] with a reason.
    pub async fn probe(&self, keys: &[EnvKey], refresh: bool) -> ProbeResult {
        if refresh {
            self.cache.clear();
            *self.caller.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        let mut result = ProbeResult::default();
        let mut keys: Vec<EnvKey> = keys.to_vec();
        keys.sort();
        keys.dedup();
        if keys.is_empty() {
            return result;
        }
        // Warm path: the caller is known and every env is cached — no network at all.
        if let Some(caller) = self.remembered_caller() {
            let cached: Option<BTreeMap<_, _>> = keys
                .iter()
                .map(|k| self.cache.get(k, &caller.principal).map(|o| (k.clone(), o)))
                .collect();
            if let Some(observations) = cached {
                result.caller = Some(caller);
                result.observations = observations;
                return result;
            }
        }
        let deadline = self.opts.deadline;
        match tokio::time::timeout(deadline, self.probe_cold(&keys, &mut result)).await {
            Ok(()) => {}
            Err(_) => {
                let reason = format!(
                    "the bootstrap check did not finish within {} s",
                    deadline.as_secs()
                );
                for k in &keys {
                    result
                        .observations
                        .entry(k.clone())
                        .or_insert_with(|| Observation::Unknown {
                            reason: reason.clone(),
                        });
                }
            }
        }
        if let Err(e) = self.cache.save() {
            eprintln!("pipelens: cannot write the bootstrap cache: {e}");
        }
        result
    }

    fn remembered_caller(&self) -> Option<Caller> {
        let guard = self.caller.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|(at, _)| at.elapsed() < self.opts.cache_ttl)
            .map(|(_, c)| c.clone())
    }

    async fn probe_cold(&self, keys: &[EnvKey], result: &mut ProbeResult) {
        let config = self.config.get_or_init(|| load_config(&self.opts)).await;
        let caller = match self.remembered_caller() {
            Some(c) => c,
            None => match caller_identity(config).await {
                Ok(c) => {
                    *self.caller.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some((Instant::now(), c.clone()));
                    c
                }
                Err(reason) => {
                    for k in keys {
                        result.observations.insert(
                            k.clone(),
                            Observation::Unknown {
                                reason: reason.clone(),
                            },
                        );
                    }
                    return;
                }
            },
        };
        result.caller = Some(caller.clone());
        let semaphore = Arc::new(Semaphore::new(self.opts.concurrency.max(1)));
        let mut tasks = JoinSet::new();
        for k in keys {
            if let Some(obs) = self.cache.get(k, &caller.principal) {
                result.observations.insert(k.clone(), obs);
                continue;
            }
            let (config, caller, key, sem) =
                (config.clone(), caller.clone(), k.clone(), semaphore.clone());
            tasks.spawn(async move {
                let _permit = sem.acquire_owned().await;
                let obs = probe_env(&config, &caller, &key).await;
                (key, obs)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            if let Ok((key, obs)) = joined {
                self.cache.put(&key, &caller.principal, &obs);
                result.observations.insert(key, obs);
            }
        }
    }
}

/// The shared SDK configuration: the standard chain, a region for STS when none is set,
/// short timeouts and at most one retry (a probe must not wait on a dead endpoint).
async fn load_config(opts: &ProbeOptions) -> SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(opts.call_timeout)
                .read_timeout(opts.call_timeout)
                .operation_attempt_timeout(opts.call_timeout)
                .operation_timeout(opts.call_timeout * 2)
                .build(),
        )
        .retry_config(RetryConfig::standard().with_max_attempts(2));
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    let config = loader.load().await;
    // STS (identity, roles) needs some region; the envs' own regions are set per env.
    if config.region().is_none() {
        return config
            .to_builder()
            .region(Region::from_static("us-east-1"))
            .build();
    }
    config
}

async fn caller_identity(config: &SdkConfig) -> Result<Caller, String> {
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
fn redact_sessions(msg: &str) -> String {
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
fn reason<E, R>(op: &str, err: &SdkError<E, R>) -> String
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
async fn env_config(
    config: &SdkConfig,
    caller: &Caller,
    key: &EnvKey,
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
            .role_session_name("pipelens-bootstrap-check")
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

/// Stack states where the toolkit stack is not usable (a failed first create, a deletion).
fn unusable(status: &str) -> bool {
    status == "CREATE_FAILED"
        || status == "CREATE_IN_PROGRESS"
        || status == "REVIEW_IN_PROGRESS"
        || status.starts_with("ROLLBACK_")
        || status.starts_with("DELETE_")
}

async fn probe_env(config: &SdkConfig, caller: &Caller, key: &EnvKey) -> Observation {
    let cfg = match env_config(config, caller, key).await {
        Ok(c) => c,
        Err(reason) => return Observation::Unknown { reason },
    };
    let cfn = aws_sdk_cloudformation::Client::new(&cfg);
    let ssm = aws_sdk_ssm::Client::new(&cfg);
    let param = format!("/cdk-bootstrap/{}/version", key.qualifier);
    let (stack, version) = tokio::join!(
        cfn.describe_stacks().stack_name(TOOLKIT_STACK).send(),
        ssm.get_parameter().name(&param).send()
    );
    // The SSM parameter: Ok(Some(v)), Ok(None) when it does not exist, Err(reason).
    let ssm_version = match version {
        Ok(out) => Ok(out
            .parameter()
            .and_then(|p| p.value())
            .and_then(|v| v.trim().parse::<u32>().ok())),
        Err(e) if e.code() == Some("ParameterNotFound") => Ok(None),
        Err(e) => Err(reason("GetParameter", &e)),
    };
    let ssm_found = matches!(ssm_version, Ok(Some(_)));
    match stack {
        Ok(out) => {
            let Some(s) = out.stacks().first() else {
                return not_bootstrapped_or(ssm_version, None);
            };
            let status = s.stack_status().map(|st| st.as_str()).unwrap_or_default();
            if unusable(status) {
                return Observation::NotBootstrapped {
                    reason: Some(format!("the {TOOLKIT_STACK} stack is {status}")),
                };
            }
            let version = s
                .outputs()
                .iter()
                .find(|o| o.output_key() == Some("BootstrapVersion"))
                .and_then(|o| o.output_value())
                .and_then(|v| v.trim().parse::<u32>().ok())
                .or(ssm_version.unwrap_or(None));
            let trusted = s
                .parameters()
                .iter()
                .find(|p| p.parameter_key() == Some("TrustedAccounts"))
                .and_then(|p| p.parameter_value())
                .map(parse_account_list)
                .unwrap_or_default();
            Observation::Bootstrapped {
                version,
                trusted: Some(trusted),
            }
        }
        Err(e)
            if e.code() == Some("ValidationError")
                && e.message().is_some_and(|m| m.contains("does not exist")) =>
        {
            if ssm_found {
                // Bootstrapped under another stack name (`--toolkit-stack-name`).
                Observation::Bootstrapped {
                    version: ssm_version.unwrap_or(None),
                    trusted: None,
                }
            } else {
                Observation::NotBootstrapped { reason: None }
            }
        }
        Err(e) => not_bootstrapped_or(ssm_version, Some(reason("DescribeStacks", &e))),
    }
}

/// When the stack could not be read: the SSM parameter decides.
fn not_bootstrapped_or(
    ssm: Result<Option<u32>, String>,
    stack_error: Option<String>,
) -> Observation {
    match ssm {
        Ok(Some(v)) => Observation::Bootstrapped {
            version: Some(v),
            trusted: None,
        },
        Ok(None) => Observation::NotBootstrapped { reason: None },
        Err(r) => Observation::Unknown {
            reason: stack_error.unwrap_or(r),
        },
    }
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

    #[test]
    fn failed_or_deleted_stacks_are_unusable() {
        assert!(unusable("ROLLBACK_COMPLETE"));
        assert!(unusable("DELETE_COMPLETE"));
        assert!(!unusable("UPDATE_ROLLBACK_COMPLETE"));
        assert!(!unusable("CREATE_COMPLETE"));
    }
}
