//! `pipelens preview [FILE|DIR] [--synth] [--format text|json|mermaid|svg]`: the CodePipeline
//! stages and actions each pipeline will get, predicted from the code (no `cdk synth`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use serde_json::json;

use super::sources::{index_for, plugin_for, read_text, settings_for};
use super::{PreviewArgs, PreviewFormat, EXIT_OK, EXIT_USAGE};
use crate::analysis::analyze_text;
use crate::model::Pipeline;
use crate::predict::json::Origin;
use crate::predict::{self, mermaid, svg, ActionKind, Prediction};
use crate::workspace::{self, Index};

/// A pipeline found in a file, and its predicted stages.
struct Found {
    file: PathBuf,
    pipeline: Pipeline,
    prediction: Prediction,
}

pub fn run(args: PreviewArgs, out: &mut dyn Write) -> Result<i32> {
    if args.synth {
        eprintln!(
            "pipelens: preview --synth: running `cdk synth` is not available in this build of \
             pipelens; run `pipelens preview` without --synth for the predicted stages"
        );
        return Ok(EXIT_USAGE);
    }
    let path = args.path.unwrap_or_else(|| PathBuf::from("."));
    let found = collect(&path)?;
    if found.is_empty() {
        eprintln!(
            "pipelens: no CDK Pipelines pipeline found in {}",
            path.display()
        );
    }
    match args.format {
        PreviewFormat::Json => {
            let pipelines: Vec<_> = found
                .iter()
                .map(|f| {
                    predict::json::pipeline(&f.pipeline, &f.file, &f.prediction, Origin::Predicted)
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &json!({ "pipelines": pipelines }))?;
            writeln!(out)?;
        }
        PreviewFormat::Text => text(out, &found)?,
        PreviewFormat::Mermaid => {
            for (i, f) in found.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write!(out, "{}", mermaid::render(&title(f), &f.prediction))?;
            }
        }
        PreviewFormat::Svg => {
            let pictures: Vec<_> = found
                .iter()
                .map(|f| svg::render(&title(f), &subtitle(f), &f.prediction))
                .collect();
            write!(out, "{}", svg::document(&pictures))?;
        }
    }
    Ok(EXIT_OK)
}

fn collect(path: &Path) -> Result<Vec<Found>> {
    if !path.exists() {
        bail!("{}: no such file or folder", path.display());
    }
    let mut found = Vec::new();
    if path.is_dir() {
        let apps = workspace::find_apps(path);
        if apps.is_empty() {
            eprintln!(
                "pipelens: no cdk.json in or above {}; reading its files on their own",
                path.display()
            );
            let index = Index::default();
            for file in workspace::source_files(path, 10_000) {
                found.extend(file_pipelines(&file, &index)?);
            }
        }
        for app in apps {
            let index = index_for(Some(&app));
            let mut files = workspace::source_files(&app, 10_000);
            files.sort();
            for file in files {
                found.extend(file_pipelines(&file, &index)?);
            }
        }
    } else {
        plugin_for(path)?;
        let root = workspace::app_root(path);
        let index = index_for(root.as_deref());
        found.extend(file_pipelines(path, &index)?);
    }
    Ok(found)
}

fn file_pipelines(file: &Path, index: &Index) -> Result<Vec<Found>> {
    let plugin = plugin_for(file)?;
    let text = read_text(file)?;
    let (_, extra) = settings_for(file);
    let analysis = analyze_text(plugin, &text, Some(file), index, &extra);
    if !analysis.model.syntax_errors.is_empty() && !analysis.model.pipelines.is_empty() {
        eprintln!(
            "pipelens: {}: {} syntax error(s); the rest of the file was still read",
            file.display(),
            analysis.model.syntax_errors.len()
        );
    }
    Ok(analysis
        .model
        .pipelines
        .into_iter()
        .map(|pipeline| Found {
            file: file.to_path_buf(),
            prediction: predict::predict(&pipeline),
            pipeline,
        })
        .collect())
}

fn title(f: &Found) -> String {
    let id = f.pipeline.id.as_deref().unwrap_or("pipeline");
    match &f.pipeline.stack_class {
        Some(class) => format!("{class} / {id}"),
        None => id.to_string(),
    }
}

fn subtitle(f: &Found) -> String {
    let env = match (f.pipeline.env.account(), f.pipeline.env.region()) {
        (Some(a), Some(r)) => format!(" · pipeline in {a} {r}"),
        _ => String::new(),
    };
    format!(
        "{}:{} · predicted by pipelens{env}",
        f.file.display(),
        f.pipeline.span.start.0 + 1
    )
}

fn text(out: &mut dyn Write, found: &[Found]) -> Result<()> {
    for (i, f) in found.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{} ({}:{}, predicted)",
            title(f),
            f.file.display(),
            f.pipeline.span.start.0 + 1
        )?;
        let name_w = f
            .prediction
            .stages
            .iter()
            .flat_map(|s| &s.actions)
            .map(|a| a.name.chars().count())
            .max()
            .unwrap_or(0);
        for stage in &f.prediction.stages {
            let certain = if stage.certain { "" } else { "  (uncertain)" };
            writeln!(
                out,
                "  {}  line {}{certain}",
                stage.name,
                stage.span.start.0 + 1
            )?;
            if stage.actions.is_empty() {
                writeln!(out, "      ?  actions not known")?;
            }
            for a in &stage.actions {
                let target = match (a.kind, &a.account, &a.region) {
                    (ActionKind::Prepare | ActionKind::Deploy, acc, reg) => format!(
                        "  {} {}",
                        acc.as_deref().unwrap_or("?"),
                        reg.as_deref().unwrap_or("?")
                    ),
                    _ => String::new(),
                };
                let line = format!(
                    "    {:>2}  {:<name_w$}  {:<19}{target}",
                    a.run_order,
                    a.name,
                    a.kind.name()
                );
                writeln!(out, "{}", line.trim_end())?;
            }
        }
    }
    Ok(())
}
