//! `duplicate-stage`: two stages (or waves) of one pipeline with the same id. CDK fails at
//! synth ("There is already a Construct with name …" or a duplicate stage name).

use std::collections::HashMap;

use super::{Ctx, Diagnostic, Related, Severity};

pub const CODE: &str = "duplicate-stage";

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        // CodePipeline stage names: one per wave (a plain add_stage is a wave of one).
        let mut first = HashMap::new();
        for w in &p.waves {
            let Some(id) = &w.id else { continue };
            if let Some(prev) = first.insert(id.clone(), w.id_span) {
                let what = if w.implicit { "stage" } else { "wave" };
                let mut d = Diagnostic::new(
                    CODE,
                    Severity::Error,
                    w.id_span,
                    format!(
                        "The pipeline already has a stage named `{id}`: CodePipeline stage names \
                         must be unique and synth fails. Rename this {what}."
                    ),
                );
                d.related.push(Related {
                    file: None,
                    span: prev,
                    message: format!("`{id}` is first defined here"),
                });
                first.insert(id.clone(), prev);
                out.push(d);
            }
        }
        // Stage constructs inside waves share the pipeline stack as scope.
        let mut seen = HashMap::new();
        for s in p.stages.iter().filter(|s| s.wave.is_some()) {
            let Some(id) = &s.id else { continue };
            if let Some(prev) = seen.insert(id.clone(), s.id_span) {
                let mut d = Diagnostic::new(
                    CODE,
                    Severity::Error,
                    s.id_span,
                    format!(
                        "Another stage of this pipeline is already named `{id}`: the second \
                         Stage construct clashes with the first and synth fails. Rename it."
                    ),
                );
                d.related.push(Related {
                    file: None,
                    span: prev,
                    message: format!("`{id}` is first defined here"),
                });
                seen.insert(id.clone(), prev);
                out.push(d);
            }
        }
    }
}
