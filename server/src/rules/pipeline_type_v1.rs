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
          warning). Set `pipeline_type=PipelineType.V2`, or enable the flag.",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let n = ctx.naming;
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CodePipeline {
            continue;
        }
        let prop = n.api("pipeline_type");
        match &p.pipeline_type {
            Known::Value(t, span) if t == "V1" => out.push(Diagnostic::new(
                CODE,
                Severity::Warning,
                *span,
                format!(
                    "This pipeline is a V1 CodePipeline: V1 has no git triggers or pipeline \
                     variables and is billed per pipeline. Use {prop}{}PipelineType.V2.",
                    if n.camel_case { ": " } else { "=" }
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
                         flag."
                    ),
                ))
            }
            _ => {}
        }
    }
}
