//! `stage-after-build`: `wave.add_stage(…)` after the pipeline's `build_pipeline()`. Unlike
//! the pipeline's own `add_stage`, a wave does not refuse it: the Stage is made (and
//! synthesized) but the pipeline, built already, never deploys it.

use super::{callee_span, Check, Ctx, Diagnostic, Rule, Severity};

const CODE: &str = "stage-after-build";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Warning],
    summary: "`wave.add_stage` after `build_pipeline()`: a Stage that never deploys",
    prevents: "deploy: the Stage is synthesized but the pipeline has no stage or action for it",
    doc: "`build_pipeline()` turns the stages and waves added so far into the CodePipeline, \
          once. The pipeline's own `add_stage`/`add_wave` refuse to run after it, but a wave's \
          `add_stage` does not look: the Stage is made and synthesized, and `cdk synth` \
          succeeds, yet the pipeline has no action for its stacks, so it never deploys. Add \
          the Stage to its wave before `build_pipeline()`, or drop the `build_pipeline()` \
          call (`cdk synth` builds the pipeline by itself). Reported only when both calls \
          certainly run (not under an `if` or in a loop the model cannot decide).",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let build = ctx.naming.api("build_pipeline");
    for p in &ctx.model.pipelines {
        for add in &p.wave_stages_after_build {
            if add.call.conditional || add.build.conditional {
                continue;
            }
            let stage = p
                .stages
                .iter()
                .find(|s| s.span == add.call.span)
                .and_then(|s| s.id.as_deref());
            let what = match stage {
                Some(id) => format!("Stage `{id}`"),
                None => "this Stage".to_string(),
            };
            out.push(
                Diagnostic::new(
                    CODE,
                    Severity::Warning,
                    callee_span(ctx.text, add.call.span),
                    format!(
                        "The pipeline is built already: CDK takes {what} without a word and \
                         `cdk synth` succeeds, but the pipeline never deploys it. Add it to \
                         the wave before `{build}()`, or drop the `{build}()` call (`cdk \
                         synth` builds the pipeline by itself)."
                    ),
                )
                .with_related(add.build.span, format!("`{build}()` here")),
            );
        }
    }
}
