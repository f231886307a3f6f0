//! `textDocument/codeAction`: quick fixes for the static rules.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;

use crate::lsp::{from_proto, to_proto, Backend};

pub fn handle(b: &Backend, p: CodeActionParams) -> Result<Option<CodeActionResponse>> {
    let uri = p.text_document.uri;
    let (rope, plugin, snap) = super::current(&b.state, &uri)?;
    let Some(snap) = snap else { return Ok(None) };
    if snap.rope != rope {
        return Ok(None); // the analysis is of older text; its edits would land in the wrong place
    }
    let enc = b.state.encoding();
    let range = from_proto::range(&rope, p.range, enc);
    let diags = &snap.analysis.diagnostics;
    let actions = crate::ide::actions::actions(&snap.text, plugin, diags, range);
    let out: Vec<CodeActionOrCommand> = actions
        .into_iter()
        .map(|a| {
            let d = &diags[a.diagnostic];
            let diagnostic = to_proto::diagnostic(&rope, d, enc, &uri, |_| None);
            CodeActionOrCommand::CodeAction(CodeAction {
                title: a.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                edit: Some(to_proto::workspace_edit(&uri, &rope, &a.edits, enc)),
                is_preferred: Some(a.preferred),
                ..Default::default()
            })
        })
        .collect();
    Ok((!out.is_empty()).then_some(out))
}
