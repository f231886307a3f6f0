//! `TestServer`: the real `pipelens serve` binary over real `Content-Length` framing.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long a test waits for an answer or a notification before it calls the server hung. It is
/// no measure of speed (benches/ measure that): on a 2-core machine under load a request behind a
/// cold index can take seconds, so this is far above anything the server needs, and a wait that
/// can follow a synth is longer still (`TestServer::bound`).
pub const HANG: Duration = Duration::from_secs(120);

/// What a synth may take on top of its own bound (`synth.timeoutSeconds`) before its answer is
/// overdue: starting it, reading the cloud assembly, comparing it with the prediction.
pub const AFTER_SYNTH: Duration = Duration::from_secs(60);

/// The largest `timeoutSeconds` in a settings value (initialization options or a
/// `workspace/configuration` answer), wherever the client put it.
fn largest_timeout(v: &Value) -> Option<u64> {
    match v {
        Value::Object(m) => m
            .iter()
            .filter_map(|(k, v)| match (k.as_str(), v) {
                ("timeoutSeconds" | "synth.timeoutSeconds", Value::Number(n)) => n.as_u64(),
                _ => largest_timeout(v),
            })
            .max(),
        Value::Array(items) => items.iter().filter_map(largest_timeout).max(),
        _ => None,
    }
}

/// The longest a synth of a server started in `root` with these settings may run: the
/// server's default `synth.timeoutSeconds`, or a larger one the test set in the initialization
/// options, the configuration or `pipelens.toml`.
fn synth_bound(root: &Path, init_options: &Value, configuration: Option<&Value>) -> Duration {
    let default = pipelens::workspace::settings::Settings::default().synth_timeout_seconds;
    let toml = Some(root.join("pipelens.toml"))
        .filter(|p| p.is_file()) // a FIFO there (a test of that) is not read
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| {
            t.get("synth")?
                .get("timeoutSeconds")?
                .as_integer()
                .and_then(|n| u64::try_from(n).ok())
        });
    let secs = [
        Some(default),
        largest_timeout(init_options),
        configuration.and_then(largest_timeout),
        toml,
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(default);
    Duration::from_secs(secs)
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// A pipeline of `preview --format json` (or `pipelens.synth`) in the shape of the synth
/// fixtures (`tests/fixtures/synth/*.json`): stages with actions `{name, runOrder, kind,
/// account, region}`, the fields a cloud assembly can tell. A template cannot tell a
/// ShellStep from a CodeBuildStep or a permissions check (all CodeBuild projects), so those
/// kinds are all `codebuild`, as `tests/read-pipeline.py` writes them.
pub fn as_fixture(pipeline: &Value) -> Value {
    let stages: Vec<Value> = pipeline["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let actions: Vec<Value> = s["actions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    let kind = match a["kind"].as_str() {
                        Some("shell" | "confirm-permissions") => json!("codebuild"),
                        _ => a["kind"].clone(),
                    };
                    json!({
                        "name": a["name"],
                        "runOrder": a["runOrder"],
                        "kind": kind,
                        "account": a["account"],
                        "region": a["region"],
                    })
                })
                .collect();
            json!({ "name": s["name"], "actions": actions })
        })
        .collect();
    json!({ "stages": stages })
}

