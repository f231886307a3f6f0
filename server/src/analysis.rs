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
        &|| false,
    )
    .expect("never abandoned")
}

/// [`analyze`] for a document analysed again and again (the language server): lowers only the
/// statements that changed since the analysis that left `memo`, and leaves a memo for the next.
/// The result equals [`analyze`]'s.
///
/// `abandon` is asked between the phases (lowering, model, rules); when it says yes the
/// analysis stops there and returns `None` (the document changed again: a newer analysis is
/// due). What was lowered is kept in the memo all the same.
#[allow(clippy::too_many_arguments)]
pub fn analyze_reusing(
    plugin: &'static Plugin,
    text: &Arc<str>,
    tree: &Tree,
    file: Option<&Path>,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
    memo: &mut Option<LowerMemo>,
    abandon: &dyn Fn() -> bool,
) -> Option<Analysis> {
    analyze_with(
        plugin,
        text,
        tree,
        file,
        index,
        extra,
        Some((text, memo)),
        abandon,
    )
}

#[allow(clippy::too_many_arguments)]
fn analyze_with(
    plugin: &'static Plugin,
    original_text: &str,
    original_tree: &Tree,
    file: Option<&Path>,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
    memo: Option<(&Arc<str>, &mut Option<LowerMemo>)>,
    abandon: &dyn Fn() -> bool,
) -> Option<Analysis> {
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
    let ext = (!abandon()).then(|| plugin.extension_stages(tree, text, extra));
    finish(
        plugin,
        module,
        groups,
        ext,
        original_text,
        file,
        index,
        keep,
        abandon,
    )
}

/// What every analysis does once the file is lowered: the model (unless abandoned, or
/// `ext`, the extension stages, is `None`), the memo for the next analysis, the rules.
#[allow(clippy::too_many_arguments)]
fn finish(
    plugin: &'static Plugin,
    module: crate::lang::ir::Module,
    groups: Vec<crate::lang::LoweredGroup>,
    ext: Option<Vec<crate::lang::ExtensionStage>>,
    original_text: &str,
    file: Option<&Path>,
    index: &dyn AppIndex,
    keep: Option<(&Arc<str>, &mut Option<LowerMemo>)>,
    abandon: &dyn Fn() -> bool,
) -> Option<Analysis> {
    let model =
        ext.and_then(|ext| model::build_unless(&module, plugin.name, file, index, &ext, abandon));
    if let Some((text, slot)) = keep {
        *slot = Some(LowerMemo::new(text.clone(), module.body, groups));
    }
    let model = model.filter(|_| !abandon())?;
    let diagnostics = rules::check(&rules::Ctx::new(&model, &plugin.naming, original_text));
    Some(Analysis {
        model,
        diagnostics,
        imports: module.imports,
    })
}

/// [`analyze_reusing`] of a big file that has nothing to reuse, without a syntax tree of it
/// all: parsed and lowered in pieces on several threads ([`Plugin::lower_in_pieces`]), then
/// analysed as usual; the result equals [`analyze`]'s. The outer `None` says it cannot be done
/// so (the text cannot be cut, a piece has a syntax error, or `pipelens.toml` has stage queries,
/// which match on the whole tree): parse the file whole. The inner one says it was abandoned.
/// When `keep` is given, the memo for the next analysis is left there.
pub fn analyze_in_pieces(
    plugin: &'static Plugin,
    text: &str,
    file: Option<&Path>,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
    keep: Option<(&Arc<str>, &mut Option<LowerMemo>)>,
    abandon: &dyn Fn() -> bool,
) -> Option<Option<Analysis>> {
    if plugin.has_extension_queries(extra) {
        return None;
    }
    let Lowered { module, groups, .. } = plugin.lower_in_pieces(text)?;
    let ext = (!abandon()).then(Vec::new);
    Some(finish(
        plugin, module, groups, ext, text, file, index, keep, abandon,
    ))
}

