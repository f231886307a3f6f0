//! The language server: the only module that knows LSP. The `LanguageServer` impl is one line
//! per method, delegating to `lsp/handlers/<method>.rs`; a handler converts protocol → engine
//! call → protocol. State lives in [`state::State`]; positions convert in `to_proto` /
//! `from_proto` through `document::position`.

// `Uri` caches its parsed parts in cells; it is never mutated while it is a map key.
#![allow(clippy::mutable_key_type)]

mod bootstrap;
mod collection;
mod diagnostics;
mod from_proto;
mod handlers;
mod live;
mod snapshot;
mod state;
mod stdio;
mod synth;
mod synth_task;
mod to_proto;
mod transport;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;
use tower_lsp_server::{Client, ClientSocket, LanguageServer, LspService, Server};

pub use state::State;

pub struct Backend {
    pub(crate) client: Client,
    pub(crate) state: Arc<State>,
}

/// Runs a handler; a panic in it becomes an error for that request (or a log line for a
/// notification) and the server keeps serving.
fn guarded<T>(method: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(panic) => Err(panic_error(method, panic)),
    }
}

async fn guarded_async<T>(
    method: &str,
    f: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    use futures::FutureExt;
    match std::panic::AssertUnwindSafe(f).catch_unwind().await {
        Ok(r) => r,
        Err(panic) => Err(panic_error(method, panic)),
    }
}

fn panic_error(
    method: &str,
    panic: Box<dyn std::any::Any + Send>,
) -> tower_lsp_server::jsonrpc::Error {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    tracing::error!("{method} panicked: {what}");
    let mut e = tower_lsp_server::jsonrpc::Error::internal_error();
    e.message =
        format!("pipelens: {method} failed unexpectedly ({what}); the server keeps running").into();
    e
}

fn notify_guarded(method: &str, f: impl FnOnce()) {
    let _ = guarded(method, || {
        f();
        Ok(())
    });
}

async fn notify_guarded_async(method: &str, f: impl std::future::Future<Output = ()>) {
    let _ = guarded_async(method, async {
        f.await;
        Ok(())
    })
    .await;
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
        notify_guarded("didOpen", || handlers::did_open::handle(self, p))
    }
    async fn did_change(&self, p: DidChangeTextDocumentParams) {
        notify_guarded("didChange", || handlers::did_change::handle(self, p))
    }
    async fn did_save(&self, p: DidSaveTextDocumentParams) {
        notify_guarded("didSave", || handlers::did_save::handle(self, p))
    }
    async fn did_close(&self, p: DidCloseTextDocumentParams) {
        handlers::did_close::handle(self, p).await
    }
    async fn did_change_configuration(&self, p: DidChangeConfigurationParams) {
        handlers::did_change_configuration::handle(self, p).await
    }
    async fn completion(&self, p: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = p.text_document_position.text_document.uri.clone();
        self.on_snapshot("completion", uri, move |s| {
            handlers::completion::handle(s, p)
        })
        .await
    }
    async fn hover(&self, p: HoverParams) -> Result<Option<Hover>> {
        let uri = p.text_document_position_params.text_document.uri.clone();
        self.on_snapshot("hover", uri, move |s| handlers::hover::handle(s, p))
            .await
    }
    async fn document_symbol(
        &self,
        p: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = p.text_document.uri.clone();
        self.on_snapshot("documentSymbol", uri, move |s| {
            handlers::document_symbol::handle(s, p)
        })
        .await
    }
    async fn code_action(&self, p: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = p.text_document.uri.clone();
        self.on_snapshot("codeAction", uri, move |s| {
            handlers::code_action::handle(s, p)
        })
        .await
    }
    async fn inlay_hint(&self, p: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = p.text_document.uri.clone();
        self.on_snapshot("inlayHint", uri, move |s| {
            handlers::inlay_hint::handle(s, p)
        })
        .await
    }
    async fn code_lens(&self, p: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = p.text_document.uri.clone();
        self.on_snapshot("codeLens", uri, move |s| handlers::code_lens::handle(s, p))
            .await
    }
    async fn execute_command(&self, p: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        guarded_async("executeCommand", handlers::execute_command::handle(self, p)).await
    }
}