/// The stage names of a pipeline of `preview --format json` (or `pipelens.synth`).
pub fn stage_names(pipeline: &Value) -> Vec<&str> {
    pipeline["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect()
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Copies a folder of the repo (an example app) into a temp dir, so tests can edit it.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub struct Builder {
    root: PathBuf,
    utf8: bool,
    init_options: Value,
    /// What to answer `workspace/configuration` with; `None` never answers.
    configuration: Option<Value>,
    env: Vec<(String, String)>,
    /// Start from an empty environment (plus PATH) instead of the test process's.
    clear_env: bool,
    /// Say `"trusted": true` in the initialization options, as a client of a trusted workspace
    /// does (the default here: most tests are about what a trusted workspace gets).
    trusted: bool,
}

impl Builder {
    pub fn utf8(mut self, yes: bool) -> Self {
        self.utf8 = yes;
        self
    }
    pub fn init_options(mut self, v: Value) -> Self {
        self.init_options = v;
        self
    }
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }
    pub fn configuration(mut self, v: Option<Value>) -> Self {
        self.configuration = v;
        self
    }
    /// Nothing of the test process's environment but PATH reaches the server (no AWS_* the
    /// machine or another test set, no XDG_CACHE_HOME): only what `env` adds.
    pub fn clear_env(mut self) -> Self {
        self.clear_env = true;
        self
    }
    /// Start the server as a client of an untrusted workspace does: without `trusted`.
    pub fn untrusted(mut self) -> Self {
        self.trusted = false;
        self
    }
    pub fn start(self) -> TestServer {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pipelens"));
        if self.clear_env {
            cmd.env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        }
        let mut child = cmd
            .arg("serve")
            .current_dir(&self.root)
            .env("HOME", &self.root) // no ~/.aws/config of the machine leaks in
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN")
            .env("PIPELENS_TEST_PANIC", "1")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("pipelens binary");
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    let (k, v) = line.split_once(": ").expect("a header line");
                    assert_eq!(k, "Content-Length", "only Content-Length headers are sent");
                    len = Some(v.parse::<usize>().unwrap());
                }
                let mut buf = vec![0; len.expect("Content-Length")];
                if r.read_exact(&mut buf).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&buf).expect("json body");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let (etx, erx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = BufReader::new(stderr).read_to_string(&mut s);
            let _ = etx.send(s);
        });
        let stdin = child.stdin.take().unwrap();
        let bound = HANG.max(
            synth_bound(&self.root, &self.init_options, self.configuration.as_ref()) + AFTER_SYNTH,
        );
        let mut server = TestServer {
            bound,
            child,
            stdin: Some(stdin),
            rx,
            stderr: erx,
            next_id: 1,
            notifications: Vec::new(),
            configuration: self.configuration,
            root: self.root.clone(),
            init_result: Value::Null,
        };
        // The bootstrap probe is off unless a test asks for it: most tests count diagnostics.
        let mut init_options = self.init_options.clone();
        if init_options.is_null() {
            init_options = json!({});
        }
        if init_options.get("bootstrap").is_none() {
            init_options["bootstrap"] = json!({"check": "off"});
        }
        if self.trusted {
            init_options["trusted"] = json!(true);
        }
        let mut caps = json!({
            "textDocument": {"completion": {"completionItem": {"snippetSupport": true}}},
            "workspace": {"configuration": true},
        });
        if self.utf8 {
            caps["general"] = json!({"positionEncodings": ["utf-8", "utf-16"]});
        }
        let result = server.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(&self.root),
                "capabilities": caps,
                "initializationOptions": init_options,
            }),
        );
        server.init_result = result.clone();
        server.notify("initialized", json!({}));
        server
    }
}

/// One edit of a `didChange`: (version, start, end, new text).
pub type Edit<'a> = (i64, (u32, u32), (u32, u32), &'a str);

pub struct TestServer {
    /// How long to wait for any answer or notification before calling the server hung: `HANG`,
    /// or the synth's own bound and `AFTER_SYNTH` when that is longer (any wait can be behind
    /// a synth: the answer to `pipelens.synth`, the diagnostics and progress that follow it).
    bound: Duration,
    child: Child,
    /// `None` once [`TestServer::close_stdin`] closed it.
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    stderr: Receiver<String>,
    next_id: i64,
    pub notifications: Vec<Value>,
    configuration: Option<Value>,
    pub root: PathBuf,
    pub init_result: Value,
}

impl TestServer {
    pub fn builder(root: &Path) -> Builder {
        Builder {
            root: root.to_path_buf(),
            utf8: false,
            init_options: Value::Null,
            configuration: Some(Value::Null),
            env: Vec::new(),
            clear_env: false,
            trusted: true,
        }
    }

