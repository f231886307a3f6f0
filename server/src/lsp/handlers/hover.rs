//! `textDocument/hover`: accounts, regions, stages and waves, step classes; the bootstrap state
//! of a stage's envs when the bootstrap check is on.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;

use crate::ide::hover::{hover, Probed};
use crate::lsp::snapshot::DocumentSnapshot;
use crate::lsp::{from_proto, to_proto};

pub fn handle(s: &DocumentSnapshot, p: HoverParams) -> Result<Option<Hover>> {
    let pos = p.text_document_position_params;
    let Some(snap) = s.analysis.as_deref() else {
        return Ok(None);
    };
    let enc = s.encoding;
    // Hover reads the analysed text; an offset past a newer edit is clamped into it.
    let offset = from_proto::offset(&snap.rope, pos.position, enc);
    let observations = s.observed();
    let checked = s.observed_at();
    let probed = s.bootstrap_check().then(|| Probed {
        qualifier: &snap.qualifier,
        observations: &observations,
        checked: &checked,
    });
    let Some(h) = hover(
        &snap.text,
        offset,
        &snap.analysis.model,
        &s.accounts,
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
