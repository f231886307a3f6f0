//! `existing-pipeline-props`: `code_pipeline=` (build on an existing CodePipeline) together
//! with a prop that only a pipeline CDK creates itself can take.

use super::{Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::{catalog, PipelineClass, PropValue};

const CODE: &str = "existing-pipeline-props";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "`code_pipeline=` (an existing pipeline) together with a prop of the pipeline CDK \
              would create",
    prevents: "synth: `Cannot set 'pipelineName' if an existing CodePipeline is given using \
               'codePipeline'`",
    doc: "With `code_pipeline=` CDK Pipelines adds its stages to a CodePipeline you created; \
          the props that configure the pipeline itself (`pipeline_name`, \
          `cross_account_keys`, `enable_key_rotation`, `cross_region_replication_buckets`, \
          `reuse_cross_region_support_stacks`, `role`, `artifact_bucket`, `execution_mode`) \
          then have nothing to configure, and `cdk synth` fails with \"Cannot set \
          '<prop>' if an existing CodePipeline is given using 'codePipeline'\" (one prop at a \
          time, in that order). Set them on the existing `Pipeline` instead, or drop \
          `code_pipeline`.",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let n = ctx.naming;
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CodePipeline {
            continue;
        }
        // A value that may be `None` at run time is no existing pipeline for certain.
        let Some(existing) = p
            .prop("code_pipeline")
            .filter(|v| v.value == PropValue::Object)
        else {
            continue;
        };
        for name in catalog::OWN_PIPELINE_PROPS {
            let Some(prop) = p.prop(name) else { continue };
            let set = match &prop.value {
                // `pipelineName` is checked for truthiness, the others for `!== undefined`.
                PropValue::Str(s) if *name == "pipeline_name" => !s.is_empty(),
                PropValue::Null | PropValue::Unknown => false,
                _ => true,
            };
            if !set {
                continue;
            }
            let camel = super::cdk_name(name);
            let d = Diagnostic::new(
                CODE,
                Severity::Error,
                prop.span,
                format!(
                    "`cdk synth` fails with \"Cannot set '{camel}' if an existing CodePipeline \
                     is given using 'codePipeline'\": {} configures the pipeline CDK would \
                     create, and {} gives one that exists. Set {} on the existing pipeline \
                     instead, or drop {}.",
                    n.api(name),
                    n.api("code_pipeline"),
                    n.api(name),
                    n.api("code_pipeline"),
                ),
            );
            out.push(d.with_related(
                existing.span,
                format!(
                    "the existing pipeline, given with {}",
                    n.api("code_pipeline")
                ),
            ));
        }
    }
}
