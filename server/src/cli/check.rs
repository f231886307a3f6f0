//! `pipelens check [PATH…]`: finds the CDK apps (or takes the files), analyses every source
//! file, and prints the diagnostics in the asked format.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use super::bootstrap_status::{options_for, probe_files, Probed};
use super::render::{self, Reported};
use super::sources::{index_for, plugin_for, read_text, settings_for};
use super::{CheckArgs, EXIT_FOUND_ERRORS, EXIT_OK};
use crate::analysis::{analyze_text, source_synth_diagnostics};
use crate::document::position::line_col_1based;
use crate::git::NoBase;
use crate::model::FileModel;
use crate::rules::{Diagnostic, Severity};
use crate::trust::Trusted;
use crate::workspace::{self, Index};

/// Source files per app root (`None`: files outside any CDK app).
type Plan = BTreeMap<Option<PathBuf>, Vec<PathBuf>>;

fn plan(paths: &[PathBuf]) -> Result<Plan> {
    let mut plan: Plan = BTreeMap::new();
    for path in paths {
        if !path.exists() {
            bail!("{}: no such file or folder", path.display());
        }
        if path.is_dir() {
            let apps = workspace::find_apps(path);
            if apps.is_empty() {
                super::note(&format!(
                    "no cdk.json in or above {}; checking its files on their own",
                    path.display()
                ));
                plan.entry(None)
                    .or_default()
                    .extend(workspace::source_files(path, 10_000));
            }
            for app in apps {
                let files = workspace::source_files(&app, 10_000);
                plan.entry(Some(app)).or_default().extend(files);
            }
        } else {
            plugin_for(path)?;
            plan.entry(workspace::app_root(path))
                .or_default()
                .push(path.clone());
        }
    }
    for files in plan.values_mut() {
        files.sort();
        files.dedup();
    }
    Ok(plan)
}

pub fn run(args: CheckArgs, out: &mut dyn Write) -> Result<i32> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let plan = plan(&paths)?;
    let mut texts: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut found: Vec<(PathBuf, Diagnostic)> = Vec::new();
    let mut files_checked = 0;
    let mut pipelines = 0;
    let mut git = GitRule {
        explicit: args.base.clone(),
        noted: HashSet::new(),
    };
    let mut probed: Vec<Probed> = Vec::new();
    // Files that could not be read: each said once, the others still checked, and the exit
    // code tells the check was not whole (2) unless an error was found.
    let mut unreadable = 0;
    let mut skipped: Vec<(PathBuf, &'static str)> = Vec::new();
    for (root, files) in &plan {
        let index = index_for(root.as_deref());
        let qualifier = crate::aws::qualifier_from_context(index.context_map());
        for file in files {
            let text = match read_text(file) {
                Ok(t) => t,
                Err(e) => {
                    super::note(&format!("{e:#}; not checked"));
                    unreadable += 1;
                    continue;
                }
            };
            // A binary, minified or bundled file named like source holds no pipeline.
            if let Some(why) = workspace::not_checkable(file, &text) {
                skipped.push((file.clone(), why));
                continue;
            }
            let (found_here, model) = check_file(file, text, &index, &mut texts, &mut git)?;
            found.extend(found_here);
            pipelines += model.pipelines.len();
            files_checked += 1;
            if !args.offline && !model.pipelines.is_empty() {
                probed.push(Probed {
                    file: file.clone(),
                    model,
                    qualifier: qualifier.clone(),
                    options: options_for(file),
                });
            }
        }
    }
    if let Some((first, why)) = skipped.first() {
        super::note(&format!(
            "{} file(s) not checked: not hand-written source (binary, minified or bundled), {} \
             ({why}) first",
            skipped.len(),
            first.display()
        ));
    }
    // The bootstrap checks: after the static analysis, one probe over every app.
    let observations = probe_files(&probed, false);
    for p in &probed {
        if p.options.is_none() {
            continue;
        }
        for d in crate::rules::bootstrap::check(&p.model, &p.qualifier, &observations) {
            let target = d.file.clone().unwrap_or_else(|| p.file.clone());
            if !texts.contains_key(&target) {
                texts.insert(target.clone(), read_text(&target).unwrap_or_default());
            }
            found.push((target, d));
        }
    }
    let mut seen = HashSet::new();
    found.retain(|(f, d)| seen.insert((f.clone(), d.span.start_byte, d.span.end_byte, d.code)));
    let mut reported: Vec<Reported> = found
        .iter()
        .map(|(file, d)| {
            let text = texts.get(file).map(String::as_str).unwrap_or("");
            let related = d
                .related
                .iter()
                .map(|r| {
                    let rf = r.file.clone().unwrap_or_else(|| file.clone());
                    let rt = texts.get(&rf).map(String::as_str).unwrap_or("");
                    let (l, c) = line_col_1based(rt, r.span.start_byte);
                    (rf, l, c, r.message.clone())
                })
                .collect();
            render::reported(file, text, d, related)
        })
        .collect();
    reported.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
    });
    let summary = render::Summary {
        files: files_checked,
        pipelines,
    };
    match args.format {
        super::CheckFormat::Text => render::text(out, &reported, &summary)?,
        super::CheckFormat::Json => render::json(out, &reported)?,
        super::CheckFormat::Sarif => render::sarif(out, &reported)?,
        super::CheckFormat::Github => render::github(out, &reported, &summary)?,
    }
    let errors = reported.iter().any(|r| r.severity == Severity::Error);
    Ok(if errors {
        EXIT_FOUND_ERRORS
    } else if unreadable > 0 {
        super::EXIT_USAGE
    } else {
        EXIT_OK
    })
}

