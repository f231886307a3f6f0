//! `duplicate-stack-id`: a Stage class that makes two stacks with the same construct id. The
//! `constructs` library refuses the second at its construction.

use std::collections::HashMap;

use super::{Check, Ctx, Diagnostic, Related, Rule, Severity};

const CODE: &str = "duplicate-stack-id";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "two stacks with the same construct id in one Stage",
    prevents: "synth: `There is already a Construct with name 'Svc' in Stage [Prod]`",
    doc: "Construct ids must be unique among a scope's children. A Stage class that makes two \
          stacks with the same id (`Stack(self, \"Svc\")` twice) fails at the second with \
          \"There is already a Construct with name 'Svc' in <Stage class> [<stage id>]\" \
          (Python names the class `Stage`). Give each stack its own id; the id is also part \
          of the stack's name (`<stage>-<id>`). Reported only for stacks the Stage certainly \
          makes (not under an `if` or in a loop the model cannot decide).",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        for stage in p.stages.iter().filter(|s| !s.conditional) {
            let Some(stacks) = &stage.stacks else {
                continue;
            };
            let mut first = HashMap::new();
            for st in stacks.iter().filter(|s| !s.conditional) {
                let Some(id) = &st.id else { continue };
                let Some(prev) = first.get(id) else {
                    first.insert(id.clone(), st.id_span);
                    continue;
                };
                // `constructs` names the scope by its JavaScript class; through jsii (Python,
                // Java, C#, Go) that is CDK's own `Stage`.
                let class = match (ctx.naming.scope_named_by_app_class, stage.class.as_deref()) {
                    (true, Some(c)) => c.rsplit('.').next().unwrap_or(c),
                    _ => "Stage",
                };
                let scope = match &stage.id {
                    Some(sid) => format!("{class} [{sid}]"),
                    None => format!("{class} […]"),
                };
                let mut d = Diagnostic::new(
                    CODE,
                    Severity::Error,
                    st.id_span,
                    format!(
                        "`cdk synth` fails here with \"There is already a Construct with name \
                         '{id}' in {scope}\": this Stage already has a stack `{id}`. Give this \
                         stack its own id."
                    ),
                );
                d.file = st.file.clone();
                d.related.push(Related {
                    file: st.file.clone(),
                    span: *prev,
                    message: format!("the first `{id}`"),
                });
                out.push(d);
            }
        }
    }
}
