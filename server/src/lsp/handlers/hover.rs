//! `textDocument/hover`: accounts, regions, stages and waves, step classes; the bootstrap state
//! of a stage's envs when the bootstrap check is on.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;

use crate::ide::hover::{hover, Probed};
use crate::lsp::{from_proto, to_proto, Backend};

pub fn handle(b: &Backend, p: HoverParams) -> Result<Option<Hover>> {
    let pos = p.text_document_position_params;
    let (rope, _, snap) = super::current(&b.state, &pos.text_document.uri)?;
    let Some(snap) = snap else { return Ok(None) };
    let enc = b.state.encoding();
    let accounts = b
        .state
        .config
        .read()
        .map(|c| c.accounts.clone())
        .unwrap_or_default();
    // Hover reads the analysed text; an offset past a newer edit is clamped into it.
    let offset = from_proto::offset(&snap.rope, pos.position, enc);
    let _ = rope;
    let observations = b.state.observations();
    let checked = b.state.observed_at();
    let probed = b.state.prober().is_some().then(|| Probed {
        qualifier: &snap.qualifier,
        observations: &observations,
        checked: &checked,
    });
    let Some(h) = hover(
        &snap.text,
        offset,
        &snap.analysis.model,
        &accounts,
        probed.as_ref(),
    ) else {
        return Ok(None);
    };
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(to_proto::range(&snap.rope, h.range, enc)),
    }))
}
