//! The `source-synth-change` rule against real git repositories made in temp folders: the
//! engine entry point the language server calls, and `pipelens check --base` through the
//! binary. Needs only Rust and git.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pipelens::analysis::{source_synth_diagnostics, ChangeCheck};
use pipelens::git::NoBase;
use pipelens::lang::{self, ExtraQueries};
use pipelens::rules::{Diagnostic, Severity};
use pipelens::workspace::{self, Index};

struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let r = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        r.git(&["init", "-q", "-b", "main"]);
        r.git(&["config", "user.name", "Pipelens Test"]);
        r.git(&["config", "user.email", "test@example.invalid"]);
        r.git(&["config", "commit.gpgsign", "false"]);
        r
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn git(&self, args: &[&str]) -> String {
        let o = Command::new("git")
            .arg("-C")
            .arg(self.root())
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    fn replace(&self, rel: &str, from: &str, to: &str) {
        let t = self.read(rel);
        assert!(t.contains(from), "{rel} has no {from:?}");
        self.write(rel, &t.replacen(from, to, 1));
    }

    fn commit(&self, msg: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
    }
}

/// One CDK app per language: the pipeline file, the Stage class in another file, and a README.
struct App {
    lang: &'static str,
    pipeline: &'static str,
    stage_file: &'static str,
    /// A line of the synth step to change, and a changed version of it.
    synth_line: (&'static str, &'static str),
    /// Where to add a stage, and the added code.
    add_stage: (&'static str, &'static str),
}

const PY: App = App {
    lang: "python",
    pipeline: "pipeline/pipeline_stack.py",
    stage_file: "pipeline/stage.py",
    synth_line: (
        r#"commands=["pip install -r requirements.txt", "npx cdk synth"],"#,
        r#"commands=["pip install -r requirements.txt", "npx cdk@2 synth"],"#,
    ),
    add_stage: (
        "        # stages",
        "        # stages\n        pipeline.add_stage(AppStage(self, \"Prod\", env=cdk.Environment(account=\"111111111111\", region=\"eu-west-1\")))",
    ),
};

const TS: App = App {
    lang: "typescript",
    pipeline: "lib/pipeline-stack.ts",
    stage_file: "lib/stage.ts",
    synth_line: (
        "commands: ['npm ci', 'npx cdk synth'],",
        "commands: ['npm ci', 'npm run build', 'npx cdk synth'],",
    ),
    add_stage: (
        "    // stages",
        "    // stages\n    pipeline.addStage(new AppStage(this, 'Prod', { env: { account: '111111111111', region: 'eu-west-1' } }));",
    ),
};

const CDK_JSON: &str =
    r#"{"app": "x", "context": {"@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2": true}}"#;

const PY_PIPELINE: &str = r#"import aws_cdk as cdk
from aws_cdk import pipelines
from constructs import Construct

from pipeline.stage import AppStage


class PipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.connection(
                    "acme/app", "main", connection_arn="arn:aws:codestar-connections:us-east-1:111111111111:connection/x"
                ),
                commands=["pip install -r requirements.txt", "npx cdk synth"],
            ),
        )
        pipeline.add_stage(AppStage(self, "Dev", env=cdk.Environment(account="111111111111", region="us-east-1")))
        # stages
"#;

const PY_STAGE: &str = r#"import aws_cdk as cdk


class AppStage(cdk.Stage):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        cdk.Stack(self, "Api")
"#;

const PY_APP: &str = r#"import aws_cdk as cdk
from pipeline.pipeline_stack import PipelineStack

app = cdk.App()
PipelineStack(app, "PipelineStack", env=cdk.Environment(account="111111111111", region="us-east-1"))
app.synth()
"#;

const TS_PIPELINE: &str = r#"import * as cdk from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { AppStage } from './stage';

