//! `initialized`: ask the client for the `pipelens` settings section. A client that never
//! answers is waited for a bounded time in the background; nothing else waits for it.

use std::time::Duration;

use tower_lsp_server::lsp_types::*;

use crate::lsp::{diagnostics, Backend};

pub async fn handle(b: &Backend, _: InitializedParams) {
    b.client
        .log_message(
            MessageType::INFO,
            format!("pipelens {} ready", env!("CARGO_PKG_VERSION")),
        )
        .await;
    crate::lsp::live::start_timer(
        b.client.clone(),
        b.state.clone(),
        diagnostics::republish_live,
    );
    let (client, state) = (b.client.clone(), b.state.clone());
    tokio::spawn(async move {
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("pipelens".into()),
        };
        match tokio::time::timeout(Duration::from_secs(5), client.configuration(vec![item])).await {
            Ok(Ok(values)) => {
                if let Some(v) = values.into_iter().next().filter(|v| !v.is_null()) {
                    if let Ok(mut c) = state.config.write() {
                        c.client_settings = v;
                    }
                    super::did_change_configuration::reload_and_report(&client, &state).await;
                    diagnostics::schedule_all(&client, &state);
                    return;
                }
            }
            Ok(Err(e)) => tracing::info!("workspace/configuration not answered: {e}"),
            Err(_) => tracing::warn!(
                "workspace/configuration: no answer in 5 s; using pipelens.toml and defaults"
            ),
        }
        // No client settings: the problems of pipelens.toml (read at `initialize`, before a
        // message could be shown) still reach the user, once.
        super::did_change_configuration::reload_and_report(&client, &state).await;
    });
}