    pub fn send(&mut self, msg: &Value) {
        let body = serde_json::to_string(msg).unwrap();
        let stdin = self.stdin.as_mut().expect("stdin is open");
        write!(stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Writes bytes as they are (frames with a wrong length, garbage between frames).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Closes the server's stdin, as a client that goes away does.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    pub fn raw_request(&mut self, method: &str, params: Value) -> Value {
        let bound = self.bound;
        self.request_within(method, params.clone(), bound)
            .unwrap_or_else(|| panic!("no response to {method} within {bound:?}"))
    }

    /// Sends a request and returns its whole response, or `None` when none came `within`.
    pub fn request_within(
        &mut self,
        method: &str,
        params: Value,
        within: Duration,
    ) -> Option<Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + within;
        loop {
            let msg = self.next_message(deadline)?;
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return Some(msg);
            }
            self.handle_other(msg);
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.raw_request(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// The next message from the server that is not a request to the client (those are
    /// answered), or `None` when none came before `deadline`.
    pub fn wait_for_any(&mut self, deadline: Instant) -> Option<Value> {
        loop {
            let msg = self.next_message(deadline)?;
            if msg.get("id").is_some() && msg.get("method").is_some() {
                self.handle_other(msg);
                continue;
            }
            return Some(msg);
        }
    }

    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let now = Instant::now();
        match self
            .rx
            .recv_timeout(deadline.saturating_duration_since(now))
        {
            Ok(v) => Some(v),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => panic!("server exited: {}", self.stderr_text()),
        }
    }

    fn handle_other(&mut self, msg: Value) {
        if msg.get("id").is_some() && msg.get("method").is_some() {
            // A request from the server.
            let id = msg["id"].clone();
            match msg["method"].as_str() {
                Some("workspace/configuration") => {
                    if let Some(cfg) = self.configuration.clone() {
                        self.send(&json!({"jsonrpc": "2.0", "id": id, "result": [cfg]}));
                    }
                }
                _ => self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null})),
            }
        } else {
            self.notifications.push(msg);
        }
    }

    /// Waits for a notification matching `pred` (already received ones count), and removes it.
    pub fn wait_for(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + self.bound;
        loop {
            if let Some(i) = self
                .notifications
                .iter()
                .position(|n| n["method"] == method && pred(&n["params"]))
            {
                return self.notifications.remove(i)["params"].clone();
            }
            match self.next_message(deadline) {
                Some(m) => self.handle_other(m),
                None => panic!("no {method} matching in time; got {:?}", self.notifications),
            }
        }
    }

    /// The diagnostics published for `uri` at `version` (waits for them).
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let p = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == version
        });
        p["diagnostics"].as_array().unwrap().clone()
    }

    pub fn open(&mut self, path: &Path, language: &str) -> String {
        let u = uri(path);
        let text = std::fs::read_to_string(path).unwrap();
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": language, "version": 1, "text": text}}),
        );
        u
    }

    /// An incremental change replacing `[start, end)` (line, character) with `text`.
    pub fn change(
        &mut self,
        uri: &str,
        version: i64,
        start: (u32, u32),
        end: (u32, u32),
        text: &str,
    ) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{
                    "range": {"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}},
                    "text": text,
                }],
            }),
        );
    }

    /// Several one-edit changes, written to the server in one write: they arrive together,
    /// however busy the machine is.
    pub fn changes_at_once(&mut self, uri: &str, changes: &[Edit<'_>]) {
        let mut bytes = Vec::new();
        for (version, start, end, text) in changes {
            let body = json!({
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{
                        "range": {"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}},
                        "text": text,
                    }],
                },
            })
            .to_string();
            bytes.extend(format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes());
        }
        self.send_raw(&bytes);
    }

    pub fn stderr_text(&mut self) -> String {
        let _ = self.child.kill();
        self.stderr
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_default()
    }

    /// `shutdown` + `exit`; returns the exit status within two seconds or panics.
    pub fn shutdown(self) -> std::process::ExitStatus {
        let (status, took) = self.shutdown_timed(Duration::from_secs(2));
        status.unwrap_or_else(|| panic!("server did not exit within {took:?} after `exit`"))
    }

    /// `shutdown` + `exit`; the exit status (`None` when the server still ran after `wait`)
    /// and the time from sending `exit` to the process ending (or giving up).
    /// The server's process id (to signal it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `wait` for the server to exit by itself.
    pub fn wait_exit(&mut self, wait: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if start.elapsed() > wait {
                return None;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    pub fn shutdown_timed(
        mut self,
        wait: Duration,
    ) -> (Option<std::process::ExitStatus>, Duration) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let sent = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (Some(status), sent.elapsed());
            }
            if sent.elapsed() > wait {
                return (None, sent.elapsed());
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// (line, character) of the first occurrence of `needle` in `text`, in UTF-16 or UTF-8 units.
pub fn find(text: &str, needle: &str, utf8: bool) -> (u32, u32) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count() as u32;
    let col = if utf8 {
        (at - line_start) as u32
    } else {
        text[line_start..at].encode_utf16().count() as u32
    };
    (line, col)
}

/// A unique number that `sleep` accepts, to find the processes of one test in the process
/// table.
pub fn marker() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("4{}.{:09}", std::process::id() % 1000, nanos)
}

/// Processes whose command line contains `marker`.
pub fn processes_with(marker: &str) -> Vec<u32> {
    let mut pids = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Ok(cmdline) = std::fs::read(e.path().join("cmdline")) {
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if cmdline.contains(marker) {
                pids.push(pid);
            }
        }
    }
    pids
}

/// Waits up to `within` for no process to carry `marker`.
pub fn gone(marker: &str, within: Duration) -> bool {
    let start = Instant::now();
    loop {
        if processes_with(marker).is_empty() {
            return true;
        }
        if start.elapsed() > within {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A TCP listener on 127.0.0.1 that accepts connections and never answers (holding them
/// open): an endpoint where every request hangs. Returns its `http://` URL.
pub fn silent_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
            if held.len() > 200 {
                break;
            }
        }
    });
    url
}

/// Writes an executable script that another thread's child can never hold open: exec of a
/// file some process has open for writing fails with ETXTBSY, and a test binary forks from many
/// threads at once (a child keeps copies of the parent's descriptors until it execs). So the
/// test process writes only a side file and `cp` (a process of its own) writes the script.
pub fn write_script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    let draft = path.with_extension("draft");
    std::fs::write(&draft, body).unwrap();
    let status = std::process::Command::new("cp")
        .arg(&draft)
        .arg(path)
        .status()
        .expect("cp on PATH");
    assert!(
        status.success(),
        "cp {} {}",
        draft.display(),
        path.display()
    );
    std::fs::remove_file(&draft).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
