//! `workspace/executeCommand`: `pipelens.synth` (the real `cdk synth`, with progress),
//! `pipelens.bootstrapCommand` (the `cdk bootstrap` argv for a
//! target; the editor decides how to run it), `pipelens.refreshBootstrap`, `pipelens.refreshLive`
//! (the deployed pipelines read again) and `pipelens.openLink` (a console page in the browser).

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::lsp_types::*;

use crate::lsp::{bootstrap, Backend};

pub const BOOTSTRAP_COMMAND: &str = "pipelens.bootstrapCommand";
pub const REFRESH_BOOTSTRAP: &str = "pipelens.refreshBootstrap";
pub const SYNTH: &str = "pipelens.synth";
/// Reads the open documents' deployed pipelines again, finding each anew.
pub const REFRESH_LIVE: &str = "pipelens.refreshLive";
/// Approves or rejects a waiting manual approval: arguments `[uri, {pipeline, stage, action,
/// approve: bool, summary}]`; only in a trusted workspace, only for an approval the last read of
/// that document's pipeline saw waiting, with a summary the user typed. The client asks the user
/// first (`DECIDE_APPROVAL`); this carries the answer (`PutApprovalResult`).
pub const APPROVE: &str = "pipelens.approve";
/// The client command of the code action "Approve or reject …": the editor asks the user to
/// confirm and for a summary, then sends `APPROVE`. Not a server command (not advertised); a
/// client that does not know it sends it here and is told to use the console.
pub const DECIDE_APPROVAL: &str = "pipelens.decideApproval";
/// Opens a link the server gives (a pipeline's or an approval's console page) in the user's
/// browser (`window/showDocument`, external): arguments `[url]`, an https link.
pub const OPEN_LINK: &str = "pipelens.openLink";
/// The clients' command that shows the pipeline graph (VS Code's palette command; the Neovim
/// plugin handles it too). Not a server command: the view is the client's; a client that does
/// not know it sends it here and gets the graph's answer.
pub const SHOW_GRAPH: &str = "pipelens.showPipelineGraph";

pub fn commands() -> Vec<String> {
    vec![
        SYNTH.into(),
        BOOTSTRAP_COMMAND.into(),
        REFRESH_BOOTSTRAP.into(),
        REFRESH_LIVE.into(),
        OPEN_LINK.into(),
        APPROVE.into(),
    ]
}

pub async fn handle(b: &Backend, p: ExecuteCommandParams) -> Result<Option<Value>> {
    match p.command.as_str() {
        SYNTH => {
            if b.state.trusted().is_none() {
                return Err(untrusted("synth"));
            }
            let uri: Uri = p
                .arguments
                .first()
                .and_then(|u| u.as_str().or_else(|| u.get("uri").and_then(|u| u.as_str())))
                .and_then(|u| u.parse().ok())
                .ok_or_else(|| jsonrpc::Error::invalid_params("expected [uri]"))?;
            match crate::lsp::synth_task::run(&b.client, &b.state, &uri, true).await {
                Ok(v) => Ok(Some(v)),
                Err(message) => {
                    // Cancelled, by the user or by a newer synth of the app: LSP's
                    // RequestCancelled, which clients do not show as a failure.
                    let mut e = if message == crate::lsp::state::CANCELLED
                        || message == crate::synth::SynthError::Cancelled.to_string()
                    {
                        jsonrpc::Error::new(jsonrpc::ErrorCode::RequestCancelled)
                    } else {
                        jsonrpc::Error::internal_error()
                    };
                    e.message = message.into();
                    Err(e)
                }
            }
        }
        BOOTSTRAP_COMMAND => bootstrap_command(b, &p.arguments).map(Some),
        REFRESH_BOOTSTRAP => {
            if b.state.trusted().is_none() {
                return Err(untrusted("the bootstrap check"));
            }
            let n = bootstrap::refresh(&b.client, &b.state, crate::lsp::diagnostics::republish_all)
                .await;
            Ok(Some(json!({ "probed": n })))
        }
        REFRESH_LIVE => {
            if b.state.trusted().is_none() {
                return Err(untrusted("the live pipeline"));
            }
            let n = crate::lsp::live::refresh(
                &b.client,
                &b.state,
                true,
                crate::lsp::diagnostics::republish_live,
            )
            .await;
            Ok(Some(json!({ "read": n })))
        }
        APPROVE => {
            if b.state.trusted().is_none() {
                return Err(untrusted("approving from the editor"));
            }
            let uri: Uri = p
                .arguments
                .first()
                .and_then(Value::as_str)
                .and_then(|u| u.parse().ok())
                .ok_or_else(|| jsonrpc::Error::invalid_params("expected [uri, {…}]"))?;
            let answer = p.arguments.get(1).cloned().unwrap_or(Value::Null);
            crate::lsp::live::decide(
                &b.client,
                &b.state,
                &uri,
                &answer,
                crate::lsp::diagnostics::republish_live,
            )
            .await
        }
        DECIDE_APPROVAL => {
            let mut e = jsonrpc::Error::invalid_request();
            e.message = "pipelens: this editor cannot ask for a confirmation: approve in the \
                         AWS console (the lens above the stage opens it)"
                .into();
            Err(e)
        }
        OPEN_LINK => {
            let url = p
                .arguments
                .first()
                .and_then(Value::as_str)
                .filter(|u| u.starts_with("https://"))
                .and_then(|u| u.parse::<Uri>().ok())
                .ok_or_else(|| jsonrpc::Error::invalid_params("expected [https url]"))?;
            let shown = b
                .client
                .show_document(ShowDocumentParams {
                    uri: url,
                    external: Some(true),
                    take_focus: Some(true),
                    selection: None,
                })
                .await
                .unwrap_or(false);
            Ok(Some(json!({ "shown": shown })))
        }
        // The client command of "Show the synthesized stages of …" (not advertised: VS Code and
        // the Neovim plugin handle it themselves). Another client sends it here: it gets the
        // `pipelens/pipelineGraph` answer of the document.
        SHOW_GRAPH => {
            let uri: Uri = p
                .arguments
                .first()
                .and_then(|u| u.as_str())
                .and_then(|u| u.parse().ok())
                .ok_or_else(|| jsonrpc::Error::invalid_params("expected [uri, stage?]"))?;
            Ok(crate::lsp::synth::graph(&b.state.document_snapshot(&uri)?))
        }
        other => Err(jsonrpc::Error::invalid_params(format!(
            "unknown command: {other}"
        ))),
    }
}

