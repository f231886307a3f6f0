//! `pipelens/synthStatus`: what the status bar says of a document's pipelines, from the same
//! view the lens, the hints and the graph show (`lsp::synth::status`). The server sends
//! `pipelens/didChangeSynthStatus` when a synth starts or ends; the client asks again then, on
//! a tab switch and after an edit.

use serde_json::Value;
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::lsp_types::Uri;

use crate::lsp::Backend;

pub const METHOD: &str = "pipelens/synthStatus";

pub fn handle(b: &Backend, params: Value) -> Result<Value> {
    let uri: Uri = params
        .get("textDocument")
        .and_then(|t| t.get("uri"))
        .and_then(|u| u.as_str())
        .and_then(|u| u.parse().ok())
        .ok_or_else(|| jsonrpc::Error::invalid_params("expected { textDocument: { uri } }"))?;
    super::current(&b.state, &uri)?;
    Ok(crate::lsp::synth::status(&b.state, &uri))
}
