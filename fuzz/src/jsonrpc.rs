//! Target `jsonrpc`: JSON-RPC messages built from the input, sent to the real language server
//! (`pipelens::lsp::serve_on`, the transport `pipelens serve` runs on stdio, here over
//! in-memory pipes with real `Content-Length` framing) on a tokio runtime whose clock is paused, so debounces and
//! timeouts pass at once and every run is the same.
//!
//! Input: a header byte (position encoding offered, language of the open document), the
//! document's text up to [`SEP`](crate::SEP), then messages: a method from the server's real
//! set or garbage, as a request or a notification, with parameters that are either the right
//! shape with fuzzed values (positions, versions, edits) or arbitrary JSON; now and then a
//! frame that is not JSON at all, or a message whose `Content-Length` is wrong (off by one
//! either way, counted in characters or UTF-16 units, far too big, too small, zero) or has
//! bytes before it. The server's own requests (`workspace/configuration`) get one of a few
//! answers, valid or not, chosen by the header.
//!
//! Checks: no panic on any thread (handlers and background analysis alike), and the server
//! still answers a final request after all of it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::Mutex;

use super::Input;

const MAX_MESSAGES: usize = 40;
const FINAL_ID: &str = "fuzz-final";

const METHODS: &[&str] = &[
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didChange",
    "textDocument/didChange",
    "textDocument/didSave",
    "textDocument/didClose",
    "textDocument/completion",
    "textDocument/hover",
    "textDocument/documentSymbol",
    "textDocument/codeAction",
    "workspace/didChangeConfiguration",
    "initialize",
    "initialized",
    "shutdown",
    "$/cancelRequest",
    "$/setTrace",
    "workspace/executeCommand",
    "pipelens/pipelineGraph",
    "textDocument/definition",
    "",
    "textDocument/",
    "exit/",
];

const URIS: &[&str] = &[
    "untitled:fuzz/pipeline.py",
    "untitled:fuzz/pipeline.ts",
    "untitled:fuzz/other.js",
    "untitled:fuzz/notes.txt",
    "file:///nonexistent-pipelens-fuzz/app/pipeline.py",
    "not a uri",
];

const LANGUAGES: &[&str] = &[
    "python",
    "typescript",
    "javascript",
    "plaintext",
    "",
    "java",
    "csharp",
    "go",
];

const KEYS: &[&str] = &[
    "textDocument",
    "uri",
    "version",
    "languageId",
    "text",
    "position",
    "line",
    "character",
    "range",
    "start",
    "end",
    "contentChanges",
    "context",
    "diagnostics",
    "only",
    "settings",
    "pipelens",
    "accounts",
    "queryPath",
    "bootstrap.check",
    "capabilities",
    "general",
    "positionEncodings",
    "id",
];

/// Panics seen on any thread since the process started. A panic in a spawned task is caught by
/// tokio and would otherwise go unnoticed.
static PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        // Chains to the hook already installed: libFuzzer's aborts (a crash it reports), the
        // test harness's prints.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
}

pub fn check(data: &[u8]) {
    without_panics(session(data));
}

/// Runs `f` on a single-threaded runtime with a paused clock and fails when any thread
/// panicked meanwhile (a handler's panic is caught by the server, so only the count tells).
fn without_panics(f: impl std::future::Future<Output = ()>) {
    count_panics();
    let before = PANICS.load(Ordering::SeqCst);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("runtime");
    runtime.block_on(f);
    drop(runtime);
    assert_eq!(
        PANICS.load(Ordering::SeqCst),
        before,
        "the server panicked (see above)"
    );
}

type Writer = Arc<Mutex<tokio::io::WriteHalf<tokio::io::DuplexStream>>>;

/// `FUZZ_DEBUG=1` prints every message both ways (to replay a crash by hand).
fn debug() -> bool {
    std::env::var_os("FUZZ_DEBUG").is_some()
}

async fn send(w: &Writer, body: &[u8]) {
    send_framed(w, b"", body.len(), body).await;
}

/// A frame announcing `len` bytes (right or wrong) for `body`, after `before`.
async fn send_framed(w: &Writer, before: &[u8], len: usize, body: &[u8]) {
    if debug() {
        eprintln!(
            "--> {}Content-Length: {len} ({} bytes) {}",
            String::from_utf8_lossy(before),
            body.len(),
            String::from_utf8_lossy(body)
        );
    }
    let mut w = w.lock().await;
    let _ = w.write_all(before).await;
    let head = format!("Content-Length: {len}\r\n\r\n");
    // The server stops reading only when it exits; a write error then is not a finding.
    let _ = w.write_all(head.as_bytes()).await;
    let _ = w.write_all(body).await;
}

async fn send_json(w: &Writer, v: &Value) {
    send(w, v.to_string().as_bytes()).await;
}

