//! `pipelens preview --synth`: runs the real `cdk synth` of each app, shows the pipelines it
//! generated (`origin: "synthesized"`) and where the prediction differs. Exit 2 when there is
//! no app or no `cdk`, 1 when the synth failed, 0 otherwise.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Result};

use super::{collect, render, Found, View};
use crate::cli::sources::settings_for;
use crate::cli::{PreviewFormat, EXIT_FOUND_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::model::Span;
use crate::predict::json::Origin;
use crate::synth::{
    compare, match_pipelines, to_prediction, SynthError, SynthProgress, Synthesized, Synthesizer,
};
use crate::trust::Trusted;
use crate::workspace;

pub fn run(path: &Path, format: PreviewFormat, out: &mut dyn Write) -> Result<i32> {
    if !path.exists() {
        bail!("{}: no such file or folder", path.display());
    }
    let apps: Vec<PathBuf> = if path.is_dir() {
        let apps = workspace::find_apps(path);
        if apps.is_empty() {
            workspace::app_root(path).into_iter().collect()
        } else {
            apps
        }
    } else {
        workspace::app_root(path).into_iter().collect()
    };
    if apps.is_empty() {
        crate::cli::note(&format!(
            "preview --synth: no cdk.json in or above {}: not a CDK app, nothing to synthesize",
            path.display()
        ));
        return Ok(EXIT_USAGE);
    }
    let found = collect(path)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let synthesizer = Synthesizer::new();
    // Ctrl-C, SIGTERM or SIGHUP: the synth (its own process group, which the terminal's
    // signal never reaches) is killed before pipelens exits.
    let mut signal = std::pin::pin!(crate::terminate::signal());
    let mut views = Vec::new();
    let mut code = EXIT_OK;
    for app in &apps {
        let (settings, _) = settings_for(app);
        let progress = |p: SynthProgress| {
            if let SynthProgress::RunningCdk(argv) = p {
                crate::cli::note(&format!(
                    "{}: running {}",
                    app.display(),
                    argv.first().map_or("", String::as_str)
                ));
            }
        };
        let result = runtime.block_on(async {
            tokio::select! {
                r = synthesizer.synth(app, &settings, progress, Trusted::by_user()) => Ok(r),
                sig = &mut signal => Err(sig),
            }
        });
        let result = match result {
            Ok(r) => r,
            Err(sig) => {
                // The synth's future is dropped: its process group is dead.
                crate::cli::note(&format!(
                    "{}: stopped by signal {sig}; the synth was stopped",
                    app.display()
                ));
                runtime.shutdown_timeout(Duration::from_millis(100));
                return Ok(128 + sig);
            }
        };
        match result {
            Ok(s) => {
                if s.pipelines.is_empty() {
                    crate::cli::note(&format!(
                        "{}: the cloud assembly has no AWS::CodePipeline::Pipeline",
                        app.display()
                    ));
                }
                let in_app: Vec<&Found> =
                    found.iter().filter(|f| f.file.starts_with(app)).collect();
                views.extend(views_for(app, &s, &in_app, path.is_file()));
            }
            Err(e) => {
                code = code.max(report(app, &e));
            }
        }
    }
    runtime.shutdown_timeout(Duration::from_millis(100));
    render(out, &views, format)?;
    Ok(code)
}

/// Prints a failed synth and returns its exit code.
fn report(app: &Path, e: &SynthError) -> i32 {
    // CDK's own output, multi-line: each line quoted (it comes from running the app's code).
    for (i, line) in format!("{}: {e}", app.display()).lines().enumerate() {
        if i == 0 {
            crate::cli::note(line);
        } else {
            eprintln!("{}", crate::quote::for_log(line));
        }
    }
    match e {
        SynthError::NoApp(_) | SynthError::CdkNotFound { .. } => EXIT_USAGE,
        SynthError::Failed {
            location: Some(loc),
            message,
            ..
        } => {
            let first = message.lines().next().unwrap_or("cdk synth failed");
            let column = loc.column.map(|c| format!(":{c}")).unwrap_or_default();
            eprintln!(
                "{}",
                crate::quote::for_log(&format!(
                    "{}:{}{column}: error: {first}",
                    loc.file.display(),
                    loc.line
                ))
            );
            EXIT_FOUND_ERRORS
        }
        _ => EXIT_FOUND_ERRORS,
    }
}

/// The views of one app's synthesized pipelines. For a file, only the pipelines of that file
/// (all of the app's when none of them is found in it).
fn views_for(app: &Path, s: &Synthesized, found: &[&Found], file_only: bool) -> Vec<View> {
    let pipelines: Vec<_> = found.iter().map(|f| &f.pipeline).collect();
    let matches = match_pipelines(&pipelines, &s.pipelines);
    let any_match = matches.iter().any(Option::is_some);
    let mut views = Vec::new();
    for (sp, m) in s.pipelines.iter().zip(matches) {
        match m.map(|i| found[i]) {
            Some(f) => {
                let prediction = to_prediction(sp, Some(&f.prediction), f.pipeline.span);
                let differences = compare(&f.prediction, &prediction);
                let mut v = View::predicted(Found {
                    file: f.file.clone(),
                    pipeline: f.pipeline.clone(),
                    prediction,
                });
                v.origin = Origin::Synthesized;
                v.differences = Some(differences);
                views.push(v);
            }
            None if file_only && any_match => {}
            None => {
                let id = sp.id.clone();
                let env = match (&sp.account, &sp.region) {
                    (Some(a), Some(r)) => format!(" · pipeline in {a} {r}"),
                    _ => String::new(),
                };
                views.push(View {
                    title: format!("{} / {}", sp.stack, id.as_deref().unwrap_or("pipeline")),
                    id,
                    env,
                    file: app.join("cdk.json"),
                    line: 1,
                    origin: Origin::Synthesized,
                    prediction: to_prediction(sp, None, Span::default()),
                    differences: None,
                });
            }
        }
    }
    views
}