/// Raises a request's cancellation flag when the future awaiting its answer is dropped
/// (tower-lsp drops it on `$/cancelRequest`).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Backend {
    /// Runs a request's (synchronous) handler on a blocking thread. Every request's future is
    /// polled by the one task that serves the connection, so a handler run there would hold
    /// back every other request (a long `pipelineGraph` on a huge file, a hover on another
    /// document) until it ends; here only its own answer waits. A cancelled request stops
    /// waiting at once and its handler (and the engine under it) sees `cancel::requested`.
    async fn off_serve<T: Send + 'static>(
        &self,
        method: &'static str,
        f: impl FnOnce(&State) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let state = self.state.clone();
        let flag = Arc::new(AtomicBool::new(false));
        let _cancel = CancelOnDrop(flag.clone());
        let task = tokio::task::spawn_blocking(move || {
            // Cancelled while it waited for a thread (many requests at once): it does not
            // start, so that the requests queued behind it get their thread at once.
            if flag.load(Ordering::Relaxed) {
                return Err(tower_lsp_server::jsonrpc::Error::request_cancelled());
            }
            crate::cancel::with_flag(flag, || guarded(method, || f(&state)))
        });
        match task.await {
            Ok(r) => r,
            Err(e) => {
                let mut err = tower_lsp_server::jsonrpc::Error::internal_error();
                err.message = format!("pipelens: {method} did not finish ({e})").into();
                Err(err)
            }
        }
    }

    /// A request about one document: once its first analysis is in (bounded, see
    /// `handlers::first_analysis`), its handler runs off the serving task on a
    /// [`snapshot::DocumentSnapshot`] taken there.
    async fn on_snapshot<T: Send + 'static>(
        &self,
        method: &'static str,
        uri: Uri,
        f: impl FnOnce(&snapshot::DocumentSnapshot) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        handlers::first_analysis(&self.state, &uri).await;
        self.off_serve(method, move |state| f(&state.document_snapshot(&uri)?))
            .await
    }

    async fn pipeline_graph(&self, p: serde_json::Value) -> Result<serde_json::Value> {
        let uri = handlers::document_uri(&p)?;
        self.on_snapshot("pipelens/pipelineGraph", uri, move |s| {
            handlers::pipeline_graph::handle(s, p)
        })
        .await
    }

    async fn synth_status(&self, p: serde_json::Value) -> Result<serde_json::Value> {
        let uri = handlers::document_uri(&p)?;
        self.on_snapshot(handlers::synth_status::METHOD, uri, move |s| {
            handlers::synth_status::handle(s, p)
        })
        .await
    }

    async fn work_done_progress_cancel(&self, p: serde_json::Value) {
        notify_guarded_async(handlers::work_done_progress_cancel::METHOD, async {
            handlers::work_done_progress_cancel::handle(self, p)
        })
        .await
    }

    async fn did_change_trust(&self, p: serde_json::Value) {
        notify_guarded_async(
            handlers::did_change_trust::METHOD,
            handlers::did_change_trust::handle(self, p),
        )
        .await
    }

    /// Registered only when `PIPELENS_TEST_PANIC=1`: proves a panicking handler is contained.
    async fn test_panic(&self, _: serde_json::Value) -> Result<serde_json::Value> {
        guarded("pipelens/testPanic", || panic!("deliberate test panic"))
    }
}

fn service(state: Arc<State>) -> (LspService<Backend>, ClientSocket) {
    let mut builder = LspService::build(move |client| Backend { client, state })
        .custom_method("pipelens/pipelineGraph", Backend::pipeline_graph)
        .custom_method(handlers::synth_status::METHOD, Backend::synth_status)
        .custom_method(
            handlers::work_done_progress_cancel::METHOD,
            Backend::work_done_progress_cancel,
        )
        .custom_method(
            handlers::did_change_trust::METHOD,
            Backend::did_change_trust,
        );
    if std::env::var_os("PIPELENS_TEST_PANIC").is_some_and(|v| v == "1") {
        builder = builder.custom_method("pipelens/testPanic", Backend::test_panic);
    }
    builder.finish()
}

/// Blocking threads kept for requests' handlers beyond background work's (see `serve`).
const REQUEST_THREADS: usize = 8;

/// How many requests the server works on at once (see `serve_on`).
const MAX_REQUESTS_IN_FLIGHT: usize = 256;

