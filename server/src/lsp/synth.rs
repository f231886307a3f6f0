//! `pipelens.synth` in the editor: the real `cdk synth` on request (or after a save, when
//! `synth.onSave` is on), with `$/progress`, its result kept per app. Hints, lenses and the
//! graph then show the synthesized stages; a stage that differs from the prediction, or a
//! failed synth, becomes a diagnostic. Runs the user's code: only on an explicit command, or on
//! save when the user turned it on (the VS Code client turns it off in untrusted workspaces).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use tower_lsp_server::lsp_types::{self as lsp, MessageType, NumberOrString, Uri};
use tower_lsp_server::{Client, UriExt};

use super::state::{Snapshot, State};
use crate::predict::Prediction;
use crate::rules::{self, Diagnostic};
use crate::synth::{self, SynthError, Synthesized};

static TOKENS: AtomicU64 = AtomicU64::new(1);

/// The last synth of an app: its result or its failure, and when.
pub enum Outcome {
    Done(Arc<Synthesized>),
    Failed {
        message: String,
        location: Option<synth::ErrorLocation>,
    },
}

/// Runs the synth of the app `uri` belongs to. Answers the `preview` json of the document
/// (origin `synthesized`), or an error message. It runs the app's code: in an untrusted
/// workspace it answers why not, and runs nothing.
pub async fn run(client: &Client, state: &Arc<State>, uri: &Uri) -> Result<Value, String> {
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

    let token = NumberOrString::String(format!(
        "pipelens-synth-{}",
        TOKENS.fetch_add(1, Ordering::Relaxed)
    ));
    let created = tokio::time::timeout(
        Duration::from_secs(2),
        client.send_request::<lsp::request::WorkDoneProgressCreate>(
            lsp::WorkDoneProgressCreateParams {
                token: token.clone(),
            },
        ),
    )
    .await;
    let progress = match created {
        Ok(Ok(())) => Some(
            client
                .progress(token, "cdk synth")
                .with_message(root.display().to_string())
                .begin()
                .await,
        ),
        _ => None, // the client does not show progress: the synth still runs
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let forward = async {
        while let Some(m) = rx.recv().await {
            if let Some(p) = &progress {
                p.report(m).await;
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
    let now = SystemTime::now();
    let answer = match result {
        Ok(s) => {
            let s = Arc::new(s);
            let msg = format!("synthesized in {:.1} s", s.elapsed.as_secs_f64());
            if let Some(p) = progress {
                p.finish_with_message(msg).await;
            }
            set(state, &root, Outcome::Done(s), now);
            Ok(graph(state, uri).unwrap_or(Value::Null))
        }
        Err(e) => {
            let message = e.to_string();
            if let Some(p) = progress {
                p.finish_with_message("failed").await;
            }
            if !matches!(e, SynthError::Cancelled) {
                let location = match &e {
                    SynthError::Failed { location, .. } => location.clone(),
                    _ => None,
                };
                set(
                    state,
                    &root,
                    Outcome::Failed {
                        message: message.clone(),
                        location,
                    },
                    now,
                );
                client
                    .show_message(MessageType::ERROR, format!("pipelens: {message}"))
                    .await;
            }
            Err(message)
        }
    };
    // Every open document of the app: new hints, lenses and diagnostics.
    for (u, snap) in super::bootstrap::current_snapshots(state) {
        let same_app = u
            .to_file_path()
            .and_then(|p| crate::workspace::app_root(&p))
            .as_deref()
            == Some(root.as_path());
        if same_app {
            super::diagnostics::publish(client, state, &u, &snap).await;
        }
    }
    super::diagnostics::refresh_views(client, state);
    answer
}

fn set(state: &State, root: &Path, outcome: Outcome, at: SystemTime) {
    if let Ok(mut m) = state.synthesized.lock() {
        m.insert(root.to_path_buf(), (Arc::new(outcome), at));
    }
}

fn outcome_for(state: &State, path: &Path) -> Option<(Arc<Outcome>, SystemTime, PathBuf)> {
    let root = crate::workspace::app_root(path)?;
    let (o, at) = state.synthesized.lock().ok()?.get(&root).cloned()?;
    Some((o, at, root))
}

fn ago(at: SystemTime) -> String {
    let s = at.elapsed().unwrap_or_default().as_secs();
    match s {
        0..=59 => format!("{s} s ago"),
        60..=3599 => format!("{} min ago", s / 60),
        _ => format!("{} h ago", s / 3600),
    }
}

/// The stages to show for each pipeline of a snapshot, and where they come from.
pub fn views<'s>(
    state: &State,
    uri: &Uri,
    snap: &'s Snapshot,
) -> (std::borrow::Cow<'s, [Prediction]>, String) {
    // The prediction of a huge pipeline is big: borrowed, not copied, unless a synth replaces
    // some of it.
    let predicted = || (snap.predictions().into(), "predicted".to_string());
    let Some(path) = uri.to_file_path() else {
        return predicted();
    };
    let Some((outcome, at, _)) = outcome_for(state, &path) else {
        return predicted();
    };
    let Outcome::Done(s) = outcome.as_ref() else {
        return predicted();
    };
    let pipelines: Vec<&crate::model::Pipeline> = snap.analysis.model.pipelines.iter().collect();
    let matched = synth::match_pipelines(&pipelines, &s.pipelines);
    let mut out = snap.predictions().to_vec();
    let mut any = false;
    for (si, m) in matched.iter().enumerate() {
        if let Some(pi) = m {
            out[*pi] = synth::to_prediction(
                &s.pipelines[si],
                snap.predictions().get(*pi),
                pipelines[*pi].span,
            );
            any = true;
        }
    }
    if any {
        (out.into(), format!("synthesized {}", ago(at)))
    } else {
        predicted()
    }
}

/// Diagnostics from the last synth of the snapshot's app: where the synthesized pipeline
/// differs from the prediction (the prediction is wrong, or the code does something dynamic),
/// and a failed synth at the place its error points to (`rules::synth`).
pub fn diagnostics(state: &State, uri: &Uri, snap: &Snapshot) -> Vec<Diagnostic> {
    let Some(path) = uri.to_file_path() else {
        return Vec::new();
    };
    let Some((outcome, at, _)) = outcome_for(state, &path) else {
        return Vec::new();
    };
    let model = &snap.analysis.model;
    let mut out = Vec::new();
    match outcome.as_ref() {
        Outcome::Done(s) => {
            let pipelines: Vec<&crate::model::Pipeline> = model.pipelines.iter().collect();
            for (si, m) in synth::match_pipelines(&pipelines, &s.pipelines)
                .iter()
                .enumerate()
            {
                let Some(pi) = m else { continue };
                let synthesized = synth::to_prediction(
                    &s.pipelines[si],
                    snap.predictions().get(*pi),
                    pipelines[*pi].span,
                );
                let predicted = &snap.predictions()[*pi];
                let differences = synth::compare(predicted, &synthesized);
                out.extend(rules::synth::differs(
                    pipelines[*pi],
                    predicted,
                    &differences,
                    &ago(at),
                ));
            }
        }
        Outcome::Failed { message, location } => {
            out.extend(rules::synth::failed(
                &model.pipelines,
                &snap.text,
                &path,
                message,
                location.as_ref(),
            ));
        }
    }
    out
}

/// The `pipelens/pipelineGraph` answer for a document: synthesized stages when there are
/// some, else predicted; plus the SVG picture.
pub fn graph(state: &State, uri: &Uri) -> Option<Value> {
    let snap = state.docs.lock().ok()?.get(uri)?.snapshot.clone()?;
    let file = uri
        .to_file_path()
        .map(|p| p.into_owned())
        .unwrap_or_default();
    let (stages, origin) = views(state, uri, &snap);
    let kind = if origin.starts_with("synthesized") {
        crate::predict::json::Origin::Synthesized
    } else {
        crate::predict::json::Origin::Predicted
    };
    let model = &snap.analysis.model;
    // A cancelled request (`$/cancelRequest`) stops between pipelines: its answer is dropped.
    let mut pipelines = Vec::new();
    let mut pictures = Vec::new();
    for (p, pr) in model.pipelines.iter().zip(stages.iter()) {
        if crate::cancel::requested() {
            return None;
        }
        pipelines.push(crate::predict::json::pipeline(p, &file, pr, kind));
        let title = p.id.clone().unwrap_or_else(|| "pipeline".into());
        pictures.push(crate::predict::svg::render(
            &title,
            &format!("{} · {origin}", file.display()),
            pr,
        ));
    }
    let svg = (!pictures.is_empty()).then(|| crate::predict::svg::document(&pictures));
    Some(json!({ "pipelines": pipelines, "svg": svg }))
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
        let _ = run(&client, &state, &uri).await;
    });
}
