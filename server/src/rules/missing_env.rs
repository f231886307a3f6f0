//! `missing-env`: a stage, or the pipeline's stack, without an `env`. Environment-agnostic
//! stacks deploy wherever the pipeline runs, and cross-account or cross-region pipelines need
//! an explicit env to synthesize at all.

use super::{pipeline_name, stage_name, Check, Ctx, Diagnostic, Rule, Severity};
use crate::lang::PropsSyntax;
use crate::model::{EnvState, Known};

const CODE: &str = "missing-env";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Warning, Severity::Error],
    summary: "a stage without `env` (deploys wherever the pipeline is); a pipeline stack \
              without `env` (an error when a stage names its own env)",
    prevents: "synth: `Pipeline stack which uses cross-environment actions must have an \
               explicitly set region`",
    doc: "A stage without `env` is environment-agnostic: its stacks deploy to the pipeline's \
          own account and region, which is rarely what a stage called Prod means. A pipeline \
          whose stack has no `env` cannot deploy anywhere else: as soon as a stage names an \
          account or region, `cdk synth` fails with \"Pipeline stack which uses \
          cross-environment actions must have an explicitly set region\". Pass \
          `env={account, region}` where the app creates the pipeline's stack, and to every \
          stage.",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let n = ctx.naming;
    for p in &ctx.model.pipelines {
        for s in &p.stages {
            if !matches!(s.env, EnvState::Missing) {
                continue;
            }
            out.push(Diagnostic::new(
                CODE,
                Severity::Warning,
                s.id_span,
                format!(
                    "Stage {} has no env, so its stacks are environment-agnostic and deploy to \
                     the pipeline's own account and region. Pass env={{account, region}} to the \
                     stage to say where it deploys.",
                    stage_name(&s.id)
                ),
            ));
        }
        if matches!(p.env, EnvState::Missing) {
            // Only an account or region the code states makes the stage cross-environment
            // for certain (an env of unknowns may well be empty at synth).
            let targets_elsewhere = p.stages.iter().any(|s| {
                s.env.env().is_some_and(|e| {
                    matches!(e.account, Known::Value(..)) || matches!(e.region, Known::Value(..))
                })
            });
            let (severity, consequence) = if targets_elsewhere {
                (
                    Severity::Error,
                    "`cdk synth` fails with \"Pipeline stack which uses cross-environment \
                     actions must have an explicitly set region\"",
                )
            } else {
                (
                    Severity::Warning,
                    "CDK cannot set up cross-account or cross-region deployments for it",
                )
            };
            // CDK's own `Stack` says nothing; the app's class names the stack.
            let (class, it) = match p.stack_class.as_deref().filter(|c| *c != "Stack") {
                Some(c) => (format!("`{c}`"), format!("`{c}`")),
                None => ("The pipeline's stack".to_string(), "the stack".to_string()),
            };
            let mut d = Diagnostic::new(
                CODE,
                severity,
                p.id_span,
                format!(
                    "{class} is instantiated without an env, so {} has no account or region: \
                     {consequence}. Pass env={{account, region}} where the app creates {it}{}.",
                    pipeline_name(p),
                    match n.props {
                        PropsSyntax::ObjectLiteral => " (`new ...(app, id, { env })`)".to_string(),
                        PropsSyntax::Keywords => String::new(),
                        _ => format!(" (`{}`)", n.prop("env", "…")),
                    },
                ),
            );
            d.subject = Some(p.span);
            out.push(d);
        }
    }
}
