//! The language server: the only module that knows LSP. The `LanguageServer` impl is one line
//! per method, delegating to `lsp/handlers/<method>.rs`; a handler converts protocol → engine
//! call → protocol. State lives in [`state::State`]; positions convert in `to_proto` /
//! `from_proto` through `document::position`.

// `Uri` caches its parsed parts in cells; it is never mutated while it is a map key.
#![allow(clippy::mutable_key_type)]

mod diagnostics;
mod from_proto;
mod handlers;
mod state;
mod to_proto;
mod transport;

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;
use tower_lsp_server::{Client, ClientSocket, LanguageServer, LspService, Server};

pub use state::State;

pub struct Backend {
    pub(crate) client: Client,
    pub(crate) state: Arc<State>,
}

impl LanguageServer for Backend {
    async fn initialize(&self, p: InitializeParams) -> Result<InitializeResult> {
        handlers::initialize::handle(self, p).await
    }
    async fn initialized(&self, p: InitializedParams) {
        handlers::initialized::handle(self, p).await
    }
    async fn shutdown(&self) -> Result<()> {
        handlers::shutdown::handle(self).await
    }
    async fn did_open(&self, p: DidOpenTextDocumentParams) {
        handlers::did_open::handle(self, p)
    }
    async fn did_change(&self, p: DidChangeTextDocumentParams) {
        handlers::did_change::handle(self, p)
    }
    async fn did_save(&self, p: DidSaveTextDocumentParams) {
        handlers::did_save::handle(self, p)
    }
    async fn did_close(&self, p: DidCloseTextDocumentParams) {
        handlers::did_close::handle(self, p).await
    }
    async fn did_change_configuration(&self, p: DidChangeConfigurationParams) {
        handlers::did_change_configuration::handle(self, p).await
    }
    async fn completion(&self, p: CompletionParams) -> Result<Option<CompletionResponse>> {
        handlers::completion::handle(self, p)
    }
    async fn hover(&self, p: HoverParams) -> Result<Option<Hover>> {
        handlers::hover::handle(self, p)
    }
    async fn document_symbol(
        &self,
        p: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        handlers::document_symbol::handle(self, p)
    }
    async fn code_action(&self, p: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        handlers::code_action::handle(self, p)
    }
}

fn service() -> (LspService<Backend>, ClientSocket) {
    LspService::new(|client| Backend {
        client,
        state: Arc::new(State::default()),
    })
}

/// The language server over any transport, until the client says `exit` or the input ends:
/// stdio in [`serve`], in-memory pipes in the fuzz target `jsonrpc` and its regression tests.
/// Malformed frames are dropped before tower-lsp sees them (see `transport`).
pub async fn serve_on<R, W>(input: R, output: W)
where
    R: tokio::io::AsyncRead + Unpin + Send + 'static,
    W: tokio::io::AsyncWrite + Unpin,
{
    let (filtered_in, filtered_out) = tokio::io::duplex(1 << 16);
    let filter = tokio::spawn(transport::filter_frames(input, filtered_out));
    let (service, socket) = service();
    Server::new(filtered_in, output, socket)
        .serve(service)
        .await;
    filter.abort();
}

/// `pipelens serve`: LSP over stdio until the client says `exit`. Logs go to stderr (and to
/// the client as `window/logMessage`), never to stdout.
pub fn serve() -> i32 {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PIPELENS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("pipelens: cannot start the async runtime: {e}");
            return 2;
        }
    };
    runtime.block_on(serve_on(tokio::io::stdin(), tokio::io::stdout()));
    // Background analysis tasks must not keep the process alive after `exit`.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    0
}
