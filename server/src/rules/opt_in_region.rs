//! `opt-in-region`: a region that must be enabled in the account before anything deploys.

use super::{Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::Known;
use crate::regions;

const CODE: &str = "opt-in-region";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Warning],
    summary: "a region that must be enabled in the account first",
    prevents: "deploy: the region is not enabled in the account",
    doc: "Regions launched since 2019 are off until the account enables them (AWS console, \
          Account settings, or `aws account enable-region`). Until then nothing deploys there, \
          bootstrapping included. Enable the region in the target account before the pipeline \
          deploys to it.",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
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
