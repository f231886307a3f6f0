//! Starting the synth command: which command, its arguments and environment, and the child
//! in its own process group, killed as a group on timeout, cancel and drop.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt};

use super::failure;
use super::guard::Guard;
use super::SynthError;
use crate::trust::{self, Trusted};
use crate::workspace::Settings;

/// How much of the command's output is kept for the error message (the tail).
const TAIL_BYTES: usize = 64 * 1024;

/// How long the output may stay open after the command exited (its last writes draining).
const OUTPUT_GRACE: Duration = Duration::from_millis(300);

/// The command to run, before the output folder is added: `synth.command`, else the app's own
/// `node_modules/.bin/cdk synth`, else `cdk synth` from PATH.
pub fn command(root: &Path, settings: &Settings) -> Result<Vec<String>, SynthError> {
    if let Some(argv) = settings.synth_command.clone().filter(|a| !a.is_empty()) {
        return Ok(argv);
    }
    let local = root.join("node_modules/.bin/cdk");
    let cdk = if is_executable(&local) {
        local
    } else {
        find_on_path("cdk").ok_or_else(|| SynthError::CdkNotFound {
            app_root: root.to_path_buf(),
        })?
    };
    Ok(vec![cdk.display().to_string(), "synth".into()])
}

/// Adds the private output folder and the quiet flags when the command is a `cdk synth`
/// (any command whose program is `cdk` and that has a `synth` argument); other commands get
/// the folder only through `CDK_OUTDIR`.
pub fn with_output(mut argv: Vec<String>, output: &Path) -> Vec<String> {
    let is_cdk = argv.iter().take(3).any(|a| {
        Path::new(a)
            .file_name()
            .is_some_and(|n| n == "cdk" || n == "cdk.cmd")
    });
    let is_synth = argv.iter().any(|a| a == "synth" || a == "synthesize");
    if is_cdk && is_synth && !argv.iter().any(|a| a == "--output" || a == "-o") {
        for flag in ["--quiet", "--no-version-reporting", "--no-notices"] {
            if !argv.iter().any(|a| a == flag) {
                argv.push(flag.into());
            }
        }
        argv.push("--output".into());
        argv.push(output.display().to_string());
    }
    argv
}

