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
    let client_settings = p
        .initialization_options
        .map(|o| o.get("pipelens").cloned().unwrap_or(o))
        .unwrap_or(serde_json::Value::Null);
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
