//! What pipelens knows of CDK Pipelines, in one place: the step classes, the source kinds, the
//! pipeline's own props and CodePipeline's limits, each with what it means. The model recognises
//! calls by it (`model/cdk.rs`), the rules read their conditions from it, the prediction names
//! actions by it, and completion, hover and migration show it. Written from aws-cdk-lib
//! 2.275.0's source (`pipelines/lib/**`, `aws-codepipeline/lib/**`; `docs/cdk/` has the
//! details). A new step class or source kind is one entry here, plus its `StepKind` /
//! `SourceKind` variant (and, for a step, the prediction's `ActionKind` arm, which the compiler
//! asks for).

use super::{SourceKind, StepKind};
use crate::lang::{Naming, Props, SnippetArg, SnippetValue};

use SnippetArg::{Arg, Prop};
use SnippetValue::{Code, Str, StrList};

/// A step class of `aws_cdk.pipelines`.
pub struct StepClass {
    pub kind: StepKind,
    /// The class name, as both languages write it.
    pub class: &'static str,
    /// One sentence for hover.
    pub doc: &'static str,
    /// A few words for completion.
    pub summary: &'static str,
    /// The snippet's arguments after the class name (each language writes them: see
    /// [`StepClass::args`]).
    pub args: &'static [SnippetArg],
    /// The jsii struct of its props (`ShellStepProps`), which Java, C# and Go write.
    pub props_type: &'static str,
    /// A `ShellStep` or a subclass: it runs commands as a CodeBuild action (with the pipeline's
    /// CodeBuild defaults) and has a primary output (`primary_output_directory`), so it can be
    /// the pipeline's `synth`.
    pub shell: bool,
    /// It takes CodeBuild project options of its own (`build_environment`, `vpc`, `role`, …),
    /// which override the pipeline's `code_build_defaults`.
    pub project_options: bool,
}

impl StepClass {
    /// Its snippet's arguments as the language writes them (the props struct unqualified).
    pub fn args(&self, n: &Naming) -> String {
        n.snippet_args(self.args, self.props_type)
    }

    /// Its snippet: the whole construction, `prefix` what the file writes before the
    /// pipelines module's names (`pipelines.`, or nothing), `after_new` when the file already
    /// has the language's `new ` before it.
    pub fn snippet(&self, n: &Naming, prefix: &str, after_new: bool) -> String {
        let (positional, props) = n.snippet_parts(self.args);
        let class = format!("{prefix}{}", self.class);
        let ty = format!("{prefix}{}", self.props_type);
        let props = (!props.is_empty()).then_some(Props {
            ty: &ty,
            items: &props,
        });
        if after_new {
            n.construct_after_new(&class, &positional, props)
        } else {
            n.construct(&class, &positional, props)
        }
    }
}

pub const STEP_CLASSES: &[StepClass] = &[
    StepClass {
        kind: StepKind::ShellStep,
        class: "ShellStep",
        doc: "runs shell commands in a CodeBuild project; inputs are sources or other steps' \
              outputs.",
        summary: "Runs shell commands in CodeBuild.",
        args: &[
            Arg(Str("${1:Id}")),
            Prop("commands", StrList("${2:npm ci}")),
        ],
        props_type: "ShellStepProps",
        shell: true,
        project_options: false,
    },
    StepClass {
        kind: StepKind::CodeBuildStep,
        class: "CodeBuildStep",
        doc: "a ShellStep with CodeBuild options (role, VPC, build image, policy statements).",
        summary: "Runs shell commands in CodeBuild.",
        args: &[
            Arg(Str("${1:Id}")),
            Prop("commands", StrList("${2:npm ci}")),
        ],
        props_type: "CodeBuildStepProps",
        shell: true,
        project_options: true,
    },
    StepClass {
        kind: StepKind::ManualApprovalStep,
        class: "ManualApprovalStep",
        doc: "a manual approval action: the pipeline waits until someone approves.",
        summary: "Waits for a person to approve.",
        args: &[Arg(Str("${1:Approve}"))],
        props_type: "ManualApprovalStepProps",
        shell: false,
        project_options: false,
    },
    StepClass {
        kind: StepKind::ConfirmPermissionsBroadening,
        class: "ConfirmPermissionsBroadening",
        doc: "checks the stage's IAM changes and asks for approval when permissions broaden \
              (two actions: `.Check`, `.Confirm`).",
        summary: "Stops for approval when IAM permissions broaden.",
        args: &[Arg(Str("${1:Check}")), Prop("stage", Code("${2:stage}"))],
        props_type: "PermissionsBroadeningCheckProps",
        shell: false,
        project_options: false,
    },
];

