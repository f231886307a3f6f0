//! The bootstrap diagnostics, from the model and a probe's observations (pure: the probe
//! itself is in `aws/`, run in the background):
//!
//! - `unbootstrapped-target` (error): a stage's env has no bootstrap stack;
//! - `untrusted-target` (error): it is bootstrapped without `--trust <pipeline account>`;
//! - `outdated-bootstrap` (warning): its bootstrap version is older than CDK Pipelines needs;
//! - `unbootstrapped-support-region` (error): the pipeline account is not bootstrapped in a
//!   region a stage deploys to (CDK Pipelines deploys a cross-region support stack there);
//! - `bootstrap-unknown` (hint): the probe could not tell, once per reason.
//!
//! Each env is reported once, on the env of the first stage that needs it (the others are
//! related places), with the `cdk bootstrap` command that fixes it.

use std::collections::BTreeMap;

use super::{stage_name, Check, Diagnostic, Related, Rule, Severity};
use crate::aws::report::target_report;
use crate::aws::{gather, EnvKey, Need, NeedKind, Observation, Status};
use crate::model::{FileModel, Span};

pub const UNBOOTSTRAPPED_TARGET: &str = "unbootstrapped-target";
pub const UNTRUSTED_TARGET: &str = "untrusted-target";
pub const OUTDATED_BOOTSTRAP: &str = "outdated-bootstrap";
pub const UNBOOTSTRAPPED_SUPPORT_REGION: &str = "unbootstrapped-support-region";
pub const BOOTSTRAP_UNKNOWN: &str = "bootstrap-unknown";

/// Where the bootstrap rules run: not on the model alone.
const ELSEWHERE: Check = Check::Elsewhere(
    "`rules::bootstrap::check`, on the model and what the bootstrap probe (`aws/`) observed in \
     the target accounts: in the language server when the probe answers, in `pipelens check` \
     unless `--offline`",
);

pub const UNBOOTSTRAPPED_TARGET_RULE: Rule = Rule {
    code: UNBOOTSTRAPPED_TARGET,
    severities: &[Severity::Error],
    summary: "a stage's env is not bootstrapped (see [Bootstrap checks](#bootstrap-checks))",
    prevents: "deploy: the stage's deploy role does not exist",
    doc: "CDK Pipelines deploys each stage through the bootstrap roles of its account and \
          region (`cdk-<qualifier>-deploy-role-<account>-<region>`). Where `cdk bootstrap` has \
          not run, there is no such role and the stage fails. Run the `cdk bootstrap` command \
          the diagnostic gives (with `--trust <pipeline account>`).",
    check: ELSEWHERE,
    action: None,
};

pub const UNTRUSTED_TARGET_RULE: Rule = Rule {
    code: UNTRUSTED_TARGET,
    severities: &[Severity::Error],
    summary: "a stage's env is bootstrapped without `--trust <pipeline account>`",
    prevents: "deploy: the pipeline may not assume the stage's deploy role",
    doc: "A target account must trust the pipeline's account (bootstrap stack parameter \
          `TrustedAccounts`) for the pipeline to assume its deploy role; without it the \
          stage fails with AccessDenied. Bootstrap the env again with `--trust <pipeline \
          account>`.",
    check: ELSEWHERE,
    action: None,
};

pub const OUTDATED_BOOTSTRAP_RULE: Rule = Rule {
    code: OUTDATED_BOOTSTRAP,
    severities: &[Severity::Warning],
    summary: "a stage's env has a bootstrap version older than 6",
    prevents: "deploy: the stage needs a newer bootstrap stack",
    doc: "CDK Pipelines needs bootstrap version 6 or later in every target env (the SSM \
          parameter `/cdk-bootstrap/<qualifier>/version`). Run `cdk bootstrap` again there with \
          a current CDK CLI.",
    check: ELSEWHERE,
    action: None,
};

