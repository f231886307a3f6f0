//! `change-set-steps-disabled`: `change_set` stack steps on a pipeline with
//! `use_change_sets=False`: there is no change set to run them against.

use super::{Check, Ctx, Diagnostic, Fix, Rule, Severity};
use crate::model::{Known, PipelineClass};

const CODE: &str = "change-set-steps-disabled";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "`change_set` stack steps with `use_change_sets=False`",
    prevents: "synth: `Cannot use 'changeSet' steps for stack 'Prod-Svc': the pipeline does \
               not support them or they have been disabled`",
    doc: "`change_set` steps of `stack_steps` run between a stack's `Prepare` (create the \
          change set) and `Deploy` (execute it). With `use_change_sets=False` the pipeline \
          deploys each stack in one action, and `cdk synth` fails with \"Cannot use \
          'changeSet' steps for stack '<stack name>': the pipeline does not support them or \
          they have been disabled\". Move the steps to the stack's `pre` or `post`, or let \
          the pipeline use change sets (the quick fix sets `use_change_sets` back to true).",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let n = ctx.naming;
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CodePipeline {
            continue;
        }
        let Known::Value(false, off) = p.use_change_sets else {
            continue;
        };
        for s in &p.stages {
            for ss in &s.stack_steps {
                let Some(step) = ss.change_set.first() else {
                    continue;
                };
                // A stack the stage does not hold fails differently (CDK cannot find it).
                let Some(stack) = s
                    .stacks
                    .iter()
                    .flatten()
                    .find(|st| st.id.is_some() && st.id == ss.stack)
                else {
                    continue;
                };
                let stage_name = match &s.stage_name {
                    Known::Value(v, _) => s.id.as_ref().map(|_| v.clone()),
                    Known::Absent => s.id.clone(),
                    Known::Unknown(_) => None,
                };
                let stack_name = match (&stack.stack_name, stage_name, &stack.id) {
                    (Known::Value(v, _), _, _) => v.clone(),
                    (Known::Absent, Some(stage), Some(id)) => format!("{stage}-{id}"),
                    _ => "…".into(),
                };
                let mut d = Diagnostic::new(
                    CODE,
                    Severity::Error,
                    step.id_span,
                    format!(
                        "`cdk synth` fails with \"Cannot use 'changeSet' steps for stack \
                         '{stack_name}': the pipeline does not support them or they have been \
                         disabled\": this pipeline sets {}, so no change set exists to run the \
                         step against. Move the step to the stack's {} or {}, or let the \
                         pipeline use change sets.",
                        ctx.prop_text("use_change_sets", &n.bool(false)),
                        n.api("pre"),
                        n.api("post"),
                    ),
                )
                .with_related(off, "change sets are turned off here".to_string());
                d.fix = Some(Fix {
                    title: format!("Set {} to {}", n.api("use_change_sets"), n.true_lit),
                    edits: vec![(off, n.true_lit.to_string())],
                });
                out.push(d);
            }
        }
    }
}
