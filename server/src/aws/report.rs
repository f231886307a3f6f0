//! From needs and observations to one report per env: its status for the pipelines that
//! deploy there, the stages that need it, and the command that fixes it. Pure; shared by
//! `bootstrap-status` and the bootstrap diagnostics.

use std::collections::{BTreeMap, HashSet};

use super::{
    bootstrap_command, classify, EnvKey, Need, NeedKind, Observation, Status,
    DEFAULT_REQUIRED_VERSION,
};

/// One env, as `bootstrap-status` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetReport {
    pub key: EnvKey,
    pub status: Status,
    /// The bootstrap version seen, when known.
    pub version: Option<u32>,
    /// The accounts the env trusts (empty when unknown or none).
    pub trusted_accounts: Vec<String>,
    /// Names of the stages that deploy here (for a support region: that deploy to the region).
    pub needed_by: Vec<String>,
    /// Only needed as the pipeline account's cross-region support env, by no stage directly.
    pub support_region_only: bool,
    /// The accounts of the pipelines that deploy here (must be trusted, except the env's own).
    pub pipeline_accounts: Vec<String>,
    /// `cdk bootstrap …` when the status asks for it and the inputs are valid.
    pub fix: Option<Vec<String>>,
    /// Why: the probe's reason for unknown, or what is wrong, for a person.
    pub reason: Option<String>,
}

/// One report per env in `needs` (each need with its app's qualifier), in key order. Envs
/// without an observation are unknown.
pub fn report(
    needs: &[(Need, String)],
    observations: &BTreeMap<EnvKey, Observation>,
) -> Vec<TargetReport> {
    let mut by_key: BTreeMap<EnvKey, Vec<&Need>> = BTreeMap::new();
    for (n, q) in needs {
        by_key.entry(n.key(q)).or_default().push(n);
    }
    by_key
        .into_iter()
        .map(|(key, needs)| target_report(key, &needs, observations))
        .collect()
}

pub(crate) fn target_report(
    key: EnvKey,
    needs: &[&Need],
    observations: &BTreeMap<EnvKey, Observation>,
) -> TargetReport {
    let missing = Observation::Unknown {
        reason: "not checked".into(),
    };
    let obs = observations.get(&key).unwrap_or(&missing);
    let mut pipeline_accounts: Vec<String> = Vec::new();
    let mut needed_by: Vec<String> = Vec::new();
    // Thousands of stages may share one env: the lists keep their first-seen order, the sets
    // keep it linear.
    let mut seen_accounts: HashSet<&str> = HashSet::new();
    let mut seen_names: HashSet<&str> = HashSet::new();
    for n in needs {
        if let Some(pa) = &n.pipeline_account {
            if seen_accounts.insert(pa) {
                pipeline_accounts.push(pa.clone());
            }
        }
        let name = n.stage_name.as_deref().unwrap_or("(unnamed)");
        if seen_names.insert(name) {
            needed_by.push(name.to_string());
        }
    }
    let support_region_only = needs.iter().all(|n| n.kind == NeedKind::SupportRegion);
    let pas: Vec<&str> = pipeline_accounts.iter().map(String::as_str).collect();
    let status = classify(obs, &key.account, &pas, DEFAULT_REQUIRED_VERSION);
    let (version, trusted) = match obs {
        Observation::Bootstrapped { version, trusted } => {
            (*version, trusted.clone().unwrap_or_default())
        }
        _ => (None, Vec::new()),
    };
    let untrusting: Vec<&str> = pas
        .iter()
        .copied()
        .filter(|p| *p != key.account && !trusted.iter().any(|t| t == p))
        .collect();
    let reason = match (status, obs) {
        (Status::Unknown, Observation::Unknown { reason }) => Some(reason.clone()),
        (Status::NotBootstrapped, Observation::NotBootstrapped { reason: Some(r) }) => {
            Some(r.clone())
        }
        (Status::NotBootstrapped, _) => Some(format!(
            "no {} stack and no /cdk-bootstrap/{}/version parameter",
            super::TOOLKIT_STACK,
            key.qualifier
        )),
        (Status::Untrusted, _) => Some(format!(
            "does not trust the pipeline account {}",
            untrusting.join(", ")
        )),
        (Status::Outdated, _) => Some(format!(
            "bootstrap version {} is older than {DEFAULT_REQUIRED_VERSION}",
            version.unwrap_or(0)
        )),
        _ => None,
    };
    let fix = match status {
        Status::NotBootstrapped | Status::Untrusted | Status::Outdated => {
            // The pipelines' accounts first, then whatever the env already trusts.
            let mut keep: Vec<String> = pipeline_accounts.iter().skip(1).cloned().collect();
            keep.extend(trusted.iter().cloned());
            pipeline_accounts.first().and_then(|pa| {
                bootstrap_command(&key.account, &key.region, pa, &keep, &key.qualifier)
            })
        }
        _ => None,
    };
    TargetReport {
        key,
        status,
        version,
        trusted_accounts: trusted,
        needed_by,
        support_region_only,
        pipeline_accounts,
        fix,
        reason,
    }
}
