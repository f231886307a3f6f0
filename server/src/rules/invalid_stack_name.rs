//! `invalid-stack-name`: a stack in a Stage whose CloudFormation name CDK's `Stack` refuses:
//! its `stack_name`, or the `<stage name>-<id>` CDK makes without one.

use super::invalid_stage_name::is_stage_id;
use super::{Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::{catalog, Known, Span};

const CODE: &str = "invalid-stack-name";

/// CDK's `VALID_STACK_NAME_REGEX` (`core/lib/stack.ts`).
const PATTERN: &str = "/^[A-Za-z][A-Za-z0-9-]*$/";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "a stack name CloudFormation refuses (characters outside `A-Za-z0-9-`, not \
              starting with a letter, over 128 characters), given or made from the stage and \
              stack ids",
    prevents: "synth: `Stack name must match the regular expression: /^[A-Za-z][A-Za-z0-9-]*$/, \
               got 'Prod-My_Svc'`, `Stack name must be <= 128 characters. Stack name: '…'`",
    doc: "A stack's CloudFormation name is its `stack_name`, or, in a Stage, `<stage \
          name>-<stack id>`. CloudFormation allows letters, digits and `-`, starting with a \
          letter, at most 128 characters, and `Stack(...)` checks it: \"Stack name must match \
          the regular expression: /^[A-Za-z][A-Za-z0-9-]*$/, got '…'\" or \"Stack name must be \
          <= 128 characters. Stack name: '…'\". Stage ids may hold `_` and `.`, so a stage \
          `Prod.v2` with a stack `Svc` fails as well. Rename the stack (or the stage), or give \
          the stack a valid `stack_name`; the quick fix replaces what is not allowed with `-`. \
          Reported only when the name is known and the stack's class hands `stack_name` to \
          CDK as it is.",
    check: Check::Model(check),
    action: None,
};

fn is_stack_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic()) && s.chars().all(catalog::is_stack_name_char)
}

/// `s` with what a stack name cannot hold replaced by `-` (and leading non-letters dropped).
fn fixed_name(s: &str) -> String {
    super::sanitized(
        s.trim_start_matches(|c: char| !c.is_ascii_alphabetic()),
        catalog::is_stack_name_char,
    )
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        for stage in p.stages.iter().filter(|s| !s.conditional) {
            let Some(stacks) = &stage.stacks else {
                continue;
            };
            // The stage's name, when `Stage(...)` itself accepts its id (else that fails first).
            let stage_name: Option<(&str, Span)> = match (&stage.id, &stage.stage_name) {
                _ if !stage.name_from_props => None,
                (Some(id), _) if !is_stage_id(id) => None,
                (Some(_), Known::Value(n, at)) => Some((n, *at)),
                (Some(id), Known::Absent) => Some((id, stage.id_span)),
                _ => None,
            };
            for st in stacks
                .iter()
                .filter(|s| !s.conditional && s.name_from_props)
            {
                let (name, span, given, file) = match (&st.stack_name, &st.id, stage_name) {
                    (Known::Value(n, at), _, _) => (n.clone(), *at, true, st.file.clone()),
                    (Known::Absent, Some(id), Some((sn, sn_at))) => {
                        let name = format!("{sn}-{id}");
                        // Longer names are shortened with a hash, which depends on a flag.
                        if name.len() > catalog::MAX_STACK_NAME {
                            continue;
                        }
                        // The part at fault: the stack's id, else the stage's name.
                        if is_stack_name(id) || id.is_empty() {
                            (name, sn_at, false, None)
                        } else {
                            (name, st.id_span, false, st.file.clone())
                        }
                    }
                    _ => continue,
                };
                let cdk_text = if name.len() > catalog::MAX_STACK_NAME {
                    format!(
                        "Stack name must be <= {} characters. Stack name: '{name}'",
                        catalog::MAX_STACK_NAME
                    )
                } else if !is_stack_name(&name) {
                    format!("Stack name must match the regular expression: {PATTERN}, got '{name}'")
                } else {
                    continue;
                };
                let what = if given {
                    "`stack_name` is the stack's CloudFormation name"
                        .replace("stack_name", &ctx.naming.api("stack_name"))
                } else {
                    format!(
                        "without `{}`, CDK names the stack `<stage name>-<id>`",
                        ctx.naming.api("stack_name")
                    )
                };
                let mut d = Diagnostic::new(
                    CODE,
                    Severity::Error,
                    span,
                    format!(
                        "`cdk synth` fails with \"{cdk_text}\": {what}, and CloudFormation \
                         allows only letters, digits and `-`, starting with a letter, at most \
                         {} characters. Rename it{}.",
                        catalog::MAX_STACK_NAME,
                        if given {
                            ""
                        } else {
                            ", or give the stack a valid stack name"
                        }
                    ),
                );
                d.file = file;
                // The literal at fault, renamed: the given name, or the stack's id.
                let old = match (&st.id, given) {
                    (_, true) if name.len() <= catalog::MAX_STACK_NAME => Some(name.as_str()),
                    (Some(id), false) if span == st.id_span => Some(id.as_str()),
                    _ => None,
                };
                if let (Some(old), None) = (old, &d.file) {
                    let fixed = fixed_name(old);
                    if !fixed.is_empty() {
                        d.fix = super::replace_literal(
                            ctx.text,
                            span,
                            old,
                            &fixed,
                            format!("Rename the stack to \"{fixed}\""),
                        );
                    }
                }
                out.push(d);
            }
        }
    }
}