export class PipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.connection('acme/app', 'main', {
          connectionArn: 'arn:aws:codestar-connections:us-east-1:111111111111:connection/x',
        }),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    pipeline.addStage(new AppStage(this, 'Dev', { env: { account: '111111111111', region: 'us-east-1' } }));
    // stages
  }
}
"#;

const TS_STAGE: &str = r#"import * as cdk from 'aws-cdk-lib';
import { Construct } from 'constructs';

export class AppStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new cdk.Stack(this, 'Api');
  }
}
"#;

const TS_APP: &str = r#"import * as cdk from 'aws-cdk-lib';
import { PipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new PipelineStack(app, 'PipelineStack', { env: { account: '111111111111', region: 'us-east-1' } });
"#;

/// A repository with the app committed on `main`.
fn repo_with(app: &App) -> Repo {
    let r = Repo::new();
    r.write("cdk.json", CDK_JSON);
    r.write("README.md", "# app\n");
    if app.lang == "python" {
        r.write("app.py", PY_APP);
        r.write("requirements.txt", "aws-cdk-lib\n");
        r.write(PY.pipeline, PY_PIPELINE);
        r.write(PY.stage_file, PY_STAGE);
    } else {
        r.write("bin/app.ts", TS_APP);
        r.write("package.json", "{}\n");
        r.write(TS.pipeline, TS_PIPELINE);
        r.write(TS.stage_file, TS_STAGE);
    }
    r.write(".gitignore", "cdk.out/\nnode_modules/\n");
    r.commit("app");
    r
}

/// What the language server would get for the file's current buffer `text`.
fn check_text(file: &Path, text: &str, base: Option<&str>) -> ChangeCheck {
    let plugin = lang::for_path(file).unwrap();
    let index = match workspace::app_root(file) {
        Some(root) => Index::build(&root, &Default::default()),
        None => Index::default(),
    };
    source_synth_diagnostics(
        file,
        text,
        plugin,
        &index,
        &ExtraQueries::default(),
        base,
        pipelens::trust::Trusted::by_user(),
    )
    .expect("git works")
}

fn check(r: &Repo, rel: &str, base: Option<&str>) -> ChangeCheck {
    let file = r.path(rel);
    check_text(&file, &std::fs::read_to_string(&file).unwrap(), base)
}

fn line_of(text: &str, d: &Diagnostic) -> String {
    let start = text[..d.span.start_byte].rfind('\n').map_or(0, |i| i + 1);
    text[start..].lines().next().unwrap().to_string()
}

fn only(c: &ChangeCheck) -> &Diagnostic {
    assert_eq!(c.diagnostics.len(), 1, "{:?}", c.diagnostics);
    &c.diagnostics[0]
}

#[test]
fn a_synth_only_change_is_isolated_information() {
    for app in [&PY, &TS] {
        let r = repo_with(app);
        r.replace(app.pipeline, app.synth_line.0, app.synth_line.1);
        let c = check(&r, app.pipeline, None);
        let d = only(&c);
        assert_eq!(d.severity, Severity::Information, "{}", app.lang);
        assert_eq!(d.code, "source-synth-change");
        assert!(d.message.contains("isolated"), "{}", d.message);
        assert!(
            line_of(&r.read(app.pipeline), d).contains("ShellStep"),
            "{}",
            app.lang
        );
        // The same once committed, compared with the commit before.
        r.commit("synth");
        assert!(check(&r, app.pipeline, None).diagnostics.is_empty());
        let c = check(&r, app.pipeline, Some("HEAD~1"));
        assert_eq!(only(&c).severity, Severity::Information);
    }
}

#[test]
fn an_unsaved_buffer_is_compared_not_the_disk_file() {
    let r = repo_with(&TS);
    let file = r.path(TS.pipeline);
    let buffer = r
        .read(TS.pipeline)
        .replace(TS.synth_line.0, TS.synth_line.1);
    let c = check_text(&file, &buffer, None);
    assert_eq!(only(&c).severity, Severity::Information);
}

#[test]
fn synth_and_stage_in_one_commit_warn_with_the_stage_as_related() {
    for app in [&PY, &TS] {
        let r = repo_with(app);
        r.replace(app.pipeline, app.synth_line.0, app.synth_line.1);
        r.replace(app.pipeline, app.add_stage.0, app.add_stage.1);
        let c = check(&r, app.pipeline, None);
        let d = only(&c);
        assert_eq!(d.severity, Severity::Warning, "{}", app.lang);
        for words in [
            "synth step `Synth` changes in the same commit as 1 other change",
            "runs its old Source and Synth",
            "Commit the synth change on its own first, let the pipeline update itself, then \
             commit the rest",
        ] {
            assert!(d.message.contains(words), "{}: {}", app.lang, d.message);
        }
        assert_eq!(d.related.len(), 1);
        assert_eq!(d.related[0].message, "stage `Prod` added");
        assert_eq!(d.related[0].file, None);
        let text = r.read(app.pipeline);
        let rel = &d.related[0].span;
        assert!(text[rel.start_byte..rel.end_byte].contains("Prod"));
    }
}

#[test]
fn synth_and_another_app_file_warn_naming_the_file_but_not_the_readme() {
    for app in [&PY, &TS] {
        let r = repo_with(app);
        r.replace(app.pipeline, app.synth_line.0, app.synth_line.1);
        if app.lang == "python" {
            r.replace(
                app.stage_file,
                "\"Api\"",
                "\"Api\")\n        cdk.Stack(self, \"Db\"",
            );
        } else {
            r.replace(
                app.stage_file,
                "'Api'",
                "'Api');\n    new cdk.Stack(this, 'Db'",
            );
        }
        r.write("README.md", "# app\n\nNow with a database.\n");
        let c = check(&r, app.pipeline, None);
        let d = only(&c);
        assert_eq!(d.severity, Severity::Warning, "{}", app.lang);
        let files: Vec<(PathBuf, &str)> = d
            .related
            .iter()
            .map(|x| (x.file.clone().unwrap(), x.message.as_str()))
            .collect();
        let name = Path::new(app.stage_file).file_name().unwrap();
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(files[0].0.file_name().unwrap(), name);
        assert!(files[0].0.is_file());
        assert!(files[0].1.contains(&*name.to_string_lossy()));
        // An untracked new file of the app counts too; an ignored one does not.
        r.write("cdk.out/manifest.json", "{}");
        r.write("lib/extra.ts", "export const x = 1;\n");
        let c = check(&r, app.pipeline, None);
        assert_eq!(only(&c).related.len(), 2, "{:?}", only(&c).related);
    }
}

#[test]
fn reformatting_the_pipeline_is_no_change() {
    let r = repo_with(&PY);
    r.replace(
        PY.pipeline,
        r#"commands=["pip install -r requirements.txt", "npx cdk synth"],"#,
        "# install, then synthesize\n                commands=[\n                    'pip install -r requirements.txt',\n                    'npx cdk synth',  # the app\n                ],",
    );
    r.replace(
        PY.pipeline,
        "\"acme/app\", \"main\",",
        "\"acme/app\",\n                    \"main\",",
    );
    let c = check(&r, PY.pipeline, None);
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    assert_eq!(c.skipped, None);

    let r = repo_with(&TS);
    let t = r.read(TS.pipeline).replace("  ", "    ").replace(
        "'acme/app', 'main', {",
        "\"acme/app\",\n \"main\", { // repo\n",
    );
    r.write(TS.pipeline, &t);
    let c = check(&r, TS.pipeline, None);
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
}

#[test]
fn a_brand_new_pipeline_file_says_nothing() {
    let r = repo_with(&PY);
    r.write("pipeline/second.py", PY_PIPELINE);
    let c = check(&r, "pipeline/second.py", None);
    assert!(c.diagnostics.is_empty());
    assert_eq!(c.skipped, Some(NoBase::NewFile));
    r.git(&["add", "pipeline/second.py"]);
    assert_eq!(
        check(&r, "pipeline/second.py", None).skipped,
        Some(NoBase::NewFile)
    );
    // A repository without any commit yet.
    let empty = Repo::new();
    empty.write("p.ts", TS_PIPELINE);
    assert_eq!(check(&empty, "p.ts", None).skipped, Some(NoBase::NoCommits));
}

#[test]
fn a_file_outside_any_repository_is_no_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pipeline_stack.py");
    std::fs::write(&file, PY_PIPELINE).unwrap();
    let c = check_text(&file, PY_PIPELINE, None);
    assert!(c.diagnostics.is_empty());
    assert_eq!(c.skipped, Some(NoBase::NotInRepo));
    let c = check_text(&file, PY_PIPELINE, Some("origin/main"));
    assert_eq!(c.skipped, Some(NoBase::NotInRepo));
}

