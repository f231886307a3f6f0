//! `textDocument/codeLens`: above each pipeline, its whole CodePipeline stage chain.

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
    }
    Ok(Some(out))
}
