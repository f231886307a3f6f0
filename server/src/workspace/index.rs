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
/// How many source files the walk lists before choosing which to index.
const MAX_LISTED_FILES: usize = 20_000;

struct File {
    plugin: &'static Plugin,
    text: Arc<str>,
    /// The words of the text outside comments (see [`Index::is_live`]).
    words: std::collections::HashSet<Box<str>>,
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

/// The lowered module and the words of the text outside comments.
fn lower_with_words(
    plugin: &Plugin,
    text: &str,
) -> (ir::Module, std::collections::HashSet<Box<str>>) {
    let Some(tree) = plugin.parser().parse(text, None) else {
        return (ir::Module::default(), Default::default());
    };
    // Comments blanked (a loop over a cursor: no recursion however deep the tree).
    let mut code = text.as_bytes().to_vec();
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if node.kind() == "comment" {
            code[node.byte_range()].fill(b' ');
        } else if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    let code = String::from_utf8_lossy(&code);
    let words = code
        .split(|c| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(Box::from)
        .collect();
    (plugin.lower(&tree, text), words)
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
    /// Each file's path with `.` and `..` resolved, to its key in `files` (imports name files
    /// by relative paths).
    normal: HashMap<PathBuf, PathBuf>,
    /// Per file: (class, attribute) pairs it adds stages through (see `model::extensions`).
    extensions: Vec<(PathBuf, String, String)>,
    /// By class: the files and classes that make it with `self` as scope (see
    /// `model::classes_made_with_self`).
    made_by: HashMap<String, Vec<(PathBuf, String)>>,
    /// The last names of every class's bases (see `model::base_names`).
    bases: std::collections::HashSet<String>,
    /// The app's entry file (from cdk.json's `app` command), when it names one that exists.
    entry: Option<PathBuf>,
    /// Files no file reachable from the entry can import (see [`Index::is_live`]).
    dead: std::collections::HashSet<PathBuf>,
    /// Problems reading the app (a broken cdk.json), reported once by the caller.
    pub warnings: Vec<String>,
    /// The app's `aws-cdk-lib` version, from its lock file or manifest.
    cdk_version: Option<crate::model::CdkVersion>,
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
        index.cdk_version = super::cdk_version::read(root);
        let cdk_json = root.join("cdk.json");
        match super::read_file(&cdk_json, MAX_CDK_JSON) {
            Ok(text) => match serde_json::from_slice::<serde_json::Value>(&text) {
                Ok(v) => {
                    if let Some(ctx) = v.get("context").and_then(|c| c.as_object()) {
                        index.context = ctx.clone();
                    }
                    index.entry = v
                        .get("app")
                        .and_then(|a| a.as_str())
                        .and_then(|app| entry_file(root, app));
                }
                Err(e) => index
                    .warnings
                    .push(format!("{}: not valid JSON: {e}", cdk_json.display())),
            },
            Err(e) => index.warnings.push(format!("{}: {e}", cdk_json.display())),
        }
        // The app's own files first: the entry and what it imports, transitively; then the
        // rest, nearest the root first, up to the limit. A big unrelated folder never pushes
        // the app's Stage classes out of the index.
        let listed = super::source_files(root, MAX_LISTED_FILES);
        let by_normal: HashMap<PathBuf, &PathBuf> =
            listed.iter().map(|p| (normalize(p), p)).collect();
        let mut queue: std::collections::VecDeque<PathBuf> = index
            .entry
            .iter()
            .filter_map(|e| by_normal.get(&normalize(e)).map(|p| (*p).clone()))
            .collect();
        let mut queued: std::collections::HashSet<PathBuf> = queue.iter().cloned().collect();
        let mut skipped: Vec<(PathBuf, &'static str)> = Vec::new();
        let mut rest = listed.iter();
        while index.files.len() < MAX_INDEXED_FILES {
            let path = match queue.pop_front() {
                Some(p) => p,
                None => match rest.next() {
                    Some(p) if queued.insert(p.clone()) => p.clone(),
                    Some(_) => continue,
                    None => break,
                },
            };
            let text: Arc<str> = match overrides.get(&path) {
                // An open document is held to the same limit as the file on disk, so the
                // server's index is the CLI's: a huge file is not parsed a second time for it.
                Some(t) if t.len() as u64 > MAX_INDEXED_FILE => {
                    skipped.push((path, "over 2 MiB"));
                    continue;
                }
                Some(t) => t.clone(),
                None => match super::read_text_lossy(&path, MAX_INDEXED_FILE) {
                    Ok(text) => text.into(),
                    // Bigger than any hand-written source: a bundle or generated file.
                    Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                        skipped.push((path, "over 2 MiB"));
                        continue;
                    }
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
            if let Some(why) = super::not_source(&path, &text) {
                skipped.push((path, why));
                continue;
            }
            index.add_file(path.clone(), text);
            // What it imports from the app comes next.
            if let Some(file) = index.files.get(&path) {
                for imp in &file.module().imports {
                    for c in module_candidates(root, &path, &imp.module) {
                        if let Some(p) = by_normal.get(&normalize(&c)) {
                            if queued.insert((*p).clone()) {
                                queue.push_back((*p).clone());
                            }
                        }
                    }
                }
            }
        }
        if let Some((first, why)) = skipped.first() {
            index.warnings.push(format!(
                "{} file(s) left out of the app's index as not hand-written source (binary, \
                 minified, bundled or over 2 MiB): what they define is unknown to its other \
                 files; {} ({why}) first",
                skipped.len(),
                first.display()
            ));
        }
        if index.files.len() >= MAX_INDEXED_FILES && listed.len() > MAX_INDEXED_FILES {
            index.warnings.push(format!(
                "{}: the app has more than {MAX_INDEXED_FILES} source files; the {MAX_INDEXED_FILES} \
                 its entry imports and nearest its root are indexed, what the others define is \
                 unknown",
                root.display()
            ));
        }
        index.compute_instantiations();
        index.stage_classes = index.find_stage_classes();
        index.dead = index.find_dead_files();
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
        let (module, words) = lower_with_words(plugin, &text);
        self.mentions_assets |= model::mentions_assets(&module);
        for (maker, made) in model::classes_made_with_self(&module) {
            self.made_by
                .entry(made)
                .or_default()
                .push((path.clone(), maker));
        }
        for stmt in &module.body {
            if let ir::Stmt::Class(c) = stmt {
                self.classes
                    .entry(c.name.clone())
                    .or_insert_with(|| path.clone());
                self.bases.extend(model::base_names(c));
            }
        }
        self.normal.insert(normalize(&path), path.clone());
        self.files.insert(
            path,
            File {
                plugin,
                text,
                words,
                module: OnceLock::from(module),
            },
        );
    }

    fn compute_instantiations(&mut self) {
        let mut extensions = Vec::new();
        // Only files that add stages at all run their constructors for this.
        const ADDS: [&str; 6] = [
            "add_stage",
            "addStage",
            "add_wave",
            "addWave",
            "add_application_stage",
            "addApplicationStage",
        ];
        // And files that call a method of the app's classes that adds stages
        // (`stack.add_app(…)`).
        let mut methods: Vec<String> = self
            .files
            .values()
            .flat_map(|f| model::stage_adding_methods(f.module()))
            .collect();
        methods.sort();
        methods.dedup();
        for (path, file) in &self.files {
            if !ADDS.iter().any(|w| file.words.contains(*w))
                && !methods.iter().any(|m| file.words.contains(m.as_str()))
            {
                continue;
            }
            for (class, attr) in model::extensions(file.module(), Some(path), self) {
                extensions.push((path.clone(), class, attr));
            }
        }
        self.extensions = extensions;
        let mut all: HashMap<String, Vec<(PathBuf, Instantiation)>> = HashMap::new();
        for (path, file) in &self.files {
            for inst in model::instantiations(file.module(), Some(path), self) {
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

    /// Whether the app can run the code of `path`: true unless the entry file is known and no
    /// file reachable from it mentions `path`'s module (a leftover file nothing imports; its
    /// pipeline is not part of the app). Files outside the index count as live.
    pub fn is_live(&self, path: &Path) -> bool {
        !self.dead.contains(path)
    }

    /// The files that no file reachable from the entry can import. An import is seen wherever
    /// a reachable file's code (comments left out) names the module (its file name without
    /// extension, or its folder's name for `__init__.py` / `index.ts`) as a word: more edges
    /// than the real import graph, never fewer (a dynamic import, a re-export, a `require` all
    /// name the module), so a live file is never taken for dead.
    fn find_dead_files(&self) -> std::collections::HashSet<PathBuf> {
        use std::collections::HashSet;
        let mut dead = HashSet::new();
        let Some(entry) = self.entry.as_ref().filter(|e| self.files.contains_key(*e)) else {
            return dead;
        };
        let mut live: HashSet<&Path> = HashSet::new();
        let mut by_name: HashMap<&str, Vec<&Path>> = HashMap::new();
        let names: Vec<(&PathBuf, Vec<String>)> =
            self.files.keys().map(|p| (p, module_names(p))).collect();
        for (path, names) in &names {
            // A name that is not one word (`app.stage.ts`) is never matched: always live.
            if names.is_empty() || names.iter().any(|n| n.contains(|c| !is_word_char(c))) {
                live.insert(path);
            }
            for n in names {
                by_name.entry(n.as_str()).or_default().push(path);
            }
        }
        let mut todo = vec![entry.as_path()];
        live.insert(entry);
        while let Some(file) = todo.pop() {
            for word in &self.files[file].words {
                for &path in by_name.get(&**word).into_iter().flatten() {
                    if live.insert(path) {
                        todo.push(path);
                    }
                }
            }
        }
        for path in self.files.keys() {
            if !live.contains(path.as_path()) {
                dead.insert(path.clone());
            }
        }
        dead
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

/// The entry file of cdk.json's `app` command (`python3 app.py`, `npx ts-node
/// --prefer-ts-exts bin/app.ts`, `node bin/app.js`): the first word that names a source file
/// of the app.
fn entry_file(root: &Path, app: &str) -> Option<PathBuf> {
    app.split_whitespace()
        .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
        .filter(|w| lang::for_path(Path::new(w)).is_some())
        .map(|w| root.join(w))
        .find(|p| p.is_file())
}

/// The files an import of `module` from the file `from` may name, in the order its language
/// looks (the plugin's `module_files`), normalised as the index keys them.
fn module_candidates(root: &Path, from: &Path, module: &str) -> Vec<PathBuf> {
    let dir = from.parent().unwrap_or(root);
    let Some(plugin) = lang::for_path(from) else {
        return Vec::new();
    };
    // `a/../b` as the index keys it (the files' paths have no `..`).
    (plugin.module_files)(root, dir, module)
        .into_iter()
        .map(|p| normalize(&p))
        .collect()
}

/// `a/./b/../c` as `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The names other files import `path` by: its file name without extension, and for the
/// file that stands for its folder (its plugin's `folder_module`) the folder's name.
fn module_names(path: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
        if crate::lang::for_path(path).is_some_and(|p| p.folder_module == stem) {
            if let Some(dir) = path
                .parent()
                .and_then(|d| d.file_name())
                .and_then(|d| d.to_str())
            {
                out.push(dir.to_string());
            }
        } else {
            out.push(stem.to_string());
        }
    }
    out
}

/// A character of a module name as it appears in an import: letters, digits, `_`, `-`, `$`.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '$'
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

    fn cdk_version(&self) -> Option<&crate::model::CdkVersion> {
        self.cdk_version.as_ref()
    }

    fn mentions_assets(&self) -> bool {
        self.mentions_assets
    }

    fn module(&self, from: Option<&Path>, module: &str) -> Option<(&Path, &ir::Module)> {
        let root = self.root.as_deref()?;
        let from = from?;
        let candidates = module_candidates(root, from, module);
        let (path, file) = candidates.iter().find_map(|c| {
            let key = self.normal.get(c)?;
            self.files.get_key_value(key)
        })?;
        Some((path.as_path(), file.module()))
    }

    fn file_module(&self, path: &Path) -> Option<(&Path, &ir::Module)> {
        let (path, file) = self.files.get_key_value(path)?;
        Some((path.as_path(), file.module()))
    }

    fn package_files(&self, file: &Path) -> Vec<(&Path, &ir::Module)> {
        let Some(in_package) = self.files.get(file).and_then(|f| f.plugin.package_scope) else {
            return Vec::new();
        };
        if !self
            .files
            .get(file)
            .is_some_and(|f| in_package(file, &f.text))
        {
            return Vec::new();
        }
        let folder = file.parent();
        let mut out: Vec<(&Path, &ir::Module)> = self
            .files
            .iter()
            .filter(|(p, f)| {
                p.as_path() != file
                    && p.parent() == folder
                    && std::ptr::eq(f.plugin, self.files[file].plugin)
                    && in_package(p, &f.text)
            })
            .map(|(p, f)| (p.as_path(), f.module()))
            .collect();
        out.sort_by(|a, b| a.0.cmp(b.0));
        out
    }

    fn subclassed(&self, class: &str) -> bool {
        self.bases.contains(class)
    }

    fn made_by(&self, class: &str) -> Vec<(PathBuf, String)> {
        self.made_by.get(class).cloned().unwrap_or_default()
    }

    fn extended(&self, class: &str, file: Option<&Path>) -> Vec<String> {
        self.extensions
            .iter()
            .filter(|(path, c, _)| c == class && Some(path.as_path()) != file)
            .map(|(_, _, attr)| attr.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A monorepo folder with more source files than the index takes, named so that a walk
    /// in name order (or depth first) reaches it before the app's own package: the entry and
    /// what it imports are indexed first all the same.
    #[test]
    fn the_apps_own_files_are_indexed_before_an_unrelated_folder_fills_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("cdk.json"), r#"{"app": "python3 app.py"}"#).unwrap();
        std::fs::write(
            root.join("app.py"),
            "from infra.deep.stages import AppStage\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("infra/deep")).unwrap();
        std::fs::write(
            root.join("infra/deep/stages.py"),
            "import aws_cdk as cdk\nclass AppStage(cdk.Stage):\n    pass\n",
        )
        .unwrap();
        let other = root.join("zzz_frontend/src");
        std::fs::create_dir_all(&other).unwrap();
        for i in 0..MAX_INDEXED_FILES + 50 {
            std::fs::write(other.join(format!("m{i:05}.js")), "export const x = 1;\n").unwrap();
        }
        let index = Index::build(root, &HashMap::new());
        assert!(AppIndex::class(&index, "AppStage").is_some());
        assert_eq!(index.files.len(), MAX_INDEXED_FILES);
        assert!(
            index
                .warnings
                .iter()
                .any(|w| w.contains("more than 2000 source files")),
            "{:?}",
            index.warnings
        );
    }

    /// Bundles, minified files and binaries named like source are not indexed, and one warning
    /// says so for all of them.
    #[test]
    fn bundles_minified_files_and_binaries_are_skipped_and_said_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("cdk.json"), r#"{"app": "python3 app.py"}"#).unwrap();
        std::fs::write(
            root.join("app.py"),
            "import aws_cdk as cdk\nclass AppStage(cdk.Stage):\n    pass\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("lambda/handler")).unwrap();
        let bundle = format!(
            "class Bundled extends cdk.Stage {{}};{}\n",
            "var a=1;".repeat(2_000)
        );
        std::fs::write(root.join("lambda/handler/index.js"), &bundle).unwrap();
        std::fs::write(root.join("lambda/app.min.js"), "class Minified {}\n").unwrap();
        let mut binary = b"class Binary:\n    pass\n".to_vec();
        binary.extend([0u8, 159, 146, 150].repeat(1_000));
        std::fs::write(root.join("blob.py"), binary).unwrap();
        let index = Index::build(root, &HashMap::new());
        assert!(AppIndex::class(&index, "AppStage").is_some());
        for class in ["Bundled", "Minified", "Binary"] {
            assert!(AppIndex::class(&index, class).is_none(), "{class}");
        }
        let said: Vec<_> = index
            .warnings
            .iter()
            .filter(|w| w.contains("left out of the app's index"))
            .collect();
        assert_eq!(said.len(), 1, "{:?}", index.warnings);
        assert!(
            said[0].starts_with("3 file(s) left out of the app's index"),
            "{}",
            said[0]
        );
    }

    /// An open document over the limit is skipped as the file on disk would be: the server
    /// does not parse a huge document a second time for its index (#16).
    #[test]
    fn an_open_document_over_the_limit_is_skipped_as_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("cdk.json"), r#"{"app": "python3 app.py"}"#).unwrap();
        std::fs::write(root.join("app.py"), "import aws_cdk as cdk\n").unwrap();
        let big = format!(
            "import aws_cdk as cdk\nclass Huge(cdk.Stage):\n    pass\n{}",
            "x = 1\n".repeat(2 * 1024 * 1024 / 6 + 1)
        );
        let small = "import aws_cdk as cdk\nclass Small(cdk.Stage):\n    pass\n";
        let overrides: HashMap<PathBuf, Arc<str>> = [
            (root.join("app.py"), Arc::from(big.as_str())),
            (root.join("stages.py"), Arc::from(small)),
        ]
        .into_iter()
        .collect();
        std::fs::write(root.join("stages.py"), "").unwrap();
        let index = Index::build(root, &overrides);
        assert!(AppIndex::class(&index, "Huge").is_none());
        assert!(AppIndex::class(&index, "Small").is_some());
        assert!(
            index.warnings.iter().any(|w| w.contains("(over 2 MiB)")),
            "{:?}",
            index.warnings
        );
    }

    #[test]
    fn a_file_nothing_reachable_from_the_entry_names_is_dead() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("cdk.json"),
            r#"{"app": "npx ts-node --prefer-ts-exts bin/app.ts"}"#,
        )
        .unwrap();
        for (path, text) in [
            ("bin/app.ts", "import { P } from '../lib/pipeline-stack';\nnew P();\n"),
            (
                "lib/pipeline-stack.ts",
                "// Replaces old-pipeline-stack.ts.\nimport { S } from './stages';\nexport class P {}\n",
            ),
            ("lib/stages/index.ts", "export * from './app-stage';\n"),
            ("lib/stages/app-stage.ts", "export class S {}\n"),
            // Named only by a dead file, or by a longer name: dead.
            ("lib/old-pipeline-stack.ts", "import { S } from './stages';\nimport './older';\n"),
            ("lib/older.ts", "export {};\n"),
            ("lib/stack.ts", "export {};\n"),
        ] {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), text).unwrap();
        }
        let index = Index::build(root, &HashMap::new());
        let live = |p: &str| index.is_live(&root.join(p));
        assert!(live("bin/app.ts"));
        assert!(live("lib/pipeline-stack.ts"));
        assert!(live("lib/stages/index.ts"));
        assert!(live("lib/stages/app-stage.ts"));
        assert!(!live("lib/old-pipeline-stack.ts"));
        assert!(!live("lib/older.ts"));
        assert!(
            !live("lib/stack.ts"),
            "`pipeline-stack` is not the word `stack`"
        );

        // No entry that names a file: nothing is taken for dead.
        std::fs::write(root.join("cdk.json"), r#"{"app": "make synth"}"#).unwrap();
        let index = Index::build(root, &HashMap::new());
        assert!(index.is_live(&root.join("lib/old-pipeline-stack.ts")));
    }

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