/// Where the command wrote its cloud assembly: the private folder, or — for a custom command
/// that ignores `CDK_OUTDIR` — the app's `cdk.out` when it was written during this synth.
pub fn assembly_dir(root: &Path, output: &Path, started: Instant) -> PathBuf {
    if output.join("manifest.json").is_file() {
        return output.to_path_buf();
    }
    let fallback = root.join("cdk.out");
    let fresh = std::fs::metadata(fallback.join("manifest.json"))
        .and_then(|m| m.modified())
        .ok()
        .and_then(|m| m.elapsed().ok())
        .is_some_and(|age| age <= started.elapsed());
    if fresh {
        fallback
    } else {
        output.to_path_buf()
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    find_in(&std::env::var_os("PATH")?, &[name])
}

/// Which of `names` (the app's interpreters) the synth's PATH resolves to, and where that PATH
/// came from, for messages.
pub(super) fn interpreter(env: Option<&crate::lang::AppEnv>, names: &[&str]) -> String {
    let path = env.map_or_else(
        || std::env::var_os("PATH").unwrap_or_default(),
        crate::lang::AppEnv::path,
    );
    let source = env.map_or("PATH".to_string(), |e| e.source.clone());
    match (find_in(&path, names), names.first()) {
        (Some(p), _) => format!("{} (from {source})", p.display()),
        (None, Some(name)) => format!("no {name} (looked in {source})"),
        (None, None) => format!("nothing (looked in {source})"),
    }
}

/// The first executable of `names` in the folders of `path` (a PATH value), folder by folder.
pub(super) fn find_in(path: &std::ffi::OsStr, names: &[&str]) -> Option<PathBuf> {
    std::env::split_paths(path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| is_executable(p))
}

/// The child's process group; killed (SIGKILL to every member) when dropped unless the child
/// was reaped after exiting on its own. Its [`Guard`] kills it too should pipelens die without
/// dropping it (SIGKILL).
struct ProcessGroup {
    pgid: Option<libc::pid_t>,
    guard: Option<Guard>,
}

impl ProcessGroup {
    fn kill(&mut self) {
        if let Some(pgid) = self.pgid.take() {
            // SAFETY: killpg only sends a signal; the group is ours (the child leads it and has
            // not been reaped yet, or a member still holds its output pipes, so the group exists
            // and its id cannot have been reused).
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
        }
        if let Some(g) = self.guard.take() {
            g.kill();
        }
    }

    /// The leader exited on its own and was reaped, and no member is known to be left: the
    /// group id may be reused from now on, so it is never signalled.
    fn reaped(&mut self) {
        self.pgid = None;
        if let Some(g) = self.guard.take() {
            g.dismiss();
        }
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A bounded tail of a stream, shared with the task that reads it.
type Tail = Arc<Mutex<Vec<u8>>>;

async fn read_tail(mut r: impl AsyncRead + Unpin, tail: Tail) {
    let mut buf = [0u8; 8192];
    while let Ok(n) = r.read(&mut buf).await {
        if n == 0 {
            break;
        }
        let mut t = tail.lock().unwrap_or_else(|e| e.into_inner());
        t.extend_from_slice(&buf[..n]);
        if t.len() > TAIL_BYTES {
            let cut = t.len() - TAIL_BYTES;
            t.drain(..cut);
        }
    }
}

fn text(tail: &Tail) -> String {
    String::from_utf8_lossy(&tail.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}

/// Runs `argv` in `root` until it exits, `timeout` passes or `cancelled` resolves.
pub async fn run(
    trusted: Trusted,
    root: &Path,
    argv: &[String],
    output: &Path,
    timeout: Duration,
    env: Option<&crate::lang::AppEnv>,
    cancelled: impl Future<Output = ()>,
) -> Result<(), SynthError> {
    // `""` is the current folder (the root of a relative path such as `lib/stack.ts`), which
    // a process cannot be started in by that name.
    let root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let mut cmd = trust::async_command(trusted, &argv[0]);
    cmd.args(&argv[1..])
        .current_dir(root)
        .env("CDK_DISABLE_VERSION_CHECK", "1")
        .env("CDK_DISABLE_CLI_TELEMETRY", "1")
        .env("CDK_OUTDIR", output)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    // The app's environment (its plugin's: a Python app's virtual environment), activated as
    // `source .venv/bin/activate` would.
    if let Some(env) = env {
        cmd.env("PATH", env.path());
        for name in env.unset {
            cmd.env_remove(name);
        }
        if let Some(venv) = &env.venv {
            cmd.env("VIRTUAL_ENV", venv);
        }
    }
    // The guard starts first and the synth's first process tells it its group (see `guard`).
    let guard = match Guard::start(trusted) {
        Ok(g) => Some(g),
        Err(e) => {
            tracing::warn!(
                "no guard for the synth's processes (they may outlive a SIGKILL of pipelens): {e}"
            );
            None
        }
    };
    if let Some(fd) = guard.as_ref().and_then(Guard::write_fd) {
        // SAFETY: the hook runs between fork and exec and calls only `getpid` and `write`
        // (async-signal-safe, no allocation); `fd` is open there (closed at exec).
        unsafe {
            cmd.pre_exec(move || {
                super::guard::announce(fd);
                Ok(())
            });
        }
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(error) => {
            if let Some(g) = guard {
                g.dismiss();
            }
            return Err(SynthError::Spawn {
                command: argv.to_vec(),
                error,
            });
        }
    };
    let pgid = child.id().map(|id| id as libc::pid_t);
    let mut group = ProcessGroup { pgid, guard };
    let out: Tail = Arc::default();
    let err: Tail = Arc::default();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let finished = async {
        let read_out = async {
            if let Some(s) = stdout {
                read_tail(s, out.clone()).await;
            }
        };
        let read_err = async {
            if let Some(s) = stderr {
                read_tail(s, err.clone()).await;
            }
        };
        let mut reading = std::pin::pin!(async {
            tokio::join!(read_out, read_err);
        });
        let mut read_all = false;
        let mut wait = std::pin::pin!(child.wait());
        let status = loop {
            tokio::select! {
                status = &mut wait => break status,
                () = &mut reading, if !read_all => read_all = true,
            }
        };
        // The leader exited. Its output ends when every member of the group has closed it; a
        // background child that keeps it open (a watcher, a daemon) must not turn a finished
        // synth into a timeout.
        let left_running = !read_all
            && tokio::time::timeout(OUTPUT_GRACE, &mut reading)
                .await
                .is_err();
        (status, left_running)
    };
    enum End {
        Exited((std::io::Result<std::process::ExitStatus>, bool)),
        TimedOut,
        Cancelled,
    }
    let end = tokio::select! {
        status = finished => End::Exited(status),
        _ = tokio::time::sleep(timeout) => End::TimedOut,
        _ = cancelled => End::Cancelled,
    };
    match end {
        End::Exited((status, left_running)) => {
            if left_running {
                // Members still hold the output: the group exists (its id cannot have been
                // reused), and what is left of it is killed.
                group.kill();
            } else {
                // Reaped, and nothing left: the group id may be reused from now on, so it is
                // never signalled.
                group.reaped();
            }
            let status = status.map_err(|error| SynthError::Spawn {
                command: argv.to_vec(),
                error,
            })?;
            if status.success() {
                return Ok(());
            }
            let (stdout, stderr) = (text(&out), text(&err));
            // The app's failure is on stderr, unless the app's tool prints its own there
            // (Maven's `[ERROR]`s go to stdout, and cdk's "Subprocess exited" to stderr).
            let all = if failure::last_lines(&stderr, 1).is_empty() {
                format!("{stdout}\n{stderr}")
            } else {
                stderr
            };
            let (message, location) = failure::explain(&all, root);
            Err(SynthError::Failed {
                exit_code: status.code(),
                message,
                location,
            })
        }
        End::TimedOut | End::Cancelled => {
            group.kill();
            let _ = child.wait().await;
            if matches!(end, End::Cancelled) {
                return Err(SynthError::Cancelled);
            }
            let mut all = text(&err);
            if all.trim().is_empty() {
                all = text(&out);
            }
            Err(SynthError::TimedOut {
                seconds: timeout.as_secs(),
                output_tail: failure::last_lines(&all, 10),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdk_synth_gets_the_private_output_and_quiet_flags() {
        let argv = with_output(vec!["/x/cdk".into(), "synth".into()], Path::new("/t/o"));
        assert_eq!(
            argv,
            [
                "/x/cdk",
                "synth",
                "--quiet",
                "--no-version-reporting",
                "--no-notices",
                "--output",
                "/t/o"
            ]
        );
        let npx = with_output(
            vec!["npx".into(), "cdk".into(), "synth".into(), "-q".into()],
            Path::new("/t/o"),
        );
        assert_eq!(npx.last().unwrap(), "/t/o");
        let custom = vec!["./synth.sh".to_string()];
        assert_eq!(with_output(custom.clone(), Path::new("/t/o")), custom);
    }
}
