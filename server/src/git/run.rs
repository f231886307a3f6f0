//! Running one `git` command: an argument vector with `-C <dir>`, output captured, the child
//! killed when it outlives [`TIMEOUT`].

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Longer than any of our commands takes on a large repository; short enough that a hung git
/// (a lock, a network filesystem) does not hold a check forever.
pub const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub enum GitError {
    /// `git` is not on PATH.
    NotInstalled,
    /// Killed after [`TIMEOUT`].
    TimedOut(String),
    Io(std::io::Error),
    /// Git ran and failed where it should not have (its stderr).
    Failed(String),
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::NotInstalled => write!(f, "git is not installed (not on PATH)"),
            GitError::TimedOut(cmd) => {
                write!(
                    f,
                    "`{cmd}` took longer than {}s; stopped",
                    TIMEOUT.as_secs()
                )
            }
            GitError::Io(e) => write!(f, "running git: {e}"),
            GitError::Failed(msg) => write!(f, "git: {msg}"),
        }
    }
}

impl std::error::Error for GitError {}

pub struct Output {
    pub success: bool,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    /// The first line of stdout, trimmed.
    pub fn stdout_line(&self) -> String {
        String::from_utf8_lossy(&self.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).trim().to_string()
    }
}

/// Runs `git -C <dir> <args…>`, feeding `stdin` if given.
pub fn git(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Result<Output, GitError> {
    let mut cmd = Command::new("git");
    cmd.arg("--literal-pathspecs")
        .arg("-C")
        .arg(dir)
        .args(args)
        // Never ask for a password, never take the index lock just to refresh stat data (the
        // user's own git may be running), messages in one language.
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C")
        // Set when we run inside a git hook; with `-C` they would point elsewhere.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(GitError::NotInstalled),
        Err(e) => return Err(GitError::Io(e)),
    };
    if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
        let input = input.to_vec();
        // A thread, so a child that does not read its stdin cannot block us past the timeout.
        thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let out = reader(child.stdout.take());
    let err = reader(child.stderr.take());
    let success = match wait(&mut child) {
        Ok(Some(s)) => s,
        Ok(None) => return Err(GitError::TimedOut(format!("git {}", args.join(" ")))),
        Err(e) => return Err(GitError::Io(e)),
    };
    Ok(Output {
        success,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

fn reader<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// Waits for the child; `None` when it was killed at the timeout.
fn wait(child: &mut Child) -> std::io::Result<Option<bool>> {
    let deadline = Instant::now() + TIMEOUT;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status.success()));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}
