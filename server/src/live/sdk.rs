//! The live pipeline's AWS SDK calls (the `aws` feature): [`LiveClient::fetch`].

use std::collections::HashMap;
use std::sync::Mutex;

use aws_config::{Region, SdkConfig};
use aws_sdk_codepipeline::error::ProvideErrorMetadata;
use aws_sdk_codepipeline::primitives::DateTime;
use aws_sdk_codepipeline::types::ActionCategory;

use super::cache::{self, FoundCache};
use super::{
    is_logical_id_of, logical_id_prefix, summary_line, Approval, Decision, Execution, Failure,
    Find, Live, LiveClient, LivePipeline, Locator, Revision, StageDecl, StageState,
};
use crate::aws::probe::Caller;
use crate::aws::sdk::{caller_identity, env_config, load_config, reason, Loaded};
use crate::aws::EnvKey;

/// What a client keeps between fetches: the SDK configuration, the caller, and where each
/// stack's pipeline was found.
pub(super) struct Session {
    config: tokio::sync::OnceCell<Loaded>,
    caller: Mutex<Option<Caller>>,
    found: FoundCache,
}

impl Session {
    pub(super) fn new(opts: &super::LiveOptions) -> Session {
        Session {
            config: tokio::sync::OnceCell::new(),
            caller: Mutex::new(None),
            found: FoundCache::new(opts.cache_ttl, opts.cache_path.clone()),
        }
    }
}

const SESSION_NAME: &str = "pipelens-live-pipeline";

const NO_REGION: &str = "the pipeline stack is env-agnostic and no AWS region is configured \
                         (AWS_REGION or the profile's region): pipelens does not guess one";

impl LiveClient {
    /// Finds and reads the pipeline `at` names. `refresh` forgets where it was found (and who
    /// the caller is) first. Never fails: what could not be read is [`Live::Unknown`] with a
    /// reason, within the deadline.
    pub async fn fetch(&self, at: &Locator, refresh: bool) -> Live {
        if refresh {
            self.session.found.clear();
            *self
                .session
                .caller
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = None;
        }
        match tokio::time::timeout(self.opts.deadline, self.fetch_inner(at)).await {
            Ok(live) => live,
            Err(_) => Live::Unknown {
                reason: format!(
                    "reading {} did not finish within {} s",
                    at.describe(),
                    self.opts.deadline.as_secs()
                ),
            },
        }
    }

