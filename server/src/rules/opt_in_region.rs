//! `opt-in-region`: a region that must be enabled in the account before anything deploys.

use super::{Ctx, Diagnostic, Severity};
use crate::model::Known;
use crate::regions;

pub const CODE: &str = "opt-in-region";

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for env in ctx.envs() {
        let Known::Value(code, span) = &env.region else {
            continue;
        };
        let Some(region) = regions::get(code).filter(|r| r.opt_in) else {
            continue;
        };
        let account = match env.account.value() {
            Some(a) => format!("account {a}"),
            None => "the target account".into(),
        };
        let mut d = Diagnostic::new(
            CODE,
            Severity::Warning,
            *span,
            format!(
                "`{}` ({}) is an opt-in region: enable it in {account} (Account settings → AWS \
                 Regions) before the pipeline deploys there, or bootstrap and deploy fail.",
                region.code, region.name
            ),
        );
        d.file = env.file.clone();
        out.push(d);
    }
}
