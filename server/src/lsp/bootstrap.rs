//! The bootstrap probe in the editor: started in the background for the envs an analysis
//! needs (never on the typing path), its observations kept in the state, and every open
//! document's diagnostics made again when they arrive (by the `Republish` its caller hands
//! down; the documents whose diagnostics changed are sent). The bootstrap diagnostics are made
//! from the document's current model and the observations, so they never point at stale
//! ranges.

use std::sync::Arc;
use std::time::SystemTime;

use tower_lsp_server::lsp_types::MessageType;
use tower_lsp_server::Client;

use super::state::{Snapshot, State};
use crate::aws::EnvKey;

/// Makes every open document's diagnostics again and sends what changed
/// (`diagnostics::republish_all`): handed down by the caller, so that this module calls
/// nothing above it.
pub type Republish =
    fn(Client, Arc<State>) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// The envs a snapshot needs checked.
pub fn keys_of(snap: &Snapshot) -> Vec<EnvKey> {
    let mut keys: Vec<EnvKey> = crate::aws::gather(&snap.analysis.model)
        .iter()
        .map(|n| n.key(&snap.qualifier))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Probes the envs of `snap` that were never observed and are not being probed.
pub fn ensure_probed(client: &Client, state: &Arc<State>, snap: &Snapshot, republish: Republish) {
    let Some(prober) = state.prober() else { return };
    let missing: Vec<EnvKey> = {
        let (Ok(obs), Ok(mut probing)) = (state.observations.lock(), state.probing.lock()) else {
            return;
        };
        let keys: Vec<EnvKey> = keys_of(snap)
            .into_iter()
            .filter(|k| !obs.contains_key(k) && !probing.contains(k))
            .collect();
        probing.extend(keys.iter().cloned());
        keys
    };
    if missing.is_empty() {
        return;
    }
    let (client, state) = (client.clone(), state.clone());
    tokio::spawn(async move {
        probe(&state, &prober, missing, false).await;
        republish(client, state).await;
    });
}

/// Runs one probe and keeps what it saw.
async fn probe(state: &Arc<State>, prober: &crate::aws::Prober, keys: Vec<EnvKey>, refresh: bool) {
    tracing::info!(
        "bootstrap probe of {} env(s){}",
        keys.len(),
        if refresh { " (refresh)" } else { "" }
    );
    let result = prober.probe(&keys, refresh).await;
    let now = SystemTime::now();
    if let Ok(mut obs) = state.observations.lock() {
        for (k, o) in result.observations {
            obs.insert(k, (o, now));
        }
    }
    if let Ok(mut probing) = state.probing.lock() {
        for k in &keys {
            probing.remove(k);
        }
    }
    if let Some(c) = &result.caller {
        let _ = c; // who we are is not logged: it can name a person's session
    }
}

/// Probes again every env of every open document, ignoring cached answers.
pub async fn refresh(client: &Client, state: &Arc<State>, republish: Republish) -> usize {
    let Some(prober) = state.prober() else {
        client
            .show_message(
                MessageType::INFO,
                "pipelens: bootstrap checks are off (bootstrap.check = \"off\")",
            )
            .await;
        return 0;
    };
    let mut keys: Vec<EnvKey> = state
        .current_snapshots()
        .iter()
        .flat_map(|(_, s)| keys_of(s))
        .collect();
    keys.sort();
    keys.dedup();
    let n = keys.len();
    probe(state, &prober, keys, true).await;
    republish(client.clone(), state.clone()).await;
    n
}
