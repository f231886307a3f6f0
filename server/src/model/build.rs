//! Follows a lowered file like a very small interpreter: binds variables and loop variables to
//! the values it can know, and records what CDK Pipelines calls construct.

/// The interpreter's maps are looked up for every name it reads: a fast hash (not SipHash,
/// which was 7% of an analysis) is enough, since nothing here is keyed by untrusted input that
/// could degrade it on purpose beyond what a file's own size costs.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::value::{canonical_module, from_json, Construct, Owner, Value, V};
use super::{assets, catalog, cdk};
use super::{
    Asset, AssetKind, AssetName, EnvState, FileModel, Pipeline, Span, Stack, StepEvent, TooDeep,
};
use crate::lang::ir::{self, Arg, ClassDef, ExprKind, FuncDef, Stmt, Target, TemplatePart};
use crate::lang::ExtensionStage;

/// What the model needs from the rest of the app: cdk.json context and the other files.
pub trait AppIndex {
    fn context(&self, key: &str) -> Option<&serde_json::Value>;
    /// A class defined in one of the app's files, with the file and module defining it.
    fn class(&self, name: &str) -> Option<(&Path, &ClassDef, &ir::Module)>;
    /// Where the app constructs instances of a class (the pipeline stack, usually in app.py).
    fn instantiations(&self, class: &str) -> Vec<(PathBuf, Instantiation)>;
    /// Whether the file belongs to an app whose cdk.json was read.
    fn has_app(&self) -> bool;
    /// The app's `aws-cdk-lib` version, where its lock file or manifest says.
    fn cdk_version(&self) -> Option<&super::CdkVersion> {
        None
    }
    /// Whether one of the app's files uses a construct that brings assets along (see
    /// [`cdk::mentions_assets`]).
    fn mentions_assets(&self) -> bool {
        false
    }
    /// The attributes of instances of `class` through which the app's files (other than
    /// `file`) add stages or waves (see [`extensions`]).
    fn extended(&self, _class: &str, _file: Option<&Path>) -> Vec<String> {
        Vec::new()
    }
    /// The app's file that `module`, imported by `from`, names (`config`, `.settings`,
    /// `pkg.accounts`, `./lib/config`), with its module.
    fn module(&self, _from: Option<&Path>, _module: &str) -> Option<(&Path, &ir::Module)> {
        None
    }
    /// The app's file at `path` (as [`AppIndex::instantiations`] names it), with its module.
    fn file_module(&self, _path: &Path) -> Option<(&Path, &ir::Module)> {
        None
    }
    /// The other files of `file`'s package, where its language makes the top-level names of
    /// each file of a folder seen in all (see `lang::Plugin::package_scope`), in path order.
    fn package_files(&self, _file: &Path) -> Vec<(&Path, &ir::Module)> {
        Vec::new()
    }
    /// The classes of the app's files that make `class` with `self` as scope somewhere in
    /// their body (see [`classes_made_with_self`]): each file and class.
    fn made_by(&self, _class: &str) -> Vec<(PathBuf, String)> {
        Vec::new()
    }
    /// Whether one of the app's classes extends a class named `class` (its base's last name).
    fn subclassed(&self, _class: &str) -> bool {
        false
    }
}

/// The last names of the bases of a class (`PlatformPipeline` for `base.PlatformPipeline`).
pub fn base_names(class: &ClassDef) -> Vec<String> {
    class
        .bases
        .iter()
        .filter_map(|b| b.dotted().and_then(|p| p.last().map(|l| l.to_string())))
        .collect()
}

/// For each class of a module, the classes it makes with `self` as scope
/// (`DeliveryPipeline(self, "Delivery")`): (maker, made), what [`AppIndex::made_by`] answers.
pub fn classes_made_with_self(module: &ir::Module) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for stmt in &module.body {
        if let Stmt::Class(c) = stmt {
            let mut made = std::collections::HashSet::new();
            made_with_self(&c.body, &mut made);
            let mut made: Vec<String> = made.into_iter().collect();
            made.sort();
            out.extend(made.into_iter().map(|m| (c.name.clone(), m)));
        }
    }
    out
}

/// An index that knows nothing: a file analysed on its own.
pub struct NoIndex;

impl AppIndex for NoIndex {
    fn context(&self, _: &str) -> Option<&serde_json::Value> {
        None
    }
    fn class(&self, _: &str) -> Option<(&Path, &ClassDef, &ir::Module)> {
        None
    }
    fn instantiations(&self, _: &str) -> Vec<(PathBuf, Instantiation)> {
        Vec::new()
    }
    fn has_app(&self) -> bool {
        false
    }
}

/// A construct of a named class created somewhere with an env (or none).
#[derive(Clone, Debug, PartialEq)]
pub struct Instantiation {
    pub class: String,
    pub id: Option<String>,
    pub env: EnvState,
    pub span: Span,
    /// Attributes of the instance that the code around it adds stages or waves through
    /// (`stack.pipeline.add_stage(…)` in app.py): what they add is not in the class.
    pub extended: Vec<String>,
    /// The arguments it was made with (see [`CallArgs`]).
    pub args: CallArgs,
}

/// A call's evaluated arguments, as an instantiation keeps them: the class's constructor is
/// followed with them where every instantiation of the class passes the same.
#[derive(Clone, Debug)]
pub struct CallArgs(pub(super) std::sync::Arc<Args>);

impl PartialEq for CallArgs {
    fn eq(&self, other: &Self) -> bool {
        self.0.key() == other.0.key()
    }
}

/// Upper bounds that keep a pathological file from making the model slow.
const MAX_DEPTH: usize = 6;
/// How many modules deep values are followed through imports (`from config import X` where
/// config.py imports X from accounts.py is two).
const MAX_IMPORT_DEPTH: u32 = 3;
const MAX_LOOP_ITEMS: usize = 256;
const MAX_STEPS: usize = 200_000;
/// How deep a run nests, in statements and expressions followed, across the functions it
/// follows calls into: the IR of one function is at most this deep (statements and expressions
/// are each bounded by [`ir::MAX_NESTING`]), and a call made that deep is followed only as far
/// as the rest of the budget goes (then its value is unknown, and noted). Without it the
/// [`MAX_DEPTH`] calls would multiply the IR's bound.
const MAX_LEVEL: usize = 2 * ir::MAX_NESTING;
/// How many parts (list items, dict entries, …, counted all the way down) a value may have. A
/// value is copied whenever a name is read, and walked for fingerprints: without a bound,
/// `x = [x, x]` sixty times makes a value of 2^60 parts. Real pipeline code builds values of a
/// few hundred parts (a list of accounts, a build spec).
pub const MAX_PARTS: usize = 10_000;
/// How often a run that may be abandoned asks (a step is a statement, some microseconds).
const ABANDON_EVERY: usize = 128;

/// Builds the model of one file.
pub fn build<'a>(
    module: &'a ir::Module,
    language: &'static str,
    file: Option<&'a Path>,
    index: &'a dyn AppIndex,
    extension_stages: &'a [ExtensionStage],
) -> FileModel {
    build_unless(module, language, file, index, extension_stages, &|| false)
        .expect("never abandoned")
}

/// [`build`], asking `abandon` now and then (every few hundred statements run); `None` when it
/// said yes (the language server's analysis of a document that changed again meanwhile).
pub fn build_unless<'a>(
    module: &'a ir::Module,
    language: &'static str,
    file: Option<&'a Path>,
    index: &'a dyn AppIndex,
    extension_stages: &'a [ExtensionStage],
    abandon: &'a dyn Fn() -> bool,
) -> Option<FileModel> {
    let mut it = Interp::new(module, file, index);
    it.abandon = Some(abandon);
    it.run_module();
    if it.abandoned {
        return None;
    }
    for ext in extension_stages {
        it.add_extension_stage(ext);
    }
    let mut pipelines = std::mem::take(&mut it.pipelines);
    let too_deep = earliest(
        module.too_deep.map(|span| TooDeep { file: None, span }),
        it.too_deep.map(|(f, span)| TooDeep {
            file: f.filter(|f| Some(*f) != file).map(Path::to_path_buf),
            span,
        }),
    );
    let pipeline_attrs = std::mem::take(&mut it.pipeline_attrs);
    // Where this file's run made instances (at module level and inside the constructors it
    // ran: a wrapper construct made by a stack), for what is added through them.
    let made_here = std::mem::take(&mut it.instantiations);
    let assets = index.mentions_assets() || cdk::mentions_assets(module);
    for (i, p) in pipelines.iter_mut().enumerate() {
        cdk::finish_pipeline(p);
        p.may_have_assets = assets;
        if let Some(class) = &p.stack_class {
            let (env, ids) = stack_from_app(class, file, module, index);
            if matches!(p.env, EnvState::Unknown) {
                p.env = env;
            }
            p.stack_ids = ids;
        }
        // A Stage made with the pipeline stack as its scope is below it.
        let stack_path = match p.stack_ids.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        };
        for st in &mut p.stages {
            // Written in this file: no file of its own (see `Interp::call_in_other_file`).
            if let EnvState::Given(e) = &mut st.env {
                if e.file.is_some() && e.file.as_deref() == file {
                    e.file = None;
                }
            }
            for stack in st.stacks.iter_mut().flatten() {
                if stack.file.is_some() && stack.file.as_deref() == file {
                    stack.file = None;
                }
            }
            if let Some(rest) = st
                .path
                .as_deref()
                .and_then(|x| x.strip_prefix(cdk::IN_SELF))
            {
                st.path = stack_path.as_ref().map(|sp| format!("{sp}/{rest}"));
            }
        }
        // A subclass of the class that made the pipeline (`PaymentsDelivery(PlatformPipeline)`)
        // may add stages in its own constructor, which is not followed from here.
        if let Some(class) = &p.stack_class {
            let here = module
                .body
                .iter()
                .any(|s| matches!(s, Stmt::Class(c) if base_names(c).iter().any(|b| b == class)));
            p.added_elsewhere |= here || index.subclassed(class);
        }
        if let Some(class) = &p.stack_class {
            let attrs: Vec<&str> = pipeline_attrs
                .iter()
                .filter(|(pi, _)| *pi == i)
                .map(|(_, a)| a.as_str())
                .collect();
            // Through an attribute holding a pipeline, or a method of the class (`add_app()`),
            // which may reach one.
            let through = |a: &str| attrs.contains(&a) || a.ends_with("()");
            let extended = |inst: &Instantiation| {
                inst.class == *class && inst.extended.iter().any(|a| through(a))
            };
            // The file whose code this run followed (see `Interp::follow_extension`) adds
            // nothing the model does not have.
            let followed = it
                .extensions_followed
                .iter()
                .find(|(c, _)| c == class)
                .map(|(_, f)| f.as_path());
            p.added_elsewhere |= !attrs.is_empty()
                && (made_here.iter().any(extended)
                    // Every file as indexed, this one too: its Stage classes, which this run
                    // follows only where a pipeline adds them, may add stages as well.
                    || index
                        .extended(class, followed)
                        .iter()
                        .any(|a| through(a)));
        }
    }
    let flag = index.has_app().then(|| {
        index
            .context("@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2")
            .is_some_and(|v| v.as_bool() == Some(true) || v.as_str() == Some("true"))
    });
    // A step made more than once stands for several: what is done to it is not certain.
    let mut step_events = std::mem::take(&mut it.step_events);
    for e in &mut step_events {
        let refs = match e {
            StepEvent::OutputDir { step, .. } => vec![step],
            StepEvent::DependsOn { step, on, .. } => vec![step, on],
        };
        for r in refs {
            r.ambiguous |= it.steps_made.get(&r.span.start_byte).copied().unwrap_or(0) != 1;
        }
    }
    Some(FileModel {
        language,
        pipelines,
        syntax_errors: module.errors.clone(),
        default_pipeline_type_v2: flag,
        cdk_version: index.cdk_version().cloned(),
        too_deep,
        step_events,
        stack_dependencies: std::mem::take(&mut it.stack_deps),
    })
}

/// The note about the file itself first, else the one that comes first in the file.
fn earliest(a: Option<TooDeep>, b: Option<TooDeep>) -> Option<TooDeep> {
    match (a, b) {
        (Some(a), Some(b)) => {
            let key = |t: &TooDeep| (t.file.is_some(), t.span.start_byte);
            Some(if key(&b) < key(&a) { b } else { a })
        }
        (a, b) => a.or(b),
    }
}

/// The constructs a file instantiates at module level (what the workspace index keeps).
pub fn instantiations(
    module: &ir::Module,
    file: Option<&Path>,
    index: &dyn AppIndex,
) -> Vec<Instantiation> {
    let mut it = Interp::new(module, file, index);
    it.module_pass();
    it.instantiations
}

