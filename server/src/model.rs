//! The language-neutral pipeline model: what a file's CDK Pipelines code declares — pipelines,
//! their props, sources, synth step, waves and stages with their `{account, region}` — each
//! with its source span. Built by following the lowered [`ir`](crate::lang::ir) of a file (and
//! the app's other files through the workspace [`Index`](crate::workspace::Index)).
//! Anything that cannot be resolved statically is [`Known::Unknown`], never a guess.

mod assets;
mod build;
pub mod catalog;
mod cdk;
pub mod json;
mod value;

use std::path::PathBuf;

pub use crate::lang::ir::Span;
pub use build::{
    base_names, build, build_unless, classes_made_with_self, extensions, instantiations,
    stage_adding_methods, AppIndex, Instantiation, NoIndex, MAX_PARTS,
};
pub use cdk::{mentions_assets, MAX_MODEL_STAGES};
pub(crate) use value::canonical_module;

/// A property or value as the code gives it.
#[derive(Clone, Debug, PartialEq)]
pub enum Known<T> {
    /// The code does not set it.
    Absent,
    /// Set to a value the model could resolve; the span is where that value is written.
    Value(T, Span),
    /// Set, but to something only known at run time (an env var, a function call, …).
    Unknown(Span),
}

impl<T> Known<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Known::Value(v, _) => Some(v),
            _ => None,
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            Known::Value(_, s) | Known::Unknown(s) => Some(*s),
            Known::Absent => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Known::Absent)
    }
}

impl Known<bool> {
    /// The effective value, with CDK's default when the code does not set it; `None` when the
    /// code sets it to something unknown.
    pub fn or_default(&self, default: bool) -> Option<bool> {
        match self {
            Known::Absent => Some(default),
            Known::Value(v, _) => Some(*v),
            Known::Unknown(_) => None,
        }
    }
}

/// The `{account, region}` a stack or stage deploys to.
#[derive(Clone, Debug, PartialEq)]
pub struct Env {
    pub account: Known<String>,
    pub region: Known<String>,
    /// Where the env is given (the `Environment(...)` call or the object literal).
    pub span: Span,
    /// The file the env is written in, when it is not the pipeline's file (the app entry point).
    pub file: Option<PathBuf>,
}

#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // most envs are given; boxing would cost every one
pub enum EnvState {
    /// No env given: the stacks are environment-agnostic.
    Missing,
    Given(Env),
    /// Given through something the model cannot follow (`**kwargs`, a props object, …).
    Unknown,
}

