//! What a request reads: a [`DocumentSnapshot`], taken from the session before its handler
//! runs. The handler of a request gets the snapshot and its params and returns an answer: it
//! never sees the session's state or its locks, so what it reads cannot change under it while
//! it works, and it can be called with a snapshot made by hand. The parts (the text and its
//! analysis, the settings, the bootstrap observations, the app's last synth) are each
//! consistent, taken one lock after the other: a synth that ends between two is seen by the
//! next request (the client asks again on `pipelens/didChangeSynthStatus`).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use ropey::Rope;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::lsp_types::Uri;
use tower_lsp_server::UriExt;

use super::state::{Record, Snapshot, State};
use crate::aws::{EnvKey, Observation};
use crate::document::Encoding;
use crate::ide::accounts::Accounts;
use crate::lang::Plugin;
use crate::live::{LiveEntry, Locator};

pub struct DocumentSnapshot {
    pub uri: Uri,
    /// The current text (edits held back for a missing predecessor version applied).
    pub rope: Rope,
    pub plugin: &'static Plugin,
    /// The latest analysis: of `rope`, or of an older text while a newer one is analysed.
    pub analysis: Option<Arc<Snapshot>>,
    pub encoding: Encoding,
    /// The accounts of the settings (names the user gave them).
    pub accounts: Accounts,
    /// The client trusts the workspace (a synth may be offered).
    pub trusted: bool,
    /// The setting `bootstrap.check` is `off`.
    pub bootstrap_check_off: bool,
    /// What the bootstrap probe saw in each env, and when.
    pub observations: BTreeMap<EnvKey, (Observation, SystemTime)>,
    /// The last synth of the document's app, and for how many seconds the one running (if
    /// one is) has been running.
    pub synth: Option<Arc<Record>>,
    pub synth_running: Option<u64>,
    /// The latest analysis of every open document, this one's included (completion offers the
    /// accounts and regions the workspace uses).
    pub workspace: Vec<Arc<Snapshot>>,
    /// What was read of each deployed pipeline (empty in an untrusted workspace or with
    /// `live.check = "off"`).
    pub live: HashMap<Locator, Arc<LiveEntry>>,
}

impl DocumentSnapshot {
    /// The bootstrap check is on: the workspace is trusted (the probe calls AWS with the
    /// user's credentials) and the setting is not `off`.
    pub fn bootstrap_check(&self) -> bool {
        self.trusted && !self.bootstrap_check_off
    }

    /// The observations alone, for the bootstrap rules.
    pub fn observed(&self) -> BTreeMap<EnvKey, Observation> {
        self.observations
            .iter()
            .map(|(k, (o, _))| (k.clone(), o.clone()))
            .collect()
    }

    /// When each env was last observed.
    pub fn observed_at(&self) -> BTreeMap<EnvKey, SystemTime> {
        self.observations
            .iter()
            .map(|(k, (_, at))| (k.clone(), *at))
            .collect()
    }
}

impl State {
    /// The snapshot a request about `uri` reads; an error when the client never opened it.
    /// Edits held back for a missing predecessor version are applied first: the client sent
    /// them before this request (versions may skip numbers; Neovim's do). Each lock is taken
    /// once and let go before the next.
    pub fn document_snapshot(&self, uri: &Uri) -> jsonrpc::Result<DocumentSnapshot> {
        self.snapshot_of(uri, true)
    }

    /// The same, for background work (the graph a synth answers with): held edits stay held,
    /// for `didChange` to apply in order when their predecessor comes.
    pub fn document_snapshot_as_is(&self, uri: &Uri) -> jsonrpc::Result<DocumentSnapshot> {
        self.snapshot_of(uri, false)
    }

