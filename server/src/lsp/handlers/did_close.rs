//! `textDocument/didClose`: forget the document and clear its diagnostics. Closing the last
//! open document of an app cancels its running synth (nobody is left to see the result).

use tower_lsp_server::lsp_types::*;
use tower_lsp_server::UriExt;

use crate::lsp::{diagnostics, Backend};
use crate::workspace;

pub async fn handle(b: &Backend, p: DidCloseTextDocumentParams) {
    let uri = p.text_document.uri;
    let app = uri.to_file_path().and_then(|p| workspace::app_root(&p));
    let (closed, others_open) = match b.state.docs.lock() {
        Ok(mut docs) => {
            let closed = docs.remove(&uri);
            let others = docs.values().any(|d| {
                d.path.as_deref().and_then(workspace::app_root).as_deref() == app.as_deref()
            });
            (closed, others)
        }
        Err(_) => (None, true),
    };
    // Its text, tree, lowering memo and analysis, freed outside the lock, and the memory handed
    // back to the system: a huge document would otherwise stay resident after it closes.
    // Both take time in proportion to the heap: off the task that serves the connection.
    if let Some(closed) = closed {
        tokio::task::spawn_blocking(move || {
            drop(closed);
            diagnostics::memory_freed();
        });
    }
    if let Some(app) = app.filter(|_| !others_open) {
        b.state.synthesizer.cancel(&app);
    }
    diagnostics::clear(&b.client, &b.state, &uri).await;
}
