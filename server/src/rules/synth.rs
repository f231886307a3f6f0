//! The diagnostics of a real `cdk synth` (run by the language server on `pipelens.synth`, see
//! `lsp/synth.rs`): `synth-differs`, where the synthesized pipeline differs from the
//! prediction, and `synth-failed`, CDK's error where it points. Pure functions of the model,
//! the prediction and the synth's result, placed on the smallest span that stands for what
//! they are about (a stage's id, a step's id, the pipeline's id), never a whole call.

use std::path::Path;

use super::{Check, Diagnostic, Rule, Severity};
use crate::model::{Pipeline, Span};
use crate::predict::Prediction;
use crate::synth::{Difference, ErrorLocation};

pub const SYNTH_DIFFERS: &str = "synth-differs";
pub const SYNTH_FAILED: &str = "synth-failed";

pub const SYNTH_DIFFERS_RULE: Rule = Rule {
    code: SYNTH_DIFFERS,
    severities: &[Severity::Information],
    summary: "after `pipelens.synth`: the synthesized pipeline differs from the prediction",
    prevents: "",
    doc: "After a real `cdk synth` (the `pipelens.synth` command, or on save with \
          `synth.onSave`), each way the synthesized CodePipeline differs from pipelens' \
          prediction — a stage or action only one of them has, another order, runOrder, \
          account or region — is shown on the stage or step it is about. It means the code \
          does something the model does not follow (or pipelens predicts wrong): the \
          synthesized stages are what will deploy.",
    check: Check::Elsewhere(
        "`rules::synth::differs`, in the language server after a synth (`lsp/synth.rs`)",
    ),
    action: None,
};

pub const SYNTH_FAILED_RULE: Rule = Rule {
    code: SYNTH_FAILED,
    severities: &[Severity::Error],
    summary: "after `pipelens.synth`: `cdk synth` failed, with CDK's error where it points",
    prevents: "",
    doc: "After a real `cdk synth` that failed, CDK's own error (a Python exception, a \
          TypeScript compile error, a Node `Error:`), on the line of this file it points to, \
          else on the pipeline's id. Fix what it says and synthesize again.",
    check: Check::Elsewhere(
        "`rules::synth::failed`, in the language server after a synth (`lsp/synth.rs`)",
    ),
    action: None,
};

/// The smallest span of the model that stands for `span` (a wave's, stage's, step's or
/// source's call, the pipeline's construction): its id, or the repository of a source.
pub fn narrow(p: &Pipeline, span: Span) -> Span {
    if span == p.span {
        return p.id_span;
    }
    if let Some(w) = p.waves.iter().find(|w| w.span == span) {
        return w.id_span;
    }
    if let Some(s) = p.stages.iter().find(|s| s.span == span) {
        return s.id_span;
    }
    let steps = p.synth.iter().chain(p.stages.iter().flat_map(|s| {
        s.pre.iter().chain(&s.post).chain(
            s.stack_steps
                .iter()
                .flat_map(|ss| ss.pre.iter().chain(&ss.change_set).chain(&ss.post)),
        )
    }));
    if let Some(step) = steps
        .chain(p.waves.iter().flat_map(|w| w.pre.iter().chain(&w.post)))
        .find(|s| s.span == span)
    {
        return step.id_span;
    }
    if let Some(s) = p.sources.iter().find(|s| s.span == span) {
        return s.repo_span;
    }
    span
}

/// Where a difference shows: the predicted stage's or action's code, narrowed.
fn place(p: &Pipeline, predicted: &Prediction, d: &Difference) -> Span {
    let stage = |name: &str| predicted.stages.iter().find(|s| s.name == name);
    let span = match d {
        Difference::StageNotSynthesized { stage: name } => stage(name).map(|s| s.span),
        Difference::ActionNotSynthesized {
            stage: name,
            action,
        }
        | Difference::RunOrder {
            stage: name,
            action,
            ..
        }
        | Difference::Region {
            stage: name,
            action,
            ..
        }
        | Difference::Account {
            stage: name,
            action,
            ..
        } => stage(name).map(|s| {
            s.actions
                .iter()
                .find(|a| &a.name == action)
                .map_or(s.span, |a| a.span)
        }),
        Difference::ActionNotPredicted { stage: name, .. }
        | Difference::ActionOrder { stage: name, .. } => stage(name).map(|s| s.span),
        Difference::StageNotPredicted { .. } | Difference::StageOrder { .. } => None,
    };
    narrow(p, span.unwrap_or(p.span))
}

