//! `pipeline-already-built`: `build_pipeline()` called twice, or a stage or wave added after
//! it. Once built, a pipeline refuses both, at the call.

use super::{callee_span, delete_line, Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::PipelineClass;

const CODE: &str = "pipeline-already-built";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "`build_pipeline()` called twice, or `add_stage`/`add_wave` after it",
    prevents: "synth: `build() has already been called: can only call it once`, `addStage: \
               can't add Stages anymore after buildPipeline() has been called`",
    doc: "`build_pipeline()` turns the stages and waves added so far into the CodePipeline, \
          once. A second call fails with \"build() has already been called: can only call it \
          once\", and `add_stage`/`add_wave` after it fail with \"addStage: can't add Stages \
          anymore after buildPipeline() has been called\" (\"addWave: can't add Waves \
          anymore …\"). Add every stage and wave before the one `build_pipeline()` call, or \
          do not call it at all: `cdk synth` builds the pipeline by itself. Reported only \
          when both calls certainly run (not under an `if` or in a loop the model cannot \
          decide).",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let n = ctx.naming;
    let build = n.api("build_pipeline");
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CodePipeline {
            continue;
        }
        // Only certain calls count: the first certain build, then whatever certainly follows.
        let mut certain = p.builds.iter().filter(|b| !b.conditional);
        let Some(first) = certain.next() else {
            continue;
        };
        for again in certain {
            let mut d = Diagnostic::new(
                CODE,
                Severity::Error,
                callee_span(ctx.text, again.span),
                format!(
                    "`cdk synth` fails here with \"build() has already been called: can \
                         only call it once\": this pipeline is built already. Remove this \
                         `{build}()` call."
                ),
            )
            .with_related(first.span, format!("first `{build}()` here"));
            // The same call run twice (a helper called twice) is not deleted: that is the first.
            if again.span != first.span {
                d.fix = delete_line(
                    ctx.text,
                    again.span,
                    format!("Remove the second {build}() call"),
                );
            }
            out.push(d);
        }
        for add in &p.adds_after_build {
            if add.call.conditional || add.build.conditional {
                continue;
            }
            let (cdk_text, what) = match add.method {
                "add_stage" => (
                    "addStage: can't add Stages anymore after buildPipeline() has been called",
                    "stage",
                ),
                _ => (
                    "addWave: can't add Waves anymore after buildPipeline() has been called",
                    "wave",
                ),
            };
            out.push(
                Diagnostic::new(
                    CODE,
                    Severity::Error,
                    callee_span(ctx.text, add.call.span),
                    format!(
                        "`cdk synth` fails here with \"{cdk_text}\". Add this {what} before \
                         `{build}()`, or drop the `{build}()` call (`cdk synth` builds the \
                         pipeline by itself)."
                    ),
                )
                .with_related(add.build.span, format!("`{build}()` here")),
            );
        }
    }
}
