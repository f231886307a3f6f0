//! `textDocument/codeLens`: above each pipeline, its whole CodePipeline stage chain; in a
//! trusted workspace where the deployed pipeline was read (`lsp::live`), which commit is where
//! above the pipeline (opening its console page) and each stage's status above the stage.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;

use crate::lsp::snapshot::DocumentSnapshot;
use crate::lsp::to_proto;

/// The lens in place of "▶ Synthesize" in an untrusted workspace (display only).
pub const UNTRUSTED_SYNTH: &str = "synth is off in an untrusted workspace";

pub fn handle(s: &DocumentSnapshot, _: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let (uri, rope, enc) = (&s.uri, &s.rope, s.encoding);
    let Some(snap) = s.analysis.as_deref() else {
        return Ok(None);
    };
    if snap.rope != *rope {
        return Ok(None);
    }
    let mut out = Vec::new();
    let view = crate::lsp::synth::views(s.synth.as_ref(), uri, snap);
    for (i, pipeline, prediction) in view.pipelines(&snap.analysis.model) {
        let line = to_proto::position(rope, pipeline.span.start_byte, enc).line;
        let range = Range::new(Position::new(line, 0), Position::new(line, 0));
        out.push(CodeLens {
            range,
            command: Some(Command {
                title: format!(
                    "{} ({})",
                    crate::ide::stages::chain(prediction),
                    view.origin_of(i, None)
                ),
                // Display only: the chain is the information; `pipelens/pipelineGraph` and the
                // clients' graph views show the details.
                command: String::new(),
                arguments: None,
            }),
            data: None,
        });
        // Synth runs the app's code: offered only in a trusted workspace.
        let synth = match s.trusted {
            true => Command {
                title: "▶ Synthesize".into(),
                command: super::execute_command::SYNTH.into(),
                arguments: Some(vec![serde_json::json!(uri.as_str())]),
            },
            false => Command {
                title: UNTRUSTED_SYNTH.into(),
                command: String::new(),
                arguments: None,
            },
        };
        out.push(CodeLens {
            range,
            command: Some(synth),
            data: None,
        });
        live_lenses(s, i, prediction, &mut out);
    }
    Ok(Some(out))
}

fn lens_at(s: &DocumentSnapshot, byte: usize, title: String, link: Option<&str>) -> CodeLens {
    let line = to_proto::position(&s.rope, byte, s.encoding).line;
    CodeLens {
        range: Range::new(Position::new(line, 0), Position::new(line, 0)),
        command: Some(Command {
            title,
            command: match link {
                Some(_) => super::execute_command::OPEN_LINK.into(),
                None => String::new(),
            },
            arguments: link.map(|l| vec![serde_json::json!(l)]),
        }),
        data: None,
    }
}

/// The deployed pipeline's lenses of pipeline `i`: one above it, one above each stage. Nothing
/// while it was not read, and nothing without credentials (the bootstrap hint says that once).
fn live_lenses(
    s: &DocumentSnapshot,
    i: usize,
    prediction: &crate::predict::Prediction,
    out: &mut Vec<CodeLens>,
) {
    let Some(snap) = s.analysis.as_deref() else {
        return;
    };
    if !s.trusted {
        return;
    }
    let at = crate::live::now();
    let Some(pipeline) = snap.analysis.model.pipelines.get(i) else {
        return;
    };
    for (_, locator) in crate::lsp::live::locators_of(snap)
        .into_iter()
        .filter(|(n, _)| *n == i)
    {
        let Some(entry) = s.live.get(&locator) else {
            continue;
        };
        let start = pipeline.span.start_byte;
        match &entry.live {
            crate::live::Live::Found(found) => {
                let views = crate::live::views(prediction, found, crate::live::complete(pipeline));
                let head = crate::live::head_status(&views, found, &entry.git);
                let title = match head {
                    Some(h) => format!("live: {} · {h}", found.name),
                    None => format!("live: {}", found.name),
                };
                out.push(lens_at(s, start, title, Some(&found.console_url())));
                for v in views.iter().filter(|v| v.span.is_some()) {
                    let Some(span) = v.span else { continue };
                    // An approval or a failure opens the console, where it is acted on.
                    let link = matches!(v.status(), "waiting" | "failed").then(|| {
                        v.live
                            .as_ref()
                            .and_then(|l| l.failures.first())
                            .and_then(|f| f.url.clone())
                            .filter(|u| u.starts_with("https://"))
                            .unwrap_or_else(|| found.console_url())
                    });
                    out.push(lens_at(
                        s,
                        span.start_byte,
                        format!("{}: {}", v.name, v.summary(at)),
                        link.as_deref(),
                    ));
                }
            }
            crate::live::Live::NotFound { reason } => {
                out.push(lens_at(
                    s,
                    start,
                    format!("live: not deployed ({reason})"),
                    None,
                ));
            }
            crate::live::Live::Unknown { reason } => {
                if !reason.starts_with(crate::aws::NO_CREDENTIALS) {
                    let short: String = reason.chars().take(80).collect();
                    out.push(lens_at(s, start, format!("live: unknown ({short})"), None));
                }
            }
        }
    }
}
