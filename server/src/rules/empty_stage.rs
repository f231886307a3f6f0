//! `empty-stage`: a Stage added to the pipeline that holds no Stack. `add_stage` synthesizes
//! the Stage at once and refuses an empty one.

use super::{Check, Ctx, Diagnostic, Rule, Severity};

const CODE: &str = "empty-stage";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "a Stage that creates no Stack",
    prevents: "synth: `The given Stage construct ('Prod') should contain at least one Stack`",
    doc: "`add_stage` synthesizes the Stage on the spot and needs at least one Stack in it: \
          `cdk synth` stops at that line with \"The given Stage construct ('<path>') should \
          contain at least one Stack\" (a Stack inside a nested Stage does not count). Create \
          the stage's stacks in its constructor, with the stage as their scope \
          (`ApiStack(self, \"Api\")`), or do not add the stage. Reported only when the model \
          followed everything the Stage's constructor does.",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        for s in &p.stages {
            if !s.stacks_complete || s.stacks.as_ref().is_none_or(|st| !st.is_empty()) {
                continue;
            }
            let Some(id) = &s.id else { continue };
            let what = match s.class.as_deref() {
                Some("Stage") | None => "a plain `Stage` holds no Stack of its own".to_string(),
                Some(class) => format!("`{class}` creates no Stack"),
            };
            out.push(Diagnostic::new(
                CODE,
                Severity::Error,
                s.id_span,
                format!(
                    "`cdk synth` fails here with \"The given Stage construct ('{id}') should \
                     contain at least one Stack\": {what}. Create the stage's stacks in it \
                     (with the stage as their scope), or do not add it to the pipeline."
                ),
            ));
        }
    }
}