/// The (class, attribute) pairs through which a file adds stages or waves to an instance of
/// one of the app's classes (`delivery.pipeline.add_stage(…)`), at module level and in every
/// constructor it defines, Stage classes included (see [`Instantiation::extended`]).
pub fn extensions(
    module: &ir::Module,
    file: Option<&Path>,
    index: &dyn AppIndex,
) -> Vec<(String, String)> {
    let mut it = Interp::new(module, file, index);
    it.module_pass();
    for stmt in &module.body {
        if let Stmt::Class(c) = stmt {
            it.run_class(c, Args::open(), Vec::new());
        }
    }
    let mut out: Vec<(String, String)> = it
        .instantiations
        .into_iter()
        .flat_map(|i| {
            let class = i.class;
            i.extended.into_iter().map(move |a| (class.clone(), a))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The pipeline stack's env, from where the app instantiates its class, and the construct ids
/// it gives those instances. One instantiation decides the env; several that agree do too;
/// several that disagree leave it unknown.
fn stack_from_app(
    class: &str,
    file: Option<&Path>,
    module: &ir::Module,
    index: &dyn AppIndex,
) -> (EnvState, Vec<String>) {
    let mut found: Vec<(Option<PathBuf>, Instantiation)> = {
        let mut it = Interp::new(module, file, index);
        it.module_pass();
        it.instantiations
            .into_iter()
            .filter(|i| i.class == class)
            .map(|i| (None, i))
            .collect()
    };
    for (path, inst) in index.instantiations(class) {
        if Some(path.as_path()) != file {
            found.push((Some(path), inst));
        }
    }
    let mut ids: Vec<String> = found.iter().filter_map(|(_, i)| i.id.clone()).collect();
    ids.sort();
    ids.dedup();
    let mut envs = found.into_iter().map(|(path, inst)| match inst.env {
        EnvState::Given(mut e) => {
            e.file = path;
            EnvState::Given(e)
        }
        other => other,
    });
    let Some(first) = envs.next() else {
        return (EnvState::Unknown, ids);
    };
    let same = |a: &EnvState, b: &EnvState| a.account() == b.account() && a.region() == b.region();
    if envs.all(|e| same(&e, &first)) {
        (first, ids)
    } else {
        (EnvState::Unknown, ids)
    }
}

#[derive(Default)]
struct Frame {
    locals: HashMap<String, V>,
    /// The class whose method is running, for `self.x` and `self.method()`.
    class: Option<String>,
    /// What the function returned, once a `return` ran for certain: the rest of its body
    /// does not run.
    returned: Option<V>,
    /// A `return` ran under a condition the model does not know: what the function returns
    /// is not known.
    maybe_returned: bool,
    /// [`Interp::maybe`] when the function was called.
    maybe_base: u32,
}

pub(super) struct Interp<'a> {
    module: &'a ir::Module,
    pub(super) file: Option<&'a Path>,
    /// The file this run is the model of (`file` while the run is in another file's code: an
    /// extension's, a function of another file's).
    home: Option<&'a Path>,
    pub(super) index: &'a dyn AppIndex,
    globals: HashMap<String, V>,
    self_attrs: HashMap<String, V>,
    /// The module's classes and functions by name: shared by the runs of one module (a huge
    /// file has thousands, and every class followed starts a run).
    classes: Rc<HashMap<&'a str, &'a ClassDef>>,
    funcs: Rc<HashMap<&'a str, &'a FuncDef>>,
    frames: Vec<Frame>,
    depth: usize,
    /// How deep the run is nested now (see [`MAX_LEVEL`]).
    level: usize,
    /// The first place the run went past [`MAX_LEVEL`], or computed a value nested deeper than
    /// [`ir::MAX_NESTING`] or bigger than [`MAX_PARTS`], and the file it is in (`None`: the
    /// file being built).
    too_deep: Option<(Option<&'a Path>, Span)>,
    steps: usize,
    /// Asked every [`ABANDON_EVERY`] steps; a yes ends the run (see [`build_unless`]).
    abandon: Option<&'a dyn Fn() -> bool>,
    abandoned: bool,
    pub(super) pipelines: Vec<Pipeline>,
    pub(super) instantiations: Vec<Instantiation>,
    /// While following a Stage class: the constructs created with `self` as scope.
    pub(super) children: Option<Vec<Construct>>,
    /// The env a class passes to its own base constructor (`super().__init__(…, env=…)`).
    pub(super) super_env: Option<EnvState>,
    /// The env the running class's constructor gives its base constructor, whatever it is
    /// (none given, unknown), once the base call ran; unknown when it ran where the model
    /// cannot tell whether it runs. A Stage class that extends CDK's `Stage` makes this its
    /// env, whatever the code that makes the Stage passes.
    pub(super) base_env: Option<EnvState>,
    /// While a Stage class is followed: the class whose constructor runs (that class, then
    /// the base class of the app's whose constructor its base call runs).
    following_stage: Option<String>,
    /// While the module's own statements run (`module_pass`): the first frame is the module's.
    in_module_pass: bool,
    /// The class whose base call set `base_env` (what `self.region` reads, see
    /// `own_env_part`).
    base_env_class: Option<String>,
    /// `a.add_dependency(b)` between constructs: (id of a, id of b).
    pub(super) dependencies: Vec<(String, String)>,
    /// `a.add_dependency(b)` between stacks whose holders are known (see
    /// [`super::StackDependency`]).
    pub(super) stack_deps: Vec<super::StackDependency>,
    /// Where the first positional argument of the call being applied is written (a value
    /// reached through a name carries the span of where it was made).
    first_arg: Option<Span>,
    /// What following each Stage class found, by class name and arguments.
    stage_cache: HashMap<String, Option<FollowedStage>>,
    /// How often each Stage class was followed with its arguments.
    stage_follows: HashMap<String, usize>,
    /// While following a Stage class: how many call arguments were `self`.
    self_uses: usize,
    /// While following a Stage class: something ran that the model does not follow (an
    /// expression or statement it cannot evaluate, a method it cannot find, a bound hit), so
    /// the constructs it found may not be all.
    opaque: bool,
    /// How often each construct (by the start of the call that made it) was passed to a call.
    construct_uses: HashMap<usize, u32>,
    /// While following a Stage class: each attribute read of one of its stacks (`db.table`),
    /// a cross-stack reference, by the id of the stack read (`None`: an id the model does not
    /// know), the attribute, and whether a stack made with it as an argument took it (and so
    /// depends on that stack, as CDK makes it). One that no stack took leaves the order of
    /// the stage's stacks unknown.
    stack_refs: Vec<StackRef>,
    /// How many `if`s whose condition the model does not know the run is inside: what is
    /// added to a pipeline there may not be (see [`super::Stage::conditional`]).
    pub(super) maybe: u32,
    /// How many loops over values the model cannot know the run is inside (their body runs
    /// once here, but may run any number of times).
    unsure_loops: u32,
    /// What the code does to its steps, in order (see [`StepEvent`]).
    pub(super) step_events: Vec<StepEvent>,
    /// How often each step construction (by the start of its call) ran.
    pub(super) steps_made: HashMap<usize, u32>,
    /// The attributes of `self` that hold a pipeline after a constructor ran: (pipeline index,
    /// attribute).
    pipeline_attrs: Vec<(usize, String)>,
    /// The module's imports by local name, for values imported from the app's own files.
    imports: HashMap<&'a str, &'a ir::Import>,
    /// Imported names already looked up in their module (found or not).
    resolved: std::collections::HashSet<String>,
    /// The module takes every name of another (`export * from`, `from m import *`).
    has_star: bool,
    /// The file's plugin says its values are loose (`lang::Values::Loose`: an object's missing
    /// key reads as `undefined`, `"a" + 1` is `"a1"`, …).
    js: bool,
    /// How many imports deep this run is (a run that reads an imported module's values is one
    /// deeper); bounded by [`MAX_IMPORT_DEPTH`].
    import_depth: u32,
    /// Where each call that makes an asset from a path ran (`Code.from_asset(…)`, by the start
    /// of its span): a construct class is followed for its assets to the end only when each
    /// of them went to a construct the model names the assets of.
    pub(super) asset_calls: Vec<usize>,
    /// `task.add_container(id, image=…)` on a construct: (the task's id when its scope is
    /// `self`, the container's id, the image).
    container_images: Vec<(Option<String>, Option<String>, V)>,
    /// What following each construct class for its assets found, by class, arguments and
    /// path (see [`Interp::class_assets`]).
    asset_cache: HashMap<String, (Vec<Asset>, bool)>,
    /// Whether the app uses anything that brings an asset along, once asked.
    assets_possible: Option<bool>,
    /// While another file's code that extends an instance of a pipeline stack class runs
    /// (see [`Interp::follow_extension`]).
    extension: Option<Box<Extension<'a>>>,
    /// The pipeline stack classes whose instance another file extends and whose code was
    /// followed to the end, with that file: what it adds is in the pipelines.
    pub(super) extensions_followed: Vec<(String, PathBuf)>,
    /// The classes of this file that a stack class of it makes with `self` as scope (a
    /// wrapper construct, `DeliveryPipeline(self, "Delivery", repo=…)`): followed where that
    /// stack makes them, with the arguments it passes, not on their own (see
    /// [`Interp::follow_wrapper`]).
    wrappers: std::collections::HashSet<String>,
    /// Those of [`Interp::wrappers`] followed where a stack made them.
    wrappers_followed: std::collections::HashSet<String>,
    /// While a wrapper construct's code runs: the stack class whose run made it, which a
    /// pipeline made there belongs to (its env and construct ids are that stack's).
    pub(super) host_class: Option<String>,
    /// Each wrapper construct made (by the start of the call that made it): its class and
    /// its attributes as its constructor and methods left them (`delivery.pipeline`).
    wrapper_instances: HashMap<WrapperKey, (String, HashMap<String, V>)>,
    /// The number the next wrapper instance gets.
    next_wrapper: u32,
    /// While a Stage class that makes the pipeline stack runs on its own (see
    /// [`Interp::wrapper_classes`]): its stage name, when known. A Stage it makes with `self`
    /// is nested in it (CDK names it `<name>-<id>`).
    stage_host: Option<Option<String>>,
    /// Each of CDK's own `Stage`s made by the app's code ([`Construct::handle`]): the stacks
    /// made in it, and whether anything may have added others or ordered them.
    handles: HashMap<u32, Handle>,
    /// How many expressions the run could not evaluate so far (anything may have happened
    /// there).
    unknowns: u32,
    /// Set while a loop's iterable is evaluated when it is a map ranged over in no fixed order
    /// (`ir::Builtin::Unordered`).
    unordered: bool,
    /// What this run and the runs of other files it makes (`module_run`) look up once for all
    /// (see [`Shared`]).
    shared: Rc<std::cell::RefCell<Shared<'a>>>,
    /// How many pipelines calls of this file's functions made while another file's code ran
    /// (see [`Interp::run_package_entry`]).
    made_at_home: usize,
}

/// The numbers of [`Construct::handle`], unique in the process (a Stage made by one run
/// and read by another is not taken for another one).
static NEXT_HANDLE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// CDK's own `Stage`, made by the app's code, and what the run saw done with it.
#[derive(Clone, Default)]
struct Handle {
    /// The constructs made with it as scope, in order.
    kids: Vec<Construct>,
    /// How often it was passed to a call other than a function of the app's (followed where
    /// it is called): a construction, a method, a library's function.
    uses: u32,
    /// [`Interp::unknowns`] when it was made.
    unknowns_at: u32,
    /// Something made in it was read, called or handed to a call (but as the scope of a
    /// construct made in it): a cross-stack reference or an explicit dependency may order its
    /// stacks.
    crossed: bool,
}

/// A wrapper construct instance (see [`Construct::wrapper`]): each call that makes one, each
/// time it runs, makes another.
type WrapperKey = u32;

fn wrapper_key_of(v: &V) -> Option<WrapperKey> {
    match &v.val {
        Value::Construct(c) if !c.cdk => c.wrapper,
        _ => None,
    }
}

/// What names mean in one module: the part of an [`Interp`] that another module's code, run
/// by the same interpreter, swaps (see [`Interp::follow_extension`]).
struct ModuleState<'a> {
    module: &'a ir::Module,
    file: Option<&'a Path>,
    globals: HashMap<String, V>,
    classes: Rc<HashMap<&'a str, &'a ClassDef>>,
    funcs: Rc<HashMap<&'a str, &'a FuncDef>>,
    imports: HashMap<&'a str, &'a ir::Import>,
    resolved: std::collections::HashSet<String>,
    has_star: bool,
    js: bool,
    import_depth: u32,
}

/// What the runs of one model look up once for all: the runs of other files it makes share
/// it (`Interp::module_run`), as they share the step budget.
#[derive(Default)]
struct Shared<'a> {
    /// What each module's code changes of its names (see [`ir::writes`]), by module.
    writes: HashMap<usize, Rc<ir::Writes>>,
    /// Names read from the other files of a package (Go), by folder and name: what the file
    /// defining it binds it to (`None`: no one file does, or the package's code changes it),
    /// and that file.
    package_names: HashMap<(PathBuf, String), Option<(V, &'a Path)>>,
    /// The other files of a file's package.
    package_files: HashMap<PathBuf, Vec<(&'a Path, &'a ir::Module)>>,
}

/// What a run of another file's code may change besides the pipelines, kept by
/// [`Interp::begin_other_run`] to be put back.
struct OtherRunSaved<'a> {
    instantiations: usize,
    step_events: usize,
    stack_deps: usize,
    dependencies: usize,
    containers: usize,
    asset_calls: usize,
    too_deep: Option<(Option<&'a Path>, Span)>,
    steps_made: HashMap<usize, u32>,
    construct_uses: HashMap<usize, u32>,
    stage_cache: HashMap<String, Option<FollowedStage>>,
    stage_follows: HashMap<String, usize>,
    wrapper_instances: HashMap<WrapperKey, (String, HashMap<String, V>)>,
}

/// Another file of the app (app.py, bin/app.ts) run to follow what it adds through the one
/// instance it makes of a pipeline stack class of this file (`stack.pipeline.add_stage(…)`).
struct Extension<'a> {
    class: &'a ClassDef,
    /// The instantiation in the other file.
    at: Span,
    /// The instance's attributes, as the constructor (and the methods run since) left them.
    attrs: HashMap<String, V>,
    /// The pipelines those attributes hold.
    pipelines: Vec<usize>,
    /// The other file.
    file: &'a Path,
    /// The module state not in use: this file's while the other file's code runs, and the
    /// other's while a method of the class runs.
    parked: ModuleState<'a>,
    /// Whether the other file's code is running (not a method of the class).
    in_other: bool,
    /// How often the other file's code made the instance.
    made: u32,
    /// Something ran that makes what the other file adds uncertain: the instance made where
    /// the model cannot tell whether or how often, a method of it the model does not run, the
    /// instance or its pipeline handed to code the model does not follow.
    unsure: bool,
    /// A host run (see [`Interp::follow_host`]): the other file's stack class makes an
    /// instance of `class`, a wrapper construct of this file.
    host: bool,
    /// In a host run: the pipelines the wrapper's code made.
    wrapped: usize,
}

impl<'a> Interp<'a> {
    pub(super) fn new(
        module: &'a ir::Module,
        file: Option<&'a Path>,
        index: &'a dyn AppIndex,
    ) -> Self {
        Self::with_defs(module, file, index, None)
    }

    /// [`Interp::new`] with the module's classes and functions by name when they are known
    /// (`defs`: another run of the same module has them).
    #[allow(clippy::type_complexity)]
    fn with_defs(
        module: &'a ir::Module,
        file: Option<&'a Path>,
        index: &'a dyn AppIndex,
        defs: Option<(
            Rc<HashMap<&'a str, &'a ClassDef>>,
            Rc<HashMap<&'a str, &'a FuncDef>>,
        )>,
    ) -> Self {
        let mut globals = HashMap::default();
        for imp in &module.imports {
            let base = canonical_module(&imp.module);
            let q = match &imp.member {
                // A library's default export is the library (`import cdk from 'aws-cdk-lib'`).
                Some(m) if m != ir::DEFAULT_EXPORT => format!("{base}.{m}"),
                Some(_) => base,
                // `using Pipeline = Amazon.CDK.Pipelines.CodePipeline;`: a name for a class,
                // written with its module's path.
                None => {
                    let parts: Vec<&str> = imp.module.split('.').collect();
                    match super::value::cdk_module_len(&parts) {
                        Some(k) if k < parts.len() => format!(
                            "{}.{}",
                            canonical_module(&parts[..k].join(".")),
                            parts[k..].join(".")
                        ),
                        _ => base,
                    }
                }
            };
            globals.insert(imp.local.clone(), V::new(Value::Qual(q), imp.span));
        }
        let (classes, funcs) = defs.unwrap_or_else(|| {
            let mut classes = HashMap::default();
            let mut funcs = HashMap::default();
            for stmt in &module.body {
                match stmt {
                    Stmt::Class(c) => {
                        classes.insert(c.name.as_str(), c);
                    }
                    Stmt::Func(f) => {
                        funcs.insert(f.name.as_str(), f);
                    }
                    _ => {}
                }
            }
            (Rc::new(classes), Rc::new(funcs))
        });
        Interp {
            module,
            file,
            home: file,
            index,
            globals,
            self_attrs: HashMap::default(),
            dependencies: Vec::new(),
            stack_deps: Vec::new(),
            first_arg: None,
            classes,
            funcs,
            frames: vec![Frame::default()],
            depth: 0,
            level: 0,
            too_deep: None,
            steps: 0,
            abandon: None,
            abandoned: false,
            pipelines: Vec::new(),
            instantiations: Vec::new(),
            children: None,
            super_env: None,
            base_env: None,
            following_stage: None,
            in_module_pass: false,
            base_env_class: None,
            stage_cache: HashMap::default(),
            stage_follows: HashMap::default(),
            self_uses: 0,
            opaque: false,
            construct_uses: HashMap::default(),
            stack_refs: Vec::new(),
            maybe: 0,
            unsure_loops: 0,
            step_events: Vec::new(),
            steps_made: HashMap::default(),
            pipeline_attrs: Vec::new(),
            imports: module
                .imports
                .iter()
                .map(|i| (i.local.as_str(), i))
                .collect(),
            resolved: std::collections::HashSet::new(),
            has_star: module.imports.iter().any(|i| i.local == ir::STAR_IMPORT),
            js: file
                .and_then(crate::lang::for_path)
                .is_some_and(|p| p.values == crate::lang::Values::Loose),
            import_depth: 0,
            asset_calls: Vec::new(),
            container_images: Vec::new(),
            asset_cache: HashMap::default(),
            assets_possible: None,
            extension: None,
            extensions_followed: Vec::new(),
            wrappers: std::collections::HashSet::new(),
            wrappers_followed: std::collections::HashSet::new(),
            host_class: None,
            wrapper_instances: HashMap::default(),
            next_wrapper: 0,
            stage_host: None,
            handles: HashMap::default(),
            unknowns: 0,
            unordered: false,
            shared: Rc::default(),
            made_at_home: 0,
        }
    }

    /// The value an imported name has in the app's file it comes from: a constant (string,
    /// number, list, dict — given the span of the import here, where it enters this file), an
    /// `Environment` (kept with the file it is written in), a class, or a whole module as an
    /// object of its names. `None` for anything else (a library, a function, a module pipelens
    /// cannot find).
    fn imported(&mut self, name: &str) -> Option<V> {
        let imp = *self.imports.get(name)?;
        if self.import_depth >= MAX_IMPORT_DEPTH {
            return None;
        }
        let (path, module) = self.index.module(self.file, &imp.module)?;
        let mut other = self.module_run(module, Some(path));
        let found = match &imp.member {
            Some(m) => match other.global(m) {
                Some(v) => Some(v),
                // `from config import env_for`: a function of that file.
                None if other.funcs.contains_key(m.as_str()) => {
                    Some(V::new(Value::Func(m.clone()), imp.span))
                }
                // `from . import settings` / `from pkg import module`: a module.
                None => {
                    let sep = if imp.module.ends_with('.') { "" } else { "." };
                    let submodule = format!("{}{sep}{m}", imp.module);
                    self.index.module(self.file, &submodule).map(|(p, sm)| {
                        let mut inner = self.module_run(sm, Some(p));
                        let v = inner.module_object(imp.span);
                        other.absorb(&inner);
                        v
                    })
                }
            },
            None => Some(other.module_object(imp.span)),
        };
        self.absorb(&other);
        found.and_then(|v| importable(v, imp.span, path))
    }

    /// Another module of the app, run to its module-level values, one import deeper than this
    /// run (what reading an imported name, a re-export, a `require`d module or a class
    /// attribute of another file needs).
    /// It spends this run's step budget and stops when this run would (see [`Interp::absorb`]).
    fn module_run(&self, module: &'a ir::Module, file: Option<&'a Path>) -> Interp<'a> {
        let mut other = Interp::new(module, file, self.index);
        other.import_depth = self.import_depth + 1;
        other.steps = self.steps;
        other.abandon = self.abandon;
        other.shared = self.shared.clone();
        other.module_pass();
        other
    }

    /// What a run made by [`Interp::module_run`] spent of the step budget, and whether it was
    /// abandoned: this run's now (nested runs of other files share one budget, so that code
    /// calling across files in loops stays bounded).
    fn absorb(&mut self, other: &Interp<'a>) {
        self.steps = self.steps.max(other.steps);
        self.abandoned |= other.abandoned;
    }

    /// A module-level name of this module, imports followed.
    fn global(&mut self, name: &str) -> Option<V> {
        if self.imports.contains_key(name) && self.resolved.insert(name.to_string()) {
            if let Some(v) = self.imported(name) {
                self.globals.insert(name.to_string(), v);
            }
        }
        match self.globals.get(name) {
            Some(V {
                val: Value::Qual(q),
                ..
            }) if q.starts_with("ext:") => None,
            Some(v) => Some(v.clone()),
            None if self.classes.contains_key(name) => {
                Some(V::new(Value::Class(name.to_string()), Span::default()))
            }
            None => self.star_global(name),
        }
    }

    /// A name this module does not define, from the modules it takes every name of
    /// (`export * from './config'`, `from config import *`), looked up once.
    fn star_global(&mut self, name: &str) -> Option<V> {
        if !self.has_star || !self.resolved.insert(format!("{}{name}", ir::STAR_IMPORT)) {
            return None;
        }
        if self.import_depth >= MAX_IMPORT_DEPTH {
            return None;
        }
        let module = self.module;
        for imp in module.imports.iter().filter(|i| i.local == ir::STAR_IMPORT) {
            let Some((path, other_module)) = self.index.module(self.file, &imp.module) else {
                continue;
            };
            let mut other = self.module_run(other_module, Some(path));
            let found = other.global(name);
            self.absorb(&other);
            if let Some(v) = found.and_then(|v| importable(v, imp.span, path)) {
                self.globals.insert(name.to_string(), v.clone());
                return Some(v);
            }
        }
        let v = self.library_star(name)?;
        self.globals.insert(name.to_string(), v.clone());
        Some(v)
    }

    /// A name from CDK's modules this module takes every name of (`using Amazon.CDK;`,
    /// `import software.amazon.awscdk.pipelines.*;`, `from aws_cdk.pipelines import *`): a
    /// class of CDK Pipelines (`CodePipeline`, a step, `CodePipelineSource`) is the pipelines
    /// module's when that is one of them, any other capitalised name the first other CDK
    /// module's (which module of CDK a construct comes from changes nothing the model reads).
    /// Never a name the app defines anywhere (same-package classes need no import), and never
    /// when no CDK module is taken whole.
    fn library_star(&self, name: &str) -> Option<V> {
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) || self.index.class(name).is_some() {
            return None;
        }
        let stars = || {
            self.module
                .imports
                .iter()
                .filter(|i| i.local == ir::STAR_IMPORT)
                .map(|i| (canonical_module(&i.module), i.span))
                .filter(|(m, _)| m == "cdk" || m.starts_with("cdk."))
        };
        let pipelines_name = catalog::step_class_named(name).is_some()
            || matches!(
                name,
                "CodePipeline" | "CdkPipeline" | "CodePipelineSource" | "StackSteps"
            );
        let (module, span) = if pipelines_name {
            stars().find(|(m, _)| m == "cdk.pipelines")?
        } else {
            stars().find(|(m, _)| m != "cdk.pipelines")?
        };
        Some(V::new(Value::Qual(format!("{module}.{name}")), span))
    }

    /// `require('./config')` in JavaScript: what the app's module exports (`module.exports`,
    /// else its names as one object), as an import of it would give.
    fn require_app_module(&mut self, m: &str, span: Span) -> Option<V> {
        if !m.starts_with('.') || self.import_depth >= MAX_IMPORT_DEPTH {
            return None;
        }
        let (path, module) = self.index.module(self.file, m)?;
        let mut other = self.module_run(module, Some(path));
        let v = match other.globals.get(ir::MODULE_EXPORTS) {
            Some(v) => v.clone(),
            None => other.module_object(span),
        };
        self.absorb(&other);
        importable(v, span, path)
    }

    /// This module's names as one object (`import config` / `import * as config`): what it
    /// defines, not what it imports in turn (a module that imports fifty others whole would
    /// otherwise cost fifty runs per level).
    fn module_object(&mut self, span: Span) -> V {
        let mut names: Vec<String> = self
            .globals
            .keys()
            .filter(|n| !self.imports.contains_key(n.as_str()))
            .cloned()
            .collect();
        names.extend(self.classes.keys().map(|c| c.to_string()));
        // Its functions (`config.env_for(…)`), but what the language runs on its own (an
        // entry point, Go's `init`) under names no code can write.
        names.extend(
            self.funcs
                .keys()
                .filter(|n| ir::is_identifier(n))
                .map(|n| n.to_string()),
        );
        names.sort();
        names.dedup();
        let entries = names
            .into_iter()
            .filter_map(|n| {
                let v = self.global(&n).or_else(|| {
                    self.funcs
                        .contains_key(n.as_str())
                        .then(|| V::new(Value::Func(n.clone()), span))
                })?;
                Some((n, v))
            })
            .collect();
        V::new(Value::Dict(entries), span)
    }

    /// A stage added through a team's own wrapper, described by an extension query. It joins
    /// the nearest pipeline defined above it in the file (else the first one).
    fn add_extension_stage(&mut self, ext: &'a ExtensionStage) {
        if self.pipelines.is_empty() {
            return;
        }
        let p = self
            .pipelines
            .iter()
            .rposition(|p| p.span.start_byte <= ext.call.start_byte)
            .unwrap_or(0);
        // The model's cap holds for a wrapper's stages too (see `cdk::MAX_MODEL_STAGES`).
        let pl = &mut self.pipelines[p];
        if pl.stages.len() >= super::MAX_MODEL_STAGES || pl.waves.len() >= super::MAX_MODEL_STAGES {
            pl.cut.get_or_insert(ext.call);
            return;
        }
        let mut eval = |e: &'a Option<ir::Expr>| e.as_ref().map(|e| self.eval(e));
        let id = eval(&ext.id);
        let account = eval(&ext.account);
        let region = eval(&ext.region);
        let wave = eval(&ext.wave).and_then(|w| w.as_str().map(str::to_string));
        let known = |v: Option<V>| match v {
            Some(V {
                val: Value::Str(s),
                span,
                ..
            }) => super::Known::Value(s, span),
            Some(v) => super::Known::Unknown(v.span),
            None => super::Known::Absent,
        };
        let env = if account.is_none() && region.is_none() {
            EnvState::Unknown
        } else {
            EnvState::Given(super::Env {
                account: known(account),
                region: known(region),
                span: ext.call,
                file: None,
            })
        };
        let stage = super::Stage {
            id: id.as_ref().and_then(|v| v.as_str().map(str::to_string)),
            id_span: id.map(|v| v.span).unwrap_or(ext.call),
            span: ext.call,
            wave: wave.clone(),
            class: None,
            env,
            stacks: None,
            stacks_complete: false,
            stacks_order_known: false,
            nested: false,
            stage_name: super::Known::Absent,
            name_from_props: false,
            pre: Vec::new(),
            post: Vec::new(),
            stack_steps: Vec::new(),
            conditional: false,
            path: None,
        };
        let pl = &mut self.pipelines[p];
        pl.stages.push(stage);
        let idx = pl.stages.len() - 1;
        let existing = wave
            .as_ref()
            .and_then(|w| pl.waves.iter().position(|x| x.id.as_ref() == Some(w)));
        match existing {
            Some(w) => pl.waves[w].stages.push(idx),
            None => pl.waves.push(super::Wave {
                id: wave.clone().or_else(|| pl.stages[idx].id.clone()),
                id_span: ext.call,
                span: ext.call,
                implicit: wave.is_none(),
                stages: vec![idx],
                pre: Vec::new(),
                post: Vec::new(),
                conditional: false,
            }),
        }
    }

    pub(super) fn current_class(&self) -> Option<String> {
        self.frames.last().and_then(|f| f.class.clone())
    }

    /// Module-level statements in order, then every class's constructor.
    fn run_module(&mut self) {
        self.module_pass();
        let classes: Vec<&ClassDef> = self
            .module
            .body
            .iter()
            .filter_map(|s| {
                if let Stmt::Class(c) = s {
                    Some(c)
                } else {
                    None
                }
            })
            .collect();
        let (wrappers, stage_hosts) = self.wrapper_classes(&classes);
        self.wrappers = wrappers;
        let mut extendable = Vec::new();
        let mut waiting = Vec::new();
        for class in classes {
            // A Stage class that makes the pipeline stack runs on its own, as the app makes
            // it: the stages it makes with `self` are nested in it.
            if stage_hosts.contains(&class.name) {
                let args = self.instantiation_args(class);
                let name = match cdk::known_prop_str(&args, "stage_name", 2) {
                    // Made under another Stage, its name has that Stage's in front.
                    _ if !self.made_under_app(&class.name) => None,
                    super::Known::Value(n, _) => Some(n),
                    super::Known::Absent => args
                        .positional
                        .get(1)
                        .and_then(|v| v.as_str().map(str::to_string)),
                    super::Known::Unknown(_) => None,
                };
                self.stage_host = Some(name);
                self.run_class(class, args, Vec::new());
                self.stage_host = None;
                if self
                    .self_attrs
                    .values()
                    .any(|v| !self.pipelines_held(v).is_empty())
                {
                    extendable.push((class, self.self_attrs.clone()));
                }
                continue;
            }
            // A Stage class is followed where a pipeline adds it, not on its own.
            if self.is_stage_class(&class.name) {
                continue;
            }
            // A wrapper is followed where its stack makes it; on its own only if no run
            // reached that.
            if self.wrappers.contains(&class.name) {
                waiting.push(class);
                continue;
            }
            // A wrapper that a stack class of another file makes: followed from there.
            if let Some((path, host)) = self.foreign_host(class) {
                if self.follow_host(class, &path, &host) {
                    continue;
                }
            }
            self.run_top_class(class, &mut extendable);
        }
        for class in waiting {
            if !self.wrappers_followed.contains(&class.name) {
                self.wrappers.remove(&class.name);
                self.run_top_class(class, &mut extendable);
            }
        }
        for (class, attrs) in extendable {
            self.follow_extension(class, attrs);
        }
        if self.pipelines.is_empty() {
            self.run_package_entry();
        }
    }

    /// A Go file without `main` whose functions the package's `main`, in another file of it,
    /// calls (`NewPipelineStack(app, "Pipeline", props)` in main.go): that `main` runs here
    /// with its file's names, so that the pipelines this file's functions make (each call
    /// runs here: [`Interp::call_in_other_file`]) are this file's model, with what `main`
    /// hands them.
    fn run_package_entry(&mut self) {
        let Some(file) = self.file else {
            return;
        };
        if crate::lang::for_path(file)
            .and_then(|p| p.package_scope)
            .is_none()
            || self.funcs.contains_key(ir::ENTRY_POINT)
        {
            return;
        }
        let found = self
            .index
            .package_files(file)
            .into_iter()
            .find_map(|(path, module)| {
                Some((path, module, ir::func_named(&module.body, ir::ENTRY_POINT)?))
            });
        let Some((path, module, main)) = found else {
            return;
        };
        let step_events = self.step_events.len();
        let mut other = self.module_run(module, Some(path));
        self.absorb(&other);
        let mut st = other.take_module_state();
        self.swap_module(&mut st);
        self.call_func(main, None, &Args::default());
        self.swap_module(&mut st);
        // A pipeline the other file's code made itself is that file's model, not this one's:
        // then none is kept (what this file's functions added to it means nothing here).
        if self.pipelines.len() != self.made_at_home {
            self.pipelines.clear();
            self.step_events.truncate(step_events);
        }
    }

    /// Whether every instantiation of `class` the app has (here and in its other files) has
    /// the App as its scope.
    fn made_under_app(&self, class: &str) -> bool {
        let under_app = |a: &Args| {
            matches!(a.positional.first().map(|v| &v.val),
                Some(Value::Call(q, _)) if q == "cdk.App")
        };
        let here = self.instantiations.iter().filter(|i| i.class == class);
        let there = self.index.instantiations(class);
        let mut any = false;
        for args in here
            .map(|i| i.args.0.clone())
            .chain(there.into_iter().map(|(_, i)| i.args.0))
        {
            any = true;
            if !under_app(&args) {
                return false;
            }
        }
        any
    }

    /// Whether the app makes `class` anywhere but inside one of its classes' code: at module
    /// level in this file or in another (see [`AppIndex::instantiations`]).
    fn made_at_module_level(&self, class: &str) -> bool {
        self.instantiations.iter().any(|i| i.class == class)
            || !self.index.instantiations(class).is_empty()
    }

    /// Runs a class of the module on its own (with the arguments the app makes it with), and
    /// keeps it with its attributes when they hold a pipeline another file may extend.
    fn run_top_class(
        &mut self,
        class: &'a ClassDef,
        extendable: &mut Vec<(&'a ClassDef, HashMap<String, V>)>,
    ) {
        let args = self.instantiation_args(class);
        self.run_class(class, args, Vec::new());
        if self
            .self_attrs
            .values()
            .any(|v| !self.pipelines_held(v).is_empty())
        {
            extendable.push((class, self.self_attrs.clone()));
        }
    }

    /// The pipelines a value is, or holds as a wrapper construct's attributes
    /// (`self.pipeline_stack` whose `pipeline` is one).
    fn pipelines_held(&self, v: &V) -> Vec<usize> {
        match v.val {
            Value::Pipeline(i) => vec![i],
            _ => self
                .wrapper_key(v)
                .and_then(|k| self.wrapper_instances.get(&k))
                .map(|(_, attrs)| {
                    attrs
                        .values()
                        .filter_map(|a| match a.val {
                            Value::Pipeline(i) => Some(i),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The classes of this module that one of its stack classes makes with `self` as scope
    /// and that are neither a Stack nor a Stage themselves (wrapper constructs), and the
    /// stack classes that make a pipeline which one of its Stage classes makes (a pipeline
    /// stack inside a Stage): followed where they are made (see [`Interp::follow_wrapper`]).
    /// Also the Stage classes that make such a stack, which run on their own (as a stack
    /// class does) to follow it.
    fn wrapper_classes(
        &self,
        classes: &[&'a ClassDef],
    ) -> (
        std::collections::HashSet<String>,
        std::collections::HashSet<String>,
    ) {
        let mut made = std::collections::HashSet::new();
        // Stage class → the pipeline stacks it makes.
        let mut stage_made: Vec<(String, std::collections::HashSet<String>)> = Vec::new();
        for class in classes {
            if self.is_stack_class(&class.name) {
                made_with_self(&class.body, &mut made);
            } else if self.is_stage_class(&class.name) {
                let mut stacks = std::collections::HashSet::new();
                made_with_self(&class.body, &mut stacks);
                stacks.retain(|name| {
                    self.classes
                        .get(name.as_str())
                        .is_some_and(|def| makes_pipeline(&def.body))
                        && self.is_stack_class(name)
                });
                stage_made.push((class.name.clone(), stacks));
            }
        }
        // A class the app also makes elsewhere (at module level, here or in another file) runs
        // on its own as before: following it only where one class makes it would lose the rest.
        made.retain(|name| {
            self.classes.contains_key(name.as_str())
                && !self.is_stack_class(name)
                && !self.is_stage_class(name)
                && !self.made_at_module_level(name)
        });
        let mut hosts = std::collections::HashSet::new();
        for (stage, mut stacks) in stage_made {
            stacks.retain(|name| !self.made_at_module_level(name));
            if !stacks.is_empty() {
                hosts.insert(stage);
                made.extend(stacks);
            }
        }
        (made, hosts)
    }

    /// The one stack class of another file that makes `class` (a construct class of this
    /// file that makes a pipeline, neither a Stack nor a Stage) with `self` as scope, and its
    /// file.
    fn foreign_host(&self, class: &ClassDef) -> Option<(PathBuf, String)> {
        if self.import_depth > 0
            || self.extension.is_some()
            || self.is_stack_class(&class.name)
            || !makes_pipeline(&class.body)
        {
            return None;
        }
        let makers = self.index.made_by(&class.name);
        let [(path, host)] = makers.as_slice() else {
            return None;
        };
        if self.made_at_module_level(&class.name) {
            return None;
        }
        let defined_there = self
            .index
            .class(host)
            .is_some_and(|(p, _, _)| p == path.as_path());
        (Some(path.as_path()) != self.file && defined_there && self.is_stack_class(host))
            .then(|| (path.clone(), host.clone()))
    }

    /// A host run: follows the constructor of another file's stack class `host` (with the
    /// arguments the app makes it with) where it makes this file's wrapper construct `class`,
    /// so that the pipeline the wrapper makes has that stack's env and ids, and what the
    /// stack adds through the instance (`delivery.pipeline.add_stage(…)`) is in it, placed on
    /// the pipeline's construction here. `false`, with nothing changed, where the run made
    /// any pipeline other than through the wrapper, none at all, or hit a bound.
    fn follow_host(&mut self, class: &'a ClassDef, path: &Path, host: &str) -> bool {
        let Some((file, module)) = self.index.file_module(path) else {
            return false;
        };
        let Some(def) = module.body.iter().find_map(|s| match s {
            Stmt::Class(c) if c.name == host => Some(c),
            _ => None,
        }) else {
            return false;
        };
        let pipelines = self.pipelines.len();
        let pipeline_attrs = self.pipeline_attrs.len();
        let parked = self.module_state_of(module, file);
        let saved = self.begin_other_run(Extension {
            class,
            at: def.name_span,
            attrs: HashMap::default(),
            pipelines: Vec::new(),
            file,
            parked,
            in_other: false,
            made: 0,
            unsure: false,
            host: true,
            wrapped: 0,
        });
        let clean = self.pipelines.len() == pipelines;
        if clean {
            let args = self.instantiation_args(def);
            self.run_class(def, args, Vec::new());
        }
        let (ext, within) = self.end_other_run(saved);
        self.self_attrs.clear();
        let made = self.pipelines.len() - pipelines;
        let followed = clean && made > 0 && made == ext.wrapped && within;
        if !followed {
            self.pipelines.truncate(pipelines);
            self.pipeline_attrs.truncate(pipeline_attrs);
        }
        followed
    }

    /// A wrapper construct of this module made by the running stack class with `self` as
    /// scope (in this file, or in the other file whose stack class a host run follows, see
    /// [`Interp::follow_host`]): its definition, to follow where it is made.
    fn wrapper_made(&self, class: &str, a: &Args) -> Option<&'a ClassDef> {
        if !matches!(a.positional.first().map(|v| &v.val), Some(Value::SelfRef)) {
            return None;
        }
        if self.in_other() {
            return self.hosted_wrapper(class);
        }
        if !self.wrappers.contains(class) {
            return None;
        }
        self.classes.get(class).copied()
    }

    /// While a host run's other file runs: this file's wrapper class it follows, when that is
    /// `class`.
    fn hosted_wrapper(&self, class: &str) -> Option<&'a ClassDef> {
        self.extension
            .as_ref()
            .filter(|e| e.host && e.in_other && e.class.name == class)
            .map(|e| e.class)
    }

    /// Follows a wrapper construct's constructor where the running stack class makes it
    /// (`delivery = DeliveryPipeline(self, "Delivery", repo="sre/alerts")`), with the
    /// arguments given there: a pipeline it makes is that stack's (its env and construct ids,
    /// see [`Interp::host_class`]), and the attributes it sets are the instance's
    /// (`delivery.pipeline.add_stage(…)` adds to that pipeline). Where the stack is another
    /// file's (a host run), the constructor runs in this file's module.
    fn follow_wrapper(&mut self, def: &'a ClassDef, a: &Args, made: &mut V) {
        let Some(init) = def.constructor() else {
            return;
        };
        // Too deep to run its constructor: not followed (it runs on its own instead).
        if self.depth >= MAX_DEPTH {
            return;
        }
        let Value::Construct(c) = &mut made.val else {
            return;
        };
        let key = self.next_wrapper;
        self.next_wrapper += 1;
        c.wrapper = Some(key);
        let cross = self.in_other();
        let args = self.args_for_wrapper(a, cross, def.name_span);
        self.wrappers_followed.insert(def.name.clone());
        let host = self.host_class.clone().or_else(|| self.current_class());
        let saved_host = std::mem::replace(&mut self.host_class, host);
        let saved_attrs = std::mem::take(&mut self.self_attrs);
        let saved_env = self.super_env.clone();
        let saved_base_env = self.base_env.take();
        let saved_base_env_class = self.base_env_class.take();
        // A Stage made in the wrapper is in the Stage the host is, if any, whose name is not
        // carried in.
        let saved_stage = self.stage_host.clone();
        if self.stage_host.is_some() {
            self.stage_host = Some(None);
        }
        let pipelines = self.pipelines.len();
        if cross {
            self.swap_to_parked();
        }
        self.call_func(init, Some(&def.name), &args);
        self.stage_host = saved_stage;
        if cross {
            self.swap_to_parked();
            let made = self.pipelines.len() - pipelines;
            if let Some(e) = self.extension.as_mut() {
                e.wrapped += made;
            }
        }
        self.super_env = saved_env;
        self.base_env = saved_base_env;
        self.base_env_class = saved_base_env_class;
        self.host_class = saved_host;
        let attrs = std::mem::replace(&mut self.self_attrs, saved_attrs);
        self.wrapper_instances
            .insert(key, (def.name.clone(), attrs));
    }

    /// A call's arguments as a wrapper's constructor or method sees them: `self` (the stack)
    /// means nothing there. From another file's code (`cross`), values come over as imported
    /// ones do (re-spanned to the wrapper's class `at`, an env kept with its file), and
    /// anything else as [`foreign`] says.
    fn args_for_wrapper(&self, a: &Args, cross: bool, at: Span) -> Args {
        let other = self.file.filter(|_| cross);
        let carry = |v: &V| match (&v.val, other) {
            (Value::SelfRef, _) => V::unknown(v.span),
            (_, Some(file)) => importable(v.clone(), at, file).unwrap_or_else(|| foreign(v, false)),
            (_, None) => v.clone(),
        };
        Args {
            positional: a.positional.iter().map(carry).collect(),
            keywords: a
                .keywords
                .iter()
                .map(|(k, v)| (k.clone(), carry(v)))
                .collect(),
            spread: a.spread,
            open: a.open,
        }
    }

    /// The wrapper construct a value is (see [`Interp::follow_wrapper`]), by the key its
    /// attributes are kept under.
    fn wrapper_key(&self, v: &V) -> Option<WrapperKey> {
        let key = wrapper_key_of(v)?;
        let Value::Construct(c) = &v.val else {
            return None;
        };
        self.wrapper_instances
            .get(&key)
            .is_some_and(|(class, _)| c.class.as_deref() == Some(class.as_str()))
            .then_some(key)
    }

    /// `delivery.add_app(…)` on a wrapper construct: its class's method, run with `self`
    /// being the instance. One the class does not define leaves what its pipelines get
    /// unknown, unless it is CDK's own (no app class it extends defines it).
    fn call_wrapper_method(
        &mut self,
        key: WrapperKey,
        recv: &V,
        name: &str,
        a: Args,
        span: Span,
    ) -> V {
        let Some(class) = self.wrapper_instances.get(&key).map(|(c, _)| c.clone()) else {
            return V::unknown(span);
        };
        let cross = self.in_other();
        let def = if cross {
            self.hosted_wrapper(&class)
        } else {
            self.classes.get(class.as_str()).copied()
        };
        let Some(def) = def else {
            self.wrapper_escapes(&key);
            return V::unknown(span);
        };
        let method = def.method(name);
        let Some(method) = method else {
            if self.app_base_defines(def, name, 0) {
                self.wrapper_escapes(&key);
            }
            return V::unknown(span);
        };
        let args = self.args_for_wrapper(&a, cross, def.name_span);
        let attrs = self
            .wrapper_instances
            .get_mut(&key)
            .map(|(_, attrs)| std::mem::take(attrs))
            .unwrap_or_default();
        let host = self.host_class.clone().or_else(|| self.current_class());
        let saved_host = std::mem::replace(&mut self.host_class, host);
        let saved_attrs = std::mem::replace(&mut self.self_attrs, attrs);
        let pipelines = self.pipelines.len();
        if cross {
            self.swap_to_parked();
        }
        let r = self.call_func(method, Some(&class), &args);
        if cross {
            self.swap_to_parked();
            let made = self.pipelines.len() - pipelines;
            if let Some(e) = self.extension.as_mut() {
                e.wrapped += made;
            }
        }
        self.host_class = saved_host;
        let attrs = std::mem::replace(&mut self.self_attrs, saved_attrs);
        if let Some((_, kept)) = self.wrapper_instances.get_mut(&key) {
            *kept = attrs;
        }
        // `return self`: the instance (`d.add_app(a).add_app(b)`).
        if matches!(r.val, Value::SelfRef) {
            return recv.clone();
        }
        if cross {
            foreign(&r, false)
        } else {
            r
        }
    }

    /// A wrapper construct handed to code the model does not follow (or a method of it the
    /// model cannot find): what is added to its pipelines there is not known.
    fn wrapper_escapes(&mut self, key: &WrapperKey) {
        let held: Vec<usize> = self
            .wrapper_instances
            .get(key)
            .map(|(_, attrs)| {
                attrs
                    .values()
                    .filter_map(|v| match v.val {
                        Value::Pipeline(i) => Some(i),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        for i in held {
            if let Some(p) = self.pipelines.get_mut(i) {
                p.added_elsewhere = true;
            }
        }
    }

    /// A pipeline, a wave or a stage's handle handed to the app's own code that the model does
    /// not follow (a function of another file that does more than compute a value, a method of
    /// one of its classes, a callee it cannot know), which may add stages or steps to it: the
    /// pipeline then has stages the model does not know (`added_elsewhere`), the wave or the
    /// stage may not be as modelled (`conditional`). A library's call (CDK's, `cdk_nag`'s
    /// suppressions) adds none.
    fn note_pipeline_escape(&mut self, f: &V, a: &Args) {
        let followed = match &f.val {
            Value::Qual(_) | Value::Func(_) => true,
            Value::Method(recv, _) => !matches!(recv.val, Value::Class(_) | Value::Unknown),
            Value::AppFunc(_) | Value::Unknown => false,
            _ => true,
        };
        if followed {
            return;
        }
        fn handles(v: &V, out: &mut Vec<(usize, Option<usize>, Option<usize>)>) {
            match &v.val {
                Value::Pipeline(p) => out.push((*p, None, None)),
                Value::Wave(p, w) => out.push((*p, Some(*w), None)),
                Value::StageDeployment(p, s) => out.push((*p, None, Some(*s))),
                // `pipeline.add_stage` handed on: the pipeline is.
                Value::Method(recv, _) => handles(recv, out),
                Value::List(items) => items.iter().for_each(|i| handles(i, out)),
                Value::Dict(entries) => entries.iter().for_each(|(_, i)| handles(i, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        for v in a.positional.iter().chain(a.keywords.iter().map(|(_, v)| v)) {
            handles(v, &mut found);
        }
        for (p, wave, stage) in found {
            let Some(pl) = self.pipelines.get_mut(p) else {
                continue;
            };
            match (wave, stage) {
                (Some(w), _) => {
                    pl.added_elsewhere = true;
                    if let Some(w) = pl.waves.get_mut(w) {
                        w.conditional = true;
                    }
                }
                (_, Some(s)) => {
                    if let Some(s) = pl.stages.get_mut(s) {
                        s.conditional = true;
                    }
                }
                _ => pl.added_elsewhere = true,
            }
        }
    }

    /// The wrapper constructs among a call's arguments, when the callee is not code the model
    /// follows here (see [`Interp::wrapper_escapes`]).
    fn note_wrapper_escape(&mut self, f: &V, a: &Args) {
        if self.wrapper_instances.is_empty() {
            return;
        }
        let followed = match &f.val {
            // CDK's own calls add no stage; another library's might.
            Value::Qual(q) => q.starts_with("cdk"),
            Value::Func(n) => self.funcs.contains_key(n.as_str()),
            Value::Class(n) => self.wrappers.contains(n),
            Value::Method(recv, m) => {
                self.wrapper_key(recv).is_some()
                    || (matches!(recv.val, Value::SelfRef)
                        && self
                            .current_class()
                            .is_some_and(|c| self.method(&c, m).is_some()))
            }
            _ => false,
        };
        if followed {
            return;
        }
        let mut keys = Vec::new();
        for v in a.positional.iter().chain(a.keywords.iter().map(|(_, v)| v)) {
            self.wrappers_in(v, &mut keys);
        }
        for key in keys {
            self.wrapper_escapes(&key);
        }
    }

    fn wrappers_in(&self, v: &V, out: &mut Vec<WrapperKey>) {
        match &v.val {
            Value::List(items) => items.iter().for_each(|i| self.wrappers_in(i, out)),
            Value::Dict(entries) => entries.iter().for_each(|(_, i)| self.wrappers_in(i, out)),
            _ => out.extend(self.wrapper_key(v)),
        }
    }

    /// The arguments to follow a class's constructor with: those every instantiation of it in
    /// the app passes (`OrdersPipelineStack(app, "Orders", accounts=ACCOUNTS, env=…)` in
    /// app.py), carried into this file as imported values are; unknown (the constructor
    /// followed on its own) when none is found or two pass different ones.
    fn instantiation_args(&mut self, class: &ClassDef) -> Args {
        let mut found: Vec<(Option<PathBuf>, std::sync::Arc<Args>)> = self
            .instantiations
            .iter()
            .filter(|i| i.class == class.name)
            .map(|i| (None, i.args.0.clone()))
            .collect();
        for (path, inst) in self.index.instantiations(&class.name) {
            if Some(path.as_path()) != self.file {
                found.push((Some(path), inst.args.0));
            }
        }
        let Some((path, first)) = found.first() else {
            return Args::open();
        };
        let key = first.key();
        if found.iter().any(|(_, a)| a.key() != key) {
            return Args::open();
        }
        let at = class.name_span;
        let carry = |v: &V| match path {
            None => foreign(v, true),
            Some(p) => importable(v.clone(), at, p).unwrap_or(V::unknown(at)),
        };
        Args {
            positional: std::iter::once(V::unknown(at))
                .chain(first.positional.iter().skip(1).map(carry))
                .collect(),
            keywords: first
                .keywords
                .iter()
                .map(|(k, v)| (k.clone(), carry(v)))
                .collect(),
            spread: first.spread,
            open: false,
        }
    }

    /// Follows what another file of the app adds to this file's pipelines through an instance
    /// of `class` (`stack.pipeline.add_stage(Stage(app, "Prod"), pre=[…])` in app.py): that
    /// file's module-level code runs with the instance's attributes as the constructor left
    /// them (`attrs`), and its methods run with `self` being that instance, so what it adds
    /// comes after what the constructor added. Only where the app makes exactly one instance
    /// of the class, in that file, for certain, and nothing is done to it that the model does
    /// not follow; else nothing changes (the pipeline stays `added_elsewhere`). What is added
    /// there is placed on this file's pipeline construction (its spans are the other file's),
    /// except an env written there, which keeps its file.
    fn follow_extension(&mut self, class: &'a ClassDef, attrs: HashMap<String, V>) {
        let mut pipelines: Vec<usize> = attrs
            .values()
            .flat_map(|v| self.pipelines_held(v))
            .collect();
        pipelines.sort_unstable();
        pipelines.dedup();
        if self.import_depth > 0 || self.instantiations.iter().any(|i| i.class == class.name) {
            return;
        }
        let insts = self.index.instantiations(&class.name);
        let [(path, inst)] = insts.as_slice() else {
            return;
        };
        let extends = inst.extended.iter().any(|a| {
            attrs
                .get(a)
                .is_some_and(|v| !self.pipelines_held(v).is_empty())
        });
        if Some(path.as_path()) == self.file || !extends {
            return;
        }
        let Some((file, module)) = self.index.file_module(path) else {
            return;
        };
        let saved_pipelines = self.pipelines.clone();
        let parked = self.module_state_of(module, file);
        let saved = self.begin_other_run(Extension {
            class,
            at: inst.span,
            attrs,
            pipelines,
            file,
            parked,
            in_other: false,
            made: 0,
            unsure: false,
            host: false,
            wrapped: 0,
        });
        let (ext, within) = self.end_other_run(saved);
        let followed = ext.made == 1 && !ext.unsure && within;
        if followed {
            self.pipelines.truncate(saved_pipelines.len());
            self.extensions_followed
                .push((class.name.clone(), file.to_path_buf()));
        } else {
            self.pipelines = saved_pipelines;
        }
    }

    /// What names mean in another module of the app (`file`), as [`Interp::new`] sets it up.
    fn module_state_of(&self, module: &'a ir::Module, file: &'a Path) -> ModuleState<'a> {
        Interp::new(module, Some(file), self.index).take_module_state()
    }

    /// Starts running another file's code for `ext` (see [`Interp::follow_extension`],
    /// [`Interp::follow_host`]): its module is the one in use and its module-level code has
    /// run. What the run may change besides the pipelines is kept, to be put back by
    /// [`Interp::end_other_run`].
    fn begin_other_run(&mut self, ext: Extension<'a>) -> OtherRunSaved<'a> {
        let saved = OtherRunSaved {
            instantiations: self.instantiations.len(),
            step_events: self.step_events.len(),
            stack_deps: self.stack_deps.len(),
            dependencies: self.dependencies.len(),
            containers: self.container_images.len(),
            asset_calls: self.asset_calls.len(),
            too_deep: self.too_deep,
            steps_made: self.steps_made.clone(),
            construct_uses: std::mem::take(&mut self.construct_uses),
            stage_cache: std::mem::take(&mut self.stage_cache),
            stage_follows: std::mem::take(&mut self.stage_follows),
            wrapper_instances: self.wrapper_instances.clone(),
        };
        self.extension = Some(Box::new(ext));
        self.swap_to_parked();
        self.module_pass();
        saved
    }

    /// Ends a run begun by [`Interp::begin_other_run`]: this file's module is in use again, and
    /// what the run did to steps, stack dependencies, constructs and wrapper instances is left
    /// out (its spans are the other file's; a wrapper instance may hold a pipeline the caller
    /// drops). The run's extension, and whether it stayed within the bounds.
    fn end_other_run(&mut self, saved: OtherRunSaved<'a>) -> (Box<Extension<'a>>, bool) {
        self.swap_to_parked();
        let ext = self.extension.take().expect("begun by begin_other_run");
        let within = self.steps <= MAX_STEPS && self.too_deep == saved.too_deep;
        self.instantiations.truncate(saved.instantiations);
        self.step_events.truncate(saved.step_events);
        self.stack_deps.truncate(saved.stack_deps);
        self.dependencies.truncate(saved.dependencies);
        self.container_images.truncate(saved.containers);
        self.asset_calls.truncate(saved.asset_calls);
        self.steps_made = saved.steps_made;
        self.construct_uses = saved.construct_uses;
        self.stage_cache = saved.stage_cache;
        self.stage_follows = saved.stage_follows;
        self.wrapper_instances = saved.wrapper_instances;
        self.too_deep = saved.too_deep;
        self.frames = vec![Frame::default()];
        (ext, within)
    }

    /// Moves this interpreter's module state out (what [`Interp::new`] set up for its module).
    fn take_module_state(&mut self) -> ModuleState<'a> {
        ModuleState {
            module: self.module,
            file: self.file,
            globals: std::mem::take(&mut self.globals),
            classes: std::mem::take(&mut self.classes),
            funcs: std::mem::take(&mut self.funcs),
            imports: std::mem::take(&mut self.imports),
            resolved: std::mem::take(&mut self.resolved),
            has_star: self.has_star,
            js: self.js,
            import_depth: self.import_depth,
        }
    }

    /// Swaps the module state in use with the parked one of the running extension, and
    /// whether the other file's code is the one running.
    fn swap_to_parked(&mut self) {
        let Some(mut ext) = self.extension.take() else {
            return;
        };
        self.swap_module(&mut ext.parked);
        ext.in_other = !ext.in_other;
        self.extension = Some(ext);
    }

    /// Swaps the module state in use with `st`.
    fn swap_module(&mut self, st: &mut ModuleState<'a>) {
        std::mem::swap(&mut self.module, &mut st.module);
        std::mem::swap(&mut self.file, &mut st.file);
        std::mem::swap(&mut self.globals, &mut st.globals);
        std::mem::swap(&mut self.classes, &mut st.classes);
        std::mem::swap(&mut self.funcs, &mut st.funcs);
        std::mem::swap(&mut self.imports, &mut st.imports);
        std::mem::swap(&mut self.resolved, &mut st.resolved);
        std::mem::swap(&mut self.has_star, &mut st.has_star);
        std::mem::swap(&mut self.js, &mut st.js);
        std::mem::swap(&mut self.import_depth, &mut st.import_depth);
    }

    /// Whether the other file of a running extension is the code running.
    fn in_other(&self) -> bool {
        self.extension.as_ref().is_some_and(|e| e.in_other)
    }

    /// The instance a running extension follows.
    fn is_extended_instance(&self, c: &Construct) -> bool {
        self.extension.as_ref().is_some_and(|e| {
            !e.host
                && e.in_other
                && !c.cdk
                && c.span == e.at
                && c.class.as_deref() == Some(&e.class.name)
        })
    }

    /// The other file's code made a construct: the instance, counted (and noted when the
    /// model cannot tell whether or how often that code runs).
    fn note_extended_instance(&mut self, class: Option<&str>, span: Span) {
        let unsure = self.unsure();
        if let Some(ext) = self.extension.as_mut().filter(|e| e.in_other) {
            if class == Some(ext.class.name.as_str()) {
                ext.made += 1;
                ext.unsure |= unsure || span != ext.at;
            }
        }
    }

    /// `stack.finish()` on the extended instance: the class's method, run in this file with
    /// `self` being the instance. A method the class inherits from one of the app's classes
    /// is not followed (it may add stages); CDK's own (`add_dependency`) adds none.
    fn call_extended_method(&mut self, name: &str, a: Args, span: Span) -> V {
        let Some(class) = self.extension.as_ref().map(|e| e.class) else {
            return V::unknown(span);
        };
        let method = class.method(name);
        let Some(method) = method else {
            let inherited = self.app_base_defines(class, name, 0);
            if let Some(ext) = self.extension.as_mut() {
                ext.unsure |= inherited;
            }
            return V::unknown(span);
        };
        let args = Args {
            positional: a.positional.iter().map(|v| foreign(v, false)).collect(),
            keywords: a
                .keywords
                .iter()
                .map(|(k, v)| (k.clone(), foreign(v, false)))
                .collect(),
            spread: a.spread,
            open: a.open,
        };
        self.swap_to_parked();
        let attrs = self
            .extension
            .as_mut()
            .map(|e| std::mem::take(&mut e.attrs))
            .unwrap_or_default();
        let saved = std::mem::replace(&mut self.self_attrs, attrs);
        let frames = std::mem::take(&mut self.frames);
        let r = self.call_func(method, Some(&class.name), &args);
        self.frames = frames;
        let attrs = std::mem::replace(&mut self.self_attrs, saved);
        if let Some(e) = self.extension.as_mut() {
            e.attrs = attrs;
        }
        self.swap_to_parked();
        foreign(&r, false)
    }

    /// Whether one of the app's classes that `class` extends (this file's, or another's)
    /// defines method `name`, or may (a base nested too deep to look).
    fn app_base_defines(&self, class: &ClassDef, name: &str, depth: usize) -> bool {
        class.bases.iter().any(|b| {
            let Some(base) = b.dotted().and_then(|parts| parts.last().copied()) else {
                return false;
            };
            let home = self
                .extension
                .as_ref()
                .and_then(|e| e.parked.classes.get(base).copied());
            let Some(def) = home.or_else(|| self.index.class(base).map(|(_, d, _)| d)) else {
                return false;
            };
            depth >= 8
                || def
                    .body
                    .iter()
                    .any(|s| matches!(s, Stmt::Func(f) if f.name == name))
                || self.app_base_defines(def, name, depth + 1)
        })
    }

    /// Whether a value holds the extended instance or one of its pipelines (or a wave or
    /// stage of them).
    fn holds_extended(&self, v: &V) -> bool {
        match &v.val {
            Value::Construct(c) => self.is_extended_instance(c),
            Value::Pipeline(p) | Value::Wave(p, _) | Value::StageDeployment(p, _) => self
                .extension
                .as_ref()
                .is_some_and(|e| e.pipelines.contains(p)),
            Value::List(items) => items.iter().any(|i| self.holds_extended(i)),
            Value::Dict(entries) => entries.iter().any(|(_, i)| self.holds_extended(i)),
            Value::Method(recv, _) => self.holds_extended(recv),
            _ => false,
        }
    }

    /// The other file's code hands the instance or its pipeline to a call the model does not
    /// follow (a function of another module, a construct): what that does is not known.
    fn note_extended_escape(&mut self, f: &V, a: &Args) {
        if !self.in_other() {
            return;
        }
        let followed = match &f.val {
            Value::Func(n) => self.funcs.contains_key(n.as_str()),
            // `Tags.of(stack).add(…)` tags the stack's constructs; it adds no stage.
            Value::Qual(q) => q == "cdk.Tags.of",
            _ => false,
        };
        if followed {
            return;
        }
        let escapes = a
            .positional
            .iter()
            .chain(a.keywords.iter().map(|(_, v)| v))
            .any(|v| self.holds_extended(v));
        if let (true, Some(ext)) = (escapes, self.extension.as_mut()) {
            ext.unsure = true;
        }
    }

    /// What a pipeline method called by the other file's code added to pipeline `p` (after
    /// `before`): placed on the pipeline's construction in this file, an env written there
    /// kept with its file, stacks made in this file no longer said to be elsewhere.
    fn place_added(&mut self, p: usize, before: &PipelineMark) {
        let Some(other) = self.extension.as_ref().map(|e| e.file) else {
            return;
        };
        let home = self.extension.as_ref().and_then(|e| e.parked.file);
        let Some(pl) = self.pipelines.get_mut(p) else {
            return;
        };
        let at = pl.span;
        for (i, st) in pl.stages.iter_mut().enumerate() {
            match before.stages.get(i) {
                Some(&(pre, post, stack_steps)) => {
                    st.pre[pre..].iter_mut().for_each(|s| place_step(s, at));
                    st.post[post..].iter_mut().for_each(|s| place_step(s, at));
                    for ss in &mut st.stack_steps[stack_steps..] {
                        place_stack_steps(ss, at);
                    }
                }
                None => {
                    st.span = at;
                    st.id_span = at;
                    place_known(&mut st.stage_name, at);
                    if let EnvState::Given(e) = &mut st.env {
                        if e.file.is_none() {
                            e.file = Some(other.to_path_buf());
                        }
                    }
                    for stack in st.stacks.iter_mut().flatten() {
                        stack.file = match stack.file.take() {
                            None => Some(other.to_path_buf()),
                            Some(f) if Some(f.as_path()) == home => None,
                            Some(f) => Some(f),
                        };
                    }
                    st.pre.iter_mut().for_each(|s| place_step(s, at));
                    st.post.iter_mut().for_each(|s| place_step(s, at));
                    st.stack_steps
                        .iter_mut()
                        .for_each(|ss| place_stack_steps(ss, at));
                }
            }
        }
        for (i, w) in pl.waves.iter_mut().enumerate() {
            let (pre, post) = match before.waves.get(i) {
                Some(&(pre, post)) => (pre, post),
                None => {
                    w.span = at;
                    w.id_span = at;
                    (0, 0)
                }
            };
            w.pre[pre..].iter_mut().for_each(|s| place_step(s, at));
            w.post[post..].iter_mut().for_each(|s| place_step(s, at));
        }
        for b in &mut pl.builds[before.builds..] {
            b.span = at;
        }
        for a in &mut pl.adds_after_build[before.adds_after_build..] {
            a.call.span = at;
        }
        for a in &mut pl.wave_stages_after_build[before.wave_stages_after_build..] {
            a.call.span = at;
        }
    }

    pub(super) fn module_pass(&mut self) {
        let mut body = &self.module.body[..];
        // Another module read for its names: what its language runs first when it is the
        // program (Go's `main`) does not run (its `init` does).
        if self.import_depth > 0 {
            if let [rest @ .., Stmt::Expr(ir::Expr {
                kind: ExprKind::Call { func, .. },
                ..
            })] = body
            {
                if matches!(&func.kind, ExprKind::Name(n) if n == ir::ENTRY_POINT) {
                    body = rest;
                }
            }
        }
        self.frames = vec![Frame::default()];
        self.in_module_pass = true;
        self.exec_block(body);
        self.in_module_pass = false;
        // Module-level statements are the globals of every function and method.
        let top = self.frames.pop().unwrap_or_default();
        self.globals.extend(top.locals);
        self.frames.push(Frame::default());
    }

    /// Runs a class's constructor with `self` bound, `args` bound to its parameters, and
    /// `preset` attributes of `self` (what CDK's own base class sets: a Stage's `stage_name`).
    pub(super) fn run_class(&mut self, class: &'a ClassDef, args: Args, preset: Vec<(String, V)>) {
        let own = class.constructor();
        self.base_env = None;
        self.base_env_class = None;
        let (name, init) = match own {
            Some(init) => (class.name.as_str(), init),
            // A followed Stage class without a constructor of its own: its base class's runs
            // (see `stage_base`).
            None if self.following_stage.as_deref() == Some(class.name.as_str()) => {
                match self.stage_base(&class.name) {
                    StageBase::App(Some((name, init))) => {
                        self.following_stage = Some(name.to_string());
                        (name, init)
                    }
                    StageBase::App(None) => {
                        self.base_env = Some(EnvState::Unknown);
                        return;
                    }
                    // CDK's `Stage` gets the arguments as they are.
                    StageBase::Cdk => {
                        self.base_env = Some(self.env_arg(&args, 2));
                        return;
                    }
                }
            }
            None => return,
        };
        self.self_attrs.clear();
        self.self_attrs.extend(preset);
        self.super_env = None;
        self.call_func(init, Some(name), &args);
        for (attr, v) in &self.self_attrs {
            if let Value::Pipeline(i) = v.val {
                self.pipeline_attrs.push((i, attr.clone()));
            }
            // `self.delivery = DeliveryPipeline(self, …)`: another file may add stages
            // through `stack.delivery.pipeline`.
            let held = self
                .wrapper_key(v)
                .and_then(|k| self.wrapper_instances.get(&k))
                .map(|(_, attrs)| attrs);
            for inner in held.into_iter().flat_map(|attrs| attrs.values()) {
                if let Value::Pipeline(i) = inner.val {
                    self.pipeline_attrs.push((i, attr.clone()));
                }
            }
        }
    }

    /// What `module`'s code changes of its names (see [`ir::writes`]), worked out once.
    fn writes_of(&mut self, module: &ir::Module) -> Rc<ir::Writes> {
        let key = module as *const ir::Module as usize;
        if let Some(w) = self.shared.borrow().writes.get(&key) {
            return w.clone();
        }
        let w = Rc::new(ir::writes(module));
        self.shared.borrow_mut().writes.insert(key, w.clone());
        w
    }

    /// The other files of `file`'s package, looked up once per file.
    fn package_files(&self, file: &'a Path) -> Vec<(&'a Path, &'a ir::Module)> {
        if let Some(f) = self.shared.borrow().package_files.get(file) {
            return f.clone();
        }
        let f = self.index.package_files(file);
        self.shared
            .borrow_mut()
            .package_files
            .insert(file.to_path_buf(), f.clone());
        f
    }

    /// Whether another file's module holds, while this run calls into it, the state its
    /// top-level statements leave (what `module_run` rebuilds): none of its functions changes
    /// one of its names (`_cfg["account"] = a`, a `global` counter), the calling file changes
    /// nothing it imports from it (`settings.ACCOUNT = …`, `ACCOUNTS.append(…)`), and, in a
    /// package, no file of it changes one of its names (Go's `main` setting a package var).
    fn module_settled(&mut self, callee: &'a ir::Module, path: &'a Path) -> bool {
        let w = self.writes_of(callee);
        if w.in_functions.iter().any(|n| ir::defines(callee, n)) {
            return false;
        }
        let caller = self.module;
        let cw = self.writes_of(caller);
        for imp in &caller.imports {
            let Some((p, _)) = self.index.module(self.file, &imp.module) else {
                continue;
            };
            if p == path
                && (cw.other
                    || cw.items.contains(&imp.local)
                    || cw.in_functions.contains(&imp.local))
            {
                return false;
            }
        }
        if crate::lang::for_path(path)
            .and_then(|p| p.package_scope)
            .is_some()
        {
            let mut files = self.package_files(path);
            if let Some(f) = self.file {
                files.push((f, caller));
            }
            for (_, m) in files {
                let mw = self.writes_of(m);
                if mw
                    .in_functions
                    .iter()
                    .chain(mw.items.iter())
                    .any(|n| ir::defines(callee, n))
                {
                    return false;
                }
            }
        }
        true
    }

    /// A function (or a static method of `class`) of another of the app's files, called: as a
    /// function of its arguments alone when it can be ([`Interp::call_elsewhere`]), else in this
    /// run with that file's names ([`Interp::call_in_other_file`]); `None` when neither may.
    fn call_other_file(
        &mut self,
        path: &'a Path,
        module: &'a ir::Module,
        func: &'a FuncDef,
        class: Option<&str>,
        a: &Args,
        span: Span,
    ) -> Option<V> {
        self.call_elsewhere(path, module, func, class, a, span)
            .or_else(|| self.call_in_other_file(path, module, func, class, a, span))
    }

    /// A function (or a static method of `class`) of another of the app's files, called with
    /// values this run computed: run in its own module (its names, one import deeper) as a
    /// function of its arguments alone, and what it returns as [`returned_elsewhere`] gives
    /// it. `None` (the call is then unknown, as any the model does not follow) when an
    /// argument is more than a value ([`plain`]: what the function did with a construct would
    /// be lost here), that file's state may not be what its statements leave
    /// ([`Interp::module_settled`]), the run is as deep as it may go, or the function did more
    /// than compute a value: made a construct, a pipeline or a step, used an asset, or was cut
    /// short.
    fn call_elsewhere(
        &mut self,
        path: &'a Path,
        module: &'a ir::Module,
        func: &'a FuncDef,
        class: Option<&str>,
        a: &Args,
        span: Span,
    ) -> Option<V> {
        if self.import_depth >= MAX_IMPORT_DEPTH || self.depth >= MAX_DEPTH {
            return None;
        }
        if !a.all(plain) || !self.module_settled(module, path) {
            return None;
        }
        let mut other = self.module_run(module, Some(path));
        other.depth = self.depth + 1;
        other.level = self.level;
        let made = |i: &Interp<'a>| {
            (
                i.instantiations.len(),
                i.pipelines.len(),
                i.handles.len(),
                i.step_events.len(),
                i.steps_made.len(),
                i.asset_calls.len(),
                i.container_images.len(),
            )
        };
        let before = made(&other);
        let v = other.call_func(func, class, a);
        self.absorb(&other);
        let clean = made(&other) == before
            && !other.opaque
            && other.too_deep.is_none()
            && !other.abandoned
            && other.steps <= MAX_STEPS;
        clean.then(|| returned_elsewhere(v, span))
    }

    /// A function of another of the app's files that is handed constructs (Go's
    /// `NewOrdersStage(stack, id, props)` of stages.go, called in pipeline.go): run by this
    /// interpreter with that file's names swapped in, so that the Stage and the stacks it makes
    /// are this run's (`handles`), each construct kept with the file it is made in
    /// (`Construct::made_in`, an env's `file`: rules point there). `None` (unknown, as before)
    /// when it is handed a pipeline, a wave, a stage's handle or anything else of this run
    /// that means nothing there, when the run is as deep as it may go or runs another
    /// file's code already, or when the function made a pipeline (a pipeline is the model of
    /// the file that makes it).
    fn call_in_other_file(
        &mut self,
        path: &'a Path,
        module: &'a ir::Module,
        func: &'a FuncDef,
        class: Option<&str>,
        a: &Args,
        span: Span,
    ) -> Option<V> {
        if self.import_depth >= MAX_IMPORT_DEPTH
            || self.depth >= MAX_DEPTH
            || self.extension.is_some()
            || self.children.is_some()
        {
            return None;
        }
        fn handed(v: &V) -> bool {
            match &v.val {
                Value::Construct(c) => !c.scope_is_self,
                // The instance whose constructor runs (`makeStage(this, "Dev")`): the same
                // object there (no Stage class is being followed: `children` is `None`).
                Value::SelfRef => true,
                // A CDK value (the App) means the same there.
                Value::Call(..) => true,
                Value::List(items) => items.iter().all(handed),
                Value::Dict(entries) => entries.iter().all(|(_, v)| handed(v)),
                _ => plain(v),
            }
        }
        if !a.all(handed) || !self.module_settled(module, path) {
            return None;
        }
        // Where each value handed over is written: an env made there of one of them (a props
        // struct's `Env`) is written here.
        let mut handed_spans = std::collections::HashSet::new();
        for v in a.positional.iter().chain(a.keywords.iter().map(|(_, v)| v)) {
            spans_in(v, &mut handed_spans);
        }
        let caller = self.file;
        let settle = |e: &mut EnvState| {
            if let EnvState::Given(env) = e {
                if env.file.is_none() {
                    let key = (env.span.start_byte, env.span.end_byte);
                    // Said even when it is the file modelled (a Stage made by another file's
                    // code otherwise keeps its env with that file); `build` drops it then.
                    let handed = handed_spans.contains(&key);
                    let at = if handed { caller } else { Some(path) };
                    env.file = at.map(Path::to_path_buf);
                    // Made there of a value handed over (`account=account`): one env has one
                    // file, so what is said of that value is said where the env is made.
                    if !handed {
                        for part in [&mut env.account, &mut env.region] {
                            if let super::Known::Value(_, s) | super::Known::Unknown(s) = part {
                                if handed_spans.contains(&(s.start_byte, s.end_byte)) {
                                    *s = env.span;
                                }
                            }
                        }
                    }
                }
            }
        };
        let pipelines = self.pipelines.len();
        let made_at_home = self.made_at_home;
        // A function of the file modelled (called by the package's `main` in another file):
        // what it makes is this file's.
        let home = Some(path) == self.home;
        let step_events = self.step_events.len();
        let steps_made = self.steps_made.clone();
        let mut other = self.module_run(module, Some(path));
        self.absorb(&other);
        let mut st = other.take_module_state();
        let in_pass = std::mem::replace(&mut self.in_module_pass, false);
        self.swap_module(&mut st);
        let mut v = self.call_func(func, class, a);
        self.swap_module(&mut st);
        self.in_module_pass = in_pass;
        each_env(&mut v, &mut |e| settle(e));
        if home {
            self.made_at_home += self.pipelines.len().saturating_sub(pipelines);
        }
        for p in self.pipelines.iter_mut().skip(pipelines) {
            settle(&mut p.env);
            for stage in &mut p.stages {
                settle(&mut stage.env);
            }
        }
        for h in self.handles.values_mut() {
            for kid in h
                .kids
                .iter_mut()
                .filter(|k| k.made_in.as_deref() == Some(path))
            {
                settle(&mut kid.env);
                settle(&mut kid.given_env);
            }
        }
        // A pipeline, or a step (which has no file of its own to be kept with), made there:
        // not this run's.
        fn holds_step(v: &V) -> bool {
            match &v.val {
                Value::Step(_) | Value::Source(_) | Value::StackSteps(_) => true,
                Value::List(items) => items.iter().any(holds_step),
                Value::Dict(entries) => entries.iter().any(|(_, v)| holds_step(v)),
                _ => false,
            }
        }
        // What the call gives is written here, at the call (what is said of it is said here).
        v.span = span;
        if !home
            && (self.pipelines.len() != pipelines
                || self.step_events.len() != step_events
                || self.steps_made != steps_made
                || holds_step(&v))
        {
            self.pipelines.truncate(pipelines);
            // What calls of this file's functions made in it is gone with it.
            self.made_at_home = made_at_home;
            self.step_events.truncate(step_events);
            self.steps_made = steps_made;
            self.opaque = true;
            return Some(V::unknown(span));
        }
        Some(v)
    }

    /// Runs a function or method with `args` bound to its parameters; what it returns
    /// (unknown when that is not known).
    fn call_func(&mut self, func: &'a FuncDef, class: Option<&str>, args: &Args) -> V {
        if self.depth >= MAX_DEPTH {
            // Not run: what it would have made is unknown (a Stage made by the app's code
            // may miss stacks made there: `handle_stacks`).
            self.opaque = true;
            self.unknowns = self.unknowns.saturating_add(1);
            return V::unknown(func.span);
        }
        let mut frame = Frame {
            class: class.map(str::to_string),
            maybe_base: self.maybe,
            ..Frame::default()
        };
        let params = func
            .params
            .iter()
            .zip(func.defaults.iter().chain(std::iter::repeat(&None)));
        let named: Vec<&str> = func.params.iter().map(String::as_str).collect();
        for (i, (p, default)) in params.enumerate() {
            // `**kwargs`: the keyword arguments no named parameter takes, as a dict (unknown
            // when a spread may have passed more). `*args`: the positional ones left.
            if let Some(name) = p.strip_prefix("**") {
                let v = if args.spread || args.open {
                    V::unknown(func.span)
                } else {
                    let rest = args
                        .keywords
                        .iter()
                        .filter(|(k, _)| !named.contains(&k.as_str()))
                        .cloned()
                        .collect();
                    V::new(Value::Dict(rest), func.span)
                };
                frame.locals.insert(name.to_string(), v);
                continue;
            }
            if let Some(name) = p.strip_prefix('*') {
                let v = if args.spread || args.open {
                    V::unknown(func.span)
                } else {
                    V::new(
                        Value::List(args.positional.iter().skip(i).cloned().collect()),
                        func.span,
                    )
                };
                frame.locals.insert(name.to_string(), v);
                continue;
            }
            let keyword = args.keywords.iter().find(|(k, _)| k == p).map(|(_, v)| v);
            let v = match (args.positional.get(i).or(keyword), default) {
                (Some(v), _) => v.clone(),
                // Spread arguments may have passed it, and arguments not known (a class
                // followed without the call that makes it) may have too: never the default.
                (None, _) if args.spread || args.open => V::unknown(func.span),
                // Not passed: its default, read where the function is called (a literal or a
                // module constant, in practice).
                (None, Some(d)) => self.eval(d),
                // Not passed and no default: `undefined` where the language says so
                // (`new AppStage(app, 'Dev')` to `constructor(scope, id, props?)`).
                (None, None) if self.js => V::new(Value::Null, func.span),
                (None, None) => V::unknown(func.span),
            };
            if !p.is_empty() {
                frame.locals.insert(p.clone(), v);
            }
        }
        self.depth += 1;
        self.frames.push(frame);
        self.exec_block(&func.body);
        let frame = self.frames.pop();
        self.depth -= 1;
        match frame {
            Some(Frame {
                returned: Some(v),
                maybe_returned: false,
                ..
            }) => v,
            _ => V::unknown(func.span),
        }
    }

    fn exec_block(&mut self, body: &'a [Stmt]) {
        for stmt in body {
            if self.frames.last().is_some_and(|f| f.returned.is_some()) {
                return;
            }
            self.exec(stmt);
        }
    }

    /// `return value`: ends the function, unless it is under a condition the model does not
    /// know (then the function may return here or go on).
    fn exec_return(&mut self, value: &'a Option<ir::Expr>, span: Span) {
        let v = match value {
            Some(e) => self.eval(e),
            None => V::new(Value::Null, span),
        };
        let maybe = self.maybe;
        let frame = self.frame();
        if maybe > frame.maybe_base {
            frame.maybe_returned = true;
        } else {
            frame.returned = Some(v);
        }
    }

    /// Notes a construct not followed because it is nested too deep (the first one is kept).
    fn note_too_deep(&mut self, span: Span) {
        // Inside a followed Stage class, what was cut off could have made stacks.
        self.opaque = true;
        if self.too_deep.is_none() {
            self.too_deep = Some((self.file, span));
        }
    }

    fn exec(&mut self, stmt: &'a Stmt) {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            self.opaque = true;
            self.unknowns = self.unknowns.saturating_add(1);
            return;
        }
        if self.steps.is_multiple_of(ABANDON_EVERY) && self.abandon.is_some_and(|stop| stop()) {
            // Every later statement returns at once, as after MAX_STEPS.
            self.abandoned = true;
            self.steps = MAX_STEPS + 1;
            return;
        }
        if self.level >= MAX_LEVEL {
            if let Some(span) = stmt_span(stmt) {
                self.note_too_deep(span);
            }
            return;
        }
        self.level += 1;
        self.exec_inner(stmt);
        self.level -= 1;
    }

    // Statements and expressions are followed by recursion, as deep as the code nests (up to
    // `MAX_LEVEL`): the functions on that path only dispatch, and each construct is followed
    // by a function of its own, so that every level costs a small stack frame even in a debug
    // build.

    fn exec_inner(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Expr(e) => {
                self.eval(e);
            }
            Stmt::Assign { target, value } => {
                let v = self.eval(value);
                self.bind(target, v);
            }
            Stmt::For { target, iter, body } => self.exec_for(target, iter, body),
            Stmt::Block(inner) => self.exec_block(inner),
            Stmt::If {
                cond,
                then,
                otherwise,
            } => self.exec_if(cond, then, otherwise),
            Stmt::Return(value) => {
                let span = value.as_ref().map_or(Span::default(), |v| v.span);
                self.exec_return(value, span);
            }
            Stmt::Class(_) | Stmt::Func(_) => {}
        }
    }

    /// The branch a known condition picks; both, as maybe run, when it is not known.
    fn exec_if(&mut self, cond: &'a ir::Expr, then: &'a [Stmt], otherwise: &'a [Stmt]) {
        let c = self.eval(cond);
        match truthy(&c) {
            Some(true) => self.exec_block(then),
            Some(false) => self.exec_block(otherwise),
            None => {
                // Inside a Stage class: the stacks it finds may not all be made.
                if self.children.is_some() {
                    self.opaque = true;
                }
                self.maybe += 1;
                self.exec_block(then);
                self.exec_block(otherwise);
                self.maybe -= 1;
            }
        }
    }

    fn exec_for(&mut self, target: &'a Target, iter: &'a ir::Expr, body: &'a [Stmt]) {
        self.unordered = false;
        let it = self.eval(iter);
        // Items in an order the program does not fix: each is there, in an order not known.
        let unordered = std::mem::take(&mut self.unordered);
        // `for name in accounts:` iterates a dict's keys.
        let it = dict_view(&it, "keys", it.span).unwrap_or(it);
        match it.val {
            Value::List(items) => {
                // Each item's stages are there, each in a place not known: as if maybe run.
                self.unsure_loops += u32::from(unordered);
                self.maybe += u32::from(unordered);
                for item in items.into_iter().take(MAX_LOOP_ITEMS) {
                    if self.frames.last().is_some_and(|f| f.returned.is_some()) {
                        break;
                    }
                    self.bind(target, item);
                    self.exec_block(body);
                }
                self.unsure_loops -= u32::from(unordered);
                self.maybe -= u32::from(unordered);
            }

            // Unknown iterables still run the body once, so what it adds is modelled (with
            // unknown ids and envs) rather than silently missing.
            _ => {
                self.bind(target, V::unknown(iter.span));
                self.unsure_loops += 1;
                self.exec_block(body);
                self.unsure_loops -= 1;
            }
        }
    }

    fn bind(&mut self, target: &'a Target, v: V) {
        // A step bound where the model cannot tell whether the binding runs: the name may
        // hold another step, so nothing done through it is certain (see `StepRef::ambiguous`).
        if let (Value::Step(s), true) = (&v.val, self.unsure()) {
            *self.steps_made.entry(s.span.start_byte).or_default() += 2;
        }
        // A construct bound where the model cannot tell whether the binding runs: the name
        // may hold another one, so what holds it (or its stacks) is not certain.
        let v = if self.unsure() { rebound(v) } else { v };
        match target {
            Target::Name(name, _) => {
                self.frame().locals.insert(name.clone(), v);
            }
            Target::SelfAttr(name, _) => {
                self.self_attrs.insert(name.clone(), v);
            }
            Target::Tuple(targets) => self.bind_tuple(targets, v),
            Target::Object(fields) => self.bind_object(fields, v),
            Target::Item { obj, key } => self.bind_item(obj, key, v),
            Target::Other => {}
        }
    }

    /// `d[key] = v` where `d` is a dict (or list) in a variable or an attribute of `self`: the
    /// entry is set where the value is kept. A key not known, or under a condition the model
    /// does not know, leaves the whole value unknown (it may or may not hold the entry).
    fn bind_item(&mut self, obj: &'a ir::Expr, key: &'a ir::Expr, v: V) {
        let current = self.eval(obj);
        let k = self.eval(key);
        let maybe = self.unsure();
        let updated = match (current.val, &k.val) {
            (Value::Dict(mut entries), Value::Str(k)) if !maybe => {
                match entries.iter_mut().find(|(ek, _)| ek == k) {
                    Some((_, slot)) => *slot = v,
                    None => entries.push((k.clone(), v)),
                }
                V::new(Value::Dict(entries), current.span)
            }
            (Value::List(mut items), Value::Num(n)) if !maybe => {
                match n.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(slot) => {
                        *slot = v;
                        V::new(Value::List(items), current.span)
                    }
                    None => V::unknown(current.span),
                }
            }
            _ => V::unknown(current.span),
        };
        if updated.depth() > ir::MAX_NESTING || updated.parts() > MAX_PARTS {
            self.note_too_deep(current.span);
            return;
        }
        self.store_back(obj, updated);
    }

    /// Puts a changed value back where `obj` (a name, or an attribute of `self`) keeps it.
    fn store_back(&mut self, obj: &ir::Expr, updated: V) {
        match &obj.kind {
            ExprKind::Name(n) => {
                let local = self.frame().locals.contains_key(n);
                if !local && self.globals.contains_key(n) {
                    self.globals.insert(n.clone(), updated);
                } else {
                    self.frame().locals.insert(n.clone(), updated);
                }
            }
            ExprKind::Attr(o, n, _) if matches!(o.kind, ExprKind::This) => {
                self.self_attrs.insert(n.clone(), updated);
            }
            _ => {}
        }
    }

    /// A method that changes a dict held in a name or an attribute of `self`:
    /// `kwargs.setdefault("env", X)` sets a key it lacks (where the model knows the key and
    /// that the call runs); `pop`, `update`, `clear`, `popitem` leave the dict unknown (it
    /// may have lost or gained any key). `None` for any other call.
    fn dict_mutation(&mut self, func: &'a ir::Expr, args: &'a [Arg], span: Span) -> Option<V> {
        let ExprKind::Attr(obj, method, _) = &func.kind else {
            return None;
        };
        if !matches!(
            method.as_str(),
            "setdefault" | "pop" | "update" | "clear" | "popitem"
        ) || !matches!(&obj.kind, ExprKind::Name(_))
            && !matches!(&obj.kind, ExprKind::Attr(o, _, _) if matches!(o.kind, ExprKind::This))
        {
            return None;
        }
        let current = self.eval(obj);
        let Value::Dict(mut entries) = current.val else {
            return None;
        };
        let a = self.args(args);
        let (updated, result) = match (method.as_str(), a.positional.as_slice()) {
            ("setdefault", [k, rest @ ..]) if !self.unsure() && !a.spread && rest.len() <= 1 => {
                match k.as_str() {
                    Some(k) => {
                        let value = match entries.iter().find(|(ek, _)| ek == k) {
                            Some((_, v)) => v.clone(),
                            None => {
                                let v = rest.first().cloned().unwrap_or(V::new(Value::Null, span));
                                entries.push((k.to_string(), v.clone()));
                                v
                            }
                        };
                        (V::new(Value::Dict(entries), current.span), value)
                    }
                    None => (V::unknown(current.span), V::unknown(span)),
                }
            }
            _ => (V::unknown(current.span), V::unknown(span)),
        };
        self.store_back(obj, updated);
        Some(result)
    }

    fn bind_tuple(&mut self, targets: &'a [Target], v: V) {
        match v.val {
            Value::List(items) if items.len() == targets.len() => {
                for (t, item) in targets.iter().zip(items) {
                    self.bind(t, item);
                }
            }
            _ => {
                for t in targets {
                    self.bind(t, V::unknown(v.span));
                }
            }
        }
    }

    fn bind_object(&mut self, fields: &'a [(String, Target)], v: V) {
        for (key, t) in fields {
            let item = self.member(&v, key);
            self.bind(t, item);
        }
    }

    fn frame(&mut self) -> &mut Frame {
        if self.frames.is_empty() {
            self.frames.push(Frame::default());
        }
        self.frames.last_mut().expect("a frame was just pushed")
    }

    fn lookup(&self, name: &str, span: Span) -> V {
        if let Some(v) = self.frames.last().and_then(|f| f.locals.get(name)) {
            return v.clone();
        }
        // A function called by the module's own statements (`make(app, "P")`, Go's `main`)
        // sees the module-level names bound so far: during the module pass they are the first
        // frame's, not yet globals.
        if self.in_module_pass && self.frames.len() > 1 {
            if let Some(v) = self.frames.first().and_then(|f| f.locals.get(name)) {
                return v.clone();
            }
        }
        if let Some(v) = self.globals.get(name) {
            return v.clone();
        }
        if self.classes.contains_key(name) || self.index.class(name).is_some() {
            return V::new(Value::Class(name.to_string()), span);
        }
        if self.funcs.contains_key(name) {
            return V::new(Value::Func(name.to_string()), span);
        }
        V::unknown(span)
    }

    /// The value of an expression; unknown (and noted) when the run is nested too deep to
    /// follow it, or the value would nest deeper than [`ir::MAX_NESTING`] or have more than
    /// [`MAX_PARTS`] parts.
    pub(super) fn eval(&mut self, e: &'a ir::Expr) -> V {
        if self.level >= MAX_LEVEL {
            self.note_too_deep(e.span);
            return V::unknown(e.span);
        }
        self.level += 1;
        let v = self.eval_inner(e);
        self.level -= 1;
        if v.depth() > ir::MAX_NESTING || v.parts() > MAX_PARTS {
            self.note_too_deep(e.span);
            return V::unknown(e.span);
        }
        v
    }

    /// A CDK name written with its module's whole path, where the path's first part names
    /// nothing in the file or the app (`software.amazon.awscdk.pipelines.CodePipeline`,
    /// `Amazon.CDK.Environment`): its canonical name (`cdk.pipelines.CodePipeline`).
    fn fully_qualified(&self, e: &ir::Expr) -> Option<String> {
        let mut root = e;
        while let ExprKind::Attr(obj, _, _) = &root.kind {
            root = obj;
        }
        let ExprKind::Name(first) = &root.kind else {
            return None;
        };
        if self.binds(first) || self.index.class(first).is_some() {
            return None;
        }
        let parts = e.dotted()?;
        let k = super::value::cdk_module_len(&parts)?;
        let module = canonical_module(&parts[..k].join("."));
        Some(format!("{module}.{}", parts[k..].join(".")))
    }

    /// The value a name has here (an import resolved the first time it is read).
    fn eval_name(&mut self, n: &str, span: Span) -> V {
        if self.imports.contains_key(n)
            && !self.frames.last().is_some_and(|f| f.locals.contains_key(n))
            && self.resolved.insert(n.to_string())
        {
            if let Some(v) = self.imported(n) {
                self.globals.insert(n.to_string(), v);
            }
        } else if self.has_star
            && !self.frames.last().is_some_and(|f| f.locals.contains_key(n))
            && !self.globals.contains_key(n)
            && !self.classes.contains_key(n)
            && !self.funcs.contains_key(n)
        {
            self.star_global(n);
        }
        // Bound so far by the module's own statements, while they run (see `lookup`).
        let bound_above = self.in_module_pass
            && self
                .frames
                .first()
                .is_some_and(|f| f.locals.contains_key(n));
        if !self.binds(n) && !bound_above && self.index.class(n).is_none() {
            if let Some(v) = self.package_name(n, span) {
                return v;
            }
        }
        self.lookup(n, span)
    }

    /// A name another file of this file's package defines at its top level (Go: every file
    /// of a folder is one package), as the file defining it binds it, looked up once per
    /// folder and name; read here, where it enters this file (see [`importable`]).
    fn package_name(&mut self, name: &str, at: Span) -> Option<V> {
        let file = self.file?;
        crate::lang::for_path(file)?.package_scope?;
        let key = (file.parent()?.to_path_buf(), name.to_string());
        let cached = self.shared.borrow().package_names.get(&key).cloned();
        if cached.is_none() {
            let mut found = None;
            if self.import_depth < MAX_IMPORT_DEPTH {
                let mut defining = self
                    .index
                    .package_files(file)
                    .into_iter()
                    .filter(|(_, m)| ir::defines(m, name));
                // Defined by one file only (by two, the build is not the one the model sees),
                // and changed by none of the package's code (`main` setting it).
                let first = defining.next();
                let changed = {
                    let mut files = self.package_files(file);
                    files.push((file, self.module));
                    files.into_iter().any(|(_, m)| {
                        let w = self.writes_of(m);
                        w.in_functions.contains(name) || w.items.contains(name)
                    })
                };
                if let (Some((path, module)), None, false) = (first, defining.next(), changed) {
                    let mut other = self.module_run(module, Some(path));
                    found = other
                        .global(name)
                        .or_else(|| {
                            other
                                .funcs
                                .contains_key(name)
                                .then(|| V::new(Value::Func(name.to_string()), at))
                        })
                        .map(|v| (v, path));
                    self.absorb(&other);
                }
            }
            self.shared
                .borrow_mut()
                .package_names
                .insert(key.clone(), found);
        }
        let (v, path) = self.shared.borrow().package_names.get(&key)?.clone()?;
        importable(v, at, path)
    }

    /// Whether the file binds `name` where it is read (a local, a global, a class or a
    /// function of its own), shadowing what the language predefines under it.
    fn binds(&self, name: &str) -> bool {
        self.frames
            .last()
            .is_some_and(|f| f.locals.contains_key(name))
            || self.globals.contains_key(name)
            || self.imports.contains_key(name)
            || self.classes.contains_key(name)
            || self.funcs.contains_key(name)
    }

    fn eval_inner(&mut self, e: &'a ir::Expr) -> V {
        let span = e.span;
        match &e.kind {
            ExprKind::Str(s) => V::new(Value::Str(s.clone()), span),
            ExprKind::Num(n) => V::new(Value::Num(n.clone()), span),
            ExprKind::Bool(b) => V::new(Value::Bool(*b), span),
            ExprKind::Null => V::new(Value::Null, span),
            ExprKind::Template(parts) => self.eval_template(parts, span),
            ExprKind::Name(n) => self.eval_name(n, span),
            ExprKind::Builtin {
                what,
                name,
                written,
            } => {
                if self.binds(name) {
                    return match written {
                        Some(w) => self.eval(w),
                        None => self.eval_name(name, span),
                    };
                }
                let own = match what {
                    ir::Builtin::FileDir => self.file.and_then(Path::parent),
                    ir::Builtin::FilePath => self.file,
                    _ => None,
                };
                match own
                    .and_then(|p| std::path::absolute(p).ok())
                    .and_then(|p| p.to_str().map(str::to_string))
                {
                    Some(p) => V::new(Value::Str(p), span),
                    None => V::unknown(span),
                }
            }
            ExprKind::This => V::new(Value::SelfRef, span),
            ExprKind::Attr(obj, name, _) => match self.fully_qualified(e) {
                Some(q) => V::new(Value::Qual(q), span),
                None => self.eval_attr(obj, name, span),
            },
            ExprKind::Subscript(obj, key) => self.eval_subscript(obj, key, span),
            ExprKind::Dict(entries) => self.eval_dict(entries, span),
            ExprKind::List(items) => self.eval_list(items, span),
            ExprKind::Call { func, args } => self.call(e, func, args),
            ExprKind::Compare { equal, left, right } => {
                let (l, r) = (self.eval(left), self.eval(right));
                match scalar_eq(&l, &r) {
                    Some(eq) => V::new(Value::Bool(eq == *equal), span),
                    None => V::unknown(span),
                }
            }
            ExprKind::Not(inner) => {
                let v = self.eval(inner);
                match truthy(&v) {
                    Some(t) => V::new(Value::Bool(!t), span),
                    None => V::unknown(span),
                }
            }
            ExprKind::Logic { and, left, right } => {
                let l = self.eval(left);
                match truthy(&l) {
                    // `a and b` is `a` when `a` is falsy, `a or b` when it is truthy.
                    Some(t) if t != *and => l,
                    Some(_) => self.eval(right),
                    None => {
                        self.eval(right);
                        V::unknown(span)
                    }
                }
            }
            ExprKind::Add { left, right } => {
                let (l, r) = (self.eval(left), self.eval(right));
                match (&l.val, &r.val) {
                    (Value::Str(a), Value::Str(b)) => V::new(Value::Str(format!("{a}{b}")), span),
                    // JavaScript turns the number into text; Python refuses.
                    (Value::Str(a), Value::Num(b)) if self.js => {
                        V::new(Value::Str(format!("{a}{b}")), span)
                    }
                    (Value::Num(a), Value::Str(b)) if self.js => {
                        V::new(Value::Str(format!("{a}{b}")), span)
                    }
                    (Value::Num(a), Value::Num(b)) => match (a.parse::<i64>(), b.parse::<i64>()) {
                        (Ok(a), Ok(b)) => a
                            .checked_add(b)
                            .map(|n| V::new(Value::Num(n.to_string()), span))
                            .unwrap_or(V::unknown(span)),
                        _ => V::unknown(span),
                    },
                    (Value::List(a), Value::List(b)) if !self.js => {
                        V::new(Value::List(a.iter().chain(b).cloned().collect()), span)
                    }
                    _ => V::unknown(span),
                }
            }
            // The branch a known condition picks; either, unknown, when it is not known.
            ExprKind::Cond {
                cond,
                then,
                otherwise,
            } => {
                let c = self.eval(cond);
                match truthy(&c) {
                    Some(true) => self.eval(then),
                    Some(false) => self.eval(otherwise),
                    None => {
                        self.maybe += 1;
                        self.eval(then);
                        self.eval(otherwise);
                        self.maybe -= 1;
                        V::unknown(span)
                    }
                }
            }
            // A lambda anywhere but `forEach` / `map` (see `call`) runs where the model does
            // not follow it.
            ExprKind::Lambda(_) | ExprKind::Unknown => {
                if self.children.is_some() {
                    self.opaque = true;
                }
                self.unknowns = self.unknowns.saturating_add(1);
                V::unknown(span)
            }
        }
    }

    fn eval_template(&mut self, parts: &'a [TemplatePart], span: Span) -> V {
        let mut out = String::new();
        for part in parts {
            match part {
                TemplatePart::Lit(s) => out.push_str(s),
                TemplatePart::Expr(inner) => match self.eval(inner).val {
                    Value::Str(s) | Value::Num(s) => out.push_str(&s),
                    _ => return V::unknown(span),
                },
            }
        }
        V::new(Value::Str(out), span)
    }

    fn eval_attr(&mut self, obj: &'a ir::Expr, name: &str, span: Span) -> V {
        let o = self.eval(obj);
        // `db.table`, `api.add_dependency`: something made in a Stage, read or called.
        if matches!(&o.val, Value::Construct(c) if c.in_handle.is_some()) {
            self.note_crossed(&o);
        }
        let mut v = self.member(&o, name);
        if !matches!(o.val, Value::Dict(_)) {
            v.span = span;
        }
        v
    }

    fn eval_subscript(&mut self, obj: &'a ir::Expr, key: &'a ir::Expr, span: Span) -> V {
        let o = self.eval(obj);
        let k = self.eval(key);
        match (&o.val, &k.val) {
            (Value::Dict(_), Value::Str(s)) => self.member(&o, s),
            (Value::List(items), Value::Num(n)) => n
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i).cloned())
                .unwrap_or(V::unknown(span)),
            _ => V::unknown(span),
        }
    }

    fn eval_dict(&mut self, entries: &'a [ir::DictEntry], span: Span) -> V {
        let mut out: Vec<(String, V)> = Vec::new();
        let mut spread = false;
        for entry in entries {
            match entry {
                ir::DictEntry::Pair { key, value, .. } => out.push((key.clone(), self.eval(value))),
                // `...known` / `**known`: its keys, overridden by later ones. A spread of
                // anything else hides keys: the object as a whole is unknown.
                ir::DictEntry::Spread(e) => match self.eval(e).val {
                    Value::Dict(entries) => {
                        spread = true;
                        out.extend(entries);
                    }
                    _ => return V::unknown(span),
                },
            }
        }
        if spread {
            out = last_wins(out);
        }
        V::new(Value::Dict(out), span)
    }

    fn eval_list(&mut self, items: &'a [ir::Expr], span: Span) -> V {
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            out.push(self.eval(i));
        }
        V::new(Value::List(out), span)
    }

    /// `self.region` / `this.account` in the constructor (or a method it calls) of a stack
    /// class or of the Stage class being followed, once its base call ran: that part of the
    /// env it gave its base constructor, when known. Without it, CDK takes the containing
    /// Stage's or leaves a token: unknown here.
    fn own_env_part(&self, name: &str, span: Span) -> Option<V> {
        let class = self.current_class()?;
        if self.base_env_class.as_deref() != Some(class.as_str())
            || !(self.following_stage.as_deref() == Some(class.as_str())
                || self.is_stack_class(&class))
        {
            return None;
        }
        let EnvState::Given(env) = self.base_env.as_ref()? else {
            return None;
        };
        let part = match ir::snake_case(name).as_str() {
            "region" => &env.region,
            "account" => &env.account,
            _ => return None,
        };
        match part {
            super::Known::Value(v, _) => Some(V::new(Value::Str(v.clone()), span)),
            _ => None,
        }
    }

    /// `obj.name`: a dict key, a module member, an attribute set on `self`, or a method.
    fn member(&mut self, obj: &V, name: &str) -> V {
        match &obj.val {
            Value::Dict(entries) => match entries.iter().find(|(k, _)| k == name) {
                Some((_, v)) => v.clone(),
                // `stage.requiresApproval` on an object without it: `undefined`.
                None if self.js => V::new(Value::Null, obj.span),
                // `.items()`, `.get(…)`: a method of the dict.
                None => V::new(
                    Value::Method(Box::new(obj.clone()), name.to_string()),
                    obj.span,
                ),
            },
            Value::Qual(q) => V::new(Value::Qual(format!("{q}.{name}")), obj.span),
            Value::SelfRef => match self.self_attrs.get(name) {
                Some(v) => v.clone(),
                None => self.own_env_part(name, obj.span).unwrap_or_else(|| {
                    V::new(
                        Value::Method(Box::new(obj.clone()), name.to_string()),
                        obj.span,
                    )
                }),
            },
            // `stack.pipeline` on the instance another file's code extends (see
            // `Interp::follow_extension`): what its constructor and methods set.
            Value::Construct(c) if self.is_extended_instance(c) => {
                match self.extension.as_ref().and_then(|e| e.attrs.get(name)) {
                    // A function or `self` of this file means nothing in the other file.
                    Some(v) if matches!(v.val, Value::Func(_) | Value::SelfRef) => {
                        V::unknown(v.span)
                    }
                    Some(v) => v.clone(),
                    None => V::new(
                        Value::Method(Box::new(obj.clone()), name.to_string()),
                        obj.span,
                    ),
                }
            }
            // `stage.api_stack`: a stack the Stage class keeps as an attribute.
            Value::Construct(c) if c.class.as_deref().is_some_and(|n| self.is_stage_class(n)) => {
                let class = c.class.clone().unwrap_or_default();
                let stage = (**c).clone();
                match self.follow_stage(&class, Some(&stage)) {
                    Some(f) => match f.attrs.get(name) {
                        Some(V {
                            val: Value::Construct(inner),
                            span,
                            ..
                        }) => {
                            let mut c = nested_in(inner, &stage);
                            c.owner = self.stage_owner(&stage, inner);
                            c.via = Some((stage.span, name.to_string()));
                            V::new(Value::Construct(Box::new(c)), *span)
                        }
                        _ => V::unknown(obj.span),
                    },
                    None => V::unknown(obj.span),
                }
            }
            // `Accounts.DEV`, `Region.US_EAST_1` (an Enum member: `.value`, `.name`).
            Value::Class(class) => match self.class_attr(&class.clone(), name, obj.span) {
                Some(v) => v,
                None => V::new(
                    Value::Method(Box::new(obj.clone()), name.to_string()),
                    obj.span,
                ),
            },
            // `delivery.pipeline` on a wrapper construct: what its constructor set.
            Value::Construct(_) if self.wrapper_key(obj).is_some() => {
                let attrs = self
                    .wrapper_key(obj)
                    .and_then(|k| self.wrapper_instances.get(&k))
                    .map(|(_, attrs)| attrs);
                match attrs.and_then(|attrs| attrs.get(name)) {
                    // `self` kept in an attribute is the instance; a function of the
                    // wrapper's file means nothing in another file's code.
                    Some(v) if matches!(v.val, Value::SelfRef) => obj.clone(),
                    Some(v) if matches!(v.val, Value::Func(_)) && self.in_other() => {
                        V::unknown(v.span)
                    }
                    Some(v) => v.clone(),
                    None => V::new(
                        Value::Method(Box::new(obj.clone()), name.to_string()),
                        obj.span,
                    ),
                }
            }
            // `db.table` on a stack this Stage made: a cross-stack reference.
            Value::Construct(c) if self.is_sibling_stack(c) => {
                self.stack_refs.push(StackRef {
                    stack: c.id.clone(),
                    attr: name.to_string(),
                    taken: false,
                });
                V::new(
                    Value::Method(Box::new(obj.clone()), name.to_string()),
                    obj.span,
                )
            }
            // Kept as a method of an unknown value: `app.node.try_get_context("k")` still works.
            _ => V::new(
                Value::Method(Box::new(obj.clone()), name.to_string()),
                obj.span,
            ),
        }
    }

    /// A class attribute: `NAME = value` in a Python class body, a TypeScript `static` field or
    /// `enum` member. A member of a Python `Enum` is an object with its `value` and `name`.
    /// The value is computed in the class's own module (another file's as an import is).
    fn class_attr(&mut self, class: &str, attr: &str, at: Span) -> Option<V> {
        let (def, module, file): (&ClassDef, &ir::Module, Option<&Path>) =
            match self.classes.get(class) {
                Some(d) => (*d, self.module, self.file),
                None => {
                    let (f, d, m) = self.index.class(class)?;
                    (d, m, Some(f))
                }
            };
        let value = def.body.iter().rev().find_map(|s| match s {
            Stmt::Assign {
                target: Target::Name(n, _),
                value,
            } if n == attr => Some(value),
            _ => None,
        })?;
        let is_enum = def.bases.iter().any(|b| {
            b.dotted()
                .and_then(|p| p.last().copied())
                .is_some_and(|n| n.ends_with("Enum"))
        });
        let v = if std::ptr::eq(module, self.module) {
            self.eval(value)
        } else {
            if self.import_depth >= MAX_IMPORT_DEPTH {
                return None;
            }
            let mut other = self.module_run(module, file);
            let v = other.eval(value);
            self.absorb(&other);
            importable(v, at, file.unwrap_or(Path::new("")))?
        };
        Some(if is_enum {
            V::new(
                Value::Dict(vec![
                    ("value".to_string(), v),
                    ("name".to_string(), V::new(Value::Str(attr.to_string()), at)),
                ]),
                at,
            )
        } else {
            v
        })
    }

    fn args(&mut self, args: &'a [Arg]) -> Args {
        let mut out = Args::default();
        for a in args {
            match a {
                Arg::Positional(e) => out.positional.push(self.eval(e)),
                Arg::Keyword { name, value, .. } => {
                    let v = self.eval(value);
                    out.keywords.push((name.clone(), v));
                }
                // `**known` (Python): its keys are keyword arguments. Anything else spread
                // (`*args`, `...rest`, which plugins lower as unknown) hides arguments.
                Arg::Spread(e) => match self.eval(e).val {
                    Value::Dict(entries) => out.keywords.extend(entries),
                    _ => out.spread = true,
                },
            }
        }
        out
    }

    fn call(&mut self, call: &'a ir::Expr, func: &'a ir::Expr, args: &'a [Arg]) -> V {
        let span = call.span;
        if let (ExprKind::Attr(recv, method, _), [Arg::Positional(f), ..]) = (&func.kind, args) {
            // `forEach`, `map`, `flatMap`; C#'s `ForEach`, `Select`, `SelectMany`.
            let each = match method.as_str() {
                "forEach" | "ForEach" => Some(false),
                "map" | "flatMap" | "Select" | "SelectMany" => Some(true),
                _ => None,
            };
            if let (ExprKind::Lambda(lambda), Some(collect)) = (&f.kind, each) {
                let items = self.eval(recv);
                return self.for_each(items, lambda, collect, span);
            }
        }
        if let Some(v) = self.special_call(func, args, span) {
            return v;
        }
        if let Some(v) = self.list_append(func, args, span) {
            return v;
        }
        if let Some(v) = self.dict_mutation(func, args, span) {
            return v;
        }
        let refs_before = self.stack_refs.len();
        let f = self.eval(func);
        // `db.add_dependency(…)`: a method of the stack, called, is not a reference to it.
        if let ExprKind::Attr(_, m, _) = &func.kind {
            if self.stack_refs.len() > refs_before
                && self.stack_refs.last().is_some_and(|r| r.attr == *m)
            {
                self.stack_refs.pop();
            }
        }
        let refs_at = self.stack_refs.len();
        let a = self.args(args);
        // A function of the app's own is followed: what it does with its arguments is seen
        // where it does it.
        let followed = matches!(&f.val, Value::Func(n) if self.funcs.contains_key(n.as_str()));
        self.note_uses(&a, followed);
        if self.extension.is_some() {
            self.note_extended_escape(&f, &a);
        }
        self.note_wrapper_escape(&f, &a);
        self.note_pipeline_escape(&f, &a);
        let mut passed = Vec::new();
        if self.children.is_some() {
            for v in a
                .positional
                .iter()
                .skip(1)
                .chain(a.keywords.iter().map(|(_, v)| v))
            {
                self.sibling_stacks_in(v, &mut passed);
            }
        }
        self.first_arg = match args.first() {
            Some(Arg::Positional(e)) => Some(e.span),
            _ => None,
        };
        let made = self.apply(f, a, span);
        self.take_stack_refs(&made, passed, refs_at);
        made
    }

    /// A stack made by this Stage with another of its stacks, or an attribute of one, in its
    /// arguments depends on that stack (CDK adds the dependency for the reference).
    fn take_stack_refs(&mut self, made: &V, passed: Vec<Option<String>>, refs_at: usize) {
        let Value::Construct(c) = &made.val else {
            return;
        };
        if !self.is_sibling_stack(c) {
            return;
        }
        let Some(consumer) = c.id.clone() else {
            return;
        };
        let mut producers: Vec<Option<String>> = Vec::new();
        let from = refs_at.min(self.stack_refs.len());
        for r in &mut self.stack_refs[from..] {
            if !r.taken {
                r.taken = true;
                producers.push(r.stack.clone());
            }
        }
        producers.extend(passed);
        for p in producers {
            match p {
                Some(p) if p == consumer => {}
                Some(p) => {
                    if !self
                        .dependencies
                        .iter()
                        .any(|(f, t)| *f == consumer && *t == p)
                    {
                        self.dependencies.push((consumer.clone(), p));
                    }
                }
                // A stack whose id is not known: the dependency cannot be placed.
                None => self.stack_refs.push(StackRef {
                    stack: None,
                    attr: String::new(),
                    taken: false,
                }),
            }
        }
    }

    /// The stacks of this Stage a value holds (a stack given whole: `ApiStack(…, db=db)`).
    fn sibling_stacks_in(&self, v: &V, out: &mut Vec<Option<String>>) {
        match &v.val {
            Value::Construct(c) if self.is_sibling_stack(c) => out.push(c.id.clone()),
            Value::List(items) => items.iter().for_each(|i| self.sibling_stacks_in(i, out)),
            Value::Dict(entries) => entries
                .iter()
                .for_each(|(_, i)| self.sibling_stacks_in(i, out)),
            _ => {}
        }
    }

    /// A stack made with `self` as its scope while a Stage class is followed.
    fn is_sibling_stack(&self, c: &Construct) -> bool {
        self.children.is_some()
            && c.scope_is_self
            && c.class
                .as_deref()
                .is_some_and(|n| self.is_stack_class(n) || n == "Stack" || n.ends_with("Stack"))
    }

    /// What holds a stack read as an attribute of a Stage (`beta.svc`): that Stage, when the
    /// stack is one its class made with `self` as scope and the Stage value is certain.
    fn stage_owner(&self, stage: &Construct, inner: &Construct) -> Option<Owner> {
        let is_stack = inner
            .class
            .as_deref()
            .is_some_and(|n| self.is_stack_class(n) || n == "Stack" || n.ends_with("Stack"));
        if !inner.scope_is_self || !is_stack || stage.rebound || stage.conditional {
            return None;
        }
        Some(Owner::Stage {
            file: stage.made_in.clone(),
            span: stage.span,
            path: stage_path(stage),
        })
    }

    /// What holds a construct, when certain: one of the stacks the Stage class being
    /// followed made (`Own`), the App, or a Stage the code made.
    fn holder_of(&self, c: &Construct) -> Option<super::Holder> {
        if self.is_sibling_stack(c) {
            return Some(super::Holder::Own);
        }
        // A Stage is its own holder, which CDK names differently: not reported.
        let stage = c
            .class
            .as_deref()
            .is_some_and(|n| n == "Stage" || n.ends_with(".Stage") || self.is_stage_class(n));
        if c.rebound || stage {
            return None;
        }
        match c.owner.as_ref()? {
            Owner::App => Some(super::Holder::App),
            Owner::Stage { file, span, path } => Some(super::Holder::Stage {
                file: file.clone(),
                span: *span,
                path: path.clone(),
            }),
        }
    }

    /// `from.add_dependency(to)`: kept when what holds both stacks is known.
    fn note_stack_dependency(&mut self, from: &Construct, to: &Construct, arg: Span, call: Span) {
        let (Some(f), Some(t)) = (self.holder_of(from), self.holder_of(to)) else {
            return;
        };
        self.stack_deps.push(super::StackDependency {
            from: super::StackPlace {
                id: from.id.clone(),
                holder: f,
            },
            to: super::StackPlace {
                id: to.id.clone(),
                holder: t,
            },
            arg_span: arg,
            call: super::Call {
                span: call,
                conditional: self.unsure(),
            },
            file: None,
        });
    }

    /// The stack dependencies a followed Stage class added, as the code that made `stage`
    /// sees them: its own stacks are held by `stage`, and a `stage` that may not be made
    /// makes them uncertain.
    fn take_followed_deps(&mut self, followed: &FollowedStage, stage: &Construct) {
        let here = super::Holder::Stage {
            file: stage.made_in.clone(),
            span: stage.span,
            path: stage_path(stage),
        };
        for d in &followed.stack_deps {
            let mut d = d.clone();
            for h in [&mut d.from.holder, &mut d.to.holder] {
                if *h == super::Holder::Own {
                    *h = here.clone();
                }
            }
            d.call.conditional |= stage.conditional || stage.rebound;
            let seen = self
                .stack_deps
                .iter()
                .any(|e| e.file == d.file && e.arg_span == d.arg_span);
            if !seen {
                self.stack_deps.push(d);
            }
        }
    }

    /// `steps.append(x)` / `steps.push(x)` / `steps.extend(xs)` on a list in a variable or an
    /// attribute of `self`: the list grows where it is kept. Under a condition the model does
    /// not know, what is added is unknown (it may not be there).
    fn list_append(&mut self, func: &'a ir::Expr, args: &'a [Arg], span: Span) -> Option<V> {
        let ExprKind::Attr(recv, method, _) = &func.kind else {
            return None;
        };
        if !matches!(method.as_str(), "append" | "push" | "extend") {
            return None;
        }
        let (name, on_self) = match &recv.kind {
            ExprKind::Name(n) => (n.as_str(), false),
            ExprKind::Attr(obj, n, _) if matches!(obj.kind, ExprKind::This) => (n.as_str(), true),
            _ => return None,
        };
        let current = if on_self {
            self.self_attrs.get(name).cloned()?
        } else {
            self.lookup(name, recv.span)
        };
        let Value::List(mut items) = current.val else {
            return None;
        };
        let a = self.args(args);
        let maybe = self.maybe > self.frames.last().map_or(0, |f| f.maybe_base);
        for v in a.positional {
            let added = match (method.as_str(), v.val) {
                (_, _) if maybe => vec![V::unknown(v.span)],
                ("extend", Value::List(xs)) => xs,
                ("extend", _) => vec![V::unknown(v.span)],
                (_, val) => vec![V::new(val, v.span)],
            };
            items.extend(added);
        }
        if a.spread {
            items.push(V::unknown(span));
        }
        let mut list = V::new(Value::List(items), current.span);
        if list.depth() > ir::MAX_NESTING || list.parts() > MAX_PARTS {
            self.note_too_deep(span);
            list = V::unknown(current.span);
        }
        if on_self {
            self.self_attrs.insert(name.to_string(), list);
        } else if self
            .frames
            .last()
            .is_some_and(|f| f.locals.contains_key(name))
        {
            self.frame().locals.insert(name.to_string(), list);
        } else if self.globals.contains_key(name) {
            self.globals.insert(name.to_string(), list);
        }
        Some(V::unknown(span))
    }

    /// `items.forEach(f)` / `items.map(f)` (and a Python comprehension, lowered as `map`): runs
    /// `f` for each item of a known list, with the item and its index; for anything else,
    /// once with both unknown, so that what it adds is there (unknown) rather than missing.
    /// With `collect`, the list of what `f` returned (unknown unless the items are known).
    fn for_each(&mut self, items: V, f: &'a ir::Lambda, collect: bool, span: Span) -> V {
        let mut names = Vec::new();
        for t in &f.params {
            target_names(t, &mut names);
        }
        let saved: Vec<(&str, Option<V>)> = names
            .iter()
            .map(|&n| (n, self.frame().locals.get(n).cloned()))
            .collect();
        let mut out = Vec::new();
        let run = |it: &mut Self, item: V, index: V| {
            if let Some(t) = f.params.first() {
                it.bind(t, item);
            }
            if let Some(t) = f.params.get(1) {
                it.bind(t, index);
            }
            // The body runs in the caller's frame: a `return` in it ends the lambda, not the
            // function around it.
            let maybe = it.maybe;
            let frame = it.frame();
            let outer = (
                frame.returned.take(),
                std::mem::take(&mut frame.maybe_returned),
                std::mem::replace(&mut frame.maybe_base, maybe),
            );
            it.exec_block(&f.body);
            let frame = it.frame();
            let returned = frame.returned.take();
            let maybe_returned = frame.maybe_returned;
            (frame.returned, frame.maybe_returned, frame.maybe_base) = outer;
            match (returned, &f.value) {
                (Some(v), _) if !maybe_returned => v,
                (None, Some(e)) if !maybe_returned => it.eval(e),
                _ => V::unknown(span),
            }
        };
        let known = match items.val {
            Value::List(items) => {
                for (i, item) in items.into_iter().take(MAX_LOOP_ITEMS).enumerate() {
                    let index = V::new(Value::Num(i.to_string()), span);
                    out.push(run(self, item, index));
                }
                true
            }
            _ => {
                self.unsure_loops += 1;
                run(self, V::unknown(items.span), V::unknown(items.span));
                self.unsure_loops -= 1;
                false
            }
        };
        let frame = self.frame();
        for (n, old) in saved {
            match old {
                Some(v) => frame.locals.insert(n.to_string(), v),
                None => frame.locals.remove(n),
            };
        }
        if collect && known {
            V::new(Value::List(out), span)
        } else {
            V::unknown(span)
        }
    }

    /// Calls of what the language predefines (see [`ir::Builtin`]), which are not calls of a
    /// value: a module by its name, an object's entries, keys or values, the base class's
    /// constructor. `None` for any other call, and where the file binds the name itself.
    fn special_call(&mut self, func: &'a ir::Expr, args: &'a [Arg], span: Span) -> Option<V> {
        let ExprKind::Builtin { what, name, .. } = &func.kind else {
            return None;
        };
        if self.binds(name) {
            return None;
        }
        match (what, args) {
            // `require('aws-cdk-lib/pipelines')` binds a module like an import.
            (
                ir::Builtin::Import,
                [Arg::Positional(ir::Expr {
                    kind: ExprKind::Str(m),
                    ..
                })],
            ) => Some(
                self.require_app_module(m, span)
                    .unwrap_or_else(|| V::new(Value::Qual(canonical_module(m)), span)),
            ),
            // `Object.entries(o)` / `Object.keys(o)` / `Object.values(o)` of a known object.
            (
                ir::Builtin::Entries | ir::Builtin::Keys | ir::Builtin::Values,
                [Arg::Positional(o)],
            ) => {
                let o = self.eval(o);
                // A list's values are its items, its keys their indices (`Object.keys` of an
                // array, the index of Go's `range`), its entries both.
                if let Value::List(items) = &o.val {
                    let index = |i: usize| V::new(Value::Str(i.to_string()), span);
                    let v = match what {
                        ir::Builtin::Values => Value::List(items.clone()),
                        ir::Builtin::Keys => Value::List((0..items.len()).map(index).collect()),
                        _ => Value::List(
                            items
                                .iter()
                                .enumerate()
                                .map(|(i, item)| {
                                    V::new(Value::List(vec![index(i), item.clone()]), item.span)
                                })
                                .collect(),
                        ),
                    };
                    return Some(V::new(v, o.span));
                }
                let view = match what {
                    ir::Builtin::Entries => "items",
                    ir::Builtin::Keys => "keys",
                    _ => "values",
                };
                Some(dict_view(&o, view, span).unwrap_or(V::unknown(span)))
            }
            // A map ranged over in an order the program does not fix: the loop it feeds is
            // unsure (see `exec_for`).
            (ir::Builtin::Unordered, [Arg::Positional(o)]) => {
                let o = self.eval(o);
                if matches!(o.val, Value::Dict(_)) {
                    self.unordered = true;
                }
                Some(o)
            }
            // The base constructor, given the env (`super().__init__(scope, id, env=…)`,
            // `super(scope, id, { env })`).
            (ir::Builtin::Super, _) => {
                let a = self.args(args);
                // While a Stage class is followed, the constructor of a base class of the
                // app's own runs with these arguments (its base call is what CDK's `Stage`
                // gets); a base the model cannot follow leaves the Stage's env unknown.
                let stage_class = self
                    .current_class()
                    .filter(|c| self.following_stage.as_deref() == Some(c.as_str()));
                if let Some(class) = stage_class {
                    match self.stage_base(&class) {
                        StageBase::Cdk => {}
                        StageBase::App(Some((name, init))) => {
                            self.following_stage = Some(name.to_string());
                            self.call_func(init, Some(name), &a);
                            self.following_stage = Some(class);
                            return Some(V::unknown(span));
                        }
                        StageBase::App(None) => {
                            self.base_env = Some(EnvState::Unknown);
                            return Some(V::unknown(span));
                        }
                    }
                }
                let env = self.env_arg(&a, 2);
                if let EnvState::Given(e) = &env {
                    self.super_env = Some(EnvState::Given(e.clone()));
                }
                self.base_env = Some(if self.unsure() {
                    EnvState::Unknown
                } else {
                    env
                });
                self.base_env_class = self.current_class();
                Some(V::unknown(span))
            }
            _ => None,
        }
    }

    /// Calls a value with evaluated arguments.
    fn apply(&mut self, f: V, a: Args, span: Span) -> V {
        match f.val {
            Value::Qual(q) => cdk::call_qual(self, &q, a, span),
            Value::Class(name) => match self.wrapper_made(&name, &a) {
                Some(def) => {
                    let mut made = self.construct(Some(name), a.clone(), span, false);
                    self.follow_wrapper(def, &a, &mut made);
                    made
                }
                None => self.construct(Some(name), a, span, false),
            },
            Value::Func(name) => match self.funcs.get(name.as_str()).copied() {
                Some(def) => self.call_func(def, None, &a),
                None => V::unknown(span),
            },
            Value::AppFunc(f) => {
                let found = self.index.file_module(&f.0).and_then(|(path, module)| {
                    Some((path, module, ir::func_named(&module.body, &f.1)?))
                });
                found
                    .and_then(|(path, module, def)| {
                        self.call_other_file(path, module, def, None, &a, span)
                    })
                    .unwrap_or(V::unknown(span))
            }
            Value::Method(recv, name) => self.call_method(*recv, &name, a, span),
            _ => V::unknown(span),
        }
    }

    /// Counts what a call is handed: `self` while following a Stage class (a callee the
    /// model does not follow could create stacks in it), and constructs (a Stage used as a
    /// scope before it is added may hold stacks its class does not create).
    fn note_uses(&mut self, a: &Args, followed: bool) {
        for (i, v) in a
            .positional
            .iter()
            .chain(a.keywords.iter().map(|(_, v)| v))
            .enumerate()
        {
            match &v.val {
                Value::SelfRef if self.children.is_some() => self.self_uses += 1,
                Value::Construct(c) => {
                    *self.construct_uses.entry(c.span.start_byte).or_default() += 1;
                    if let (false, Some(h)) = (followed, c.handle) {
                        if let Some(h) = self.handles.get_mut(&h) {
                            h.uses += 1;
                        }
                    }
                }
                _ => {}
            }
            // What is made in a Stage, handed to a call but as the scope of a construct made
            // in it: a reference the model does not follow may order the stacks.
            if i > 0 && !followed {
                self.note_crossed(v);
            }
        }
    }

    /// How often the construct made at `span` was passed to a call so far.
    pub(super) fn construct_uses(&self, span: Span) -> u32 {
        self.construct_uses
            .get(&span.start_byte)
            .copied()
            .unwrap_or(0)
    }

    fn call_method(&mut self, recv: V, name: &str, a: Args, span: Span) -> V {
        // `Envs.env_for("1")`: a static method of one of the module's classes, run.
        if let Value::Class(class) = &recv.val {
            if let Some(m) = self.method(class, name).filter(|m| m.is_static) {
                let class = class.clone();
                return self.call_func(m, Some(&class), &a);
            }
            // `Accounts.envFor(…)` of a class in another file: run there.
            if !self.classes.contains_key(class.as_str()) {
                let found = self.index.class(class).and_then(|(path, def, module)| {
                    let m = ir::func_named(&def.body, name).filter(|m| m.is_static)?;
                    Some((path, module, m))
                });
                if let Some((path, module, m)) = found {
                    let class = class.clone();
                    if let Some(v) = self.call_other_file(path, module, m, Some(&class), &a, span) {
                        return v;
                    }
                }
            }
        }
        let canonical = ir::snake_case(name);
        if canonical == "try_get_context" {
            let key = a
                .positional
                .first()
                .and_then(|k| k.as_str().map(str::to_string));
            return match key.and_then(|k| self.index.context(&k).cloned()) {
                Some(v) => from_json(&v, span),
                None => V::unknown(span),
            };
        }
        if let Some(v) = dict_view(&recv, &canonical, span) {
            return v;
        }
        if let Value::Construct(c) = &recv.val {
            if self.is_extended_instance(c) {
                return self.call_extended_method(name, a, span);
            }
        }
        if let Some(key) = self.wrapper_key(&recv) {
            return self.call_wrapper_method(key, &recv, name, a, span);
        }
        if let (Value::Construct(c), "add_container") = (&recv.val, canonical.as_str()) {
            let task = c.scope_is_self.then(|| c.id.clone()).flatten();
            let id = a
                .positional
                .first()
                .and_then(|v| v.as_str().map(str::to_string));
            let image = a.prop_value("image", 1).unwrap_or(V::unknown(span));
            self.container_images.push((task, id, image));
            return V::unknown(span);
        }
        // `stack.add_app(…)`: a method of one of the app's classes, called on an instance made
        // here, may add stages to the pipelines the instance holds; noted (as `add_app()`).
        if let Value::Construct(c) = &recv.val {
            if !c.cdk && !self.is_extended_instance(c) && self.app_class_defines(c, name) {
                let marker = format!("{name}()");
                if let Some(inst) = self
                    .instantiations
                    .iter_mut()
                    .rev()
                    .find(|i| i.span == c.span)
                {
                    if !inst.extended.contains(&marker) {
                        inst.extended.push(marker);
                    }
                }
            }
        }
        // `stack.pipeline.add_stage(…)` on an instance of one of the app's classes: noted,
        // since what it adds is not in the class (see `Instantiation::extended`).
        if let (Value::Method(inner, attr), "add_stage" | "add_wave" | "add_application_stage") =
            (&recv.val, canonical.as_str())
        {
            // `stack.delivery.pipeline.add_stage(…)`: through the instance's `delivery`.
            let (mut inner, mut attr) = (inner, attr);
            while let Value::Method(deeper, a) = &inner.val {
                (inner, attr) = (deeper, a);
            }
            if let Value::Construct(c) = &inner.val {
                // `tooling.pipeline_stack.pipeline`: through the Stage's `pipeline_stack`.
                let (at, attr) = match &c.via {
                    Some((at, via)) if !self.instantiations.iter().any(|i| i.span == c.span) => {
                        (*at, via)
                    }
                    _ => (c.span, attr),
                };
                if let Some(inst) = self
                    .instantiations
                    .iter_mut()
                    .rev()
                    .find(|i| i.span == at && !c.cdk)
                {
                    if !inst.extended.contains(attr) {
                        inst.extended.push(attr.clone());
                    }
                }
            }
        }
        match (&recv.val, canonical.as_str()) {
            (Value::Dict(entries), "get") => {
                let key = a.positional.first().and_then(V::as_str);
                match key.and_then(|k| entries.iter().find(|(ek, _)| ek == k)) {
                    Some((_, v)) => v.clone(),
                    None => a.positional.get(1).cloned().unwrap_or(V::unknown(span)),
                }
            }
            (Value::Qual(q), _) => cdk::call_qual(self, &format!("{q}.{name}"), a, span),
            (Value::Construct(c), "add_dependency" | "add_stack_dependency") => {
                let written = self.first_arg.take();
                if let Some(V {
                    val: Value::Construct(to),
                    span: arg_span,
                    ..
                }) = a.positional.first()
                {
                    let arg_span = written
                        .filter(|w| w.start_byte >= span.start_byte && w.end_byte <= span.end_byte)
                        .unwrap_or(*arg_span);
                    self.note_stack_dependency(c, to, arg_span, span);
                    // Inside a Stage class, only a dependency between two of its own stacks
                    // orders them (one on a stack from outside crosses a stage boundary).
                    let own = self.children.is_none() || self.is_sibling_stack(to);
                    if let (Some(from), Some(to), true) = (&c.id, &to.id, own) {
                        self.dependencies.push((from.clone(), to.clone()));
                    }
                }
                V::unknown(span)
            }
            (Value::SelfRef, _) => {
                // `self.add_stages(pipeline)`: run the class's own method.
                let class = self.frames.last().and_then(|f| f.class.clone());
                let method = class.as_deref().and_then(|c| self.method(c, name));
                match method {
                    Some(m) => self.call_func(m, class.as_deref(), &a),
                    // Inherited, or not a method at all: not followed.
                    None => {
                        if self.children.is_some() {
                            self.opaque = true;
                        }
                        V::unknown(span)
                    }
                }
            }
            (Value::Pipeline(p) | Value::Wave(p, _) | Value::StageDeployment(p, _), _) => {
                let p = *p;
                let before = self
                    .in_other()
                    .then(|| self.pipelines.get(p).map(PipelineMark::of))
                    .flatten();
                let v = cdk::call_pipeline_method(self, &recv, &canonical, a, span);
                if let Some(before) = before {
                    self.place_added(p, &before);
                }
                v
            }
            (Value::Step(_), _) => cdk::call_step_method(self, &recv, &canonical, a, span),
            (Value::Str(text), m) => {
                str_method(text, m, &a, self.js, span).unwrap_or(V::unknown(span))
            }
            // `['us', 'east'].join('')` (JavaScript).
            (Value::List(items), "join") if self.js => {
                let sep = match a.positional.first() {
                    Some(v) => v.as_str().map(str::to_string),
                    None => Some(",".to_string()),
                };
                sep.and_then(|sep| join_strs(items, &sep))
                    .map(|s| V::new(Value::Str(s), span))
                    .unwrap_or(V::unknown(span))
            }
            _ => V::unknown(span),
        }
    }

    /// Whether method `name` of the app's class of a construct (this file's or another's,
    /// or one of the app's classes it extends) adds stages or waves itself, as written.
    fn app_class_defines(&self, c: &Construct, name: &str) -> bool {
        let Some(class) = c.class.as_deref() else {
            return false;
        };
        self.app_method_adds(class, name, 0)
    }

    fn app_method_adds(&self, class: &str, name: &str, depth: usize) -> bool {
        // Too deep to look: it may.
        if depth > 8 {
            return true;
        }
        let def = match self.classes.get(class) {
            Some(d) => Some(*d),
            None => self.index.class(class).map(|(_, d, _)| d),
        };
        let Some(def) = def else {
            return false;
        };
        let own = def.method(name);
        match own {
            // Itself, or through another method of the class (`self._attach(stage)`).
            Some(f) => {
                adds_stages(&f.body)
                    || self_calls(&f.body)
                        .iter()
                        .any(|m| m != name && self.app_method_adds(class, m, depth + 1))
            }
            None => def.bases.iter().any(|b| {
                b.dotted()
                    .and_then(|parts| parts.last().copied())
                    .is_some_and(|base| self.app_method_adds(base, name, depth + 1))
            }),
        }
    }

    fn method(&self, class: &str, name: &str) -> Option<&'a FuncDef> {
        ir::func_named(&self.classes.get(class)?.body, name)
    }

    /// Notes what `c` is for CDK's own `Stage`s made by the app's code: one itself (numbered),
    /// a construct made in one (a kid of it, or made in a kid), or neither.
    fn note_handle(&mut self, mut c: Construct, cdk: bool) -> Construct {
        let scope = c
            .args
            .as_deref()
            .and_then(|a| a.positional.first())
            .map(|v| &v.val);
        if let Some(Value::Construct(s)) = scope {
            c.in_handle = s.handle.or(s.in_handle);
            if let Some(h) = s.handle.and_then(|h| self.handles.get_mut(&h)) {
                h.kids.push(c.clone());
            }
        }
        if cdk && c.class.as_deref() == Some("Stage") {
            let n = NEXT_HANDLE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            c.handle = Some(n);
            self.handles.insert(
                n,
                Handle {
                    unknowns_at: self.unknowns,
                    ..Handle::default()
                },
            );
        }
        c
    }

    /// Notes that something made in one of CDK's own `Stage`s made here was used (read,
    /// called, handed on): its stacks' order is not known.
    fn note_crossed(&mut self, v: &V) {
        match &v.val {
            Value::Construct(c) => {
                if let Some(h) = c.in_handle.and_then(|h| self.handles.get_mut(&h)) {
                    h.crossed = true;
                }
            }
            Value::List(items) => items.iter().for_each(|i| self.note_crossed(i)),
            Value::Dict(entries) => entries.iter().for_each(|(_, i)| self.note_crossed(i)),
            _ => {}
        }
    }

    /// Whether `stage` is one of CDK's own `Stage`s this run made.
    pub(super) fn made_handle(&self, stage: &Construct) -> bool {
        stage.handle.is_some_and(|h| self.handles.contains_key(&h))
    }

    /// The stacks of CDK's own `Stage` made by the app's code and added to a pipeline now,
    /// when the run saw them all: made with it as scope, each a stack, nothing else handed it
    /// to a call the model does not follow, and nothing ran since it was made that the model
    /// could not evaluate; and whether their order is known (nothing made in them was used
    /// since). `None`: not known (a Stage made by another run, or any of the above).
    pub(super) fn handle_stacks(
        &mut self,
        stage: &Construct,
    ) -> Option<(Vec<super::Stack>, bool, bool)> {
        let h = self.handles.get(&stage.handle?)?.clone();
        let all = h.uses as usize == h.kids.len() + 1 && h.unknowns_at == self.unknowns;
        let stack_classes: Vec<bool> = h
            .kids
            .iter()
            .map(|c| {
                c.class
                    .as_deref()
                    .is_some_and(|n| (c.cdk && n == "Stack") || self.is_stack_class(n))
            })
            .collect();
        if !all || !stack_classes.iter().all(|s| *s) {
            return None;
        }
        let followed = FollowedStage {
            stack_deps: Vec::new(),
            complete: true,
            order_known: !h.crossed,
            handed_on: h
                .kids
                .iter()
                .map(|c| self.construct_uses(c.span) > 0)
                .collect(),
            children: h.kids,
            stack_classes,
            attrs: HashMap::default(),
            dependencies: Vec::new(),
            other_file: None,
            env: None,
        };
        let (stacks, complete, order_known, _) = self.stacks_of(followed);
        Some((stacks, complete, order_known))
    }

    /// `SomeClass(scope, "Id", env=…)`: records the construct, and where its scope is `self`
    /// inside a followed Stage class, keeps it as a child.
    pub(super) fn construct(&mut self, class: Option<String>, a: Args, span: Span, cdk: bool) -> V {
        let id = a.positional.get(1);
        let (id_str, id_span) = match id {
            Some(v) => (v.as_str().map(str::to_string), v.span),
            None => (None, span),
        };
        let env = self.env_arg(&a, 2);
        // A Stage made inside another Stage is named `<outer name>-<id>` by CDK (`stageName`
        // joins the names of the stages above it), which the model does not compute: its
        // name is unknown, never its id.
        let in_stage = match a.positional.first().map(|v| &v.val) {
            Some(Value::SelfRef) => self.children.is_some() || self.stage_host.is_some(),
            Some(Value::Construct(scope)) => scope
                .class
                .as_deref()
                .is_some_and(|n| n == "Stage" || n.ends_with(".Stage") || self.is_stage_class(n)),
            _ => false,
        };
        let own_name = cdk::known_prop_str(&a, "stage_name", 2);
        let scope_is_self = matches!(a.positional.first().map(|v| &v.val), Some(Value::SelfRef));
        let stage_name = match (&self.stage_host, &own_name, &id_str) {
            // Made with `self` by a Stage class running on its own, whose name is known.
            (Some(Some(outer)), super::Known::Value(own, _), _)
            | (Some(Some(outer)), super::Known::Absent, Some(own))
                if in_stage && self.children.is_none() && scope_is_self =>
            {
                super::Known::Value(format!("{outer}-{own}"), id_span)
            }
            _ if in_stage => super::Known::Unknown(id_span),
            _ => own_name.clone(),
        };
        let nested = (in_stage
            && matches!(a.positional.first().map(|v| &v.val), Some(Value::SelfRef)))
        .then_some((own_name, !matches!(env, EnvState::Missing)));
        let given_env = env.clone();
        // Without an env of its own, a construct made in a Stage deploys where that Stage
        // does, which is not carried over here: not known, rather than none.
        let env = match env {
            EnvState::Missing if in_stage => EnvState::Unknown,
            env => env,
        };
        let stack_name = cdk::known_prop_str(&a, "stack_name", 2);
        // Made with the App as its scope: held by the App (a Stage itself, for CDK).
        let owner = matches!(a.positional.first().map(|v| &v.val),
            Some(Value::Call(q, _)) if q == "cdk.App")
        .then_some(Owner::App);
        let a = std::sync::Arc::new(a);
        let c = Construct {
            class: class.clone(),
            id: id_str.clone(),
            id_span,
            env: env.clone(),
            span,
            scope_is_self,
            cdk,
            stage_name,
            stack_name,
            args: Some(a.clone()),
            nested,
            given_env,
            made_in: self.file.map(Path::to_path_buf),
            conditional: self.unsure(),
            owner,
            rebound: false,
            via: None,
            wrapper: None,
            in_wrapper: scope_is_self && self.host_class.is_some(),
            handle: None,
            in_handle: None,
        };
        let c = self.note_handle(c, cdk);
        if self.extension.is_some() {
            self.note_extended_instance(class.as_deref(), span);
        }
        if let Some(name) = &class {
            self.instantiations.push(Instantiation {
                class: name.clone(),
                id: id_str,
                env,
                span,
                extended: Vec::new(),
                args: CallArgs(a),
            });
        }
        if c.scope_is_self {
            if let Some(children) = &mut self.children {
                children.push(c.clone());
            }
        }
        V::new(Value::Construct(Box::new(c)), span)
    }

    /// The `env` of a construct call: a keyword (Python) or a key of the props object at
    /// `props_at` (TypeScript).
    pub(super) fn env_arg(&self, a: &Args, props_at: usize) -> EnvState {
        match a.prop("env", props_at) {
            Prop::Value(v) => cdk::env_of(&v),
            Prop::Absent => EnvState::Missing,
            Prop::Hidden => EnvState::Unknown,
        }
    }

    /// Whether the run is where the model cannot tell whether or how often code runs: under
    /// an `if` it cannot decide, in a loop over values it cannot know, or after a `return`
    /// that may have ended the function.
    pub(super) fn unsure(&self) -> bool {
        self.maybe > 0 || self.unsure_loops > 0 || self.frames.iter().any(|f| f.maybe_returned)
    }

    /// Whether one of the app's classes (found here or through the index), and each of its
    /// base classes up to CDK's, never mentions `props` (`stack_name` / `stackName`), so what
    /// its callers give reaches CDK's class as it is. A class the model cannot find may do
    /// anything with them.
    pub(super) fn leaves_props(&self, name: &str, props: &[&str]) -> bool {
        self.leaves_props_at(name, props, 0)
    }

    fn leaves_props_at(&self, name: &str, props: &[&str], depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        let name = name.rsplit('.').next().unwrap_or(name);
        let (def, module) = match self.classes.get(name) {
            Some(d) => (*d, self.module),
            None => match self.index.class(name) {
                Some((_, d, m)) => (d, m),
                None => return false,
            },
        };
        // A parameter of that name (a method's, or a pattern that takes it apart) may keep
        // the prop from the base class; a use of it may change it.
        let param = def.body.iter().any(|st| match st {
            Stmt::Func(f) => f.params.iter().any(|p| props.iter().any(|n| p.contains(n))),
            _ => false,
        });
        if param || cdk::mentions_any(&def.body, props) {
            return false;
        }
        def.bases.iter().all(|b| {
            let Some(parts) = b.dotted() else {
                return false;
            };
            let from_cdk = module
                .imports
                .iter()
                .find(|i| i.local == parts[0])
                .is_some_and(|i| canonical_module(&i.module).starts_with("cdk"));
            from_cdk || self.leaves_props_at(parts.last().unwrap_or(&""), props, depth + 1)
        })
    }

    /// What a Stage class's base constructor is: CDK's `Stage`, or one of the app's classes
    /// whose constructor this file's run can follow (its name and constructor: a base class
    /// in this file with one, or the first of its own bases with one), or `App(None)` when it
    /// is neither (another file's class, a library's).
    fn stage_base(&self, class: &str) -> StageBase<'a> {
        let mut name = class.to_string();
        for _ in 0..8 {
            let Some(def) = self.classes.get(name.as_str()).copied() else {
                return StageBase::App(None);
            };
            let Some(parts) = def.bases.first().and_then(|b| b.dotted()) else {
                return StageBase::App(None);
            };
            let last = *parts.last().unwrap_or(&"");
            let import = self.module.imports.iter().find(|i| i.local == parts[0]);
            let from_cdk = import.is_some_and(|i| canonical_module(&i.module).starts_with("cdk"));
            // `cdk.Stage`, or `Stage` imported from CDK, is CDK's whatever the file names
            // `Stage` itself; a bare `Stage` imported from nowhere is CDK's unless the file
            // defines one.
            if last == "Stage"
                && (from_cdk || (import.is_none() && !self.classes.contains_key("Stage")))
            {
                return StageBase::Cdk;
            }
            // Never the class itself (`class Stage(Stage)` with another `Stage` imported).
            let Some(base) = self.classes.get(last).copied().filter(|_| last != name) else {
                return StageBase::App(None);
            };
            if let Some(init) = base.constructor() {
                return StageBase::App(Some((base.name.as_str(), init)));
            }
            name = last.to_string();
        }
        StageBase::App(None)
    }

    pub(super) fn is_stage_class(&self, name: &str) -> bool {
        self.class_is(name, "Stage", 0)
    }

    pub(super) fn is_stack_class(&self, name: &str) -> bool {
        self.class_is(name, "Stack", 0)
    }

    /// Whether a class (or one of its ancestors) extends `cdk.<base>`.
    fn class_is(&self, name: &str, base: &str, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        let (def, module) = match self.classes.get(name) {
            Some(d) => (*d, self.module),
            None => match self.index.class(name) {
                Some((_, d, m)) => (d, m),
                None => return false,
            },
        };
        def.bases.iter().any(|b| {
            let Some(parts) = b.dotted() else {
                return false;
            };
            let last = *parts.last().unwrap_or(&"");
            if last == base {
                // `cdk.Stage`, `Stage` imported from aws_cdk, `core.Stage`.
                let first = parts[0];
                let q = module.imports.iter().find(|i| i.local == first);
                return q.is_none_or(|i| canonical_module(&i.module).starts_with("cdk"));
            }
            self.class_is(last, base, depth + 1)
        })
    }

    /// Follows a Stage class's constructor: the constructs it creates with `self` as scope,
    /// the attributes it sets on `self`, and the dependencies it adds between them. It runs
    /// with the arguments the Stage was made with (`props.env.region`, `**kwargs`, a flag an
    /// `if` reads), each value as the caller computed it; without them (`stage` `None`), or
    /// past [`MAX_FOLLOWS_PER_CLASS`] different argument lists of one class, with unknown
    /// arguments. Cached per class and arguments: a pipeline adding the same Stage class a
    /// thousand times the same way follows it once.
    fn follow_stage(&mut self, class: &str, stage: Option<&Construct>) -> Option<FollowedStage> {
        let call = stage.and_then(|c| Some((c.args.as_deref()?, c)));
        let key = match call {
            Some((args, _)) => format!("{class}{}", args.key()),
            None => class.to_string(),
        };
        if let Some(cached) = self.stage_cache.get(&key).cloned() {
            if let (Some(f), Some(stage)) = (&cached, stage) {
                self.take_followed_deps(f, stage);
            }
            return cached;
        }
        let follows = self.stage_follows.entry(class.to_string()).or_default();
        let call = if call.is_some() && *follows >= MAX_FOLLOWS_PER_CLASS {
            return self.follow_stage(class, None);
        } else {
            *follows += 1;
            call
        };
        let followed = self.follow_stage_uncached(class, call);
        self.stage_cache.insert(key, followed.clone());
        if let (Some(f), Some(stage)) = (&followed, stage) {
            self.take_followed_deps(f, stage);
        }
        followed
    }

    /// A run ready to follow one of the app's classes (found here or through the index): its
    /// definition, module and file, and an interpreter one level deeper that knows the
    /// module's names and keeps the constructs made with `self` as scope. `None` when the
    /// class cannot be found, or the run is as deep as it may go.
    fn class_run(
        &self,
        class: &str,
    ) -> Option<(&'a ClassDef, &'a ir::Module, Option<&'a Path>, Interp<'a>)> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        let (def, module, file): (&ClassDef, &ir::Module, Option<&Path>) =
            match self.classes.get(class) {
                Some(d) => (*d, self.module, self.file),
                None => {
                    let (f, d, m) = self.index.class(class)?;
                    (d, m, Some(f))
                }
            };
        let same = std::ptr::eq(module, self.module);
        let defs = same.then(|| (self.classes.clone(), self.funcs.clone()));
        let mut sub = Interp::with_defs(module, file, self.index, defs);
        sub.depth = self.depth + 1;
        sub.level = self.level;
        if same {
            // The same file: its module-level names are already known; while its module-level
            // statements run (a Stage made and added there), those bound so far are in the
            // first frame.
            sub.globals = self.globals.clone();
            if self.in_module_pass {
                if let Some(top) = self.frames.first() {
                    for (k, v) in &top.locals {
                        sub.globals.insert(k.clone(), v.clone());
                    }
                }
            }
        } else {
            sub.module_pass();
        }
        sub.children = Some(Vec::new());
        Some((def, module, file, sub))
    }

    fn follow_stage_uncached(
        &mut self,
        class: &str,
        call: Option<(&Args, &Construct)>,
    ) -> Option<FollowedStage> {
        let (def, module, file, mut sub) = self.class_run(class)?;
        let same_module = std::ptr::eq(module, self.module);
        let (args, preset) = match call {
            Some((args, stage)) => {
                let args = args.as_seen_by_constructor(stage.span, same_module);
                // CDK's Stage sets `stage_name` (`stageName`) before the constructor's body.
                let name = match (&stage.stage_name, &stage.id) {
                    (super::Known::Value(n, _), _) | (super::Known::Absent, Some(n)) => {
                        Some(V::new(Value::Str(n.clone()), stage.id_span))
                    }
                    _ => None,
                };
                let preset = name
                    .map(|n| {
                        vec![
                            ("stage_name".to_string(), n.clone()),
                            ("stageName".to_string(), n),
                        ]
                    })
                    .unwrap_or_default();
                (args, preset)
            }
            None => (Args::open(), Vec::new()),
        };
        sub.following_stage = Some(def.name.clone());
        sub.run_class(def, args, preset);
        // A constructor ran and the model did not see what it gave CDK's `Stage` (cut off by
        // depth, or a base call it does not follow): not known.
        if sub.base_env.is_none() && def.constructor().is_some() {
            sub.base_env = Some(EnvState::Unknown);
        }
        if self.too_deep.is_none() {
            self.too_deep = sub.too_deep;
        }
        let direct_cdk_base = def.bases.iter().any(|b| {
            let Some(parts) = b.dotted() else {
                return false;
            };
            parts.last() == Some(&"Stage")
                && !sub.classes.contains_key("Stage")
                && (module
                    .imports
                    .iter()
                    .find(|i| i.local == parts[0])
                    .is_some_and(|i| canonical_module(&i.module).starts_with("cdk"))
                    // `const cdk = require('aws-cdk-lib')` (CommonJS).
                    || matches!(
                        sub.globals.get(parts[0]).map(|v| &v.val),
                        Some(Value::Qual(q)) if q == "cdk" || q == "cdk.Stage"
                    ))
        });
        let other_file = (file != self.file)
            .then(|| file.map(Path::to_path_buf))
            .flatten();
        let children = sub.children.take().unwrap_or_default();
        let stack_classes: Vec<bool> = children
            .iter()
            .map(|c| {
                c.class.as_deref().is_some_and(|n| {
                    sub.is_stack_class(n)
                        || n == "Stack"
                        || n.ends_with(".Stack")
                        || n.ends_with("Stack")
                })
            })
            .collect();
        // Every construct it made is a stack, every `self` handed out made one of them, and
        // nothing ran that the model does not follow: these are all the stacks.
        let complete = direct_cdk_base
            && !sub.opaque
            && sub.self_uses == children.len()
            && stack_classes.iter().all(|s| *s);
        let order_known = sub.stack_refs.iter().all(|r| r.taken);
        let handed_on = children
            .iter()
            .map(|c| sub.construct_uses(c.span) > 0)
            .collect();
        Some(FollowedStage {
            complete,
            order_known,
            handed_on,
            children,
            stack_classes,
            env: sub.base_env.take().map(|mut e| {
                // Written in the Stage class's file, when that is another one.
                if let (EnvState::Given(env), Some(f)) = (&mut e, &other_file) {
                    env.file = env.file.take().or_else(|| Some(f.clone()));
                }
                e
            }),
            attrs: std::mem::take(&mut sub.self_attrs),
            dependencies: std::mem::take(&mut sub.dependencies),
            stack_deps: std::mem::take(&mut sub.stack_deps)
                .into_iter()
                .map(|mut d| {
                    d.file = d.file.or_else(|| other_file.clone());
                    d
                })
                .collect(),
            other_file,
        })
    }

    /// Follows a Stage class's constructor and returns the stacks it creates, and whether
    /// those are certainly all (see [`FollowedStage::complete`]), and whether the dependencies
    /// between them are (see [`FollowedStage::order_known`]), and the env its constructor
    /// gave CDK's `Stage` (see [`FollowedStage::env`]).
    pub(super) fn stage_stacks(
        &mut self,
        class: &str,
        stage: Option<&Construct>,
    ) -> Option<(Vec<Stack>, bool, bool, Option<EnvState>)> {
        let f = self.follow_stage(class, stage)?;
        Some(self.stacks_of(f))
    }

    /// The stacks a followed Stage made (see [`Interp::stage_stacks`]).
    fn stacks_of(&mut self, f: FollowedStage) -> (Vec<Stack>, bool, bool, Option<EnvState>) {
        let env = f.env.clone();
        let made: Vec<(Construct, bool)> = f
            .children
            .iter()
            .zip(&f.stack_classes)
            .zip(&f.handed_on)
            .filter(|((_, is_stack), _)| **is_stack)
            .map(|((c, _), handed_on)| (c.clone(), *handed_on))
            .collect();
        let stacks = f
            .children
            .into_iter()
            .zip(f.stack_classes)
            .filter(|(_, is_stack)| *is_stack)
            .map(|(c, _)| Stack {
                id_span: c.id_span,
                conditional: c.conditional,
                name_from_props: c.cdk
                    || c.class
                        .as_deref()
                        .is_some_and(|n| self.leaves_props(n, &["stack_name", "stackName"])),
                depends_on: f
                    .dependencies
                    .iter()
                    .filter(|(from, _)| Some(from) == c.id.as_ref())
                    .map(|(_, to)| to.clone())
                    .collect(),
                id: c.id,
                class: c
                    .class
                    .map(|n| n.rsplit('.').next().unwrap_or(&n).to_string()),
                // Made by another file's code (a function of another file of the package).
                file: f
                    .other_file
                    .clone()
                    .or_else(|| c.made_in.clone().filter(|m| Some(m.as_path()) != self.home)),
                span: c.span,
                stack_name: c.stack_name,
                env: c.given_env,
                assets: Vec::new(),
                assets_complete: false,
            })
            .collect();
        let mut stacks: Vec<Stack> = stacks;
        // Nothing in the app brings an asset along: no stack has one (see `mentions_assets`).
        let module = self.module;
        let index = self.index;
        let possible = *self
            .assets_possible
            .get_or_insert_with(|| index.mentions_assets() || cdk::mentions_assets(module));
        for (stack, (c, handed_on)) in stacks.iter_mut().zip(&made) {
            let (assets, complete) = if !possible {
                (Vec::new(), true)
            } else if c.cdk {
                // CDK's own `Stack(…)`: nothing is made in it here.
                (Vec::new(), true)
            } else {
                match &c.class {
                    Some(cl) => self.class_assets(cl, c.args.as_deref(), "", 0),
                    None => (Vec::new(), false),
                }
            };
            stack.assets = assets;
            // Handed on by the Stage (`lambda_.Function(self.svc, …)`): constructs may have been
            // added to it there.
            stack.assets_complete = complete && !handed_on;
        }
        (stacks, f.complete, f.order_known, env)
    }

    /// The assets the constructs of one of the app's construct classes (a Stack, a Construct)
    /// bring, in the order CDK adds them, named by their path below the stack (`prefix` is the
    /// class's own path there, with a trailing `/`), and whether those are all, each named and
    /// identified. The constructor runs with the arguments it was made with; each construct it
    /// makes with `self` as scope is one of CDK's, whose assets `assets.rs` names, or one of the
    /// app's, followed the same way.
    fn class_assets(
        &mut self,
        class: &str,
        args: Option<&Args>,
        prefix: &str,
        depth: usize,
    ) -> (Vec<Asset>, bool) {
        let key = format!("{class}{}{prefix}", args.map(Args::key).unwrap_or_default());
        if let Some(found) = self.asset_cache.get(&key) {
            return found.clone();
        }
        let found = self.class_assets_uncached(class, args, prefix, depth);
        self.asset_cache.insert(key, found.clone());
        found
    }

    fn class_assets_uncached(
        &mut self,
        class: &str,
        args: Option<&Args>,
        prefix: &str,
        depth: usize,
    ) -> (Vec<Asset>, bool) {
        let class = class.rsplit('.').next().unwrap_or(class);
        if depth > MAX_ASSET_DEPTH || self.depth >= MAX_DEPTH {
            return (Vec::new(), false);
        }
        let Some((def, module, file, mut sub)) = self.class_run(class) else {
            return (Vec::new(), false);
        };
        let same_module = std::ptr::eq(module, self.module);
        // Calls made by the module's own code do not count for the class.
        sub.asset_calls.clear();
        sub.container_images.clear();
        let args = match args {
            Some(a) => a.as_seen_by_constructor(def.span, same_module),
            None => Args::open(),
        };
        sub.run_class(def, args, Vec::new());
        // A class that extends one of CDK's own construct classes other than `Construct`,
        // `Stack` and `NestedStack` (`class Api extends lambda.Function`) hands its arguments
        // to code the model does not name the assets of.
        let plain_base = def.bases.iter().all(|b| {
            b.dotted().is_some_and(|parts| match parts.last() {
                Some(&("Construct" | "Stack" | "NestedStack")) => true,
                Some(last) => self.classes.contains_key(last) || self.index.class(last).is_some(),
                None => false,
            })
        });
        let mut complete = !sub.opaque && plain_base && sub.too_deep.is_none();
        let children = sub.children.take().unwrap_or_default();
        let paths = assets::Paths::of(file);
        let mut out: Vec<Asset> = Vec::new();
        let mut used: Vec<usize> = Vec::new();
        let child_spans: Vec<usize> = children.iter().map(|c| c.span.start_byte).collect();
        // A construct made in another scope (a parameter, another construct) is somewhere
        // the model does not place: if it may bring assets, they are not all known.
        for inst in &sub.instantiations {
            if child_spans.contains(&inst.span.start_byte) {
                continue;
            }
            let last = inst.class.rsplit('.').next().unwrap_or(&inst.class);
            if cdk::ASSET_NAMES.contains(&last)
                || self.classes.contains_key(last)
                || self.index.class(last).is_some()
            {
                complete = false;
            }
        }
        for c in &children {
            let Some(cl) = c.class.as_deref() else {
                complete = false;
                continue;
            };
            let cl = cl.rsplit('.').next().unwrap_or(cl);
            let path = c.id.as_deref().map(|id| format!("{prefix}{id}"));
            let empty = Args::default();
            let a = c.args.as_deref().unwrap_or(&empty);
            if c.cdk {
                match assets::cdk_construct(cl, a, path.as_deref(), &paths) {
                    Some((found, spans)) => {
                        out.extend(found);
                        used.extend(spans);
                    }
                    None => complete = false,
                }
                continue;
            }
            // One of the app's classes.
            let nested = sub.class_is(cl, "NestedStack", 0);
            let inner_prefix = match (&path, nested) {
                // A nested stack's assets are named below it, and go to its parent's manifest
                // after the parent's own, with its template (a file asset).
                (_, true) => String::new(),
                (Some(p), false) => format!("{p}/"),
                (None, false) => {
                    complete = false;
                    continue;
                }
            };
            let (found, ok) = sub.class_assets(cl, Some(a), &inner_prefix, depth + 1);
            complete &= ok;
            if nested {
                out.extend(found.into_iter().map(|mut x| {
                    if matches!(x.name, AssetName::UnderStackPath(_)) {
                        x.name = AssetName::Unknown;
                    }
                    x
                }));
                out.push(Asset {
                    kind: AssetKind::File,
                    name: AssetName::Unknown,
                    key: None,
                    span: c.span,
                });
            } else {
                out.extend(found);
            }
        }
        for (task, id, image) in std::mem::take(&mut sub.container_images) {
            let path = task.zip(id).map(|(t, i)| format!("{prefix}{t}/{i}"));
            match assets::container_image(&image, path, &paths) {
                Some((asset, span)) => {
                    out.push(asset);
                    used.push(span);
                }
                None => {
                    if !matches!(image.val, Value::Call(..)) {
                        complete = false;
                    }
                }
            }
        }
        if sub.asset_calls.iter().any(|s| !used.contains(s)) {
            complete = false;
        }
        if self.too_deep.is_none() {
            self.too_deep = sub.too_deep;
        }
        // CDK's manifest lists the files, then the images, each in the order they were added.
        out.sort_by_key(|a| a.kind != AssetKind::File);
        (out, complete)
    }
}

/// How deep construct classes are followed inside a stack for their assets.
const MAX_ASSET_DEPTH: usize = 8;

/// A construct kept by a Stage class, as the code around an instance of it sees it: a Stage
/// made inside it is named `<outer>-<own>` (CDK's `stageName`), and without an env of its own
/// it has the outer Stage's.
fn nested_in(inner: &Construct, outer: &Construct) -> Construct {
    let mut c = inner.clone();
    let Some((own, env_given)) = &inner.nested else {
        return c;
    };
    let outer_name = match &outer.stage_name {
        super::Known::Value(n, _) => Some(n.clone()),
        super::Known::Absent => outer.id.clone(),
        super::Known::Unknown(_) => None,
    };
    let own = match own {
        super::Known::Value(n, _) => Some(n.clone()),
        super::Known::Absent => inner.id.clone(),
        super::Known::Unknown(_) => None,
    };
    if let (Some(o), Some(n)) = (outer_name, own) {
        c.stage_name = super::Known::Value(format!("{o}-{n}"), inner.id_span);
    }
    if !env_given {
        c.env = outer.env.clone();
    }
    c
}

/// A Stage's construct path, when known: its id, for a Stage made with the App as its scope.
fn stage_path(stage: &Construct) -> Option<String> {
    match (&stage.owner, &stage.nested) {
        (Some(Owner::App), None) => stage.id.clone(),
        _ => None,
    }
}

/// A value as a name bound where the model cannot tell whether the binding runs holds it:
/// what holds its constructs (or their stacks) is not certain. (No value nests deeper than
/// [`ir::MAX_NESTING`]: see [`V::depth`].)
fn rebound(mut v: V) -> V {
    fn go(v: &mut V) {
        match &mut v.val {
            Value::Construct(c) => {
                c.owner = None;
                c.rebound = true;
            }
            Value::List(items) => items.iter_mut().for_each(go),
            Value::Dict(entries) => entries.iter_mut().for_each(|(_, i)| go(i)),
            _ => {}
        }
    }
    go(&mut v);
    v
}

/// How many different argument lists one Stage class is followed with; past it, with unknown
/// arguments (a generated file adding a Stage class ten thousand ways stays fast).
const MAX_FOLLOWS_PER_CLASS: usize = 64;

/// A caller's value as a constructor followed in another run sees it: `self`, the caller's
/// pipelines, waves and functions, and constructs made with the caller's `self` as scope mean
/// other things there (unknown; the construct without that scope).
fn foreign(v: &V, same_module: bool) -> V {
    match &v.val {
        Value::SelfRef
        | Value::Pipeline(_)
        | Value::Wave(..)
        | Value::StageDeployment(..)
        | Value::Method(..) => V::unknown(v.span),
        Value::Func(_) if !same_module => V::unknown(v.span),
        Value::Construct(c) => {
            let mut c = (**c).clone();
            c.scope_is_self = false;
            V::new(Value::Construct(Box::new(c)), v.span)
        }
        Value::List(items) => V::new(
            Value::List(items.iter().map(|i| foreign(i, same_module)).collect()),
            v.span,
        ),
        Value::Dict(entries) => V::new(
            Value::Dict(
                entries
                    .iter()
                    .map(|(k, i)| (k.clone(), foreign(i, same_module)))
                    .collect(),
            ),
            v.span,
        ),
        _ => v.clone(),
    }
}

/// The names of the classes a block makes with `self` as scope (`Delivery(self, "D")`),
/// in any statement or expression of it, its methods' bodies included.
fn made_with_self(body: &[Stmt], out: &mut std::collections::HashSet<String>) {
    each_call(body, &mut |func, args| {
        if let (ExprKind::Name(n), Some(Arg::Positional(first))) = (&func.kind, args.first()) {
            if matches!(first.kind, ExprKind::This) {
                out.insert(n.clone());
            }
        }
    });
}

/// Whether a block adds a stage or a wave (`….add_stage(…)`, `addWave`, …), as written.
pub fn adds_stages(body: &[Stmt]) -> bool {
    let mut found = false;
    each_call(body, &mut |func, _| {
        if let ExprKind::Attr(_, n, _) = &func.kind {
            found |= matches!(
                ir::snake_case(n).as_str(),
                "add_stage" | "add_wave" | "add_application_stage"
            );
        }
    });
    found
}

/// The methods a block calls on `self` (`self._attach(stage)`).
fn self_calls(body: &[Stmt]) -> Vec<String> {
    let mut out = Vec::new();
    each_call(body, &mut |func, _| {
        if let ExprKind::Attr(obj, m, _) = &func.kind {
            if matches!(obj.kind, ExprKind::This) && !out.contains(m) {
                out.push(m.clone());
            }
        }
    });
    out
}

/// The methods (other than the constructor) of a module's classes that add stages or waves,
/// themselves or through other methods of their class (see [`adds_stages`]).
pub fn stage_adding_methods(module: &ir::Module) -> Vec<String> {
    let mut out = Vec::new();
    for stmt in &module.body {
        let Stmt::Class(c) = stmt else { continue };
        let methods: Vec<&FuncDef> = c
            .body
            .iter()
            .filter_map(|s| match s {
                Stmt::Func(f) if !f.constructor => Some(f),
                _ => None,
            })
            .collect();
        let mut adding: Vec<&str> = methods
            .iter()
            .filter(|f| adds_stages(&f.body))
            .map(|f| f.name.as_str())
            .collect();
        // Through each other, until nothing changes (at most one pass per method).
        for _ in 0..methods.len() {
            let more: Vec<&str> = methods
                .iter()
                .filter(|f| !adding.contains(&f.name.as_str()))
                .filter(|f| {
                    self_calls(&f.body)
                        .iter()
                        .any(|m| adding.contains(&m.as_str()))
                })
                .map(|f| f.name.as_str())
                .collect();
            if more.is_empty() {
                break;
            }
            adding.extend(more);
        }
        out.extend(adding.into_iter().map(str::to_string));
    }
    out
}

/// Whether a block makes a CDK Pipelines pipeline (`pipelines.CodePipeline(…)`), as written.
fn makes_pipeline(body: &[Stmt]) -> bool {
    let mut found = false;
    each_call(body, &mut |func, _| {
        let last = match &func.kind {
            ExprKind::Name(n) => Some(n.as_str()),
            ExprKind::Attr(_, n, _) => Some(n.as_str()),
            _ => None,
        };
        found |= matches!(last, Some("CodePipeline" | "CdkPipeline"));
    });
    found
}

/// Calls `f` with the callee and arguments of every call in a block (see [`ir::any_expr`]).
fn each_call(body: &[Stmt], f: &mut dyn FnMut(&ir::Expr, &[Arg])) {
    ir::any_expr(body, &mut |e| {
        if let ExprKind::Call { func, args } = &e.kind {
            f(func, args);
        }
        false
    });
}

/// Where a statement starts, for a note (a block: its first statement's).
/// An imported value as this file sees it: constants re-spanned to the import (where they
/// enter this file: a rule that flags one points there), an env kept with the file it is
/// written in, a class by name; `None` for anything the model does not carry across files.
fn importable(v: V, at: Span, file: &Path) -> Option<V> {
    match v.val {
        Value::Str(_) | Value::Num(_) | Value::Bool(_) | Value::Null => Some(V::new(v.val, at)),
        Value::List(items) => Some(V::new(
            Value::List(
                items
                    .into_iter()
                    .map(|i| importable(i, at, file).unwrap_or(V::unknown(at)))
                    .collect(),
            ),
            at,
        )),
        Value::Dict(entries) => Some(V::new(
            Value::Dict(
                entries
                    .into_iter()
                    .map(|(k, i)| (k, importable(i, at, file).unwrap_or(V::unknown(at))))
                    .collect(),
            ),
            at,
        )),
        Value::Env(mut e) => {
            if let EnvState::Given(env) = e.as_mut() {
                if env.file.is_none() {
                    env.file = Some(file.to_path_buf());
                }
            }
            Some(V::new(Value::Env(e), at))
        }
        Value::Class(c) => Some(V::new(Value::Class(c), at)),
        // A function of that file, called from here as a function of its arguments.
        Value::Func(name) => Some(V::new(
            Value::AppFunc(Box::new((file.to_path_buf(), name))),
            at,
        )),
        Value::AppFunc(f) => Some(V::new(Value::AppFunc(f), at)),
        _ => None,
    }
}

/// What a function of another file returned (see [`Interp::call_elsewhere`]), as the call
/// here gives it: values the model carries across files, each written where the call is (an
/// env made there of this file's arguments and that file's constants has no one place to
/// point at but the call); anything else unknown.
fn returned_elsewhere(v: V, at: Span) -> V {
    match v.val {
        Value::Str(_) | Value::Num(_) | Value::Bool(_) | Value::Null => V::new(v.val, at),
        Value::List(items) => V::new(
            Value::List(
                items
                    .into_iter()
                    .map(|i| returned_elsewhere(i, at))
                    .collect(),
            ),
            at,
        ),
        Value::Dict(entries) => V::new(
            Value::Dict(
                entries
                    .into_iter()
                    .map(|(k, i)| (k, returned_elsewhere(i, at)))
                    .collect(),
            ),
            at,
        ),
        Value::Env(mut e) => {
            if let EnvState::Given(env) = e.as_mut() {
                env.span = at;
                env.file = None;
                for known in [&mut env.account, &mut env.region] {
                    if let super::Known::Value(_, s) | super::Known::Unknown(s) = known {
                        *s = at;
                    }
                }
            }
            V::new(Value::Env(e), at)
        }
        Value::Class(c) => V::new(Value::Class(c), at),
        Value::Qual(q) if !q.starts_with("ext:") => V::new(Value::Qual(q), at),
        _ => V::unknown(at),
    }
}

/// The places (start and end byte) of every value `v` is made of.
fn spans_in(v: &V, out: &mut std::collections::HashSet<(usize, usize)>) {
    out.insert((v.span.start_byte, v.span.end_byte));
    match &v.val {
        Value::List(items) => items.iter().for_each(|i| spans_in(i, out)),
        Value::Dict(entries) => entries.iter().for_each(|(_, i)| spans_in(i, out)),
        Value::Env(e) => {
            if let EnvState::Given(env) = e.as_ref() {
                out.insert((env.span.start_byte, env.span.end_byte));
            }
        }
        Value::Construct(c) => {
            for e in [&c.env, &c.given_env] {
                if let EnvState::Given(env) = e {
                    out.insert((env.span.start_byte, env.span.end_byte));
                }
            }
        }
        _ => {}
    }
}

/// Calls `f` with each env of `v` (its own, a construct's, in a list or an object).
fn each_env(v: &mut V, f: &mut impl FnMut(&mut EnvState)) {
    match &mut v.val {
        Value::Env(e) => f(e),
        Value::Construct(c) => {
            f(&mut c.env);
            f(&mut c.given_env);
        }
        Value::List(items) => items.iter_mut().for_each(|i| each_env(i, f)),
        Value::Dict(entries) => entries.iter_mut().for_each(|(_, i)| each_env(i, f)),
        _ => {}
    }
}

/// Whether a value may be handed to a function of another file run on its own (see
/// [`Interp::call_elsewhere`]): a constant, an env, a class or a library name, or lists and
/// objects of them. Not a construct, `self`, a pipeline or a step: what that function did
/// with one would be lost to this run.
fn plain(v: &V) -> bool {
    match &v.val {
        Value::Unknown
        | Value::Null
        | Value::Str(_)
        | Value::Num(_)
        | Value::Bool(_)
        | Value::Env(_)
        | Value::Class(_)
        | Value::Qual(_)
        | Value::AppFunc(_) => true,
        Value::List(items) => items.iter().all(plain),
        Value::Dict(entries) => entries.iter().all(|(_, v)| plain(v)),
        _ => false,
    }
}

/// An object's entries with each key once, where it first appears, with its last value (what
/// `{ ...a, k: v }` and `dict(**a, k=v)` build).
fn last_wins(entries: Vec<(String, V)>) -> Vec<(String, V)> {
    let mut at: HashMap<String, usize> =
        HashMap::with_capacity_and_hasher(entries.len(), Default::default());
    let mut out: Vec<(String, V)> = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        match at.get(&k) {
            Some(&i) => out[i].1 = v,
            None => {
                at.insert(k.clone(), out.len());
                out.push((k, v));
            }
        }
    }
    out
}

/// `d.items()` / `d.keys()` / `d.values()` of a known dict, as a list.
fn dict_view(d: &V, view: &str, span: Span) -> Option<V> {
    let Value::Dict(entries) = &d.val else {
        return None;
    };
    let items = entries.iter().map(|(k, v)| {
        let key = || V::new(Value::Str(k.clone()), v.span);
        match view {
            "items" => Some(V::new(Value::List(vec![key(), v.clone()]), v.span)),
            "keys" => Some(key()),
            "values" => Some(v.clone()),
            _ => None,
        }
    });
    Some(V::new(Value::List(items.collect::<Option<_>>()?), span))
}

/// Whether a value counts as true in a condition, when the model knows (the same in Python
/// and JavaScript for what it answers).
fn truthy(v: &V) -> Option<bool> {
    match &v.val {
        Value::Bool(b) => Some(*b),
        Value::Null => Some(false),
        Value::Str(s) => Some(!s.is_empty()),
        Value::Num(n) => n.parse::<f64>().ok().map(|x| x != 0.0),
        // An empty list or object is false in Python and true in JavaScript.
        Value::List(items) => (!items.is_empty()).then_some(true),
        Value::Dict(entries) => (!entries.is_empty()).then_some(true),
        Value::Construct(_)
        | Value::Step(_)
        | Value::Source(_)
        | Value::StackSteps(_)
        | Value::Pipeline(_)
        | Value::Wave(..)
        | Value::StageDeployment(..)
        | Value::Env(_)
        | Value::Class(_)
        | Value::Func(_)
        | Value::AppFunc(_) => Some(true),
        Value::Unknown | Value::Qual(_) | Value::SelfRef | Value::Method(..) | Value::Call(..) => {
            None
        }
    }
}

/// The items of a list of strings joined with `sep`; `None` when one is not a known string.
fn join_strs(items: &[V], sep: &str) -> Option<String> {
    let parts: Option<Vec<&str>> = items.iter().map(V::as_str).collect();
    Some(parts?.join(sep))
}

/// The string methods names are made with (`region.split("-")`, `part.title()`,
/// `"".join(parts)`, `p.charAt(0).toUpperCase() + p.slice(1)`), by snake_case name; `None`
/// for any other method or argument the model does not know.
fn str_method(s: &str, method: &str, a: &Args, js: bool, span: Span) -> Option<V> {
    let arg = |i: usize| a.positional.get(i);
    let arg_str = |i: usize| arg(i).and_then(V::as_str);
    let arg_int = |i: usize| -> Option<i64> {
        match &arg(i)?.val {
            Value::Num(n) => n.parse().ok(),
            _ => None,
        }
    };
    let chars: Vec<char> = s.chars().collect();
    // A JavaScript index: negative counts from the end (slice), clamped to the string.
    let index = |i: i64, negative_from_end: bool| -> usize {
        let len = chars.len() as i64;
        let i = if i < 0 && negative_from_end {
            len + i
        } else {
            i
        };
        i.clamp(0, len) as usize
    };
    let string = |t: String| Some(V::new(Value::Str(t), span));
    match method {
        "upper" | "to_upper_case" | "to_upper" | "to_upper_invariant" => string(s.to_uppercase()),
        "lower" | "to_lower_case" | "to_lower" | "to_lower_invariant" => string(s.to_lowercase()),
        "strip" | "trim" => string(s.trim().to_string()),
        "capitalize" => {
            let mut out: String = chars
                .first()
                .map(|c| c.to_uppercase().collect())
                .unwrap_or_default();
            out.push_str(&chars.iter().skip(1).collect::<String>().to_lowercase());
            string(out)
        }
        "title" => {
            let mut out = String::new();
            let mut after_letter = false;
            for c in &chars {
                if c.is_alphabetic() {
                    if after_letter {
                        out.extend(c.to_lowercase());
                    } else {
                        out.extend(c.to_uppercase());
                    }
                    after_letter = true;
                } else {
                    out.push(*c);
                    after_letter = false;
                }
            }
            string(out)
        }
        "split" => {
            let parts: Vec<String> = match (arg(0), js) {
                (None, false) => s.split_whitespace().map(str::to_string).collect(),
                (None, true) => vec![s.to_string()],
                (Some(_), _) => {
                    let sep = arg_str(0)?;
                    if sep.is_empty() {
                        return None;
                    }
                    s.split(sep).map(str::to_string).collect()
                }
            };
            Some(V::new(
                Value::List(
                    parts
                        .into_iter()
                        .map(|p| V::new(Value::Str(p), span))
                        .collect(),
                ),
                span,
            ))
        }
        "replace" | "replace_all" => {
            let (from, to) = (arg_str(0)?, arg_str(1)?);
            if from.is_empty() || arg(2).is_some() {
                return None;
            }
            // JavaScript's `replace` with a string replaces the first only.
            if js && method == "replace" {
                string(s.replacen(from, to, 1))
            } else {
                string(s.replace(from, to))
            }
        }
        "join" if !js => match &arg(0)?.val {
            Value::List(items) => string(join_strs(items, s)?),
            _ => None,
        },
        "char_at" => {
            let i = arg_int(0).unwrap_or(0);
            let c = if i < 0 { None } else { chars.get(i as usize) };
            string(c.map(|c| c.to_string()).unwrap_or_default())
        }
        "slice" | "substring" => {
            let neg = method == "slice";
            let start = index(arg_int(0).unwrap_or(0), neg);
            let end = match arg(1) {
                Some(_) => index(arg_int(1)?, neg),
                None => chars.len(),
            };
            let (start, end) = if !neg && start > end {
                (end, start)
            } else {
                (start, end)
            };
            string(chars[start.min(end)..end].iter().collect())
        }
        "startswith" | "starts_with" => Some(V::new(Value::Bool(s.starts_with(arg_str(0)?)), span)),
        "endswith" | "ends_with" => Some(V::new(Value::Bool(s.ends_with(arg_str(0)?)), span)),
        "includes" => Some(V::new(Value::Bool(s.contains(arg_str(0)?)), span)),
        "to_string" | "value_of" => string(s.to_string()),
        _ => None,
    }
}

/// `a == b` of two values the model knows, when both are strings, numbers, booleans or null.
fn scalar_eq(a: &V, b: &V) -> Option<bool> {
    match (&a.val, &b.val) {
        (Value::Str(x), Value::Str(y)) => Some(x == y),
        (Value::Num(x), Value::Num(y)) => Some(x.parse::<f64>().ok()? == y.parse::<f64>().ok()?),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Null, Value::Null) => Some(true),
        (Value::Null, Value::Str(_) | Value::Num(_) | Value::Bool(_))
        | (Value::Str(_) | Value::Num(_) | Value::Bool(_), Value::Null) => Some(false),
        _ => None,
    }
}

