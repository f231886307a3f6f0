//! `invalid-account`: an account that is not 12 digits. CloudFormation rejects it at deploy.

use super::{is_account_id, Ctx, Diagnostic, Severity};
use crate::model::Known;

pub const CODE: &str = "invalid-account";

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
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
