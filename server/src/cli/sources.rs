//! Reading the files the CLI is asked about, and the app index around them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};

use crate::lang::{self, ExtraQueries, Plugin};
use crate::workspace::{self, Index, Settings};

/// Larger files are refused with a message.
const MAX_FILE_BYTES: u64 = workspace::MAX_SOURCE_BYTES;

/// A file's text, with invalid UTF-8 replaced (and said so once).
pub fn read_text(path: &Path) -> Result<String> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        bail!("{} is a folder, not a file", path.display());
    }
    if meta.len() > MAX_FILE_BYTES {
        bail!(
            "{} is {} MB; pipelens reads files up to {} MB",
            path.display(),
            meta.len() >> 20,
            MAX_FILE_BYTES >> 20
        );
    }
    let bytes = workspace::read_file(path, MAX_FILE_BYTES)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            super::note(&format!(
                "{}: not valid UTF-8 (first bad byte at offset {}); invalid bytes are read as \
                 U+FFFD",
                path.display(),
                e.utf8_error().valid_up_to()
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    })
}

pub fn plugin_for(path: &Path) -> Result<&'static Plugin> {
    lang::for_path(path).with_context(|| {
        format!(
            "{}: not a Python, TypeScript or JavaScript file (.py, .ts, .js, .mjs, .cjs)",
            path.display()
        )
    })
}

/// Settings and extra queries of the workspace a path is in (`pipelens.toml` at the app root
/// or any folder above it).
pub fn settings_for(path: &Path) -> (Settings, ExtraQueries) {
    let start = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let root = start
        .ancestors()
        .find(|d| d.join(workspace::settings::FILE_NAME).is_file())
        .map(Path::to_path_buf);
    let Some(root) = root else {
        return (Settings::default(), ExtraQueries::default());
    };
    let (settings, problems) = Settings::from_workspace(&root);
    for p in problems {
        super::note_once(&p);
    }
    let (extra, errors) = ExtraQueries::load(&settings.query_path);
    for e in errors {
        super::note_once(&e);
    }
    (settings, extra)
}

/// The index of the app a file belongs to, when it has a cdk.json.
pub fn index_for(app_root: Option<&Path>) -> Index {
    match app_root {
        Some(root) => {
            let index = Index::build(root, &HashMap::<PathBuf, Arc<str>>::new());
            for w in &index.warnings {
                super::note(&w.to_string());
            }
            index
        }
        None => Index::default(),
    }
}
