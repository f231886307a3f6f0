//! `shutdown`: nothing to flush; background tasks end with the runtime.

use tower_lsp_server::jsonrpc::Result;

use crate::lsp::Backend;

pub async fn handle(_: &Backend) -> Result<()> {
    Ok(())
}
