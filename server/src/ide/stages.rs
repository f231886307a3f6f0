//! The generated CodePipeline shown in the editor: an inlay hint at each `add_stage` /
//! `add_wave` (and the pipeline) naming the CodePipeline stage it becomes and its actions in
//! run order, and the whole stage chain for a code lens.

use crate::model::FileModel;
use crate::predict::{Action, PredictedStage, Prediction};

/// An inlay hint at a byte offset.
#[derive(Clone, Debug, PartialEq)]
pub struct Hint {
    pub offset: usize,
    pub label: String,
    pub tooltip: String,
}

/// Actions of one run-order step: `A`, or `X.Prepare ×2` when they share a suffix.
fn step_label(actions: &[&Action]) -> String {
    if actions.len() == 1 {
        return actions[0].name.clone();
    }
    let suffix = |n: &str| n.rsplit('.').next().unwrap_or(n).to_string();
    let first = suffix(&actions[0].name);
    if actions.iter().all(|a| suffix(&a.name) == first) {
        format!("{} ×{}", actions[0].name, actions.len())
    } else {
        actions
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// `Prod: PromoteToProd → ProdUsEast1.Api.Prepare ×4 → ProdUsEast1.Api.Deploy ×4`
pub fn stage_line(s: &PredictedStage) -> String {
    let mut steps: Vec<String> = Vec::new();
    let mut i = 0;
    while i < s.actions.len() {
        let ro = s.actions[i].run_order;
        let group: Vec<&Action> = s.actions[i..]
            .iter()
            .take_while(|a| a.run_order == ro)
            .collect();
        i += group.len();
        steps.push(step_label(&group));
    }
    let uncertain = if s.certain { "" } else { " (uncertain)" };
    format!("{}: {}{uncertain}", s.name, steps.join(" → "))
}

/// `Source → Build → UpdatePipeline → Dev → Staging → Prod`
pub fn chain(p: &Prediction) -> String {
    p.stages
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(" → ")
}

/// One hint per CodePipeline stage, at the end of the code that creates it. `origin` says
/// where the stages come from (`predicted`, `synthesized 2 min ago`).
pub fn hints(model: &FileModel, predictions: &[Prediction], origin: &str) -> Vec<Hint> {
    let mut out = Vec::new();
    for (p, prediction) in model.pipelines.iter().zip(predictions) {
        // The fixed head of the pipeline (Source, Build, UpdatePipeline, Assets) goes on the
        // pipeline construct; each add_stage / add_wave gets its own stage.
        let mut head: Vec<&PredictedStage> = Vec::new();
        for s in &prediction.stages {
            let at_pipeline =
                s.span.start_byte >= p.span.start_byte && s.span.end_byte <= p.span.end_byte;
            let is_stage_or_wave = p.waves.iter().any(|w| w.span == s.span);
            if is_stage_or_wave || !at_pipeline {
                out.push(Hint {
                    offset: s.span.end_byte,
                    label: stage_line(s),
                    tooltip: format!("CodePipeline stage `{}` ({origin})", s.name),
                });
            } else {
                head.push(s);
            }
        }
        if !head.is_empty() {
            out.push(Hint {
                offset: p.span.end_byte,
                label: head
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" → "),
                tooltip: format!(
                    "The pipeline starts with {} ({origin})",
                    head.iter()
                        .map(|s| stage_line(s))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            });
        }
    }
    out.sort_by_key(|h| h.offset);
    out
}
