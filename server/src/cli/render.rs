//! Output formats of `pipelens check`: compiler-style text, json (the DESIGN.md contract),
//! SARIF 2.1.0 and GitHub Actions workflow commands. Lines and columns are 1-based; columns
//! count Unicode code points.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::json;

use crate::document::position::line_col_1based;
use crate::quote::{for_log, json_for_log};
use crate::rules::{Diagnostic, Severity};

pub struct Reported {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub source_line: String,
    pub related: Vec<(PathBuf, usize, usize, String)>,
}

pub struct Summary {
    pub files: usize,
    pub pipelines: usize,
}

pub fn reported(
    file: &Path,
    text: &str,
    d: &Diagnostic,
    related: Vec<(PathBuf, usize, usize, String)>,
) -> Reported {
    let (line, column) = line_col_1based(text, d.span.start_byte);
    let (end_line, end_column) = line_col_1based(text, d.span.end_byte);
    let source_line = text
        .lines()
        .nth(line - 1)
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string();
    Reported {
        file: file.to_path_buf(),
        line,
        column,
        end_line,
        end_column,
        severity: d.severity,
        code: d.code,
        message: d.message.clone(),
        source_line,
        related,
    }
}

pub fn text(out: &mut dyn Write, reported: &[Reported], summary: &Summary) -> Result<()> {
    for r in reported {
        writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            for_log(&r.file.display().to_string()),
            r.line,
            r.column,
            r.severity.name(),
            r.code,
            for_log(&r.message)
        )?;
        let gutter = r.line.to_string().len();
        // The source line as shown (tabs as one space, escapes for what a terminal would act
        // on), and the caret under the same characters.
        let line = r.source_line.replace('\t', " ");
        let shown = |from: usize, to: usize| {
            let part: String = line
                .chars()
                .skip(from)
                .take(to.saturating_sub(from))
                .collect();
            for_log(&part).chars().count()
        };
        let total = line.chars().count();
        let start = r.column - 1;
        let end = if r.end_line == r.line {
            (r.end_column - 1).max(r.column)
        } else {
            total.max(r.column)
        };
        writeln!(out, "{:>gutter$} | {}", r.line, for_log(&line))?;
        writeln!(
            out,
            "{:>gutter$} | {}{}",
            "",
            " ".repeat(shown(0, start)),
            "^".repeat(shown(start, end).max(end - start).max(1))
        )?;
        for (f, l, c, m) in &r.related {
            writeln!(
                out,
                "{:>gutter$} = note: {}:{}:{}: {}",
                "",
                for_log(&f.display().to_string()),
                l,
                c,
                for_log(m)
            )?;
        }
        writeln!(out)?;
    }
    let count = |s: Severity| reported.iter().filter(|r| r.severity == s).count();
    let (e, w) = (count(Severity::Error), count(Severity::Warning));
    let i = reported.len() - e - w;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "{}, {}, {} in {} ({})",
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "note"),
        plural(summary.files, "file"),
        plural(summary.pipelines, "pipeline"),
    )?;
    Ok(())
}

pub fn json(out: &mut dyn Write, reported: &[Reported]) -> Result<()> {
    let diagnostics: Vec<_> = reported
        .iter()
        .map(|r| {
            json!({
                "file": r.file.display().to_string(),
                "line": r.line,
                "column": r.column,
                "endLine": r.end_line,
                "endColumn": r.end_column,
                "severity": r.severity.name(),
                "code": r.code,
                "message": r.message,
            })
        })
        .collect();
    let doc = serde_json::to_string_pretty(&json!({ "diagnostics": diagnostics }))?;
    writeln!(out, "{}", json_for_log(doc))?;
    Ok(())
}

fn uri(path: &Path) -> String {
    path.to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}

/// SARIF's level for a severity.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        _ => "note",
    }
}

pub fn sarif(out: &mut dyn Write, reported: &[Reported]) -> Result<()> {
    let rules: Vec<_> = crate::rules::RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.code,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.doc },
                "help": { "text": r.doc },
                "defaultConfiguration": { "level": level(r.severities[0]) },
            })
        })
        .collect();
    let results: Vec<_> = reported
        .iter()
        .map(|r| {
            let level = level(r.severity);
            let related: Vec<_> = r
                .related
                .iter()
                .enumerate()
                .map(|(i, (f, l, c, m))| {
                    json!({
                        "id": i,
                        "message": { "text": m },
                        "physicalLocation": {
                            "artifactLocation": { "uri": uri(f) },
                            "region": { "startLine": l, "startColumn": c },
                        },
                    })
                })
                .collect();
            json!({
                "ruleId": r.code,
                "level": level,
                "message": { "text": r.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&r.file) },
                        "region": {
                            "startLine": r.line,
                            "startColumn": r.column,
                            "endLine": r.end_line,
                            "endColumn": r.end_column,
                        },
                    },
                }],
                "relatedLocations": related,
            })
        })
        .collect();
    let doc = json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": { "driver": {
                "name": "pipelens",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    writeln!(out, "{}", json_for_log(serde_json::to_string_pretty(&doc)?))?;
    Ok(())
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`), escaped as the runner
/// unescapes them (`%`, line breaks; in a property also `:` and `,`): a value can end neither
/// the command's line nor, in a property, the property. Each line of a value is also quoted
/// for the log (control characters, escape sequences).
pub fn github(out: &mut dyn Write, reported: &[Reported], summary: &Summary) -> Result<()> {
    fn data(s: &str) -> String {
        s.split('\n')
            .map(|line| for_log(line).replace('%', "%25"))
            .collect::<Vec<_>>()
            .join("%0A")
    }
    fn prop(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    for r in reported {
        let kind = match r.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            _ => "notice",
        };
        writeln!(
            out,
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            prop(&uri(&r.file)),
            r.line,
            r.column,
            r.end_line,
            r.end_column,
            prop(&format!("pipelens {}", r.code)),
            data(&r.message)
        )?;
    }
    writeln!(
        out,
        "pipelens: {} problem(s) in {} file(s)",
        reported.len(),
        summary.files
    )?;
    Ok(())
}
