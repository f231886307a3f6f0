//! What the last `cdk synth` of an app shows in the editor (the synth itself is
//! `lsp/synth_task.rs`'s): hints, lenses, the graph and the status show the synthesized stages
//! where their code did not change since (`synth::stale`), else the prediction, out of date; a
//! stage that differs from the prediction, or a failed synth, becomes a diagnostic.

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{json, Value};
use tower_lsp_server::lsp_types::{NumberOrString, Uri};
use tower_lsp_server::UriExt;

use super::snapshot::{app_of, DocumentSnapshot};
use super::state::{Outcome, Record, Snapshot, State};
use crate::predict::Prediction;
use crate::rules::{self, Diagnostic};
use crate::synth::stale::{self, Basis};
use crate::synth::{self, Synthesized};

/// The notification that tells the client a synth started or ended (its status bar asks
/// `pipelens/synthStatus` again).
pub const STATUS_CHANGED: &str = "pipelens/didChangeSynthStatus";

fn basis_of(snap: &Snapshot) -> Arc<Basis> {
    Arc::new(Basis {
        text: snap.text.clone(),
        ids: snap
            .analysis
            .model
            .pipelines
            .iter()
            .map(|p| p.id.clone())
            .collect(),
        predictions: Some(snap.predictions().to_vec()),
    })
}

/// A document's file on disk, as text (what `cdk synth` reads), if it can be read.
fn disk_text(uri: &Uri) -> Option<Arc<str>> {
    let path = uri.to_file_path()?;
    let bytes = crate::workspace::read_file(&path, crate::workspace::MAX_SOURCE_BYTES).ok()?;
    Some(Arc::from(String::from_utf8_lossy(&bytes).as_ref()))
}

/// The code a synth reads for a document: the file on disk. Its prediction is the snapshot's
/// when the snapshot is of that text (an unsaved buffer is not what the synth read; its
/// prediction is known once the buffer is that text again).
pub(super) fn disk_basis(uri: &Uri, snap: Option<&Snapshot>) -> Arc<Basis> {
    let disk = disk_text(uri).unwrap_or_else(|| Arc::from(""));
    match snap {
        Some(snap) if *snap.text == *disk => basis_of(snap),
        _ => Arc::new(Basis {
            text: disk,
            ids: Vec::new(),
            predictions: None,
        }),
    }
}

/// `window/workDoneProgress/cancel`: the user cancelled a synth from its progress.
pub fn cancel(state: &State, token: &NumberOrString) {
    let NumberOrString::String(token) = token else {
        return;
    };
    let root = state.synths_running.lock().ok().and_then(|mut r| {
        let run = r
            .iter()
            .position(|run| run.token.as_deref() == Some(token.as_str()))?;
        let (id, root) = (r[run].id, r[run].root.clone());
        r[run].cancelled = true;
        // Only the app's newest synth runs on: an older one is ending already, and cancelling
        // the app would stop the newer one instead.
        let newest = r.iter().filter(|x| x.root == root).map(|x| x.id).max();
        (newest == Some(id)).then_some(root)
    });
    if let Some(root) = root {
        state.synthesizer.cancel(&root);
    }
}

/// The last synth of the document's app.
fn record_for(state: &State, uri: &Uri) -> Option<Arc<Record>> {
    let root = app_of(uri)?;
    state.synthesized.lock().ok()?.get(&root).cloned()
}

fn ago(at: SystemTime) -> String {
    let s = at.elapsed().unwrap_or_default().as_secs();
    match s {
        0..=59 => format!("{s} s ago"),
        60..=3599 => format!("{} min ago", s / 60),
        _ => format!("{} h ago", s / 3600),
    }
}

/// The code a record's synth was made from for this document (recorded now if the document
/// was not open then).
fn basis(record: &Record, uri: &Uri, snap: &Snapshot) -> Arc<Basis> {
    let known = record
        .basis
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(uri)
        .cloned();
    let b = match known {
        // The text the synth read, whose prediction was not known: the snapshot is of it now.
        Some(b) if b.predictions.is_none() && *b.text == *snap.text => basis_of(snap),
        Some(b) => return b,
        // Opened after the synth: its file, if it did not change on disk since the synth.
        None => {
            let untouched = uri
                .to_file_path()
                .and_then(|p| std::fs::metadata(p).ok()?.modified().ok())
                .is_some_and(|m| m < record.started);
            if untouched {
                disk_basis(uri, Some(snap))
            } else {
                Arc::new(Basis {
                    text: Arc::from(""),
                    ids: Vec::new(),
                    predictions: None,
                })
            }
        }
    };
    record
        .basis
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(uri.clone(), b.clone());
    b
}