#[test]
fn a_renamed_pipeline_file_is_compared_with_its_old_path() {
    for app in [&PY, &TS] {
        let r = repo_with(app);
        let new = app
            .pipeline
            .replace("pipeline_stack", "delivery")
            .replace("pipeline-stack", "delivery");
        r.git(&["mv", app.pipeline, &new]);
        r.replace(&new, app.synth_line.0, app.synth_line.1);
        let c = check(&r, &new, None);
        assert_eq!(only(&c).severity, Severity::Information, "{}", app.lang);
        // Committed, then compared with the commit before the rename.
        r.commit("rename");
        let c = check(&r, &new, Some("HEAD~1"));
        assert_eq!(only(&c).severity, Severity::Information, "{}", app.lang);
    }
}

#[test]
fn a_detached_head_and_a_branch_compare_against_the_merge_base() {
    let r = repo_with(&PY);
    // A feature branch changes only the synth step...
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.replace(PY.pipeline, PY.synth_line.0, PY.synth_line.1);
    r.commit("synth");
    // ...while main moves on with a stage change.
    r.git(&["checkout", "-q", "main"]);
    r.replace(PY.pipeline, PY.add_stage.0, PY.add_stage.1);
    r.commit("prod stage");
    r.git(&["checkout", "-q", "--detach", "feature"]);
    assert_eq!(r.git(&["rev-parse", "--abbrev-ref", "HEAD"]), "HEAD");
    // Against where the branch left main: only the synth changed. (Against main's tip, the
    // missing Prod stage would look like a second change.)
    let c = check(&r, PY.pipeline, Some("main"));
    assert_eq!(only(&c).severity, Severity::Information);
    assert!(check(&r, PY.pipeline, None).diagnostics.is_empty());
    let c = check(&r, PY.pipeline, Some("HEAD~1"));
    assert_eq!(only(&c).severity, Severity::Information);
}

