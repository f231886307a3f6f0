//! `shutdown`: noted (the exit code after `exit` is 0 only when it came first); background
//! tasks end with the runtime.

use tower_lsp_server::jsonrpc::Result;

use crate::lsp::Backend;

pub async fn handle(b: &Backend) -> Result<()> {
    b.state
        .shutdown_requested
        .store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(())
}
