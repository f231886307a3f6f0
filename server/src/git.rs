//! The base revision of a file, for the `source-synth-change` rule: what the file was at the
//! base commit (`HEAD`, or the merge-base of `HEAD` and a configured revision such as
//! `origin/main`), and which other files changed since (committed, staged, unstaged and
//! untracked, not ignored). Uses the real `git` CLI: every call is an argument vector (never a
//! shell string), runs with `-C <repo>` and with every program the repository could name
//! switched off (`run.rs`), and is killed when it outlives [`TIMEOUT`]. Starts processes, so it
//! is never called on the typing path.

mod run;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

pub use run::{GitError, TIMEOUT};

use crate::trust::Trusted;

/// Why there is nothing to compare against. None of these is an error: the rule says nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoBase {
    /// `git` is not on PATH.
    NoGit,
    /// The file is not inside a git work tree.
    NotInRepo,
    /// The repository has no commit yet.
    NoCommits,
    /// The base revision is not in this clone. `shallow`: the clone is shallow, which is the
    /// usual reason in CI.
    BaseMissing { rev: String, shallow: bool },
    /// The base revision and `HEAD` share no history (or a shallow clone cut it off).
    NoMergeBase { rev: String, shallow: bool },
    /// The file did not exist at the base: a new file has nothing to compare against.
    NewFile,
}

impl NoBase {
    /// One line for a person: why the change rule did not run.
    pub fn describe(&self) -> String {
        match self {
            NoBase::NoGit => "git is not installed (not on PATH)".into(),
            NoBase::NotInRepo => "not in a git repository".into(),
            NoBase::NoCommits => "the repository has no commits yet".into(),
            NoBase::BaseMissing { rev, shallow: true } => format!(
                "`{rev}` is not in this shallow clone; fetch it (e.g. `fetch-depth: 0` in \
                 actions/checkout, or `git fetch --unshallow`)"
            ),
            NoBase::BaseMissing {
                rev,
                shallow: false,
            } => {
                format!("`{rev}` is not a revision of this repository")
            }
            NoBase::NoMergeBase { rev, shallow: true } => format!(
                "`{rev}` and HEAD have no common commit in this shallow clone; fetch more \
                 history (e.g. `git fetch --unshallow`)"
            ),
            NoBase::NoMergeBase {
                rev,
                shallow: false,
            } => {
                format!("`{rev}` and HEAD have no common history")
            }
            NoBase::NewFile => "the file is new since the base".into(),
        }
    }
}

/// How a path changed since the base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    /// Renamed (possibly also edited); `from` is the path at the base, relative to the
    /// repository root.
    Renamed {
        from: PathBuf,
    },
    /// Not tracked and not ignored.
    Untracked,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Relative to the repository root.
    pub path: PathBuf,
    pub kind: ChangeKind,
}

/// A git work tree.
#[derive(Clone, Debug)]
pub struct Repo {
    /// The work tree's root as git reports it (symlinks resolved).
    pub root: PathBuf,
    /// Git runs only in a trusted workspace.
    trusted: Trusted,
}

/// The base commit a comparison is made against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base {
    /// The revision asked for (`HEAD`, `origin/main`).
    pub rev: String,
    /// The commit compared against: `HEAD`'s, or the merge-base of `HEAD` and `rev`.
    pub commit: String,
}

/// What the rule compares: the file's text at the base and every other change since.
#[derive(Clone, Debug)]
pub struct FileBase {
    pub repo: Repo,
    pub base: Base,
    /// The file's path at the base, relative to the repository root (differs from today's when
    /// the file was renamed).
    pub base_path: PathBuf,
    pub base_text: Arc<str>,
    /// Every other change since the base (the file itself and its old path excluded).
    pub changes: Vec<Change>,
}

/// `Err` only for what is worth telling someone: git failing unexpectedly or timing out.
pub type Lookup = Result<Result<FileBase, NoBase>, GitError>;

