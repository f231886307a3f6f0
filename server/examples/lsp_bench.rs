//! LSP-level latency over real stdio, against the release binary:
//! `cargo run --release --example lsp_bench -- [path/to/pipelens]`
//!
//! Measures: `initialize` round trip; completion latency and edit→fresh-diagnostics latency
//! on a generated 10,000-line pipeline while an edit arrives every 20 ms; resident memory with
//! 100 pipeline files open; and, with `PIPELENS_BENCH_CDK` set to the `cdk` binary, the peers
//! in the same run: `cdk lsp` answering `initialize`, and `cdk synth` of the example apps
//! (`examples/`, or the folders in `PIPELENS_BENCH_EXAMPLES`) against `pipelens preview` and
//! `pipelens preview --synth` (time to a stage list). `benches/run` sets it all up. Prints a
//! table for benches/README.md.

#[path = "support/gen.rs"]
mod gen;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Conn {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<(Instant, Value)>,
    id: i64,
}

impl Conn {
    fn start(bin: &str, dir: &std::path::Path) -> Conn {
        Conn::start_cmd(&[bin, "serve"], dir)
    }

    fn start_cmd(argv: &[&str], dir: &std::path::Path) -> Conn {
        let mut child = Command::new(argv[0])
            .args(&argv[1..])
            .current_dir(dir)
            .env("HOME", dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // PIPELENS_BENCH_STDERR=file keeps the server's log (with PIPELENS_LOG=pipelens=debug:
            // the time each analysis phase takes).
            .stderr(match std::env::var_os("PIPELENS_BENCH_STDERR") {
                Some(f) => std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(f)
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
                None => Stdio::null(),
            })
            .spawn()
            .expect("pipelens binary");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse().unwrap();
                    }
                }
                let mut buf = vec![0; len];
                if r.read_exact(&mut buf).is_err() {
                    return;
                }
                let _ = tx.send((Instant::now(), serde_json::from_slice(&buf).unwrap()));
            }
        });
        let stdin = child.stdin.take().unwrap();
        Conn {
            child,
            stdin,
            rx,
            id: 0,
        }
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        self.id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": self.id, "method": method, "params": params}));
        self.id
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Waits for the response to `id`, passing other messages to `other`.
    fn wait(&mut self, id: i64, mut other: impl FnMut(Instant, &Value)) -> (Instant, Value) {
        loop {
            let (t, v) = self
                .rx
                .recv_timeout(Duration::from_secs(30))
                .expect("server answers");
            if v.get("id") == Some(&json!(id)) && v.get("method").is_none() {
                return (t, v);
            }
            other(t, &v);
        }
    }

    fn init(&mut self, root: &std::path::Path) {
        let id = self.request(
            "initialize",
            json!({"processId": null, "rootUri": format!("file://{}", root.display()), "capabilities": {}}),
        );
        self.wait(id, |_, _| {});
        self.notify("initialized", json!({}));
    }

    /// Edits the region literal at `at` (line, character): `us-east-1` ↔ `us-east-2`.
    fn toggle_region(&mut self, uri: &str, at: (usize, usize), version: i64, current: &mut &str) {
        let (line, col) = at;
        let next = if *current == "us-east-1" {
            "us-east-2"
        } else {
            "us-east-1"
        };
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{
                "range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + current.len()}},
                "text": next}]}),
        );
        *current = next;
    }

    fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    if v.is_empty() {
        return f64::NAN;
    }
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let bin = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/release/pipelens".into());
    let bin = std::fs::canonicalize(&bin)
        .map(|p| p.display().to_string())
        .unwrap_or(bin);
    // The peer a user has today: `cdk lsp` (set PIPELENS_BENCH_CDK to the cdk binary).
    let cdk = std::env::var("PIPELENS_BENCH_CDK").ok();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cdk.json"), "{\"app\": \"x\"}").unwrap();

    // PIPELENS_BENCH_ONLY=init (or python, typescript, memory, synth) runs one part; `huge` runs
    // only the huge files of #16, which the default run leaves out.
    let only = std::env::var("PIPELENS_BENCH_ONLY").ok();
    let runs = |part: &str| only.as_deref().is_none_or(|o| o == part);

    // 1. initialize round trip, fresh process each time.
    let mut init = Vec::new();
    for _ in 0..if runs("init") { 20 } else { 0 } {
        let mut c = Conn::start(&bin, dir.path());
        let t0 = Instant::now();
        let id = c.request("initialize", json!({"processId": null, "capabilities": {}}));
        let (t, _) = c.wait(id, |_, _| {});
        init.push((t - t0).as_secs_f64() * 1e3);
    }

    let mut cdk_init = Vec::new();
    if let Some(cdk) = cdk.as_ref().filter(|_| runs("init")) {
        for _ in 0..5 {
            let mut c = Conn::start_cmd(&[cdk.as_str(), "lsp"], dir.path());
            let t0 = Instant::now();
            let id = c.request("initialize", json!({"processId": null, "rootUri": format!("file://{}", dir.path().display()), "capabilities": {}}));
            let (t, _) = c.wait(id, |_, _| {});
            cdk_init.push((t - t0).as_secs_f64() * 1e3);
        }
    }

    // 2. typing into a 10,000-line pipeline, for PIPELENS_BENCH_SECONDS (30) per language.
    let typing_time = Duration::from_secs(
        std::env::var("PIPELENS_BENCH_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(30),
    );
    let mut report = Vec::new();
    for lang in ["python", "typescript"].into_iter().filter(|l| runs(l)) {
        let ext = if lang == "python" { "py" } else { "ts" };
        let text = gen::generate(lang, 10_000);
        let file = dir.path().join(format!("big.{ext}"));
        std::fs::write(&file, &text).unwrap();
        let uri = format!("file://{}", file.display());
        let mut c = Conn::start(&bin, dir.path());
        c.init(dir.path());
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": lang, "version": 1, "text": text}}),
        );
        // The first region literal: edits toggle it between a good and a mistyped region.
        let q = if lang == "python" { '"' } else { '\'' };
        let needle = format!("{q}us-east-1{q}");
        let at = text.find(&needle).unwrap() + 1;
        let line = text[..at].matches('\n').count();
        let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
        let mut sent: std::collections::HashMap<i64, Instant> = Default::default();
        // Edit→diagnostics: the time from an edit to the diagnostics of its version. While
        // edits arrive every 20 ms, versions that are stale when their analysis ends are not
        // published; so the edits come in bursts of 20 (400 ms of typing), and after each
        // burst the latency of its last edit is measured: what a user sees when they pause.
        let mut diag_lat = Vec::new();
        let mut settle_lat = Vec::new();
        let mut comp_lat = Vec::new();
        let start = Instant::now();
        let mut version = 1;
        let mut current = "us-east-1";
        let mut record = |t: Instant, v: &Value, sent: &std::collections::HashMap<i64, Instant>| {
            if v["method"] == "textDocument/publishDiagnostics" {
                if let Some(s) = v["params"]["version"]
                    .as_i64()
                    .and_then(|ver| sent.get(&ver))
                {
                    diag_lat.push((t - *s).as_secs_f64() * 1e3);
                }
            }
        };
        while start.elapsed() < typing_time {
            let tick = Instant::now();
            version += 1;
            c.toggle_region(&uri, (line, col), version, &mut current);
            sent.insert(version, Instant::now());
            let t0 = Instant::now();
            let id = c.request("textDocument/completion", json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 3}}));
            let (t, resp) = c.wait(id, |t, v| record(t, v, &sent));
            assert!(
                resp["result"]["items"]
                    .as_array()
                    .is_some_and(|i| i.len() > 30),
                "{resp}"
            );
            comp_lat.push((t - t0).as_secs_f64() * 1e3);
            if version % 20 == 0 {
                // The pause: wait for this version's diagnostics.
                let deadline = Instant::now() + Duration::from_secs(5);
                while Instant::now() < deadline {
                    let Ok((t, v)) = c.rx.recv_timeout(Duration::from_secs(5)) else {
                        break;
                    };
                    record(t, &v, &sent);
                    if v["method"] == "textDocument/publishDiagnostics"
                        && v["params"]["version"] == version
                    {
                        settle_lat.push((t - sent[&version]).as_secs_f64() * 1e3);
                        break;
                    }
                }
                continue;
            }
            let spent = tick.elapsed();
            if spent < Duration::from_millis(20) {
                std::thread::sleep(Duration::from_millis(20) - spent);
            }
        }
        let edits = version - 1;
        report.push(format!(
            "| {lang} 10k lines, edits every 20 ms in bursts of 20 ({edits} edits) | completion p50 {:.2} ms, p99 {:.2} ms | last edit of a burst → its diagnostics ({} bursts) p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms; every published version ({}) p50 {:.1} ms |",
            pct(&mut comp_lat.clone(), 0.5),
            pct(&mut comp_lat, 0.99),
            settle_lat.len(),
            pct(&mut settle_lat.clone(), 0.5),
            pct(&mut settle_lat.clone(), 0.9),
            pct(&mut settle_lat, 0.99),
            diag_lat.len(),
            pct(&mut diag_lat, 0.5),
        ));
    }

    // 3. memory with 100 pipeline files open.
    let mut memory = None;
    if runs("memory") {
        // An app of its own: the 10,000-line files of the typing bench are not part of it.
        let app = tempfile::tempdir().unwrap();
        if std::env::var_os("NOAPP").is_none() {
            std::fs::write(app.path().join("cdk.json"), "{\"app\": \"x\"}").unwrap();
        }
        let mut c = Conn::start(&bin, app.path());
        c.init(app.path());
        let rss_idle = c.rss_kb();
        for i in 0..100 {
            let text = gen::generate(if i % 2 == 0 { "python" } else { "typescript" }, 300);
            let ext = if i % 2 == 0 { "py" } else { "ts" };
            let file = app.path().join(format!("p{i}.{ext}"));
            std::fs::write(&file, &text).unwrap();
            c.notify("textDocument/didOpen", json!({"textDocument": {"uri": format!("file://{}", file.display()), "languageId": if ext == "py" {"python"} else {"typescript"}, "version": 1, "text": text}}));
        }
        let id = c.request("shutdown", Value::Null);
        // Give the analyses time to finish before reading the resident size.
        std::thread::sleep(Duration::from_secs(2));
        let rss_100 = c.rss_kb();
        c.wait(id, |_, _| {});
        memory = Some((rss_idle, rss_100));
    }

    // 4. the huge files of issue #16, each in an app of its own: `check` (whole process), the
    //    first diagnostics after didOpen, completion while typing, resident memory.
    let mut huge_rows = Vec::new();
    if only.as_deref() == Some("huge") {
        for (name, text) in [
            (
                "50,000-line app (48 stages, 5,000 stacks)",
                gen::pipeline_after_stacks(),
            ),
            ("40,000-stage pipeline", gen::many_stages(40_000)),
        ] {
            huge_rows.push(huge(&bin, name, &text, typing_time));
        }
    }

    // 5. time to a stage list: the prediction against the real synth, in the same run.
    let mut synth_rows = Vec::new();
    if let Some(cdk) = cdk.as_ref().filter(|_| runs("synth")) {
        synth_rows = time_to_stages(&bin, cdk);
    }

    println!("| measure | result |");
    println!("| --- | --- |");
    if !init.is_empty() {
        println!(
            "| initialize round trip (fresh process, 20 runs) | p50 {:.2} ms, max {:.2} ms |",
            pct(&mut init.clone(), 0.5),
            pct(&mut init, 1.0)
        );
    }
    if !cdk_init.is_empty() {
        let p50 = pct(&mut cdk_init.clone(), 0.5);
        println!(
            "| `cdk lsp` initialize round trip (fresh process, 5 runs) | p50 {p50:.0} ms ({:.0}× pipelens) |",
            p50 / pct(&mut init.clone(), 0.5)
        );
    }
    for r in report {
        println!("{r}");
    }
    for r in synth_rows {
        println!("{r}");
    }
    for r in huge_rows {
        println!("{r}");
    }
    if let Some((rss_idle, rss_100)) = memory {
        println!(
            "| resident memory | idle {:.1} MB; 100 pipeline files (300 lines each) open {:.1} MB |",
            rss_idle as f64 / 1024.0,
            rss_100 as f64 / 1024.0
        );
    }
}