/// Every name a binding target binds.
fn target_names<'t>(t: &'t Target, out: &mut Vec<&'t str>) {
    match t {
        Target::Name(n, _) => out.push(n),
        Target::Tuple(ts) => ts.iter().for_each(|t| target_names(t, out)),
        Target::Object(fields) => fields.iter().for_each(|(_, t)| target_names(t, out)),
        Target::SelfAttr(..) | Target::Item { .. } | Target::Other => {}
    }
}

fn stmt_span(mut stmt: &Stmt) -> Option<Span> {
    loop {
        return match stmt {
            Stmt::Expr(e)
            | Stmt::Assign { value: e, .. }
            | Stmt::For { iter: e, .. }
            | Stmt::If { cond: e, .. }
            | Stmt::Return(Some(e)) => Some(e.span),
            Stmt::Return(None) => None,
            Stmt::Class(c) => Some(c.span),
            Stmt::Func(f) => Some(f.span),
            Stmt::Block(inner) => {
                stmt = inner.first()?;
                continue;
            }
        };
    }
}

/// An attribute of a Stage's stack read while its constructor runs (see
/// [`Interp::stack_refs`]).
struct StackRef {
    stack: Option<String>,
    attr: String,
    taken: bool,
}

/// How much of a pipeline there was before a call (see [`Interp::place_added`]): per stage
/// its pre, post and stack steps, per wave its pre and post, and the calls it keeps.
struct PipelineMark {
    stages: Vec<(usize, usize, usize)>,
    waves: Vec<(usize, usize)>,
    builds: usize,
    adds_after_build: usize,
    wave_stages_after_build: usize,
}