    /// Approves or rejects a waiting approval of the pipeline `at` found (`PutApprovalResult`),
    /// with the user's summary. The caller asked the user first; this only carries the answer.
    /// `Err` says why it failed.
    pub async fn decide(&self, at: &Locator, d: &Decision) -> Result<(), String> {
        let caller = self.caller().await?;
        let loaded = self.loaded().await;
        // The decision is recorded under the identity that makes it: the user's own, never a
        // CDK role of the pipeline account (its lookup role may only read).
        let account = at.account.clone().unwrap_or_else(|| caller.account.clone());
        if account != caller.account {
            return Err(format!(
                "the pipeline is in account {account} and your credentials are for account {}: \
                 approve it in that account's console (the lens above the stage opens it)",
                caller.account
            ));
        }
        let region = self.region_of(at, loaded)?;
        let config = loaded
            .config
            .to_builder()
            .region(Region::new(region))
            .build();
        let status = if d.approve {
            aws_sdk_codepipeline::types::ApprovalStatus::Approved
        } else {
            aws_sdk_codepipeline::types::ApprovalStatus::Rejected
        };
        let result = aws_sdk_codepipeline::types::ApprovalResult::builder()
            .summary(&d.summary)
            .status(status)
            .build()
            .map_err(|e| e.to_string())?;
        let call = aws_sdk_codepipeline::Client::new(&config)
            .put_approval_result()
            .pipeline_name(&d.pipeline)
            .stage_name(&d.stage)
            .action_name(&d.action)
            .token(&d.token)
            .result(result)
            // Not idempotent: a retry after a lost answer would say "failed" for a decision
            // that was made.
            .customize()
            .config_override(
                aws_sdk_codepipeline::config::Builder::default()
                    .retry_config(aws_config::retry::RetryConfig::disabled()),
            )
            .send();
        match tokio::time::timeout(self.opts.deadline, call).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(reason("PutApprovalResult", &e)),
            Err(_) => Err("PutApprovalResult timed out".into()),
        }
    }

    async fn loaded(&self) -> &Loaded {
        self.session
            .config
            .get_or_init(|| {
                load_config(
                    self.trusted,
                    self.opts.profile.as_deref(),
                    self.opts.call_timeout,
                )
            })
            .await
    }

    /// Who the credentials are (asked once per session; `refresh` forgets it).
    async fn caller(&self) -> Result<Caller, String> {
        let remembered = self
            .session
            .caller
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(c) = remembered {
            return Ok(c);
        }
        let c = caller_identity(&self.loaded().await.config).await?;
        *self
            .session
            .caller
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(c.clone());
        Ok(c)
    }

    /// The pipeline's region: the code's, else (an env-agnostic stack) the user's configured
    /// one; never the us-east-1 the configuration holds for STS alone.
    fn region_of(&self, at: &Locator, loaded: &Loaded) -> Result<String, String> {
        match &at.region {
            Some(r) => Ok(r.clone()),
            None if loaded.region_given => loaded
                .config
                .region()
                .map(|r| r.to_string())
                .ok_or_else(|| NO_REGION.to_string()),
            None => Err(NO_REGION.to_string()),
        }
    }

    /// The configuration to call the pipeline's account and region with, those, and the
    /// caller's principal.
    async fn env_config_of(
        &self,
        at: &Locator,
    ) -> Result<(SdkConfig, String, String, String), String> {
        let loaded = self.loaded().await;
        let caller = self.caller().await?;
        let account = at.account.clone().unwrap_or_else(|| caller.account.clone());
        let region = self.region_of(at, loaded)?;
        let key = EnvKey::new(&account, &region, &at.qualifier);
        let config = env_config(&loaded.config, &caller, &key, SESSION_NAME)
            .await?
            .to_builder()
            .region(Region::new(region.clone()))
            .build();
        Ok((config, account, region, caller.principal))
    }

    async fn fetch_inner(&self, at: &Locator) -> Live {
        let (config, account, region, principal) = match self.env_config_of(at).await {
            Ok(c) => c,
            Err(reason) => return Live::Unknown { reason },
        };
        let key = match &at.find {
            Find::Named(_) => None,
            Find::InStack {
                stack,
                construct_id,
            } => Some(cache::key(
                &principal,
                &account,
                &region,
                stack,
                construct_id,
            )),
        };
        let cached = key.as_deref().and_then(|k| self.session.found.get(k));
        if let Some(name) = &cached {
            let live = read(&config, name, &account, &region, self.opts.executions).await;
            if !matches!(live, Live::NotFound { .. }) {
                return live;
            }
            // The stack was deployed again or its pipeline renamed since it was found: find
            // it anew rather than say it is gone.
            if let Some(k) = &key {
                self.session.found.remove(k);
            }
        }
        let name = match find_name(&config, at).await {
            Ok(n) => n,
            Err(live) => return live,
        };
        if let Some(k) = &key {
            self.session.found.put(k, &name);
            if let Err(e) = self.session.found.save() {
                tracing::warn!("cannot write the live pipeline cache: {e}");
            }
        }
        read(&config, &name, &account, &region, self.opts.executions).await
    }
}

