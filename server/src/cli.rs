//! The command line: argument parsing and the subcommands. Exit codes are a contract:
//! 0 fine, 1 an error-severity diagnostic was found, 2 usage or I/O error.

mod bootstrap_status;
mod check;
mod model_cmd;
mod preview;
mod render;
mod sources;
mod status;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "pipelens",
    version,
    about = "Language server and checker for AWS CDK Pipelines definitions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the language server over stdio.
    Serve,
    /// Check CDK apps or files and report problems (exit 1 on any error).
    Check(CheckArgs),
    /// Print the pipeline model of one file.
    Model(ModelArgs),
    /// Show the CodePipeline stages and actions `cdk synth` will generate.
    Preview(PreviewArgs),
    /// Probe, in the real AWS accounts, whether every env the pipelines deploy to is
    /// bootstrapped and trusts the pipeline account (exit 1 when one is not).
    BootstrapStatus(BootstrapStatusArgs),
    /// The deployed pipelines: per stage the latest run's status, the commit it ran and what
    /// is waiting, where HEAD is, and where the deployed definition differs from the code
    /// (exit 1 when a stage failed).
    Status(StatusArgs),
}

#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    /// A CDK app folder (or a folder of apps, or one pipeline file). Default: `.`
    dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    format: StatusFormat,
    /// Ask CloudFormation again where each stack's pipeline is, instead of the cached answer
    /// (kept beside the bootstrap cache for `bootstrap.cacheTtlSeconds`), and replace it.
    #[arg(long)]
    refresh: bool,
}

#[derive(clap::Args, Debug)]
pub struct BootstrapStatusArgs {
    /// A CDK app folder (or a folder of apps, or one pipeline file). Default: `.`
    dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    format: StatusFormat,
    /// Ask AWS again instead of using cached answers (and replace them).
    #[arg(long)]
    refresh: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or folders (folders are searched for CDK apps by their cdk.json). Default: `.`
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Git revision to compare against for the source/synth change rule.
    #[arg(long, value_name = "REV")]
    base: Option<String>,
    /// Do not contact AWS (skips the bootstrap checks).
    #[arg(long)]
    offline: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(clap::Args, Debug)]
pub struct ModelArgs {
    file: PathBuf,
    #[arg(long, value_enum, default_value_t = ModelFormat::Json)]
    format: ModelFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelFormat {
    Json,
}

#[derive(clap::Args, Debug)]
pub struct PreviewArgs {
    /// A pipeline file, or a folder searched for CDK apps by their cdk.json. Default: `.`
    path: Option<PathBuf>,
    /// Run the real `cdk synth` and show what it generated instead of the prediction.
    #[arg(long)]
    synth: bool,
    #[arg(long, value_enum, default_value_t = PreviewFormat::Text)]
    format: PreviewFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PreviewFormat {
    Text,
    Json,
    Mermaid,
    Svg,
}

pub const EXIT_OK: i32 = 0;
pub const EXIT_FOUND_ERRORS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Runs the CLI with the process's arguments and returns the exit code.
pub fn main() -> i32 {
    run(std::env::args_os())
}

pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    if matches!(cli.command, Command::Serve) {
        return crate::lsp::serve();
    }
    let mut out = std::io::stdout().lock();
    let result = match cli.command {
        Command::Serve => unreachable!("handled above"),
        Command::Check(a) => check::run(a, &mut out),
        Command::Model(a) => model_cmd::run(a, &mut out),
        Command::Preview(a) => preview::run(a, &mut out),
        Command::BootstrapStatus(a) => bootstrap_status::run(a, &mut out),
        Command::Status(a) => status::run(a, &mut out),
    };
    match result {
        Ok(code) => code,
        // `pipelens check | head`: the reader left; that is not an error of ours.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            EXIT_OK
        }
        Err(e) => {
            note(&format!("{e:#}"));
            EXIT_USAGE
        }
    }
}

/// The runtime a command's AWS calls run on (the bootstrap probe, the live pipeline): two
/// workers, its own; the command shuts it down when its calls are done.
pub(crate) fn aws_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// One line on stderr, `pipelens: <what>`. What it says may quote the code or its file names,
/// and stderr is in the CI log too: quoted (`quote::for_log`).
pub(crate) fn note(what: &str) {
    eprintln!("pipelens: {}", crate::quote::for_log(what));
}

/// `note`, but each text only once per run: a problem of `pipelens.toml` or of a query file is
/// the same for every file checked.
pub(crate) fn note_once(what: &str) {
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let first = match SAID.lock() {
        Ok(mut said) if !said.iter().any(|s| s == what) => {
            said.push(what.to_string());
            true
        }
        Ok(_) => false,
        Err(_) => true,
    };
    if first {
        note(what);
    }
}
