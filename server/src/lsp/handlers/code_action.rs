//! `textDocument/codeAction`: quick fixes for the static rules, the bootstrap command of an
//! unbootstrapped target, a synth of the app from anywhere in a pipeline, and on an approval
//! waiting in the deployed pipeline: open it in the console, approve or reject it.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;

use crate::lsp::snapshot::DocumentSnapshot;
use crate::lsp::{from_proto, to_proto};

/// The title of the code action that synthesizes the app (the code lens's "▶ Synthesize").
pub const SYNTH_ACTION: &str = "Synthesize and show the generated stages";

pub fn handle(s: &DocumentSnapshot, p: CodeActionParams) -> Result<Option<CodeActionResponse>> {
    let (uri, rope, plugin, enc) = (&s.uri, &s.rope, s.plugin, s.encoding);
    let Some(snap) = s.analysis.as_deref() else {
        return Ok(None);
    };
    let range = from_proto::range(rope, p.range, enc);
    let mut synth: Vec<CodeActionOrCommand> = Vec::new();
    synth.extend(synth_action(
        s,
        snap,
        range.clone(),
        p.context.only.as_deref(),
    ));
    synth.extend(show_synthesized(
        s,
        snap,
        range.clone(),
        p.context.only.as_deref(),
    ));
    // A fix applies from anywhere on its diagnostic's line (Neovim's `gra` asks at the cursor).
    let range = whole_lines(rope, range);
    if snap.rope != *rope {
        // The analysis is of older text: its edits would land in the wrong place. The synth
        // needs no edit.
        return Ok((!synth.is_empty()).then_some(synth));
    }
    let diags = &snap.analysis.diagnostics;
    let actions = crate::ide::actions::actions(&snap.text, plugin, diags, range.clone());
    let out: Vec<CodeActionOrCommand> = actions
        .into_iter()
        .map(|a| {
            let d = &diags[a.diagnostic];
            let diagnostic = to_proto::diagnostic(rope, d, enc, uri, |_| None);
            CodeActionOrCommand::CodeAction(CodeAction {
                title: a.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                edit: Some(to_proto::workspace_edit(uri, rope, &a.edits, enc)),
                is_preferred: Some(a.preferred),
                ..Default::default()
            })
        })
        .collect();
    // Bootstrap diagnostics: a command that gives the editor the `cdk bootstrap` argv.
    let mut out = out;
    let boot = crate::rules::bootstrap::check(&snap.analysis.model, &snap.qualifier, &s.observed());
    for d in boot
        .iter()
        .filter(|d| d.span.end_byte >= range.start && d.span.start_byte <= range.end)
    {
        let Some(argv) = &d.command else { continue };
        let Some(target) = argv.iter().find(|a| a.starts_with("aws://")) else {
            continue;
        };
        let (account, region) = target
            .trim_start_matches("aws://")
            .split_once('/')
            .unwrap_or_default();
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Bootstrap {target}: {}", argv.join(" ")),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![to_proto::diagnostic(rope, d, enc, uri, |_| None)]),
            command: Some(Command {
                title: format!("Bootstrap {target}"),
                command: super::execute_command::BOOTSTRAP_COMMAND.into(),
                arguments: Some(vec![
                    serde_json::json!(uri.as_str()),
                    serde_json::json!({ "account": account, "region": region }),
                ]),
            }),
            ..Default::default()
        }));
    }
    out.extend(approvals(s, snap, range.clone(), p.context.only.as_deref()));
    out.extend(synth);
    Ok((!out.is_empty()).then_some(out))
}

