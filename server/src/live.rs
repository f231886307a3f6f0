//! The live pipeline: which commit is in which stage, what is waiting, and where the deployed
//! pipeline differs from the code. Pure except for [`LiveClient`] (its calls are in
//! `live/sdk.rs`, the `aws` feature) and [`git_facts`].
//!
//! - [`locate`]: where a pipeline of the model is deployed (its `pipeline_name`, or the pipeline
//!   resource of the stack CDK names after the app's stack id), in which account and region.
//! - [`LiveClient::fetch`]: finds it (CloudFormation `ListStackResources`, or the name) and reads
//!   it (CodePipeline `GetPipeline`, `GetPipelineState`, `ListPipelineExecutions`, then
//!   `GetPipelineExecution` for a stage whose execution that list did not have), with the
//!   bootstrap probe's credentials, timeouts and reasons (`aws::sdk`).
//! - [`views`]: the code's predicted stages joined with the live ones, and [`drift`]: what differs.
//!
//! Only in a trusted workspace (the client takes the proof), never on the typing path.

pub mod cache;
#[cfg(feature = "aws")]
mod sdk;

use std::path::Path;
use std::time::Duration;

use crate::model::{EnvState, Pipeline, PropValue, Span};
use crate::predict::Prediction;
use crate::trust::Trusted;

/// How the deployed pipeline is found.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Find {
    /// The code sets `pipeline_name`: CodePipeline's name.
    Named(String),
    /// The pipeline resource in a CloudFormation stack: `stack` is the name CDK gives the
    /// pipeline stack (the app's construct id for it); `construct_id` the pipeline's own id,
    /// which starts the resource's logical id when the stack holds several pipelines.
    InStack { stack: String, construct_id: String },
}

/// Where one pipeline of the code is deployed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Locator {
    /// `None`: the pipeline stack is env-agnostic; it is looked for in the credentials'
    /// account.
    pub account: Option<String>,
    /// `None`: env-agnostic; the SDK's region (`AWS_REGION`, the profile's).
    pub region: Option<String>,
    /// The app's bootstrap qualifier: names the lookup role used in another account.
    pub qualifier: String,
    pub find: Find,
}

impl Locator {
    /// `payments` or `stack PaymentsPipeline`, for a person.
    pub fn describe(&self) -> String {
        let place = match (&self.account, &self.region) {
            (Some(a), Some(r)) => format!(" in aws://{a}/{r}"),
            _ => " in the credentials' account and region".to_string(),
        };
        match &self.find {
            Find::Named(n) => format!("pipeline {n}{place}"),
            Find::InStack { stack, .. } => format!("the pipeline of stack {stack}{place}"),
        }
    }
}

/// Where each instance of a pipeline of the model is deployed: one locator per stack the app
/// creates (`PipelineStack(app, "A")`, `PipelineStack(app, "B")`), or one by name. `Err` says
/// why pipelens cannot tell.
pub fn locate(p: &Pipeline, qualifier: &str) -> Result<Vec<Locator>, String> {
    let (account, region) = match &p.env {
        EnvState::Missing => (None, None),
        EnvState::Given(_) => match (p.env.account(), p.env.region()) {
            (Some(a), Some(r))
                if crate::rules::is_account_id(a) && crate::aws::is_valid_region(r) =>
            {
                (Some(a.to_string()), Some(r.to_string()))
            }
            (Some(_), Some(_)) => {
                return Err("the pipeline stack's account or region is not a valid one".into())
            }
            _ => {
                return Err(
                    "the pipeline stack's account or region is only known when the app runs".into(),
                )
            }
        },
        EnvState::Unknown => {
            return Err("the pipeline stack's env is only known when the app runs".into())
        }
    };
    let at = |find| Locator {
        account: account.clone(),
        region: region.clone(),
        qualifier: qualifier.to_string(),
        find,
    };
    if let Some(prop) = p.prop("pipeline_name") {
        return match &prop.value {
            PropValue::Str(s) if !s.is_empty() => {
                // One name: a stack created twice in one env would fail to deploy anyway.
                Ok(vec![at(Find::Named(s.clone()))])
            }
            PropValue::Null => Err("the pipeline name is None".into()),
            _ => Err("the pipeline name is only known when the app runs".into()),
        };
    }
    if p.props_open {
        return Err(
            "the pipeline's props are spread from a value pipelens cannot read (it may set \
             pipeline_name)"
                .into(),
        );
    }
    let Some(id) = &p.id else {
        return Err("the pipeline's construct id is only known when the app runs".into());
    };
    if p.stack_ids.is_empty() {
        return Err(
            "pipelens cannot tell the pipeline stack's name: the app does not create it with a \
             literal id (set pipeline_name to find the pipeline by name)"
                .into(),
        );
    }
    Ok(p.stack_ids
        .iter()
        .map(|stack| {
            at(Find::InStack {
                stack: stack.clone(),
                construct_id: id.clone(),
            })
        })
        .collect())
}

