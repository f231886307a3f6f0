//! `deprecated-cdkpipeline`: the original `CdkPipeline` API, deprecated in favour of
//! `CodePipeline`.

use super::{callee_span, Check, CodeAction, Ctx, Diagnostic, Rule, Severity};
use crate::model::PipelineClass;

const CODE: &str = "deprecated-cdkpipeline";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Warning],
    summary: "the deprecated `CdkPipeline` API",
    prevents: "synth: `CdkPipeline` is not in `aws-cdk-lib` v2 (the import fails)",
    doc: "`CdkPipeline` is the original CDK Pipelines API: deprecated in CDK v1 and gone from \
          `aws-cdk-lib` v2, so an app that still uses it cannot move to v2. Use `CodePipeline` \
          with `synth=ShellStep(...)` and `add_stage` instead of `add_application_stage`; the \
          quick fix rewrites the construction.",
    check: Check::Model(check),
    action: Some(MIGRATE),
};

const MIGRATE: CodeAction = CodeAction {
    title: |_| "Migrate CdkPipeline to CodePipeline".into(),
    edits: |text, plugin, d| {
        let call = d.subject?;
        crate::ide::migrate::migrate(text, plugin, call.start_byte..call.end_byte)
    },
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CdkPipeline {
            continue;
        }
        let mut d = Diagnostic::new(
            CODE,
            Severity::Warning,
            callee_span(ctx.text, p.span),
            format!(
                "CdkPipeline is deprecated and gets no new features: migrate to CodePipeline \
                 (synth={}, {} instead of {}).",
                "ShellStep(...)",
                ctx.naming.api("add_stage"),
                ctx.naming.api("add_application_stage"),
            ),
        );
        d.deprecated = true;
        d.subject = Some(p.span);
        out.push(d);
    }
}