/// The language server over any transport, until the client says `exit` or the input ends:
/// stdio in [`serve`], in-memory pipes in the fuzz target `jsonrpc` and its regression tests.
/// Malformed frames are dropped before tower-lsp sees them (see `transport`). Answers whether
/// the client asked for `shutdown` first (the exit code is 0 then, else 1).
pub async fn serve_on<R, W>(input: R, output: W) -> bool
where
    R: tokio::io::AsyncRead + Unpin + Send + 'static,
    W: tokio::io::AsyncWrite + Unpin,
{
    let (filtered_in, filtered_out) = tokio::io::duplex(1 << 16);
    let filter = tokio::spawn(transport::filter_frames(input, filtered_out));
    let state = Arc::new(State::default());
    let (service, socket) = service(state.clone());
    // A request in flight holds one of these slots until it answers: a `pipelens.synth`
    // request waits for its synth (minutes), so the default four would let four synths hold
    // back every other request. Requests are cheap to keep waiting; this bounds only how many
    // the server works on at once.
    Server::new(filtered_in, output, socket)
        .concurrency_level(MAX_REQUESTS_IN_FLIGHT)
        .serve(service)
        .await;
    filter.abort();
    state
        .shutdown_requested
        .load(std::sync::atomic::Ordering::SeqCst)
}

/// Log targets that print credentials below warning level, whatever `PIPELENS_LOG` asks for:
/// the AWS SDK (`aws_sigv4` logs the canonical request, with the session token, and the
/// credential scope, with the access key id; `aws_config` the credentials it loaded;
/// `aws_smithy_*` requests and their headers) and the HTTP and TLS stack under it.
const CREDENTIAL_TARGETS: &[&str] = &["aws_", "hyper", "h2", "rustls", "tokio_rustls"];

/// Whether an event or span may be logged at all: from [`CREDENTIAL_TARGETS`], warnings and
/// errors only.
fn may_log(meta: &tracing::Metadata<'_>) -> bool {
    *meta.level() <= tracing::Level::WARN
        || !CREDENTIAL_TARGETS
            .iter()
            .any(|t| meta.target().starts_with(t))
}

/// `pipelens serve`: LSP over stdio until the client says `exit`. Logs go to stderr (and to
/// the client as `window/logMessage`), never to stdout.
pub fn serve() -> i32 {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = tracing_subscriber::EnvFilter::try_from_env("PIPELENS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second filter over the whole subscriber, so no `PIPELENS_LOG` directive (a more
    // specific target, a span filter) can turn those targets' debug output back on.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .finish()
        .with(tracing_subscriber::filter::filter_fn(may_log))
        .try_init();
    // Analyses run on blocking threads, at most `BACKGROUND_JOBS` at once (opening a hundred
    // files must not start a hundred threads, each with its own stack/arena); requests' handlers
    // run there too, on threads background work cannot take.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(diagnostics::BACKGROUND_JOBS + REQUEST_THREADS)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("pipelens: cannot start the async runtime: {e}");
            return 2;
        }
    };
    // Not tokio's stdin and stdout: they read and write on the blocking threads, where a
    // `$/cancelRequest` would wait for the very requests it cancels (see `stdio`).
    let io = stdio::input(runtime.handle(), std::io::stdin())
        .and_then(|i| Ok((i, stdio::output(runtime.handle(), std::io::stdout())?)));
    let (input, (output, copier)) = match io {
        Ok(io) => io,
        Err(e) => {
            eprintln!("pipelens: cannot start the threads for stdin and stdout: {e}");
            return 2;
        }
    };
    let code = runtime.block_on(async {
        tokio::select! {
            shut_down = serve_on(input, output) => {
                // LSP: exit code 0 after `shutdown`, 1 when `exit` (or the end of input) came
                // without it.
                if shut_down { 0 } else { 1 }
            }
            signal = crate::terminate::signal() => {
                tracing::info!("signal {signal}: stopping (and the synth, if one runs)");
                128 + signal
            }
        }
    });
    // Background tasks must not keep the process alive after `exit` or a signal: shutting the
    // runtime down drops them, and a dropped synth kills its whole process group.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    // The server's side of stdout is gone with the runtime: once what it wrote is copied
    // (the answer to `shutdown` among it), the copier ends; a client that reads no more does
    // not keep the process alive for long.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while !copier.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    code
}
