//! The SDK side of the bootstrap probe. One [`Prober`] per settings (profile, TTL); its
//! [`Prober::probe`] is a future that answers every env it is given, within a deadline:
//!
//! 1. `GetCallerIdentity` with the standard credential chain (env vars, `AWS_PROFILE` or the
//!    `aws.profile` setting, SSO, credential processes; `AWS_ENDPOINT_URL` is honoured);
//! 2. per env, at most [`ProbeOptions::concurrency`] at once: the caller's own credentials
//!    when the env is in the caller's account, else the env's
//!    `cdk-<qualifier>-lookup-role-<account>-<region>` (then the deploy role), as the CDK CLI
//!    does; then `DescribeStacks CDKToolkit` and `GetParameter
//!    /cdk-bootstrap/<qualifier>/version` together.
//!
//! Every call has a timeout; a call that fails says why in an [`Observation::Unknown`].
//! Dropping the future cancels the probe: its tasks live in a `JoinSet`, aborted on drop.
//!
//! The SDK is the `aws` cargo feature (on by default; `probe/sdk.rs` makes every call). A build
//! without it keeps this API: its probe answers every env [`Observation::Unknown`] with
//! [`NO_AWS_SUPPORT`] as the reason, and makes no call.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::cache::Cache;
use super::{EnvKey, Observation};
use crate::trust::Trusted;
use crate::workspace::Settings;

#[cfg(feature = "aws")]
mod sdk;

/// How the probe runs. [`ProbeOptions::from_settings`] gives the defaults.
#[derive(Clone, Debug)]
pub struct ProbeOptions {
    /// A named profile (setting `aws.profile`); `None`: the SDK's own choice (`AWS_PROFILE`,
    /// else `default`).
    pub profile: Option<String>,
    pub cache_ttl: Duration,
    /// The disk cache file; `None`: memory only.
    pub cache_path: Option<PathBuf>,
    /// Envs probed at once.
    pub concurrency: usize,
    /// One attempt of one API call (connect included).
    pub call_timeout: Duration,
    /// The whole probe; envs not answered by then are unknown.
    pub deadline: Duration,
}

impl ProbeOptions {
    pub fn from_settings(settings: &Settings) -> ProbeOptions {
        ProbeOptions {
            profile: settings.aws_profile.clone(),
            cache_ttl: Duration::from_secs(settings.bootstrap_cache_ttl_seconds),
            cache_path: Cache::default_path(),
            concurrency: 8,
            call_timeout: Duration::from_secs(3),
            deadline: Duration::from_secs(20),
        }
    }
}

/// Who the credentials belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub account: String,
    /// The principal without a session name (an assumed role's role ARN): the cache key part.
    pub principal: String,
}

/// A probe's answer: what was seen in each env asked about.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProbeResult {
    /// The caller, when the credentials worked.
    pub caller: Option<Caller>,
    pub observations: BTreeMap<EnvKey, Observation>,
}

pub struct Prober {
    opts: ProbeOptions,
    /// The probe calls AWS with the user's credentials: a prober exists only in a trusted
    /// workspace. Held as the proof; the SDK configuration is made with it.
    #[cfg_attr(not(feature = "aws"), allow(dead_code))]
    trusted: Trusted,
    #[cfg(feature = "aws")]
    cache: Cache,
    #[cfg(feature = "aws")]
    config: tokio::sync::OnceCell<aws_config::SdkConfig>,
    /// The caller identity, remembered for the cache TTL so a warm probe makes no call at all.
    #[cfg(feature = "aws")]
    caller: std::sync::Mutex<Option<(std::time::Instant, Caller)>>,
}

impl std::fmt::Debug for Prober {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prober").field("opts", &self.opts).finish()
    }
}

impl Prober {
    /// A prober calls AWS with the user's credentials into the accounts the code names, so
    /// it is made only with the proof that the workspace is trusted.
    pub fn new(opts: ProbeOptions, trusted: Trusted) -> Prober {
        Prober {
            trusted,
            #[cfg(feature = "aws")]
            cache: Cache::new(opts.cache_ttl, opts.cache_path.clone()),
            #[cfg(feature = "aws")]
            config: tokio::sync::OnceCell::new(),
            #[cfg(feature = "aws")]
            caller: std::sync::Mutex::new(None),
            opts,
        }
    }
}

/// The reason every env is unknown in a build without the `aws` feature.
pub const NO_AWS_SUPPORT: &str =
    "this build of pipelens has no AWS support (built without the `aws` feature)";

#[cfg(not(feature = "aws"))]
impl Prober {
    /// Without the SDK nothing can be learnt: every env in `keys` is
    /// [`Observation::Unknown`] with [`NO_AWS_SUPPORT`] as the reason, at once.
    pub async fn probe(&self, keys: &[EnvKey], _refresh: bool) -> ProbeResult {
        let observations = keys
            .iter()
            .map(|k| {
                let reason = NO_AWS_SUPPORT.to_string();
                (k.clone(), Observation::Unknown { reason })
            })
            .collect();
        ProbeResult {
            caller: None,
            observations,
        }
    }
}

/// `arn:aws:sts::1:assumed-role/Role/session` → `arn:aws:sts::1:assumed-role/Role`: the
/// session name is dropped (it may be a person's name or a random id).
pub fn principal_of(arn: &str) -> String {
    match arn.split_once(":assumed-role/") {
        Some((head, rest)) => {
            let role = rest.split('/').next().unwrap_or_default();
            format!("{head}:assumed-role/{role}")
        }
        None => arn.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_never_reach_a_key() {
        assert_eq!(
            principal_of("arn:aws:sts::111111111111:assumed-role/Admin/jane@example.com"),
            "arn:aws:sts::111111111111:assumed-role/Admin"
        );
        assert_eq!(
            principal_of("arn:aws:iam::111111111111:user/ci"),
            "arn:aws:iam::111111111111:user/ci"
        );
    }

    fn options() -> ProbeOptions {
        ProbeOptions {
            profile: None,
            cache_ttl: Duration::from_secs(1),
            cache_path: None,
            concurrency: 1,
            call_timeout: Duration::from_secs(1),
            deadline: Duration::from_secs(1),
        }
    }

    #[test]
    fn the_probe_can_run_on_a_background_task() {
        fn spawnable<T: Send + 'static>(_: &T) {}
        let prober = std::sync::Arc::new(Prober::new(options(), Trusted::by_user()));
        let fut = async move { prober.probe(&[], false).await };
        spawnable(&fut);
    }

    #[cfg(not(feature = "aws"))]
    #[tokio::test]
    async fn without_the_sdk_every_env_is_unknown_and_says_why() {
        let prober = Prober::new(options(), Trusted::by_user());
        let key = |region: &str| EnvKey {
            account: "111111111111".into(),
            region: region.into(),
            qualifier: crate::aws::DEFAULT_QUALIFIER.into(),
        };
        let r = prober
            .probe(&[key("eu-west-1"), key("us-east-1")], true)
            .await;
        assert_eq!(r.caller, None);
        assert_eq!(r.observations.len(), 2);
        for obs in r.observations.values() {
            assert_eq!(
                obs,
                &Observation::Unknown {
                    reason: NO_AWS_SUPPORT.into()
                }
            );
        }
    }
}
