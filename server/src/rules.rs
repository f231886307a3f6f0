//! Diagnostics. A rule is one value, [`Rule`]: its stable code (a public contract: see
//! DESIGN.md), severities, documentation (what CDK will say, what to do), check and quick fix,
//! registered once in [`RULES`]. SARIF's rule list (`cli/render.rs`), README's diagnostics
//! table (a test compares them) and the quick-fix lookup (`ide/actions.rs`) are derived from
//! it. A model rule reads the model (and the prediction made from it), never the syntax tree,
//! so it works for every language. Rules are silent about what the model could not resolve:
//! no false positives from guesses.

pub mod bootstrap;
mod change_set_steps_disabled;
mod cross_account_keys;
mod cross_stage_dependency;
mod deprecated_cdkpipeline;
mod duplicate_stack_id;
mod duplicate_stage;
mod duplicate_step_id;
mod empty_stage;
mod existing_pipeline_props;
mod file_system_without_vpc;
mod input_directory_dot;
mod invalid_account;
mod invalid_pipeline_name;
mod invalid_source_repo;
mod invalid_stack_name;
mod invalid_stage_name;
mod key_rotation_needs_keys;
mod missing_env;
mod opt_in_region;
mod pipeline_already_built;
mod pipeline_quota;
mod pipeline_type_v1;
mod primary_output_conflict;
pub mod source_synth_change;
mod stage_after_build;
mod step_dependency_cycle;
pub mod synth;
mod synth_without_output;
mod too_deep;
mod unknown_region;

use std::cell::OnceCell;
use std::ops::Range;
use std::path::PathBuf;

use crate::lang::{Naming, Plugin};
use crate::model::{Env, FileModel, Pipeline, Span};
use crate::predict::Prediction;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

/// One diagnostic rule, everything about it in one place.
pub struct Rule {
    /// The stable code (LSP `code`, CLI json `code`, SARIF `ruleId`).
    pub code: &'static str,
    /// Every severity it reports, the usual one first.
    pub severities: &'static [Severity],
    /// What it finds, in a few words of Markdown (README's table, SARIF's short description).
    pub summary: &'static str,
    /// The failure it prevents, in Markdown: CDK's own message when `cdk synth` fails
    /// (`synth: …`), else what fails later (`deploy: …`); empty for advice.
    pub prevents: &'static str,
    /// One paragraph: what CDK will say and what to do.
    pub doc: &'static str,
    pub check: Check,
    /// A quick fix that has to read the code around the diagnostic, computed when the editor
    /// asks. (A fix a rule can compute while checking is on the diagnostic: `Diagnostic::fix`.)
    pub action: Option<CodeAction>,
}

/// Where a rule's check runs.
pub enum Check {
    /// A pure function of one file's model, run on every analysis (as you type).
    Model(fn(&Ctx<'_>, &mut Vec<Diagnostic>)),
    /// Not a function of the model alone; says where it runs and what it needs.
    Elsewhere(&'static str),
}

/// A quick fix computed on request: its title, and the edits (byte ranges of the analysed
/// text) or `None` when the code around the diagnostic is not what the fix expects.
#[derive(Clone, Copy)]
pub struct CodeAction {
    pub title: fn(&Naming) -> String,
    pub edits: fn(text: &str, plugin: &Plugin, d: &Diagnostic) -> Option<Edits>,
}

/// Replacements of byte ranges of the analysed text.
pub type Edits = Vec<(Range<usize>, String)>;

/// Every rule, in a stable order: the model rules (run in this order), then those that run
/// elsewhere.
pub static RULES: &[&Rule] = &[
    &invalid_account::RULE,
    &unknown_region::RULE,
    &opt_in_region::RULE,
    &missing_env::RULE,
    &cross_account_keys::RULE,
    &duplicate_stage::RULE,
    &deprecated_cdkpipeline::RULE,
    &pipeline_type_v1::RULE,
    &too_deep::RULE,
    &empty_stage::RULE,
    &existing_pipeline_props::RULE,
    &invalid_source_repo::RULE,
    &synth_without_output::RULE,
    &input_directory_dot::RULE,
    &duplicate_step_id::RULE,
    &invalid_stage_name::RULE,
    &invalid_pipeline_name::RULE,
    &key_rotation_needs_keys::RULE,
    &change_set_steps_disabled::RULE,
    &pipeline_quota::RULE,
    &pipeline_already_built::RULE,
    &stage_after_build::RULE,
    &primary_output_conflict::RULE,
    &step_dependency_cycle::RULE,
    &duplicate_stack_id::RULE,
    &cross_stage_dependency::RULE,
    &invalid_stack_name::RULE,
    &file_system_without_vpc::RULE,
    &source_synth_change::RULE,
    &bootstrap::UNBOOTSTRAPPED_TARGET_RULE,
    &bootstrap::UNTRUSTED_TARGET_RULE,
    &bootstrap::OUTDATED_BOOTSTRAP_RULE,
    &bootstrap::UNBOOTSTRAPPED_SUPPORT_REGION_RULE,
    &bootstrap::BOOTSTRAP_UNKNOWN_RULE,
    &synth::SYNTH_DIFFERS_RULE,
    &synth::SYNTH_FAILED_RULE,
];

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code == code)
}

/// A second place that matters to a diagnostic (LSP `relatedInformation`).
#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    pub file: Option<PathBuf>,
    pub span: Span,
    pub message: String,
}

