//! `textDocument/didOpen`: keep the document's text and schedule its analysis, which parses
//! it off the task that serves the connection.

use std::collections::BTreeMap;

use tower_lsp_server::lsp_types::*;
use tower_lsp_server::UriExt;

use crate::document::Document;
use crate::lang;
use crate::lsp::state::DocEntry;
use crate::lsp::{diagnostics, Backend};

pub fn handle(b: &Backend, p: DidOpenTextDocumentParams) {
    let doc = p.text_document;
    let path = doc.uri.to_file_path().map(|p| p.into_owned());
    let plugin = lang::for_language_id(&doc.language_id)
        .or_else(|| path.as_deref().and_then(lang::for_path));
    let Some(plugin) = plugin else {
        tracing::info!(
            "not a language pipelens reads: {} ({})",
            doc.uri.as_str(),
            doc.language_id
        );
        return;
    };
    let entry = DocEntry {
        doc: Document::new(plugin, &doc.text, doc.version),
        path,
        pending: BTreeMap::new(),
        snapshot: None,
        generation: 0,
        analysing: false,
        git_generation: 0,
        git_diagnostics: None,
        lower_memo: None,
        touched: std::time::Instant::now(),
        snapshot_at: None,
    };
    if let Ok(mut docs) = b.state.docs.lock() {
        docs.insert(doc.uri.clone(), entry);
    }
    diagnostics::schedule(&b.client, &b.state, doc.uri.clone());
    diagnostics::schedule_git(&b.client, &b.state, doc.uri);
}
