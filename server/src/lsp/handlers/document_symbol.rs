//! `textDocument/documentSymbol`: pipeline → waves → stages → steps.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;

use crate::lsp::snapshot::DocumentSnapshot;
use crate::lsp::to_proto;

pub fn handle(
    s: &DocumentSnapshot,
    _: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let Some(snap) = s.analysis.as_deref() else {
        return Ok(Some(DocumentSymbolResponse::Nested(Vec::new())));
    };
    let enc = s.encoding;
    let symbols = crate::ide::symbols::outline(&snap.analysis.model)
        .iter()
        // Cancelled: the answer is dropped, so stop making it.
        .take_while(|_| !crate::cancel::requested())
        .map(|s| to_proto::symbol(&snap.rope, s, enc))
        .collect();
    Ok(Some(DocumentSymbolResponse::Nested(symbols)))
}