impl EnvState {
    pub fn env(&self) -> Option<&Env> {
        match self {
            EnvState::Given(e) => Some(e),
            _ => None,
        }
    }
    pub fn account(&self) -> Option<&str> {
        self.env()
            .and_then(|e| e.account.value())
            .map(String::as_str)
    }
    pub fn region(&self) -> Option<&str> {
        self.env()
            .and_then(|e| e.region.value())
            .map(String::as_str)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PipelineClass {
    CodePipeline,
    /// The deprecated `CdkPipeline`.
    CdkPipeline,
}

impl PipelineClass {
    pub fn name(self) -> &'static str {
        match self {
            PipelineClass::CodePipeline => "CodePipeline",
            PipelineClass::CdkPipeline => "CdkPipeline",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum SourceKind {
    Connection,
    GitHub,
    CodeCommit,
    S3,
    Ecr,
    Other(String),
}

impl SourceKind {
    /// The method's TypeScript name (`gitHub`), as the json output gives it.
    pub fn name(&self) -> &str {
        match self {
            SourceKind::Other(s) => s,
            known => catalog::source(known).map_or("", |m| m.json_name),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub kind: SourceKind,
    /// `owner/repo` for connection and GitHub; the repository, bucket or image repository name
    /// for the others, when it is written literally.
    pub repo: Option<String>,
    pub branch: Option<String>,
    /// An explicit `action_name` prop.
    pub action_name: Option<String>,
    pub span: Span,
    /// Where the repository (bucket, image repository) argument is written; the call's span
    /// when there is none.
    pub repo_span: Span,
    /// Every argument as evaluated (kind, repo, branch, `connection_arn`, `trigger`, …), in a
    /// normalized form without spans: equal when only formatting or comments differ.
    pub fingerprint: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StepKind {
    ShellStep,
    CodeBuildStep,
    ManualApprovalStep,
    ConfirmPermissionsBroadening,
    Other(String),
}

impl StepKind {
    /// The class name (`ShellStep`).
    pub fn name(&self) -> &str {
        match self {
            StepKind::Other(s) => s,
            known => catalog::step_class(known).map_or("", |c| c.class),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub id: Option<String>,
    /// Where the id is written (for a constant, the literal); the call's span without one.
    pub id_span: Span,
    pub kind: StepKind,
    pub span: Span,
    /// The step's primary input source (`input=`), for a synth step.
    pub input: Option<Source>,
    pub additional_inputs: Vec<Source>,
    /// The directories of `additional_inputs` as written (the keys of its dict / object
    /// literal), each with the span of that literal; empty when it is not a literal.
    pub additional_input_dirs: Vec<(String, Span)>,
    /// The step's props except `input` (`commands`, `install_commands`, `env`,
    /// `primary_output_directory`, …), evaluated and normalized like [`Source::fingerprint`].
    pub fingerprint: String,
    /// A `CodeBuildStep`'s project options (absent for other steps).
    pub project: Known<ProjectOptions>,
}

/// What CodeBuild project options (`code_build_defaults`, a `CodeBuildStep`'s props) say, as
/// far as CDK's check of `file_system_locations` needs.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectOptions {
    /// `file_system_locations`: a list with at least one location.
    pub file_system_locations: Known<bool>,
    /// `vpc` is set (`None` is absent: CDK keeps an earlier one).
    pub vpc: Known<bool>,
    /// `build_environment`'s `privileged`.
    pub privileged: Known<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stack {
    pub id: Option<String>,
    /// Where the construct id is written; the call's span without one.
    pub id_span: Span,
    pub class: Option<String>,
    /// The file that creates the stack, when it is not the pipeline's file.
    pub file: Option<PathBuf>,
    pub span: Span,
    /// The `stack_name` prop (CloudFormation's name for the stack); absent, CDK generates
    /// `<stage name>-<id>`.
    pub stack_name: Known<String>,
    /// Ids of the stacks of the same Stage this one waits for (`add_dependency` /
    /// `addDependency`). Dependencies from cross-stack references are not seen.
    pub depends_on: Vec<String>,
    /// The stack's own env argument: `Missing` when it deploys where its Stage does (each part
    /// it leaves out is the Stage's).
    pub env: EnvState,
    /// Made under an `if` the model cannot decide, or in a loop over values it cannot know:
    /// it may not be made, or be made more than once.
    pub conditional: bool,
    /// Whether `stack_name` (or, absent, CDK's generated `<stage name>-<id>`) is the name CDK
    /// checks: the class is CDK's own `Stack`, or one of the app's that never mentions
    /// `stack_name` itself (so it hands its props to `Stack` as they are).
    pub name_from_props: bool,
    /// What the stack's constructs publish through the pipeline's Assets stage, in the order
    /// CDK adds them to the stack's asset manifest (see `model/assets.rs`).
    pub assets: Vec<Asset>,
    /// Whether `assets` is every asset of the stack, each with its name and identity: the
    /// stack's class and the construct classes it uses were followed to the end.
    pub assets_complete: bool,
}

/// What kind of asset CDK publishes: a file or folder to S3, or a Docker image to ECR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssetKind {
    File,
    Docker,
}

/// One asset a stack publishes (a Lambda's code folder, a Docker image, an S3 asset).
#[derive(Clone, Debug, PartialEq)]
pub struct Asset {
    pub kind: AssetKind,
    /// CDK's display name, which the pipeline names the asset's action after.
    pub name: AssetName,
    /// What CDK tells two assets apart by (its source hash): the same content is one asset,
    /// published once however many stacks use it. A fingerprint of the content computed here;
    /// `None` when it cannot be (a bundled function, a folder that is not there).
    pub key: Option<String>,
    /// The construct (or call) that brings it.
    pub span: Span,
}

/// An asset's display name.
#[derive(Clone, Debug, PartialEq)]
pub enum AssetName {
    /// The construct path below the stack (`Handler/Code`).
    Known(String),
    /// Below the stack's full construct path (`<app path of the stack>/<this>`), which CDK's
    /// own singleton providers use.
    UnderStackPath(String),
    /// Not known.
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StackSteps {
    pub stack: Option<String>,
    pub pre: Vec<Step>,
    pub change_set: Vec<Step>,
    pub post: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    pub id: Option<String>,
    pub id_span: Span,
    /// The `add_stage` call (or the stage construction, for an extension query).
    pub span: Span,
    pub wave: Option<String>,
    pub class: Option<String>,
    pub env: EnvState,
    /// The stacks the Stage class creates; `None` when the class could not be followed.
    pub stacks: Option<Vec<Stack>>,
    /// Whether `stacks` is every stack the Stage can hold when it is added: its class extends
    /// CDK's `Stage` directly and its constructor was followed to the end without handing the
    /// stage to code the model does not follow (a helper, a non-stack construct, a base
    /// class), and the stage object was not used as a scope before it was added. When false,
    /// `stacks` is what was seen, not necessarily all.
    pub stacks_complete: bool,
    /// Whether `depends_on` of the stacks is every dependency between them: false when the
    /// constructor read a stack's attribute that went somewhere other than the arguments of a
    /// stack it made (a method call, another object), where CDK may add a dependency the
    /// model does not place.
    pub stacks_order_known: bool,
    /// Made inside another Stage (a Stage class's `self.edge = EdgeStage(self, "Edge")`): its
    /// construct is in that Stage's scope, and CDK names it `<outer>-<own name>`.
    pub nested: bool,
    /// The `stage_name` prop (the CodePipeline stage's name and the stacks' name prefix);
    /// absent, it is the construct id.
    pub stage_name: Known<String>,
    /// Whether `stage_name` (absent: the id) is the name CDK's `Stage` gets: the class is
    /// CDK's own `Stage`, or one of the app's that never mentions `stage_name` itself.
    pub name_from_props: bool,
    pub pre: Vec<Step>,
    pub post: Vec<Step>,
    pub stack_steps: Vec<StackSteps>,
    /// Added, or given steps, under an `if` whose condition the model does not know: the stage
    /// may not be there, or not be as modelled.
    pub conditional: bool,
    /// The Stage's construct path (`PipelineStack/Prod`, or `Prod` at the app's root); `None`
    /// when not known.
    pub path: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Wave {
    pub id: Option<String>,
    pub id_span: Span,
    pub span: Span,
    /// `add_stage` on the pipeline makes a wave of one stage; CodePipeline shows it as a stage.
    pub implicit: bool,
    /// Indices into [`Pipeline::stages`].
    pub stages: Vec<usize>,
    pub pre: Vec<Step>,
    pub post: Vec<Step>,
    /// Added, or given steps, under an `if` whose condition the model does not know.
    pub conditional: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub id: Option<String>,
    /// Where the construct id is written; the call's span without one.
    pub id_span: Span,
    pub class: PipelineClass,
    /// The `CodePipeline(...)` construction.
    pub span: Span,
    /// The class of the stack that creates the pipeline (`PipelineStack`), when it is a class.
    pub stack_class: Option<String>,
    pub env: EnvState,
    pub cross_account_keys: Known<bool>,
    pub self_mutation: Known<bool>,
    pub use_change_sets: Known<bool>,
    pub publish_assets_in_parallel: Known<bool>,
    pub code_build_defaults: Known<ProjectOptions>,
    pub synth_code_build_defaults: Known<ProjectOptions>,
    pub docker_enabled_for_synth: Known<bool>,
    pub self_mutation_code_build_defaults: Known<ProjectOptions>,
    pub docker_enabled_for_self_mutation: Known<bool>,
    pub asset_publishing_code_build_defaults: Known<ProjectOptions>,
    /// `V1` / `V2` from `pipeline_type=PipelineType.V2`.
    pub pipeline_type: Known<String>,
    pub synth: Option<Step>,
    pub sources: Vec<Source>,
    pub stages: Vec<Stage>,
    pub waves: Vec<Wave>,
    /// The props object has a spread (`**props`, `...props`): props the model cannot see.
    pub props_open: bool,
    /// Some file of the app (or this one) uses a construct that brings assets along: the
    /// pipeline may have an Assets stage (which the stacks' `assets` fill in). When false, no
    /// stack has one.
    pub may_have_assets: bool,
    /// Code outside the stack class adds stages or waves to it (`stack.pipeline.add_stage(…)`
    /// in app.py), which the model does not follow: there are more stages than it has.
    pub added_elsewhere: bool,
    /// The model stopped reading the pipeline's stages at this `add_stage` / `add_wave` call:
    /// it had [`MAX_MODEL_STAGES`] stages or waves already, 200 times CodePipeline's limit.
    /// What comes after is not in the model; `pipeline-quota` says so.
    pub cut: Option<Span>,
    /// The construct ids the app gives its stack (`PipelineStack(app, "Payments")`), where
    /// the stack is an instance of a class the app instantiates with a known id: what pairs
    /// the pipeline with a synthesized one by construct path.
    pub stack_ids: Vec<String>,
    /// Every prop the code gives, by canonical (snake_case) name, sorted by name.
    pub props: Vec<PropFingerprint>,
    /// The `build_pipeline()` / `buildPipeline()` calls on it, in the order they run.
    pub builds: Vec<Call>,
    /// `add_stage` / `add_wave` calls made after a `build_pipeline()` call.
    pub adds_after_build: Vec<AddAfterBuild>,
    /// `wave.add_stage(…)` calls on a wave of this pipeline made after a `build_pipeline()`
    /// call (`method` is `add_stage`). CDK takes them without a word and never deploys the
    /// Stage: when both calls are certain, the Stage is left out of its wave (and marked
    /// conditional, so that no rule reports it as deployed); else it is in the wave, marked
    /// conditional.
    pub wave_stages_after_build: Vec<AddAfterBuild>,
}

/// A method call the model saw run.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The whole call.
    pub span: Span,
    /// Made under an `if` the model cannot decide, or in a loop over values it cannot know.
    pub conditional: bool,
}

/// An `add_stage` / `add_wave` on a pipeline after its `build_pipeline()`.
#[derive(Clone, Debug, PartialEq)]
pub struct AddAfterBuild {
    /// `add_stage` or `add_wave` (canonical name).
    pub method: &'static str,
    pub call: Call,
    /// The `build_pipeline()` call it comes after.
    pub build: Call,
}

/// A step, as the methods called on it see it: the construction that made it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRef {
    pub id: Option<String>,
    pub kind: StepKind,
    /// The construction (`ShellStep(...)`), which identifies the step.
    pub span: Span,
    /// The construction ran more than once (a helper called twice, a loop): the span stands
    /// for several steps, so what is called on one may be another's.
    pub ambiguous: bool,
}

/// Something done to a step after it was made, in the order the code does it.
#[derive(Clone, Debug, PartialEq)]
pub enum StepEvent {
    /// `step.primary_output_directory(dir)` (`call` is the call), or the
    /// `primary_output_directory` prop (`call: None`); or `CodePipeline` giving its synth step
    /// `cdk.out` when it has none (`implicit`, `call` is the pipeline's construction).
    OutputDir {
        step: StepRef,
        dir: Known<String>,
        call: Option<Call>,
        implicit: bool,
    },
    /// `step.add_step_dependency(on)`.
    DependsOn {
        step: StepRef,
        on: StepRef,
        call: Call,
    },
}

/// One prop as evaluated, normalized so that formatting and comments do not change it.
#[derive(Clone, Debug, PartialEq)]
pub struct PropFingerprint {
    /// Canonical (snake_case) name: `synth_code_build_defaults`.
    pub name: String,
    pub fingerprint: String,
    /// What the value is, as far as rules need to know.
    pub value: PropValue,
    /// Where the value is written.
    pub span: Span,
}

/// A prop's value, as far as rules need to know it.
#[derive(Clone, Debug, PartialEq)]
pub enum PropValue {
    /// `None` / `null` / `undefined`: the same as not setting it.
    Null,
    Bool(bool),
    Str(String),
    Num(String),
    /// A value that is certainly not null (a construct, a call's result, a list, an object,
    /// an enum member), but not one of the above.
    Object,
    /// Only known at run time; may even be null.
    Unknown,
}

impl Pipeline {
    /// A prop the code gives, by canonical (snake_case) name.
    pub fn prop(&self, name: &str) -> Option<&PropFingerprint> {
        self.props.iter().find(|p| p.name == name)
    }
}

/// Everything the model found in one file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileModel {
    pub language: &'static str,
    pub pipelines: Vec<Pipeline>,
    /// Syntax errors the parser recovered from (the rest of the file is still modelled).
    pub syntax_errors: Vec<Span>,
    /// The cdk.json feature flag `@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2`, when the
    /// file belongs to an app whose cdk.json is known.
    pub default_pipeline_type_v2: Option<bool>,
    /// The app's `aws-cdk-lib` version (from its lock file or manifest), when known.
    pub cdk_version: Option<CdkVersion>,
    /// The first construct nested too deep to be followed (see
    /// [`MAX_NESTING`](crate::lang::ir::MAX_NESTING)), or building a value bigger than
    /// [`MAX_PARTS`]: what is inside it is unknown.
    pub too_deep: Option<TooDeep>,
    /// What the code does to its steps after making them (see [`StepEvent`]), in order.
    pub step_events: Vec<StepEvent>,
    /// `a.add_dependency(b)` between two stacks where the model knows what holds each (see
    /// [`StackDependency`]), in the order the code adds them.
    pub stack_dependencies: Vec<StackDependency>,
}

/// `a.add_dependency(b)` / `a.add_stack_dependency(b)` (`addDependency`,
/// `addStackDependency`) between two stacks whose holders (the App, a Stage) the model knows.
#[derive(Clone, Debug, PartialEq)]
pub struct StackDependency {
    /// The stack that waits (`a`).
    pub from: StackPlace,
    /// The stack it waits for (`b`).
    pub to: StackPlace,
    /// Where `b` is written.
    pub arg_span: Span,
    /// The call; conditional also when it runs in the constructor of a Stage that may not be
    /// made.
    pub call: Call,
    /// The file the call is in, when it is not the analysed one (a Stage class's file).
    pub file: Option<PathBuf>,
}

/// A stack of a [`StackDependency`]: its construct id and what holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct StackPlace {
    pub id: Option<String>,
    pub holder: Holder,
}

/// What holds a stack, as CDK's check of stage boundaries sees it (the innermost Stage, the
/// App being one).
#[derive(Clone, Debug, PartialEq)]
pub enum Holder {
    /// Made with the App as its scope.
    App,
    /// A Stage the code made at `span` of `file` (`None`: the analysed file); `path` is its
    /// construct path when known (a Stage made with the App as its scope: its id).
    Stage {
        file: Option<PathBuf>,
        span: Span,
        path: Option<String>,
    },
    /// While a Stage class is followed: the Stage being made, whose constructor made the
    /// stack. Where the model follows the class for a Stage the code makes, it becomes that
    /// Stage's [`Holder::Stage`].
    Own,
}

impl Holder {
    /// Whether the two holders are certainly different Stages (or a Stage and the App).
    pub fn differs_from(&self, other: &Holder) -> bool {
        match (self, other) {
            (Holder::App, Holder::App) | (Holder::Own, Holder::Own) => false,
            (
                Holder::Stage { file, span, .. },
                Holder::Stage {
                    file: f2, span: s2, ..
                },
            ) => (file, span.start_byte, span.end_byte) != (f2, s2.start_byte, s2.end_byte),
            _ => true,
        }
    }

    /// How CDK names it in its message: `Stage 'Prod'`, `the App`; `None` when the Stage's
    /// construct path is not known.
    pub fn cdk_name(&self) -> Option<String> {
        match self {
            Holder::App => Some("the App".to_string()),
            Holder::Stage { path, .. } => path.as_ref().map(|p| format!("Stage '{p}'")),
            Holder::Own => None,
        }
    }
}

impl StackPlace {
    /// The stack's construct path (`Prod/Svc`, `PipelineStack`), when known.
    pub fn path(&self) -> Option<String> {
        let id = self.id.as_ref()?;
        match &self.holder {
            Holder::App => Some(id.clone()),
            Holder::Stage { path, .. } => path.as_ref().map(|p| format!("{p}/{id}")),
            Holder::Own => None,
        }
    }
}

/// A construct the analysis did not follow because it is nested too deep (or builds a value
/// too big).
#[derive(Clone, Debug, PartialEq)]
pub struct TooDeep {
    /// The file it is in, when it is not the analysed file (a Stage class followed there).
    pub file: Option<PathBuf>,
    pub span: Span,
}

/// A version as `(major, minor, patch)`.
pub type Version = (u32, u32, u32);

/// What the app says about its `aws-cdk-lib` (read by `workspace::cdk_version`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CdkVersion {
    /// The lowest version the app can be on.
    pub min: Version,
    /// The highest, when the requirement caps it below the next major (`==2.150.0`, a lock
    /// file, `<2.160`): the version installed is at most this.
    pub max: Option<Version>,
    /// The file it was read from, relative to the app's root.
    pub file: PathBuf,
}

impl CdkVersion {
    /// Whether the app is certainly on `v` or later (`Some(true)`), certainly before it
    /// (`Some(false)`), or either (`None`).
    pub fn at_least(&self, v: Version) -> Option<bool> {
        if self.min >= v {
            Some(true)
        } else if self.max.is_some_and(|max| max < v) {
            Some(false)
        } else {
            None
        }
    }

    /// `2.150.0`, or `2.150.0 or later`, or `2.150.0 to 2.159.x`, for messages.
    pub fn describe(&self) -> String {
        let f = |v: Version| format!("{}.{}.{}", v.0, v.1, v.2);
        match self.max {
            Some(max) if max == self.min => f(self.min),
            Some(max) => format!("{} to {}", f(self.min), f(max)),
            None => format!("{} or later", f(self.min)),
        }
    }
}