/// The error answered in an untrusted workspace: it names the reason.
fn untrusted(what: &str) -> jsonrpc::Error {
    let mut e = jsonrpc::Error::invalid_request();
    e.message = format!("pipelens: {}", crate::trust::untrusted_reason(what)).into();
    e
}

/// Arguments: `[uri]` (the first target of the document that needs fixing: its argv),
/// `[uri, {account, region}]` (that target's argv) or `[uri, {all: true}]`: every target that
/// needs fixing, `{targets: [{account, region, status, fix}], unknown}`, where `unknown` says
/// why some or all targets could not be checked (no credentials…), or is null.
fn bootstrap_command(b: &Backend, args: &[Value]) -> Result<Value> {
    let uri: Uri = args
        .first()
        .and_then(|u| u.as_str().or_else(|| u.get("uri").and_then(|u| u.as_str())))
        .and_then(|u| u.parse().ok())
        .ok_or_else(|| jsonrpc::Error::invalid_params("expected [uri, {account, region}?]"))?;
    let want = args.get(1).map(|t| {
        (
            t.get("account")
                .and_then(|v| v.as_str())
                .map(str::to_string),
            t.get("region").and_then(|v| v.as_str()).map(str::to_string),
        )
    });
    let s = b.state.document_snapshot(&uri)?;
    let Some(snap) = s.analysis.as_deref() else {
        return Ok(Value::Null);
    };
    let diags =
        crate::rules::bootstrap::check(&snap.analysis.model, &snap.qualifier, &s.observed());
    if args
        .get(1)
        .and_then(|t| t.get("all"))
        .and_then(Value::as_bool)
        == Some(true)
    {
        return Ok(every_target(&diags, s.trusted, s.bootstrap_check_off));
    }
    let argv = diags
        .iter()
        .filter_map(|d| d.command.clone())
        .find(|argv| match &want {
            None => true,
            Some((a, r)) => {
                let target = format!(
                    "aws://{}/{}",
                    a.as_deref().unwrap_or_default(),
                    r.as_deref().unwrap_or_default()
                );
                argv.contains(&target)
            }
        });
    Ok(match argv {
        Some(argv) => json!(argv),
        None => Value::Null,
    })
}

/// The `[uri, {all: true}]` answer of `pipelens.bootstrapCommand`.
fn every_target(diags: &[crate::rules::Diagnostic], trusted: bool, off: bool) -> Value {
    let targets: Vec<Value> = diags
        .iter()
        .filter_map(|d| {
            let argv = d.command.as_ref()?;
            let env = argv.iter().find_map(|a| a.strip_prefix("aws://"))?;
            let (account, region) = env.split_once('/')?;
            // `status` as `bootstrap-status --format json` says it; `code` the diagnostic's.
            let status = match d.code {
                "untrusted-target" => "untrusted",
                "outdated-bootstrap" => "outdated",
                _ => "not-bootstrapped",
            };
            Some(json!({
                "account": account,
                "region": region,
                "status": status,
                "code": d.code,
                "fix": argv,
            }))
        })
        .collect();
    let unknown: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == "bootstrap-unknown")
        .map(|d| d.message.as_str())
        .collect();
    let unknown = if off {
        Some("the bootstrap check is off (setting bootstrap.check)".to_string())
    } else if !trusted {
        Some(crate::trust::untrusted_reason("the bootstrap check"))
    } else if !unknown.is_empty() {
        Some(unknown.join(" "))
    } else {
        None
    };
    json!({ "targets": targets, "unknown": unknown })
}