/// The base version of `file` for `rev` (`HEAD` when `None`), and the other changes since.
pub fn file_base(file: &Path, rev: Option<&str>, trusted: Trusted) -> Lookup {
    let rev = rev.unwrap_or("HEAD");
    let repo = match Repo::discover(file, trusted)? {
        Ok(r) => r,
        Err(why) => return Ok(Err(why)),
    };
    let base = match repo.resolve_base(rev)? {
        Ok(b) => b,
        Err(why) => return Ok(Err(why)),
    };
    let Some(rel) = repo.relative(file) else {
        return Ok(Err(NoBase::NotInRepo));
    };
    let mut changes = repo.changes(&base.commit)?;
    let own = changes.iter().position(|c| c.path == rel);
    let base_path = match own.map(|i| changes.remove(i).kind) {
        Some(ChangeKind::Added | ChangeKind::Untracked) => return Ok(Err(NoBase::NewFile)),
        Some(ChangeKind::Renamed { from }) => from,
        Some(ChangeKind::Modified | ChangeKind::Deleted) | None => rel,
    };
    let Some(base_text) = repo.blob(&base.commit, &base_path)? else {
        return Ok(Err(NoBase::NewFile));
    };
    Ok(Ok(FileBase {
        repo,
        base,
        base_path,
        base_text,
        changes,
    }))
}

impl Repo {
    /// The work tree holding `path` (a file that need not exist yet, or a folder).
    pub fn discover(path: &Path, trusted: Trusted) -> Result<Result<Repo, NoBase>, GitError> {
        let dir = if path.is_dir() {
            path
        } else {
            match path.parent() {
                Some(p) if p.as_os_str().is_empty() => Path::new("."),
                Some(p) => p,
                None => return Ok(Err(NoBase::NotInRepo)),
            }
        };
        if !dir.is_dir() {
            return Ok(Err(NoBase::NotInRepo));
        }
        let out = match run::git(trusted, dir, &["rev-parse", "--show-toplevel"], None) {
            Ok(o) => o,
            Err(GitError::NotInstalled) => return Ok(Err(NoBase::NoGit)),
            Err(e) => return Err(e),
        };
        if !out.success {
            // "not a git repository", or inside `.git` itself ("must be run in a work tree").
            return Ok(Err(NoBase::NotInRepo));
        }
        let root = out.stdout_line();
        if root.is_empty() {
            return Ok(Err(NoBase::NotInRepo));
        }
        Ok(Ok(Repo {
            root: PathBuf::from(root),
            trusted,
        }))
    }

