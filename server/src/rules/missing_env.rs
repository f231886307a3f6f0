//! `missing-env`: a stage, or the pipeline's stack, without an `env`. Environment-agnostic
//! stacks deploy wherever the pipeline runs, and cross-account or cross-region pipelines need
//! an explicit env to synthesize at all.

use super::{pipeline_name, stage_name, Ctx, Diagnostic, Severity};
use crate::model::EnvState;

pub const CODE: &str = "missing-env";

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
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
            let targets_elsewhere = p.stages.iter().any(|s| s.env.env().is_some());
            let severity = if targets_elsewhere {
                Severity::Error
            } else {
                Severity::Warning
            };
            let class = p.stack_class.as_deref().unwrap_or("the pipeline's stack");
            out.push(Diagnostic::new(
                CODE,
                severity,
                p.span,
                format!(
                    "{class} is instantiated without an env, so {} has no account or region: CDK \
                     cannot set up cross-account or cross-region deployments and fails at synth. \
                     Pass env={{account, region}} where the app creates {class}{}.",
                    pipeline_name(p),
                    if n.camel_case {
                        " (`new ...(app, id, { env })`)"
                    } else {
                        ""
                    },
                ),
            ));
        }
    }
}