fn pipelens(args: &[&str], cwd: &Path, path_env: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pipelens"));
    cmd.args(args).current_dir(cwd);
    if let Some(p) = path_env {
        cmd.env("PATH", p);
    }
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn check_base_through_the_binary_with_github_output_and_exit_codes() {
    let r = repo_with(&TS);
    r.replace(TS.pipeline, TS.synth_line.0, TS.synth_line.1);
    r.replace(TS.pipeline, TS.add_stage.0, TS.add_stage.1);
    r.commit("synth and prod");

    // Without --base (and no changeBase) the git rule does not run.
    let o = pipelens(&["check", "--format", "github", "."], r.root(), None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!text(&o.stdout).contains("source-synth-change"));

    let o = pipelens(
        &["check", "--base", "HEAD~1", "--format", "github", "."],
        r.root(),
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "a warning is not an error: {}",
        text(&o.stderr)
    );
    let out = text(&o.stdout);
    let line = out
        .lines()
        .find(|l| l.contains("source-synth-change"))
        .expect(&out);
    assert!(
        line.starts_with("::warning file=lib/pipeline-stack.ts,line=10,"),
        "{line}"
    );
    assert!(
        line.contains("title=pipelens source-synth-change::"),
        "{line}"
    );
    assert!(line.contains("commit the rest"), "{line}");

    // Text output lists the other change as a note.
    let o = pipelens(
        &["check", "--base", "HEAD~1", "lib/pipeline-stack.ts"],
        r.root(),
        None,
    );
    let out = text(&o.stdout);
    assert!(
        out.contains("= note: lib/pipeline-stack.ts:19:") && out.contains("stage `Prod` added"),
        "{out}"
    );

    // An error elsewhere still exits 1.
    r.replace(TS.pipeline, "region: 'eu-west-1'", "region: 'eu-wset-1'");
    let o = pipelens(
        &["check", "--base", "HEAD~1", "--format", "github", "."],
        r.root(),
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("::warning file=lib/pipeline-stack.ts"));
    r.git(&["checkout", "-q", "--", "."]);

    // `changeBase` from pipelens.toml, when no --base is given.
    r.write("pipelens.toml", "changeBase = \"HEAD~1\"\n");
    let o = pipelens(&["check", "--format", "json", "."], r.root(), None);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "source-synth-change" && d["severity"] == "warning"));
    std::fs::remove_file(r.path("pipelens.toml")).unwrap();

    // A mistyped --base is a usage error.
    let o = pipelens(&["check", "--base", "orgin/main", "."], r.root(), None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--base: `orgin/main` is not a revision"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn a_shallow_clone_or_no_git_skips_the_rule_with_one_note() {
    let r = repo_with(&PY);
    r.replace(PY.pipeline, PY.synth_line.0, PY.synth_line.1);
    r.commit("synth");
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.root().display());
    let o = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url, "shallow"])
        .current_dir(clones.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let shallow = clones.path().join("shallow");
    let o = pipelens(&["check", "--base", "HEAD~1", "."], &shallow, None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert_eq!(
        err.matches("source-synth-change skipped").count(),
        1,
        "{err}"
    );
    assert!(err.contains("shallow clone"), "{err}");

    // No git on PATH: one note, same exit code.
    let empty = tempfile::tempdir().unwrap();
    let o = pipelens(
        &["check", "--base", "HEAD~1", "."],
        r.root(),
        Some(empty.path().to_str().unwrap()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("git is not installed"),
        "{}",
        text(&o.stderr)
    );
}

// Git as data, never as code: a repository whose config, attributes and hooks name programs.

/// A program that records that it ran (in `markers/<name>`) and otherwise behaves like `cat`,
/// so a filter that does run leaves the content alone.
#[cfg(unix)]
fn plant(bin: &Path, markers: &Path, name: &str) -> String {
    std::fs::create_dir_all(bin).unwrap();
    let path = bin.join(name);
    common::write_script(
        &path,
        &format!(
            "#!/bin/sh\necho \"$0 $*\" >> '{}'\nexec cat\n",
            markers.join(name).display()
        ),
    );
    path.display().to_string()
}

/// Every way a repository can name a program, planted after the last commit (so the test's
/// own git never ran them), with the work tree in the state that makes git reach for them:
/// the pipeline's synth changed, a file touched without a change (stat-dirty: git re-hashes
/// it, through the clean filter), an untracked file, a dirty submodule.
#[cfg(unix)]
fn hostile_repo(tools: &Path, markers: &Path) -> Repo {
    let sub = Repo::new();
    sub.write("data.txt", "submodule data\n");
    sub.write(".gitattributes", "* filter=subevil\n");
    sub.commit("sub");

    let r = repo_with(&PY);
    r.write(
        ".gitattributes",
        "*.py filter=evil diff=evil merge=evil\n*.md filter=evilprocess diff=evil\n",
    );
    r.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        sub.root().to_str().unwrap(),
        "sub",
    ]);
    r.commit("attributes and a submodule");

    let bin = tools.join("bin");
    let p = |name: &str| plant(&bin, markers, name);
    let hooks = tools.join("hooks");
    let git_hooks = r.path(".git/hooks");
    for hook in [
        "post-index-change",
        "reference-transaction",
        "pre-auto-gc",
        "post-checkout",
        "fsmonitor-watchman",
        "pre-commit",
        "post-commit",
    ] {
        plant(&hooks, markers, &format!("hook-{hook}"));
        std::fs::copy(hooks.join(format!("hook-{hook}")), hooks.join(hook)).unwrap();
        plant(&git_hooks, markers, &format!("git-hook-{hook}"));
        std::fs::copy(
            git_hooks.join(format!("git-hook-{hook}")),
            git_hooks.join(hook),
        )
        .unwrap();
    }
    let included = tools.join("included.gitconfig");
    std::fs::write(
        &included,
        format!(
            "[core]\n\tfsmonitor = {}\n[diff]\n\texternal = {}\n",
            p("included-fsmonitor"),
            p("included-diff-external")
        ),
    )
    .unwrap();
    let config: Vec<(&str, String)> = vec![
        ("core.fsmonitor", p("core-fsmonitor")),
        ("core.hooksPath", hooks.display().to_string()),
        ("core.pager", p("core-pager")),
        ("pager.diff", p("pager-diff")),
        ("core.sshCommand", p("core-sshCommand")),
        ("core.askPass", p("core-askPass")),
        ("core.editor", p("core-editor")),
        ("sequence.editor", p("sequence-editor")),
        ("core.gitProxy", p("core-gitProxy")),
        ("core.alternateRefsCommand", p("core-alternateRefsCommand")),
        ("credential.helper", p("credential-helper")),
        ("diff.external", p("diff-external")),
        ("diff.evil.command", p("diff-driver-command")),
        ("diff.evil.textconv", p("diff-driver-textconv")),
        ("diff.autoRefreshIndex", "true".into()),
        ("filter.evil.clean", p("filter-clean")),
        ("filter.evil.smudge", p("filter-smudge")),
        ("filter.evil.required", "true".into()),
        ("filter.evilprocess.process", p("filter-process")),
        ("filter.evilprocess.required", "true".into()),
        ("merge.evil.driver", p("merge-driver")),
        ("gpg.program", p("gpg-program")),
        ("gpg.ssh.program", p("gpg-ssh-program")),
        ("log.showSignature", "true".into()),
        (
            "uploadpack.packObjectsHook",
            p("uploadpack-packObjectsHook"),
        ),
        ("remote.origin.url", "ssh://example.invalid/repo.git".into()),
        ("remote.origin.uploadpack", p("remote-uploadpack")),
        ("gc.auto", "1".into()),
        ("include.path", included.display().to_string()),
    ];
    for (key, value) in &config {
        r.git(&["config", key, value.as_str()]);
    }
    let sub_config = r.path(".git/modules/sub/config");
    let text = std::fs::read_to_string(&sub_config).unwrap();
    std::fs::write(
        &sub_config,
        format!(
            "{text}[core]\n\tfsmonitor = {}\n[filter \"subevil\"]\n\tclean = {}\n\trequired = true\n",
            p("sub-fsmonitor"),
            p("sub-filter-clean")
        ),
    )
    .unwrap();

    // The work tree: a synth change, a stat-only change (older mtime than the index would
    // make git trust the stat data), an untracked file, a dirty submodule.
    r.replace(PY.pipeline, PY.synth_line.0, PY.synth_line.1);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    r.write("README.md", &r.read("README.md"));
    r.write(PY.stage_file, &r.read(PY.stage_file));
    r.write("pipeline/new_module.py", "X = 1\n");
    r.write("sub/data.txt", "submodule dat!\n");
    r
}