    /// `path` relative to the work tree root, comparing resolved paths (a symlinked temp
    /// folder, a relative path from the CLI).
    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        let name = path.file_name()?;
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let dir = parent.canonicalize().ok()?;
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        Some(dir.strip_prefix(&root).ok()?.join(name))
    }

    fn git(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<run::Output, GitError> {
        run::git(self.trusted, &self.root, args, stdin)
    }

    /// The commit HEAD is at; `None` without commits (or when git fails).
    pub fn head(&self) -> Option<String> {
        let out = self
            .git(&["rev-parse", "-q", "--verify", "HEAD^{commit}"], None)
            .ok()?;
        let line = out.stdout_line();
        (out.success && !line.is_empty()).then_some(line)
    }

    /// Whether some remote-tracking branch contains `commit` (a hex commit id); `None` when
    /// git cannot say.
    pub fn on_remote_branch(&self, commit: &str) -> Option<bool> {
        if !is_commit_id(commit) {
            return None;
        }
        let out = self
            .git(
                &["branch", "-r", "--format=%(refname)", "--contains", commit],
                None,
            )
            .ok()?;
        out.success
            .then(|| !String::from_utf8_lossy(&out.stdout).trim().is_empty())
    }

    /// The last commit that changed `path` (relative to the root), up to HEAD.
    pub fn last_commit_of(&self, path: &Path) -> Option<String> {
        let path = path.to_str()?;
        let out = self
            .git(&["log", "-1", "--format=%H", "HEAD", "--", path], None)
            .ok()?;
        let line = out.stdout_line();
        (out.success && is_commit_id(&line)).then_some(line)
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors (both hex commit ids);
    /// `None` when git cannot say (a commit this clone does not have).
    pub fn is_ancestor(&self, ancestor: &str, descendant: &str) -> Option<bool> {
        if !is_commit_id(ancestor) || !is_commit_id(descendant) {
            return None;
        }
        let out = self
            .git(&["merge-base", "--is-ancestor", ancestor, descendant], None)
            .ok()?;
        match out.code {
            Some(0) => Some(true),
            Some(1) => Some(false),
            _ => None,
        }
    }

    /// The author's name and the subject of `commit` (a hex commit id), when this clone has it.
    pub fn commit_author(&self, commit: &str) -> Option<(String, String)> {
        if !is_commit_id(commit) {
            return None;
        }
        let rev = format!("{commit}^{{commit}}");
        let out = self
            .git(
                &["log", "-1", "--no-walk", "--format=%an%x00%s", &rev, "--"],
                None,
            )
            .ok()?;
        if !out.success {
            return None;
        }
        let line = out.stdout_line();
        let (author, subject) = line.split_once('\0')?;
        Some((author.to_string(), subject.to_string()))
    }

    pub fn is_shallow(&self) -> Result<bool, GitError> {
        let out = self.git(&["rev-parse", "--is-shallow-repository"], None)?;
        Ok(out.success && out.stdout_line() == "true")
    }

    /// The commit to compare against: `HEAD` itself, or for any other revision the merge-base
    /// of `HEAD` and it, so a branch is compared with where it left `origin/main`.
    pub fn resolve_base(&self, rev: &str) -> Result<Result<Base, NoBase>, GitError> {
        if rev.starts_with('-') || rev.is_empty() || rev.contains('\0') {
            return Ok(Err(NoBase::BaseMissing {
                rev: rev.to_string(),
                shallow: false,
            }));
        }
        let head = self.git(&["rev-parse", "-q", "--verify", "HEAD^{commit}"], None)?;
        if !head.success {
            return Ok(Err(NoBase::NoCommits));
        }
        let commit = if rev == "HEAD" {
            head.stdout_line()
        } else {
            let mb = self.git(&["merge-base", "HEAD", rev], None)?;
            if mb.success {
                mb.stdout_line()
            } else {
                let exists = self.git(
                    &["rev-parse", "-q", "--verify", &format!("{rev}^{{commit}}")],
                    None,
                )?;
                let shallow = self.is_shallow()?;
                let rev = rev.to_string();
                return Ok(Err(if exists.success {
                    NoBase::NoMergeBase { rev, shallow }
                } else {
                    NoBase::BaseMissing { rev, shallow }
                }));
            }
        };
        Ok(Ok(Base {
            rev: rev.to_string(),
            commit,
        }))
    }

    /// Everything that differs from `commit` in the work tree: committed since, staged,
    /// unstaged (one `git diff <commit>`, with rename detection) and untracked files that are
    /// not ignored.
    pub fn changes(&self, commit: &str) -> Result<Vec<Change>, GitError> {
        let diff = self.git(
            &[
                // `run` adds `--no-ext-diff --no-textconv --ignore-submodules=dirty`.
                "diff",
                "--no-color",
                "--name-status",
                "-z",
                "--find-renames",
                commit,
                "--",
            ],
            None,
        )?;
        if !diff.success {
            return Err(GitError::Failed(diff.stderr_text()));
        }
        let mut out = parse_name_status(&diff.stdout);
        let untracked = self.git(&["ls-files", "-z", "--others", "--exclude-standard"], None)?;
        if !untracked.success {
            return Err(GitError::Failed(untracked.stderr_text()));
        }
        for p in untracked
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
        {
            out.push(Change {
                path: PathBuf::from(String::from_utf8_lossy(p).into_owned()),
                kind: ChangeKind::Untracked,
            });
        }
        Ok(out)
    }

    /// The text of `path` (relative to the root) at `commit`; `None` when it is not a file
    /// there. Cached per (repository, commit, path): a commit never changes.
    pub fn blob(&self, commit: &str, path: &Path) -> Result<Option<Arc<str>>, GitError> {
        let key = (self.root.clone(), commit.to_string(), path.to_path_buf());
        if let Some(hit) = blob_cache().lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(hit);
        }
        let spec = path.to_string_lossy().replace('\\', "/");
        if spec.contains('\n') {
            return Ok(None);
        }
        let request = format!("{commit}:{spec}\n");
        let out = self.git(&["cat-file", "--batch"], Some(request.as_bytes()))?;
        if !out.success {
            return Err(GitError::Failed(out.stderr_text()));
        }
        let text = parse_batch_blob(&out.stdout);
        if let Ok(mut cache) = blob_cache().lock() {
            if cache.len() >= MAX_CACHED_BLOBS {
                cache.clear();
            }
            cache.insert(key, text.clone());
        }
        Ok(text)
    }
}

