//! The live pipeline in the editor: each open document's pipelines read where they are
//! deployed (`crate::live`), in the background only (on open, on a timer while documents are
//! open, on `pipelens.refreshLive`), the answers kept in the state; when they arrive the client
//! is asked to show lenses and hints again and the drift diagnostics are published. Nothing
//! here runs on the typing path; an untrusted workspace or `live.check = "off"` reads nothing.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tower_lsp_server::lsp_types::Uri;
use tower_lsp_server::{Client, UriExt};

use super::bootstrap::Republish;
use super::state::{Snapshot, State};
use crate::live::{GitFacts, Live, LiveEntry, Locator};
use crate::rules::{Diagnostic, Severity};

/// The diagnostic code of a difference between the code and the deployed pipeline.
pub const DRIFT: &str = "pipeline-drift";

/// Each pipeline's locators (index in the model, locator); pipelines pipelens cannot locate
/// have none.
pub fn locators_of(snap: &Snapshot) -> Vec<(usize, Locator)> {
    snap.analysis
        .model
        .pipelines
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            crate::live::locate(p, &snap.qualifier)
                .unwrap_or_default()
                .into_iter()
                .map(move |l| (i, l))
        })
        .collect()
}

/// How long a document's pipelines must stay as they are before they are read: typing
/// `pipeline_name="payments"` is not a read per prefix.
const SETTLE: Duration = Duration::from_millis(1500);

/// Reads the deployed pipelines of `snap` that were never read and are not being read: at once
/// for a document as it was opened (version 1 or less: editors open at 0 or 1), else once the
/// document has kept them for [`SETTLE`].
pub fn ensure_read(
    client: &Client,
    state: &Arc<State>,
    uri: &Uri,
    snap: &Snapshot,
    republish: Republish,
) {
    if !state.live_on() {
        return;
    }
    let unread = |state: &State, snap: &Snapshot| -> Vec<Locator> {
        let (Ok(live), Ok(reading)) = (state.live.lock(), state.live_reading.lock()) else {
            return Vec::new();
        };
        let mut out: Vec<Locator> = Vec::new();
        for (_, l) in locators_of(snap) {
            if !live.contains_key(&l) && !reading.contains(&l) && !out.contains(&l) {
                out.push(l);
            }
        }
        out
    };
    if unread(state, snap).is_empty() {
        return;
    }
    let file = uri.to_file_path().map(|p| p.into_owned());
    let settle = if snap.version <= 1 {
        Duration::ZERO
    } else {
        SETTLE
    };
    let (client, state, uri) = (client.clone(), state.clone(), uri.clone());
    tokio::spawn(async move {
        tokio::time::sleep(settle).await;
        let Some(reader) = state.live_client() else {
            return;
        };
        // The document as it is now: what it no longer names is not read.
        let Some(now) = state
            .current_snapshots()
            .into_iter()
            .find(|(u, _)| *u == uri)
            .map(|(_, s)| s)
        else {
            return;
        };
        let wanted = unread(&state, &now);
        if wanted.is_empty() || !claim(&state, &wanted) {
            return;
        }
        read(
            &state,
            &reader,
            wanted.into_iter().map(|l| (l, file.clone())).collect(),
            false,
        )
        .await;
        after_read(&client, &state, republish).await;
    });
}

/// Marks `wanted` as being read; false when another read took one of them meanwhile.
fn claim(state: &State, wanted: &[Locator]) -> bool {
    let Ok(mut reading) = state.live_reading.lock() else {
        return false;
    };
    if wanted.iter().any(|l| reading.contains(l)) {
        return false;
    }
    reading.extend(wanted.iter().cloned());
    true
}

/// Reads `wanted` (each with the file whose clone names the commits) and keeps the answers.
async fn read(
    state: &Arc<State>,
    reader: &crate::live::LiveClient,
    wanted: Vec<(Locator, Option<PathBuf>)>,
    refresh: bool,
) {
    tracing::info!(
        "reading {} deployed pipeline(s){}",
        wanted.len(),
        if refresh { " (refresh)" } else { "" }
    );
    let trusted = state.trusted();
    let reads = wanted.iter().map(|(l, _)| reader.fetch(l, refresh));
    let lives = futures::future::join_all(reads).await;
    for ((locator, file), live) in wanted.into_iter().zip(lives) {
        // The clone's facts (HEAD, authors) start git: on a blocking thread, trusted only.
        let git = match (trusted, file, &live) {
            (Some(t), Some(f), Live::Found(l)) => {
                let l = l.clone();
                tokio::task::spawn_blocking(move || crate::live::git_facts(&f, Some(&l), t))
                    .await
                    .unwrap_or_default()
            }
            _ => GitFacts::default(),
        };
        let entry = Arc::new(LiveEntry {
            live,
            git,
            at: SystemTime::now(),
        });
        // Trust taken back while the read ran: what it read is not kept.
        if state.trusted().is_some() {
            if let Ok(mut m) = state.live.lock() {
                m.insert(locator.clone(), entry);
            }
        }
        if let Ok(mut r) = state.live_reading.lock() {
            r.remove(&locator);
        }
    }
}