/// The human part of the logical id CDK gives a pipeline construct's `AWS::CodePipeline::
/// Pipeline` resource (`<id>/Pipeline/Resource`: consecutive duplicates and `Resource`
/// dropped, non-alphanumerics removed); 8 hex digits of a hash follow it.
pub fn logical_id_prefix(construct_id: &str) -> String {
    let mut parts = vec![construct_id, "Pipeline"];
    parts.dedup();
    parts
        .iter()
        .flat_map(|p| p.chars().filter(char::is_ascii_alphanumeric))
        .collect()
}

/// Whether `logical_id` is `prefix` followed by CDK's 8 uppercase hex digits.
pub fn is_logical_id_of(logical_id: &str, prefix: &str) -> bool {
    logical_id.strip_prefix(prefix).is_some_and(|hash| {
        hash.len() == 8
            && hash
                .chars()
                .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))
    })
}

/// One source revision an execution ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// The source action (`acme_payments`), when the API says.
    pub action: Option<String>,
    /// The commit id (or S3 version, image digest).
    pub id: String,
    /// The commit message's first line, when the source gives one.
    pub summary: Option<String>,
    pub url: Option<String>,
}

impl Revision {
    /// The first 7 characters of a commit id; other revision ids whole.
    pub fn short(&self) -> &str {
        let is_sha = self.id.len() >= 7 && self.id.chars().all(|c| c.is_ascii_hexdigit());
        if is_sha {
            &self.id[..7]
        } else {
            &self.id
        }
    }
}

/// A revision summary as CodePipeline gives it: a CodeStar connection's is json
/// (`{"ProviderType":"GitHub","CommitMessage":"…"}`), CodeCommit's the message. The first
/// line, at most 72 characters.
pub fn summary_line(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let json = raw
        .starts_with('{')
        .then(|| serde_json::from_str::<serde_json::Value>(raw).ok())
        .flatten();
    let message = match json {
        Some(v) => v
            .get("CommitMessage")
            .and_then(|m| m.as_str())
            .unwrap_or_default()
            .to_string(),
        None => raw.to_string(),
    };
    let line = message.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        return None;
    }
    let mut out: String = line.chars().take(72).collect();
    if line.chars().count() > 72 {
        out.push('…');
    }
    Some(out)
}

/// One execution of the pipeline, from `ListPipelineExecutions` (or `GetPipelineExecution`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Execution {
    pub id: String,
    /// `InProgress`, `Succeeded`, `Failed`, `Stopped`, `Stopping`, `Superseded`, `Cancelled`.
    pub status: String,
    /// Seconds since the epoch.
    pub started: Option<i64>,
    pub revisions: Vec<Revision>,
}

/// An action waiting for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub action: String,
    /// When it started waiting (seconds since the epoch).
    pub since: Option<i64>,
    /// The token `PutApprovalResult` needs.
    pub token: Option<String>,
}

/// A failed action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub action: String,
    pub summary: String,
    /// The action's own page (the CodeBuild run, the change set), when the API gives one.
    pub url: Option<String>,
}

/// One stage as it is now (`GetPipelineState`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StageState {
    pub name: String,
    /// The stage's latest execution: `InProgress`, `Failed`, `Stopped`, `Stopping`,
    /// `Succeeded`, `Cancelled`, `Skipped`; `None` when it never ran.
    pub status: Option<String>,
    pub execution_id: Option<String>,
    /// What that execution ran; empty when the API did not say.
    pub revisions: Vec<Revision>,
    /// The latest change of any of its actions (seconds since the epoch).
    pub changed: Option<i64>,
    /// The transition into the stage is disabled: the reason given (may be empty).
    pub transition_disabled: Option<String>,
    pub approvals: Vec<Approval>,
    pub failures: Vec<Failure>,
}