/// Parses and analyses a file's text in one go (CLI, tests).
pub fn analyze_text(
    plugin: &'static Plugin,
    text: &str,
    file: Option<&Path>,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
) -> Analysis {
    if let Some(Some(a)) = analyze_in_pieces(plugin, text, file, index, extra, None, &|| false) {
        return a;
    }
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
/// unexpected way or times out. Git runs only in a trusted workspace (`trusted`).
#[allow(clippy::too_many_arguments)]
pub fn source_synth_diagnostics(
    file: &Path,
    current_text: &str,
    plugin: &'static Plugin,
    index: &dyn AppIndex,
    extra: &ExtraQueries,
    base: Option<&str>,
    trusted: crate::trust::Trusted,
) -> Result<ChangeCheck, crate::git::GitError> {
    let current = analyze_text(plugin, current_text, Some(file), index, extra).model;
    if current.pipelines.is_empty() {
        return Ok(ChangeCheck::default());
    }
    let found = match crate::git::file_base(file, base, trusted)? {
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

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::sync::Arc;

    use super::{analyze_reusing, analyze_text};
    use crate::lang::{self, ExtraQueries};
    use crate::model::NoIndex;

    const PY: &str = include_str!("../../examples/payments-python/payments/pipeline_stack.py");

    #[test]
    fn an_abandoned_analysis_stops_between_phases_and_keeps_what_it_lowered() {
        let plugin = lang::for_language_id("python").unwrap();
        let text: Arc<str> = PY.into();
        let tree = plugin.parser().parse(PY, None).unwrap();
        let extra = ExtraQueries::default();
        let fresh = analyze_text(plugin, PY, None, &NoIndex, &extra);
        for stop_at in 1..=2 {
            let asked = Cell::new(0);
            let abandon = || {
                asked.set(asked.get() + 1);
                asked.get() >= stop_at
            };
            let mut memo = None;
            let a = analyze_reusing(
                plugin, &text, &tree, None, &NoIndex, &extra, &mut memo, &abandon,
            );
            assert!(a.is_none(), "abandoned at check {stop_at}");
            assert!(
                memo.is_some(),
                "the lowering is kept when abandoned at check {stop_at}"
            );
            // The next analysis reuses it and is whole.
            let b = analyze_reusing(
                plugin,
                &text,
                &tree,
                None,
                &NoIndex,
                &extra,
                &mut memo,
                &|| false,
            )
            .expect("not abandoned");
            assert_eq!(b.model, fresh.model);
            assert_eq!(b.diagnostics, fresh.diagnostics);
        }
    }

    /// The stage ids of the first pipeline `text` makes (as `file`), in order.
    fn stage_ids(language: &str, file: &str, text: &str) -> Option<Vec<String>> {
        let plugin = lang::for_language_id(language).unwrap();
        let path = std::path::Path::new(file);
        let a = analyze_text(plugin, text, Some(path), &NoIndex, &ExtraQueries::default());
        let p = a.model.pipelines.first()?;
        Some(
            p.stages
                .iter()
                .map(|s| s.id.clone().unwrap_or_else(|| "?".into()))
                .collect(),
        )
    }

    /// What a language predefines (`require`, `Object.keys`, `__dirname`, `super`, `__file__`)
    /// means what the language says, and a binding of the file's own with that name shadows it.
    #[test]
    fn builtins_mean_what_the_language_says_unless_the_file_binds_the_name() {
        let ts = |head: &str| {
            format!(
                "{head}\nimport * as cdk from 'aws-cdk-lib';\n\
                 const pipelines = require('aws-cdk-lib/pipelines');\n\
                 const ENVS = {{ dev: '111111111111', qa: '222222222222' }};\n\
                 const app = new cdk.App();\n\
                 class S extends cdk.Stage {{\n  constructor(scope: any, id: string) {{\n    \
                 super(scope, id, {{ env: {{ account: '333333333333', region: 'eu-west-1' }} }});\n  }}\n}}\n\
                 const stack = new cdk.Stack(app, 'P', {{ env: {{ account: '999999999999', region: 'us-east-1' }} }});\n\
                 const p = new pipelines.CodePipeline(stack, 'Pipeline', {{ synth: new pipelines.ShellStep('Synth', {{ commands: [] }}) }});\n\
                 Object.keys(ENVS).forEach((k) => p.addStage(new S(app, `K-${{k}}`)));\n\
                 Object.values(ENVS).forEach((a) => p.addStage(new S(app, `V-${{a}}`)));\n\
                 Object.entries(ENVS).forEach(([k, a]) => p.addStage(new S(app, `E-${{k}}-${{a}}`)));\n\
                 p.addStage(new S(app, `D${{__dirname}}`));\n"
            )
        };
        assert_eq!(
            stage_ids("typescript", "/app/lib/pipeline.ts", &ts("")).unwrap(),
            [
                "K-dev",
                "K-qa",
                "V-111111111111",
                "V-222222222222",
                "E-dev-111111111111",
                "E-qa-222222222222",
                "D/app/lib",
            ]
        );
        // The file's own `require`: `pipelines` is whatever it returns (not known), so no
        // pipeline is known to be made.
        assert_eq!(
            stage_ids(
                "typescript",
                "/app/lib/pipeline.ts",
                &ts("function require(m: string): any { return undefined; }")
            ),
            None
        );
        // The file's own `Object` and `__dirname`.
        assert_eq!(
            stage_ids(
                "typescript",
                "/app/lib/pipeline.ts",
                &ts("function keys(o: any) { return ['x']; }\n\
                     function values(o: any) { return ['y']; }\n\
                     function entries(o: any) { return [['e', 'f']]; }\n\
                     const Object = { keys, values, entries };\nconst __dirname = 'here';"),
            )
            .unwrap(),
            ["K-x", "V-y", "E-e-f", "Dhere"]
        );
        let py = |head: &str| {
            format!(
                "{head}\nimport aws_cdk as cdk\nfrom aws_cdk import pipelines\n\
                 class S(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        \
                 super().__init__(scope, id, env=cdk.Environment(account=\"333333333333\", region=\"eu-west-1\"))\n\
                 app = cdk.App()\n\
                 stack = cdk.Stack(app, \"P\", env=cdk.Environment(account=\"999999999999\", region=\"us-east-1\"))\n\
                 p = pipelines.CodePipeline(stack, \"Pipeline\", synth=pipelines.ShellStep(\"Synth\", commands=[]))\n\
                 p.add_stage(S(app, f\"F{{__file__}}\"))\n"
            )
        };
        assert_eq!(
            stage_ids("python", "/app/app.py", &py("")).unwrap(),
            ["F/app/app.py"]
        );
        assert_eq!(
            stage_ids("python", "/app/app.py", &py("__file__ = \"mine\"")).unwrap(),
            ["Fmine"]
        );
        // The env a stack class gives its base constructor is its pipeline's.
        let py = "import aws_cdk as cdk\nfrom aws_cdk import pipelines\n\
                  class P(cdk.Stack):\n    def __init__(self, scope, id):\n        \
                  super().__init__(scope, id, env=cdk.Environment(account=\"333333333333\", region=\"eu-west-1\"))\n        \
                  pipelines.CodePipeline(self, \"Pipeline\", synth=pipelines.ShellStep(\"Synth\", commands=[]))\n\
                  P(cdk.App(), \"P\")\n";
        let ts = "import * as cdk from 'aws-cdk-lib';\nimport * as pipelines from 'aws-cdk-lib/pipelines';\n\
                  class P extends cdk.Stack {\n  constructor(scope: any, id: string) {\n    \
                  super(scope, id, { env: { account: '333333333333', region: 'eu-west-1' } });\n    \
                  new pipelines.CodePipeline(this, 'Pipeline', { synth: new pipelines.ShellStep('Synth', { commands: [] }) });\n  }\n}\n\
                  new P(new cdk.App(), 'P');\n";
        for (language, text) in [("python", py), ("typescript", ts)] {
            let plugin = lang::for_language_id(language).unwrap();
            let a = analyze_text(plugin, text, None, &NoIndex, &ExtraQueries::default());
            let env = format!("{:?}", a.model.pipelines[0].env);
            assert!(env.contains("333333333333"), "{language}: {env}");
        }
    }

    #[test]
    fn a_model_build_stops_midway_when_asked_to() {
        let plugin = lang::for_language_id("python").unwrap();
        let mut text = String::from(
            "from aws_cdk import pipelines\n\np = pipelines.CodePipeline(None, \"P\")\n",
        );
        for i in 0..1000 {
            text.push_str(&format!("p.add_wave(\"W{i}\")\n"));
        }
        let tree = plugin.parser().parse(&text, None).unwrap();
        let module = plugin.lower(&tree, &text);
        let asked = Cell::new(0);
        let stop = || {
            asked.set(asked.get() + 1);
            true
        };
        let stopped = crate::model::build_unless(&module, "python", None, &NoIndex, &[], &stop);
        assert!(stopped.is_none());
        assert_eq!(asked.get(), 1, "asked once, then stopped");
        let whole = crate::model::build_unless(&module, "python", None, &NoIndex, &[], &|| false);
        assert_eq!(whole.as_ref().unwrap().pipelines[0].waves.len(), 1000);
        assert_eq!(
            whole.as_ref(),
            Some(&crate::model::build(&module, "python", None, &NoIndex, &[]))
        );
    }
}
