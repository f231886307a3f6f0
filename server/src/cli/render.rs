//! Output formats of `pipelens check`: compiler-style text, json (the DESIGN.md contract),
//! SARIF 2.1.0 and GitHub Actions workflow commands. Lines and columns are 1-based; columns
//! count Unicode code points.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::json;

use crate::document::position::line_col_1based;
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
            r.file.display(),
            r.line,
            r.column,
            r.severity.name(),
            r.code,
            r.message
        )?;
        let gutter = r.line.to_string().len();
        writeln!(
            out,
            "{:>gutter$} | {}",
            r.line,
            r.source_line.replace('\t', " ")
        )?;
        let width = if r.end_line == r.line {
            (r.end_column - r.column).max(1)
        } else {
            (r.source_line.chars().count() + 1)
                .saturating_sub(r.column)
                .max(1)
        };
        writeln!(
            out,
            "{:>gutter$} | {}{}",
            "",
            " ".repeat(r.column - 1),
            "^".repeat(width)
        )?;
        for (f, l, c, m) in &r.related {
            writeln!(
                out,
                "{:>gutter$} = note: {}:{}:{}: {}",
                "",
                f.display(),
                l,
                c,
                m
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
    serde_json::to_writer_pretty(&mut *out, &json!({ "diagnostics": diagnostics }))?;
    writeln!(out)?;
    Ok(())
}

fn uri(path: &Path) -> String {
    path.to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}

pub fn sarif(out: &mut dyn Write, reported: &[Reported]) -> Result<()> {
    let rules: Vec<_> = crate::rules::ALL_CODES
        .iter()
        .map(|c| json!({ "id": c, "name": c, "shortDescription": { "text": c } }))
        .collect();
    let results: Vec<_> = reported
        .iter()
        .map(|r| {
            let level = match r.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                _ => "note",
            };
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
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`).
pub fn github(out: &mut dyn Write, reported: &[Reported], summary: &Summary) -> Result<()> {
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
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
