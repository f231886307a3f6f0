//! `workspace/executeCommand`: `pipelens.synth` (the real `cdk synth`, with progress),
//! `pipelens.bootstrapCommand` (the `cdk bootstrap` argv for a
//! target; the editor decides how to run it) and `pipelens.refreshBootstrap`.

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::lsp_types::*;

use crate::lsp::{bootstrap, Backend};

pub const BOOTSTRAP_COMMAND: &str = "pipelens.bootstrapCommand";
pub const REFRESH_BOOTSTRAP: &str = "pipelens.refreshBootstrap";
pub const SYNTH: &str = "pipelens.synth";

pub fn commands() -> Vec<String> {
    vec![
        SYNTH.into(),
        BOOTSTRAP_COMMAND.into(),
        REFRESH_BOOTSTRAP.into(),
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
            match crate::lsp::synth::run(&b.client, &b.state, &uri, true).await {
                Ok(v) => Ok(Some(v)),
                Err(message) => {
                    // The user cancelled it: LSP's RequestCancelled, which clients do not
                    // show as a failure.
                    let mut e = if message == crate::lsp::synth::CANCELLED {
                        jsonrpc::Error::new(jsonrpc::ErrorCode::ServerError(-32800))
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
            let n = bootstrap::refresh(&b.client, &b.state).await;
            Ok(Some(json!({ "probed": n })))
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

/// Arguments: `[uri]` (the first target of the document that needs fixing) or
/// `[uri, {account, region}]` (that target).
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
    let (_, _, snap) = super::current(&b.state, &uri)?;
    let Some(snap) = snap else {
        return Ok(Value::Null);
    };
    let diags = crate::rules::bootstrap::check(
        &snap.analysis.model,
        &snap.qualifier,
        &b.state.observations(),
    );
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
