//! Language plugins. A plugin is a tree-sitter grammar, the queries under `queries/<lang>/`,
//! a lowering into the language-neutral [`ir`], and a naming table. Nothing outside this
//! module knows which language a file is written in.

mod csharp;
mod go;
pub mod ir;
mod java;
mod naming;
mod nesting;
mod python;
mod python_env;
mod reuse;
mod typescript;

pub use naming::{Case, Naming, Props, PropsSyntax, SnippetArg, SnippetValue, Str};
pub use reuse::{Group as LoweredGroup, LowerMemo};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Language, Node, Parser, Query, QueryCursor, Tree};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LangId {
    Python,
    TypeScript,
    JavaScript,
    Java,
    CSharp,
    Go,
}

/// A shipped query file: its purpose name and its text.
type QuerySource = (&'static str, &'static str);

/// A lowering and what the next lowering of the same document can reuse from it.
#[derive(Debug)]
pub struct Lowered {
    pub module: ir::Module,
    /// How many statements were moved over from the memo instead of lowered.
    pub reused: usize,
    /// Pass to [`LowerMemo::new`] with the tree and `module.body` once done with them.
    pub groups: Vec<LoweredGroup>,
}

/// A place a failure names: the file as printed, its 1-based line and column.
pub type SynthPlace = (String, u32, Option<u32>);
/// Which lines of a synth's output are cdk's own chatter.
pub type Noise = fn(&str) -> bool;

/// The environment an app's synth runs in: a folder first on PATH (an interpreter's), and the
/// virtual environment it belongs to, if any (named in `VIRTUAL_ENV`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppEnv {
    /// The folder with the interpreter (`.venv/bin`), put first on PATH.
    pub bin: PathBuf,
    /// The virtual environment, when `bin` is one's.
    pub venv: Option<PathBuf>,
    /// Where it was found, for messages: `the synth.python setting`, `the app's .venv`…
    pub source: String,
    /// Variables the child must not inherit (`PYTHONHOME` would point it elsewhere).
    pub unset: &'static [&'static str],
}

impl AppEnv {
    /// The child's PATH: `bin` first, then the server's own.
    pub fn path(&self) -> std::ffi::OsString {
        let mut parts = vec![self.bin.clone()];
        if let Some(p) = std::env::var_os("PATH") {
            parts.extend(std::env::split_paths(&p));
        }
        std::env::join_paths(parts).unwrap_or_else(|_| self.bin.clone().into_os_string())
    }
}

/// What a language needs around a synth of one of its apps (`synth` asks the plugin whose
/// `app` it is).
pub struct SynthEnvironment {
    /// Whether the app at this root is one of this language's (its `cdk.json` `app` command).
    pub owns: fn(root: &Path) -> bool,
    /// The environment its synth runs in (none: PATH as it is).
    pub find: fn(root: &Path, settings: &crate::workspace::Settings) -> Option<AppEnv>,
    /// The interpreters a failure message names, looked up on the synth's PATH.
    pub interpreters: &'static [&'static str],
    /// What to add to a failed synth's message (`interpreter`: which one ran, and from where).
    pub hint: fn(message: &str, interpreter: &str) -> Option<String>,
}

/// A language whose synth needs nothing around it.
const NO_SYNTH_ENVIRONMENT: SynthEnvironment = SynthEnvironment {
    owns: |_| false,
    find: |_, _| None,
    interpreters: &[],
    hint: |_, _| None,
};

/// How a language's values behave where the model evaluates the app's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// A missing key is an error, `+` never mixes a string and a number, a list's `+` joins
    /// lists, the file's own path is `__file__`.
    Strict,
    /// A missing key reads as `undefined`, `"a" + 1` is `"a1"`, a list has `join`, the file's
    /// folder is `__dirname`.
    Loose,
}

/// How a language's runtime reports a failed `cdk synth`: `synth::failure` asks every plugin,
/// in `ALL`'s order (an app's output holds one language's errors, and a TypeScript app's also
/// Node's).
pub struct SynthErrors {
    /// The failure's message, from the lines the synth printed (escape codes removed), when
    /// this language printed one; `noise` says which lines are cdk's own chatter.
    pub message: fn(lines: &[&str], noise: Noise) -> Option<String>,
    /// The places it names, innermost first: (file as printed, 1-based line, column).
    pub places: fn(lines: &[&str]) -> Vec<SynthPlace>,
    /// Whether a folder of that name holds libraries, never the app's own code.
    pub library_folder: fn(name: &str) -> bool,
}

/// See [`Plugin::statement_starts`].
pub type StatementStarts = fn(&str) -> Vec<(usize, usize)>;

pub struct Plugin {
    pub id: LangId,
    /// The folder name under `queries/` and the `language` field of `pipelens model`.
    pub name: &'static str,
    pub extensions: &'static [&'static str],
    pub naming: Naming,
    pub synth_errors: SynthErrors,
    /// How the language's values behave where the model evaluates them.
    pub values: Values,
    /// What its apps' synth runs in (a Python app's virtual environment).
    pub synth_environment: SynthEnvironment,
    /// The files an import of a module may name, in the order the language looks:
    /// `(app root, the importing file's folder, the module as written)`.
    pub module_files: fn(&Path, &Path, &str) -> Vec<std::path::PathBuf>,
    /// The file name (without extension) that stands for its folder, imported by the
    /// folder's name: a Python package's `__init__`, a Node folder's `index`.
    pub folder_module: &'static str,
    /// The name an import of a whole module binds when the import names none and no alias:
    /// the module's first dotted part (`import aws_cdk.pipelines` binds `aws_cdk`), a Go
    /// package's name (`".../awscdk/v2"` binds `awscdk`).
    pub bound_name: fn(&str) -> String,
    /// Where the top-level names of every file of a folder are seen in each of its files (a
    /// Go package), which of the folder's files (path, text) are part of it whatever the build
    /// (not Go's `_test.go` files, nor those with build constraints); `None` where a file sees
    /// only what it imports.
    pub package_scope: Option<fn(&Path, &str) -> bool>,
    /// Where a top-level statement may start (byte, row; always at column 0), for parsing a
    /// big file in pieces on several threads ([`Plugin::lower_in_pieces`]); `None` when the
    /// language has no cheap way to tell. A wrong place is safe: the piece before it does not
    /// parse cleanly, and the file is then parsed whole.
    pub statement_starts: Option<StatementStarts>,
    language: fn() -> Language,
    query_sources: &'static [QuerySource],
    /// Each of `query_sources`, compiled on first use (a query over a big grammar takes
    /// milliseconds to compile: a process compiles only those it runs).
    compiled: [OnceLock<Query>; 2],
}