pub const UNBOOTSTRAPPED_SUPPORT_REGION_RULE: Rule = Rule {
    code: UNBOOTSTRAPPED_SUPPORT_REGION,
    severities: &[Severity::Error],
    summary: "the pipeline account is not bootstrapped in a region a stage deploys to",
    prevents: "deploy: the pipeline's cross-region support stack cannot deploy",
    doc: "For a stage in another region, CDK Pipelines deploys a support stack (an artifact \
          bucket) in that region of the pipeline's own account, which needs the pipeline \
          account bootstrapped there too. Run the `cdk bootstrap` command the diagnostic \
          gives.",
    check: ELSEWHERE,
    action: None,
};

pub const BOOTSTRAP_UNKNOWN_RULE: Rule = Rule {
    code: BOOTSTRAP_UNKNOWN,
    severities: &[Severity::Hint],
    summary: "the bootstrap could not be checked (no credentials, access denied, timeout…), \
              once per reason",
    prevents: "",
    doc: "The bootstrap probe could not tell whether an env is bootstrapped: no credentials, \
          no access to the account's lookup or deploy role, or no answer in time. Reported once \
          per reason, as a hint; nothing is wrong with the code.",
    check: ELSEWHERE,
    action: None,
};

/// Where a need points: the stage's env (in the file it is written in), else the stage call.
fn place(model: &FileModel, n: &Need) -> (Option<std::path::PathBuf>, Span) {
    let stage = &model.pipelines[n.pipeline].stages[n.stage];
    match stage.env.env() {
        Some(e) => (e.file.clone(), e.span),
        None => (None, stage.span),
    }
}

