//! The engine's entry point, shared by the CLI and the language server: one file in, its
//! pipeline model and diagnostics out.

use std::path::Path;
use std::sync::Arc;

use tree_sitter::Tree;

use crate::lang::{ExtraQueries, LowerMemo, Lowered, Plugin};
use crate::model::{self, AppIndex, FileModel};
use crate::rules::{self, Diagnostic};

#[derive(Debug)]
pub struct Analysis {
    pub model: FileModel,
    pub diagnostics: Vec<Diagnostic>,
    /// The file's imports (completion writes code with the file's own aliases).
    pub imports: Vec<crate::lang::ir::Import>,
}

pub fn analyze(
    plugin: &'static Plugin,
    original_text: &str,
    original_tree: &Tree,
    file: Option<&Path>,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
) -> Analysis {
    analyze_with(
        plugin,
        original_text,
        original_tree,
        file,
        index,
        extra,
        None,
    )
}

/// [`analyze`] for a document analysed again and again (the language server): lowers only the
/// statements that changed since the analysis that left `memo`, and leaves a memo for the next.
/// The result equals [`analyze`]'s.
pub fn analyze_reusing(
    plugin: &'static Plugin,
    text: &Arc<str>,
    tree: &Tree,
    file: Option<&Path>,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
    memo: &mut Option<LowerMemo>,
) -> Analysis {
    analyze_with(plugin, text, tree, file, index, extra, Some((text, memo)))
}

fn analyze_with(
    plugin: &'static Plugin,
    original_text: &str,
    original_tree: &Tree,
    file: Option<&Path>,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
    memo: Option<(&Arc<str>, &mut Option<LowerMemo>)>,
) -> Analysis {
    let repaired = crate::lang::repair(plugin, original_text, original_tree);
    let (text, tree) = match &repaired {
        Some((t, tr)) => (t.as_str(), tr),
        None => (original_text, original_tree),
    };
    // A repaired text is not the document's: its statements are not worth keeping.
    let (keep, old) = match memo {
        Some((text, slot)) if repaired.is_none() => {
            let old = slot.take();
            (Some((text, slot)), old)
        }
        _ => (None, None),
    };
    let Lowered {
        mut module, groups, ..
    } = plugin.lower_reusing(tree, text, old);
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
    if let Some((text, slot)) = keep {
        *slot = Some(LowerMemo::new(text.clone(), module.body, groups));
    }
    Analysis {
        model,
        diagnostics,
        imports: module.imports,
    }
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
            imports: Vec::new(),
        },
    }
}

/// What the `source-synth-change` rule found for a file, or why it could not look.
#[derive(Debug, Default)]
pub struct ChangeCheck {
    pub diagnostics: Vec<Diagnostic>,
    /// Set when there was nothing to compare against (outside git, a new file, the base not in
    /// a shallow clone, no git): the rule said nothing, and this says why.
    pub skipped: Option<crate::git::NoBase>,
}

/// The `source-synth-change` rule for one file: compares `current_text` (the editor's buffer,
/// saved or not) with the file at the base revision (`HEAD` when `base` is `None`; for another
/// revision, its merge-base with `HEAD`), given the other changed files of the app.
///
/// Starts `git` processes, so it is **never called on the typing path**: the language server
/// runs it in the background (on open and save), the CLI only when asked (`--base`,
/// `changeBase`). A file without a pipeline starts no process. `Err` only when git fails in an
/// unexpected way or times out.
pub fn source_synth_diagnostics(
    file: &Path,
    current_text: &str,
    plugin: &'static Plugin,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
    base: Option<&str>,
) -> Result<ChangeCheck, crate::git::GitError> {
    let current = analyze_text(plugin, current_text, Some(file), index, extra).model;
    if current.pipelines.is_empty() {
        return Ok(ChangeCheck::default());
    }
    let found = match crate::git::file_base(file, base)? {
        Ok(f) => f,
        Err(why) => {
            return Ok(ChangeCheck {
                diagnostics: Vec::new(),
                skipped: Some(why),
            })
        }
    };
    let base_model = analyze_text(plugin, &found.base_text, Some(file), index, extra).model;
    // Other files count only inside the app (the folder with cdk.json).
    let others = match crate::workspace::app_root(file) {
        Some(root) => crate::git::changes_under(&found.repo, &found.changes, &root),
        None => Vec::new(),
    };
    Ok(ChangeCheck {
        diagnostics: rules::source_synth_change::check(
            &base_model,
            &current,
            &others,
            &plugin.naming,
        ),
        skipped: None,
    })
}
