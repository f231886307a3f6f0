//! `primary-output-conflict`: a step's primary output directory set twice to different
//! values (its `primary_output_directory` prop, `CodePipeline` giving its synth step
//! `cdk.out`, `step.primary_output_directory(…)` calls). CDK refuses the second at the call.

use std::collections::HashMap;

use super::{Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::{Known, Span, StepEvent};

const CODE: &str = "primary-output-conflict";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "a step's primary output directory set twice to different values",
    prevents: "synth: `ShellStep(Synth): primaryOutputDirectory is 'cdk.out', cannot be \
               changed to 'dist'`",
    doc: "A `ShellStep` or `CodeBuildStep` has one primary output directory. It is set by its \
          `primary_output_directory` prop, by `step.primary_output_directory(dir)`, or by \
          `CodePipeline`, which gives a synth step that has none `cdk.out`. Setting it again \
          to another directory fails with \"ShellStep(<id>): primaryOutputDirectory is \
          '<old>', cannot be changed to '<new>'\" (setting the same one again is fine). Set \
          the directory once: in the prop, or in one call before the step is handed to the \
          pipeline. Reported only when both values are known and both settings certainly run.",
    check: Check::Model(check),
    action: None,
};

/// What the model knows about one step's directory so far.
enum Dir {
    Set(String, Option<Span>),
    /// Set to something it cannot know, or maybe set: nothing more is certain.
    Lost,
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let mut dirs: HashMap<usize, Dir> = HashMap::new();
    for e in &ctx.model.step_events {
        let StepEvent::OutputDir {
            step,
            dir,
            call,
            implicit,
        } = e
        else {
            continue;
        };
        if step.ambiguous {
            continue;
        }
        let key = step.span.start_byte;
        let maybe = call.as_ref().is_some_and(|c| c.conditional);
        let here = match dir {
            Known::Value(d, s) => Some((d.clone(), *s)),
            _ => None,
        };
        match (dirs.get(&key), here) {
            (Some(Dir::Lost), _) => {}
            // CDK only fills in `cdk.out` when nothing is set.
            (Some(Dir::Set(..)), _) if *implicit => {}
            (None, Some((d, s))) if !maybe => {
                let at = (!*implicit).then_some(s);
                dirs.insert(key, Dir::Set(d, at));
            }
            (Some(Dir::Set(old, _)), Some((d, _))) if *old == d => {}
            (Some(Dir::Set(old, old_at)), Some((d, s))) if !maybe => {
                let id = step.id.as_deref().unwrap_or("…");
                let this = format!("{}({id})", step.kind.name());
                let first = match old_at {
                    Some(_) => format!("it was set to '{old}' before"),
                    None => format!(
                        "the pipeline gave this synth step '{old}', since it had no output \
                         directory when it was handed over"
                    ),
                };
                let mut diag = Diagnostic::new(
                    CODE,
                    Severity::Error,
                    s,
                    format!(
                        "`cdk synth` fails here with \"{this}: primaryOutputDirectory is \
                         '{old}', cannot be changed to '{d}'\": {first}. Set the directory \
                         once{}.",
                        if old_at.is_none() {
                            format!(
                                " (in `{}` on the step, or before the pipeline is made)",
                                ctx.naming.api("primary_output_directory")
                            )
                        } else {
                            String::new()
                        }
                    ),
                );
                if let Some(at) = old_at {
                    diag = diag.with_related(*at, format!("'{old}' set here"));
                }
                out.push(diag);
                dirs.insert(key, Dir::Lost);
            }
            _ => {
                dirs.insert(key, Dir::Lost);
            }
        }
    }
}