/// The bootstrap diagnostics of one file's model, given what the probe saw (keyed with the
/// app's `qualifier`).
pub fn check(
    model: &FileModel,
    qualifier: &str,
    observations: &BTreeMap<EnvKey, Observation>,
) -> Vec<Diagnostic> {
    let needs = gather(model);
    let mut by_key: BTreeMap<EnvKey, Vec<&Need>> = BTreeMap::new();
    let mut order: Vec<EnvKey> = Vec::new();
    for n in &needs {
        let k = n.key(qualifier);
        if !by_key.contains_key(&k) {
            order.push(k.clone());
        }
        by_key.entry(k).or_default().push(n);
    }
    let mut out = Vec::new();
    // Unknown envs, grouped by reason: (reason, first need, every env).
    let mut unknown: Vec<(String, &Need, Vec<String>)> = Vec::new();
    for key in order {
        let group = &by_key[&key];
        let report = target_report(key.clone(), group, observations);
        let env = format!("aws://{}/{}", key.account, key.region);
        // A stage's own need outranks the support-region one for the same env.
        let first = group
            .iter()
            .find(|n| n.kind == NeedKind::Stage)
            .or(group.first())
            .copied()
            .expect("a group has a need");
        let stages: Vec<String> = group
            .iter()
            .filter(|n| n.kind == NeedKind::Stage)
            .map(|n| stage_name(&n.stage_name))
            .collect();
        let stage_list = if stages.is_empty() {
            String::new()
        } else {
            stages.join(", ")
        };
        let run = report
            .fix
            .as_ref()
            .map(|argv| format!(" Run: {}", argv.join(" ")))
            .unwrap_or_default();
        let (code, severity, message) = match report.status {
            Status::Bootstrapped => continue,
            Status::Unknown => {
                let reason = report.reason.clone().unwrap_or_default();
                match unknown.iter_mut().find(|(r, _, _)| *r == reason) {
                    Some((_, _, envs)) => envs.push(env),
                    None => unknown.push((reason, first, vec![env])),
                }
                continue;
            }
            Status::NotBootstrapped if report.support_region_only => (
                UNBOOTSTRAPPED_SUPPORT_REGION,
                Severity::Error,
                format!(
                    "The pipeline account {} is not bootstrapped in {}, where stage {} deploys: \
                     CDK Pipelines puts a cross-region support stack (artifact bucket) there \
                     and the pipeline stack fails to deploy ({}).{run}",
                    key.account,
                    key.region,
                    stage_name(&first.stage_name),
                    report.reason.as_deref().unwrap_or("not bootstrapped"),
                ),
            ),
            Status::NotBootstrapped => (
                UNBOOTSTRAPPED_TARGET,
                Severity::Error,
                format!(
                    "{env} is not bootstrapped ({}): stage {stage_list} cannot deploy there.{run}",
                    report.reason.as_deref().unwrap_or("no CDKToolkit stack"),
                ),
            ),
            Status::Untrusted => (
                UNTRUSTED_TARGET,
                Severity::Error,
                format!(
                    "{env} is bootstrapped but {} (it trusts {}): the pipeline cannot assume \
                     its deploy role, so stage {stage_list} fails to deploy.{run}",
                    report
                        .reason
                        .as_deref()
                        .unwrap_or("does not trust the pipeline"),
                    if report.trusted_accounts.is_empty() {
                        "no other account".to_string()
                    } else {
                        report.trusted_accounts.join(", ")
                    },
                ),
            ),
            Status::Outdated => (
                OUTDATED_BOOTSTRAP,
                Severity::Warning,
                format!(
                    "{env} has bootstrap version {}; CDK Pipelines needs {} or later \
                     (re-run cdk bootstrap with a current CDK CLI).{run}",
                    report.version.unwrap_or(0),
                    crate::aws::DEFAULT_REQUIRED_VERSION,
                ),
            ),
        };
        let (file, span) = place(model, first);
        let mut d = Diagnostic::new(code, severity, span, message);
        d.file = file;
        d.command = report.fix.clone();
        for n in group.iter().filter(|n| !std::ptr::eq(**n, first)) {
            if n.kind == NeedKind::Stage {
                let (file, span) = place(model, n);
                d.related.push(Related {
                    file,
                    span,
                    message: format!("stage {} also deploys to {env}", stage_name(&n.stage_name)),
                });
            }
        }
        out.push(d);
    }
    for (reason, first, envs) in unknown {
        let (file, span) = place(model, first);
        let what = match envs.len() {
            1 => format!("whether {} is bootstrapped", envs[0]),
            2 => format!("whether {} and {} are bootstrapped", envs[0], envs[1]),
            n => format!(
                "whether {n} envs are bootstrapped ({} and {} more)",
                envs[0],
                n - 1
            ),
        };
        let mut d = Diagnostic::new(
            BOOTSTRAP_UNKNOWN,
            Severity::Hint,
            span,
            format!("Could not check {what}: {reason}"),
        );
        d.file = file;
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze_text;
    use crate::lang::{ExtraQueries, PYTHON};
    use crate::model::NoIndex;

    const SRC: &str = r#"
import aws_cdk as cdk
from aws_cdk import pipelines
class P(cdk.Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id, env=cdk.Environment(account="999999999999", region="us-east-1"))
        p = pipelines.CodePipeline(self, "P", cross_account_keys=True, synth=pipelines.ShellStep("S", commands=[]))
        p.add_stage(cdk.Stage(self, "Dev", env=cdk.Environment(account="111111111111", region="us-east-1")))
        p.add_stage(cdk.Stage(self, "Dev2", env=cdk.Environment(account="111111111111", region="us-east-1")))
        p.add_stage(cdk.Stage(self, "Stg", env=cdk.Environment(account="222222222222", region="eu-west-1")))
        p.add_stage(cdk.Stage(self, "Old", env=cdk.Environment(account="333333333333", region="us-east-1")))
        p.add_stage(cdk.Stage(self, "Far", env=cdk.Environment(account="444444444444", region="us-east-2")))
"#;

    fn obs(items: &[(&str, &str, Observation)]) -> BTreeMap<EnvKey, Observation> {
        items
            .iter()
            .map(|(a, r, o)| (EnvKey::new(a, r, "hnb659fds"), o.clone()))
            .collect()
    }

    fn boot(v: u32, trusted: &[&str]) -> Observation {
        Observation::Bootstrapped {
            version: Some(v),
            trusted: Some(trusted.iter().map(|s| s.to_string()).collect()),
        }
    }

    /// `code@line: message` for each diagnostic, lines 1-based.
    fn run(o: &BTreeMap<EnvKey, Observation>) -> Vec<(String, Diagnostic)> {
        let a = analyze_text(&PYTHON, SRC, None, &NoIndex, &ExtraQueries::default());
        check(&a.model, "hnb659fds", o)
            .into_iter()
            .map(|d| {
                let line = SRC[..d.span.start_byte].lines().count();
                (format!("{}@{line}", d.code), d)
            })
            .collect()
    }

    #[test]
    fn each_status_is_reported_once_on_the_env_that_needs_fixing() {
        let p = "999999999999";
        let o = obs(&[
            (
                "111111111111",
                "us-east-1",
                Observation::NotBootstrapped { reason: None },
            ),
            ("222222222222", "eu-west-1", boot(21, &["555555555555"])),
            (
                "999999999999",
                "eu-west-1",
                Observation::NotBootstrapped { reason: None },
            ),
            ("333333333333", "us-east-1", boot(3, &[p])),
            (
                "444444444444",
                "us-east-2",
                Observation::Unknown {
                    reason: "DescribeStacks timed out".into(),
                },
            ),
            (
                "999999999999",
                "us-east-2",
                Observation::Unknown {
                    reason: "DescribeStacks timed out".into(),
                },
            ),
        ]);
        let d = run(&o);
        let codes: Vec<&str> = d.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(
            codes,
            vec![
                "unbootstrapped-target@8",
                "untrusted-target@10",
                "unbootstrapped-support-region@10",
                "outdated-bootstrap@11",
                "bootstrap-unknown@12",
            ]
        );
        let get = |c: &str| &d.iter().find(|(k, _)| k.starts_with(c)).unwrap().1;
        let unb = get("unbootstrapped-target");
        assert_eq!(unb.severity, Severity::Error);
        assert_eq!(
            unb.related.len(),
            1,
            "Dev2 is a related place, not a second error"
        );
        assert_eq!(
            unb.command.as_ref().unwrap().join(" "),
            "cdk bootstrap aws://111111111111/us-east-1 --trust 999999999999 \
             --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess"
        );
        let untrusted = get("untrusted-target");
        assert_eq!(
            untrusted.command.as_ref().unwrap().join(" "),
            "cdk bootstrap aws://222222222222/eu-west-1 --trust 999999999999 --trust \
             555555555555 --cloudformation-execution-policies \
             arn:aws:iam::aws:policy/AdministratorAccess"
        );
        assert!(
            untrusted.message.contains("555555555555"),
            "{}",
            untrusted.message
        );
        let support = get("unbootstrapped-support-region");
        assert!(
            support
                .message
                .contains("999999999999 is not bootstrapped in eu-west-1"),
            "{}",
            support.message
        );
        assert_eq!(
            support.command.as_ref().unwrap().join(" "),
            "cdk bootstrap aws://999999999999/eu-west-1 --cloudformation-execution-policies \
             arn:aws:iam::aws:policy/AdministratorAccess"
        );
        assert_eq!(get("outdated-bootstrap").severity, Severity::Warning);
        let unknown = get("bootstrap-unknown");
        assert_eq!(unknown.severity, Severity::Hint);
        assert!(unknown.command.is_none());
        assert!(
            unknown
                .message
                .contains("whether aws://444444444444/us-east-2 and aws://"),
            "{}",
            unknown.message
        );
    }

    #[test]
    fn all_bootstrapped_and_trusting_is_silent() {
        let p = "999999999999";
        let o = obs(&[
            ("111111111111", "us-east-1", boot(21, &[p])),
            ("222222222222", "eu-west-1", boot(21, &[p])),
            ("999999999999", "eu-west-1", boot(21, &[])),
            ("333333333333", "us-east-1", boot(6, &[p])),
            ("444444444444", "us-east-2", boot(30, &[p, "1"])),
            ("999999999999", "us-east-2", boot(30, &[])),
        ]);
        assert!(run(&o).is_empty());
    }

    #[test]
    fn no_credentials_is_one_hint() {
        let d = run(&BTreeMap::new());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].0, "bootstrap-unknown@8");
    }
}
