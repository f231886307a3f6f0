//! `pipelens preview [FILE|DIR] [--synth] [--format text|json|mermaid|svg]`: the CodePipeline
//! stages and actions each pipeline will get, predicted from the code (no `cdk synth`), or with
//! `--synth` what the real `cdk synth` generated and where the prediction differs.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use serde_json::json;

use super::sources::{index_for, plugin_for, read_text, settings_for};
use super::{PreviewArgs, PreviewFormat, EXIT_OK};
use crate::analysis::analyze_text;
use crate::model::Pipeline;
use crate::predict::json::Origin;
use crate::predict::{self, mermaid, svg, ActionKind, Prediction};
use crate::quote::{for_log, json_for_log};
use crate::synth::Difference;
use crate::workspace::{self, Index};

mod synthesized;

/// A pipeline found in a file, and its predicted stages.
struct Found {
    file: PathBuf,
    pipeline: Pipeline,
    prediction: Prediction,
}

/// A pipeline as it is shown: predicted, or synthesized (with the differences from the
/// prediction when the code's pipeline was found).
struct View {
    id: Option<String>,
    title: String,
    /// ` · pipeline in <account> <region>` or empty.
    env: String,
    file: PathBuf,
    /// 1-based.
    line: usize,
    origin: Origin,
    prediction: Prediction,
    differences: Option<Vec<Difference>>,
}

impl View {
    fn predicted(f: Found) -> View {
        let env = match (f.pipeline.env.account(), f.pipeline.env.region()) {
            (Some(a), Some(r)) => format!(" · pipeline in {a} {r}"),
            _ => String::new(),
        };
        View {
            id: f.pipeline.id.clone(),
            title: title(&f.pipeline),
            env,
            line: f.pipeline.span.start.0 + 1,
            file: f.file,
            origin: Origin::Predicted,
            prediction: f.prediction,
            differences: None,
        }
    }

    fn json(&self) -> serde_json::Value {
        let mut v = json!({
            "id": self.id,
            "file": self.file.display().to_string(),
            "line": self.line,
            "origin": self.origin.name(),
            "stages": self.prediction.stages.iter().map(predict::json::stage).collect::<Vec<_>>(),
        });
        if let Some(d) = &self.differences {
            v["differences"] = d.iter().map(Difference::json).collect();
        }
        v
    }
}

pub fn run(args: PreviewArgs, out: &mut dyn Write) -> Result<i32> {
    let path = args.path.unwrap_or_else(|| PathBuf::from("."));
    if args.synth {
        return synthesized::run(&path, args.format, out);
    }
    let found = collect(&path)?;
    if found.is_empty() {
        super::note(&format!(
            "no CDK Pipelines pipeline found in {}",
            path.display()
        ));
    }
    let views: Vec<View> = found.into_iter().map(View::predicted).collect();
    render(out, &views, args.format)?;
    Ok(EXIT_OK)
}

fn render(out: &mut dyn Write, views: &[View], format: PreviewFormat) -> Result<()> {
    match format {
        PreviewFormat::Json => {
            let pipelines: Vec<_> = views.iter().map(View::json).collect();
            let doc = serde_json::to_string_pretty(&json!({ "pipelines": pipelines }))?;
            writeln!(out, "{}", json_for_log(doc))?;
        }
        PreviewFormat::Text => text(out, views)?,
        PreviewFormat::Mermaid => {
            for (i, v) in views.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write!(out, "{}", mermaid::render(&v.title, &v.prediction))?;
            }
        }
        PreviewFormat::Svg => {
            let pictures: Vec<_> = views
                .iter()
                .map(|v| svg::render(&v.title, &subtitle(v), &v.prediction))
                .collect();
            write!(out, "{}", svg::document(&pictures))?;
        }
    }
    Ok(())
}

fn collect(path: &Path) -> Result<Vec<Found>> {
    if !path.exists() {
        bail!("{}: no such file or folder", path.display());
    }
    let mut found = Vec::new();
    if path.is_dir() {
        let apps = workspace::find_apps(path);
        if apps.is_empty() {
            super::note(&format!(
                "no cdk.json in or above {}; reading its files on their own",
                path.display()
            ));
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
                let pipelines = file_pipelines(&file, &index)?;
                // A leftover file the app never imports: its pipeline is not the app's.
                if !pipelines.is_empty() && !index.is_live(&file) {
                    super::note(&format!(
                        "{}: no file the app runs (cdk.json `app`) imports it; its pipeline is \
                         not part of the app and is left out",
                        file.display()
                    ));
                    continue;
                }
                found.extend(pipelines);
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
        super::note(&format!(
            "{}: {} syntax error(s); the rest of the file was still read",
            file.display(),
            analysis.model.syntax_errors.len()
        ));
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

fn title(p: &Pipeline) -> String {
    let id = p.id.as_deref().unwrap_or("pipeline");
    match &p.stack_class {
        Some(class) => format!("{class} / {id}"),
        None => id.to_string(),
    }
}

fn subtitle(v: &View) -> String {
    let by = match v.origin {
        Origin::Predicted => "predicted by pipelens",
        Origin::Synthesized => "synthesized by cdk synth",
    };
    format!("{}:{} · {by}{}", v.file.display(), v.line, v.env)
}

fn text(out: &mut dyn Write, views: &[View]) -> Result<()> {
    for (i, f) in views.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{} ({}:{}, {})",
            for_log(&f.title),
            for_log(&f.file.display().to_string()),
            f.line,
            f.origin.name()
        )?;
        let name_w = f
            .prediction
            .stages
            .iter()
            .flat_map(|s| &s.actions)
            .map(|a| for_log(&a.name).chars().count())
            .max()
            .unwrap_or(0);
        for stage in &f.prediction.stages {
            let certain = if stage.certain { "" } else { "  (uncertain)" };
            writeln!(
                out,
                "  {}  line {}{certain}",
                for_log(&stage.name),
                stage.span.start.0 + 1
            )?;
            if stage.actions.is_empty() {
                writeln!(out, "      ?  actions not known")?;
            }
            for a in &stage.actions {
                let target = match (a.kind, &a.account, &a.region) {
                    (ActionKind::Prepare | ActionKind::Deploy, acc, reg) => format!(
                        "  {} {}",
                        for_log(acc.as_deref().unwrap_or("?")),
                        for_log(reg.as_deref().unwrap_or("?"))
                    ),
                    _ => String::new(),
                };
                let line = format!(
                    "    {:>2}  {:<name_w$}  {:<19}{target}",
                    a.run_order,
                    for_log(&a.name),
                    a.kind.name()
                );
                writeln!(out, "{}", line.trim_end())?;
            }
        }
        match &f.differences {
            None => {}
            Some(d) if d.is_empty() => writeln!(out, "  the prediction matches")?,
            Some(d) => {
                writeln!(out, "  the prediction differs:")?;
                for diff in d {
                    writeln!(out, "    {}", for_log(&diff.message()))?;
                }
            }
        }
    }
    Ok(())
}
