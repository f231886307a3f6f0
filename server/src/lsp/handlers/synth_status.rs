//! `pipelens/synthStatus`: what the status bar says of a document's pipelines, from the same
//! view the lens, the hints and the graph show (`lsp::synth::status`). The server sends
//! `pipelens/didChangeSynthStatus` when a synth starts or ends; the client asks again then, on
//! a tab switch and after an edit.

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;

use crate::lsp::snapshot::DocumentSnapshot;

pub const METHOD: &str = "pipelens/synthStatus";

pub fn handle(s: &DocumentSnapshot, _: Value) -> Result<Value> {
    Ok(crate::lsp::synth::status(s))
}
