//! `textDocument/didClose`: forget the document and clear its diagnostics.

use tower_lsp_server::lsp_types::*;

use crate::lsp::{diagnostics, Backend};

pub async fn handle(b: &Backend, p: DidCloseTextDocumentParams) {
    let uri = p.text_document.uri;
    if let Ok(mut docs) = b.state.docs.lock() {
        docs.remove(&uri);
    }
    diagnostics::clear(&b.client, &b.state, &uri).await;
}
