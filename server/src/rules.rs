//! Diagnostics. One module per rule, each with its stable code (a public contract: see
//! DESIGN.md). A rule reads the model, never the syntax tree, so it works for every language.
//! Rules are silent about what the model could not resolve: no false positives from guesses.

pub mod bootstrap;
mod cross_account_keys;
mod deprecated_cdkpipeline;
mod duplicate_stage;
mod invalid_account;
mod missing_env;
mod opt_in_region;
mod pipeline_type_v1;
pub mod source_synth_change;
mod unknown_region;

use std::path::PathBuf;

use crate::lang::Naming;
use crate::model::{Env, FileModel, Pipeline, Span};

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
        }
    }
}

/// What a rule sees.
pub struct Ctx<'a> {
    pub model: &'a FileModel,
    pub naming: &'a Naming,
    /// The source text of the analysed file (for fixes that need to see the code).
    pub text: &'a str,
}

impl Ctx<'_> {
    /// Every env in the file with the file it is written in: pipelines' and stages'.
    pub fn envs(&self) -> impl Iterator<Item = &Env> {
        self.model.pipelines.iter().flat_map(|p| {
            p.env
                .env()
                .into_iter()
                .chain(p.stages.iter().filter_map(|s| s.env.env()))
        })
    }
}

pub type Rule = fn(&Ctx<'_>, &mut Vec<Diagnostic>);

/// Every static rule, in a stable order.
pub const RULES: &[(&str, Rule)] = &[
    (invalid_account::CODE, invalid_account::check),
    (unknown_region::CODE, unknown_region::check),
    (opt_in_region::CODE, opt_in_region::check),
    (missing_env::CODE, missing_env::check),
    (cross_account_keys::CODE, cross_account_keys::check),
    (duplicate_stage::CODE, duplicate_stage::check),
    (deprecated_cdkpipeline::CODE, deprecated_cdkpipeline::check),
    (pipeline_type_v1::CODE, pipeline_type_v1::check),
];

/// Every diagnostic code pipelens can report, the static ones and those of later stages
/// (bootstrap probe, git).
pub const ALL_CODES: &[&str] = &[
    "invalid-account",
    "unknown-region",
    "opt-in-region",
    "missing-env",
    "cross-account-keys",
    "duplicate-stage",
    "deprecated-cdkpipeline",
    "pipeline-type-v1",
    "unbootstrapped-target",
    "untrusted-target",
    "outdated-bootstrap",
    "unbootstrapped-support-region",
    "bootstrap-unknown",
    "source-synth-change",
];

/// Runs every static rule. The same value written once (a constant used by several stages)
/// is reported once.
pub fn check(ctx: &Ctx<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (_, rule) in RULES {
        rule(ctx, &mut out);
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|d| seen.insert((d.file.clone(), d.span.start_byte, d.span.end_byte, d.code)));
    out
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
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

#[cfg(test)]
mod tests;
