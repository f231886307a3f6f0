//! The generated CodePipeline shown in the editor: an inlay hint at each `add_stage` /
//! `add_wave` (and the pipeline) naming the CodePipeline stage it becomes and its actions in
//! run order, and the whole stage chain for a code lens.

use std::collections::HashSet;

use crate::model::{FileModel, Span};
use crate::predict::{Action, PredictedStage, Prediction};

/// An inlay hint at a byte offset.
#[derive(Clone, Debug, PartialEq)]
pub struct Hint {
    pub offset: usize,
    pub label: String,
    pub tooltip: String,
}

/// The longest hint label VS Code shows whole (`editor.inlayHints.maximumLength`, 43, less the
/// `⟶ ` the server puts before it).
pub const MAX_LABEL: usize = 41;

/// `Prepare` for `ProdUsEast1.Api.Prepare`.
fn suffix(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Actions of one run-order step, briefly and never hiding one behind another's name: `A`,
/// `A + B`, `Prepare ×2` when they share a suffix, else `3 actions`.
fn step_label(actions: &[&Action]) -> String {
    match actions {
        [one] => one.name.clone(),
        [first, ..]
            if actions
                .iter()
                .all(|a| suffix(&a.name) == suffix(&first.name)) =>
        {
            format!("{} ×{}", suffix(&first.name), actions.len())
        }
        [a, b] => format!("{} + {}", a.name, b.name),
        _ => format!("{} actions", actions.len()),
    }
}

/// The run-order steps of a stage, each its actions.
fn steps(s: &PredictedStage) -> Vec<Vec<&Action>> {
    let mut out: Vec<Vec<&Action>> = Vec::new();
    let mut i = 0;
    while i < s.actions.len() {
        let ro = s.actions[i].run_order;
        let group: Vec<&Action> = s.actions[i..]
            .iter()
            .take_while(|a| a.run_order == ro)
            .collect();
        i += group.len();
        out.push(group);
    }
    out
}

/// `Prod: PromoteToProd → 4 stacks`: the steps of a stage, a Prepare step followed by the
/// Deploy step of the same stacks said as deploying them; cut with `…` past
/// [`MAX_LABEL`] (the hint's tooltip, [`stage_detail`], has every action).
pub fn stage_line(s: &PredictedStage) -> String {
    let steps = steps(s);
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let kinds = |g: &[&Action], k: crate::predict::ActionKind| g.iter().all(|a| a.kind == k);
        let n = steps[i].len();
        if kinds(&steps[i], crate::predict::ActionKind::Prepare)
            && steps.get(i + 1).is_some_and(|next| {
                next.len() == n && kinds(next, crate::predict::ActionKind::Deploy)
            })
        {
            // Prepare then Deploy of the same stacks: deploying them.
            parts.push(match steps[i].as_slice() {
                [one] => format!(
                    "1 stack ({})",
                    one.name.strip_suffix(".Prepare").unwrap_or(&one.name)
                ),
                _ => format!("{n} stacks"),
            });
            i += 2;
            continue;
        }
        parts.push(step_label(&steps[i]));
        i += 1;
    }
    let uncertain = if s.certain { "" } else { " (uncertain)" };
    let line = format!("{}: {}{uncertain}", s.name, parts.join(" → "));
    cut(&line, MAX_LABEL)
}