/// The step class of a known kind; `None` for a class pipelens does not know.
pub fn step_class(kind: &StepKind) -> Option<&'static StepClass> {
    STEP_CLASSES.iter().find(|c| c.kind == *kind)
}

/// The step class named `class` (`ShellStep`).
pub fn step_class_named(class: &str) -> Option<&'static StepClass> {
    STEP_CLASSES.iter().find(|c| c.class == class)
}

/// Whether a step of this kind is a `ShellStep` or a subclass (see [`StepClass::shell`]).
pub fn is_shell(kind: &StepKind) -> bool {
    step_class(kind).is_some_and(|c| c.shell)
}

/// What a source's first argument must look like, as CDK checks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepoShape {
    /// Not checked by CDK (a construct, a bucket).
    Any,
    /// `owner/repo`, exactly two parts (`GitHubSource`: "GitHub repository name should be a
    /// resolved string like '<owner>/<repo>', got '…'").
    OwnerRepo,
    /// `owner/repo` or `owner/group1/…/repo`, 2 to 23 non-empty parts (`CodeStarConnectionSource`).
    OwnerGroupsRepo,
}

/// How CDK names a source's action (`CodePipelineSource` subclasses, `producedStepOutputs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceAction {
    /// The node id is the repository string; CDK makes the action name from it.
    RepoId,
    /// The node id is the repository string and the action is named after it.
    RepoIdAndName,
    /// The node id is a token (the bucket's or repository's address), unknown before deploy;
    /// the action is named after the name given.
    Address,
    /// As `Address`, with `/` in the name made `_`.
    AddressSlashesUnderscored,
}

/// A factory method of `CodePipelineSource`.
pub struct SourceMethod {
    pub kind: SourceKind,
    /// The method's canonical (snake_case) name; each language spells it (see
    /// [`SourceMethod::name`]).
    pub method: &'static str,
    /// Its name in the json output (`pipelens preview --format json`, the graph): the jsii
    /// name, camelCase (`gitHub`). A public contract: never changes.
    pub json_name: &'static str,
    /// One sentence for completion.
    pub doc: &'static str,
    /// The snippet's arguments after the method name (see [`SourceMethod::args`]).
    pub args: &'static [SnippetArg],
    /// The jsii struct of its options (`GitHubSourceOptions`), which Java, C# and Go write.
    pub options: &'static str,
    /// Positional arguments before the props object (`ecr` has no branch).
    pub props_at: usize,
    pub repo: RepoShape,
    pub action: SourceAction,
}

impl SourceMethod {
    /// The factory method's name as the language spells it (`git_hub`, `gitHub`).
    pub fn name(&self, n: &Naming) -> String {
        n.api(self.method)
    }
    /// Its snippet's arguments as the language writes them (the options struct unqualified).
    pub fn args(&self, n: &Naming) -> String {
        self.args_in(n, "")
    }
    /// Its snippet's arguments, `prefix` what the file writes before the pipelines module's
    /// names (`pipelines.`, or nothing).
    pub fn args_in(&self, n: &Naming, prefix: &str) -> String {
        n.snippet_args(self.args, &format!("{prefix}{}", self.options))
    }
    pub fn has_branch(&self) -> bool {
        self.props_at == 2
    }
}