/// One step of a session.
pub enum Step {
    Json(Value),
    /// A frame whose body is whatever these bytes are.
    Raw(Vec<u8>),
    /// A message framed wrongly, the way chosen by the byte ([`wrong_length`]).
    Mislabelled(Value, u8),
    /// Virtual milliseconds for debounced analyses and timeouts to run.
    Sleep(u64),
}

async fn session(data: &[u8]) {
    let mut input = Input::new(data);
    let header = input.u8();
    let utf8 = header & 1 != 0;
    let language = LANGUAGES[usize::from(header >> 1) % 3];
    let uri = URIS[usize::from(header >> 1) % 3];
    let text = String::from_utf8_lossy(input.until_sep()).into_owned();
    let answer = match header >> 3 & 3 {
        0 => json!([null]),
        1 => json!([{"accounts": {"prod": "123456789012"}, "bootstrap": {"check": "off"}}]),
        2 => json!([]),
        _ => json!("not a list"),
    };
    let encodings = if utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    let mut steps = vec![
        Step::Json(
            json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "capabilities": {"general": {"positionEncodings": encodings}},
                "rootUri": null,
            }}),
        ),
        Step::Json(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}})),
        Step::Json(
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
                "textDocument": {"uri": uri, "languageId": language, "version": 0, "text": text},
            }}),
        ),
    ];
    for n in 1..=MAX_MESSAGES {
        if input.is_empty() {
            break;
        }
        let kind = input.u8();
        if kind % 29 == 28 {
            let len = usize::from(input.u8() % 48);
            steps.push(Step::Raw(input.take(len).to_vec()));
            continue;
        }
        let method = METHODS[usize::from(input.u8()) % METHODS.len()];
        let params = if kind & 0x80 != 0 {
            any_json(&mut input, 3)
        } else {
            shaped_params(&mut input, method, uri)
        };
        let mislabel = kind % 29 == 27;
        let mut msg = json!({"jsonrpc": "2.0", "method": method, "params": params});
        if kind & 0x40 != 0 {
            msg["id"] = match kind & 3 {
                0 => json!(n),
                1 => json!(format!("r{n}")),
                2 => json!(1), // a duplicate id
                _ => any_json(&mut input, 1),
            };
        }
        if kind & 0x20 != 0 && kind & 0x10 != 0 {
            steps.push(Step::Sleep(u64::from(input.u8()) * 4));
        }
        if mislabel {
            steps.push(Step::Mislabelled(msg, input.u8()));
        } else {
            steps.push(Step::Json(msg));
        }
    }
    exchange(steps, answer, uri).await;
}