/// `text` cut to `max` characters, the last of them `…`.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// Every action of a stage in run order, one step a line: `1. Api.Prepare, Database.Prepare`.
pub fn stage_detail(s: &PredictedStage) -> String {
    steps(s)
        .iter()
        .map(|g| {
            format!(
                "{}. {}",
                g[0].run_order,
                g.iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `Source → Build → UpdatePipeline → Dev → Staging → Prod`
pub fn chain(p: &Prediction) -> String {
    p.stages
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(" → ")
}

/// `A`, `A and B`, `A, B and C`, `A, B, C and 2 more`.
pub fn few(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] if names.len() <= 3 => format!("{} and {last}", init.join(", ")),
        _ => format!("{} and {} more", names[..3].join(", "), names.len() - 3),
    }
}

/// One hint per CodePipeline stage, at the end of the code that creates it. `origin(i, stage)`
/// says where the stages of pipeline `i` come from (`predicted`, `synthesized 2 min ago`), or
/// one stage's (`None`: the pipeline's head). A cancelled request (`cancel::requested`) gets
/// what was made so far.
pub fn hints(
    model: &FileModel,
    predictions: &[Prediction],
    origin: &dyn Fn(usize, Option<&str>) -> String,
) -> Vec<Hint> {
    let mut out = Vec::new();
    for (pi, (p, prediction)) in model.pipelines.iter().zip(predictions).enumerate() {
        // The fixed head of the pipeline (Source, Build, UpdatePipeline, Assets) goes on the
        // pipeline construct; each add_stage / add_wave gets its own stage.
        let mut head: Vec<&PredictedStage> = Vec::new();
        let waves: HashSet<Span> = p.waves.iter().map(|w| w.span).collect();
        for (i, s) in prediction.stages.iter().enumerate() {
            if i % 256 == 255 && crate::cancel::requested() {
                return out;
            }
            let at_pipeline =
                s.span.start_byte >= p.span.start_byte && s.span.end_byte <= p.span.end_byte;
            let is_stage_or_wave = waves.contains(&s.span);
            if is_stage_or_wave || !at_pipeline {
                out.push(Hint {
                    offset: s.span.end_byte,
                    label: stage_line(s),
                    tooltip: format!(
                        "CodePipeline stage {} ({})\n{}",
                        s.name,
                        origin(pi, Some(&s.name)),
                        stage_detail(s)
                    ),
                });
            } else {
                head.push(s);
            }
        }
        if !head.is_empty() {
            out.push(Hint {
                offset: p.span.end_byte,
                label: cut(
                    &head
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" → "),
                    MAX_LABEL,
                ),
                tooltip: format!(
                    "The pipeline starts with {} ({})",
                    head.iter()
                        .map(|s| stage_line(s))
                        .collect::<Vec<_>>()
                        .join("; "),
                    origin(pi, None)
                ),
            });
        }
    }
    out.sort_by_key(|h| h.offset);
    out
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    use super::*;
    use crate::analysis::analyze_text;
    use crate::lang::{ExtraQueries, PYTHON};
    use crate::model::NoIndex;

    /// A pipeline of `n` stages, one `add_stage` line each.
    fn pipeline(n: usize) -> String {
        let mut src = String::from(
            "import aws_cdk as cdk\nfrom aws_cdk import pipelines\nclass S(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        cdk.Stack(self, \"Api\")\nclass P(cdk.Stack):\n    def __init__(self, scope, id):\n        super().__init__(scope, id)\n        p = pipelines.CodePipeline(self, \"P\", synth=pipelines.ShellStep(\"Synth\", commands=[]))\n",
        );
        for i in 0..n {
            src.push_str(&format!(
                "        p.add_stage(S(self, \"Stage{i}\", env=cdk.Environment(account=\"111111111111\", region=\"us-east-1\")))\n"
            ));
        }
        src
    }

    /// A cancelled request's hints and outline stop early (their answer is dropped anyway).
    #[test]
    fn a_cancelled_request_stops_making_hints_and_symbols() {
        let src = pipeline(2000);
        let a = analyze_text(&PYTHON, &src, None, &NoIndex, &ExtraQueries::default());
        let predictions: Vec<Prediction> = a
            .model
            .pipelines
            .iter()
            .map(crate::predict::predict)
            .collect();
        let all = hints(&a.model, &predictions, &|_, _| "predicted".into());
        assert_eq!(
            all.len(),
            2001,
            "one per stage and one for the pipeline's head"
        );
        let stages_of = |o: &[crate::ide::symbols::Symbol]| o[0].children.len();
        let outline = crate::ide::symbols::outline(&a.model);
        assert!(stages_of(&outline) >= 2000);
        let raised = Arc::new(AtomicBool::new(true));
        let (cut_hints, cut_outline) = crate::cancel::with_flag(raised, || {
            (
                hints(&a.model, &predictions, &|_, _| "predicted".into()),
                crate::ide::symbols::outline(&a.model),
            )
        });
        assert!(cut_hints.len() < 300, "{} hints", cut_hints.len());
        assert!(
            stages_of(&cut_outline) < 10,
            "{} symbols",
            stages_of(&cut_outline)
        );
    }
}
