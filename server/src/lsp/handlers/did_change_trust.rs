//! `pipelens/didChangeTrust` (notification, `{"trusted": bool}`): the user granted (or took
//! back) trust in the workspace. Settings are read again under the new trust, and every
//! document is checked again: git, bootstrap, the live pipeline and the synth lens come on (or go off).

use serde_json::Value;

use crate::lsp::{diagnostics, Backend};

pub const METHOD: &str = "pipelens/didChangeTrust";

pub async fn handle(b: &Backend, p: Value) {
    let Some(trusted) = p.get("trusted").and_then(Value::as_bool) else {
        tracing::warn!("{METHOD}: expected {{\"trusted\": true|false}}, got {p}");
        return;
    };
    let changed = match b.state.config.write() {
        Ok(mut c) => std::mem::replace(&mut c.trusted, trusted) != trusted,
        Err(_) => return,
    };
    if !changed {
        return;
    }
    tracing::info!(
        "the workspace is {}",
        if trusted { "trusted" } else { "not trusted" }
    );
    if !trusted {
        diagnostics::forget_git(&b.client, &b.state).await;
        // What was read of the deployed pipelines was read with the user's credentials.
        if let Ok(mut live) = b.state.live.lock() {
            live.clear();
        }
    }
    let uris: Vec<_> = match b.state.docs.lock() {
        Ok(docs) => docs.keys().cloned().collect(),
        Err(_) => return,
    };
    super::did_change_configuration::reload_and_report(&b.client, &b.state).await;
    diagnostics::schedule_all(&b.client, &b.state);
    for uri in uris {
        diagnostics::schedule_git(&b.client, &b.state, uri);
    }
    diagnostics::refresh_views(&b.client, &b.state);
}
