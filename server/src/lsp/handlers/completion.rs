//! `textDocument/completion`: accounts, regions, steps, sources and stage snippets.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;

use crate::ide::completion::{complete, Ctx};
use crate::lsp::snapshot::DocumentSnapshot;
use crate::lsp::{from_proto, to_proto};

pub fn handle(s: &DocumentSnapshot, p: CompletionParams) -> Result<Option<CompletionResponse>> {
    let pos = p.text_document_position;
    let (rope, plugin, enc) = (&s.rope, s.plugin, s.encoding);
    let text = rope.to_string();
    let offset = from_proto::offset(rope, pos.position, enc);
    let mut accounts = s.accounts.clone();
    // Accounts and regions already used anywhere in the open workspace.
    let mut used_regions: Vec<String> = Vec::new();
    for other in &s.workspace {
        for pl in &other.analysis.model.pipelines {
            for env in pl
                .env
                .env()
                .into_iter()
                .chain(pl.stages.iter().filter_map(|s| s.env.env()))
            {
                if let Some(a) = env.account.value() {
                    accounts.add(a, "used in workspace".into());
                }
                if let Some(r) = env.region.value() {
                    if !used_regions.contains(r) {
                        used_regions.push(r.clone());
                    }
                }
            }
        }
    }
    let (imports, stage_classes) = match &s.analysis {
        Some(s) => (s.imports.clone(), s.stage_classes.clone()),
        None => (Vec::new(), Vec::new()),
    };
    let ctx = Ctx {
        text: &text,
        offset,
        plugin,
        imports: &imports,
        accounts: &accounts,
        used_regions: &used_regions,
        stage_classes: &stage_classes,
    };
    let items = complete(&ctx);
    if items.is_empty() {
        return Ok(None);
    }
    let items = items
        .iter()
        .map(|i| to_proto::completion_item(rope, i, enc))
        .collect();
    Ok(Some(CompletionResponse::List(CompletionList {
        is_incomplete: false,
        items,
    })))
}
