//! The engine's entry point, shared by the CLI and the language server: one file in, its
//! pipeline model and diagnostics out.

use std::path::Path;

use tree_sitter::Tree;

use crate::lang::{ExtraQueries, Plugin};
use crate::model::{self, AppIndex, FileModel};
use crate::rules::{self, Diagnostic};

#[derive(Debug)]
pub struct Analysis {
    pub model: FileModel,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn analyze(
    plugin: &'static Plugin,
    original_text: &str,
    original_tree: &Tree,
    file: Option<&Path>,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
) -> Analysis {
    let repaired = crate::lang::repair(plugin, original_text, original_tree);
    let (text, tree) = match &repaired {
        Some((t, tr)) => (t.as_str(), tr),
        None => (original_text, original_tree),
    };
    let mut module = plugin.lower(tree, text);
    if repaired.is_some() {
        // Report where the user's text is broken, not what is left after the repair.
        module.errors.clear();
        crate::lang::collect_errors(original_tree.root_node(), &mut module.errors);
    }
    let ext = plugin.extension_stages(tree, text, extra);
    let model = model::build(&module, plugin.name, file, index, &ext);
    let diagnostics = rules::check(&rules::Ctx {
        model: &model,
        naming: &plugin.naming,
        text: original_text,
    });
    Analysis { model, diagnostics }
}

/// Parses and analyses a file's text in one go (CLI, tests).
pub fn analyze_text(
    plugin: &'static Plugin,
    text: &str,
    file: Option<&Path>,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
) -> Analysis {
    match plugin.parser().parse(text, None) {
        Some(tree) => analyze(plugin, text, &tree, file, index, extra),
        // Only a cancelled parse returns None; there is no cancellation here.
        None => Analysis {
            model: FileModel {
                language: plugin.name,
                ..FileModel::default()
            },
            diagnostics: Vec::new(),
        },
    }
}
