//! `workspace/didChangeConfiguration`: new settings (pushed in the notification, or pulled with
//! `workspace/configuration` when the client only signals a change), applied to every document.

use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::lsp_types::*;
use tower_lsp_server::Client;

use crate::ide::accounts::{aws_config_path, Accounts};
use crate::lang::ExtraQueries;
use crate::lsp::{diagnostics, Backend, State};
use crate::workspace::Settings;

pub async fn handle(b: &Backend, p: DidChangeConfigurationParams) {
    let pushed = p.settings.get("pipelens").cloned().filter(|v| !v.is_null());
    let value = match pushed {
        Some(v) => Some(v),
        None => {
            let item = ConfigurationItem {
                scope_uri: None,
                section: Some("pipelens".into()),
            };
            match tokio::time::timeout(Duration::from_secs(5), b.client.configuration(vec![item]))
                .await
            {
                Ok(Ok(v)) => v.into_iter().next(),
                _ => None,
            }
        }
    };
    if let Some(v) = value {
        if let Ok(mut c) = b.state.config.write() {
            c.client_settings = v;
        }
    }
    reload_and_report(&b.client, &b.state).await;
    diagnostics::schedule_all(&b.client, &b.state);
}

/// Rebuilds the settings: `pipelens.toml` at the workspace root, then the client's settings on
/// top; reloads extra queries and the known accounts. Returns the problems found.
pub fn reload(state: &State) -> Vec<String> {
    let (root, client, trusted) = match state.config.read() {
        Ok(c) => (
            c.workspace_root.clone(),
            c.client_settings.clone(),
            c.trusted,
        ),
        Err(_) => return Vec::new(),
    };
    let (mut settings, mut problems) = match &root {
        Some(r) => Settings::from_workspace(r),
        None => (Settings::default(), Vec::new()),
    };
    let mut client_problems = Vec::new();
    settings.apply(&client, &mut client_problems);
    problems.extend(
        client_problems
            .into_iter()
            .map(|p| format!("editor settings: {p}")),
    );
    if let Some(r) = &root {
        for p in &mut settings.query_path {
            if p.is_relative() {
                *p = r.join(&*p);
            }
        }
    }
    if !trusted {
        for note in settings.restrict_untrusted(root.as_deref()) {
            tracing::info!("{note}");
        }
    }
    let (extra, errors) = ExtraQueries::load(&settings.query_path);
    problems.extend(errors);
    let mut accounts = Accounts::default();
    accounts.from_settings(&settings.accounts);
    if let Some(p) = aws_config_path() {
        accounts.from_aws_config(&p);
    }
    if let Ok(mut p) = state.prober.lock() {
        *p = None; // a new profile or TTL: the next probe uses the new settings
    }
    if let Ok(mut c) = state.live_client.lock() {
        *c = None; // likewise for the live pipeline's reader
    }
    if let Ok(mut live) = state.live.lock() {
        live.clear(); // read with another profile, or now off: read again (or not at all)
    }
    if let Ok(mut c) = state.config.write() {
        c.settings = settings;
        c.extra = Arc::new(extra);
        c.accounts = accounts;
    }
    problems
}

pub async fn reload_and_report(client: &Client, state: &Arc<State>) {
    // Every new problem of this reload in one message: ten bad keys are one thing to fix, not
    // ten pop-ups.
    let new: Vec<String> = reload(state)
        .into_iter()
        .filter(|p| state.first_time(p))
        .collect();
    match new.as_slice() {
        [] => {}
        [one] => {
            client
                .show_message(MessageType::WARNING, format!("pipelens: {one}"))
                .await
        }
        many => {
            client
                .show_message(
                    MessageType::WARNING,
                    format!(
                        "pipelens: {} problems with the settings:\n{}",
                        many.len(),
                        many.join("\n")
                    ),
                )
                .await
        }
    }
}