/// One stage of the deployed definition (`GetPipeline`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageDecl {
    pub name: String,
    /// Action names, in declaration order.
    pub actions: Vec<String>,
    /// The names of its `Approval` actions.
    pub approvals: Vec<String>,
}

/// A deployed pipeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LivePipeline {
    pub name: String,
    pub account: String,
    pub region: String,
    /// `GetPipeline`'s version and when it was last updated (seconds since the epoch).
    pub version: Option<i32>,
    pub updated: Option<i64>,
    pub structure: Vec<StageDecl>,
    /// `GetPipelineState`; empty with [`LivePipeline::state_unknown`] set when that failed.
    pub stages: Vec<StageState>,
    pub state_unknown: Option<String>,
    /// The latest executions, newest first.
    pub executions: Vec<Execution>,
    /// `ListPipelineExecutions` failed: why (the stages' revisions may then be missing).
    pub executions_unknown: Option<String>,
}

impl LivePipeline {
    /// The pipeline's page in the AWS console.
    pub fn console_url(&self) -> String {
        console_url(&self.name, &self.region)
    }
}

/// `https://<region>.console.aws.amazon.com/codesuite/codepipeline/pipelines/<name>/view`
/// (the China partition's console in its regions).
pub fn console_url(name: &str, region: &str) -> String {
    let host = if region.starts_with("cn-") {
        "console.amazonaws.cn".to_string()
    } else if region.starts_with("us-gov-") {
        "console.amazonaws-us-gov.com".to_string()
    } else {
        format!("{region}.console.aws.amazon.com")
    };
    let name: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.@".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("https://{host}/codesuite/codepipeline/pipelines/{name}/view?region={region}")
}

/// What is known of one locator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Live {
    Found(LivePipeline),
    /// Looked, and it is not there (no such pipeline, stack, or resource): the reason says
    /// where pipelens looked.
    NotFound {
        reason: String,
    },
    /// Could not look: no credentials, access denied, endpoint down, timeout.
    Unknown {
        reason: String,
    },
}

/// What was read of one deployed pipeline (with the clone's facts about it), and when.
#[derive(Debug)]
pub struct LiveEntry {
    pub live: Live,
    pub git: GitFacts,
    pub at: std::time::SystemTime,
}

/// How the client runs.
#[derive(Clone, Debug)]
pub struct LiveOptions {
    pub profile: Option<String>,
    /// One attempt of one API call.
    pub call_timeout: Duration,
    /// One pipeline, all calls together.
    pub deadline: Duration,
    /// Executions read per pipeline.
    pub executions: i32,
    /// How long where a stack's pipeline was found is kept (the bootstrap cache's TTL).
    pub cache_ttl: Duration,
    /// `cache::FoundCache`'s file; `None`: memory only.
    pub cache_path: Option<std::path::PathBuf>,
}

impl LiveOptions {
    pub fn from_settings(settings: &crate::workspace::Settings) -> LiveOptions {
        LiveOptions {
            profile: settings.aws_profile.clone(),
            call_timeout: Duration::from_secs(5),
            deadline: Duration::from_secs(20),
            executions: 25,
            cache_ttl: Duration::from_secs(settings.bootstrap_cache_ttl_seconds),
            cache_path: cache::FoundCache::default_path(),
        }
    }
}

/// Reads deployed pipelines. Calls AWS with the user's credentials, so it is made only in a
/// trusted workspace. Remembers where a stack's pipeline was found (`cache`: in memory and on
/// disk, for the bootstrap cache's TTL); the state itself is read on every fetch.
pub struct LiveClient {
    opts: LiveOptions,
    /// Held as the proof; the SDK configuration is made with it.
    #[cfg_attr(not(feature = "aws"), allow(dead_code))]
    trusted: Trusted,
    #[cfg(feature = "aws")]
    session: sdk::Session,
}

