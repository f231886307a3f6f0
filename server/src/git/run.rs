//! Running one `git` command: an argument vector with `-C <dir>`, output captured, the child
//! killed when it outlives [`TIMEOUT`].
//!
//! Git here reads a repository as data, never as code. A repository's own config
//! (`.git/config`, and whatever it includes) and attributes can name programs that git runs on
//! its own: the fsmonitor hook, hooks, diff and filter drivers, a pager, credential helpers,
//! ssh. A folder someone sent us (an archive with its `.git`) would run them the moment the
//! editor opens a file, so every call switches each of them off, in three ways:
//!
//! - The environment is built from scratch ([`ALLOWED_ENV`]): nothing the parent inherited
//!   (`GIT_DIR`, `GIT_CONFIG_PARAMETERS`, `GIT_EXTERNAL_DIFF`, `GIT_SSH_COMMAND`, `GIT_PAGER`,
//!   `GIT_ASKPASS`, `GIT_TRACE*`, …) reaches git, and no system config (`GIT_CONFIG_NOSYSTEM`).
//!   The user's global config is kept: it is theirs (it may hold `safe.directory`, which a
//!   repository cannot set), and every override below comes later on the command line, which
//!   wins over it and over the repository's config and its includes.
//! - `-c` overrides ([`OVERRIDES`]) for every key that names a program or starts one, and one
//!   for each filter driver the config defines ([`filter_drivers`]): a filter's `clean` runs
//!   whenever git hashes a work tree file, and its name is the repository's choice, so the
//!   drivers are listed first with `git config` and each is blanked (not for the commands that
//!   never read a work tree file, [`reads_no_work_tree_file`]).
//! - Flags on the commands that have them ([`command_flags`]): `--no-ext-diff`,
//!   `--no-textconv`, and `--ignore-submodules=dirty` (a dirty submodule is examined by a child
//!   `git status` inside it, whose own config defines its own filters).
//!
//! Keys that name a program but are not switched off here, because none of the commands this
//! crate runs (`rev-parse`, `merge-base`, `diff`, `ls-files`, `cat-file --batch`, `config`)
//! ever reads them: `core.alternateRefsCommand`, `remote.*.uploadpack`/`receivepack`/`vcs`,
//! `uploadpack.packObjectsHook` (fetch, push, serve; and no network is possible anyway),
//! `merge.*.driver`, `mergetool.*`, `difftool.*`, `sendemail.*`, `web.browser`, `man.*`,
//! `submodule.*.update`, `alias.*` (a builtin command cannot be aliased), `gpg.*` (nothing
//! verifies a signature: `log.showSignature` is off), `trace2.*` (read from system and global
//! config only).

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::trust::{self, Trusted};

/// Longer than any of our commands takes on a large repository; short enough that a hung git
/// (a lock, a network filesystem) does not hold a check forever.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The only variables of our own environment git sees: where to find it, the user's global
/// config (theirs, not the repository's), and the user's own limits on repository discovery.
const ALLOWED_ENV: &[&str] = &[
    "PATH",
    "HOME",
    "XDG_CONFIG_HOME",
    "GIT_CONFIG_GLOBAL",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "TMPDIR",
    // Windows: process start, and where Git for Windows finds HOME.
    "SYSTEMROOT",
    "WINDIR",
    "USERPROFILE",
    "HOMEDRIVE",
    "HOMEPATH",
    "TEMP",
    "TMP",
];

/// Set for every call.
const FIXED_ENV: &[(&str, &str)] = &[
    // Messages in one language.
    ("LC_ALL", "C"),
    // Never take the index lock just to refresh stat data: the user's own git may be running.
    ("GIT_OPTIONAL_LOCKS", "0"),
    // The system config is the machine's, not the user's; leave it out so every machine
    // behaves the same.
    ("GIT_CONFIG_NOSYSTEM", "1"),
    // Never ask anyone anything.
    ("GIT_TERMINAL_PROMPT", "0"),
    // These override the config's `core.pager`, `core.editor`, `sequence.editor`; `:` is
    // git's own "no editor".
    ("GIT_PAGER", "cat"),
    ("PAGER", "cat"),
    ("GIT_EDITOR", ":"),
    ("GIT_SEQUENCE_EDITOR", ":"),
    // No network: an empty allow-list permits no protocol at all (it overrides
    // `protocol.*.allow`), and a partial clone does not fetch a missing object on demand.
    ("GIT_ALLOW_PROTOCOL", ""),
    ("GIT_PROTOCOL_FROM_USER", "0"),
    ("GIT_NO_LAZY_FETCH", "1"),
];

/// `-c` overrides for every call; the command line wins over every config file.
const OVERRIDES: &[&str] = &[
    // The fsmonitor hook runs on any command that reads the index (`diff`, `ls-files`).
    "core.fsmonitor=false",
    // Git for Windows' older spelling of the built-in monitor.
    "core.useBuiltinFSMonitor=false",
    // Read-only commands run no hook, except that an index write runs `post-index-change`:
    // `git diff` compares a file whose stat data changed by content and then refreshes the
    // index (GIT_OPTIONAL_LOCKS or not; `diff.autoRefreshIndex=false` would stop it, but then
    // a touched file counts as changed). Hooks are looked up under this folder, which holds
    // none.
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.askPass=",
    "core.sshCommand=",
    // An empty value clears every helper configured before it.
    "credential.helper=",
    "protocol.allow=never",
    "log.showSignature=false",
    // No background `gc` or maintenance (they run hooks and more).
    "gc.auto=0",
    "maintenance.auto=false",
];

