//! `duplicate-stage`: two stages (or waves) of one pipeline with the same name, or one named
//! like a stage CDK makes itself (`Build`, `UpdatePipeline`, `Source`). The CodePipeline
//! stages are the top-level nodes of CDK's pipeline graph, whose names must be unique.

use std::collections::HashMap;

use super::{Check, Ctx, Diagnostic, Related, Rule, Severity};
use crate::model::{Known, Pipeline, Span};

const CODE: &str = "duplicate-stage";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "two stages or waves with the same name, or one named `Build`, \
              `UpdatePipeline` or `Source`",
    prevents: "synth: `Node with duplicate id: Prod`, `There is already a Construct with \
               name 'Prod' in …`, `Dependency cycle in graph: Build => Source => …`",
    doc: "Every `add_stage` (a wave of one) and every wave with several stages becomes a \
          CodePipeline stage named after the stage or the wave, next to the stages CDK makes \
          itself (`Source`, `Build`, `UpdatePipeline`). Two with the same name fail `cdk \
          synth`: \"Node with duplicate id: Prod\" (or, for two Stage constructs with the same \
          id in one scope, \"There is already a Construct with name 'Prod' in …\"). A stage \
          named `Build` or `UpdatePipeline` clashes with CDK's own; one named `Source` becomes \
          a \"Dependency cycle in graph: Build => Source => …\". Rename one of them.",
    check: Check::Model(check),
    action: None,
};

/// The name of each top-level node a wave becomes, when the model is sure of it.
fn top_level_names(p: &Pipeline) -> Vec<(String, Span, &'static str)> {
    let mut out = Vec::new();
    for w in &p.waves {
        if w.implicit {
            // `add_stage` on the pipeline: the stage's own name.
            let Some(&i) = w.stages.first() else { continue };
            let s = &p.stages[i];
            let name = match &s.stage_name {
                Known::Value(n, _) => Some(n.clone()),
                Known::Absent => s.id.clone(),
                Known::Unknown(_) => None,
            };
            if let Some(n) = name {
                out.push((n, s.id_span, "stage"));
            }
        } else if w.stages.len() >= 2 {
            // A wave of one stage is named after the stage, and a wave filled in a loop
            // may hold more stages than the model counts: only several make the name sure.
            if let Some(id) = &w.id {
                out.push((id.clone(), w.id_span, "wave"));
            }
        }
    }
    out
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        let mut first: HashMap<String, Span> = HashMap::new();
        for (name, span, what) in top_level_names(p) {
            let reserved = match name.as_str() {
                "Build" => Some(format!(
                    "`cdk synth` fails with \"Node with duplicate id: Build\": CDK names the \
                     synth step's stage `Build`. Rename this {what}."
                )),
                "UpdatePipeline" if p.self_mutation.or_default(true) == Some(true) => {
                    Some(format!(
                        "`cdk synth` fails with \"Node with duplicate id: UpdatePipeline\": \
                         CDK names the self-mutation stage `UpdatePipeline`. Rename this {what}."
                    ))
                }
                "Source" => Some(format!(
                    "`cdk synth` fails with \"Dependency cycle in graph: Build => Source => \
                     …\": CDK puts the pipeline's sources into the stage named `Source`, so \
                     this {what} would run before and after the build. Rename it."
                )),
                _ => None,
            };
            if let Some(message) = reserved {
                out.push(Diagnostic::new(CODE, Severity::Error, span, message));
                continue;
            }
            if let Some(&prev) = first.get(&name) {
                let mut d = Diagnostic::new(
                    CODE,
                    Severity::Error,
                    span,
                    format!(
                        "The pipeline already has a stage named `{name}`: `cdk synth` fails \
                         with \"Node with duplicate id: {name}\" (or \"There is already a \
                         Construct with name '{name}'\" when both Stages share a scope). \
                         Rename this {what}."
                    ),
                );
                d.related.push(Related {
                    file: None,
                    span: prev,
                    message: format!("`{name}` is first defined here"),
                });
                out.push(d);
            } else {
                first.insert(name, span);
            }
        }
        // Stage constructs inside waves share the pipeline stack as scope; one made inside
        // another Stage is in that Stage's scope (and one whose name is unknown may be).
        let mut seen = HashMap::new();
        for s in p.stages.iter().filter(|s| s.wave.is_some() && !s.nested) {
            let (Some(id), false) = (&s.id, matches!(s.stage_name, Known::Unknown(_))) else {
                continue;
            };
            if let Some(prev) = seen.insert(id.clone(), s.id_span) {
                let mut d = Diagnostic::new(
                    CODE,
                    Severity::Error,
                    s.id_span,
                    format!(
                        "Another stage of this pipeline is already named `{id}`: the second \
                         Stage construct clashes with the first (\"There is already a Construct \
                         with name '{id}'\", or \"Node with duplicate id: {id}\"). Rename it."
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
