//! `pipelens.synth` in the editor, the task: the real `cdk synth` on request (or after a save,
//! when `synth.onSave` is on), with cancellable `$/progress`; its result is kept per app
//! (`state::Record`) with the code it was made from, and every open document of the app is
//! published again. What the result shows is `lsp/synth.rs`'s. Runs the user's code: only on
//! an explicit command, or on save when the user turned it on (never untrusted).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde_json::{json, Value};
use tower_lsp_server::lsp_types::{self as lsp, MessageType, NumberOrString, Uri};
use tower_lsp_server::{Client, UriExt};

use super::snapshot::app_of;
use super::state::{Outcome, Record, Running, Snapshot, State, CANCELLED};
use super::synth::{disk_basis, graph, STATUS_CHANGED};
use crate::synth::stale::Basis;
use crate::synth::SynthError;

static TOKENS: AtomicU64 = AtomicU64::new(1);
static RUNS: AtomicU64 = AtomicU64::new(1);

/// Runs the synth of the app `uri` belongs to. Answers the `preview` json of the document
/// (origin `synthesized`), or an error message. It runs the app's code: in an untrusted
/// workspace it answers why not, and runs nothing. A failure is the answer's error; only a
/// synth nobody asked for (`synth.onSave`, `answered == false`) shows it as a message.
pub async fn run(
    client: &Client,
    state: &Arc<State>,
    uri: &Uri,
    answered: bool,
) -> Result<Value, String> {
    let trusted = state
        .trusted()
        .ok_or_else(|| format!("pipelens: {}", crate::trust::untrusted_reason("synth")))?;
    let path = uri
        .to_file_path()
        .map(|p| p.into_owned())
        .ok_or("not a file")?;
    let root = crate::workspace::app_root(&path).ok_or_else(|| {
        format!(
            "{} is not inside a CDK app (no cdk.json above it)",
            path.display()
        )
    })?;
    let settings = state
        .config
        .read()
        .map_err(|_| "settings unavailable")?
        .settings
        .clone();
    // The code the synth is made from: the files on disk of every open document of the app.
    let started_at = SystemTime::now();
    let open: Vec<(Uri, Option<Arc<Snapshot>>)> = state
        .docs
        .lock()
        .map(|d| {
            d.iter()
                .map(|(u, e)| (u.clone(), e.snapshot.clone()))
                .collect()
        })
        .unwrap_or_default();
    let basis: HashMap<Uri, Arc<Basis>> = open
        .into_iter()
        .filter(|(u, _)| app_of(u).as_deref() == Some(root.as_path()))
        .map(|(u, snap)| {
            let b = disk_basis(&u, snap.as_deref());
            (u, b)
        })
        .collect();

    let token = format!("pipelens-synth-{}", TOKENS.fetch_add(1, Ordering::Relaxed));
    let created = tokio::time::timeout(
        Duration::from_secs(2),
        client.send_request::<lsp::request::WorkDoneProgressCreate>(
            lsp::WorkDoneProgressCreateParams {
                token: NumberOrString::String(token.clone()),
            },
        ),
    )
    .await;
    let progress = match created {
        Ok(Ok(())) => Some(
            client
                .progress(NumberOrString::String(token.clone()), "cdk synth")
                .with_message(root.display().to_string())
                .with_cancel_button()
                .begin()
                .await,
        ),
        _ => None, // the client does not show progress: the synth still runs
    };
    let started = Instant::now();
    let id = RUNS.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut r) = state.synths_running.lock() {
        r.push(Running {
            id,
            root: root.clone(),
            started,
            token: progress.is_some().then(|| token.clone()),
            cancelled: false,
        });
    }
    status_changed(client).await;
    super::diagnostics::refresh_views(client, state);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    // The progress says what the synth does and for how long it has run, every second.
    let forward = async {
        let mut last = String::new();
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                m = rx.recv() => match m {
                    Some(m) => last = m,
                    None => break,
                },
                _ = tick.tick() => {}
            }
            if let Some(p) = &progress {
                let s = started.elapsed().as_secs();
                p.report_with_message(format!("{s} s · {last}"), None).await;
            }
        }
    };
    let synth = async {
        let r = state
            .synthesizer
            .synth(
                &root,
                &settings,
                move |p| {
                    let _ = tx.send(p.message());
                },
                trusted,
            )
            .await;
        r
    };
    let (result, ()) = tokio::join!(synth, forward);
    let by_user = state
        .synths_running
        .lock()
        .ok()
        .and_then(|mut r| {
            let at = r.iter().position(|x| x.id == id)?;
            Some(r.remove(at))
        })
        .is_some_and(|r| r.cancelled);
    let now = SystemTime::now();
    let record = |outcome| Record {
        outcome,
        at: now,
        started: started_at,
        basis: Mutex::new(basis.clone()),
    };
    let answer = match result {
        Ok(s) => {
            let s = Arc::new(s);
            let msg = format!("synthesized in {:.1} s", s.elapsed.as_secs_f64());
            if let Some(p) = progress {
                p.finish_with_message(msg).await;
            }
            set(state, &root, record(Outcome::Done(s)));
            let graph = state
                .document_snapshot_as_is(uri)
                .ok()
                .and_then(|s| graph(&s));
            Ok(graph.unwrap_or(Value::Null))
        }
        Err(SynthError::Cancelled) => {
            let message = if by_user {
                CANCELLED.to_string()
            } else {
                SynthError::Cancelled.to_string()
            };
            if let Some(p) = progress {
                p.finish_with_message("cancelled").await;
            }
            Err(message)
        }
        Err(e) => {
            let message = e.to_string();
            if let Some(p) = progress {
                p.finish_with_message("failed").await;
            }
            let location = match &e {
                SynthError::Failed { location, .. } => location.clone(),
                _ => None,
            };
            set(
                state,
                &root,
                record(Outcome::Failed {
                    message: message.clone(),
                    location,
                }),
            );
            if !answered {
                client
                    .show_message(MessageType::ERROR, format!("pipelens: {message}"))
                    .await;
            }
            Err(message)
        }
    };
    // Every open document of the app: new hints, lenses and diagnostics.
    for (u, snap) in state.current_snapshots() {
        if app_of(&u).as_deref() == Some(root.as_path()) {
            super::diagnostics::publish(client, state, &u, &snap).await;
        }
    }
    super::diagnostics::refresh_views(client, state);
    status_changed(client).await;
    answer
}

async fn status_changed(client: &Client) {
    client.send_notification::<StatusChanged>(json!({})).await;
}

enum StatusChanged {}

impl lsp::notification::Notification for StatusChanged {
    type Params = Value;
    const METHOD: &'static str = STATUS_CHANGED;
}

fn set(state: &State, root: &Path, record: Record) {
    if let Ok(mut m) = state.synthesized.lock() {
        m.insert(root.to_path_buf(), Arc::new(record));
    }
}

/// `synth.onSave`: a synth after the save settles; a newer save cancels the running one.
pub fn on_save(client: &Client, state: &Arc<State>, uri: Uri) {
    let on = state
        .config
        .read()
        .map(|c| c.settings.synth_on_save)
        .unwrap_or(false);
    // Untrusted, `synth.onSave` is not even read (see `Settings::restrict_untrusted`); this
    // keeps a save from running anything should a setting slip through.
    if !on || state.trusted().is_none() {
        return;
    }
    let (client, state) = (client.clone(), state.clone());
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let _ = run(&client, &state, &uri, false).await;
    });
}