impl PipelineMark {
    fn of(p: &super::Pipeline) -> PipelineMark {
        PipelineMark {
            stages: p
                .stages
                .iter()
                .map(|s| (s.pre.len(), s.post.len(), s.stack_steps.len()))
                .collect(),
            waves: p
                .waves
                .iter()
                .map(|w| (w.pre.len(), w.post.len()))
                .collect(),
            builds: p.builds.len(),
            adds_after_build: p.adds_after_build.len(),
            wave_stages_after_build: p.wave_stages_after_build.len(),
        }
    }
}

/// A step written in another file, placed at `at` in this one (see [`Interp::place_added`]).
fn place_step(s: &mut super::Step, at: Span) {
    s.span = at;
    s.id_span = at;
    for src in s.input.iter_mut().chain(s.additional_inputs.iter_mut()) {
        src.span = at;
        src.repo_span = at;
    }
    for (_, span) in &mut s.additional_input_dirs {
        *span = at;
    }
    match &mut s.project {
        super::Known::Value(o, span) => {
            *span = at;
            for k in [&mut o.file_system_locations, &mut o.vpc, &mut o.privileged] {
                place_known(k, at);
            }
        }
        super::Known::Unknown(span) => *span = at,
        super::Known::Absent => {}
    }
}

fn place_known<T>(k: &mut super::Known<T>, at: Span) {
    if let super::Known::Value(_, span) | super::Known::Unknown(span) = k {
        *span = at;
    }
}

