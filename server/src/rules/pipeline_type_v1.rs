//! `pipeline-type-v1`: the pipeline is a V1 CodePipeline, explicitly or because the app does
//! not set the feature flag that makes V2 the default. V1 lacks git triggers, variables and
//! per-execution pricing.

use super::{Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::{Known, PipelineClass};

const CODE: &str = "pipeline-type-v1";
pub const FLAG: &str = "@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Warning, Severity::Information],
    summary: "an explicit V1 pipeline, or V1 by default because cdk.json lacks the V2 flag",
    prevents: "",
    doc: "A V1 CodePipeline has no git triggers (branch and file-path filters), no pipeline \
          variables and no QUEUED or PARALLEL execution modes, and is billed per pipeline \
          rather than per action minute. CDK makes `CodePipeline` a V1 pipeline when \
          `pipeline_type` is not set and cdk.json lacks the feature flag \
          `@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2` (and says so in a synth \
          warning). Set `pipeline_type=PipelineType.V2`, or enable the flag. Both need \
          aws-cdk-lib 2.189.0 or later: earlier versions make every CDK Pipelines pipeline V1 \
          whatever the code or the flag says, which the rule reports with the version it read \
          from the app's lock file or manifest (upgrade, or pass an existing V2 pipeline as \
          `code_pipeline`); it never advises the prop or the flag to an app on such a version.",
    check: Check::Model(check),
    action: None,
};

/// The first `aws-cdk-lib` whose CDK Pipelines `CodePipeline` takes `pipelineType` and
/// follows the V2 flag. Before it the pipeline is always V1: 2.130.0 to 2.188.x write
/// `PipelineType: V1` themselves, earlier versions leave it to CloudFormation's default, V1.
pub const PIPELINE_TYPE_SINCE: (u32, u32, u32) = (2, 189, 0);

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let n = ctx.naming;
    let version = ctx.model.cdk_version.as_ref();
    let supported = version.and_then(|v| v.at_least(PIPELINE_TYPE_SINCE));
    // Where the app's version is not known to have the prop: say which version it needs.
    let needs = match (supported, version) {
        (Some(true), _) => String::new(),
        (_, Some(v)) => format!(
            " (both need aws-cdk-lib 2.189.0 or later; {} allows {})",
            v.file.display(),
            v.describe()
        ),
        (_, None) => " (both need aws-cdk-lib 2.189.0 or later)".to_string(),
    };
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CodePipeline {
            continue;
        }
        let prop = n.api("pipeline_type");
        // An existing pipeline (`code_pipeline=`) has the type it was made with.
        if p.prop("code_pipeline").is_some() {
            continue;
        }
        if let (Some(false), Some(v)) = (supported, version) {
            // This version makes every CDK Pipelines pipeline V1, whatever the code says.
            let (severity, span, what) = match &p.pipeline_type {
                Known::Value(_, span) | Known::Unknown(span) => (
                    Severity::Warning,
                    *span,
                    format!("aws-cdk-lib {} has no {prop} on CodePipeline", v.describe()),
                ),
                Known::Absent if p.props_open => continue,
                Known::Absent => (
                    Severity::Information,
                    p.id_span,
                    format!(
                        "aws-cdk-lib {} makes this pipeline a V1 CodePipeline (the flag \
                         `{FLAG}` does not change it)",
                        v.describe()
                    ),
                ),
            };
            out.push(Diagnostic::new(
                CODE,
                severity,
                span,
                format!(
                    "{what}: V1 has no git triggers or pipeline variables and is billed per \
                     pipeline. {prop} and the flag apply from aws-cdk-lib 2.189.0 (the app's \
                     version is from {}): upgrade, or pass an existing V2 pipeline as {}.",
                    v.file.display(),
                    n.api("code_pipeline")
                ),
            ));
            continue;
        }
        match &p.pipeline_type {
            Known::Value(t, span) if t == "V1" => out.push(Diagnostic::new(
                CODE,
                Severity::Warning,
                *span,
                format!(
                    "This pipeline is a V1 CodePipeline: V1 has no git triggers or pipeline \
                     variables and is billed per pipeline. Use {}.",
                    n.prop("pipeline_type", &n.static_method("PipelineType", "V2"))
                ),
            )),
            Known::Absent if ctx.model.default_pipeline_type_v2 == Some(false) && !p.props_open => {
                out.push(Diagnostic::new(
                    CODE,
                    Severity::Information,
                    p.id_span,
                    format!(
                        "Without {prop} this pipeline is created as V1, because cdk.json does \
                         not set the feature flag `{FLAG}`. Set {prop} explicitly or enable the \
                         flag{needs}."
                    ),
                ))
            }
            _ => {}
        }
    }
}
