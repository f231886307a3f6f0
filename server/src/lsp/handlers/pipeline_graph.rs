//! `pipelens/pipelineGraph`: the `preview --format json` answer for one document (plus, as an
//! extension, the SVG picture under `svg`).

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::Result;

use crate::lsp::snapshot::DocumentSnapshot;

pub fn handle(s: &DocumentSnapshot, _: Value) -> Result<Value> {
    Ok(crate::lsp::synth::graph(s).unwrap_or_else(|| json!({ "pipelines": [] })))
}