pub static PYTHON: Plugin = Plugin {
    id: LangId::Python,
    name: "python",
    extensions: &["py"],
    naming: Naming {
        case: Case::Snake,
        true_lit: "True",
        false_lit: "False",
        null_lit: "None",
        quote: '"',
        props: PropsSyntax::Keywords,
        new_keyword: "",
        self_name: "self",
        pipelines_import: "from aws_cdk import pipelines\n",
        list_import: "",
        namespaces: false,
        core_alias: "cdk",
        scope_named_by_app_class: false,
    },
    synth_errors: SynthErrors {
        message: python::synth_message,
        places: python::synth_places,
        library_folder: python::library_folder,
    },
    values: Values::Strict,
    synth_environment: SynthEnvironment {
        owns: python_env::is_python_app,
        find: python_env::find,
        interpreters: &["python3", "python"],
        hint: python_env::missing_module_hint,
    },
    module_files: python::module_files,
    folder_module: "__init__",
    bound_name: first_dotted_part,
    package_scope: None,
    statement_starts: Some(python::statement_starts),
    language: || tree_sitter_python::LANGUAGE.into(),
    query_sources: &[
        ("imports", include_str!("../../queries/python/imports.scm")),
        ("stages", include_str!("../../queries/python/stages.scm")),
    ],
    compiled: [OnceLock::new(), OnceLock::new()],
};

pub static TYPESCRIPT: Plugin = Plugin {
    id: LangId::TypeScript,
    name: "typescript",
    extensions: &["ts", "mts", "cts"],
    naming: Naming {
        case: Case::Camel,
        true_lit: "true",
        false_lit: "false",
        null_lit: "undefined",
        quote: '\'',
        props: PropsSyntax::ObjectLiteral,
        new_keyword: "new ",
        self_name: "this",
        pipelines_import: "import * as pipelines from 'aws-cdk-lib/pipelines';\n",
        list_import: "",
        namespaces: false,
        core_alias: "cdk",
        scope_named_by_app_class: true,
    },
    synth_errors: SynthErrors {
        message: typescript::synth_compile_message,
        places: typescript::synth_compile_places,
        library_folder: typescript::library_folder,
    },
    values: Values::Loose,
    synth_environment: NO_SYNTH_ENVIRONMENT,
    module_files: typescript::module_files,
    folder_module: "index",
    bound_name: first_dotted_part,
    package_scope: None,
    statement_starts: None,
    language: || tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
    query_sources: &[
        (
            "imports",
            include_str!("../../queries/typescript/imports.scm"),
        ),
        (
            "stages",
            include_str!("../../queries/typescript/stages.scm"),
        ),
    ],
    compiled: [OnceLock::new(), OnceLock::new()],
};

pub static JAVASCRIPT: Plugin = Plugin {
    id: LangId::JavaScript,
    name: "javascript",
    extensions: &["js", "mjs", "cjs"],
    naming: Naming {
        case: Case::Camel,
        true_lit: "true",
        false_lit: "false",
        null_lit: "undefined",
        quote: '\'',
        props: PropsSyntax::ObjectLiteral,
        new_keyword: "new ",
        self_name: "this",
        pipelines_import: "const pipelines = require('aws-cdk-lib/pipelines');\n",
        list_import: "",
        namespaces: false,
        core_alias: "cdk",
        scope_named_by_app_class: true,
    },
    // The runtime of both: a TypeScript app's failures that are not compile errors are Node's.
    synth_errors: SynthErrors {
        message: typescript::synth_node_message,
        places: typescript::synth_node_places,
        library_folder: typescript::library_folder,
    },
    values: Values::Loose,
    synth_environment: NO_SYNTH_ENVIRONMENT,
    module_files: typescript::module_files,
    folder_module: "index",
    bound_name: first_dotted_part,
    package_scope: None,
    statement_starts: None,
    language: || tree_sitter_javascript::LANGUAGE.into(),
    // TypeScript's grammar extends JavaScript's, and the queries use only what both have: one
    // copy, in `queries/typescript/` (a test compiles each against both grammars).
    query_sources: &[
        (
            "imports",
            include_str!("../../queries/typescript/imports.scm"),
        ),
        (
            "stages",
            include_str!("../../queries/typescript/stages.scm"),
        ),
    ],
    compiled: [OnceLock::new(), OnceLock::new()],
};

pub static JAVA: Plugin = Plugin {
    id: LangId::Java,
    name: "java",
    extensions: &["java"],
    naming: Naming {
        case: Case::Camel,
        true_lit: "true",
        false_lit: "false",
        null_lit: "null",
        quote: '"',
        props: PropsSyntax::Builder,
        new_keyword: "new ",
        self_name: "this",
        pipelines_import: "import software.amazon.awscdk.pipelines.*;\n",
        list_import: "import java.util.List;\n",
        namespaces: true,
        core_alias: "",
        scope_named_by_app_class: false,
    },
    synth_errors: SynthErrors {
        message: java::synth_message,
        places: java::synth_places,
        library_folder: java::library_folder,
    },
    values: Values::Loose,
    synth_environment: NO_SYNTH_ENVIRONMENT,
    module_files: java::module_files,
    folder_module: "",
    bound_name: first_dotted_part,
    package_scope: None,
    statement_starts: None,
    language: || tree_sitter_java::LANGUAGE.into(),
    query_sources: &[
        ("imports", include_str!("../../queries/java/imports.scm")),
        ("stages", include_str!("../../queries/java/stages.scm")),
    ],
    compiled: [OnceLock::new(), OnceLock::new()],
};

pub static CSHARP: Plugin = Plugin {
    id: LangId::CSharp,
    name: "csharp",
    extensions: &["cs"],
    naming: Naming {
        case: Case::Pascal,
        true_lit: "true",
        false_lit: "false",
        null_lit: "null",
        quote: '"',
        props: PropsSyntax::Initializer,
        new_keyword: "new ",
        self_name: "this",
        pipelines_import: "using Amazon.CDK.Pipelines;\n",
        list_import: "",
        namespaces: true,
        core_alias: "",
        scope_named_by_app_class: false,
    },
    synth_errors: SynthErrors {
        message: csharp::synth_message,
        places: csharp::synth_places,
        library_folder: csharp::library_folder,
    },
    values: Values::Loose,
    synth_environment: NO_SYNTH_ENVIRONMENT,
    module_files: csharp::module_files,
    folder_module: "",
    bound_name: first_dotted_part,
    package_scope: None,
    statement_starts: None,
    language: || tree_sitter_c_sharp::LANGUAGE.into(),
    query_sources: &[
        ("imports", include_str!("../../queries/csharp/imports.scm")),
        ("stages", include_str!("../../queries/csharp/stages.scm")),
    ],
    compiled: [OnceLock::new(), OnceLock::new()],
};

