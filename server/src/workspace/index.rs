//! The cross-file index of one CDK app: the classes its source files define, the constructs
//! they instantiate at module level, its Stage classes, and the cdk.json context.
//!
//! Every file is lowered while the index is built; afterwards only the text is kept, and a
//! file is lowered again (once, then kept) when an analysis asks for one of its classes. The
//! lowered IR is some 35 times its text: two 10,000-line files of an app kept 30 MB resident
//! when every module stayed lowered.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::lang::{self, ir, Plugin};
use crate::model::{self, AppIndex, Instantiation};

/// Files above this size are not indexed (generated code, bundles).
const MAX_INDEXED_FILE: u64 = 2 * 1024 * 1024;
/// A `cdk.json` is a few lines of JSON; context caches make some large, none this large.
const MAX_CDK_JSON: u64 = 16 * 1024 * 1024;
const MAX_INDEXED_FILES: usize = 2_000;

struct File {
    plugin: &'static Plugin,
    text: Arc<str>,
    /// Lowered on demand (see the module comment).
    module: OnceLock<ir::Module>,
}

impl File {
    fn module(&self) -> &ir::Module {
        self.module.get_or_init(|| lower(self.plugin, &self.text))
    }
}

fn lower(plugin: &Plugin, text: &str) -> ir::Module {
    match plugin.parser().parse(text, None) {
        Some(tree) => plugin.lower(&tree, text),
        // Only a cancelled parse returns None; there is no cancellation here.
        None => ir::Module::default(),
    }
}

#[derive(Default)]
pub struct Index {
    pub root: Option<PathBuf>,
    context: serde_json::Map<String, serde_json::Value>,
    files: HashMap<PathBuf, File>,
    classes: HashMap<String, PathBuf>,
    instantiations: HashMap<String, Vec<(PathBuf, Instantiation)>>,
    stage_classes: Vec<String>,
    /// Some file uses a construct that brings assets along (see `model::mentions_assets`).
    mentions_assets: bool,
    /// Problems reading the app (a broken cdk.json), reported once by the caller.
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Index({:?}, {} files)", self.root, self.files.len())
    }
}

impl Index {
    /// Indexes the app whose `cdk.json` is in `root`. `overrides` replaces files' disk content
    /// (open editor buffers).
    pub fn build(root: &Path, overrides: &HashMap<PathBuf, Arc<str>>) -> Index {
        let mut index = Index {
            root: Some(root.to_path_buf()),
            ..Index::default()
        };
        let cdk_json = root.join("cdk.json");
        match super::read_file(&cdk_json, MAX_CDK_JSON) {
            Ok(text) => match serde_json::from_slice::<serde_json::Value>(&text) {
                Ok(v) => {
                    if let Some(ctx) = v.get("context").and_then(|c| c.as_object()) {
                        index.context = ctx.clone();
                    }
                }
                Err(e) => index
                    .warnings
                    .push(format!("{}: not valid JSON: {e}", cdk_json.display())),
            },
            Err(e) => index.warnings.push(format!("{}: {e}", cdk_json.display())),
        }
        for path in super::source_files(root, MAX_INDEXED_FILES) {
            let text: Arc<str> = match overrides.get(&path) {
                Some(t) => t.clone(),
                None => match super::read_text_lossy(&path, MAX_INDEXED_FILE) {
                    Ok(text) => text.into(),
                    // Bigger than any hand-written source: a bundle or generated file.
                    Err(e) if e.kind() == std::io::ErrorKind::InvalidData => continue,
                    // A file of the app that cannot be read: its classes are unknown, and the
                    // stages that use them uncertain; say why, once.
                    Err(e) => {
                        index.warnings.push(format!(
                            "{}: cannot be read ({e}); what it defines is unknown",
                            path.display()
                        ));
                        continue;
                    }
                },
            };
            index.add_file(path, text);
        }
        index.compute_instantiations();
        index.stage_classes = index.find_stage_classes();
        // Keep the text, not the IR: a file is lowered again when one of its classes is asked for.
        for file in index.files.values_mut() {
            file.module = OnceLock::new();
        }
        index
    }

