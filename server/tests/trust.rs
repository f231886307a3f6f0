//! The trust gate (see `server/src/trust.rs`): an untrusted workspace runs nothing, calls no AWS
//! API and chooses no program, through the real server; and no process start or network client
//! exists outside the gate (a read of the sources).

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{copy_tree, repo, uri, TestServer};
use serde_json::{json, Value};

// --- the sources -------------------------------------------------------------------------------

/// A place in the sources that starts a process, makes a network client, or makes the proof of
/// trust: the file (relative to `server/src`) and what was found there.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Site {
    file: String,
    what: &'static str,
}

/// What marks a process start, a network client, or a proof of trust. A pattern matches code,
/// not comments.
const PATTERNS: &[(&str, &str)] = &[
    // Processes.
    ("Command::new(", "process: Command::new"),
    ("process::Command", "process: the Command type"),
    ("libc::fork", "process: fork"),
    ("libc::exec", "process: exec"),
    ("libc::posix_spawn", "process: posix_spawn"),
    ("libc::system", "process: system"),
    ("trust::command(", "process: trust::command"),
    ("trust::async_command(", "process: trust::async_command"),
    // Network.
    ("aws_config::", "network: the AWS SDK"),
    ("aws_sdk_", "network: the AWS SDK"),
    ("aws_smithy", "network: the AWS SDK"),
    ("std::net::", "network: std::net"),
    ("tokio::net::", "network: tokio::net"),
    ("TcpStream", "network: TcpStream"),
    ("UdpSocket", "network: UdpSocket"),
    ("hyper::", "network: hyper"),
    ("reqwest", "network: reqwest"),
    // The proof of trust.
    ("Trusted(()", "proof: made"),
    ("Trusted::by_user()", "proof: the command line"),
    ("Trusted::granted_by_client()", "proof: the client said so"),
];