/// A mechanical fix: replace each span's text (in the diagnostic's file).
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<(Span, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// The file the span is in, when it is not the analysed file (an env in app.py).
    pub file: Option<PathBuf>,
    pub span: Span,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    /// The code is deprecated (LSP `DiagnosticTag::Deprecated`).
    pub deprecated: bool,
    /// A command line that fixes what is wrong outside the code (`cdk bootstrap …`): the argv
    /// the LSP command `pipelens.bootstrapCommand` answers. Never run by pipelens itself.
    pub command: Option<Vec<String>>,
    /// The construct the diagnostic is about, when its span is only a part of it (the
    /// `CodePipeline(...)` call whose prop is missing): where a [`CodeAction`] edits.
    pub subject: Option<Span>,
}

impl Diagnostic {
    pub fn new(code: &'static str, severity: Severity, span: Span, message: String) -> Self {
        Diagnostic {
            file: None,
            span,
            severity,
            code,
            message,
            related: Vec::new(),
            fix: None,
            deprecated: false,
            command: None,
            subject: None,
        }
    }

    fn with_related(mut self, span: Span, message: String) -> Self {
        self.related.push(Related {
            file: None,
            span,
            message,
        });
        self
    }
}

/// What a rule sees.
pub struct Ctx<'a> {
    pub model: &'a FileModel,
    pub naming: &'a Naming,
    /// The source text of the analysed file (for fixes that need to see the code).
    pub text: &'a str,
    predictions: OnceCell<Vec<Prediction>>,
}

impl<'a> Ctx<'a> {
    pub fn new(model: &'a FileModel, naming: &'a Naming, text: &'a str) -> Self {
        Ctx {
            model,
            naming,
            text,
            predictions: OnceCell::new(),
        }
    }

    /// Every env in the file with the file it is written in: pipelines' and stages'.
    pub fn envs(&self) -> impl Iterator<Item = &Env> {
        self.model.pipelines.iter().flat_map(|p| {
            p.env
                .env()
                .into_iter()
                .chain(p.stages.iter().filter_map(|s| s.env.env()))
        })
    }

    /// The predicted CodePipeline of each pipeline (made once, for the rules that need it).
    pub fn predictions(&self) -> &[Prediction] {
        self.predictions.get_or_init(|| {
            self.model
                .pipelines
                .iter()
                .map(crate::predict::predict)
                .collect()
        })
    }

    /// `name=value` / `name: value` / `.name(value)` / `Name = value` in the file's language.
    fn prop_text(&self, snake: &str, value: &str) -> String {
        self.naming.prop(snake, value)
    }

    /// The part of `outer` (a span of this file) between the byte offsets `range`.
    fn sub_span(&self, outer: Span, range: Range<usize>) -> Span {
        sub_span(self.text, outer, range)
    }
}