/// One huge Python file (`PIPELENS_BENCH_ONLY=huge`): `check` of it (median of 5 whole
/// processes, with the peak resident size), then in the server the first diagnostics after
/// `didOpen`, completion while a region literal is edited every 20 ms for `typing`, and the
/// resident size after.
fn huge(bin: &str, name: &str, text: &str, typing: Duration) -> String {
    let app = tempfile::tempdir().unwrap();
    std::fs::write(app.path().join("cdk.json"), "{\"app\": \"python3 app.py\"}").unwrap();
    let file = app.path().join("app.py");
    std::fs::write(&file, text).unwrap();
    let mut checks = Vec::new();
    let mut check_rss = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let out = std::process::Command::new("/usr/bin/time")
            .args(["-f", "%M", bin, "check", "app.py"])
            .current_dir(app.path())
            .output()
            .unwrap();
        checks.push(t.elapsed().as_secs_f64() * 1e3);
        let err = String::from_utf8_lossy(&out.stderr);
        check_rss = err
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0u64);
    }
    let uri = format!("file://{}", file.display());
    let mut c = Conn::start(bin, app.path());
    c.init(app.path());
    let t0 = Instant::now();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
    );
    let first = loop {
        let (t, v) =
            c.rx.recv_timeout(Duration::from_secs(120))
                .expect("first diagnostics");
        if v["method"] == "textDocument/publishDiagnostics" && v["params"]["version"] == 1 {
            break (t - t0).as_secs_f64() * 1e3;
        }
    };
    let at = text.rfind("region=\"us-east-1\"").unwrap() + "region=\"".len();
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut comp = Vec::new();
    let (mut version, mut current): (i64, &str) = (1, "us-east-1");
    let start = Instant::now();
    while start.elapsed() < typing {
        let tick = Instant::now();
        version += 1;
        c.toggle_region(&uri, (line, col), version, &mut current);
        let t = Instant::now();
        let id = c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 3}}),
        );
        let (done, _) = c.wait(id, |_, _| {});
        comp.push((done - t).as_secs_f64() * 1e3);
        let spent = tick.elapsed();
        if spent < Duration::from_millis(20) {
            std::thread::sleep(Duration::from_millis(20) - spent);
        }
    }
    std::thread::sleep(Duration::from_secs(2));
    let rss = c.rss_kb();
    format!(
        "| {name}, {:.1} MB | `check` p50 {:.0} ms, peak {:.0} MB | first diagnostics {first:.0} ms | completion while typing ({} edits) p50 {:.1} ms, p99 {:.1} ms | server resident {:.0} MB |",
        text.len() as f64 / 1e6,
        pct(&mut checks, 0.5),
        check_rss as f64 / 1024.0,
        comp.len(),
        pct(&mut comp.clone(), 0.5),
        pct(&mut comp, 0.99),
        rss as f64 / 1024.0,
    )
}

