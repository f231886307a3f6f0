//! The cross-file index of one CDK app: every source file lowered once, the classes they
//! define, the constructs they instantiate at module level, and the cdk.json context.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::lang::{self, ir};
use crate::model::{self, AppIndex, Instantiation};

/// Files above this size are not indexed (generated code, bundles).
const MAX_INDEXED_FILE: u64 = 2 * 1024 * 1024;
const MAX_INDEXED_FILES: usize = 2_000;

#[derive(Default)]
pub struct Index {
    pub root: Option<PathBuf>,
    context: serde_json::Map<String, serde_json::Value>,
    files: HashMap<PathBuf, Arc<ir::Module>>,
    classes: HashMap<String, PathBuf>,
    instantiations: HashMap<String, Vec<(PathBuf, Instantiation)>>,
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
        match std::fs::read_to_string(&cdk_json) {
            Ok(text) => match serde_json::from_str::<serde_json::Value>(&text) {
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
                None => {
                    if std::fs::metadata(&path)
                        .map(|m| m.len() > MAX_INDEXED_FILE)
                        .unwrap_or(true)
                    {
                        continue;
                    }
                    match std::fs::read(&path) {
                        Ok(bytes) => String::from_utf8_lossy(&bytes).into(),
                        Err(_) => continue,
                    }
                }
            };
            index.add_file(path, &text);
        }
        index.compute_instantiations();
        index
    }

    fn add_file(&mut self, path: PathBuf, text: &str) {
        let Some(plugin) = lang::for_path(&path) else {
            return;
        };
        let Some(tree) = plugin.parser().parse(text, None) else {
            return;
        };
        let module = plugin.lower(&tree, text);
        for stmt in &module.body {
            if let ir::Stmt::Class(c) = stmt {
                self.classes
                    .entry(c.name.clone())
                    .or_insert_with(|| path.clone());
            }
        }
        self.files.insert(path, Arc::new(module));
    }

    fn compute_instantiations(&mut self) {
        let mut all: HashMap<String, Vec<(PathBuf, Instantiation)>> = HashMap::new();
        for (path, module) in &self.files {
            for inst in model::instantiations(module, self) {
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
        let module = self.files.get(path)?;
        let class = module.body.iter().find_map(|s| match s {
            ir::Stmt::Class(c) if c.name == name => Some(c),
            _ => None,
        })?;
        Some((path.as_path(), class, module.as_ref()))
    }

    fn instantiations(&self, class: &str) -> Vec<(PathBuf, Instantiation)> {
        self.instantiations.get(class).cloned().unwrap_or_default()
    }

    fn has_app(&self) -> bool {
        self.root.is_some()
    }
}