/// The `source-synth-change` rule runs only when asked: `--base REV`, else `changeBase` from
/// `pipelens.toml`. Without either, `check` starts no git process and its output does not
/// depend on the state of the work tree (stable CI output).
struct GitRule {
    explicit: Option<String>,
    /// Why the rule was skipped, said once each.
    noted: HashSet<String>,
}

impl GitRule {
    fn run(
        &mut self,
        file: &Path,
        text: &str,
        plugin: &'static crate::lang::Plugin,
        index: &Index,
        extra: &crate::lang::ExtraQueries,
        configured: Option<&str>,
    ) -> Result<Vec<Diagnostic>> {
        let Some(rev) = self.explicit.clone().or(configured.map(str::to_string)) else {
            return Ok(Vec::new());
        };
        let note = match source_synth_diagnostics(
            file,
            text,
            plugin,
            index,
            extra,
            Some(&rev),
            Trusted::by_user(),
        ) {
            Ok(c) => match c.skipped {
                None => return Ok(c.diagnostics),
                // A mistyped `--base` is a usage error; a base missing from a shallow clone
                // or a `changeBase` this clone lacks only skips the rule.
                Some(why @ NoBase::BaseMissing { shallow: false, .. })
                    if self.explicit.is_some() =>
                {
                    bail!("--base: {}", why.describe())
                }
                Some(NoBase::NewFile) => return Ok(Vec::new()),
                Some(why) => why.describe(),
            },
            Err(e) => e.to_string(),
        };
        if self.noted.insert(note.clone()) {
            super::note(&format!(
                "source-synth-change skipped for {}: {note}",
                file.display()
            ));
        }
        Ok(Vec::new())
    }
}

/// Analyses one file; returns its diagnostics (with the file each points into) and its model. Keeps the text of every file a diagnostic points into.
fn check_file(
    file: &Path,
    text: String,
    index: &Index,
    texts: &mut BTreeMap<PathBuf, String>,
    git: &mut GitRule,
) -> Result<(Vec<(PathBuf, Diagnostic)>, FileModel)> {
    let plugin = plugin_for(file)?;
    let (settings, extra) = settings_for(file);
    let mut analysis = analyze_text(plugin, &text, Some(file), index, &extra);
    let changes = git.run(
        file,
        &text,
        plugin,
        index,
        &extra,
        settings.change_base.as_deref(),
    )?;
    analysis.diagnostics.extend(changes);
    if !analysis.model.syntax_errors.is_empty() && !analysis.model.pipelines.is_empty() {
        super::note(&format!(
            "{}: {} syntax error(s); the rest of the file was still checked",
            file.display(),
            analysis.model.syntax_errors.len()
        ));
    }
    let mut out = Vec::new();
    for d in analysis.diagnostics {
        let target = d.file.clone().unwrap_or_else(|| file.to_path_buf());
        if !texts.contains_key(&target) {
            let t = if target == file {
                text.clone()
            } else {
                read_text(&target).unwrap_or_default()
            };
            texts.insert(target.clone(), t);
        }
        for r in &d.related {
            if let Some(rf) = &r.file {
                if !texts.contains_key(rf) {
                    texts.insert(rf.clone(), read_text(rf).unwrap_or_default());
                }
            }
        }
        out.push((target, d));
    }
    texts.entry(file.to_path_buf()).or_insert(text);
    Ok((out, analysis.model))
}
