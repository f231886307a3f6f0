//! `pipelens/synthStatus`: what the status bar says of a document's pipelines, from the same
//! view the lens, the hints and the graph show (`lsp::synth::status`). The server sends
//! `pipelens/didChangeSynthStatus` when a synth starts or ends; the client asks again then, on
//! a tab switch and after an edit.

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;

use crate::lsp::Backend;

pub const METHOD: &str = "pipelens/synthStatus";

pub fn handle(b: &Backend, params: Value) -> Result<Value> {
    let uri = super::document_uri(&params)?;
    super::current(&b.state, &uri)?;
    Ok(crate::lsp::synth::status(&b.state, &uri))
}
