//! Runs the real `cdk synth` of an app (in the background: cancellable, timed out, with
//! progress) and reads the CodePipeline it generated from the cloud assembly, as the same
//! [`Prediction`](crate::predict::Prediction) types the prediction uses, so the two can be
//! shown the same way and compared ([`compare`]).
//!
//! The synth writes into a private temporary folder (`--output`), never the app's `cdk.out`,
//! so a `cdk deploy` running at the same time is not disturbed. The child runs in its own
//! process group: a timeout, a newer request for the same app, or dropping the future kills
//! the whole group (cdk starts `python3 app.py` / `ts-node` below itself).

mod assembly;
mod compare;
mod failure;
mod guard;
mod run;
pub mod stale;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::trust::Trusted;
use crate::workspace::Settings;

pub use assembly::{read_assembly, SynthAction, SynthStack, SynthStage, SynthesizedPipeline};
pub use compare::{compare, match_pipelines, to_prediction, Difference};
pub use failure::ErrorLocation;

/// What a running synth is doing, for `$/progress`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SynthProgress {
    Started,
    /// The command line being run (argv).
    RunningCdk(Vec<String>),
    ReadingAssembly,
    Done,
}

impl SynthProgress {
    pub fn message(&self) -> String {
        match self {
            SynthProgress::Started => "starting".into(),
            SynthProgress::RunningCdk(argv) => format!("running {}", argv.join(" ")),
            SynthProgress::ReadingAssembly => "reading cloud assembly".into(),
            SynthProgress::Done => "done".into(),
        }
    }
}

/// What one synth produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Synthesized {
    pub app_root: PathBuf,
    /// Every `AWS::CodePipeline::Pipeline` of the assembly (nested stage assemblies included).
    pub pipelines: Vec<SynthesizedPipeline>,
    /// Every stack of the assembly and its nested assemblies (with the cross-region support
    /// stacks), with the bootstrap version each needs.
    pub stacks: Vec<SynthStack>,
    /// Wall time of the synth command.
    pub elapsed: Duration,
}

#[derive(Debug)]
pub enum SynthError {
    /// No `cdk.json` in or above the path.
    NoApp(PathBuf),
    /// Neither `<root>/node_modules/.bin/cdk` nor `cdk` on PATH, and no `synth.command`.
    CdkNotFound { app_root: PathBuf },
    /// The command could not be started.
    Spawn {
        command: Vec<String>,
        error: std::io::Error,
    },
    /// The command exited unsuccessfully: CDK's (or the app's) own error text, and where in
    /// the app's files it points, when it does.
    Failed {
        exit_code: Option<i32>,
        message: String,
        location: Option<ErrorLocation>,
    },
    TimedOut {
        seconds: u64,
        /// The last lines the command wrote.
        output_tail: String,
    },
    /// A newer synth of the same app started (or the synthesizer was asked to stop).
    Cancelled,
    /// The command succeeded but its cloud assembly could not be read.
    Assembly(String),
}

impl std::fmt::Display for SynthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SynthError::NoApp(p) => write!(f, "no cdk.json in or above {}", p.display()),
            SynthError::CdkNotFound { app_root } => write!(
                f,
                "the AWS CDK CLI (`cdk`) was not found: not in {}, not on PATH; install it \
                 (`npm install aws-cdk` in the app, or globally) or set `synth.command`",
                app_root.join("node_modules/.bin/cdk").display()
            ),
            SynthError::Spawn { command, error } => {
                write!(f, "cannot run `{}`: {error}", command.join(" "))
            }
            SynthError::Failed {
                exit_code, message, ..
            } => {
                let code = exit_code.map_or("a signal".to_string(), |c| format!("exit code {c}"));
                write!(f, "cdk synth failed ({code}):\n{message}")
            }
            SynthError::TimedOut {
                seconds,
                output_tail,
            } => {
                write!(
                    f,
                    "cdk synth did not finish within {seconds} s (`synth.timeoutSeconds`) and was \
                     stopped"
                )?;
                if !output_tail.is_empty() {
                    write!(f, "; its last output:\n{output_tail}")?;
                }
                Ok(())
            }
            SynthError::Cancelled => write!(f, "cdk synth was cancelled by a newer request"),
            SynthError::Assembly(m) => write!(f, "cannot read the cloud assembly: {m}"),
        }
    }
}