pub static GO: Plugin = Plugin {
    id: LangId::Go,
    name: "go",
    extensions: &["go"],
    naming: Naming {
        case: Case::Pascal,
        true_lit: "true",
        false_lit: "false",
        null_lit: "nil",
        quote: '"',
        props: PropsSyntax::Struct,
        new_keyword: "",
        self_name: "stack",
        pipelines_import: "import \"github.com/aws/aws-cdk-go/awscdk/v2/pipelines\"\n",
        list_import: "",
        namespaces: false,
        core_alias: "awscdk",
        scope_named_by_app_class: false,
    },
    synth_errors: SynthErrors {
        message: go::synth_message,
        places: go::synth_places,
        library_folder: go::library_folder,
    },
    values: Values::Loose,
    synth_environment: NO_SYNTH_ENVIRONMENT,
    module_files: go::module_files,
    folder_module: "",
    bound_name: go::package_name,
    package_scope: Some(go::in_package),
    statement_starts: None,
    language: || tree_sitter_go::LANGUAGE.into(),
    query_sources: &[
        ("imports", include_str!("../../queries/go/imports.scm")),
        ("stages", include_str!("../../queries/go/stages.scm")),
    ],
    compiled: [OnceLock::new(), OnceLock::new()],
};

pub static ALL: [&Plugin; 6] = [&PYTHON, &TYPESCRIPT, &JAVASCRIPT, &JAVA, &CSHARP, &GO];

/// The plugin for a file, by extension.
pub fn for_path(path: &Path) -> Option<&'static Plugin> {
    let ext = path.extension()?.to_str()?;
    ALL.iter().copied().find(|p| p.extensions.contains(&ext))
}

/// The plugin for an LSP `languageId`.
pub fn for_language_id(id: &str) -> Option<&'static Plugin> {
    match id {
        "python" => Some(&PYTHON),
        "typescript" => Some(&TYPESCRIPT),
        "javascript" => Some(&JAVASCRIPT),
        "java" => Some(&JAVA),
        // VS Code's id, and Neovim's filetype.
        "csharp" | "cs" => Some(&CSHARP),
        "go" => Some(&GO),
        _ => None,
    }
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl Plugin {
    pub fn language(&self) -> Language {
        (self.language)()
    }

    pub fn parser(&self) -> Parser {
        let mut parser = Parser::new();
        // The grammar crates are built against the same ABI as the tree-sitter crate we pin.
        parser
            .set_language(&self.language())
            .expect("grammar ABI matches tree-sitter");
        parser
    }

    /// A shipped query by name, compiled on first use.
    pub fn query(&self, name: &str) -> &Query {
        let i = self
            .query_sources
            .iter()
            .position(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no shipped query {}/{name}.scm", self.name));
        self.compiled[i].get_or_init(|| {
            let src = self.query_sources[i].1;
            Query::new(&self.language(), src).unwrap_or_else(|e| {
                panic!(
                    "shipped query {}/{name}.scm does not compile: {e}",
                    self.name
                )
            })
        })
    }

    /// Every shipped query, compiled.
    pub fn queries(&self) -> HashMap<&'static str, &Query> {
        self.query_sources
            .iter()
            .map(|(name, _)| (*name, self.query(name)))
            .collect()
    }

    pub fn query_sources(&self) -> &'static [QuerySource] {
        self.query_sources
    }

    /// Lowers a parsed file into the language-neutral IR.
    pub fn lower(&self, tree: &Tree, src: &str) -> ir::Module {
        self.lower_reusing(tree, src, None).module
    }

    /// Lowers a parsed file, moving over the IR of every statement the parser reused from the
    /// tree `memo` was made on (see [`LowerMemo`]). The result equals [`Plugin::lower`]'s.
    pub fn lower_reusing(&self, tree: &Tree, src: &str, memo: Option<LowerMemo>) -> Lowered {
        let root = tree.root_node();
        let reuse = std::cell::RefCell::new(reuse::Reuse::new(memo));
        let nesting = nesting::Nesting::default();
        let body = self.lower_block(root, src, &reuse, &nesting);
        let mut module = ir::Module {
            imports: self.imports(root, src),
            body,
            errors: Vec::new(),
            too_deep: nesting.cut(),
        };
        collect_errors(root, &mut module.errors);
        let reuse = reuse.into_inner();
        Lowered {
            module,
            reused: reuse.reused,
            groups: reuse.into_groups(),
        }
    }

    fn lower_block(
        &self,
        root: Node<'_>,
        src: &str,
        reuse: &std::cell::RefCell<reuse::Reuse>,
        nesting: &nesting::Nesting,
    ) -> Vec<ir::Stmt> {
        let memo = Some(reuse);
        match self.id {
            LangId::Python => python::Lowerer { src, memo, nesting }.block(root),
            LangId::TypeScript | LangId::JavaScript => {
                typescript::Lowerer { src, memo, nesting }.block(root)
            }
            LangId::Java => java::Lowerer { src, memo, nesting }.block(root),
            LangId::CSharp => csharp::Lowerer { src, memo, nesting }.block(root),
            LangId::Go => go::Lowerer { src, memo, nesting }.block(root),
        }
    }

    /// Parses and lowers a big file in consecutive pieces, one per thread, cut where
    /// top-level statements start ([`Plugin::statement_starts`]): for a file read once, with
    /// nothing to reuse (`pipelens check`, the first analysis of a document too big to keep a
    /// syntax tree). The result equals [`Plugin::lower`]'s. `None`, and the file is to be
    /// parsed whole, when the language cannot be cut, the machine has one core, the file is
    /// too small to be worth it ([`PIECES_MIN_BYTES`]), or a piece has a syntax error: error
    /// recovery must see the whole file, and a piece cut in the wrong place has one.
    pub fn lower_in_pieces(&self, src: &str) -> Option<Lowered> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        if threads < 2 || src.len() < PIECES_MIN_BYTES {
            return None;
        }
        self.lower_split(src, threads)
    }

    /// [`Plugin::lower_in_pieces`] in `n` pieces (at most), whatever the file's size.
    fn lower_split(&self, src: &str, n: usize) -> Option<Lowered> {
        let starts = self.statement_starts?;
        self.lower_at(src, &starts(src), n)
    }

    fn lower_at(&self, src: &str, starts: &[(usize, usize)], n: usize) -> Option<Lowered> {
        let ranges = piece_ranges(src, starts, n);
        if ranges.len() < 2 {
            return None;
        }
        let pieces: Vec<Option<(Lowered, Tree)>> = std::thread::scope(|s| {
            let handles: Vec<_> = ranges
                .iter()
                .map(|r| {
                    // The stack the CLI's main thread has: lowering recurses as deep as the
                    // nesting bound lets it.
                    std::thread::Builder::new()
                        .name("pipelens-piece".into())
                        .stack_size(PIECE_STACK_BYTES)
                        .spawn_scoped(s, move || self.lower_piece(src, *r))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.ok().and_then(|h| h.join().ok().flatten()))
                .collect()
        });
        let mut all = Lowered {
            module: ir::Module {
                imports: Vec::new(),
                body: Vec::new(),
                errors: Vec::new(),
                too_deep: None,
            },
            reused: 0,
            groups: Vec::new(),
        };
        let mut trees = Vec::new();
        let mut failed = false;
        for piece in pieces {
            let Some((piece, tree)) = piece else {
                failed = true;
                continue;
            };
            trees.push(tree);
            all.module.imports.extend(piece.module.imports);
            all.module.body.extend(piece.module.body);
            // Pieces are in source order: the first cut is the earliest.
            all.module.too_deep = all.module.too_deep.or(piece.module.too_deep);
            all.groups.extend(piece.groups);
        }
        // Freeing a tree of this size takes tens of milliseconds: not on the way to the
        // diagnostics (a process that ends first does not wait for it).
        let _ = std::thread::Builder::new()
            .name("pipelens-free".into())
            .spawn(move || drop(trees));
        (!failed).then_some(all)
    }

    /// One piece of [`Plugin::lower_in_pieces`], and its tree: `None` when it does not parse
    /// cleanly.
    fn lower_piece(&self, src: &str, range: tree_sitter::Range) -> Option<(Lowered, Tree)> {
        let mut parser = self.parser();
        parser.set_included_ranges(&[range]).ok()?;
        let tree = parser.parse(src, None)?;
        if tree.root_node().has_error() {
            return None;
        }
        let lowered = self.lower_reusing(&tree, src, None);
        Some((lowered, tree))
    }

    /// Lowers one expression node (used for the captures of extension queries).
    /// What is nested too deep in it is unknown, without a note: the note is the file's
    /// lowering's to make.
    pub fn lower_expr(&self, node: Node<'_>, src: &str) -> ir::Expr {
        let nesting = &nesting::Nesting::default();
        match self.id {
            LangId::Python => python::Lowerer {
                src,
                memo: None,
                nesting,
            }
            .expr(node),
            LangId::TypeScript | LangId::JavaScript => typescript::Lowerer {
                src,
                memo: None,
                nesting,
            }
            .expr(node),
            LangId::Java => java::Lowerer {
                src,
                memo: None,
                nesting,
            }
            .expr(node),
            LangId::CSharp => csharp::Lowerer {
                src,
                memo: None,
                nesting,
            }
            .expr(node),
            LangId::Go => go::Lowerer {
                src,
                memo: None,
                nesting,
            }
            .expr(node),
        }
    }

    fn imports(&self, root: Node<'_>, src: &str) -> Vec<ir::Import> {
        // The same bindings as `queries/<lang>/imports.scm` says (a test holds them equal),
        // found by looking at the module's statements: compiling that query over the
        // TypeScript grammar cost most of a `preview` process.
        let raw = match self.id {
            LangId::TypeScript | LangId::JavaScript => typescript::imports(root),
            LangId::Python => python::imports(root),
            LangId::Java => java::imports(root),
            LangId::CSharp => csharp::imports(root),
            LangId::Go => go::imports(root),
        };
        raw.into_iter()
            .filter_map(|r| import_of(r, src, self.bound_name))
            .collect()
    }

    /// The imports as the shipped `imports` query finds them (what [`Plugin::imports`] is
    /// held to).
    #[cfg(test)]
    fn query_imports(&self, root: Node<'_>, src: &str) -> Vec<ir::Import> {
        let query = self.query("imports");
        let names = query.capture_names();
        let mut out = Vec::new();
        let mut cursor = QueryCursor::new();
        // Imports are statements of the module itself; not searching the whole tree for them
        // keeps big files fast.
        cursor.set_max_start_depth(Some(1));
        let mut matches = cursor.matches(query, root, src.as_bytes());
        while let Some(m) = matches.next() {
            let mut raw = RawImport::default();
            for c in m.captures {
                match names[c.index as usize] {
                    "import" => raw.statement = Some(c.node),
                    "import.module" => raw.module = Some(c.node),
                    "import.member" => raw.member = Some(c.node),
                    "import.local" => raw.local = Some(c.node),
                    "import.default" => raw.default = true,
                    "import.all" => raw.all = true,
                    _ => {}
                }
            }
            out.extend(import_of(raw, src, self.bound_name));
        }
        out
    }
}

