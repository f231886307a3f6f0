//! `textDocument/inlayHint`: the CodePipeline stage each `add_stage` / `add_wave` becomes.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;

use crate::lsp::snapshot::DocumentSnapshot;
use crate::lsp::{from_proto, to_proto};

pub fn handle(s: &DocumentSnapshot, p: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    let (rope, enc) = (&s.rope, s.encoding);
    let Some(snap) = s.analysis.as_deref() else {
        return Ok(None);
    };
    if snap.rope != *rope {
        return Ok(None); // offsets of older text; the refresh after analysis brings new ones
    }
    let range = from_proto::range(rope, p.range, enc);
    let view = crate::lsp::synth::views(s.synth.as_ref(), &s.uri, snap);
    let hints = crate::ide::stages::hints(&snap.analysis.model, &view.stages, &|i, stage| {
        view.origin_of(i, stage)
    });
    let out = hints
        .into_iter()
        .filter(|h| h.offset >= range.start && h.offset <= range.end)
        // Cancelled: the answer is dropped, so stop making it.
        .take_while(|_| !crate::cancel::requested())
        .map(|h| InlayHint {
            position: to_proto::position(rope, h.offset, enc),
            label: InlayHintLabel::String(format!("⟶ {}", h.label)),
            kind: None,
            text_edits: None,
            tooltip: Some(InlayHintTooltip::String(h.tooltip)),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect();
    Ok(Some(out))
}