impl std::error::Error for SynthError {}

/// Runs synths, at most one per app: a new [`Synthesizer::synth`] of an app cancels the one
/// still running for it (its future returns [`SynthError::Cancelled`] and its process group is
/// killed). Dropping a `synth` future kills its process group too. Share one per server.
#[derive(Default)]
pub struct Synthesizer {
    /// Per app root: the generation of the newest synth; older ones watch it and give up.
    latest: Mutex<HashMap<PathBuf, watch::Sender<u64>>>,
    next: AtomicU64,
}

impl Synthesizer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Synthesizes the app at `app_root` (the folder with `cdk.json`; a path inside an app is
    /// accepted too) with the command and timeout of `settings`. It runs the app's code, so it
    /// takes the proof that the workspace is trusted.
    pub async fn synth(
        &self,
        app_root: &Path,
        settings: &Settings,
        progress: impl Fn(SynthProgress),
        trusted: Trusted,
    ) -> Result<Synthesized, SynthError> {
        let root = crate::workspace::app_root(app_root)
            .ok_or_else(|| SynthError::NoApp(app_root.to_path_buf()))?;
        let root = root.canonicalize().unwrap_or(root);
        let generation = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let cancelled = {
            let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
            let tx = latest
                .entry(root.clone())
                .or_insert_with(|| watch::channel(0).0);
            tx.send_replace(generation);
            tx.subscribe()
        };
        progress(SynthProgress::Started);
        let started = Instant::now();
        let argv = run::command(&root, settings)?;
        let output = tempfile::Builder::new()
            .prefix("pipelens-synth-")
            .tempdir()
            .map_err(|e| SynthError::Assembly(format!("cannot make a temporary folder: {e}")))?;
        let argv = run::with_output(argv, output.path());
        progress(SynthProgress::RunningCdk(argv.clone()));
        // The app's language, when its synth needs something around it (a Python app's
        // virtual environment).
        let owner = crate::lang::ALL
            .iter()
            .find(|p| (p.synth_environment.owns)(&root));
        let app_env = owner.and_then(|p| (p.synth_environment.find)(&root, settings));
        run::run(
            trusted,
            &root,
            &argv,
            output.path(),
            Duration::from_secs(settings.synth_timeout_seconds),
            app_env.as_ref(),
            until_superseded(cancelled, generation),
        )
        .await
        .map_err(|e| match e {
            SynthError::Failed {
                exit_code,
                message,
                location,
            } => {
                let hint = owner.and_then(|p| {
                    let env = &p.synth_environment;
                    (env.hint)(
                        &message,
                        &run::interpreter(app_env.as_ref(), env.interpreters),
                    )
                });
                let message = match hint {
                    Some(hint) => format!("{message}\n{hint}"),
                    None => message,
                };
                SynthError::Failed {
                    exit_code,
                    message,
                    location,
                }
            }
            other => other,
        })?;
        let elapsed = started.elapsed();
        progress(SynthProgress::ReadingAssembly);
        let dir = run::assembly_dir(&root, output.path(), started);
        let (pipelines, stacks) = read_assembly(&dir).map_err(SynthError::Assembly)?;
        drop(output);
        progress(SynthProgress::Done);
        Ok(Synthesized {
            app_root: root,
            pipelines,
            stacks,
            elapsed,
        })
    }

    /// Cancels the synth running for this app, if any.
    pub fn cancel(&self, app_root: &Path) {
        let Some(root) = crate::workspace::app_root(app_root) else {
            return;
        };
        let root = root.canonicalize().unwrap_or(root);
        let generation = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(tx) = self
            .latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&root)
        {
            tx.send_replace(generation);
        }
    }
}

/// Resolves when a newer generation than `mine` is announced.
async fn until_superseded(mut rx: watch::Receiver<u64>, mine: u64) {
    loop {
        if *rx.borrow_and_update() != mine {
            return;
        }
        if rx.changed().await.is_err() {
            // The synthesizer is gone: nobody can supersede us any more.
            std::future::pending::<()>().await;
        }
    }
}