const MAX_CACHED_BLOBS: usize = 512;

type BlobKey = (PathBuf, String, PathBuf);

/// A commit id as CodePipeline reports a git source's revision: 7 to 64 hex digits (never an
/// option or a revision expression).
pub fn is_commit_id(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn blob_cache() -> &'static Mutex<HashMap<BlobKey, Option<Arc<str>>>> {
    static CACHE: OnceLock<Mutex<HashMap<BlobKey, Option<Arc<str>>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// `git cat-file --batch` answers `<oid> blob <size>\n<bytes>\n`, or `<name> missing\n`.
fn parse_batch_blob(out: &[u8]) -> Option<Arc<str>> {
    let nl = out.iter().position(|b| *b == b'\n')?;
    let header = String::from_utf8_lossy(&out[..nl]);
    let mut parts = header.split(' ');
    let (_, kind, size) = (parts.next()?, parts.next()?, parts.next()?);
    if kind != "blob" {
        return None;
    }
    let size: usize = size.parse().ok()?;
    let body = out.get(nl + 1..nl + 1 + size)?;
    Some(String::from_utf8_lossy(body).into())
}

/// `git diff --name-status -z`: `M\0path\0`, `R087\0old\0new\0`, …
fn parse_name_status(out: &[u8]) -> Vec<Change> {
    let mut fields = out
        .split(|b| *b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut changes = Vec::new();
    while let Some(status) = fields.next() {
        let Some(letter) = status.chars().next() else {
            continue;
        };
        let Some(path) = fields.next() else { break };
        let kind = match letter {
            'A' => ChangeKind::Added,
            'D' => ChangeKind::Deleted,
            'R' | 'C' => {
                let Some(new) = fields.next() else { break };
                let from = PathBuf::from(path);
                let kind = if letter == 'R' {
                    ChangeKind::Renamed { from }
                } else {
                    ChangeKind::Added
                };
                changes.push(Change {
                    path: PathBuf::from(new),
                    kind,
                });
                continue;
            }
            _ => ChangeKind::Modified,
        };
        changes.push(Change {
            path: PathBuf::from(path),
            kind,
        });
    }
    changes
}

/// The changes as absolute paths under `scope` (the app root), given in the same form as
/// `scope` itself (relative stays relative, so the CLI prints what the user typed).
pub fn changes_under(repo: &Repo, changes: &[Change], scope: &Path) -> Vec<PathBuf> {
    let Ok(scope_abs) = scope.canonicalize() else {
        return Vec::new();
    };
    let root = repo
        .root
        .canonicalize()
        .unwrap_or_else(|_| repo.root.clone());
    let mut out: Vec<PathBuf> = changes
        .iter()
        .filter_map(|c| {
            let abs = root.join(&c.path);
            let rel = abs.strip_prefix(&scope_abs).ok()?;
            Some(scope.join(rel))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_status_parses_renames_and_odd_names() {
        let out = b"M\0a b.py\0R087\0old/p.py\0new/p.py\0A\0n\xc3\xa9.ts\0D\0gone.py\0";
        let c = parse_name_status(out);
        assert_eq!(c.len(), 4);
        assert_eq!(c[0].path, PathBuf::from("a b.py"));
        assert_eq!(c[0].kind, ChangeKind::Modified);
        assert_eq!(
            c[1].kind,
            ChangeKind::Renamed {
                from: PathBuf::from("old/p.py")
            }
        );
        assert_eq!(c[1].path, PathBuf::from("new/p.py"));
        assert_eq!(c[2].path, PathBuf::from("né.ts"));
        assert_eq!(c[3].kind, ChangeKind::Deleted);
    }

    #[test]
    fn batch_output_is_a_blob_or_nothing() {
        let t = parse_batch_blob(b"abc123 blob 5\nx\ny\nz\n").unwrap();
        assert_eq!(&*t, "x\ny\nz");
        assert!(parse_batch_blob(b"abc:p.py missing\n").is_none());
        assert!(parse_batch_blob(b"abc123 tree 10\n0123456789\n").is_none());
    }
}
