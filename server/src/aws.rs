//! The bootstrap probe: is every env a pipeline deploys to bootstrapped, trusting the pipeline
//! account, recent enough? Asks the real accounts through the official AWS SDK (the standard
//! credential chain, `AWS_ENDPOINT_URL`), reads each env's `CDKToolkit` stack and
//! `/cdk-bootstrap/<qualifier>/version` parameter, and classifies. Runs in the background only:
//! every call has a timeout, the whole probe is one future (drop it to cancel; nothing it
//! started outlives it), and answers are cached in memory and on disk.
//!
//! - [`targets`]: which envs a pipeline model needs bootstrapped (pure).
//! - [`probe`]: the SDK calls ([`Prober`]).
//! - [`cache`]: the memory and disk cache.
//! - [`report`]: observations → one status per env, with the stages that need it (pure).
//! - [`command`]: the `cdk bootstrap` command line that fixes an env.
//! - `sdk` (the `aws` feature): the SDK configuration, caller and per-env credentials the probe
//!   and the live pipeline ([`crate::live`]) share.
//!
//! Credentials, tokens and session names are never logged, cached or put into a message.

pub mod cache;
pub mod command;
pub mod probe;
pub mod report;
#[cfg(feature = "aws")]
pub mod sdk;
pub mod targets;

pub use command::{bootstrap_command, is_valid_region};
pub use probe::{Caller, ProbeOptions, ProbeResult, Prober};
pub use report::{report, TargetReport};
pub use targets::{gather, qualifier_from_context, Need, NeedKind};

/// The bootstrap qualifier when cdk.json does not set `@aws-cdk/core:bootstrapQualifier`.
pub const DEFAULT_QUALIFIER: &str = "hnb659fds";
/// The cdk.json context key of the qualifier.
pub const QUALIFIER_CONTEXT_KEY: &str = "@aws-cdk/core:bootstrapQualifier";
/// The bootstrap version CDK Pipelines needs at least (the `cdk bootstrap` of CDK v2 since
/// 2.0 writes 6 or later; older stacks lack the roles the pipeline assumes).
pub const DEFAULT_REQUIRED_VERSION: u32 = 6;
/// The name of the bootstrap stack `cdk bootstrap` creates.
pub const TOOLKIT_STACK: &str = "CDKToolkit";

/// One env to probe: an account and region, with the app's bootstrap qualifier.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnvKey {
    pub account: String,
    pub region: String,
    pub qualifier: String,
}

impl EnvKey {
    pub fn new(account: &str, region: &str, qualifier: &str) -> Self {
        EnvKey {
            account: account.to_string(),
            region: region.to_string(),
            qualifier: qualifier.to_string(),
        }
    }
}

/// What the probe saw in one env: the facts, independent of which pipeline asks. (Whether the
/// env trusts *your* pipeline account is decided by [`classify`].)
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observation {
    /// A `CDKToolkit` stack (or the version parameter) exists.
    Bootstrapped {
        /// `BootstrapVersion` output, or the SSM version parameter; `None` if neither says.
        version: Option<u32>,
        /// The `TrustedAccounts` parameter; `None` when the stack could not be read (only the
        /// SSM parameter was found).
        trusted: Option<Vec<String>>,
    },
    /// Neither the stack nor the version parameter exists (or the stack is failed/deleted:
    /// the reason says so).
    NotBootstrapped { reason: Option<String> },
    /// The probe could not tell: no credentials, access denied, throttled, endpoint down,
    /// timeout, cancelled. The reason says which, for a person.
    Unknown { reason: String },
}

/// The start of the reason a probe gives when there are no credentials (the rest says how to
/// get some: the `bootstrap-unknown` hint has it; a hover says only this).
pub const NO_CREDENTIALS: &str = "no AWS credentials found";

/// A target's status, the `bootstrap-status` json `status` contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Bootstrapped,
    NotBootstrapped,
    Untrusted,
    Outdated,
    Unknown,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Bootstrapped => "bootstrapped",
            Status::NotBootstrapped => "not-bootstrapped",
            Status::Untrusted => "untrusted",
            Status::Outdated => "outdated",
            Status::Unknown => "unknown",
        }
    }
}

/// Classifies what the probe saw for an env in `account`, deployed to by pipelines in
/// `pipeline_accounts` (the env's own account needs no trust). Worst first: not bootstrapped,
/// then untrusted, then outdated.
pub fn classify(
    obs: &Observation,
    account: &str,
    pipeline_accounts: &[&str],
    required_version: u32,
) -> Status {
    match obs {
        Observation::Unknown { .. } => Status::Unknown,
        Observation::NotBootstrapped { .. } => Status::NotBootstrapped,
        Observation::Bootstrapped { version, trusted } => {
            let untrusted = trusted.as_ref().is_some_and(|t| {
                pipeline_accounts
                    .iter()
                    .any(|p| *p != account && !t.iter().any(|x| x == p))
            });
            if untrusted {
                Status::Untrusted
            } else if version.is_some_and(|v| v < required_version) {
                Status::Outdated
            } else {
                Status::Bootstrapped
            }
        }
    }
}

/// Parses the `TrustedAccounts` parameter value: CloudFormation gives a CommaDelimitedList as
/// `1,2`; moto gives a Python list repr `['1', '2']`. Both are accepted; empties are dropped.
pub fn parse_account_list(value: &str) -> Vec<String> {
    let v = value.trim();
    let v = v
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(v);
    v.split(',')
        .map(|s| s.trim().trim_matches(|c| c == '\'' || c == '"').trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_lists_parse_in_both_forms() {
        assert_eq!(parse_account_list("1,2"), vec!["1", "2"]);
        assert_eq!(parse_account_list("['1', '2']"), vec!["1", "2"]);
        assert_eq!(parse_account_list("[\"1\"]"), vec!["1"]);
        assert!(parse_account_list("").is_empty());
        assert!(parse_account_list("[]").is_empty());
        assert!(parse_account_list("['']").is_empty());
        assert_eq!(parse_account_list(" 111111111111 "), vec!["111111111111"]);
    }

    #[test]
    fn classification_is_worst_first_and_self_needs_no_trust() {
        let b = |v: u32, t: &[&str]| Observation::Bootstrapped {
            version: Some(v),
            trusted: Some(t.iter().map(|s| s.to_string()).collect()),
        };
        let a = "111111111111";
        let p = "999999999999";
        assert_eq!(classify(&b(21, &[p]), a, &[p], 6), Status::Bootstrapped);
        assert_eq!(classify(&b(21, &[]), a, &[p], 6), Status::Untrusted);
        assert_eq!(classify(&b(3, &[]), a, &[p], 6), Status::Untrusted);
        assert_eq!(classify(&b(3, &[p]), a, &[p], 6), Status::Outdated);
        assert_eq!(classify(&b(21, &[]), p, &[p], 6), Status::Bootstrapped);
        let unread = Observation::Bootstrapped {
            version: Some(21),
            trusted: None,
        };
        assert_eq!(classify(&unread, a, &[p], 6), Status::Bootstrapped);
        let none = Observation::NotBootstrapped { reason: None };
        assert_eq!(classify(&none, a, &[p], 6), Status::NotBootstrapped);
    }
}