/// Runs every model rule. The same value written once (a constant used by several stages)
/// is reported once.
pub fn check(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in RULES {
        if let Check::Model(f) = rule.check {
            f(ctx, &mut out);
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|d| seen.insert((d.file.clone(), d.span.start_byte, d.span.end_byte, d.code)));
    out
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// CDK's own (TypeScript) spelling of a canonical name, as its messages write it:
/// `pipeline_name` → `pipelineName`.
fn cdk_name(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The name a stage is shown with in messages.
fn stage_name(id: &Option<String>) -> String {
    id.as_deref()
        .map(|s| format!("`{s}`"))
        .unwrap_or_else(|| "(unnamed)".into())
}

fn pipeline_name(p: &Pipeline) -> String {
    p.id.as_deref()
        .map(|s| format!("`{s}`"))
        .unwrap_or_else(|| "the pipeline".into())
}

/// The part of `outer` between the byte offsets `range` (clamped to `outer`), with its rows
/// and columns counted in `text`.
pub(crate) fn sub_span(text: &str, outer: Span, range: Range<usize>) -> Span {
    let start = range.start.clamp(outer.start_byte, outer.end_byte);
    let end = range.end.clamp(start, outer.end_byte);
    let point = |at: usize| -> (usize, usize) {
        let Some(before) = text.get(outer.start_byte..at) else {
            return outer.start;
        };
        match before.rfind('\n') {
            None => (outer.start.0, outer.start.1 + before.len()),
            Some(nl) => (
                outer.start.0 + before.matches('\n').count(),
                before.len() - nl - 1,
            ),
        }
    };
    Span {
        start_byte: start,
        end_byte: end,
        start: point(start),
        end: point(end),
    }
}

/// The callee of a call (`pipelines.CdkPipeline`, `new pipelines.CodePipeline`): the call up
/// to its opening parenthesis.
fn callee_span(text: &str, call: Span) -> Span {
    let src = text.get(call.start_byte..call.end_byte).unwrap_or("");
    match src.find('(') {
        Some(i) => sub_span(
            text,
            call,
            call.start_byte..call.start_byte + src[..i].trim_end().len(),
        ),
        None => call,
    }
}

/// A fix that replaces the contents of the string literal at `span` (the quotes kept), when
/// the text there is a plain literal of `old`.
fn replace_literal(text: &str, span: Span, old: &str, new: &str, title: String) -> Option<Fix> {
    let src = text.get(span.start_byte..span.end_byte)?;
    let q = src.chars().next()?;
    let plain = matches!(q, '"' | '\'' | '`')
        && src.len() == old.len() + 2
        && src.ends_with(q)
        && &src[1..src.len() - 1] == old;
    if !plain {
        return None;
    }
    Some(Fix {
        title,
        edits: vec![(
            sub_span(text, span, span.start_byte + 1..span.end_byte - 1),
            new.to_string(),
        )],
    })
}

/// A fix that deletes the statement at `call` with its line, when the call is all the line
/// holds (indentation, a `;`, a trailing comment aside).
fn delete_line(text: &str, call: Span, title: String) -> Option<Fix> {
    let line_start = text[..call.start_byte].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[call.end_byte..]
        .find('\n')
        .map_or(text.len(), |i| call.end_byte + i + 1);
    let before = &text[line_start..call.start_byte];
    let after = text[call.end_byte..line_end].trim();
    let after = after.strip_prefix(';').unwrap_or(after).trim_start();
    let alone = before.trim().is_empty()
        && (after.is_empty() || after.starts_with('#') || after.starts_with("//"));
    if !alone || text[call.start_byte..call.end_byte].contains('\n') {
        return None;
    }
    let whole = Span {
        start_byte: line_start,
        end_byte: line_end,
        start: (call.start.0, 0),
        end: if text[..line_end].ends_with('\n') {
            (call.start.0 + 1, 0)
        } else {
            (call.start.0, line_end - line_start)
        },
    };
    Some(Fix {
        title,
        edits: vec![(whole, String::new())],
    })
}

/// CodePipeline's pattern for pipeline, stage and action names as CDK writes it in its message
/// (`aws-codepipeline/lib/private/validation.ts`); the rule itself is the catalog's.
pub(crate) const CODEPIPELINE_NAME_PATTERN: &str = "/^[a-zA-Z0-9.@_-]{1,100}$/";

fn is_codepipeline_name(s: &str) -> bool {
    (1..=crate::model::catalog::MAX_NAME).contains(&s.len())
        && s.chars().all(crate::model::catalog::is_name_char)
}

/// `s` with every run of characters outside `keep` replaced by `-`, ends trimmed.
fn sanitized(s: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::new();
    let mut bad = false;
    for c in s.chars() {
        if keep(c) {
            if bad && !out.is_empty() {
                out.push('-');
            }
            out.push(c);
            bad = false;
        } else {
            bad = true;
        }
    }
    out
}

#[cfg(test)]
mod tests;
