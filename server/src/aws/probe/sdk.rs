//! The probe's AWS SDK calls (the `aws` feature): [`Prober::probe`] and everything it asks.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use aws_config::SdkConfig;
use aws_sdk_sts::error::ProvideErrorMetadata;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::{Caller, ProbeResult, Prober};
use crate::aws::sdk::{caller_identity, env_config, load_config, reason};
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
        let config = self
            .config
            .get_or_init(|| async {
                load_config(
                    self.trusted,
                    self.opts.profile.as_deref(),
                    self.opts.call_timeout,
                )
                .await
                .config
            })
            .await;
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

/// Stack states where the toolkit stack is not usable (a failed first create, a deletion).
fn unusable(status: &str) -> bool {
    status == "CREATE_FAILED"
        || status == "CREATE_IN_PROGRESS"
        || status == "REVIEW_IN_PROGRESS"
        || status.starts_with("ROLLBACK_")
        || status.starts_with("DELETE_")
}

async fn probe_env(config: &SdkConfig, caller: &Caller, key: &EnvKey) -> Observation {
    let cfg = match env_config(config, caller, key, "pipelens-bootstrap-check").await {
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
    fn failed_or_deleted_stacks_are_unusable() {
        assert!(unusable("ROLLBACK_COMPLETE"));
        assert!(unusable("DELETE_COMPLETE"));
        assert!(!unusable("UPDATE_ROLLBACK_COMPLETE"));
        assert!(!unusable("CREATE_COMPLETE"));
    }
}