pub const SOURCES: &[SourceMethod] = &[
    SourceMethod {
        kind: SourceKind::Connection,
        method: "connection",
        json_name: "connection",
        doc: "A GitHub, GitLab or Bitbucket repository through a CodeStar connection.",
        args: &[
            Arg(Str("${1:owner/repo}")),
            Arg(Str("${2:main}")),
            Prop("connection_arn", Str("${3:arn:aws:codestar-connections:…}")),
        ],
        options: "ConnectionSourceOptions",
        props_at: 2,
        repo: RepoShape::OwnerGroupsRepo,
        action: SourceAction::RepoId,
    },
    SourceMethod {
        kind: SourceKind::GitHub,
        method: "git_hub",
        json_name: "gitHub",
        doc: "A GitHub repository with an OAuth token from Secrets Manager.",
        args: &[Arg(Str("${1:owner/repo}")), Arg(Str("${2:main}"))],
        options: "GitHubSourceOptions",
        props_at: 2,
        repo: RepoShape::OwnerRepo,
        action: SourceAction::RepoId,
    },
    SourceMethod {
        kind: SourceKind::CodeCommit,
        method: "code_commit",
        json_name: "codeCommit",
        doc: "A CodeCommit repository.",
        args: &[Arg(Code("${1:repository}")), Arg(Str("${2:main}"))],
        options: "CodeCommitSourceOptions",
        props_at: 2,
        repo: RepoShape::Any,
        action: SourceAction::RepoIdAndName,
    },
    SourceMethod {
        kind: SourceKind::S3,
        method: "s3",
        json_name: "s3",
        doc: "An object in an S3 bucket.",
        args: &[Arg(Code("${1:bucket}")), Arg(Str("${2:source.zip}"))],
        options: "S3SourceOptions",
        props_at: 2,
        repo: RepoShape::Any,
        action: SourceAction::Address,
    },
    SourceMethod {
        kind: SourceKind::Ecr,
        method: "ecr",
        json_name: "ecr",
        doc: "An image in an ECR repository.",
        args: &[Arg(Code("${1:repository}"))],
        options: "ECRSourceOptions",
        props_at: 1,
        repo: RepoShape::Any,
        action: SourceAction::AddressSlashesUnderscored,
    },
];

/// The source method of a known kind; `None` for a method pipelens does not know.
pub fn source(kind: &SourceKind) -> Option<&'static SourceMethod> {
    SOURCES.iter().find(|s| s.kind == *kind)
}

/// The source method named `method` in any language's spelling (`git_hub`, `gitHub`).
pub fn source_named(method: &str) -> Option<&'static SourceMethod> {
    let method = crate::lang::ir::snake_case(method);
    SOURCES.iter().find(|s| s.method == method)
}

/// Hover text of the other classes of `aws_cdk.pipelines`.
const CLASS_DOCS: &[(&str, &str)] = &[
    (
        "CodePipeline",
        "a self-mutating CodePipeline that deploys Stages; Source, Build (synth), \
         UpdatePipeline, Assets, then one stage per `add_stage`/`add_wave`.",
    ),
    (
        "CdkPipeline",
        "the original, deprecated pipeline API; use `CodePipeline`.",
    ),
    (
        "CodePipelineSource",
        "where the pipeline's code comes from: `connection`, `git_hub`, `code_commit`, `s3`, \
         `ecr`.",
    ),
    (
        "Wave",
        "stages deployed in parallel, as one CodePipeline stage.",
    ),
    (
        "StackSteps",
        "steps around one stack's change set: `pre`, `change_set`, `post`.",
    ),
];

/// Hover text of a class of `aws_cdk.pipelines` (a step class or another).
pub fn class_doc(class: &str) -> Option<&'static str> {
    step_class_named(class).map(|c| c.doc).or_else(|| {
        CLASS_DOCS
            .iter()
            .find(|(name, _)| *name == class)
            .map(|(_, doc)| *doc)
    })
}

