//! `window/workDoneProgress/cancel`: the user pressed the cancel button of a progress; a synth
//! shown by it stops (`lsp::synth::cancel`).

use serde_json::Value;
use tower_lsp_server::lsp_types::NumberOrString;

use crate::lsp::Backend;

pub const METHOD: &str = "window/workDoneProgress/cancel";

pub fn handle(b: &Backend, params: Value) {
    let token = params
        .get("token")
        .cloned()
        .and_then(|t| serde_json::from_value::<NumberOrString>(t).ok());
    if let Some(token) = token {
        crate::lsp::synth::cancel(&b.state, &token);
    }
}