/// On a manual approval step that waits in the deployed pipeline (trusted workspace, pipeline
/// read): open it in the console, or approve or reject it after the editor asks the user
/// (`pipelens.decideApproval`, then `pipelens.approve`).
fn approvals(
    s: &DocumentSnapshot,
    snap: &crate::lsp::state::Snapshot,
    range: std::ops::Range<usize>,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    if only.is_some() || !s.trusted || s.live.is_empty() {
        return out;
    }
    let touches = |sp: crate::model::Span| sp.end_byte >= range.start && sp.start_byte <= range.end;
    let predictions = snap.predictions();
    let at = crate::live::now();
    for (i, locator) in crate::lsp::live::locators_of(snap) {
        let (Some(entry), Some(prediction)) = (s.live.get(&locator), predictions.get(i)) else {
            continue;
        };
        let crate::live::Live::Found(found) = &entry.live else {
            continue;
        };
        for stage in &found.stages {
            let Some(predicted) = prediction.stages.iter().find(|p| p.name == stage.name) else {
                continue;
            };
            for a in &stage.approvals {
                let here = predicted
                    .actions
                    .iter()
                    .any(|x| x.name == a.action && touches(x.span));
                if !here {
                    continue;
                }
                let waiting = a
                    .since
                    .map(|t| format!(" (waiting {})", crate::live::since(t, at)))
                    .unwrap_or_default();
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Open approval {} in the AWS console{waiting}", a.action),
                    command: Some(Command {
                        title: format!("Open approval {}", a.action),
                        command: super::execute_command::OPEN_LINK.into(),
                        arguments: Some(vec![serde_json::json!(found.console_url())]),
                    }),
                    ..Default::default()
                }));
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Approve or reject {}…", a.action),
                    command: Some(Command {
                        title: format!("Approve or reject {}", a.action),
                        command: super::execute_command::DECIDE_APPROVAL.into(),
                        arguments: Some(vec![
                            serde_json::json!(s.uri.as_str()),
                            serde_json::json!({
                                "pipeline": found.name,
                                "stage": stage.name,
                                "action": a.action,
                            }),
                        ]),
                    }),
                    ..Default::default()
                }));
            }
        }
    }
    out
}

/// Anywhere in a pipeline, or a stage or wave added to it: synthesize the app, so that editors
/// without code lenses (Neovim by default) reach the synth too. It runs the app's code: only in
/// a trusted workspace. It has no kind (neither a quick fix nor a refactoring), so a request
/// that asks only for some kinds does not get it.
fn synth_action(
    s: &DocumentSnapshot,
    snap: &crate::lsp::state::Snapshot,
    range: std::ops::Range<usize>,
    only: Option<&[CodeActionKind]>,
) -> Option<CodeActionOrCommand> {
    if only.is_some() || !s.trusted {
        return None;
    }
    let touches = |s: crate::model::Span| s.end_byte >= range.start && s.start_byte <= range.end;
    let in_pipeline = snap.analysis.model.pipelines.iter().any(|p| {
        touches(p.span)
            || p.stages.iter().any(|s| touches(s.span))
            || p.waves.iter().any(|w| touches(w.span))
    });
    in_pipeline.then(|| {
        CodeActionOrCommand::CodeAction(CodeAction {
            title: SYNTH_ACTION.into(),
            command: Some(Command {
                title: SYNTH_ACTION.into(),
                command: super::execute_command::SYNTH.into(),
                arguments: Some(vec![serde_json::json!(s.uri.as_str())]),
            }),
            ..Default::default()
        })
    })
}

/// `range` grown to the whole lines it touches.
fn whole_lines(rope: &ropey::Rope, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let len = rope.len_bytes();
    let (start, end) = (range.start.min(len), range.end.min(len));
    let first = rope.line_to_byte(rope.byte_to_line(start));
    let last_line = rope.byte_to_line(end);
    let last = if last_line + 1 < rope.len_lines() {
        rope.line_to_byte(last_line + 1).saturating_sub(1)
    } else {
        len
    };
    first..last.max(end)
}

/// After a synth: on a stage or wave whose synthesized form still holds, "Show the synthesized
/// stages of Prod" (the client's graph view).
fn show_synthesized(
    s: &DocumentSnapshot,
    snap: &crate::lsp::state::Snapshot,
    range: std::ops::Range<usize>,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    if only.is_some() {
        return Vec::new();
    }
    let uri = &s.uri;
    let view = crate::lsp::synth::views(s.synth.as_ref(), uri, snap);
    if !view.synthesized() {
        return Vec::new();
    }
    let touches = |s: crate::model::Span| s.end_byte >= range.start && s.start_byte <= range.end;
    let mut out = Vec::new();
    for (i, p, stages) in view.pipelines(&snap.analysis.model) {
        let own: Vec<crate::model::Span> = p
            .stages
            .iter()
            .map(|s| s.span)
            .chain(p.waves.iter().map(|w| w.span))
            .collect();
        for stage in stages.stages.iter().filter(|s| {
            view.is_synthesized(i)
                && touches(s.span)
                && own.contains(&s.span)
                && view.origin_of(i, Some(&s.name)) != crate::lsp::synth::OUT_OF_DATE
        }) {
            let title = format!("Show the synthesized stages of {}", stage.name);
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                command: Some(Command {
                    title,
                    command: super::execute_command::SHOW_GRAPH.into(),
                    // `[uri, stage, pipeline id]`: two pipelines of a file may share a stage name.
                    arguments: Some(vec![
                        serde_json::json!(uri.as_str()),
                        serde_json::json!(stage.name),
                        serde_json::json!(p.id),
                    ]),
                }),
                ..Default::default()
            }));
        }
    }
    out
}
