//! Engine → protocol conversions.

use std::collections::HashMap;

use ropey::Rope;
use tower_lsp_server::lsp_types as lsp;

use crate::document::position::{self, Encoding};
use crate::ide::completion::{self, Item};
use crate::ide::symbols::{Symbol, SymbolKind};
use crate::rules::{self, Severity};

pub fn position(rope: &Rope, byte: usize, enc: Encoding) -> lsp::Position {
    let p = position::byte_to_pos(rope, byte, enc);
    lsp::Position {
        line: p.line,
        character: p.character,
    }
}

pub fn range(rope: &Rope, r: std::ops::Range<usize>, enc: Encoding) -> lsp::Range {
    lsp::Range {
        start: position(rope, r.start, enc),
        end: position(rope, r.end, enc),
    }
}

pub fn span(rope: &Rope, s: crate::model::Span, enc: Encoding) -> lsp::Range {
    range(rope, s.start_byte..s.end_byte, enc)
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// `rope_of` gives the text of another file a related location points into.
pub fn diagnostic(
    rope: &Rope,
    d: &rules::Diagnostic,
    enc: Encoding,
    self_uri: &lsp::Uri,
    mut rope_of: impl FnMut(&std::path::Path) -> Option<(lsp::Uri, Rope)>,
) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let (uri, rp) = match &r.file {
                Some(f) => rope_of(f)?,
                None => (self_uri.clone(), rope.clone()),
            };
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri,
                    range: span(&rp, r.span, enc),
                },
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: span(rope, d.span, enc),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        source: Some("pipelens".into()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: d.deprecated.then(|| vec![lsp::DiagnosticTag::DEPRECATED]),
        ..Default::default()
    }
}

pub fn completion_item(rope: &Rope, item: &Item, enc: Encoding) -> lsp::CompletionItem {
    let kind = match item.kind {
        completion::Kind::Value => lsp::CompletionItemKind::VALUE,
        completion::Kind::Class => lsp::CompletionItemKind::CLASS,
        completion::Kind::Method => lsp::CompletionItemKind::METHOD,
        completion::Kind::Snippet => lsp::CompletionItemKind::SNIPPET,
    };
    let edits: Vec<lsp::TextEdit> = item
        .additional_edits
        .iter()
        .map(|(r, t)| lsp::TextEdit {
            range: range(rope, r.clone(), enc),
            new_text: t.clone(),
        })
        .collect();
    lsp::CompletionItem {
        label: item.label.clone(),
        kind: Some(kind),
        detail: item.detail.clone(),
        documentation: item.documentation.clone().map(lsp::Documentation::String),
        sort_text: Some(item.sort_text.clone()),
        filter_text: item.filter_text.clone(),
        insert_text_format: Some(if item.snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(rope, item.replace.clone(), enc),
            new_text: item.insert_text.clone(),
        })),
        additional_text_edits: (!edits.is_empty()).then_some(edits),
        ..Default::default()
    }
}

#[allow(deprecated)] // `deprecated` is a required field of DocumentSymbol
pub fn symbol(rope: &Rope, s: &Symbol, enc: Encoding) -> lsp::DocumentSymbol {
    let kind = match s.kind {
        SymbolKind::Pipeline => lsp::SymbolKind::CLASS,
        SymbolKind::Wave => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Stage => lsp::SymbolKind::MODULE,
        SymbolKind::Step => lsp::SymbolKind::FUNCTION,
        SymbolKind::Source => lsp::SymbolKind::PACKAGE,
    };
    lsp::DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind,
        tags: None,
        deprecated: None,
        range: range(rope, s.range.clone(), enc),
        selection_range: range(rope, s.selection.clone(), enc),
        // A cancelled request's answer is dropped: its children need not be converted.
        children: Some(
            s.children
                .iter()
                .take_while(|_| !crate::cancel::requested())
                .map(|c| symbol(rope, c, enc))
                .collect(),
        ),
    }
}

pub fn workspace_edit(
    uri: &lsp::Uri,
    rope: &Rope,
    edits: &[(std::ops::Range<usize>, String)],
    enc: Encoding,
) -> lsp::WorkspaceEdit {
    let edits = edits
        .iter()
        .map(|(r, t)| lsp::TextEdit {
            range: range(rope, r.clone(), enc),
            new_text: t.clone(),
        })
        .collect();
    lsp::WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..Default::default()
    }
}