/// `republish` is handed down by the caller (`diagnostics::republish_live`: the drift
/// diagnostics are published again and the client asked for lenses and hints again), so that
/// this module calls nothing above it.
async fn after_read(client: &Client, state: &Arc<State>, republish: Republish) {
    // What no open document names any more is forgotten.
    let open: HashSet<Locator> = open_locators(state).into_iter().map(|(l, _)| l).collect();
    if let Ok(mut live) = state.live.lock() {
        live.retain(|l, _| open.contains(l));
    }
    republish(client.clone(), state.clone()).await;
}

/// Every open document's locators, with its file.
fn open_locators(state: &State) -> Vec<(Locator, Option<PathBuf>)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (uri, snap) in state.current_snapshots() {
        let file = uri.to_file_path().map(|p| p.into_owned());
        for (_, l) in locators_of(&snap) {
            if seen.insert(l.clone()) {
                out.push((l, file.clone()));
            }
        }
    }
    out
}

/// Reads every open document's deployed pipelines again (`refresh`: finding each anew).
/// Answers how many were read.
pub async fn refresh(
    client: &Client,
    state: &Arc<State>,
    refresh: bool,
    republish: Republish,
) -> usize {
    let Some(reader) = state.live_client() else {
        return 0;
    };
    // Those being read already (a document just opened, the timer) are not read twice.
    let wanted: Vec<(Locator, Option<PathBuf>)> = {
        let Ok(mut reading) = state.live_reading.lock() else {
            return 0;
        };
        open_locators(state)
            .into_iter()
            .filter(|(l, _)| reading.insert(l.clone()))
            .collect()
    };
    let n = wanted.len();
    if n == 0 {
        return 0;
    }
    read(state, &reader, wanted, refresh).await;
    after_read(client, state, republish).await;
    n
}

/// Reads the open documents' deployed pipelines again every `live.refreshSeconds` (at least
/// 10; read at each turn: a changed setting takes effect at the next one; 0 pauses it). Runs
/// for the server's life.
pub fn start_timer(client: Client, state: Arc<State>, republish: Republish) {
    tokio::spawn(async move {
        loop {
            let every = state
                .config
                .read()
                .map(|c| c.settings.live_refresh_seconds)
                .unwrap_or(0);
            // At least every 10 s: a workspace's pipelens.toml cannot make it a flood.
            tokio::time::sleep(Duration::from_secs(if every == 0 {
                30
            } else {
                every.max(10)
            }))
            .await;
            if every == 0
                || state
                    .shutdown_requested
                    .load(std::sync::atomic::Ordering::Relaxed)
            {
                continue;
            }
            refresh(&client, &state, false, republish).await;
        }
    });
}

/// The notification that the deployed pipelines were read again: a client that draws them
/// outside lenses and hints (VS Code's graph) asks for them again.
pub const CHANGED: &str = "pipelens/didChangeLive";

enum Changed {}

impl tower_lsp_server::lsp_types::notification::Notification for Changed {
    type Params = serde_json::Value;
    const METHOD: &'static str = CHANGED;
}

/// Sends [`CHANGED`].
pub async fn changed(client: &Client) {
    client
        .send_notification::<Changed>(serde_json::json!({}))
        .await;
}

/// The deployed state of pipeline `i` of `snap` for `pipelens/pipelineGraph`: its name, console
/// page, and per stage its status word and one-line summary. `None` unless trusted and read.
pub fn graph_json(
    s: &super::snapshot::DocumentSnapshot,
    snap: &Snapshot,
    i: usize,
    prediction: &crate::predict::Prediction,
) -> Option<serde_json::Value> {
    if !s.trusted {
        return None;
    }
    let at = crate::live::now();
    locators_of(snap)
        .into_iter()
        .filter(|(n, _)| *n == i)
        .find_map(|(_, l)| match &s.live.get(&l)?.live {
            Live::Found(found) => {
                let stages: serde_json::Map<String, serde_json::Value> = crate::live::views(
                    prediction,
                    found,
                    snap.analysis
                        .model
                        .pipelines
                        .get(i)
                        .is_some_and(crate::live::complete),
                )
                .iter()
                .map(|v| {
                    (
                        v.name.clone(),
                        serde_json::json!({"status": v.status(), "summary": v.summary(at)}),
                    )
                })
                .collect();
                Some(serde_json::json!({
                    "name": found.name,
                    "console": found.console_url(),
                    "stages": stages,
                }))
            }
            _ => None,
        })
}

