//! `pipeline-quota`: a pipeline whose predicted CodePipeline exceeds a CodePipeline quota.
//! `cdk synth` does not check these; the deploy fails.

use super::{Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::catalog::{MAX_ACTIONS, MAX_STAGES};
use crate::model::MAX_MODEL_STAGES;

const CODE: &str = "pipeline-quota";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Warning],
    summary: "more stages (50) or actions (500) than CodePipeline allows in one pipeline",
    prevents: "deploy: CodePipeline refuses the pipeline (`cdk synth` succeeds)",
    doc: "CodePipeline allows at most 50 stages in a pipeline and, per its published quotas, \
          500 actions (AWS has reportedly raised the latter to 1000: hence a warning), see \
          \"Quotas in AWS CodePipeline\", \
          https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html. `cdk synth` \
          does not check them; the pipeline's deploy fails. CDK already splits a stage of more \
          than 50 actions. Group stages into waves (a wave of several stages is one \
          CodePipeline stage), or split the pipeline. Past 10,000 stages or waves pipelens \
          stops reading the pipeline and this warning says where.",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for (p, pred) in ctx.model.pipelines.iter().zip(ctx.predictions()) {
        let stages = pred.stages.len();
        let actions: usize = pred.stages.iter().map(|s| s.actions.len()).sum();
        let mut over = Vec::new();
        // Past its cut the model does not know how many there are: at least what it read.
        let at_least = if p.cut.is_some() { "at least " } else { "" };
        if stages > MAX_STAGES {
            over.push(format!(
                "{at_least}{stages} stages (CodePipeline allows {MAX_STAGES})"
            ));
        }
        if actions > MAX_ACTIONS {
            over.push(format!(
                "{at_least}{actions} actions (CodePipeline allows {MAX_ACTIONS} per pipeline)"
            ));
        }
        if over.is_empty() {
            // A cut pipeline is over the quota whatever the prediction could count.
            if p.cut.is_none() {
                continue;
            }
            over.push(format!(
                "more than {MAX_MODEL_STAGES} stages or waves (CodePipeline allows {MAX_STAGES} \
                 stages)"
            ));
        }
        let mut d = Diagnostic::new(
            CODE,
            Severity::Warning,
            p.id_span,
            format!(
                "This pipeline will have {}: `cdk synth` succeeds, but CodePipeline refuses \
                 the pipeline when it deploys. Group stages into waves (several stages in one \
                 CodePipeline stage), or split the pipeline.",
                over.join(" and ")
            ),
        );
        d.subject = Some(p.span);
        if let Some(cut) = p.cut {
            d.message.push_str(&format!(
                " pipelens stopped reading this pipeline after {MAX_MODEL_STAGES} stages or \
                 waves, at line {}: nothing after it is checked or shown.",
                cut.start.0 + 1
            ));
            d = d.with_related(
                cut,
                format!("pipelens stopped reading the pipeline here ({MAX_MODEL_STAGES} stages or waves before it)"),
            );
        }
        out.push(d);
    }
}
