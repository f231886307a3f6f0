//! `unknown-region`: a region code that is not an AWS region, with the nearest real one.

use super::{Check, Ctx, Diagnostic, Fix, Rule, Severity};
use crate::model::Known;
use crate::regions;

const CODE: &str = "unknown-region";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "not an AWS region; suggests the nearest one",
    prevents: "deploy: no such region (`cdk synth` does not check it)",
    doc: "The region is not one of AWS's region codes (nor of another partition's). `cdk synth` \
          accepts any string, and the deploy fails where CodePipeline reaches for that region. \
          The diagnostic names the nearest real region, and its quick fix writes it.",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for env in ctx.envs() {
        let Known::Value(region, span) = &env.region else {
            continue;
        };
        if regions::get(region).is_some() || regions::is_other_partition(region) {
            continue;
        }
        let suggestion = regions::suggest(region);
        let message = match suggestion {
            Some(r) => format!(
                "`{region}` is not an AWS region; did you mean `{}` ({})?",
                r.code, r.name
            ),
            None => {
                format!("`{region}` is not an AWS region. Use a region code such as `us-east-1`.")
            }
        };
        let mut d = Diagnostic::new(CODE, Severity::Error, *span, message);
        d.file = env.file.clone();
        if let Some(r) = suggestion {
            // Replace the text inside the quotes only: the span covers the string literal.
            let inner = inside_quotes(*span);
            d.fix = Some(Fix {
                title: format!("Change to {} ({})", r.code, r.name),
                edits: vec![(inner, r.code.to_string())],
            });
        }
        out.push(d);
    }
}

/// The span of a string literal's contents, without its quotes (one byte each side).
pub(super) fn inside_quotes(span: crate::model::Span) -> crate::model::Span {
    let mut s = span;
    if s.end_byte >= s.start_byte + 2 && s.start.0 == s.end.0 {
        s.start_byte += 1;
        s.end_byte -= 1;
        s.start.1 += 1;
        s.end.1 -= 1;
    }
    s
}
