//! The CDK app around a file: its `cdk.json` (root and context), a cross-file index of the
//! classes and instantiations in its source files, and the settings (`pipelens.toml`).

mod index;
pub mod settings;

use std::path::{Path, PathBuf};

pub use index::Index;
pub use settings::Settings;

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
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let name = e.file_name();
            let name = name.to_string_lossy();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if !SKIP_DIRS.contains(&name.as_ref()) && !name.starts_with('.') {
                    stack.push(path);
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