impl std::fmt::Debug for LiveClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveClient")
            .field("opts", &self.opts)
            .finish()
    }
}

impl LiveClient {
    pub fn new(opts: LiveOptions, trusted: Trusted) -> LiveClient {
        LiveClient {
            #[cfg(feature = "aws")]
            session: sdk::Session::new(&opts),
            trusted,
            opts,
        }
    }
}

/// A person's answer to a waiting manual approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The deployed pipeline's name.
    pub pipeline: String,
    pub stage: String,
    pub action: String,
    /// The token `GetPipelineState` gave the waiting approval.
    pub token: String,
    /// Approve (else reject).
    pub approve: bool,
    /// What the user typed (CodePipeline keeps it with the approval).
    pub summary: String,
}

#[cfg(not(feature = "aws"))]
impl LiveClient {
    /// Without the SDK nothing can be decided.
    pub async fn decide(&self, _at: &Locator, _d: &Decision) -> Result<(), String> {
        Err(crate::aws::probe::NO_AWS_SUPPORT.to_string())
    }

    /// Without the SDK nothing can be read: unknown, at once.
    pub async fn fetch(&self, _at: &Locator, _refresh: bool) -> Live {
        Live::Unknown {
            reason: crate::aws::probe::NO_AWS_SUPPORT.to_string(),
        }
    }
}

/// A stage of the code joined with the deployed one.
#[derive(Clone, Debug, PartialEq)]
pub struct StageView {
    pub name: String,
    /// Where the code creates it; `None` for a stage only the deployed pipeline has.
    pub span: Option<Span>,
    /// The prediction is sure of this stage.
    pub certain: bool,
    /// `None`: not in the deployed pipeline.
    pub live: Option<StageState>,
    /// In the deployed definition (`GetPipeline`).
    pub deployed: bool,
    /// `GetPipelineState` failed: why. No stage's state is known.
    pub state_unknown: Option<String>,
}

impl StageView {
    /// The stage's status word: `succeeded`, `in-progress`, `waiting` (an approval),
    /// `failed`, `stopping`, `stopped`, `cancelled`, `skipped`, `not-run`, `not-deployed`,
    /// `live-only`, or `unknown`: the stage's state could not be read, or the prediction is not
    /// sure of a stage the deployed pipeline does not have under that name.
    pub fn status(&self) -> &'static str {
        if !self.deployed {
            return if self.certain {
                "not-deployed"
            } else {
                "unknown"
            };
        }
        if self.span.is_none() {
            return "live-only";
        }
        if self.state_unknown.is_some() {
            return "unknown";
        }
        let Some(live) = &self.live else {
            return "not-run";
        };
        if !live.approvals.is_empty() {
            return "waiting";
        }
        match live.status.as_deref() {
            None => "not-run",
            Some("Succeeded") => "succeeded",
            Some("InProgress") => "in-progress",
            Some("Failed") => "failed",
            Some("Stopped") => "stopped",
            Some("Stopping") => "stopping",
            Some("Cancelled") => "cancelled",
            Some("Skipped") => "skipped",
            Some(_) => "unknown",
        }
    }
}

/// The code's stages (predicted) in order, each with its deployed state; then, when the code's
/// pipeline is `complete` and every predicted stage certain, the deployed stages the code does
/// not have (else they may be the code's under a name the prediction is not sure of).
pub fn views(prediction: &Prediction, live: &LivePipeline, complete: bool) -> Vec<StageView> {
    let mut out: Vec<StageView> = prediction
        .stages
        .iter()
        .map(|s| StageView {
            name: s.name.clone(),
            span: Some(s.span),
            certain: s.certain,
            live: live.stages.iter().find(|l| l.name == s.name).cloned(),
            deployed: live.structure.iter().any(|d| d.name == s.name)
                || live.stages.iter().any(|l| l.name == s.name),
            state_unknown: live.state_unknown.clone(),
        })
        .collect();
    let all_certain = complete && prediction.stages.iter().all(|s| s.certain);
    for d in live.structure.iter().filter(|_| all_certain) {
        if !out.iter().any(|v| v.name == d.name) {
            out.push(StageView {
                name: d.name.clone(),
                span: None,
                certain: true,
                live: live.stages.iter().find(|l| l.name == d.name).cloned(),
                deployed: true,
                state_unknown: live.state_unknown.clone(),
            });
        }
    }
    out
}

