//! `synth-without-output`: a synth step that produces no files (a `ManualApprovalStep`, a
//! `ConfirmPermissionsBroadening`): the pipeline has no cloud assembly to deploy.

use super::{callee_span, Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::{catalog, PipelineClass};

const CODE: &str = "synth-without-output";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "a synth step that produces no output (`ManualApprovalStep`, \
              `ConfirmPermissionsBroadening`)",
    prevents: "synth: `synthStep ManualApprovalStep(Approve) must produce a primary output, \
               but is not producing anything. Configure the Step differently or use a \
               different Step type.`",
    doc: "The synth step's output is the cloud assembly every later stage deploys, so it must \
          produce files. An approval or a permissions check produces none, and `new \
          CodePipeline(...)` fails with \"synthStep ManualApprovalStep(Approve) must produce \
          a primary output, but is not producing anything. …\". Use a `ShellStep` or \
          `CodeBuildStep` that runs `cdk synth` as `synth`, and put approvals in a stage's \
          `pre`.",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CodePipeline {
            continue;
        }
        let Some(synth) = &p.synth else { continue };
        // A known class that is no ShellStep has no primary output; an unknown one may.
        if catalog::step_class(&synth.kind).is_none_or(|c| c.shell) {
            continue;
        }
        let step = format!(
            "{}({})",
            synth.kind.name(),
            synth.id.as_deref().unwrap_or("…")
        );
        out.push(Diagnostic::new(
            CODE,
            Severity::Error,
            callee_span(ctx.text, synth.span),
            format!(
                "`cdk synth` fails with \"synthStep {step} must produce a primary output, but \
                 is not producing anything\": a {} produces no files, and the synth step's \
                 files are what the pipeline deploys. Use a ShellStep that runs `cdk synth` \
                 as {}, and put this step in a stage's {}.",
                synth.kind.name(),
                ctx.naming.api("synth"),
                ctx.naming.api("pre"),
            ),
        ));
    }
}