fn place_stack_steps(ss: &mut super::StackSteps, at: Span) {
    for s in ss
        .pre
        .iter_mut()
        .chain(ss.change_set.iter_mut())
        .chain(ss.post.iter_mut())
    {
        place_step(s, at);
    }
}

/// See [`Interp::stage_base`].
enum StageBase<'a> {
    Cdk,
    App(Option<(&'a str, &'a FuncDef)>),
}

/// What following a Stage class's constructor found.
#[derive(Clone)]
struct FollowedStage {
    /// The dependencies its constructor added between stacks whose holders are known (its
    /// own stacks held by [`super::Holder::Own`]).
    stack_deps: Vec<super::StackDependency>,
    /// The class extends CDK's `Stage` directly, and its constructor made only stacks, each
    /// through a call the model followed, and ran nothing the model does not follow.
    complete: bool,
    /// Every cross-stack reference went into a stack made with it, so the dependencies
    /// between the stacks are all known.
    order_known: bool,
    children: Vec<Construct>,
    /// For each child: whether it is a stack.
    stack_classes: Vec<bool>,
    /// For each child: whether the constructor handed it to a call after making it (as a
    /// scope, so constructs may have been added to it there).
    handed_on: Vec<bool>,
    attrs: HashMap<String, V>,
    dependencies: Vec<(String, String)>,
    other_file: Option<PathBuf>,
    /// What the class's constructor (or a base class's of the app's it ran) gave CDK's
    /// `Stage`: the Stage's env (`super().__init__(scope, id, env=PROD)` makes a Stage in
    /// PROD whatever its maker passed); unknown when a constructor ran and the model did not
    /// see that call; `None` when no constructor ran.
    env: Option<EnvState>,
}