impl StageView {
    /// One short line for the editor, beside the stage: `✓ 3f2a9c1 · 2 h ago`,
    /// `⏸ approval PromoteToProd waiting 25 min`, `✗ failed: Api.Deploy: <why>`,
    /// `+ not deployed yet: the next run adds it`.
    pub fn summary(&self, at: i64) -> String {
        let live = self.live.as_ref();
        let commit = live
            .and_then(|l| l.revisions.first())
            .map(|r| r.short().to_string());
        let when = live.and_then(|l| l.changed).map(|c| ago(c, at));
        let joined = |parts: Vec<Option<String>>| {
            parts.into_iter().flatten().collect::<Vec<_>>().join(" · ")
        };
        match self.status() {
            "not-deployed" => "+ not deployed yet: the next run's UpdatePipeline adds it".into(),
            "unknown" if self.state_unknown.is_some() => "? state not read".into(),
            "unknown" if !self.deployed => {
                "? not deployed under this name (the prediction is not sure of it)".into()
            }
            "live-only" => "− deployed, not in the code".into(),
            "not-run" => "· not run yet".into(),
            "waiting" => match live.and_then(|l| l.approvals.first()) {
                Some(a) => match a.since {
                    Some(s) => format!("⏸ approval {} waiting {}", a.action, since(s, at)),
                    None => format!("⏸ approval {} waiting", a.action),
                },
                None => "⏸ waiting".into(),
            },
            "failed" => {
                let f = live.and_then(|l| l.failures.first());
                match f {
                    Some(f) => {
                        let why: String = f.summary.chars().take(60).collect();
                        let more = if f.summary.chars().count() > 60 {
                            "…"
                        } else {
                            ""
                        };
                        format!("✗ failed: {}: {why}{more}", f.action)
                    }
                    None => joined(vec![Some("✗ failed".into()), commit, when]),
                }
            }
            "in-progress" => joined(vec![Some("▶ running".into()), commit, when]),
            "succeeded" => joined(vec![Some("✓".into()), commit, when]).replacen(" · ", " ", 1),
            other => joined(vec![Some(format!("■ {other}")), commit, when]),
        }
    }
}

/// The stage in which a self-mutating pipeline updates itself.
pub const UPDATE_PIPELINE: &str = "UpdatePipeline";

/// Whether the model has all of a pipeline's stages: none added where the model does not
/// follow, none cut off, no props it cannot read.
pub fn complete(p: &Pipeline) -> bool {
    !p.added_elsewhere && p.cut.is_none() && !p.props_open
}

/// One difference between the code and the deployed pipeline.
#[derive(Clone, Debug, PartialEq)]
pub enum Drift {
    /// A stage of the code the deployed pipeline lacks: the next run's UpdatePipeline adds it.
    StageNotDeployed { stage: String, span: Span },
    /// A deployed stage the code does not make.
    StageOnlyLive { stage: String },
    /// An action of a stage both have, in the code only.
    ActionNotDeployed {
        stage: String,
        action: String,
        span: Span,
    },
    /// An action of a stage both have, deployed only.
    ActionOnlyLive {
        stage: String,
        action: String,
        span: Span,
    },
    /// The last commit that changed the pipeline's file is not in the revision the pipeline
    /// last updated itself with (its UpdatePipeline stage succeeded with an older one): the
    /// deployed pipeline is older than the code.
    NotSelfMutated { commit: String, span: Span },
}

