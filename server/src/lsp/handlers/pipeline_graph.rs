//! `pipelens/pipelineGraph`: the `preview --format json` answer for one document (plus, as an
//! extension, the SVG picture under `svg`).

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::Result;

use crate::lsp::Backend;

pub fn handle(b: &Backend, params: Value) -> Result<Value> {
    let uri = super::document_uri(&params)?;
    super::current(&b.state, &uri)?;
    Ok(crate::lsp::synth::graph(&b.state, &uri).unwrap_or_else(|| json!({ "pipelines": [] })))
}