/// Whether a query's source has anything but comments and blank lines.
fn has_patterns(src: &str) -> bool {
    src.lines().any(|l| {
        let l = l.trim();
        !l.is_empty() && !l.starts_with(';')
    })
}

/// One binding of an import, as the nodes the `imports` query captures name it.
#[derive(Default, Clone, Copy)]
pub(crate) struct RawImport<'t> {
    /// The whole statement (`@import`).
    pub statement: Option<Node<'t>>,
    pub module: Option<Node<'t>>,
    pub member: Option<Node<'t>>,
    pub local: Option<Node<'t>>,
    /// A default import (`import cdk from 'aws-cdk-lib'`).
    pub default: bool,
    /// Every name of the module (`export * from './config'`).
    pub all: bool,
}

/// The first dotted part of a module's name (see [`Plugin::bound_name`]).
fn first_dotted_part(module: &str) -> String {
    module.split('.').next().unwrap_or(module).to_string()
}

/// The IR import of one binding.
fn import_of(raw: RawImport<'_>, src: &str, bound_name: fn(&str) -> String) -> Option<ir::Import> {
    let text = |n: Option<Node<'_>>| n.map(|n| src[n.byte_range()].to_string());
    let (module, span) = (text(raw.module)?, ir::Span::of(&raw.statement?));
    let (default, all) = (raw.default, raw.all);
    let mut member = text(raw.member);
    let mut local = text(raw.local);
    if default {
        member = Some(ir::DEFAULT_EXPORT.to_string());
    }
    if all {
        local = Some(ir::STAR_IMPORT.to_string());
    }
    let (local, module) = match (local, &member) {
        (Some(l), _) => (l, module),
        (None, Some(m)) => (m.clone(), module),
        // `import aws_cdk.pipelines` binds `aws_cdk`, and `aws_cdk` names the module; a Go
        // import binds its package's name, and names the whole path.
        (None, None) => {
            let bound = bound_name(&module);
            if bound == first_dotted_part(&module) {
                (bound.clone(), bound)
            } else {
                (bound, module)
            }
        }
    };
    Some(ir::Import {
        local,
        module,
        member,
        span,
    })
}

/// The spans of a tree's syntax errors.
pub fn collect_errors(node: Node<'_>, out: &mut Vec<ir::Span>) {
    preorder(node, |n| {
        if !n.has_error() {
            return Visit::Skip;
        }
        if n.is_error() || n.is_missing() {
            out.push(ir::Span::of(&n));
            return Visit::Skip;
        }
        Visit::Enter
    });
}