#[cfg(unix)]
fn ran(markers: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(markers)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn no_program_a_repository_names_ever_runs() {
    let tools = tempfile::tempdir().unwrap();
    let markers = tempfile::tempdir().unwrap();
    let r = hostile_repo(tools.path(), markers.path());
    assert_eq!(
        ran(markers.path()),
        Vec::<String>::new(),
        "the setup ran one"
    );

    // The CLI: `check --base HEAD`, and the rule did run (git worked, with everything off).
    let o = pipelens(
        &[
            "check",
            "--base",
            "HEAD",
            "--format",
            "json",
            "--offline",
            ".",
        ],
        r.root(),
        None,
    );
    assert_eq!(
        ran(markers.path()),
        Vec::<String>::new(),
        "`pipelens check` ran these"
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "source-synth-change"),
        "{v:#}\n{}",
        text(&o.stderr)
    );

    // The language server: open, edit, save; each runs the check in the background.
    let mut s = common::TestServer::builder(r.root())
        .init_options(serde_json::json!({"trusted": true}))
        .start();
    let file = r.path(PY.pipeline);
    let u = s.open(&file, "python");
    // A publish of `version` with the rule's diagnostic (a warning: the untracked file is
    // another change since the base).
    let change_rule = |version: i64| {
        move |p: &serde_json::Value| {
            p["version"] == version
                && p["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["code"] == "source-synth-change"))
        }
    };
    s.wait_for("textDocument/publishDiagnostics", change_rule(1));
    let disk = r.read(PY.pipeline);
    let dev = common::find(&disk, "\"Dev\"", false);
    s.change(&u, 2, (dev.0, dev.1 + 1), (dev.0, dev.1 + 4), "Qa");
    s.wait_for("textDocument/publishDiagnostics", change_rule(2));
    r.replace(PY.pipeline, "\"Dev\"", "\"Qa\"");
    s.notify(
        "textDocument/didSave",
        serde_json::json!({"textDocument": {"uri": u}}),
    );
    // The save's check runs after its debounce; then one more edit, answered after it.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    s.change(&u, 3, (dev.0, dev.1 + 1), (dev.0, dev.1 + 3), "Dev");
    s.wait_for("textDocument/publishDiagnostics", change_rule(3));
    assert!(s.shutdown().success());
    assert_eq!(
        ran(markers.path()),
        Vec::<String>::new(),
        "the language server ran these"
    );
}

/// The live pipeline asks the clone: the last commit that changed a file, and whether a
/// revision the pipeline ran contains it. Revisions that are no commit id are not passed on.
#[test]
fn the_clone_says_whether_a_revision_contains_a_files_last_change() {
    let r = repo_with(&PY);
    let root = r.dir.path();
    let repo = pipelens::git::Repo::discover(root, pipelens::trust::Trusted::by_user())
        .unwrap()
        .unwrap();
    let first = repo.head().unwrap();
    r.write("README.md", "# app, again\n");
    r.commit("readme");
    let readme_only = repo.head().unwrap();
    r.write(
        PY.pipeline,
        &PY_PIPELINE.replace("# stages", "# stages, later"),
    );
    r.commit("pipeline");
    let head = repo.head().unwrap();
    let changed = repo.last_commit_of(Path::new(PY.pipeline)).unwrap();
    assert_eq!(changed, head);
    assert_eq!(repo.is_ancestor(&changed, &head), Some(true));
    assert_eq!(repo.is_ancestor(&changed, &readme_only), Some(false));
    assert_eq!(repo.is_ancestor(&first, &readme_only), Some(true));
    assert_eq!(
        repo.is_ancestor(&changed, &"a".repeat(40)),
        None,
        "a commit the clone lacks"
    );
    assert_eq!(repo.is_ancestor("--help", &head), None);
    assert_eq!(repo.commit_author("HEAD~1"), None);
    assert_eq!(
        repo.commit_author(&head).map(|(_, s)| s),
        Some("pipeline".to_string())
    );
}