    fn snapshot_of(&self, uri: &Uri, apply_held: bool) -> jsonrpc::Result<DocumentSnapshot> {
        let (encoding, accounts, trusted, bootstrap_check_off, live_on) = {
            let c = self
                .config
                .read()
                .map_err(|_| jsonrpc::Error::internal_error())?;
            let off = c.settings.bootstrap_check == crate::workspace::settings::BootstrapCheck::Off;
            let live_on = c.settings.live_check == crate::workspace::settings::BootstrapCheck::Auto;
            (c.encoding, c.accounts.clone(), c.trusted, off, live_on)
        };
        let (rope, plugin, analysis, workspace) = {
            let mut docs = self
                .docs
                .lock()
                .map_err(|_| jsonrpc::Error::internal_error())?;
            let entry = docs.get_mut(uri).ok_or_else(|| not_open(uri))?;
            if apply_held && !entry.pending.is_empty() {
                entry.apply_pending(encoding, true);
            }
            let own = (
                entry.doc.rope().clone(),
                entry.doc.plugin,
                entry.snapshot.clone(),
            );
            let workspace = docs.values().filter_map(|e| e.snapshot.clone()).collect();
            (own.0, own.1, own.2, workspace)
        };
        let observations = self
            .observations
            .lock()
            .map(|o| o.clone())
            .unwrap_or_default();
        let root = app_of(uri);
        let synth = root
            .as_ref()
            .and_then(|r| self.synthesized.lock().ok()?.get(r).cloned());
        let synth_running = root.and_then(|root| {
            self.synths_running
                .lock()
                .ok()?
                .iter()
                .filter(|r| r.root == root)
                .map(|r| r.started.elapsed().as_secs())
                .min()
        });
        // What was read under trust and with the live pipeline on; nothing else.
        let live = match trusted && live_on {
            true => self.live.lock().map(|l| l.clone()).unwrap_or_default(),
            false => HashMap::new(),
        };
        Ok(DocumentSnapshot {
            live,
            uri: uri.clone(),
            rope,
            plugin,
            analysis,
            encoding,
            accounts,
            trusted,
            bootstrap_check_off,
            observations,
            synth,
            synth_running,
            workspace,
        })
    }
}

/// The root of the CDK app a document belongs to (the nearest `cdk.json` above it).
pub(super) fn app_of(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path()
        .and_then(|p| crate::workspace::app_root(&p))
}