    fn add_file(&mut self, path: PathBuf, text: Arc<str>) {
        let Some(plugin) = lang::for_path(&path) else {
            return;
        };
        let module = lower(plugin, &text);
        self.mentions_assets |= model::mentions_assets(&module);
        for stmt in &module.body {
            if let ir::Stmt::Class(c) = stmt {
                self.classes
                    .entry(c.name.clone())
                    .or_insert_with(|| path.clone());
            }
        }
        self.files.insert(
            path,
            File {
                plugin,
                text,
                module: OnceLock::from(module),
            },
        );
    }

    fn compute_instantiations(&mut self) {
        let mut all: HashMap<String, Vec<(PathBuf, Instantiation)>> = HashMap::new();
        for (path, file) in &self.files {
            for inst in model::instantiations(file.module(), self) {
                all.entry(inst.class.clone())
                    .or_default()
                    .push((path.clone(), inst));
            }
        }
        for list in all.values_mut() {
            list.sort_by(|a, b| (&a.0, a.1.span.start_byte).cmp(&(&b.0, b.1.span.start_byte)));
        }
        self.instantiations = all;
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// The app's Stage subclasses, for completion snippets.
    pub fn stage_classes(&self) -> Vec<String> {
        self.stage_classes.clone()
    }

    fn find_stage_classes(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .classes
            .keys()
            .filter(|name| self.extends(name, "Stage", 0))
            .cloned()
            .collect();
        out.sort();
        out
    }

    fn extends(&self, name: &str, base: &str, depth: usize) -> bool {
        let Some((_, class, _)) = AppIndex::class(self, name) else {
            return false;
        };
        depth < 8
            && class.bases.iter().any(|b| {
                b.dotted()
                    .and_then(|d| d.last().map(|s| s.to_string()))
                    .is_some_and(|last| {
                        last == base || (last != name && self.extends(&last, base, depth + 1))
                    })
            })
    }

    pub fn context_map(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.context
    }
}

impl AppIndex for Index {
    fn context(&self, key: &str) -> Option<&serde_json::Value> {
        self.context.get(key)
    }

    fn class(&self, name: &str) -> Option<(&Path, &ir::ClassDef, &ir::Module)> {
        let path = self.classes.get(name)?;
        let module = self.files.get(path)?.module();
        let class = module.body.iter().find_map(|s| match s {
            ir::Stmt::Class(c) if c.name == name => Some(c),
            _ => None,
        })?;
        Some((path.as_path(), class, module))
    }

    fn instantiations(&self, class: &str) -> Vec<(PathBuf, Instantiation)> {
        self.instantiations.get(class).cloned().unwrap_or_default()
    }

    fn has_app(&self) -> bool {
        self.root.is_some()
    }

    fn mentions_assets(&self) -> bool {
        self.mentions_assets
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_are_kept_as_text_and_lowered_again_when_a_class_is_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cdk.json"), r#"{"app": "python3 app.py"}"#).unwrap();
        std::fs::write(
            dir.path().join("stages.py"),
            "import aws_cdk as cdk\n\nclass Base(cdk.Stage):\n    pass\n\nclass AppStage(Base):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("app.py"),
            "import aws_cdk as cdk\nfrom pipeline import PipelineStack\n\napp = cdk.App()\nPipelineStack(app, \"P\", env=cdk.Environment(account=\"111111111111\", region=\"eu-west-1\"))\n",
        )
        .unwrap();
        let index = Index::build(dir.path(), &HashMap::new());
        assert_eq!(index.file_count(), 2);
        assert!(index.files.values().all(|f| f.module.get().is_none()));
        // Built while the modules were there: Stage subclasses through a base, instantiations.
        assert_eq!(index.stage_classes(), ["AppStage", "Base"]);
        let inst = AppIndex::instantiations(&index, "PipelineStack");
        assert_eq!(inst.len(), 1);
        assert!(inst[0].0.ends_with("app.py"));
        // Asking for a class lowers its file, and only its file.
        let (path, class, module) = AppIndex::class(&index, "AppStage").unwrap();
        assert!(path.ends_with("stages.py"));
        assert_eq!(class.name, "AppStage");
        assert_eq!(module.body.len(), 2);
        let lowered: Vec<&PathBuf> = index
            .files
            .iter()
            .filter(|(_, f)| f.module.get().is_some())
            .map(|(p, _)| p)
            .collect();
        assert_eq!(lowered, [path]);
    }
}
