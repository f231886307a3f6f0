//! The CodePipeline that `cdk synth` generates for a [`Pipeline`](crate::model::Pipeline),
//! predicted from the model alone (no process, microseconds): stages, and in each the actions
//! with their `runOrder`, kind and target `{account, region}`.
//!
//! It follows `aws-cdk-lib/pipelines` step by step: the blueprint (sources, synth, waves,
//! stages, stacks, steps) becomes a nested dependency graph exactly as `PipelineGraph` builds
//! it (`build.rs`), and the graph is laid out as `CodePipeline` does (`graph.rs`): top-level
//! groups in dependency order are the stages, each stage's leaves in dependency tranches give
//! `runOrder`, action names are the path below the leaves' common ancestor, stages over 50
//! actions are split into `Name.1`, `Name.2`.
//!
//! What the model cannot know makes a stage `certain: false` instead of a guess: a Stage class
//! that could not be followed (stacks unknown), an id that is not a literal, a step kind
//! pipelens does not know. The Assets stage holds one action per asset of the stages' stacks
//! (`Stack::assets`), and is uncertain where a stack's assets could not all be followed.

mod build;
mod graph;
pub mod json;
pub mod mermaid;
pub mod svg;

use crate::model::{Pipeline, Span};

/// What an action does, as the preview shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    Source,
    /// The synth step.
    Build,
    SelfMutate,
    Assets,
    /// Creates the stack's change set.
    Prepare,
    /// Executes the change set (or deploys directly, without change sets).
    Deploy,
    /// A manual approval (`ManualApprovalStep`, or the Confirm half of
    /// `ConfirmPermissionsBroadening`).
    Approval,
    Shell,
    CodeBuild,
    /// The Check half of `ConfirmPermissionsBroadening` (a `cdk diff` security check).
    ConfirmPermissions,
    /// A step kind pipelens does not know.
    Other,
}

impl ActionKind {
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::Source => "source",
            ActionKind::Build => "build",
            ActionKind::SelfMutate => "self-mutate",
            ActionKind::Assets => "assets",
            ActionKind::Prepare => "prepare",
            ActionKind::Deploy => "deploy",
            ActionKind::Approval => "approval",
            ActionKind::Shell => "shell",
            ActionKind::CodeBuild => "codebuild",
            ActionKind::ConfirmPermissions => "confirm-permissions",
            ActionKind::Other => "other",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub name: String,
    pub run_order: u32,
    pub kind: ActionKind,
    pub account: Option<String>,
    pub region: Option<String>,
    /// The CDK Stage this action deploys or belongs to (a wave member), when it is one.
    pub member: Option<String>,
    /// The code that creates the action (step, source, stage or pipeline).
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PredictedStage {
    pub name: String,
    /// `false` when the model could not know everything this stage depends on.
    pub certain: bool,
    /// The code that creates the stage (`add_stage`, `add_wave`, the synth step, …).
    pub span: Span,
    /// The CDK Stages deployed in this CodePipeline stage, in wave order (several for a wave).
    pub members: Vec<String>,
    /// Ordered by (runOrder, name), as the synthesized pipeline's fixtures are.
    pub actions: Vec<Action>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    pub stages: Vec<PredictedStage>,
}

/// Predicts the generated CodePipeline of one pipeline.
pub fn predict(p: &Pipeline) -> Prediction {
    build::predict(p)
}
