//! `pipelens model FILE --format json`.

use std::io::Write;

use anyhow::Result;

use super::sources::{index_for, plugin_for, read_text, settings_for};
use super::{ModelArgs, EXIT_OK};
use crate::analysis::analyze_text;
use crate::workspace;

pub fn run(args: ModelArgs, out: &mut dyn Write) -> Result<i32> {
    let path = &args.file;
    let plugin = plugin_for(path)?;
    let text = read_text(path)?;
    let (_, extra) = settings_for(path);
    let root = workspace::app_root(path);
    let index = index_for(root.as_deref());
    let analysis = analyze_text(plugin, &text, Some(path), &index, &extra);
    if !analysis.model.syntax_errors.is_empty() {
        super::note(&format!(
            "{}: {} syntax error(s); the rest of the file was still read",
            path.display(),
            analysis.model.syntax_errors.len()
        ));
    }
    let json = crate::model::json::file_model(&analysis.model);
    let doc = serde_json::to_string_pretty(&json)?;
    writeln!(out, "{}", crate::quote::json_for_log(doc))?;
    Ok(EXIT_OK)
}