/// The pipeline's physical name: the code's, or the stack's pipeline resource.
async fn find_name(config: &SdkConfig, at: &Locator) -> Result<String, Live> {
    let (stack, construct_id) = match &at.find {
        Find::Named(n) => return Ok(n.clone()),
        Find::InStack {
            stack,
            construct_id,
        } => (stack, construct_id),
    };
    let cfn = aws_sdk_cloudformation::Client::new(config);
    let mut pipelines: Vec<(String, String)> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..20 {
        let out = cfn
            .list_stack_resources()
            .stack_name(stack)
            .set_next_token(token.take())
            .send()
            .await;
        let out = match out {
            Ok(o) => o,
            Err(e)
                if e.code() == Some("ValidationError")
                    && e.message().is_some_and(|m| m.contains("does not exist")) =>
            {
                return Err(Live::NotFound {
                    reason: format!(
                        "no stack {stack} in {}: not deployed yet, or the stack has another \
                         name (stack_name); set pipeline_name to find the pipeline by name",
                        place(at)
                    ),
                })
            }
            Err(e) => {
                return Err(Live::Unknown {
                    reason: reason("ListStackResources", &e),
                })
            }
        };
        for r in out.stack_resource_summaries() {
            let deleted = r
                .resource_status()
                .is_some_and(|s| s.as_str().starts_with("DELETE_"));
            if r.resource_type() == Some("AWS::CodePipeline::Pipeline") && !deleted {
                if let (Some(logical), Some(physical)) =
                    (r.logical_resource_id(), r.physical_resource_id())
                {
                    if !physical.is_empty() {
                        pipelines.push((logical.to_string(), physical.to_string()));
                    }
                }
            }
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    if token.is_some() {
        return Err(Live::Unknown {
            reason: format!(
                "stack {stack} has more resources than pipelens reads; set pipeline_name to \
                 find the pipeline by name"
            ),
        });
    }
    let prefix = logical_id_prefix(construct_id);
    let chosen: Vec<&(String, String)> = if pipelines.len() == 1 {
        pipelines.iter().collect()
    } else {
        pipelines
            .iter()
            .filter(|(l, _)| is_logical_id_of(l, &prefix))
            .collect()
    };
    match chosen.as_slice() {
        [(_, name)] => Ok(name.clone()),
        [] if pipelines.is_empty() => Err(Live::NotFound {
            reason: format!("stack {stack} in {} has no pipeline resource", place(at)),
        }),
        _ => Err(Live::Unknown {
            reason: format!(
                "stack {stack} in {} has {} pipelines and pipelens cannot tell which is \
                 {construct_id}; set pipeline_name to find it by name",
                place(at),
                pipelines.len()
            ),
        }),
    }
}

fn place(at: &Locator) -> String {
    match (&at.account, &at.region) {
        (Some(a), Some(r)) => format!("aws://{a}/{r}"),
        _ => "the credentials' account and region".into(),
    }
}

fn secs(t: Option<&DateTime>) -> Option<i64> {
    t.map(|t| t.secs())
}

/// `GetPipeline`, `GetPipelineState` and `ListPipelineExecutions` together, then
/// `GetPipelineExecution` for each stage execution the list did not have.
async fn read(
    config: &SdkConfig,
    name: &str,
    account: &str,
    region: &str,
    executions: i32,
) -> Live {
    let cp = aws_sdk_codepipeline::Client::new(config);
    let (def, state, list) = tokio::join!(
        cp.get_pipeline().name(name).send(),
        cp.get_pipeline_state().name(name).send(),
        cp.list_pipeline_executions()
            .pipeline_name(name)
            .max_results(executions)
            .send()
    );
    let def = match def {
        Ok(d) => d,
        Err(e) if e.code() == Some("PipelineNotFoundException") => {
            return Live::NotFound {
                reason: format!("no pipeline {name} in aws://{account}/{region}"),
            }
        }
        Err(e) => {
            return Live::Unknown {
                reason: reason("GetPipeline", &e),
            }
        }
    };
    let mut live = LivePipeline {
        name: name.to_string(),
        account: account.to_string(),
        region: region.to_string(),
        version: def.pipeline().and_then(|p| p.version()),
        updated: secs(def.metadata().and_then(|m| m.updated())),
        structure: def
            .pipeline()
            .map(|p| {
                p.stages()
                    .iter()
                    .map(|s| StageDecl {
                        name: s.name().to_string(),
                        actions: s.actions().iter().map(|a| a.name().to_string()).collect(),
                        approvals: s
                            .actions()
                            .iter()
                            .filter(|a| {
                                a.action_type_id()
                                    .is_some_and(|t| *t.category() == ActionCategory::Approval)
                            })
                            .map(|a| a.name().to_string())
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        stages: Vec::new(),
        state_unknown: None,
        executions: Vec::new(),
        executions_unknown: None,
    };
    match list {
        Ok(out) => {
            live.executions = out
                .pipeline_execution_summaries()
                .iter()
                .map(|e| Execution {
                    id: e.pipeline_execution_id().unwrap_or_default().to_string(),
                    status: e
                        .status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    started: secs(e.start_time()),
                    revisions: e
                        .source_revisions()
                        .iter()
                        .map(|r| Revision {
                            action: Some(r.action_name().to_string()),
                            id: r.revision_id().unwrap_or_default().to_string(),
                            summary: r.revision_summary().and_then(summary_line),
                            url: r.revision_url().map(str::to_string),
                        })
                        .filter(|r| !r.id.is_empty())
                        .collect(),
                })
                .collect()
        }
        Err(e) => live.executions_unknown = Some(reason("ListPipelineExecutions", &e)),
    }
    let state = match state {
        Ok(s) => s,
        Err(e) => {
            live.state_unknown = Some(reason("GetPipelineState", &e));
            return Live::Found(live);
        }
    };
    for s in state.stage_states() {
        let name = s.stage_name().unwrap_or_default().to_string();
        let approvals_here: Vec<String> = live
            .structure
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.approvals.clone())
            .unwrap_or_default();
        let mut stage = StageState {
            name,
            status: s
                .latest_execution()
                .map(|e| e.status().as_str().to_string()),
            execution_id: s
                .latest_execution()
                .map(|e| e.pipeline_execution_id().to_string()),
            transition_disabled: s
                .inbound_transition_state()
                .filter(|t| !t.enabled())
                .map(|t| t.disabled_reason().unwrap_or_default().to_string()),
            ..StageState::default()
        };
        let mut current = Vec::new();
        for a in s.action_states() {
            let action = a.action_name().unwrap_or_default().to_string();
            if let Some(id) = a.current_revision().map(|r| r.revision_id()) {
                if !id.is_empty() {
                    current.push(Revision {
                        action: Some(action.clone()),
                        id: id.to_string(),
                        summary: None,
                        url: a.revision_url().map(str::to_string),
                    });
                }
            }
            let Some(e) = a.latest_execution() else {
                continue;
            };
            let changed = secs(e.last_status_change());
            stage.changed = stage.changed.max(changed);
            let status = e.status().map(|s| s.as_str()).unwrap_or_default();
            if status == "InProgress" && approvals_here.contains(&action) {
                stage.approvals.push(Approval {
                    action: action.clone(),
                    since: changed,
                    token: e.token().map(str::to_string),
                });
            }
            // An action's failure from an earlier run stays in the state while the stage runs
            // again: only a failed stage's failures are its own.
            let stage_failed = stage.status.as_deref() == Some("Failed");
            if status == "Failed" && stage_failed {
                let summary = e
                    .error_details()
                    .and_then(|d| d.message())
                    .or(e.summary())
                    .unwrap_or("failed")
                    .to_string();
                stage.failures.push(Failure {
                    action: action.clone(),
                    summary,
                    url: e.external_execution_url().map(str::to_string),
                });
            }
        }
        // A source action's current revision: what the Source stage last fetched, when its
        // execution's revisions are not to be had.
        stage.revisions = current;
        live.stages.push(stage);
    }
    // Each stage's revisions: its execution's, from the list or asked for.
    let mut asked: HashMap<String, Vec<Revision>> = HashMap::new();
    for i in 0..live.stages.len() {
        let Some(id) = live.stages[i].execution_id.clone() else {
            continue;
        };
        let known = live
            .executions
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.revisions.clone())
            .filter(|r| !r.is_empty());
        let revisions = match known {
            Some(r) => r,
            None if !live.stages[i].revisions.is_empty() => continue,
            None => {
                if !asked.contains_key(&id) {
                    let got = cp
                        .get_pipeline_execution()
                        .pipeline_name(&live.name)
                        .pipeline_execution_id(&id)
                        .send()
                        .await
                        .ok()
                        .and_then(|o| o.pipeline_execution().cloned())
                        .map(|e| {
                            e.artifact_revisions()
                                .iter()
                                .map(|r| Revision {
                                    action: r.name().map(str::to_string),
                                    id: r.revision_id().unwrap_or_default().to_string(),
                                    summary: r.revision_summary().and_then(summary_line),
                                    url: r.revision_url().map(str::to_string),
                                })
                                .filter(|r| !r.id.is_empty())
                                .collect()
                        })
                        .unwrap_or_default();
                    asked.insert(id.clone(), got);
                }
                asked[&id].clone()
            }
        };
        live.stages[i].revisions = revisions;
    }
    Live::Found(live)
}