/// What [`preorder`] does after visiting a node.
enum Visit {
    Enter,
    Skip,
    Stop,
}

/// Visits `root` and the nodes under it in source order, as `visit` says. A loop over a cursor,
/// not a recursion: a tree is as deep as the text is nested (a 30 KB file can hold 15,000
/// brackets), and a recursion that deep would overflow the stack.
fn preorder<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> Visit) {
    let mut cursor = root.walk();
    loop {
        match visit(cursor.node()) {
            Visit::Stop => return,
            Visit::Enter if cursor.goto_first_child() => continue,
            Visit::Enter | Visit::Skip => {}
        }
        // The cursor never leaves `root`: at `root` both moves fail.
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// Query files a team adds through the `queryPath` setting: `<dir>/<lang>/*.scm`, run next to
/// the shipped ones.
#[derive(Default)]
pub struct ExtraQueries {
    by_lang: HashMap<LangId, Vec<(PathBuf, Query)>>,
}

impl std::fmt::Debug for ExtraQueries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n: usize = self.by_lang.values().map(Vec::len).sum();
        write!(f, "ExtraQueries({n} files)")
    }
}

impl ExtraQueries {
    /// Loads every `.scm` under the given folders. A file that does not compile is reported
    /// (path, line, reason) and skipped; the others still load.
    pub fn load(dirs: &[PathBuf]) -> (ExtraQueries, Vec<String>) {
        let mut extra = ExtraQueries::default();
        let mut errors = Vec::new();
        for dir in dirs {
            for plugin in ALL {
                let lang_dir = dir.join(plugin.name);
                let Ok(entries) = std::fs::read_dir(&lang_dir) else {
                    continue;
                };
                let mut files: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "scm"))
                    .collect();
                files.sort();
                for file in files {
                    // A FIFO named `*.scm` is an error, not a read that never ends.
                    let read = crate::workspace::read_file(&file, 1024 * 1024).and_then(|b| {
                        String::from_utf8(b)
                            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
                    });
                    let text = match read {
                        Ok(t) => t,
                        Err(e) => {
                            errors.push(format!("{}: {e}", file.display()));
                            continue;
                        }
                    };
                    match Query::new(&plugin.language(), &text) {
                        Ok(q) => extra.by_lang.entry(plugin.id).or_default().push((file, q)),
                        Err(e) => errors.push(format!(
                            "{}:{}:{}: query does not compile: {}",
                            file.display(),
                            e.row + 1,
                            e.column + 1,
                            e.message
                        )),
                    }
                }
            }
        }
        (extra, errors)
    }

    pub fn for_lang(&self, id: LangId) -> impl Iterator<Item = &Query> {
        self.by_lang.get(&id).into_iter().flatten().map(|(_, q)| q)
    }
}

/// A stage added through an extension query (`@stage`, `@stage.id`, …), lowered to IR.
#[derive(Clone, Debug)]
pub struct ExtensionStage {
    pub call: ir::Span,
    pub id: Option<ir::Expr>,
    pub account: Option<ir::Expr>,
    pub region: Option<ir::Expr>,
    pub wave: Option<ir::Expr>,
}

impl Plugin {
    /// The queries [`Plugin::extension_stages`] runs: the shipped `stages` query when a build
    /// gave it patterns (it is empty, comments only, otherwise; compiling even an empty query
    /// analyses the whole grammar), then `pipelens.toml`'s for this language.
    fn extension_queries<'q>(&'q self, extra: &'q ExtraQueries) -> impl Iterator<Item = &'q Query> {
        self.query_sources
            .iter()
            .find(|(n, _)| *n == "stages")
            .filter(|(_, src)| has_patterns(src))
            .map(|_| self.query("stages"))
            .into_iter()
            .chain(extra.for_lang(self.id))
            .filter(|q| q.pattern_count() > 0)
    }

    /// Whether [`Plugin::extension_stages`] has a query to run.
    pub fn has_extension_queries(&self, extra: &ExtraQueries) -> bool {
        self.extension_queries(extra).next().is_some()
    }

    /// Runs the shipped `stages` query and any extra ones over a tree.
    pub fn extension_stages(
        &self,
        tree: &Tree,
        src: &str,
        extra: &ExtraQueries,
    ) -> Vec<ExtensionStage> {
        let mut out = Vec::new();
        for query in self.extension_queries(extra) {
            let names = query.capture_names();
            let mut cursor = QueryCursor::new();
            let mut matches = cursor.matches(query, tree.root_node(), src.as_bytes());
            while let Some(m) = matches.next() {
                let mut stage = ExtensionStage {
                    call: ir::Span::default(),
                    id: None,
                    account: None,
                    region: None,
                    wave: None,
                };
                let mut found = false;
                for c in m.captures {
                    let lowered = || Some(self.lower_expr(c.node, src));
                    match names[c.index as usize] {
                        "stage" => {
                            stage.call = ir::Span::of(&c.node);
                            found = true;
                        }
                        "stage.id" => stage.id = lowered(),
                        "stage.account" => stage.account = lowered(),
                        "stage.region" => stage.region = lowered(),
                        "stage.wave" => stage.wave = lowered(),
                        _ => {}
                    }
                }
                if found {
                    out.push(stage);
                }
            }
        }
        out
    }
}

/// Below this size a file is parsed in one piece: a thread costs more than it saves.
pub const PIECES_MIN_BYTES: usize = 256 * 1024;

const PIECE_STACK_BYTES: usize = 8 << 20;

/// Cuts `src` into about `n` pieces of similar size at the given statement starts (byte,
/// row): the ranges to parse, in order, covering the whole text.
fn piece_ranges(src: &str, starts: &[(usize, usize)], n: usize) -> Vec<tree_sitter::Range> {
    let mut cuts = vec![(0, 0)];
    for k in 1..n {
        let want = src.len() * k / n;
        let at = starts.partition_point(|(b, _)| *b < want);
        if let Some(&cut) = starts.get(at) {
            if cut.0 > cuts.last().map_or(0, |c| c.0) && cut.0 < src.len() {
                cuts.push(cut);
            }
        }
    }
    let rows = src.bytes().filter(|b| *b == b'\n').count();
    let end = tree_sitter::Point {
        row: rows,
        column: src.len() - src.rfind('\n').map_or(0, |i| i + 1),
    };
    cuts.iter()
        .enumerate()
        .map(|(i, &(start_byte, row))| {
            let (end_byte, end_point) = match cuts.get(i + 1) {
                Some(&(b, r)) => (b, tree_sitter::Point { row: r, column: 0 }),
                None => (src.len(), end),
            };
            tree_sitter::Range {
                start_byte,
                end_byte,
                start_point: tree_sitter::Point { row, column: 0 },
                end_point,
            }
        })
        .collect()
}