/// The code of a Rust file without its comments (line comments and `//!`/`///` docs; block
/// comments are not used in this code base).
fn code_of(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let code = match line.find("//") {
            // A `//` inside a string literal (a URL) is rare here; count quotes to be safe.
            Some(i) if line[..i].matches('"').count() % 2 == 0 => &line[..i],
            _ => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

fn sites_in(file: &str, text: &str) -> Vec<Site> {
    let code = code_of(text);
    // Unit tests may build what they like; the gate is about what ships.
    let code = match code.find("#[cfg(test)]\nmod tests") {
        Some(i) => &code[..i],
        None => &code,
    };
    let mut out: Vec<Site> = PATTERNS
        .iter()
        .filter(|(p, _)| code.contains(p))
        .map(|(_, what)| Site {
            file: file.to_string(),
            what,
        })
        .collect();
    // `use std::process::{Child, Command}` names the type too.
    let grouped = code.match_indices("process::{").any(|(i, _)| {
        let group = &code[i..];
        group[..group.find('}').unwrap_or(group.len())].contains("Command")
    });
    if grouped {
        out.push(Site {
            file: file.to_string(),
            what: "process: the Command type",
        });
    }
    out.sort();
    out.dedup();
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn all_sites() -> Vec<Site> {
    let src = repo().join("server/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut sites: Vec<Site> = files
        .iter()
        .flat_map(|f| {
            let rel = f.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
            sites_in(&rel, &std::fs::read_to_string(f).unwrap())
        })
        .collect();
    sites.sort();
    sites
}

/// Every place the server starts a process, makes a network client or makes the proof of
/// trust. A new one fails this test until it is added here — and it can only be added behind
/// the gate: `trust::command` and `aws::Prober::new` take a `Trusted`, which only the command
/// line and the server's session (while the client says the workspace is trusted) can make.
#[test]
fn every_process_start_and_network_call_is_behind_the_trust_gate() {
    let site = |file: &str, what: &'static str| Site {
        file: file.to_string(),
        what,
    };
    let mut expected = vec![
        // The gate itself: the only `Command::new`, and the only place a proof is made.
        site("trust.rs", "process: Command::new"),
        site("trust.rs", "process: the Command type"),
        site("trust.rs", "proof: made"),
        // The two programs pipelens runs, each through the gate with a proof in hand.
        site("git/run.rs", "process: trust::command"),
        // `git/run.rs` names the `Command` type the gate hands it (to harden it), no more.
        site("git/run.rs", "process: the Command type"),
        site("synth/run.rs", "process: trust::async_command"),
        // The synth's guard: a fork that runs no program, only kills the synth's own process
        // group when pipelens dies (`Guard::start` takes the proof).
        site("synth/guard.rs", "process: fork"),
        // The one network client, the AWS SDK: its configuration is made only by
        // `aws::sdk::load_config`, which takes a proof; the bootstrap probe (`Prober::new`
        // takes a proof; `probe.rs` only names the SDK's config type, which its `sdk.rs` makes
        // and uses) and the live pipeline (`LiveClient::new` takes one) call it.
        site("aws/sdk.rs", "network: the AWS SDK"),
        site("aws/probe/sdk.rs", "network: the AWS SDK"),
        site("aws/probe.rs", "network: the AWS SDK"),
        site("live/sdk.rs", "network: the AWS SDK"),
        // Who may make the proof: the command line (the user typed the command) …
        site("cli/check.rs", "proof: the command line"),
        site("cli/bootstrap_status.rs", "proof: the command line"),
        site("cli/status.rs", "proof: the command line"),
        site("cli/preview/synthesized.rs", "proof: the command line"),
        // … and the server's session, while the client says the workspace is trusted.
        site("lsp/state.rs", "proof: the client said so"),
    ];
    expected.sort();
    assert_eq!(
        all_sites(),
        expected,
        "a process start, network client or proof of trust outside the gate"
    );

    // The SDK module is reachable only through a `Prober`, and a `Prober` needs the proof.
    let probe = std::fs::read_to_string(repo().join("server/src/aws/probe.rs")).unwrap();
    assert!(code_of(&probe).contains("mod sdk;") && !probe.contains("pub mod sdk"));
    assert!(
        code_of(&probe).contains("pub fn new(opts: ProbeOptions, trusted: Trusted) -> Prober"),
        "Prober::new must take the proof of trust"
    );
    let live = std::fs::read_to_string(repo().join("server/src/live.rs")).unwrap();
    assert!(code_of(&live).contains("mod sdk;") && !live.contains("pub mod sdk"));
    assert!(
        code_of(&live).contains("pub fn new(opts: LiveOptions, trusted: Trusted) -> LiveClient"),
        "LiveClient::new must take the proof of trust"
    );
    // The SDK's configuration, where every call starts, is made with the proof in hand.
    let sdk = std::fs::read_to_string(repo().join("server/src/aws/sdk.rs")).unwrap();
    let code = code_of(&sdk);
    assert!(
        code.contains("pub async fn load_config(\n    _trusted: Trusted,"),
        "load_config must take the proof of trust"
    );
    assert_eq!(code.matches("aws_config::defaults(").count(), 1);
}

#[test]
fn the_source_reader_finds_what_it_looks_for_and_skips_comments() {
    let found = sites_in(
        "x.rs",
        "// std::process::Command::new(\"sh\") in a comment\n\
         /// aws_config:: in a doc\n\
         fn f() { let c = std::process::Command::new(\"sh\"); }\n\
         fn g() { let s = std::net::TcpStream::connect(\"h:1\"); }\n\
         use std::process::{Child, Command};\n\
         #[cfg(test)]\nmod tests {\n fn h() { Trusted::by_user(); }\n}\n",
    );
    let mut whats: Vec<&str> = found.iter().map(|s| s.what).collect();
    whats.sort();
    assert_eq!(
        whats,
        [
            "network: TcpStream",
            "network: std::net",
            "process: Command::new",
            "process: the Command type",
        ]
    );
    let grouped = sites_in("y.rs", "use std::process::{Child, Command, Stdio};\n");
    assert_eq!(grouped.len(), 1, "{grouped:?}");
}

// --- the server --------------------------------------------------------------------------------

/// A loopback TCP endpoint that counts the connections made to it (an AWS endpoint no call may
/// reach while the workspace is untrusted).
fn counting_endpoint() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            c.fetch_add(1, Ordering::SeqCst);
            held.push(s); // never answered: the probe times out, which is fine here
        }
    });
    (url, count)
}

/// The real `git`, for the wrapper that notes every git call.
fn real_git() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap();
    std::env::split_paths(&path)
        .map(|d| d.join("git"))
        .find(|p| p.is_file())
        .expect("git on PATH")
}

fn write_executable(path: &Path, text: &str) {
    common::write_script(path, text);
}

fn run_git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new(real_git())
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

struct Hostile {
    _dir: tempfile::TempDir,
    app: PathBuf,
    bin: PathBuf,
    markers: PathBuf,
}

impl Hostile {
    /// The Python example in a git repository, with a `pipelens.toml` whose synth command and
    /// on-save synth would leave a marker, and a `git` on PATH that leaves one when called.
    fn new() -> Hostile {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("app");
        let bin = dir.path().join("bin");
        let markers = dir.path().join("markers");
        for d in [&app, &bin, &markers] {
            std::fs::create_dir_all(d).unwrap();
        }
        copy_tree(&repo().join("examples/payments-python"), &app);
        let synth_marker = markers.join("synth-ran");
        std::fs::write(
            app.join("pipelens.toml"),
            format!(
                "[synth]\ncommand = [\"touch\", {:?}]\nonSave = true\n",
                synth_marker.display().to_string()
            ),
        )
        .unwrap();
        run_git(&app, &["init", "-q"]);
        run_git(&app, &["add", "-A"]);
        run_git(&app, &["commit", "-qm", "app"]);
        write_executable(
            &bin.join("git"),
            &format!(
                "#!/bin/sh\ntouch '{}'\nexec '{}' \"$@\"\n",
                markers.join("git-ran").display(),
                real_git().display()
            ),
        );
        Hostile {
            _dir: dir,
            app,
            bin,
            markers,
        }
    }

