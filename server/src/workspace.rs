//! The CDK app around a file: its `cdk.json` (root and context), a cross-file index of the
//! classes and instantiations in its source files, and the settings (`pipelens.toml`).

pub mod cdk_version;
mod index;
pub mod settings;

use std::path::{Path, PathBuf};

pub use index::Index;
pub use settings::Settings;

/// The largest source file pipelens reads (`check`) or analyses (an open document): no pipeline
/// definition is this big, and its parse would take seconds and some hundred times its size.
pub const MAX_SOURCE_BYTES: u64 = 32 * 1024 * 1024;

/// Reads a file of the workspace (or one a synth wrote), at most `limit` bytes. Only a regular
/// file is read: a FIFO, socket or device given a source's or a setting's name (`pipelens.toml`,
/// `app.py`, a query `.scm`) is an error at once, never a read that waits for a writer. The open
/// does not wait either (`O_NONBLOCK`, which changes nothing for a regular file), and the type
/// and size are those of the opened file, so nothing can be swapped in between a check and the
/// read.
pub fn read_file(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file (a FIFO, socket or device is never read)"
        };
        return Err(Error::new(ErrorKind::InvalidInput, what));
    }
    if meta.len() > limit {
        return Err(Error::new(
            ErrorKind::InvalidData,
            format!(
                "{} bytes; pipelens reads such files up to {} bytes",
                meta.len(),
                limit
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // `take`: a file that grows while it is read still stops at the limit.
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `read_file` as text, invalid UTF-8 read as U+FFFD.
pub fn read_text_lossy(path: &Path, limit: u64) -> std::io::Result<String> {
    let bytes = read_file(path, limit)?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Why a file named like source is not code anyone wrote by hand, from its name and its first
/// 64 KiB: a binary (a NUL byte, or many bytes that are not UTF-8), a minified or bundled file
/// (`.min.js`, a line of over 5,000 characters, lines of 500 on average). Such files hold no
/// pipeline: the index skips them, and says so once.
pub fn not_source(path: &Path, text: &str) -> Option<&'static str> {
    if let Some(why) = not_checkable(path, text) {
        return Some(why);
    }
    let head = head(text);
    let lines = head.lines().count().max(1);
    if head.lines().any(|l| l.len() > 5_000) || (head.len() > 16 * 1024 && head.len() / lines > 500)
    {
        return Some("minified or bundled");
    }
    None
}

/// What `check` does not check even when asked to: a binary, or a file named as a bundle
/// (`.min.js`, `.bundle.js`). A file of long lines is checked (hand-written code can nest
/// deep on one line; parsing it is linear), though the index skips it.
pub fn not_checkable(path: &Path, text: &str) -> Option<&'static str> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if [".min.js", ".min.mjs", ".min.cjs", ".bundle.js", ".chunk.js"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        return Some("minified or bundled");
    }
    let head = head(text);
    if head.contains('\0') || head.matches('\u{FFFD}').count() > 16 {
        return Some("binary");
    }
    None
}

/// A text's first 64 KiB (at a character boundary).
fn head(text: &str) -> &str {
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The nearest folder at or above `path` that holds a `cdk.json`.
pub fn app_root(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() { path } else { path.parent()? };
    start
        .ancestors()
        .find(|d| d.join("cdk.json").is_file())
        .map(Path::to_path_buf)
}

/// Folders that never hold an app's own source.
pub const SKIP_DIRS: &[&str] = &[
    "node_modules",
    "cdk.out",
    ".git",
    ".venv",
    "venv",
    "env",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    "dist",
    "build",
    ".tox",
    "site-packages",
];

/// Source files of the languages pipelens knows, under `dir`, skipping vendored and generated
/// folders; at most `limit` files, sorted.
pub fn source_files(dir: &Path, limit: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    // Breadth first: an app's own folders (`lib/`, `bin/`, the entry's package) sit near its
    // root, and a big unrelated folder deep below it does not fill the limit before them.
    let mut stack = std::collections::VecDeque::from([dir.to_path_buf()]);
    while let Some(d) = stack.pop_front() {
        // The current folder as `""` (the root of a relative path such as `lib/stack.ts`):
        // its files keep paths relative like the one given.
        let readable = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d.as_path()
        };
        let Ok(entries) = std::fs::read_dir(readable) else {
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = d.join(e.file_name());
            let name = e.file_name();
            let name = name.to_string_lossy();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if !SKIP_DIRS.contains(&name.as_ref()) && !name.starts_with('.') {
                    stack.push_back(path);
                }
            } else if ft.is_file()
                && crate::lang::for_path(&path).is_some()
                && !name.ends_with(".d.ts")
            {
                out.push(path);
                if out.len() >= limit {
                    out.sort();
                    return out;
                }
            }
        }
    }
    out.sort();
    out
}

/// The CDK apps under `dir` (folders holding a `cdk.json`), or the app `dir` belongs to.
pub fn find_apps(dir: &Path) -> Vec<PathBuf> {
    let mut apps = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d.join("cdk.json").is_file() {
            apps.push(d);
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if e.file_type().is_ok_and(|t| t.is_dir())
                && !SKIP_DIRS.contains(&name.as_ref())
                && !name.starts_with('.')
            {
                stack.push(e.path());
            }
        }
    }
    if apps.is_empty() {
        if let Some(root) = app_root(dir) {
            apps.push(root);
        }
    }
    apps.sort();
    apps
}