/// Evaluated call arguments.
#[derive(Default, Debug, Clone)]
pub(super) struct Args {
    pub positional: Vec<V>,
    pub keywords: Vec<(String, V)>,
    /// `*args` / `**kwargs` / `...rest` hide arguments.
    pub spread: bool,
    /// No call is known (a constructor followed on its own): what `**kwargs` and `*args`
    /// collect is unknown; a parameter not given takes its default.
    pub open: bool,
}

impl Args {
    /// Whether `f` holds for every argument, positional or keyword.
    pub(super) fn all(&self, f: impl Fn(&V) -> bool) -> bool {
        self.positional
            .iter()
            .chain(self.keywords.iter().map(|(_, v)| v))
            .all(f)
    }

    /// The arguments after the scope, as a fingerprint: `("Prod",env={…},)`.
    pub(super) fn key(&self) -> String {
        let mut key = String::from("(");
        for v in self.positional.iter().skip(1) {
            key.push_str(&super::value::fingerprint(v));
            key.push(',');
        }
        for (k, v) in &self.keywords {
            key.push_str(k);
            key.push('=');
            key.push_str(&super::value::fingerprint(v));
            key.push(',');
        }
        key.push_str(if self.spread { "…)" } else { ")" });
        key
    }

    /// The caller's values as a constructor followed in another run sees them: the scope
    /// unknown (at `scope_span`), and what names the caller's own `self`, its pipelines or its
    /// functions means nothing there (see [`foreign`]).
    fn as_seen_by_constructor(&self, scope_span: Span, same_module: bool) -> Args {
        Args {
            positional: std::iter::once(V::unknown(scope_span))
                .chain(
                    self.positional
                        .iter()
                        .skip(1)
                        .map(|v| foreign(v, same_module)),
                )
                .collect(),
            keywords: self
                .keywords
                .iter()
                .map(|(k, v)| (k.clone(), foreign(v, same_module)))
                .collect(),
            spread: self.spread,
            open: false,
        }
    }

