//! `invalid-account`: an account that is not 12 digits. CloudFormation rejects it at deploy.

use super::{is_account_id, Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::Known;

const CODE: &str = "invalid-account";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "an account id that is not 12 digits",
    prevents: "deploy: no account has that id (`cdk synth` does not check it)",
    doc: "An AWS account id is exactly 12 digits, leading zeros included. `cdk synth` does not \
          check it, so the pipeline deploys and the stage fails when CodePipeline assumes the \
          bootstrap roles of an account that cannot exist. Write the full 12-digit id as a \
          string, so that leading zeros stay.",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for env in ctx.envs() {
        let Known::Value(account, span) = &env.account else {
            continue;
        };
        if is_account_id(account) {
            continue;
        }
        let digits = account.chars().filter(char::is_ascii_digit).count();
        let hint = if digits == account.len() {
            format!("it has {digits} digits")
        } else {
            "it must be digits only".to_string()
        };
        let mut d = Diagnostic::new(
            CODE,
            Severity::Error,
            *span,
            format!(
                "`{account}` is not an AWS account id: an account id is exactly 12 digits \
                 ({hint}). Use the full id, with leading zeros."
            ),
        );
        d.file = env.file.clone();
        out.push(d);
    }
}
