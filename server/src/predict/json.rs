//! The `pipelens preview --format json` shape (a public contract: see DESIGN.md), also the
//! answer of the LSP request `pipelens/pipelineGraph`.

use std::path::Path;

use serde_json::{json, Value};

use super::{Action, PredictedStage, Prediction};
use crate::model::Pipeline;

/// Where the stages come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Predicted,
    Synthesized,
}

impl Origin {
    pub fn name(self) -> &'static str {
        match self {
            Origin::Predicted => "predicted",
            Origin::Synthesized => "synthesized",
        }
    }
}

fn action(a: &Action) -> Value {
    json!({
        "name": a.name,
        "runOrder": a.run_order,
        "kind": a.kind.name(),
        "account": a.account,
        "region": a.region,
    })
}

pub fn stage(s: &PredictedStage) -> Value {
    json!({
        "name": s.name,
        "certain": s.certain,
        "line": s.span.start.0 + 1,
        "actions": s.actions.iter().map(action).collect::<Vec<_>>(),
    })
}

/// One entry of `pipelines`.
pub fn pipeline(p: &Pipeline, file: &Path, prediction: &Prediction, origin: Origin) -> Value {
    json!({
        "id": p.id,
        "file": file.display().to_string(),
        "line": p.span.start.0 + 1,
        "origin": origin.name(),
        // Cancelled (a language server request): the answer is dropped, stop here.
        "stages": prediction
            .stages
            .iter()
            .take_while(|_| !crate::cancel::requested())
            .map(stage)
            .collect::<Vec<_>>(),
    })
}