impl Drift {
    /// `stage-not-deployed`, …: the json `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Drift::StageNotDeployed { .. } => "stage-not-deployed",
            Drift::StageOnlyLive { .. } => "stage-only-live",
            Drift::ActionNotDeployed { .. } => "action-not-deployed",
            Drift::ActionOnlyLive { .. } => "action-only-live",
            Drift::NotSelfMutated { .. } => "older-than-code",
        }
    }

    pub fn stage(&self) -> Option<&str> {
        match self {
            Drift::StageNotDeployed { stage, .. }
            | Drift::StageOnlyLive { stage }
            | Drift::ActionNotDeployed { stage, .. }
            | Drift::ActionOnlyLive { stage, .. } => Some(stage),
            Drift::NotSelfMutated { .. } => Some(UPDATE_PIPELINE),
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            Drift::StageNotDeployed { span, .. }
            | Drift::ActionNotDeployed { span, .. }
            | Drift::ActionOnlyLive { span, .. }
            | Drift::NotSelfMutated { span, .. } => Some(*span),
            Drift::StageOnlyLive { .. } => None,
        }
    }

    /// One sentence for a person.
    pub fn message(&self) -> String {
        match self {
            Drift::StageNotDeployed { stage, .. } => {
                format!("stage {stage} is not deployed yet: the next run's UpdatePipeline adds it")
            }
            Drift::StageOnlyLive { stage } => format!(
                "the deployed pipeline has a stage {stage} the code does not make: the next \
                 run's UpdatePipeline removes it"
            ),
            Drift::ActionNotDeployed { stage, action, .. } => format!(
                "action {action} of stage {stage} is not deployed yet: the next run's \
                 UpdatePipeline adds it"
            ),
            Drift::ActionOnlyLive { stage, action, .. } => {
                format!("the deployed stage {stage} has an action {action} the code does not make")
            }
            Drift::NotSelfMutated { commit, .. } => format!(
                "the deployed pipeline is older than the code: the last commit that changed \
                 this file ({}) has not run through UpdatePipeline yet",
                &commit[..commit.len().min(7)]
            ),
        }
    }
}

/// What differs between the code's pipeline and the deployed one. A stage the prediction is
/// not sure of is never reported, and nothing is said of deployed stages the code lacks when
/// the code has unsure stages or adds stages elsewhere (they may be those). `file_change`
/// ([`GitFacts::file_change`]): the deployed pipeline is older than the code only when the
/// clone says the revision UpdatePipeline last succeeded with lacks the file's last commit
/// (when the deployed definition was updated says nothing: CloudFormation updates it only
/// when the definition changes).
pub fn drift(
    prediction: &Prediction,
    live: &LivePipeline,
    complete: bool,
    file_change: Option<&(String, Option<bool>)>,
) -> Vec<Drift> {
    let mut out = Vec::new();
    if live.structure.is_empty() {
        return out;
    }
    let all_certain = complete && prediction.stages.iter().all(|s| s.certain);
    for s in &prediction.stages {
        let Some(d) = live.structure.iter().find(|d| d.name == s.name) else {
            if s.certain {
                out.push(Drift::StageNotDeployed {
                    stage: s.name.clone(),
                    span: s.span,
                });
            }
            continue;
        };
        if !s.certain {
            continue;
        }
        for a in &s.actions {
            if !d.actions.contains(&a.name) {
                out.push(Drift::ActionNotDeployed {
                    stage: s.name.clone(),
                    action: a.name.clone(),
                    span: a.span,
                });
            }
        }
        for x in &d.actions {
            if !s.actions.iter().any(|a| a.name == *x) {
                out.push(Drift::ActionOnlyLive {
                    stage: s.name.clone(),
                    action: x.clone(),
                    span: s.span,
                });
            }
        }
    }
    if all_certain {
        for d in &live.structure {
            if !prediction.stages.iter().any(|s| s.name == d.name) {
                out.push(Drift::StageOnlyLive {
                    stage: d.name.clone(),
                });
            }
        }
    }
    if let (Some((commit, Some(false))), Some(stage)) = (
        file_change,
        prediction.stages.iter().find(|s| s.name == UPDATE_PIPELINE),
    ) {
        out.push(Drift::NotSelfMutated {
            commit: commit.clone(),
            span: stage.span,
        });
    }
    out
}

/// Seconds since the epoch, now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `just now`, `25 min ago`, `2 h ago`, `3 d ago`.
pub fn ago(at: i64, now: i64) -> String {
    let s = (now - at).max(0);
    match s {
        0..=59 => "just now".into(),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=172_799 => format!("{} h ago", s / 3600),
        _ => format!("{} d ago", s / 86_400),
    }
}

/// `25 min`, `2 h`: how long something has been going on.
pub fn since(at: i64, now: i64) -> String {
    ago(at, now).trim_end_matches(" ago").to_string()
}

