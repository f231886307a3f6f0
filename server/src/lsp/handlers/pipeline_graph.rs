//! `pipelens/pipelineGraph`: the `preview --format json` answer for one document (plus, as an
//! extension, the SVG picture under `svg`).

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::lsp_types::Uri;
use tower_lsp_server::UriExt;

use crate::lsp::Backend;
use crate::predict::{self, json::Origin};

pub fn handle(b: &Backend, params: Value) -> Result<Value> {
    let uri: Uri = params
        .get("textDocument")
        .and_then(|t| t.get("uri"))
        .and_then(|u| u.as_str())
        .and_then(|u| u.parse().ok())
        .ok_or_else(|| jsonrpc::Error::invalid_params("expected { textDocument: { uri } }"))?;
    let (_, _, snap) = super::current(&b.state, &uri)?;
    let Some(snap) = snap else {
        return Ok(json!({ "pipelines": [] }));
    };
    let file = uri
        .to_file_path()
        .map(|p| p.into_owned())
        .unwrap_or_default();
    let model = &snap.analysis.model;
    let pipelines: Vec<Value> = model
        .pipelines
        .iter()
        .zip(&snap.predictions)
        .map(|(p, pr)| predict::json::pipeline(p, &file, pr, Origin::Predicted))
        .collect();
    let pictures: Vec<_> = model
        .pipelines
        .iter()
        .zip(&snap.predictions)
        .map(|(p, pr)| {
            let title = p.id.clone().unwrap_or_else(|| "pipeline".into());
            predict::svg::render(
                &title,
                &format!("{} · predicted by pipelens", file.display()),
                pr,
            )
        })
        .collect();
    let svg = (!pictures.is_empty()).then(|| predict::svg::document(&pictures));
    Ok(json!({ "pipelines": pipelines, "svg": svg }))
}
