//! `deprecated-cdkpipeline`: the original `CdkPipeline` API, deprecated in favour of
//! `CodePipeline`.

use super::{Ctx, Diagnostic, Severity};
use crate::model::PipelineClass;

pub const CODE: &str = "deprecated-cdkpipeline";

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CdkPipeline {
            continue;
        }
        let mut d = Diagnostic::new(
            CODE,
            Severity::Warning,
            p.span,
            format!(
                "CdkPipeline is deprecated and gets no new features: migrate to CodePipeline \
                 (synth={}, {} instead of {}).",
                "ShellStep(...)",
                ctx.naming.api("add_stage"),
                ctx.naming.api("add_application_stage"),
            ),
        );
        d.deprecated = true;
        out.push(d);
    }
}