/// A request about a document the client never opened gets a clear error.
pub(crate) fn not_open(uri: &Uri) -> jsonrpc::Error {
    jsonrpc::Error::invalid_params(format!("document not open: {}", uri.as_str()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tower_lsp_server::lsp_types::{CodeActionOrCommand, CodeActionParams, CodeLensParams};

    use super::*;
    use crate::analysis::analyze_text;
    use crate::lang::{ExtraQueries, PYTHON};
    use crate::lsp::handlers;
    use crate::model::NoIndex;

    const SRC: &str = r#"
import aws_cdk as cdk
from aws_cdk import pipelines
class P(cdk.Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        p = pipelines.CodePipeline(self, "P", pipeline_name="p", synth=pipelines.ShellStep("S", commands=[]))
        p.add_stage(W(self, "Dev", env=cdk.Environment(account="111111111111", region="us-east-1")))
class W(cdk.Stage):
    def __init__(self, scope, id, **kwargs):
        super().__init__(scope, id, **kwargs)
        cdk.Stack(self, "Api")
P(cdk.App(), "Payments", env=cdk.Environment(account="999999999999", region="us-east-1"))
"#;

    const URI: &str = "file:///app/pipeline.py";

    /// A snapshot made by hand, as a test or a replay would: no session behind it.
    fn snapshot(trusted: bool, synth_running: Option<u64>) -> DocumentSnapshot {
        let a = analyze_text(&PYTHON, SRC, None, &NoIndex, &ExtraQueries::default());
        let rope = Rope::from_str(SRC);
        let analysis = Arc::new(Snapshot {
            version: 1,
            rope: rope.clone(),
            text: SRC.into(),
            analysis: a,
            imports: Vec::new(),
            stage_classes: Vec::new(),
            predictions: Default::default(),
            qualifier: "hnb659fds".into(),
            synth_merged: Default::default(),
        });
        DocumentSnapshot {
            uri: URI.parse().unwrap(),
            rope,
            plugin: &PYTHON,
            analysis: Some(analysis.clone()),
            encoding: Encoding::Utf16,
            accounts: Accounts::default(),
            trusted,
            bootstrap_check_off: false,
            observations: BTreeMap::new(),
            synth: None,
            synth_running,
            workspace: vec![analysis],
            live: HashMap::new(),
        }
    }

    fn lens_titles(s: &DocumentSnapshot) -> Vec<String> {
        let p: CodeLensParams =
            serde_json::from_value(json!({"textDocument": {"uri": URI}})).unwrap();
        handlers::code_lens::handle(s, p)
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|l| l.command.unwrap().title)
            .collect()
    }

    #[test]
    fn live_lenses_come_from_the_snapshot_and_only_in_a_trusted_workspace() {
        use crate::live::{Live, LivePipeline, Revision, StageDecl, StageState};
        let with_live = |trusted: bool| {
            let mut s = snapshot(trusted, None);
            let (_, locator) =
                crate::lsp::live::locators_of(s.analysis.as_deref().unwrap()).remove(0);
            let decl = |n: &str| StageDecl {
                name: n.into(),
                actions: Vec::new(),
                approvals: Vec::new(),
            };
            let found = LivePipeline {
                name: "p".into(),
                account: "999999999999".into(),
                region: "us-east-1".into(),
                version: Some(1),
                updated: None,
                structure: vec![
                    decl("Source"),
                    decl("Build"),
                    decl("UpdatePipeline"),
                    decl("Dev"),
                ],
                stages: vec![StageState {
                    name: "Dev".into(),
                    status: Some("Succeeded".into()),
                    revisions: vec![Revision {
                        action: None,
                        id: "abcdef0123456789".into(),
                        summary: None,
                        url: None,
                    }],
                    changed: Some(crate::live::now() - 7200),
                    ..StageState::default()
                }],
                state_unknown: None,
                executions: Vec::new(),
                executions_unknown: None,
            };
            s.live.insert(
                locator,
                Arc::new(crate::live::LiveEntry {
                    live: Live::Found(found),
                    git: Default::default(),
                    at: SystemTime::now(),
                }),
            );
            lens_titles(&s)
        };
        let titles = with_live(true);
        assert!(titles.contains(&"live: p".to_string()), "{titles:?}");
        assert!(
            titles.contains(&"Dev: ✓ abcdef0 · 2 h ago".to_string()),
            "{titles:?}"
        );
        assert!(
            titles.contains(&"Source: · not run yet".to_string()),
            "{titles:?}"
        );
        let untrusted = with_live(false);
        assert!(
            !untrusted.iter().any(|t| t.starts_with("live:")),
            "{untrusted:?}"
        );
        assert!(
            !untrusted.iter().any(|t| t.starts_with("Dev:")),
            "{untrusted:?}"
        );
    }

    #[test]
    fn request_handlers_answer_from_the_snapshot_they_are_given() {
        let status = |s: DocumentSnapshot| handlers::synth_status::handle(&s, json!({})).unwrap();
        assert_eq!(status(snapshot(true, None))["state"], "predicted");
        assert_eq!(
            status(snapshot(true, Some(12)))["text"],
            "synth running (12 s)"
        );

        let lenses = |s: DocumentSnapshot| -> Vec<String> {
            let p: CodeLensParams =
                serde_json::from_value(json!({"textDocument": {"uri": URI}})).unwrap();
            handlers::code_lens::handle(&s, p)
                .unwrap()
                .unwrap()
                .into_iter()
                .map(|l| l.command.unwrap().title)
                .collect()
        };
        assert_eq!(lenses(snapshot(true, None))[1], "▶ Synthesize");
        assert_eq!(
            lenses(snapshot(false, None))[1],
            handlers::code_lens::UNTRUSTED_SYNTH
        );

        // On the `add_stage` line: the synth is offered only in a trusted workspace.
        let actions = |s: DocumentSnapshot| -> Vec<String> {
            let p: CodeActionParams = serde_json::from_value(json!({
                "textDocument": {"uri": URI},
                "range": {"start": {"line": 7, "character": 10}, "end": {"line": 7, "character": 10}},
                "context": {"diagnostics": []},
            }))
            .unwrap();
            handlers::code_action::handle(&s, p)
                .unwrap()
                .unwrap_or_default()
                .into_iter()
                .map(|a| match a {
                    CodeActionOrCommand::CodeAction(a) => a.title,
                    CodeActionOrCommand::Command(c) => c.title,
                })
                .collect()
        };
        let synth = handlers::code_action::SYNTH_ACTION.to_string();
        assert!(actions(snapshot(true, None)).contains(&synth));
        assert!(!actions(snapshot(false, None)).contains(&synth));
    }
}