/// The drift diagnostics of `snap`: information on the stage (or the pipeline) where the code
/// and the deployed pipeline differ.
pub fn diagnostics(state: &State, snap: &Snapshot) -> Vec<Diagnostic> {
    if !state.live_on() {
        return Vec::new();
    }
    // This runs on every publish: the prediction (which a huge pipeline makes in 10 ms or
    // more) only when a pipeline of the document was read.
    let read: Vec<(usize, Arc<LiveEntry>)> = {
        let Ok(live) = state.live.lock() else {
            return Vec::new();
        };
        locators_of(snap)
            .into_iter()
            .filter_map(|(i, l)| Some((i, live.get(&l)?.clone())))
            .collect()
    };
    if read.is_empty() {
        return Vec::new();
    }
    let predictions = snap.predictions();
    let mut out = Vec::new();
    for (i, entry) in read {
        let (Some(p), Some(prediction)) =
            (snap.analysis.model.pipelines.get(i), predictions.get(i))
        else {
            continue;
        };
        let Live::Found(found) = &entry.live else {
            continue;
        };
        let complete = crate::live::complete(p);
        for d in crate::live::drift(prediction, found, complete, entry.git.file_change.as_ref()) {
            let span = first_line(&snap.text, d.span().unwrap_or(p.span));
            out.push(Diagnostic::new(
                DRIFT,
                Severity::Information,
                span,
                format!("{} (pipeline {})", d.message(), found.name),
            ));
        }
    }
    out
}

/// The first line of `span` (a stage's `add_stage(…)` call can be a dozen lines; a squiggle under
/// all of them says no more than one under its first).
fn first_line(text: &str, span: crate::model::Span) -> crate::model::Span {
    let end = text
        .get(span.start_byte..span.end_byte)
        .and_then(|t| t.find('\n'))
        .map(|n| span.start_byte + n);
    match end {
        Some(end) if span.end.0 > span.start.0 => crate::model::Span {
            end_byte: end,
            end: (span.start.0, span.start.1 + (end - span.start_byte)),
            ..span
        },
        _ => span,
    }
}

/// The waiting approval `action` of `stage` in the deployed pipeline `pipeline`, as the last
/// read of `snap`'s pipelines saw it: its locator and token.
pub fn waiting_approval(
    live: &std::collections::HashMap<Locator, Arc<LiveEntry>>,
    snap: &Snapshot,
    pipeline: &str,
    stage: &str,
    action: &str,
) -> Option<(Locator, String)> {
    locators_of(snap).into_iter().find_map(|(_, l)| {
        let entry = live.get(&l)?;
        let Live::Found(found) = &entry.live else {
            return None;
        };
        if found.name != pipeline {
            return None;
        }
        let token = found
            .stages
            .iter()
            .find(|s| s.name == stage)?
            .approvals
            .iter()
            .find(|a| a.action == action)?
            .token
            .clone()?;
        Some((l, token))
    })
}

/// `pipelens.approve`: carries the user's answer to a waiting approval (the client asked), then
/// reads the pipelines again. An error says why nothing was decided.
pub async fn decide(
    client: &Client,
    state: &Arc<State>,
    uri: &Uri,
    answer: &serde_json::Value,
    republish: Republish,
) -> tower_lsp_server::jsonrpc::Result<Option<serde_json::Value>> {
    use tower_lsp_server::jsonrpc::Error;
    let field = |k: &str| {
        answer
            .get(k)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    let (Some(pipeline), Some(stage), Some(action), Some(approve)) = (
        field("pipeline"),
        field("stage"),
        field("action"),
        answer.get("approve").and_then(serde_json::Value::as_bool),
    ) else {
        return Err(Error::invalid_params(
            "expected [uri, {pipeline, stage, action, approve, summary}]",
        ));
    };
    let summary = field("summary").unwrap_or_default();
    if summary.trim().is_empty() {
        return Err(Error::invalid_params(
            "a summary is needed: CodePipeline keeps it with the approval",
        ));
    }
    let Some(reader) = state.live_client() else {
        return Err(Error::invalid_params(
            "the live pipeline is off (live.check = \"off\")",
        ));
    };
    let snap = state
        .docs
        .lock()
        .ok()
        .and_then(|d| d.get(uri).and_then(|e| e.snapshot.clone()))
        .ok_or_else(|| super::snapshot::not_open(uri))?;
    let live = state.live.lock().map(|l| l.clone()).unwrap_or_default();
    let Some((locator, token)) = waiting_approval(&live, &snap, &pipeline, &stage, &action) else {
        return Err(Error::invalid_params(format!(
            "{action} of stage {stage} is not waiting in {pipeline} (read the pipeline again)"
        )));
    };
    let decision = crate::live::Decision {
        pipeline,
        stage,
        action,
        token,
        approve,
        summary,
    };
    tracing::info!(
        "{} {} of stage {} in {}",
        if approve { "approving" } else { "rejecting" },
        decision.action,
        decision.stage,
        decision.pipeline
    );
    match reader.decide(&locator, &decision).await {
        Ok(()) => {
            refresh(client, state, false, republish).await;
            Ok(Some(serde_json::json!({
                "decided": if approve { "approved" } else { "rejected" },
                "action": decision.action,
            })))
        }
        Err(reason) => {
            let mut e = Error::internal_error();
            e.message = format!("pipelens: {reason}").into();
            Err(e)
        }
    }
}