/// Flags for the subcommands that have them: no external diff program, no textconv program,
/// no child git in a submodule's work tree.
fn command_flags(subcommand: &str) -> &'static [&'static str] {
    match subcommand {
        "diff" | "diff-index" | "diff-files" | "diff-tree" | "log" | "show" => &[
            "--no-ext-diff",
            "--no-textconv",
            "--ignore-submodules=dirty",
        ],
        "blame" | "annotate" => &["--no-textconv"],
        _ => &[],
    }
}

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
    /// The exit code (`None`: killed by a signal).
    pub code: Option<i32>,
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

/// Runs `git -C <dir> <args…>`, feeding `stdin` if given. Only in a trusted workspace.
pub fn git(
    trusted: Trusted,
    dir: &Path,
    args: &[&str],
    stdin: Option<&[u8]>,
) -> Result<Output, GitError> {
    let mut cmd = hardened(trusted, dir);
    let drivers = if reads_no_work_tree_file(args) {
        Vec::new()
    } else {
        filter_drivers(trusted, dir)?
    };
    for name in drivers {
        for key in ["clean", "smudge", "process"] {
            cmd.arg("-c").arg(format!("filter.{name}.{key}="));
        }
        // A required filter that does not run is an error; without it git uses the bytes.
        cmd.arg("-c").arg(format!("filter.{name}.required=false"));
    }
    if let Some((sub, rest)) = args.split_first() {
        cmd.arg(sub).args(command_flags(sub)).args(rest);
    }
    run(cmd, args, stdin)
}

/// Commands that never read a work tree file's content (nor write one), so no filter driver
/// can run and listing the drivers (one more process) is not needed. Anything else is
/// assumed to read the work tree.
fn reads_no_work_tree_file(args: &[&str]) -> bool {
    match args.first() {
        Some(&("rev-parse" | "merge-base")) => true,
        Some(&"cat-file") => !args
            .iter()
            .any(|a| a.starts_with("--filters") || a.starts_with("--textconv")),
        _ => false,
    }
}

/// `git` with the environment, options and overrides every call gets (module doc).
fn hardened(trusted: Trusted, dir: &Path) -> Command {
    let mut cmd = trust::command(trusted, "git");
    cmd.env_clear();
    for name in ALLOWED_ENV {
        if let Some(value) = std::env::var_os(name) {
            cmd.env(name, value);
        }
    }
    cmd.envs(FIXED_ENV.iter().copied());
    cmd.arg("--no-pager")
        .arg("--literal-pathspecs")
        .arg("-C")
        .arg(dir);
    for o in OVERRIDES {
        cmd.arg("-c").arg(o);
    }
    cmd
}

/// The names of the filter drivers the config seen from `dir` gives a program
/// (`filter.<name>.clean`, `.smudge`, `.process`), includes followed.
fn filter_drivers(trusted: Trusted, dir: &Path) -> Result<Vec<String>, GitError> {
    const KEYS: &str = r"^filter\..+\.(clean|smudge|process)$";
    let mut cmd = hardened(trusted, dir);
    cmd.args(["config", "--null", "--get-regexp", KEYS]);
    let out = run(cmd, &["config", "--get-regexp", KEYS], None)?;
    match out.code {
        Some(0) => {}
        // No such key.
        Some(1) => return Ok(Vec::new()),
        _ => return Err(GitError::Failed(out.stderr_text())),
    }
    let mut names = Vec::new();
    // `--null`: `<key>\n<value>\0` per entry.
    for entry in out.stdout.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let key = entry.split(|b| *b == b'\n').next().unwrap_or_default();
        let name = std::str::from_utf8(key)
            .ok()
            .and_then(|k| k.strip_prefix("filter."))
            .and_then(|k| k.rsplit_once('.'))
            .map(|(name, _)| name.to_string());
        // `-c` splits at the first `=`, and a name that is not UTF-8 would not be spelt the
        // same: such a filter cannot be switched off, so git does not run at all.
        let Some(name) = name.filter(|n| !n.contains('=')) else {
            return Err(GitError::Failed(format!(
                "the repository's config names a filter (`{}`) that cannot be switched off; \
                 git was not run",
                crate::quote::for_log(&String::from_utf8_lossy(key))
            )));
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(names)
}

fn run(mut cmd: Command, args: &[&str], stdin: Option<&[u8]>) -> Result<Output, GitError> {
    cmd.stdin(if stdin.is_some() {
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
    let status = match wait(&mut child) {
        Ok(Some(s)) => s,
        Ok(None) => return Err(GitError::TimedOut(format!("git {}", args.join(" ")))),
        Err(e) => return Err(GitError::Io(e)),
    };
    Ok(Output {
        success: status.success(),
        code: status.code(),
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
fn wait(child: &mut Child) -> std::io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + TIMEOUT;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
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