/// Error recovery beyond tree-sitter's own: a half-typed line (an unclosed parenthesis or
/// string) can swallow the rest of the file into one ERROR node. This blanks the line where
/// the first error starts (spaces keep every byte offset valid) and re-parses incrementally,
/// a few times, so the statements after the broken line are understood again.
/// Returns `None` when the tree has no errors.
pub fn repair(plugin: &Plugin, text: &str, tree: &Tree) -> Option<(String, Tree)> {
    const MAX_ROUNDS: usize = 8;
    if !tree.root_node().has_error() {
        return None;
    }
    let mut parser = plugin.parser();
    let mut bytes = text.as_bytes().to_vec();
    let mut tree = tree.clone();
    let mut damage = error_bytes(tree.root_node());
    for _ in 0..MAX_ROUNDS {
        let Some(err) = first_error(tree.root_node()) else {
            break;
        };
        // Which line to drop: where the first stray token is, or the last (an unclosed bracket
        // at the end of the file makes tree-sitter wrap everything before it). Each candidate
        // is tried with an incremental re-parse; the one that leaves the least damage wins.
        let mut candidates = vec![
            error_anchor(err, false).start_byte(),
            error_anchor(err, true).start_byte(),
        ];
        // And the lines above it where the constructs around it start: an unclosed bracket
        // makes some grammars (Go's) take the lines after it into it, and the error surfaces
        // lines below the one to drop.
        candidates.extend(opening_lines(err, 3));
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<(usize, Vec<u8>, Tree)> = None;
        for at in candidates {
            let Some((b, t)) = blank_line(&mut parser, &bytes, &tree, at) else {
                continue;
            };
            let d = error_bytes(t.root_node());
            if best.as_ref().is_none_or(|(bd, _, _)| d < *bd) {
                best = Some((d, b, t));
            }
        }
        let Some((d, b, t)) = best else { break };
        if d >= damage && t.root_node().has_error() {
            break; // no candidate helps: stop rather than blank good code
        }
        (damage, bytes, tree) = (d, b, t);
        if !tree.root_node().has_error() {
            break;
        }
    }
    // Blanking whole lines keeps UTF-8 valid: multi-byte chars are replaced byte by byte with
    // ASCII spaces, and the other lines are untouched.
    let repaired = String::from_utf8(bytes).ok()?;
    Some((repaired, tree))
}

