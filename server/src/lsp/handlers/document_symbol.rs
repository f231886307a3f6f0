//! `textDocument/documentSymbol`: pipeline → waves → stages → steps.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;

use crate::lsp::{to_proto, Backend};

pub fn handle(b: &Backend, p: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
    let (_, _, snap) = super::current(&b.state, &p.text_document.uri)?;
    let Some(snap) = snap else {
        return Ok(Some(DocumentSymbolResponse::Nested(Vec::new())));
    };
    let enc = b.state.encoding();
    let symbols = crate::ide::symbols::outline(&snap.analysis.model)
        .iter()
        // Cancelled: the answer is dropped, so stop making it.
        .take_while(|_| !crate::cancel::requested())
        .map(|s| to_proto::symbol(&snap.rope, s, enc))
        .collect();
    Ok(Some(DocumentSymbolResponse::Nested(symbols)))
}
