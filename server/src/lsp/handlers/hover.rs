//! `textDocument/hover`: accounts, regions, stages and waves, step classes; the bootstrap state
//! of a stage's envs when the bootstrap check is on; in a trusted workspace, the deployed state
//! of the stage under the cursor (`lsp::live`).

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
    let h = hover(
        &snap.text,
        offset,
        &snap.analysis.model,
        &s.accounts,
        probed.as_ref(),
    );
    let live = live(s, snap, offset);
    let (markdown, range) = match (h, live) {
        (None, None) => return Ok(None),
        (Some(h), None) => (h.markdown, h.range),
        (None, Some((md, range))) => (md, range),
        (Some(h), Some((md, _))) => (format!("{}\n\n{md}", h.markdown), h.range),
    };
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(to_proto::range(&snap.rope, range, enc)),
    }))
}

/// The deployed state of the stage whose code is at `offset` (the innermost predicted stage
/// there), in a trusted workspace where its pipeline was read.
fn live(
    s: &DocumentSnapshot,
    snap: &crate::lsp::state::Snapshot,
    offset: usize,
) -> Option<(String, crate::ide::ByteRange)> {
    if !s.trusted || s.live.is_empty() {
        return None;
    }
    let predictions = snap.predictions();
    let at = crate::live::now();
    for (i, locator) in crate::lsp::live::locators_of(snap) {
        let Some(entry) = s.live.get(&locator) else {
            continue;
        };
        let crate::live::Live::Found(found) = &entry.live else {
            continue;
        };
        let Some(prediction) = predictions.get(i) else {
            continue;
        };
        let complete = snap
            .analysis
            .model
            .pipelines
            .get(i)
            .is_some_and(crate::live::complete);
        let views = crate::live::views(prediction, found, complete);
        // A CDK Stage of the code (its `add_stage` call or its construction) is in the
        // CodePipeline stage it deploys in (its wave's for a wave member); else the innermost
        // predicted stage whose code is here.
        let model_stage = snap.analysis.model.pipelines.get(i).and_then(|p| {
            p.stages
                .iter()
                .filter(|st| st.span.contains_byte(offset) || st.id_span.contains_byte(offset))
                .min_by_key(|st| st.span.end_byte - st.span.start_byte)
        });
        let member_of = model_stage.and_then(|st| {
            let id = st.id.as_deref()?;
            let stage = prediction
                .stages
                .iter()
                .find(|ps| ps.members.iter().any(|m| m == id))?;
            let span = if st.span.contains_byte(offset) {
                st.span
            } else {
                st.id_span
            };
            views
                .iter()
                .find(|v| v.name == stage.name)
                .map(|v| (v, span))
        });
        let here = member_of.or_else(|| {
            views
                .iter()
                .filter_map(|v| Some((v, v.span?)))
                .filter(|(_, sp)| sp.contains_byte(offset))
                .min_by_key(|(_, sp)| sp.end_byte - sp.start_byte)
        });
        let Some((here, span)) = here else {
            continue;
        };
        let read_at = entry
            .at
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(at);
        let md = crate::ide::hover::live_stage(here, found, &entry.git, read_at, at);
        return Some((md, span.start_byte..span.end_byte));
    }
    None
}