pub use super::state::MergedPipelines;

/// A failed synth speaks for this snapshot: the document is the text the synth read.
fn failure_holds(record: &Record, uri: &Uri, snap: &Snapshot) -> bool {
    basis(record, uri, snap).text == snap.text
}

/// For each synthesized pipeline that is a pipeline of the snapshot: its index in the model,
/// the synthesized pipeline in the prediction's types, and what to show now (`stale::merge`).
/// Made once per snapshot and record (`Snapshot::synth_merged`): requests after a synth read it.
fn merged(
    record: &Arc<Record>,
    s: &Synthesized,
    uri: &Uri,
    snap: &Snapshot,
) -> Arc<MergedPipelines> {
    let mut cache = snap.synth_merged.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((r, m)) = cache.as_ref() {
        if Arc::ptr_eq(r, record) {
            return m.clone();
        }
    }
    let m = Arc::new(merge_now(record, s, uri, snap));
    *cache = Some((record.clone(), m.clone()));
    m
}

fn merge_now(record: &Record, s: &Synthesized, uri: &Uri, snap: &Snapshot) -> MergedPipelines {
    let basis = basis(record, uri, snap);
    let pipelines: Vec<&crate::model::Pipeline> = snap.analysis.model.pipelines.iter().collect();
    let none = Prediction { stages: Vec::new() };
    let mut out = Vec::new();
    for (si, m) in synth::match_pipelines(&pipelines, &s.pipelines)
        .iter()
        .enumerate()
    {
        let Some(pi) = *m else { continue };
        let now = &snap.predictions()[pi];
        let synthesized = synth::to_prediction(&s.pipelines[si], Some(now), pipelines[pi].span);
        // The same pipeline then: same place among the document's pipelines, same id.
        let then = basis
            .predictions
            .as_deref()
            .and_then(|p| p.get(pi))
            .filter(|_| basis.ids.get(pi) == Some(&pipelines[pi].id))
            .unwrap_or(&none);
        let m = stale::merge(then, &basis.text, now, &snap.text, &synthesized);
        out.push((pi, synthesized, m));
    }
    out
}

/// The stages shown for each pipeline of a document, and where they come from.
pub struct View<'s> {
    pub stages: std::borrow::Cow<'s, [Prediction]>,
    /// `predicted`, or `synthesized 2 min ago`.
    pub origin: String,
    /// Per pipeline: its stages shown as predicted again because their code changed since the
    /// synth.
    pub out_of_date: Vec<Vec<String>>,
    /// Per pipeline: the synth made it (a pipeline the synth's assembly does not pair with is
    /// predicted, whatever `origin` says of the others).
    pub from_synth: Vec<bool>,
}

/// What the hint of an out-of-date stage says it is.
pub const OUT_OF_DATE: &str = "synth is out of date";

impl View<'_> {
    /// Where the stages of pipeline `i` come from; of its stage `stage` when one is named.
    pub fn origin_of(&self, i: usize, stage: Option<&str>) -> String {
        if !self.is_synthesized(i) {
            return "predicted".into();
        }
        let stale = self.out_of_date.get(i).map(Vec::as_slice).unwrap_or(&[]);
        match stage {
            Some(s) if stale.iter().any(|x| x == s) => OUT_OF_DATE.into(),
            Some(_) => self.origin.clone(),
            None if stale.is_empty() => self.origin.clone(),
            None => format!(
                "{}; synth is out of date for {}",
                self.origin,
                crate::ide::stages::few(stale)
            ),
        }
    }

    /// Each pipeline of `model` (the snapshot's the view was made for), its index and the
    /// stages shown for it.
    pub fn pipelines<'m>(
        &'m self,
        model: &'m crate::model::FileModel,
    ) -> impl Iterator<Item = (usize, &'m crate::model::Pipeline, &'m Prediction)> {
        model
            .pipelines
            .iter()
            .zip(self.stages.iter())
            .enumerate()
            .map(|(i, (p, s))| (i, p, s))
    }

    /// Some pipeline of the document is shown as the synth made it.
    pub fn synthesized(&self) -> bool {
        self.from_synth.iter().any(|s| *s)
    }

    /// Pipeline `i` is shown as the synth made it.
    pub fn is_synthesized(&self, i: usize) -> bool {
        self.from_synth.get(i).copied().unwrap_or(false)
    }
}

