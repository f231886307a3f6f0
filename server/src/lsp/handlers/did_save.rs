//! `textDocument/didSave`: the app's files changed on disk; rebuild its index and re-analyse.

use tower_lsp_server::lsp_types::*;
use tower_lsp_server::UriExt;

use crate::lsp::{diagnostics, Backend};
use crate::workspace;

pub fn handle(b: &Backend, p: DidSaveTextDocumentParams) {
    let path = p.text_document.uri.to_file_path().map(|p| p.into_owned());
    if let Some(root) = path.as_deref().and_then(workspace::app_root) {
        b.state.invalidate_index(&root);
    }
    diagnostics::schedule_all(&b.client, &b.state);
    diagnostics::schedule_git(&b.client, &b.state, p.text_document.uri.clone());
    crate::lsp::synth_task::on_save(&b.client, &b.state, p.text_document.uri);
}
