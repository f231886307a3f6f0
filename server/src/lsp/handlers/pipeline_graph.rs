//! `pipelens/pipelineGraph`: the `preview --format json` answer for one document (plus, as an
//! extension, the SVG picture under `svg`).

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::lsp_types::Uri;

use crate::lsp::Backend;

pub fn handle(b: &Backend, params: Value) -> Result<Value> {
    let uri: Uri = params
        .get("textDocument")
        .and_then(|t| t.get("uri"))
        .and_then(|u| u.as_str())
        .and_then(|u| u.parse().ok())
        .ok_or_else(|| jsonrpc::Error::invalid_params("expected { textDocument: { uri } }"))?;
    super::current(&b.state, &uri)?;
    Ok(crate::lsp::synth::graph(&b.state, &uri).unwrap_or_else(|| json!({ "pipelines": [] })))
}
