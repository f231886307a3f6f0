//! `textDocument/completion`: accounts, regions, steps, sources and stage snippets.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;

use crate::ide::completion::{complete, Ctx};
use crate::lsp::{from_proto, to_proto, Backend};

pub fn handle(b: &Backend, p: CompletionParams) -> Result<Option<CompletionResponse>> {
    let pos = p.text_document_position;
    let (rope, plugin, snap) = super::current(&b.state, &pos.text_document.uri)?;
    let enc = b.state.encoding();
    let text = rope.to_string();
    let offset = from_proto::offset(&rope, pos.position, enc);
    let (mut accounts, _) = match b.state.config.read() {
        Ok(c) => (c.accounts.clone(), ()),
        Err(_) => return Ok(None),
    };
    // Accounts and regions already used anywhere in the open workspace.
    let mut used_regions: Vec<String> = Vec::new();
    if let Ok(docs) = b.state.docs.lock() {
        for d in docs.values() {
            let Some(s) = &d.snapshot else { continue };
            for pl in &s.analysis.model.pipelines {
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
    }
    let (imports, stage_classes) = match &snap {
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
        .map(|i| to_proto::completion_item(&rope, i, enc))
        .collect();
    Ok(Some(CompletionResponse::List(CompletionList {
        is_incomplete: false,
        items,
    })))
}