/// The stages to show for each pipeline of a snapshot, and where they come from.
pub fn views<'s>(record: Option<&Arc<Record>>, uri: &Uri, snap: &'s Snapshot) -> View<'s> {
    // The prediction of a huge pipeline is big: borrowed, not copied, unless a synth replaces
    // some of it.
    let predicted = || View {
        stages: snap.predictions().into(),
        origin: "predicted".to_string(),
        out_of_date: Vec::new(),
        from_synth: Vec::new(),
    };
    let Some(record) = record else {
        return predicted();
    };
    let Outcome::Done(s) = &record.outcome else {
        return predicted();
    };
    let merged = merged(record, s, uri, snap);
    if merged.is_empty() {
        return predicted();
    }
    let mut stages = snap.predictions().to_vec();
    let mut out_of_date = vec![Vec::new(); stages.len()];
    let mut from_synth = vec![false; stages.len()];
    for (pi, _, m) in merged.iter() {
        stages[*pi] = m.prediction.clone();
        out_of_date[*pi] = m.out_of_date.clone();
        from_synth[*pi] = true;
    }
    View {
        stages: stages.into(),
        origin: format!("synthesized {}", ago(record.at)),
        out_of_date,
        from_synth,
    }
}

/// Diagnostics from the last synth of the snapshot's app: where the synthesized pipeline
/// differs from the prediction (the prediction is wrong, or the code does something dynamic),
/// and a failed synth at the place its error points to (`rules::synth`). Only what still holds:
/// once the document changed, differences in stages whose code changed are dropped, and a
/// failure of the old code is not shown on the new.
pub fn diagnostics(state: &State, uri: &Uri, snap: &Snapshot) -> Vec<Diagnostic> {
    let Some(path) = uri.to_file_path() else {
        return Vec::new();
    };
    let Some(record) = record_for(state, uri) else {
        return Vec::new();
    };
    let model = &snap.analysis.model;
    let mut out = Vec::new();
    match &record.outcome {
        Outcome::Done(s) => {
            for (pi, synthesized, m) in merged(&record, s, uri, snap).iter() {
                let predicted = &snap.predictions()[*pi];
                let whole =
                    m.out_of_date.is_empty() && m.unchanged.len() == synthesized.stages.len();
                let differences = if whole {
                    synth::compare(predicted, synthesized)
                } else {
                    synth::compare(
                        &stale::only(predicted, &m.unchanged),
                        &stale::only(synthesized, &m.unchanged),
                    )
                };
                out.extend(rules::synth::differs(
                    &model.pipelines[*pi],
                    predicted,
                    &differences,
                    &ago(record.at),
                ));
            }
        }
        Outcome::Failed { message, location } => {
            if !failure_holds(&record, uri, snap) {
                return out; // the failure was of the code as it was
            }
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

/// `pipelens/synthStatus`: what the status bar says of a document's pipelines —
/// `{state, text, tooltip}` with `state` one of `none` (no pipeline), `predicted`, `running`,
/// `synthesized`, `outOfDate` (synthesized, but some stages' code changed since) and `failed`.
pub fn status(s: &DocumentSnapshot) -> Value {
    let Some(snap) = s
        .analysis
        .as_ref()
        .filter(|a| !a.analysis.model.pipelines.is_empty())
    else {
        return json!({"state": "none", "text": "", "tooltip": ""});
    };
    let (uri, running) = (&s.uri, s.synth_running);
    if let Some(s) = running {
        return json!({
            "state": "running",
            "text": format!("synth running ({s} s)"),
            "tooltip": "`cdk synth` is running; cancel it from its progress notification.",
        });
    }
    let record = s.synth.as_ref();
    if let Some(r) = record {
        if let Outcome::Failed { message, .. } = &r.outcome {
            if !failure_holds(r, uri, snap) {
                return predicted_status(); // the failure was of the code as it was
            }
            return json!({
                "state": "failed",
                "text": "synth failed",
                "tooltip": format!("The synth {} failed: {message}", ago(r.at)),
            });
        }
    }
    let view = views(record, uri, snap);
    if !view.synthesized() {
        return predicted_status();
    }
    let stale: Vec<String> = view.out_of_date.iter().flatten().cloned().collect();
    if stale.is_empty() {
        json!({
            "state": "synthesized",
            "text": view.origin,
            "tooltip": "The stages come from the last `cdk synth` of this code.",
        })
    } else {
        json!({
            "state": "outOfDate",
            "text": format!("{}, out of date", view.origin),
            "tooltip": format!(
                "The code of {} changed since the synth: {} shown as predicted. Synthesize again to confirm.",
                crate::ide::stages::few(&stale),
                if stale.len() == 1 { "it is" } else { "they are" },
            ),
        })
    }
}

fn predicted_status() -> Value {
    json!({
        "state": "predicted",
        "text": "predicted",
        "tooltip": "The CodePipeline stages are predicted from the code; synthesize to compare with `cdk synth`.",
    })
}

/// The `pipelens/pipelineGraph` answer for a document: synthesized stages when there are
/// some, else predicted; plus the SVG picture.
pub fn graph(s: &DocumentSnapshot) -> Option<Value> {
    let (uri, snap) = (&s.uri, s.analysis.as_deref()?);
    let file = uri
        .to_file_path()
        .map(|p| p.into_owned())
        .unwrap_or_default();
    let view = views(s.synth.as_ref(), uri, snap);
    if crate::cancel::requested() {
        return None;
    }
    let model = &snap.analysis.model;
    // A cancelled request (`$/cancelRequest`) stops between pipelines: its answer is dropped.
    let mut pipelines = Vec::new();
    let mut pictures = Vec::new();
    for (i, p, pr) in view.pipelines(model) {
        if crate::cancel::requested() {
            return None;
        }
        let kind = if view.is_synthesized(i) {
            crate::predict::json::Origin::Synthesized
        } else {
            crate::predict::json::Origin::Predicted
        };
        let mut json = crate::predict::json::pipeline(p, &file, pr, kind);
        // The stages shown as predicted again because their code changed since the synth.
        if let (Some(o), Some(stale)) = (json.as_object_mut(), view.out_of_date.get(i)) {
            o.insert("outOfDate".into(), json!(stale));
        }
        // The deployed pipeline, when it was read (trusted workspaces only).
        if let (Some(o), Some(live)) = (
            json.as_object_mut(),
            super::live::graph_json(s, snap, i, pr),
        ) {
            o.insert("live".into(), live);
        }
        pipelines.push(json);
        let title = p.id.clone().unwrap_or_else(|| "pipeline".into());
        pictures.push(crate::predict::svg::render(
            &title,
            &format!("{} · {}", file.display(), view.origin_of(i, None)),
            pr,
        ));
    }
    let svg = (!pictures.is_empty()).then(|| crate::predict::svg::document(&pictures));
    Some(json!({ "pipelines": pipelines, "svg": svg }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pipeline the synth did not make is predicted, whatever the others are.
    #[test]
    fn a_pipeline_the_synth_did_not_make_is_predicted() {
        let view = View {
            stages: Vec::new().into(),
            origin: "synthesized 3 s ago".into(),
            out_of_date: vec![vec!["Prod".into()], Vec::new()],
            from_synth: vec![true, false],
        };
        assert_eq!(
            view.origin_of(0, None),
            "synthesized 3 s ago; synth is out of date for Prod"
        );
        assert_eq!(view.origin_of(0, Some("Prod")), OUT_OF_DATE);
        assert_eq!(view.origin_of(0, Some("Dev")), "synthesized 3 s ago");
        assert_eq!(view.origin_of(1, None), "predicted");
        assert_eq!(view.origin_of(1, Some("Dev")), "predicted");
        assert!(view.synthesized() && !view.is_synthesized(1));
    }
}
