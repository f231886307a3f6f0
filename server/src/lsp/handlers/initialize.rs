//! `initialize`: negotiate the position encoding, read settings, announce capabilities.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::lsp_types::*;
use tower_lsp_server::UriExt;

use crate::document::Encoding;
use crate::lsp::Backend;

pub async fn handle(b: &Backend, p: InitializeParams) -> Result<InitializeResult> {
    let offered = p
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.clone())
        .unwrap_or_default();
    let (encoding, kind) = if offered.contains(&PositionEncodingKind::UTF8) {
        (Encoding::Utf8, PositionEncodingKind::UTF8)
    } else {
        (Encoding::Utf16, PositionEncodingKind::UTF16)
    };
    #[allow(deprecated)] // root_uri is still what many clients send
    let root = p
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or(p.root_uri.clone())
        .and_then(|u| u.to_file_path().map(|p| p.into_owned()));
    let (trusted, client_settings) = options(p.initialization_options);
    let ws = p.capabilities.workspace.as_ref();
    let refresh_hints = ws
        .and_then(|w| w.inlay_hint.as_ref())
        .and_then(|i| i.refresh_support)
        .unwrap_or(false);
    let refresh_lenses = ws
        .and_then(|w| w.code_lens.as_ref())
        .and_then(|c| c.refresh_support)
        .unwrap_or(false);
    if let Ok(mut c) = b.state.config.write() {
        c.encoding = encoding;
        c.refresh_hints = refresh_hints;
        c.refresh_lenses = refresh_lenses;
        c.workspace_root = root;
        c.client_settings = client_settings;
        c.trusted = trusted;
    }
    if !trusted {
        tracing::info!(
            "the workspace is not trusted: no synth, git or AWS call until the client says it is \
             (initialization option `trusted`, notification `pipelens/didChangeTrust`)"
        );
    }
    let problems = super::did_change_configuration::reload(&b.state);
    for p in problems {
        tracing::warn!("{p}");
    }
    Ok(InitializeResult {
        server_info: Some(ServerInfo {
            name: "pipelens".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        capabilities: ServerCapabilities {
            position_encoding: Some(kind),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(
                    ["\"", "'", "`", "=", ":", ".", "[", " ", "-"]
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                ),
                ..Default::default()
            }),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            inlay_hint_provider: Some(OneOf::Left(true)),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(false),
            }),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: super::execute_command::commands(),
                ..Default::default()
            }),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..Default::default()
            })),
            ..Default::default()
        },
    })
}

/// The initialization options: `trusted` (the client trusts the workspace; absent: not
/// trusted), and the `pipelens` settings, either under `pipelens` or as the options themselves.
fn options(o: Option<serde_json::Value>) -> (bool, serde_json::Value) {
    let Some(mut o) = o else {
        return (false, serde_json::Value::Null);
    };
    let trusted = o.get("trusted").and_then(|t| t.as_bool()) == Some(true);
    if let Some(obj) = o.as_object_mut() {
        obj.remove("trusted");
    }
    let settings = o.get("pipelens").cloned().unwrap_or(o);
    (trusted, settings)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn trust_is_an_explicit_true_and_never_a_setting() {
        let o = |v| super::options(Some(v));
        assert!(!super::options(None).0);
        assert!(!o(json!({})).0);
        assert!(!o(json!({"trusted": "yes"})).0);
        assert!(!o(json!({"pipelens": {"trusted": true}})).0);
        assert_eq!(
            o(json!({"trusted": true, "pipelens": {"synth": {"onSave": true}}})),
            (true, json!({"synth": {"onSave": true}}))
        );
        // Flat settings next to `trusted`: the key is not passed on as a setting.
        assert_eq!(
            o(json!({"trusted": true, "changeBase": "main"})),
            (true, json!({"changeBase": "main"}))
        );
    }
}
