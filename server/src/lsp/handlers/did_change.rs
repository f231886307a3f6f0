//! `textDocument/didChange`: applies incremental edits synchronously, in version order, before
//! any `.await`. tower-lsp may run notification handlers out of order (its issue 284), so a
//! change whose version does not follow the document's is held until its predecessor arrives.

use tower_lsp_server::lsp_types::*;

use crate::lsp::{diagnostics, Backend};

/// How long a change waits for a missing predecessor before it is applied anyway. Handlers
/// that run out of order do so within one scheduling burst, but on a loaded machine (two
/// cores, a build running) a thread can wait several 4 ms time slices between two messages
/// read together: 3 ms was seen to apply a change before its predecessor there. Clients that
/// legally skip version numbers (Neovim sends its changedtick) wait this long for their
/// diagnostics, which is still below what anyone notices. Requests apply held changes at once
/// (see `State::document_snapshot`).
const GAP_WAIT: std::time::Duration = std::time::Duration::from_millis(25);

pub fn handle(b: &Backend, p: DidChangeTextDocumentParams) {
    let uri = p.text_document.uri;
    let enc = b.state.encoding();
    let (clamped, waiting) = {
        let Ok(mut docs) = b.state.docs.lock() else {
            return;
        };
        let Some(entry) = docs.get_mut(&uri) else {
            tracing::warn!(
                "didChange for a document that is not open: {}",
                uri.as_str()
            );
            return;
        };
        let version = p.text_document.version;
        // A version the document already has (or a held change already carries) is a client
        // bug: the edit is not applied, and the editor's text may now differ from ours. Said,
        // not silently dropped.
        if version <= entry.doc.version || entry.pending.contains_key(&version) {
            tracing::warn!(
                "{}: a second change with version {version} (the document is at version {}); \
                 it is not applied — the editor's text may differ until the document is \
                 reopened",
                uri.as_str(),
                entry.doc.version
            );
            return;
        }
        entry.pending.insert(version, p.content_changes);
        let clamped = entry.apply_pending(enc, false);
        (clamped, !entry.pending.is_empty())
    };
    if clamped > 0 {
        tracing::warn!(
            "{}: {clamped} edit(s) pointed outside the document and were clamped",
            uri.as_str()
        );
    }
    if waiting {
        let (client, state) = (b.client.clone(), b.state.clone());
        tokio::spawn(async move {
            tokio::time::sleep(GAP_WAIT).await;
            if let Ok(mut docs) = state.docs.lock() {
                if let Some(entry) = docs.get_mut(&uri) {
                    if !entry.pending.is_empty() {
                        // Legal (versions need not be consecutive; Neovim skips), so not a warning.
                        tracing::debug!(
                            "{}: version gap; applying {} held change(s) in order",
                            uri.as_str(),
                            entry.pending.len()
                        );
                        entry.apply_pending(enc, true);
                    }
                }
            }
            diagnostics::schedule(&client, &state, uri.clone());
            diagnostics::schedule_git(&client, &state, uri);
        });
        return;
    }
    diagnostics::schedule(&b.client, &b.state, uri.clone());
    diagnostics::schedule_git(&b.client, &b.state, uri);
}