/// Runs a session with a fresh server: the steps, then a final `documentSymbol` request about
/// `uri` that must be answered, then `exit`. `answer` is the client's answer to every request
/// of the server.
pub async fn exchange(steps: Vec<Step>, answer: Value, uri: &str) {
    let (client_end, server_end) = tokio::io::duplex(1 << 16);
    let (server_read, server_write) = tokio::io::split(server_end);
    let server = tokio::spawn(pipelens::lsp::serve_on(server_read, server_write));
    let (client_read, client_write) = tokio::io::split(client_end);
    let writer: Writer = Arc::new(Mutex::new(client_write));
    // The client side: reads everything the server says, answers its requests, and reports
    // the answer to the final request.
    let (final_tx, final_rx) = tokio::sync::oneshot::channel::<Value>();
    let reader = tokio::spawn(read_server(client_read, writer.clone(), answer, final_tx));
    for step in steps {
        match step {
            Step::Json(v) => send_json(&writer, &v).await,
            Step::Raw(b) => send(&writer, &b).await,
            Step::Mislabelled(v, how) => {
                let body = v.to_string();
                let before: &[u8] = if how & 0x80 != 0 { b"}\r\n" } else { b"" };
                send_framed(&writer, before, wrong_length(&body, how), body.as_bytes()).await;
            }
            Step::Sleep(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    send_json(
        &writer,
        &json!({"jsonrpc": "2.0", "id": FINAL_ID, "method": "textDocument/documentSymbol",
            "params": {"textDocument": {"uri": uri}}}),
    )
    .await;
    let answer = tokio::time::timeout(Duration::from_secs(60), final_rx).await;
    let answer = match answer {
        Ok(Ok(a)) => a,
        _ => panic!("no answer to the final request"),
    };
    assert!(
        answer.get("result").is_some() || answer.get("error").is_some(),
        "final answer {answer}"
    );
    send_json(&writer, &json!({"jsonrpc": "2.0", "method": "exit"})).await;
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    reader.abort();
}

/// A wrong `Content-Length` for `body`, as clients get it wrong.
fn wrong_length(body: &str, how: u8) -> usize {
    let bytes = body.len();
    match how % 8 {
        0 => bytes.saturating_sub(1),
        1 => bytes + 1,
        2 => body.chars().count(),
        3 => body.encode_utf16().count(),
        4 => bytes + 1000 + usize::from(how),
        5 => bytes / 2,
        6 => 0,
        _ => bytes * 2,
    }
}

/// Replays JSON messages, one per line (a debugging aid: `FUZZ_DEBUG=1` prints a failing
/// session in this form after `--> `).
pub fn replay_lines(lines: &str, uri: &str) {
    let steps = lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Step::Json(serde_json::from_str(l).expect("one JSON message a line")))
        .collect();
    without_panics(exchange(steps, json!([null]), uri));
}

/// Reads the server's frames until the pipe closes.
async fn read_server(
    read: tokio::io::ReadHalf<tokio::io::DuplexStream>,
    writer: Writer,
    answer: Value,
    final_tx: tokio::sync::oneshot::Sender<Value>,
) {
    let mut read = BufReader::new(read);
    let mut final_tx = Some(final_tx);
    loop {
        let mut len = None;
        loop {
            let mut line = String::new();
            if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse::<usize>().ok();
            }
        }
        let mut body = vec![0; len.expect("the server frames every message")];
        if read.read_exact(&mut body).await.is_err() {
            return;
        }
        let msg: Value = serde_json::from_slice(&body).expect("the server sends JSON");
        if debug() {
            eprintln!("<-- {msg}");
        }
        if msg.get("id") == Some(&json!(FINAL_ID)) {
            if let Some(tx) = final_tx.take() {
                let _ = tx.send(msg);
            }
        } else if let (Some(id), Some(_)) = (msg.get("id"), msg.get("method")) {
            let reply = json!({"jsonrpc": "2.0", "id": id, "result": answer});
            send_json(&writer, &reply).await;
        }
    }
}

fn position(input: &mut Input<'_>) -> Value {
    let p = input.pos();
    json!({"line": p.line, "character": p.character})
}

fn range(input: &mut Input<'_>) -> Value {
    json!({"start": position(input), "end": position(input)})
}

fn text_document(input: &mut Input<'_>, uri: &str) -> Value {
    let b = input.u8();
    let uri = if b & 7 == 7 {
        URIS[usize::from(b >> 3) % URIS.len()]
    } else {
        uri
    };
    json!({"uri": uri, "version": i64::from(input.u8() % 16) - 2})
}

/// The parameters a method takes, with fuzzed values.
fn shaped_params(input: &mut Input<'_>, method: &str, uri: &str) -> Value {
    match method {
        "textDocument/didOpen" => {
            let b = input.u8();
            json!({"textDocument": {
                "uri": URIS[usize::from(b) % URIS.len()],
                "languageId": LANGUAGES[usize::from(b >> 4) % LANGUAGES.len()],
                "version": input.u8(),
                "text": input.fragment(),
            }})
        }
        "textDocument/didChange" => {
            let n = input.u8() % 4;
            let changes: Vec<Value> = (0..n)
                .map(|_| {
                    if input.u8() % 16 == 15 {
                        json!({"text": input.fragment()})
                    } else {
                        json!({"range": range(input), "text": input.fragment()})
                    }
                })
                .collect();
            let mut td = text_document(input, uri);
            // Mostly the next version, as a client sends it; sometimes gaps and replays.
            td["version"] = json!(i64::from(input.u8() % 8) - 1);
            json!({"textDocument": td, "contentChanges": changes})
        }
        "textDocument/didSave" | "textDocument/didClose" | "textDocument/documentSymbol" => {
            json!({"textDocument": text_document(input, uri)})
        }
        "textDocument/completion" | "textDocument/hover" | "textDocument/definition" => {
            json!({"textDocument": text_document(input, uri), "position": position(input)})
        }
        "textDocument/codeAction" => json!({
            "textDocument": text_document(input, uri),
            "range": range(input),
            "context": {"diagnostics": []},
        }),
        "workspace/didChangeConfiguration" => json!({"settings": any_json(input, 3)}),
        "initialize" => json!({"capabilities": {}, "initializationOptions": any_json(input, 2)}),
        "$/cancelRequest" => json!({"id": input.u8() % 8}),
        _ => any_json(input, 2),
    }
}

/// Any JSON value, up to `depth` levels of arrays and objects.
pub fn any_json(input: &mut Input<'_>, depth: u32) -> Value {
    let b = input.u8();
    match b % 10 {
        0 => Value::Null,
        1 => json!(b & 0x10 != 0),
        2 => json!(i64::from(input.u32() as i32)),
        3 => json!(input.index(64)),
        4 => json!(f64::from(input.u32()) / 7.0),
        5 | 6 => json!(input.fragment()),
        7 if depth > 0 => {
            let n = input.u8() % 4;
            Value::Array((0..n).map(|_| any_json(input, depth - 1)).collect())
        }
        8 | 9 if depth > 0 => {
            let n = input.u8() % 4;
            let mut m = Map::new();
            for _ in 0..n {
                let k = KEYS[usize::from(input.u8()) % KEYS.len()];
                m.insert(k.to_string(), any_json(input, depth - 1));
            }
            Value::Object(m)
        }
        _ => json!("x"),
    }
}
