//! `invalid-stage-name`: a Stage construct id CDK's `Stage` refuses, or a CodePipeline stage
//! name (from a wave id, or a stage id too long) that CodePipeline's name pattern refuses.
//! CDK sanitizes action names, never stage names.

use std::collections::HashMap;

use super::{
    is_codepipeline_name, replace_literal, sanitized, Check, Ctx, Diagnostic, Rule, Severity,
    CODEPIPELINE_NAME_PATTERN,
};
use crate::model::{catalog, Known, Span};

const CODE: &str = "invalid-stage-name";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "a stage id CDK's `Stage` refuses, or a stage or wave name CodePipeline refuses \
              (characters outside `A-Za-z0-9.@_-`, over 100 characters)",
    prevents: "synth: `invalid stage name \"Prod Stage\". Stage name must start with a letter \
               and contain only alphanumeric characters, hypens ('-'), underscores ('_') and \
               periods ('.')`, `Stage name must match regular expression: \
               /^[a-zA-Z0-9.@_-]{1,100}$/, got 'My Wave'`",
    doc: "A Stage's construct id must start with a letter and hold only letters, digits, `-`, \
          `_` and `.`; else `Stage(...)` fails with \"invalid stage name \"…\". Stage name must \
          start with a letter …\". The CodePipeline stage a stage or wave becomes is named \
          after the stage (a wave of one) or the wave (several stages), `.1`, `.2` added when \
          CDK splits one over 50 actions; CodePipeline allows `A-Za-z0-9.@_-` and at most 100 \
          characters, and CDK does not sanitize stage names, so `cdk synth` fails with \"Stage \
          name must match regular expression: /^[a-zA-Z0-9.@_-]{1,100}$/, got '…'\". Rename the \
          stage or wave; the quick fix replaces what is not allowed with `-`. (`_` and `.` pass \
          here but not in the stage's stack names, which CloudFormation limits to letters, \
          digits and `-`.)",
    check: Check::Model(check),
    action: None,
};

/// CDK's `Stage` id check (`core/lib/stage.ts`): `/^[a-z][a-z0-9\-\_\.]*$/i`, or empty.
pub(super) fn is_stage_id(s: &str) -> bool {
    s.is_empty()
        || (s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')))
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for (pi, p) in ctx.model.pipelines.iter().enumerate() {
        for s in &p.stages {
            // Stages made by a construct call (not an extension query's wrapper).
            let (Some(id), Some(_)) = (&s.id, &s.class) else {
                continue;
            };
            if is_stage_id(id) {
                continue;
            }
            let mut d = Diagnostic::new(
                CODE,
                Severity::Error,
                s.id_span,
                format!(
                    "`cdk synth` fails here with \"invalid stage name \"{id}\". Stage name must \
                     start with a letter and contain only alphanumeric characters, hypens \
                     ('-'), underscores ('_') and periods ('.')\". Rename the stage."
                ),
            );
            let fixed = sanitized(
                id.trim_start_matches(|c: char| !c.is_ascii_alphabetic()),
                catalog::is_stack_name_char,
            );
            if !fixed.is_empty() {
                d.fix = replace_literal(
                    ctx.text,
                    s.id_span,
                    id,
                    &fixed,
                    format!("Rename the stage to \"{fixed}\""),
                );
            }
            out.push(d);
        }
        // The CodePipeline stage names, where the model is sure of them: a wave of several
        // stages is named after the wave; an `add_stage` after the stage's id (its id passed
        // the check above, so only its length can fail), `.N` added when CDK splits it.
        // The certain predicted stages of each wave (by the wave's span), in order: one pass,
        // not one per wave (a pipeline may have thousands).
        let mut predicted: HashMap<Span, Vec<&str>> = HashMap::new();
        for st in ctx.predictions().get(pi).map_or(&[][..], |p| &p.stages[..]) {
            if st.certain {
                predicted.entry(st.span).or_default().push(st.name.as_str());
            }
        }
        for w in &p.waves {
            let (name, name_span, literal, what) = if w.implicit {
                let Some(s) = w.stages.first().map(|&i| &p.stages[i]) else {
                    continue;
                };
                match (&s.id, &s.stage_name) {
                    (Some(id), Known::Absent) if is_stage_id(id) => {
                        (id.clone(), s.id_span, id.clone(), "stage")
                    }
                    _ => continue,
                }
            } else if w.stages.len() >= 2 {
                match &w.id {
                    Some(id) => (id.clone(), w.id_span, id.clone(), "wave"),
                    None => continue,
                }
            } else {
                continue;
            };
            // The names the prediction gives this wave's CodePipeline stages: the name, or
            // `name.1`, `name.2` when CDK splits it (a split only the prediction is sure of).
            let mut names = vec![name.clone()];
            if let Some(of_wave) = predicted.get(&w.span) {
                let split: Vec<&str> = of_wave
                    .iter()
                    .copied()
                    .filter(|n| n.starts_with(&name))
                    .collect();
                if split.len() > 1 {
                    names = split.iter().map(|s| s.to_string()).collect();
                }
            }
            let Some(bad) = names.into_iter().find(|n| !is_codepipeline_name(n)) else {
                continue;
            };
            let mut d = Diagnostic::new(
                CODE,
                Severity::Error,
                name_span,
                format!(
                    "`cdk synth` fails with \"Stage name must match regular expression: \
                     {CODEPIPELINE_NAME_PATTERN}, got '{bad}'\": this {what} becomes a \
                     CodePipeline stage of that name, and CodePipeline allows only letters, \
                     digits, `.`, `@`, `_` and `-`, at most 100 characters. Rename the {what}."
                ),
            );
            let fixed: String = sanitized(&literal, catalog::is_name_char)
                .chars()
                .take(90)
                .collect();
            if !fixed.is_empty() && fixed != literal {
                d.fix = replace_literal(
                    ctx.text,
                    name_span,
                    &literal,
                    &fixed,
                    format!("Rename the {what} to \"{fixed}\""),
                );
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stage_ids_as_cdk_checks_them() {
        for ok in ["Prod", "prod-1", "Prod.v2", "A_b", ""] {
            assert!(super::is_stage_id(ok), "{ok}");
        }
        for bad in ["Prod Stage", "1prod", "-x", "Prod/1", "Prödd"] {
            assert!(!super::is_stage_id(bad), "{bad}");
        }
    }
}
