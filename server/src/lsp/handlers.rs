//! One file per LSP method. Each converts protocol → engine call → protocol. A request that
//! reads (completion, hover, …) gets a [`DocumentSnapshot`](super::snapshot::DocumentSnapshot)
//! and its params and returns its answer; notifications and commands, which change the
//! session, get the backend.

pub mod code_action;
pub mod code_lens;
pub mod completion;
pub mod did_change;
pub mod did_change_configuration;
pub mod did_change_trust;
pub mod did_close;
pub mod did_open;
pub mod did_save;
pub mod document_symbol;
pub mod execute_command;
pub mod hover;
pub mod initialize;
pub mod initialized;
pub mod inlay_hint;
pub mod pipeline_graph;
pub mod shutdown;
pub mod synth_status;
pub mod work_done_progress_cancel;

use tower_lsp_server::jsonrpc;
use tower_lsp_server::lsp_types::Uri;

use super::state::State;

/// The `textDocument.uri` of a custom request's params.
pub(crate) fn document_uri(params: &serde_json::Value) -> jsonrpc::Result<Uri> {
    params
        .get("textDocument")
        .and_then(|t| t.get("uri"))
        .and_then(|u| u.as_str())
        .and_then(|u| u.parse().ok())
        .ok_or_else(|| jsonrpc::Error::invalid_params("expected { textDocument: { uri } }"))
}

/// How long a request waits for a just-opened document's first analysis.
const FIRST_ANALYSIS_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// Right after `didOpen`, waits (at most [`FIRST_ANALYSIS_WAIT`]) for the document's first
/// analysis, so that the first completion or hover of a request that reads it is not empty.
/// Asynchronous, before the handler takes a thread: a waiting request holds none, so the
/// analysis it waits for is never queued behind it. Returns at once when the document has an
/// analysis, or none is under way (a document too big to analyse, one that failed).
pub(crate) async fn first_analysis(state: &State, uri: &Uri) {
    let began = std::time::Instant::now();
    while began.elapsed() < FIRST_ANALYSIS_WAIT {
        let waiting = state
            .docs
            .lock()
            .map(|d| {
                d.get(uri)
                    .is_some_and(|e| e.snapshot.is_none() && e.analysing)
            })
            .unwrap_or(false);
        if !waiting {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}