/// What the local repository says about the deployed revisions: the author and subject of
/// each commit it has, HEAD, and whether HEAD is on a remote branch. Starts `git` (hardened,
/// `git.rs`): never on the typing path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GitFacts {
    pub head: Option<String>,
    /// Some remote-tracking branch contains HEAD.
    pub head_pushed: Option<bool>,
    /// (commit id, author, subject).
    pub commits: Vec<(String, String, String)>,
    /// The last commit that changed the pipeline's file, and whether the revision the
    /// pipeline's UpdatePipeline stage last succeeded with contains it (`None`: not known: no
    /// such run, or a commit this clone does not have).
    pub file_change: Option<(String, Option<bool>)>,
}

impl GitFacts {
    pub fn author(&self, id: &str) -> Option<&str> {
        self.commits
            .iter()
            .find(|(c, _, _)| c == id)
            .map(|(_, a, _)| a.as_str())
    }
    pub fn subject(&self, id: &str) -> Option<&str> {
        self.commits
            .iter()
            .find(|(c, _, _)| c == id)
            .map(|(_, _, s)| s.as_str())
    }
}

/// [`GitFacts`] for the pipeline in `file` and the revisions the live pipeline ran.
pub fn git_facts(file: &Path, live: Option<&LivePipeline>, trusted: Trusted) -> GitFacts {
    let mut facts = GitFacts::default();
    let Ok(Ok(repo)) = crate::git::Repo::discover(file, trusted) else {
        return facts;
    };
    facts.head = repo.head();
    if let Some(head) = &facts.head {
        facts.head_pushed = repo.on_remote_branch(head);
    }
    if let Some(rel) = repo.relative(file) {
        if let Some(commit) = repo.last_commit_of(&rel) {
            let mutated = live.and_then(|l| {
                let s = l.stages.iter().find(|s| s.name == UPDATE_PIPELINE)?;
                if s.status.as_deref() != Some("Succeeded") {
                    return None;
                }
                repo.is_ancestor(&commit, &s.revisions.first()?.id)
            });
            facts.file_change = Some((commit, mutated));
        }
    }
    let mut ids: Vec<&str> = Vec::new();
    if let Some(live) = live {
        for r in live
            .stages
            .iter()
            .flat_map(|s| &s.revisions)
            .chain(live.executions.iter().flat_map(|e| &e.revisions))
        {
            if !ids.contains(&r.id.as_str()) {
                ids.push(&r.id);
            }
        }
    }
    for id in ids.into_iter().take(50) {
        if let Some((author, subject)) = repo.commit_author(id) {
            facts.commits.push((id.to_string(), author, subject));
        }
    }
    facts
}

/// Where HEAD is: the stages of the code whose latest execution ran it and succeeded (a stage
/// that failed, waits or runs with it is not "in" it), whether a running execution carries it,
/// or that it has not been pushed (or not run yet).
pub fn head_status(views: &[StageView], live: &LivePipeline, git: &GitFacts) -> Option<String> {
    let head = git.head.as_ref()?;
    let short = &head[..head.len().min(7)];
    let ran = |r: &[Revision]| r.iter().any(|r| r.id == *head);
    let with_code: Vec<&StageView> = views.iter().filter(|v| v.span.is_some()).collect();
    let deployed: Vec<&str> = with_code
        .iter()
        .filter(|v| v.status() == "succeeded" && v.live.as_ref().is_some_and(|l| ran(&l.revisions)))
        .map(|v| v.name.as_str())
        .collect();
    let running = live
        .executions
        .iter()
        .any(|e| e.status == "InProgress" && ran(&e.revisions));
    Some(
        if !deployed.is_empty() && deployed.len() == with_code.len() {
            format!("HEAD {short} is in every stage")
        } else if !deployed.is_empty() {
            format!(
                "HEAD {short} is in {}{}",
                deployed.join(", "),
                if running { "; its run goes on" } else { "" }
            )
        } else if running {
            format!("HEAD {short} is running through the pipeline")
        } else if git.head_pushed == Some(false) {
            format!("HEAD {short} is not pushed yet")
        } else {
            format!("HEAD {short} has not run yet")
        },
    )
}

#[cfg(test)]
mod tests;