/// `synth-differs`: one diagnostic per difference between the prediction and the
/// synthesized pipeline; `ago` says when the synth ran ("2 min ago").
pub fn differs(
    p: &Pipeline,
    predicted: &Prediction,
    differences: &[Difference],
    ago: &str,
) -> Vec<Diagnostic> {
    differences
        .iter()
        .map(|d| {
            Diagnostic::new(
                SYNTH_DIFFERS,
                Severity::Information,
                place(p, predicted, d),
                format!(
                    "The synthesized pipeline ({ago}) differs from pipelens' prediction: {}",
                    d.message()
                ),
            )
        })
        .collect()
}

/// `synth-failed`: CDK's error on the line of `file` it points to, else on the id of the
/// file's first pipeline; `None` when neither is in this file.
pub fn failed(
    pipelines: &[Pipeline],
    text: &str,
    file: &Path,
    message: &str,
    location: Option<&ErrorLocation>,
) -> Option<Diagnostic> {
    let span = location
        .filter(|l| l.file == file)
        .and_then(|l| line_span(text, l.line))
        .or_else(|| pipelines.first().map(|p| p.id_span))?;
    Some(Diagnostic::new(
        SYNTH_FAILED,
        Severity::Error,
        span,
        message.to_string(),
    ))
}

/// The text of a 1-based line, without its indentation.
fn line_span(text: &str, line: u32) -> Option<Span> {
    let row = line.checked_sub(1)? as usize;
    let start = text
        .split_inclusive('\n')
        .take(row)
        .map(str::len)
        .sum::<usize>();
    let rest = text.get(start..)?;
    let len = rest.find('\n').unwrap_or(rest.len());
    let line_text = rest[..len].trim_end_matches('\r');
    let indent = line_text.len() - line_text.trim_start().len();
    Some(Span {
        start_byte: start + indent,
        end_byte: start + line_text.len(),
        start: (row, indent),
        end: (row, line_text.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze_text;
    use crate::lang::{ExtraQueries, PYTHON};
    use crate::model::NoIndex;

    const SRC: &str = "import aws_cdk as cdk\nfrom aws_cdk import pipelines\nclass S(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n        cdk.Stack(self, \"Svc\")\nclass P(cdk.Stack):\n    def __init__(self, scope, id):\n        super().__init__(scope, id)\n        p = pipelines.CodePipeline(\n            self,\n            \"Pipeline\",\n            synth=pipelines.ShellStep(\n                \"Synth\",\n                input=pipelines.CodePipelineSource.git_hub(\"o/r\", \"main\"),\n                commands=[\"x\"],\n            ),\n        )\n        p.add_stage(\n            S(self, \"Prod\"),\n            pre=[pipelines.ManualApprovalStep(\"Approve\")],\n        )\n";

    fn text_of(span: Span) -> &'static str {
        &SRC[span.start_byte..span.end_byte]
    }

    #[test]
    fn differences_sit_on_the_stage_or_step_they_are_about() {
        let a = analyze_text(&PYTHON, SRC, None, &NoIndex, &ExtraQueries::default());
        let p = &a.model.pipelines[0];
        let pred = crate::predict::predict(p);
        let diffs = [
            Difference::StageNotSynthesized {
                stage: "Prod".into(),
            },
            Difference::ActionNotSynthesized {
                stage: "Prod".into(),
                action: "Approve".into(),
            },
            Difference::ActionNotSynthesized {
                stage: "Build".into(),
                action: "Synth".into(),
            },
            Difference::StageNotPredicted {
                stage: "Assets".into(),
            },
        ];
        let d = differs(p, &pred, &diffs, "now");
        let texts: Vec<&str> = d.iter().map(|d| text_of(d.span)).collect();
        assert_eq!(
            texts,
            ["\"Prod\"", "\"Approve\"", "\"Synth\"", "\"Pipeline\""]
        );
        assert!(
            d.iter().all(|d| d.span.start.0 == d.span.end.0),
            "one line each"
        );
    }

    #[test]
    fn a_failure_sits_on_its_line_or_the_pipeline_id() {
        let a = analyze_text(&PYTHON, SRC, None, &NoIndex, &ExtraQueries::default());
        let file = Path::new("/app/pipeline.py");
        let at = |file: &Path, line| ErrorLocation {
            file: file.to_path_buf(),
            line,
            column: None,
        };
        let here = failed(&a.model.pipelines, SRC, file, "boom", Some(&at(file, 19))).unwrap();
        assert_eq!(text_of(here.span), "p.add_stage(");
        let elsewhere = failed(
            &a.model.pipelines,
            SRC,
            file,
            "boom",
            Some(&at(Path::new("/app/app.py"), 3)),
        )
        .unwrap();
        assert_eq!(text_of(elsewhere.span), "\"Pipeline\"");
        assert!(failed(&[], SRC, file, "boom", None).is_none());
    }
}
