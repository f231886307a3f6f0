//! `input-directory-dot`: `additional_inputs` with the directory `.`, which CDK reserves for
//! the step's `input`.

use super::{Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::{Pipeline, Step};

const CODE: &str = "input-directory-dot";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "`additional_inputs` with the directory `.`",
    prevents: "synth: `'Test': input for directory '.' should be passed via 'input' property`",
    doc: "A step's primary input lands in its working directory `.`; `additional_inputs` \
          places other file sets in subdirectories. Giving `.` there fails where the step is \
          created: \"'Test': input for directory '.' should be passed via 'input' \
          property\". Pass that source as `input=`, or give it a subdirectory.",
    check: Check::Model(check),
    action: None,
};

/// Every step of a pipeline, where it is used.
fn steps(p: &Pipeline) -> impl Iterator<Item = &Step> {
    p.synth
        .iter()
        .chain(p.stages.iter().flat_map(|s| {
            s.pre.iter().chain(&s.post).chain(
                s.stack_steps
                    .iter()
                    .flat_map(|ss| ss.pre.iter().chain(&ss.change_set).chain(&ss.post)),
            )
        }))
        .chain(p.waves.iter().flat_map(|w| w.pre.iter().chain(&w.post)))
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        for step in steps(p) {
            let Some((_, dict)) = step.additional_input_dirs.iter().find(|(d, _)| d == ".") else {
                continue;
            };
            // The key itself, when the literal is where the model says.
            let text = ctx.text.get(dict.start_byte..dict.end_byte).unwrap_or("");
            let span = ["\".\"", "'.'"]
                .iter()
                .find_map(|k| text.find(k))
                .map(|i| ctx.sub_span(*dict, dict.start_byte + i..dict.start_byte + i + 3))
                .unwrap_or(*dict);
            let id = step.id.as_deref().unwrap_or("…");
            out.push(Diagnostic::new(
                CODE,
                Severity::Error,
                span,
                format!(
                    "`cdk synth` fails with \"'{id}': input for directory '.' should be passed \
                     via 'input' property\". Pass this source as {}, or give it a \
                     subdirectory.",
                    ctx.naming.api("input"),
                ),
            ));
        }
    }
}