/// The text with the line holding byte `at` blanked, and its incremental re-parse.
fn blank_line(
    parser: &mut Parser,
    bytes: &[u8],
    tree: &Tree,
    at: usize,
) -> Option<(Vec<u8>, Tree)> {
    let start = bytes[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[start..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |i| start + i);
    if bytes[start..end].iter().all(|b| *b == b' ' || *b == b'\r') {
        return None; // already blank
    }
    let row = bytes[..start].iter().filter(|b| **b == b'\n').count();
    let mut out = bytes.to_vec();
    for b in &mut out[start..end] {
        if *b != b'\r' {
            *b = b' ';
        }
    }
    let point = |col| tree_sitter::Point { row, column: col };
    let mut edited = tree.clone();
    edited.edit(&tree_sitter::InputEdit {
        start_byte: start,
        old_end_byte: end,
        new_end_byte: end,
        start_position: point(0),
        old_end_position: point(end - start),
        new_end_position: point(end - start),
    });
    let t = parser.parse(&out, Some(&edited))?;
    Some((out, t))
}

/// How many bytes of the tree are inside ERROR or MISSING nodes (a rough measure of damage).
fn error_bytes(node: Node<'_>) -> usize {
    let mut sum = 0;
    preorder(node, |n| {
        if n.is_error() || n.is_missing() {
            sum += (n.end_byte() - n.start_byte()).max(1);
            return Visit::Skip;
        }
        if n.has_error() {
            Visit::Enter
        } else {
            Visit::Skip
        }
    });
    sum
}

/// The node whose line is to blame for an error. A missing token (an unclosed parenthesis) is
/// reported where the construct ends; the line to drop is where that construct starts. An
/// ERROR node can swallow whole valid statements before the bad tokens (tree-sitter wraps them
/// when it cannot recover): its first stray token, not its start, is where the damage is.
/// The start of up to `n` of the constructs around `node` that start on earlier rows, each on a
/// row of its own, nearest first.
fn opening_lines(node: Node<'_>, n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut row = node.start_position().row;
    let mut at = node.parent();
    while let (Some(p), true) = (at, out.len() < n) {
        if p.start_position().row < row {
            row = p.start_position().row;
            out.push(p.start_byte());
        }
        at = p.parent();
    }
    out
}

fn error_anchor(mut node: Node<'_>, from_end: bool) -> Node<'_> {
    'deeper: loop {
        if node.is_missing() {
            return node.parent().unwrap_or(node);
        }
        let mut cursor = node.walk();
        let mut children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        if from_end {
            children.reverse();
        }
        for child in children {
            if child.is_error() || child.is_missing() {
                node = child;
                continue 'deeper;
            }
            if child.child_count() == 0 {
                return child;
            }
        }
        return node;
    }
}

fn first_error(node: Node<'_>) -> Option<Node<'_>> {
    let mut found = None;
    preorder(node, |n| {
        if n.is_error() || n.is_missing() {
            found = Some(n);
            Visit::Stop
        } else if n.has_error() {
            Visit::Enter
        } else {
            Visit::Skip
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_query_compiles() {
        for plugin in ALL {
            let compiled = plugin.queries();
            assert_eq!(
                compiled.len(),
                plugin.query_sources().len(),
                "{}",
                plugin.name
            );
        }
    }

    /// Imports are found without compiling the `imports` query; the query stays their
    /// specification: over every Python, TypeScript and JavaScript file of the repository's
    /// examples and tests, and some odd forms, both find the same bindings.
    #[test]
    fn the_imports_walk_finds_what_the_imports_query_finds() {
        let odd = "import cdk, { Stack as S, App } from 'aws-cdk-lib';\n\
                   import * as p from 'aws-cdk-lib/pipelines';\n\
                   import type { Props } from './props';\n\
                   import x = require('y');\n\
                   import '';\n\
                   import './side-effect';\n\
                   export * from './config';\n\
                   export * as accounts from './accounts';\n\
                   export { a, b as c, default as d } from './m';\n\
                   export { local };\n\
                   export const z = 1;\n\
                   function f() { return 1; }\n";
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let odd_py = "import os, aws_cdk.pipelines as p, json\n\
                      from . import stages\n\
                      from .config import ACCOUNTS as A, REGIONS\n\
                      from ..pkg.mod import *\n\
                      from aws_cdk import (Stack, Stage as S)\n\
                      if True:\n    import hidden\n\
                      try:\n    import maybe\nexcept ImportError:\n    pass\n";
        let mut texts: Vec<(PathBuf, String)> = vec![
            (PathBuf::from("odd.ts"), odd.to_string()),
            (PathBuf::from("odd.py"), odd_py.to_string()),
        ];
        let mut dirs = vec![root.join("examples"), root.join("tests")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let path = e.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                if path.is_dir() {
                    if name != "node_modules" && name != "cdk.out" {
                        dirs.push(path);
                    }
                } else if matches!(
                    path.extension().and_then(|x| x.to_str()),
                    Some("ts" | "js" | "py" | "java" | "cs" | "go")
                ) {
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        texts.push((path, text));
                    }
                }
            }
        }
        let key = |i: &ir::Import| {
            (
                i.span.start_byte,
                i.local.clone(),
                i.module.clone(),
                i.member.clone(),
            )
        };
        let mut compared = 0;
        for (path, text) in &texts {
            let plugin = for_path(path).unwrap();
            let tree = plugin.parser().parse(text, None).unwrap();
            let mut walked: Vec<_> = plugin
                .imports(tree.root_node(), text)
                .iter()
                .map(key)
                .collect();
            let mut queried: Vec<_> = plugin
                .query_imports(tree.root_node(), text)
                .iter()
                .map(key)
                .collect();
            walked.sort();
            queried.sort();
            assert_eq!(walked, queried, "{}", path.display());
            compared += queried.len();
        }
        assert!(
            texts.len() > 50 && compared > 200,
            "{} files, {compared} imports",
            texts.len()
        );
    }

    /// What each purpose's captures may be named (`_`-prefixed ones are free for predicates):
    /// a capture the plugin does not read is a query that silently does nothing.
    const CAPTURES: &[(&str, &[&str])] = &[
        (
            "imports",
            &[
                "import",
                "import.module",
                "import.member",
                "import.local",
                "import.default",
                "import.all",
            ],
        ),
        (
            "stages",
            &[
                "stage",
                "stage.id",
                "stage.account",
                "stage.region",
                "stage.wave",
            ],
        ),
    ];

    #[test]
    fn every_shipped_query_captures_only_what_its_plugin_reads() {
        for plugin in ALL {
            for (purpose, query) in plugin.queries() {
                let known = CAPTURES
                    .iter()
                    .find(|(p, _)| *p == purpose)
                    .unwrap_or_else(|| panic!("{}: no captures listed for {purpose}", plugin.name))
                    .1;
                for name in query.capture_names() {
                    assert!(
                        name.starts_with('_') || known.contains(name),
                        "{}'s {purpose} query captures @{name}, which nothing reads",
                        plugin.name
                    );
                }
            }
        }
        // And they capture something: the imports query of each language binds `pipelines`.
        for (plugin, src) in [
            (&PYTHON, "from aws_cdk import pipelines\n"),
            (
                &TYPESCRIPT,
                "import * as pipelines from 'aws-cdk-lib/pipelines';\n",
            ),
            (
                &JAVASCRIPT,
                "import * as pipelines from 'aws-cdk-lib/pipelines';\n",
            ),
        ] {
            let tree = plugin.parser().parse(src, None).unwrap();
            let query = plugin.query("imports");
            let mut cursor = QueryCursor::new();
            let mut matches = cursor.matches(query, tree.root_node(), src.as_bytes());
            let mut locals = Vec::new();
            while let Some(m) = matches.next() {
                for c in m.captures {
                    let name = query.capture_names()[c.index as usize];
                    if name == "import.local" || name == "import.member" {
                        locals.push(&src[c.node.byte_range()]);
                    }
                }
            }
            assert_eq!(locals, ["pipelines"], "{}", plugin.name);
        }
    }

    /// Each plugin's queries come from its own folder, or from the folder of the grammar its
    /// grammar extends (JavaScript uses TypeScript's); no folder is left unused.
    #[test]
    fn every_query_file_in_the_repo_is_shipped() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../queries");
        assert!(
            !root.join("javascript").exists(),
            "queries/javascript/: JavaScript uses queries/typescript/ (one copy)"
        );
        for plugin in ALL {
            let folder = root.join(plugin.name);
            if !folder.exists() {
                assert_eq!(plugin.id, LangId::JavaScript, "no queries/{}/", plugin.name);
                continue;
            }
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
                assert!(
                    plugin.query_sources().iter().any(|(n, _)| *n == stem),
                    "{} is not compiled into the {} plugin",
                    path.display(),
                    plugin.name
                );
            }
        }
    }

    #[test]
    fn naming_table_spells_api_names() {
        assert_eq!(
            TYPESCRIPT.naming.api("cross_account_keys"),
            "crossAccountKeys"
        );
        assert_eq!(TYPESCRIPT.naming.api("git_hub"), "gitHub");
        assert_eq!(PYTHON.naming.api("add_stage"), "add_stage");
    }

    fn imports(plugin: &Plugin, src: &str) -> Vec<(String, String, Option<String>)> {
        let tree = plugin.parser().parse(src, None).unwrap();
        plugin
            .lower(&tree, src)
            .imports
            .into_iter()
            .map(|i| (i.local, i.module, i.member))
            .collect()
    }

    /// A lowering in pieces equals the whole file's, or is not made.
    fn same_in_pieces(src: &str, n: usize) -> bool {
        let tree = PYTHON.parser().parse(src, None).unwrap();
        let whole = PYTHON.lower_reusing(&tree, src, None);
        match PYTHON.lower_split(src, n) {
            Some(p) => {
                assert_eq!(p.module, whole.module, "{n} pieces of:\n{src}");
                assert_eq!(
                    format!("{:?}", p.groups),
                    format!("{:?}", whole.groups),
                    "{n} pieces"
                );
                true
            }
            None => false,
        }
    }

    #[test]
    fn a_big_python_file_lowers_in_pieces_as_it_does_whole() {
        let mut src = String::from(
            "import aws_cdk as cdk\nfrom aws_cdk import pipelines\n\nACCOUNTS = {\n    \"dev\": \"111111111111\",\n}\n\n",
        );
        for i in 0..300 {
            src.push_str(&format!(
                "@decorate(\n    x={i},\n)\n@other\nclass Stack{i}(cdk.Stack):\n    \"\"\"Docs.\nclass NotOne{i}:\n\"\"\"\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        self.q = [\n1,\n]  # a comment (\n        x = 'it''s' + \"a\\\"\" + \\\n\"b\"\n\n# class Commented:\ndef helper{i}(a):\n    return a\n\nasync def later{i}():\n    pass\n\n"
            ));
        }
        src.push_str("app = cdk.App()\nStack1(app, \"S\")\napp.synth()\n");
        let starts = (PYTHON.statement_starts.unwrap())(&src);
        // Each stack's decorators, each helper and each async def; never inside the docstring,
        // the list or after a decorator.
        assert_eq!(starts.len(), 900, "{starts:?}");
        for (b, row) in &starts {
            assert_eq!(src[..*b].matches('\n').count(), *row);
            assert!(
                !src[*b..].starts_with("class NotOne") && !src[*b..].starts_with("class Stack")
            );
        }
        for n in [2, 3, 7, 64] {
            assert!(same_in_pieces(&src, n), "{n} pieces: not made");
        }
        // The same with Windows line endings.
        let crlf = src.replace('\n', "\r\n");
        assert_eq!((PYTHON.statement_starts.unwrap())(&crlf).len(), 900);
        for n in [2, 7] {
            assert!(same_in_pieces(&crlf, n), "{n} pieces of CRLF: not made");
        }
    }

    #[test]
    fn every_python_file_of_the_repository_lowers_in_pieces_as_it_does_whole() {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                let name = e.file_name().to_string_lossy().to_string();
                if p.is_dir()
                    && !name.starts_with('.')
                    && name != "node_modules"
                    && name != "cdk.out"
                {
                    walk(&p, out);
                } else if name.ends_with(".py") {
                    out.push(p);
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for d in ["tests", "examples"] {
            walk(&root.join(d), &mut files);
        }
        assert!(files.len() > 50, "{}", files.len());
        let mut cut = 0;
        for f in &files {
            let Ok(src) = std::fs::read_to_string(f) else {
                continue;
            };
            for n in [2, 3, 8] {
                cut += usize::from(same_in_pieces(&src, n));
            }
        }
        // Most of them have two top-level classes or functions.
        assert!(cut > files.len(), "{cut} of {}", files.len() * 3);
    }

    #[test]
    fn a_file_cut_in_the_wrong_place_or_broken_is_not_lowered_in_pieces() {
        let body = "class A(cdk.Stack):\n    pass\n\n".repeat(50);
        let tree_of = |src: &str| PYTHON.parser().parse(src, None).unwrap();
        // Cut inside a string, a call's arguments, after a decorator: the file parses cleanly
        // whole, the piece before the cut does not.
        let wrong = [
            ("\"\"\"\n", "class Inside:\n\"\"\"\n"),
            ("x = f(\n", "arg,\n)\n"),
            ("@decorated\n", "class Decorated:\n    pass\n"),
        ];
        for (before, after) in wrong {
            let src = format!("{body}{before}{after}{body}");
            assert!(!tree_of(&src).root_node().has_error(), "{src}");
            let at = body.len() + before.len();
            let row = src[..at].matches('\n').count();
            assert!(
                PYTHON.lower_at(&src, &[(at, row)], 2).is_none(),
                "cut before {after:?}"
            );
            // The scan does not cut there.
            assert!(same_in_pieces(&src, 2));
        }
        // A backslash continuation before a decorator line, with either line ending: the
        // decorator belongs to the statement before it (`x = a @ b`), never cut off.
        for nl in ["\n", "\r\n"] {
            let src = format!("{body}x = a \\{nl}@ b{nl}class C:{nl}    pass{nl}{body}");
            assert!(!tree_of(&src).root_node().has_error(), "{src}");
            let starts = (PYTHON.statement_starts.unwrap())(&src);
            let at = src.find("@ b").unwrap();
            assert!(!starts.iter().any(|(b, _)| *b == at), "{nl:?}");
            let cut = src.find("class C").unwrap();
            assert!(starts.iter().any(|(b, _)| *b == cut), "{nl:?}");
            for n in [2, 3] {
                same_in_pieces(&src, n);
            }
        }
        let broken = format!("{body}def broken(:\n    pass\n{body}");
        for n in [2, 5] {
            assert!(!same_in_pieces(&broken, n), "{n} pieces of a broken file");
        }
        // A file without a place to cut is one piece: nothing to gain.
        assert!(!same_in_pieces("x = 1\ny = 2\n", 4));
        // Languages without a scan never cut.
        assert!(TYPESCRIPT.lower_split("class A {}\n", 2).is_none());
    }

    #[test]
    fn python_imports() {
        let got = imports(
            &PYTHON,
            "import aws_cdk as cdk\nfrom aws_cdk import pipelines as pl, Stage\nimport aws_cdk.pipelines\nfrom .stage import AppStage\nfrom .config import *\n",
        );
        let s = |a: &str, b: &str, c: Option<&str>| (a.into(), b.into(), c.map(Into::into));
        assert_eq!(
            got,
            vec![
                s("cdk", "aws_cdk", None),
                s("pl", "aws_cdk", Some("pipelines")),
                s("Stage", "aws_cdk", Some("Stage")),
                s("aws_cdk", "aws_cdk", None),
                s("AppStage", ".stage", Some("AppStage")),
                s("*", ".config", None),
            ]
        );
    }

    #[test]
    fn typescript_imports() {
        let got = imports(
            &TYPESCRIPT,
            "import * as pipelines from 'aws-cdk-lib/pipelines';\nimport { Stage, pipelines as pl } from 'aws-cdk-lib';\nimport cdk from 'aws-cdk-lib';\nexport * from './config';\nexport { A, B as C } from './m';\n",
        );
        let s = |a: &str, b: &str, c: Option<&str>| (a.into(), b.into(), c.map(Into::into));
        assert_eq!(
            got,
            vec![
                s("pipelines", "aws-cdk-lib/pipelines", None),
                s("Stage", "aws-cdk-lib", Some("Stage")),
                s("pl", "aws-cdk-lib", Some("pipelines")),
                // A default import names the module's default export.
                s("cdk", "aws-cdk-lib", Some("default")),
                // Re-exports: every name of `./config`; `A` and `C` as imports bind them.
                s("*", "./config", None),
                s("A", "./m", Some("A")),
                s("C", "./m", Some("B")),
            ]
        );
    }

    #[test]
    fn extra_queries_report_broken_files_and_keep_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("python")).unwrap();
        std::fs::write(dir.path().join("python/bad.scm"), "(call @stage").unwrap();
        std::fs::write(
            dir.path().join("python/good.scm"),
            "(call function: (identifier) @f (#eq? @f \"deploy_to\") arguments: (argument_list . (string) @stage.id)) @stage",
        )
        .unwrap();
        let (extra, errors) = ExtraQueries::load(&[dir.path().to_path_buf()]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("bad.scm:1:"), "{errors:?}");
        let src = "deploy_to('Dev', '111111111111')\n";
        let tree = PYTHON.parser().parse(src, None).unwrap();
        let stages = PYTHON.extension_stages(&tree, src, &extra);
        assert_eq!(stages.len(), 1);
        assert_eq!(
            stages[0].id.as_ref().unwrap().kind,
            ir::ExprKind::Str("Dev".into())
        );
    }
}