    /// The arguments of a call that is not known.
    fn open() -> Args {
        Args {
            open: true,
            ..Args::default()
        }
    }
}

pub(super) enum Prop {
    Value(V),
    Absent,
    /// Could be set through something the model cannot see.
    Hidden,
}

impl Args {
    /// A prop given as a keyword argument (Python), or as a key of the props object at
    /// positional index `props_at` (TypeScript), matched by canonical name.
    pub fn prop(&self, canonical: &str, props_at: usize) -> Prop {
        if let Some((_, v)) = self
            .keywords
            .iter()
            .find(|(k, _)| ir::is_snake_case_of(k, canonical))
        {
            return Prop::Value(v.clone());
        }
        match self.positional.get(props_at).map(|v| &v.val) {
            Some(Value::Dict(entries)) => {
                match entries
                    .iter()
                    .find(|(k, _)| ir::is_snake_case_of(k, canonical))
                {
                    Some((_, v)) => Prop::Value(v.clone()),
                    None if self.spread => Prop::Hidden,
                    None => Prop::Absent,
                }
            }
            Some(Value::Null) | None if !self.spread => Prop::Absent,
            _ => Prop::Hidden,
        }
    }

    pub fn prop_value(&self, canonical: &str, props_at: usize) -> Option<V> {
        match self.prop(canonical, props_at) {
            Prop::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Every prop given, by canonical name, sorted by name: keywords (Python) and the keys of
    /// the props object at `props_at` (TypeScript). Props the model cannot see are one entry
    /// named `…` (an unknown props object or a spread).
    pub fn props_list(&self, props_at: usize) -> Vec<(String, V)> {
        let mut out: Vec<(String, V)> = self
            .keywords
            .iter()
            .map(|(k, v)| (ir::snake_case(k), v.clone()))
            .collect();
        match self.positional.get(props_at) {
            Some(V {
                val: Value::Dict(entries),
                ..
            }) => out.extend(entries.iter().map(|(k, v)| (ir::snake_case(k), v.clone()))),
            Some(V {
                val: Value::Null, ..
            })
            | None => {}
            Some(other) => out.push(("…".into(), other.clone())),
        }
        if self.spread {
            out.push(("…".into(), V::unknown(Span::default())));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Whether the props may hold keys the model cannot see.
    pub fn props_open(&self, props_at: usize) -> bool {
        self.spread
            || !matches!(
                self.positional.get(props_at).map(|v| &v.val),
                None | Some(Value::Dict(_)) | Some(Value::Null)
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> V {
        V::new(Value::Str(v.to_string()), Span::default())
    }

    fn n(v: i64) -> V {
        V::new(Value::Num(v.to_string()), Span::default())
    }

    fn call(text: &str, method: &str, args: Vec<V>, js: bool) -> Option<String> {
        let a = Args {
            positional: args,
            ..Args::default()
        };
        let v = str_method(text, method, &a, js, Span::default())?;
        Some(match v.val {
            Value::Str(t) => t,
            Value::Bool(b) => b.to_string(),
            Value::List(items) => items
                .iter()
                .map(|i| i.as_str().unwrap_or("?").to_string())
                .collect::<Vec<_>>()
                .join("|"),
            _ => "?".into(),
        })
    }

    /// The string methods stage and stack names are made with, as each language defines them.
    #[test]
    fn string_methods_follow_each_languages_rules() {
        let c = |t, m, a, js| call(t, m, a, js);
        assert_eq!(
            c("us-east-1", "split", vec![s("-")], false).as_deref(),
            Some("us|east|1")
        );
        assert_eq!(
            c("a b  c", "split", vec![], false).as_deref(),
            Some("a|b|c")
        );
        assert_eq!(c("a b", "split", vec![], true).as_deref(), Some("a b"));
        assert_eq!(
            c("us-east_1x", "title", vec![], false).as_deref(),
            Some("Us-East_1X")
        );
        assert_eq!(
            c("eAST", "capitalize", vec![], false).as_deref(),
            Some("East")
        );
        assert_eq!(c("east", "char_at", vec![n(0)], true).as_deref(), Some("e"));
        assert_eq!(c("east", "char_at", vec![n(9)], true).as_deref(), Some(""));
        assert_eq!(c("east", "slice", vec![n(1)], true).as_deref(), Some("ast"));
        assert_eq!(c("east", "slice", vec![n(-2)], true).as_deref(), Some("st"));
        assert_eq!(
            c("east", "substring", vec![n(3), n(1)], true).as_deref(),
            Some("as")
        );
        // JavaScript's `replace` with a string replaces the first only; Python's every one.
        assert_eq!(
            c("a-b-c", "replace", vec![s("-"), s("")], true).as_deref(),
            Some("ab-c")
        );
        assert_eq!(
            c("a-b-c", "replace", vec![s("-"), s("")], false).as_deref(),
            Some("abc")
        );
        assert_eq!(
            c("a-b-c", "replace_all", vec![s("-"), s("")], true).as_deref(),
            Some("abc")
        );
        assert_eq!(
            c(
                "",
                "join",
                vec![V::new(
                    Value::List(vec![s("Us"), s("East")]),
                    Span::default()
                )],
                false
            )
            .as_deref(),
            Some("UsEast")
        );
        // A separator or an item that is not known: not known.
        assert_eq!(
            c("x", "split", vec![V::unknown(Span::default())], false),
            None
        );
        assert_eq!(
            c(
                "",
                "join",
                vec![V::new(
                    Value::List(vec![s("a"), V::unknown(Span::default())]),
                    Span::default()
                )],
                false
            ),
            None
        );
        assert_eq!(c("x", "format", vec![], false), None);
    }
}
