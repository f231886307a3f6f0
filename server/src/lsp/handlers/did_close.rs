//! `textDocument/didClose`: forget the document and clear its diagnostics. Closing the last
//! open document of an app cancels its running synth (nobody is left to see the result).

use tower_lsp_server::lsp_types::*;
use tower_lsp_server::UriExt;

use crate::lsp::{diagnostics, Backend};
use crate::workspace;

pub async fn handle(b: &Backend, p: DidCloseTextDocumentParams) {
    let uri = p.text_document.uri;
    let app = uri.to_file_path().and_then(|p| workspace::app_root(&p));
    let others_open = match b.state.docs.lock() {
        Ok(mut docs) => {
            docs.remove(&uri);
            docs.values().any(|d| {
                d.path.as_deref().and_then(workspace::app_root).as_deref() == app.as_deref()
            })
        }
        Err(_) => true,
    };
    if let Some(app) = app.filter(|_| !others_open) {
        b.state.synthesizer.cancel(&app);
    }
    diagnostics::clear(&b.client, &b.state, &uri).await;
}
