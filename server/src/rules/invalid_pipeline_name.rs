//! `invalid-pipeline-name`: a `pipeline_name` that CodePipeline's name pattern refuses.

use super::{
    is_codepipeline_name, replace_literal, sanitized, Check, Ctx, Diagnostic, Rule, Severity,
    CODEPIPELINE_NAME_PATTERN,
};
use crate::model::{catalog, PipelineClass, PropValue};

const CODE: &str = "invalid-pipeline-name";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "a `pipeline_name` CodePipeline refuses (characters outside `A-Za-z0-9.@_-`, over \
              100 characters)",
    prevents: "synth: `Pipeline name must match regular expression: \
               /^[a-zA-Z0-9.@_-]{1,100}$/, got 'my pipeline'`",
    doc: "CodePipeline names hold letters, digits, `.`, `@`, `_` and `-`, at most 100 of them. \
          CDK checks `pipeline_name` when it creates the pipeline, so `cdk synth` fails with \
          \"Pipeline name must match regular expression: /^[a-zA-Z0-9.@_-]{1,100}$/, got \
          '…'\". Rename it; the quick fix replaces what is not allowed with `-`.",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CodePipeline {
            continue;
        }
        // With an existing pipeline CDK refuses the prop itself first (`existing-pipeline-props`).
        if p.prop("code_pipeline")
            .is_some_and(|v| v.value != PropValue::Null)
        {
            continue;
        }
        let Some(prop) = p.prop("pipeline_name") else {
            continue;
        };
        let PropValue::Str(name) = &prop.value else {
            continue;
        };
        if name.is_empty() || is_codepipeline_name(name) {
            continue;
        }
        let mut d = Diagnostic::new(
            CODE,
            Severity::Error,
            prop.span,
            format!(
                "`cdk synth` fails with \"Pipeline name must match regular expression: \
                 {CODEPIPELINE_NAME_PATTERN}, got '{name}'\". Use only letters, digits, `.`, \
                 `@`, `_` and `-`, at most 100 characters."
            ),
        );
        let fixed: String = sanitized(name, catalog::is_name_char)
            .chars()
            .take(catalog::MAX_NAME)
            .collect();
        if !fixed.is_empty() {
            d.fix = replace_literal(
                ctx.text,
                prop.span,
                name,
                &fixed,
                format!("Rename the pipeline to \"{fixed}\""),
            );
        }
        out.push(d);
    }
}
