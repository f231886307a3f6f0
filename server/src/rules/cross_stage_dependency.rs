//! `cross-stage-dependency`: `a.add_dependency(b)` between stacks of two Stages (or a Stage's
//! stack and one of the App). CDK refuses it at the call: a dependency cannot cross a stage
//! boundary.

use super::{Check, Ctx, Diagnostic, Rule, Severity};

const CODE: &str = "cross-stage-dependency";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "`add_dependency` between stacks of two Stages, or a Stage's and the App's",
    prevents: "synth: `You cannot have a dependency from 'Prod/Svc' (in Stage 'Prod') to \
               'Beta/Svc' (in Stage 'Beta'): dependency cannot cross stage boundaries`",
    doc: "A stack can only depend on stacks of its own Stage (the App counts as one for the \
          stacks made in it, such as the pipeline's). `prod.svc.add_dependency(beta.svc)` \
          between stacks of two Stages, or between a Stage's stack and a stack of the App, \
          fails at the call with \"You cannot have a dependency from '<path>' (in Stage \
          '<stage>') to '<path>' (in Stage '<other>' / the App): dependency cannot cross \
          stage boundaries\" (`add_stack_dependency` too). A pipeline deploys its stages in \
          the order they are added (a wave's stages side by side): add the Stage the stack \
          waits for first, or make both stacks in one Stage. Reported only when the model \
          knows for certain what holds each stack (a Stage the code makes, read as \
          `stage.svc`; a stack made with the App as scope; a stack a Stage class is given \
          from outside) and the call certainly runs.",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let add = ctx.naming.api("add_dependency");
    for d in &ctx.model.stack_dependencies {
        if d.call.conditional || !d.from.holder.differs_from(&d.to.holder) {
            continue;
        }
        let cdk_text = match (
            d.from.path(),
            d.from.holder.cdk_name(),
            d.to.path(),
            d.to.holder.cdk_name(),
        ) {
            (Some(fp), Some(fs), Some(tp), Some(ts)) => format!(
                "You cannot have a dependency from '{fp}' (in {fs}) to '{tp}' (in {ts}): \
                 dependency cannot cross stage boundaries"
            ),
            _ => "You cannot have a dependency from … to …: dependency cannot cross stage \
                  boundaries"
                .to_string(),
        };
        let target = match (&d.to.id, d.to.holder.cdk_name()) {
            (Some(id), Some(h)) => format!("stack `{id}` is in {h}"),
            (Some(id), None) => format!("stack `{id}` is in another Stage"),
            (None, _) => "this stack is in another Stage".to_string(),
        };
        let mut diag = Diagnostic::new(
            CODE,
            Severity::Error,
            d.arg_span,
            format!(
                "`cdk synth` fails here with \"{cdk_text}\": {target}, and the stack that \
                 would wait for it is not. Let the pipeline order them instead (add \
                 the Stage it waits for first, or in an earlier wave), or make both stacks \
                 in one Stage, then remove this `{add}` call."
            ),
        );
        diag.file = d.file.clone();
        out.push(diag);
    }
}