/// The props of `CodePipeline` that configure the CodePipeline CDK creates, so cannot go with
/// `code_pipeline=` (an existing one), in the order CDK checks them (`codepipeline.ts`,
/// `doBuildPipeline`): "Cannot set '<prop>' if an existing CodePipeline is given using
/// 'codePipeline'".
pub const OWN_PIPELINE_PROPS: &[&str] = &[
    "pipeline_name",
    "cross_account_keys",
    "enable_key_rotation",
    "cross_region_replication_buckets",
    "reuse_cross_region_support_stacks",
    "role",
    "artifact_bucket",
    "execution_mode",
];

/// Pipeline props that configure the synth step's build, so belong to the "Build" stage.
pub const SYNTH_PROPS: &[&str] = &[
    "synth_code_build_defaults",
    "docker_enabled_for_synth",
    "cli_version",
];

/// The props that hold the synth step: `CodePipeline`'s `synth`, `CdkPipeline`'s `synth_action`.
pub const SYNTH_STEP_PROPS: &[&str] = &["synth", "synth_action"];

/// The directory a synth step's primary output defaults to.
pub const DEFAULT_SYNTH_OUTPUT: &str = "cdk.out";

/// Quotas in AWS CodePipeline, which CDK does not check
/// (<https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html>): "Maximum number
/// of stages in a pipeline: 50" and "Maximum number of actions per pipeline: 500" (AWS
/// raised the latter to 1000 in October 2024, by one report; the 500 of the user guide's
/// published source is used, and `pipeline-quota` warns).
pub const MAX_STAGES: usize = 50;
pub const MAX_ACTIONS: usize = 500;
/// Actions per stage; CDK splits a bigger stage into `Name.1`, `Name.2`.
pub const MAX_ACTIONS_PER_STAGE: usize = 50;
/// The longest stage, action or pipeline name (`/^[a-zA-Z0-9.@_-]{1,100}$/`); CDK shortens
/// longer action names with a hash.
pub const MAX_NAME: usize = 100;
/// A stage, action or pipeline name's characters besides ASCII letters and digits.
pub const NAME_PUNCTUATION: &[char] = &['.', '@', '_', '-'];
/// A character CodePipeline allows in a stage, action or pipeline name.
pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || NAME_PUNCTUATION.contains(&c)
}
/// A character CloudFormation allows in a stack name after its first, a letter
/// (`/^[A-Za-z][A-Za-z0-9-]*$/`).
pub fn is_stack_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}
/// The longest CloudFormation stack name (`Stack name must be <= 128 characters`).
pub const MAX_STACK_NAME: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_entry_and_names_are_unique() {
        for (i, c) in STEP_CLASSES.iter().enumerate() {
            assert!(STEP_CLASSES[..i]
                .iter()
                .all(|o| o.class != c.class && o.kind != c.kind));
            assert_eq!(step_class(&c.kind).map(|f| f.class), Some(c.class));
            assert_eq!(step_class_named(c.class).map(|f| f.class), Some(c.class));
        }
        for (i, s) in SOURCES.iter().enumerate() {
            assert!(SOURCES[..i]
                .iter()
                .all(|o| o.kind != s.kind && o.method != s.method));
            assert_eq!(
                source_named(s.method).map(|f| f.kind.clone()),
                Some(s.kind.clone())
            );
            let camel = crate::lang::TYPESCRIPT.naming.api(s.method);
            assert_eq!(source_named(&camel).map(|f| f.method), Some(s.method));
            assert_eq!(camel, s.json_name);
        }
        assert!(step_class(&StepKind::Other("X".into())).is_none());
        assert!(source(&SourceKind::Other("x".into())).is_none());
    }

    /// Every known variant has its entry. A new variant fails to compile here until it is
    /// listed, and then fails the test until the catalog has it.
    #[test]
    fn every_known_variant_is_in_the_catalog() {
        let steps = [
            StepKind::ShellStep,
            StepKind::CodeBuildStep,
            StepKind::ManualApprovalStep,
            StepKind::ConfirmPermissionsBroadening,
        ];
        for k in &steps {
            match k {
                StepKind::ShellStep
                | StepKind::CodeBuildStep
                | StepKind::ManualApprovalStep
                | StepKind::ConfirmPermissionsBroadening => {
                    assert!(step_class(k).is_some(), "{k:?}")
                }
                StepKind::Other(_) => unreachable!(),
            }
        }
        let sources = [
            SourceKind::Connection,
            SourceKind::GitHub,
            SourceKind::CodeCommit,
            SourceKind::S3,
            SourceKind::Ecr,
        ];
        for k in &sources {
            match k {
                SourceKind::Connection
                | SourceKind::GitHub
                | SourceKind::CodeCommit
                | SourceKind::S3
                | SourceKind::Ecr => assert!(source(k).is_some(), "{k:?}"),
                SourceKind::Other(_) => unreachable!(),
            }
        }
        assert_eq!(steps.len(), STEP_CLASSES.len());
        assert_eq!(sources.len(), SOURCES.len());
    }

    /// The snippets as each language writes them (what completion inserted before the catalog
    /// held them in no language's syntax).
    #[test]
    fn snippets_are_written_in_each_languages_syntax() {
        let (py, ts) = (&crate::lang::PYTHON.naming, &crate::lang::TYPESCRIPT.naming);
        let step = |k: StepKind, n: &Naming| step_class(&k).unwrap().args(n);
        assert_eq!(
            step(StepKind::ShellStep, py),
            "(\"${1:Id}\", commands=[\"${2:npm ci}\"])"
        );
        assert_eq!(
            step(StepKind::ShellStep, ts),
            "('${1:Id}', { commands: ['${2:npm ci}'] })"
        );
        assert_eq!(step(StepKind::ManualApprovalStep, py), "(\"${1:Approve}\")");
        assert_eq!(step(StepKind::ManualApprovalStep, ts), "('${1:Approve}')");
        assert_eq!(
            step(StepKind::ConfirmPermissionsBroadening, py),
            "(\"${1:Check}\", stage=${2:stage})"
        );
        assert_eq!(
            step(StepKind::ConfirmPermissionsBroadening, ts),
            "('${1:Check}', { stage: ${2:stage} })"
        );
        let src = |k: SourceKind, n: &Naming| {
            let m = source(&k).unwrap();
            format!("{}{}", m.name(n), m.args(n))
        };
        assert_eq!(
            src(SourceKind::Connection, py),
            "connection(\"${1:owner/repo}\", \"${2:main}\", connection_arn=\"${3:arn:aws:codestar-connections:…}\")"
        );
        assert_eq!(
            src(SourceKind::Connection, ts),
            "connection('${1:owner/repo}', '${2:main}', { connectionArn: '${3:arn:aws:codestar-connections:…}' })"
        );
        assert_eq!(
            src(SourceKind::GitHub, py),
            "git_hub(\"${1:owner/repo}\", \"${2:main}\")"
        );
        assert_eq!(
            src(SourceKind::GitHub, ts),
            "gitHub('${1:owner/repo}', '${2:main}')"
        );
        assert_eq!(
            src(SourceKind::CodeCommit, py),
            "code_commit(${1:repository}, \"${2:main}\")"
        );
        assert_eq!(
            src(SourceKind::CodeCommit, ts),
            "codeCommit(${1:repository}, '${2:main}')"
        );
        assert_eq!(
            src(SourceKind::S3, py),
            "s3(${1:bucket}, \"${2:source.zip}\")"
        );
        assert_eq!(
            src(SourceKind::S3, ts),
            "s3(${1:bucket}, '${2:source.zip}')"
        );
        assert_eq!(src(SourceKind::Ecr, py), "ecr(${1:repository})");
        assert_eq!(src(SourceKind::Ecr, ts), "ecr(${1:repository})");
    }
}