    fn marker(&self, name: &str) -> bool {
        self.markers.join(name).exists()
    }

    fn server(&self, endpoint: &str, trusted: bool) -> TestServer {
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let builder = TestServer::builder(&self.app)
            .env("PATH", &path)
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_ACCESS_KEY_ID", "AKIDTRUSTTEST")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env("AWS_REGION", "us-east-1")
            .init_options(json!({"bootstrap": {"check": "auto"}}));
        if trusted {
            builder.start()
        } else {
            builder.untrusted().start()
        }
    }
}

fn lens_titles(s: &mut TestServer, u: &str) -> Vec<(String, String)> {
    let lenses = s.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
    lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["command"]["title"].as_str().unwrap_or("").to_string(),
                l["command"]["command"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn open_pipeline(s: &mut TestServer, app: &Path) -> (String, String) {
    let file = app.join("payments/pipeline_stack.py");
    let text = std::fs::read_to_string(&file).unwrap();
    let u = s.open(&file, "python");
    s.diagnostics(&u, 1);
    (u, text)
}

fn synth_answer(s: &mut TestServer, u: &str) -> Value {
    s.raw_request(
        "workspace/executeCommand",
        json!({"command": "pipelens.synth", "arguments": [u]}),
    )
}

/// Waits up to `within` for `f` to hold.
fn eventually(within: Duration, f: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    f()
}

#[test]
fn an_untrusted_workspace_runs_nothing_until_the_client_trusts_it() {
    let h = Hostile::new();
    let (endpoint, connections) = counting_endpoint();
    let mut s = h.server(&endpoint, false);
    let (u, text) = open_pipeline(&mut s, &h.app);

    // The lens says why there is no synth, and offers nothing to click.
    let titles = lens_titles(&mut s, &u);
    assert!(
        titles
            .iter()
            .any(|(t, c)| t == "synth is off in an untrusted workspace" && c.is_empty()),
        "{titles:?}"
    );
    assert!(!titles.iter().any(|(_, c)| c == "pipelens.synth"));
    // The command answers an error that names the reason.
    let answer = synth_answer(&mut s, &u);
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("untrusted workspace"), "{answer}");
    let refresh = s.raw_request(
        "workspace/executeCommand",
        json!({"command": "pipelens.refreshBootstrap", "arguments": [u]}),
    );
    assert!(refresh["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("untrusted workspace")));
    // An edit and a save (synth.onSave is on in pipelens.toml; git runs on save when trusted).
    let end = text.lines().count() as u32;
    s.change(&u, 2, (end, 0), (end, 0), "# edited\n");
    s.diagnostics(&u, 2);
    s.notify("textDocument/didSave", json!({"textDocument": {"uri": u}}));
    std::thread::sleep(Duration::from_millis(1500));
    s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": 0, "character": 0}}),
    );
    assert!(
        !h.marker("synth-ran"),
        "synth.command ran in an untrusted workspace"
    );
    assert!(!h.marker("git-ran"), "git ran in an untrusted workspace");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "an AWS call was made in an untrusted workspace"
    );

    // The user trusts the workspace: the same server now synthesizes, runs git and probes.
    s.notify("pipelens/didChangeTrust", json!({"trusted": true}));
    assert!(
        eventually(common::HANG, || h.marker("git-ran")),
        "git did not run once trusted"
    );
    assert!(
        eventually(common::HANG, || connections.load(Ordering::SeqCst) > 0),
        "the bootstrap probe did not run once trusted"
    );
    let titles = lens_titles(&mut s, &u);
    assert!(
        titles
            .iter()
            .any(|(t, c)| t == "▶ Synthesize" && c == "pipelens.synth"),
        "{titles:?}"
    );
    // `touch` makes no cloud assembly, so the synth fails — after running.
    let _ = synth_answer(&mut s, &u);
    assert!(
        h.marker("synth-ran"),
        "synth.command did not run once trusted"
    );
}

#[test]
fn a_trusted_workspace_gets_everything_from_the_start() {
    let h = Hostile::new();
    let (endpoint, connections) = counting_endpoint();
    let mut s = h.server(&endpoint, true);
    let (u, _) = open_pipeline(&mut s, &h.app);
    let titles = lens_titles(&mut s, &u);
    assert!(
        titles.iter().any(|(_, c)| c == "pipelens.synth"),
        "{titles:?}"
    );
    assert!(eventually(common::HANG, || h.marker("git-ran")));
    assert!(eventually(common::HANG, || connections
        .load(Ordering::SeqCst)
        > 0));
    // Taking trust back stops it again.
    s.notify("pipelens/didChangeTrust", json!({"trusted": false}));
    let answer = synth_answer(&mut s, &u);
    assert!(
        answer["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("untrusted workspace")),
        "{answer}"
    );
    assert!(!h.marker("synth-ran"));
    let _ = uri(&h.app);
}