/// Wall time of a command run to completion, its output discarded; `None` when it failed.
fn timed(argv: &[&str], dir: &std::path::Path) -> Option<f64> {
    let t0 = Instant::now();
    let ok = Command::new(argv[0])
        .args(&argv[1..])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| t0.elapsed().as_secs_f64())
}

/// `pipelens preview` (predicted), `cdk synth` and `pipelens preview --synth` on a fresh copy
/// of each example app, 3 runs each, median seconds.
fn time_to_stages(bin: &str, cdk: &str) -> Vec<String> {
    let examples: Vec<std::path::PathBuf> = match std::env::var_os("PIPELENS_BENCH_EXAMPLES") {
        Some(v) => std::env::split_paths(&v).collect(),
        None => ["examples/payments-python", "examples/payments-typescript"]
            .iter()
            .map(std::path::PathBuf::from)
            .filter(|p| p.is_dir())
            .collect(),
    };
    let mut rows = Vec::new();
    for ex in examples {
        let tmp = tempfile::tempdir().unwrap();
        let app = tmp.path().join("app");
        let copied = Command::new("cp")
            .arg("-R")
            .arg(&ex)
            .arg(&app)
            .status()
            .is_ok_and(|s| s.success());
        if !copied {
            continue;
        }
        let _ = std::fs::remove_dir_all(app.join("cdk.out"));
        // A TypeScript app finds its packages through NODE_PATH; ts-node's type check wants a
        // node_modules folder next to the app.
        if let Some(first) = std::env::var_os("NODE_PATH")
            .and_then(|p| std::env::split_paths(&p).next())
            .filter(|_| app.join("package.json").is_file())
        {
            let _ = std::os::unix::fs::symlink(first, app.join("node_modules"));
        }
        let out = tmp.path().join("cdk.out");
        let app_s = app.display().to_string();
        let out_s = out.display().to_string();
        let mut predicted = Vec::new();
        let mut synth = Vec::new();
        let mut preview_synth = Vec::new();
        for _ in 0..3 {
            predicted.extend(timed(&[bin, "preview", &app_s], &app));
            let _ = std::fs::remove_dir_all(&out);
            synth.extend(timed(
                &[
                    cdk,
                    "synth",
                    "--quiet",
                    "--no-notices",
                    "--no-version-reporting",
                    "--output",
                    &out_s,
                ],
                &app,
            ));
            preview_synth.extend(timed(&[bin, "preview", "--synth", &app_s], &app));
        }
        let name = ex
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let (p, c, s) = (
            pct(&mut predicted, 0.5),
            pct(&mut synth, 0.5),
            pct(&mut preview_synth, 0.5),
        );
        rows.push(format!(
            "| time to a stage list, {name} (median of 3) | `pipelens preview` {:.0} ms; `cdk synth` {c:.1} s ({:.0}× slower); `pipelens preview --synth` {s:.1} s |",
            p * 1e3,
            c / p,
        ));
    }
    rows
}
