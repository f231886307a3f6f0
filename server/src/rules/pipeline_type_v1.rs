//! `pipeline-type-v1`: the pipeline is a V1 CodePipeline, explicitly or because the app does
//! not set the feature flag that makes V2 the default. V1 lacks git triggers, variables and
//! per-execution pricing.

use super::{Ctx, Diagnostic, Severity};
use crate::model::{Known, PipelineClass};

pub const CODE: &str = "pipeline-type-v1";
pub const FLAG: &str = "@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2";

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
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
                    p.span,
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
