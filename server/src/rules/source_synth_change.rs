//! `source-synth-change`: a change to a pipeline's Source or Synth in the same commit as other
//! changes. A self-mutating pipeline runs its *old* Source and Synth on a new commit first and
//! only updates itself (UpdatePipeline) when that synth succeeds; if the rest of the commit
//! needs the new synth, the old one fails and the pipeline never updates: it is wedged until
//! someone deploys it by hand. Source/Synth changes belong in a commit of their own.
//!
//! Not a static rule: it compares the model of the file at a base revision with today's, and
//! is told which other files changed (see `analysis::source_synth_diagnostics` and `git`).

use std::path::{Path, PathBuf};

use super::{Check, Diagnostic, Related, Rule, Severity};
use crate::lang::Naming;
use crate::model::catalog::{SYNTH_PROPS, SYNTH_STEP_PROPS as STEP_PROPS};
use crate::model::{FileModel, Known, Pipeline, Source, Span, Stage, Step, Wave};

pub const CODE: &str = "source-synth-change";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Warning, Severity::Information],
    summary: "the pipeline's Source or Synth changed together with other changes (see \
              below); only with `--base` or `changeBase`",
    prevents: "pipeline run: the old synth fails on the new commit and the pipeline never \
               updates itself",
    doc: "A self-mutating pipeline runs its old Source and Synth on a new commit first and only \
          then updates itself. When one commit changes the Source or the synth step and other \
          code that needs the new synth, the old synth fails and the pipeline is wedged until \
          someone deploys it by hand. Commit the Source/Synth change on its own, let the \
          pipeline update itself, then the rest.",
    check: Check::Elsewhere(
        "`rules::source_synth_change::check`, comparing the file's model at the git base \
         revision with today's (`analysis::source_synth_diagnostics`): it runs git, so off \
         the typing path, and in `pipelens check` only with `--base` or `changeBase`",
    ),
    action: None,
};

/// Files whose change can change what the app synthesizes: the app's source, its CDK and
/// dependency configuration. Documentation and the like do not count.
pub fn matters(path: &Path) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().to_lowercase()) else {
        return false;
    };
    if crate::lang::for_path(path).is_some() && !name.ends_with(".d.ts") {
        return true;
    }
    matches!(
        name.as_str(),
        "cdk.json"
            | "cdk.context.json"
            | "package.json"
            | "package-lock.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "tsconfig.json"
            | "pyproject.toml"
            | "setup.cfg"
            | "pipfile"
            | "pipfile.lock"
            | "poetry.lock"
            | "uv.lock"
            | "dockerfile"
    ) || (name.starts_with("requirements") && name.ends_with(".txt"))
}

/// A changed Source or Synth, where it is written today.
struct Node {
    span: Span,
    what: String,
}

/// Compares the file's model at the base with today's. `other_changes`: the other files of the
/// app that changed since the base (those that do not [`matter`](matters) are ignored).
pub fn check(
    base: &FileModel,
    current: &FileModel,
    other_changes: &[PathBuf],
    naming: &Naming,
) -> Vec<Diagnostic> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut others: Vec<Related> = Vec::new();
    let mut used = vec![false; base.pipelines.len()];
    for p in &current.pipelines {
        let Some(bi) = matching(&base.pipelines, &used, p) else {
            others.push(related(
                p.span,
                format!("pipeline {} added", pipeline_name(p)),
            ));
            continue;
        };
        used[bi] = true;
        let b = &base.pipelines[bi];
        if p.self_mutation.or_default(true) == Some(false) {
            // No UpdatePipeline: the pipeline is deployed by hand and cannot wedge itself.
            pipeline_others(b, p, naming, &mut others);
            continue;
        }
        source_nodes(b, p, &mut nodes);
        synth_nodes(b, p, naming, &mut nodes);
        pipeline_others(b, p, naming, &mut others);
    }
    for (b, used) in base.pipelines.iter().zip(used) {
        if !used {
            let span = current
                .pipelines
                .first()
                .map(|p| p.span)
                .unwrap_or_default();
            others.push(related(
                span,
                format!("pipeline {} removed", pipeline_name(b)),
            ));
        }
    }
    for f in other_changes.iter().filter(|f| matters(f)) {
        let name = f.file_name().unwrap_or(f.as_os_str()).to_string_lossy();
        others.push(Related {
            file: Some(f.clone()),
            span: Span::default(),
            message: format!("`{name}` also changed"),
        });
    }
    if nodes.is_empty() {
        return Vec::new();
    }
    nodes
        .into_iter()
        .map(|n| {
            if others.is_empty() {
                Diagnostic::new(
                    CODE,
                    Severity::Information,
                    n.span,
                    format!(
                        "This change to {} is the only change since the base revision: good, \
                         it is isolated. Commit it on its own; the pipeline runs its old \
                         definition once, updates itself, and uses the new one from then on.",
                        n.what
                    ),
                )
            } else {
                let mut d = Diagnostic::new(
                    CODE,
                    Severity::Warning,
                    n.span,
                    format!(
                        "{} changes in the same commit as {} other change{}. A pipeline that \
                         updates itself runs its old Source and Synth on a new commit first and \
                         only updates itself after that synth succeeds; if the other changes \
                         need the new definition, the old synth fails and the pipeline is stuck \
                         until it is deployed by hand. Commit the {} change on its own first, \
                         let the pipeline update itself, then commit the rest.",
                        capitalized(&n.what),
                        others.len(),
                        if others.len() == 1 { "" } else { "s" },
                        short(&n.what),
                    ),
                );
                d.related = others.clone();
                d
            }
        })
        .collect()
}

fn related(span: Span, message: String) -> Related {
    Related {
        file: None,
        span,
        message,
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// "source" or "synth", for "commit the … change on its own".
fn short(what: &str) -> &'static str {
    if what.contains("source") {
        "source"
    } else {
        "synth"
    }
}

fn pipeline_name(p: &Pipeline) -> String {
    super::pipeline_name(p)
}

/// The base pipeline today's corresponds to: same id and stack class, else the same position.
fn matching(base: &[Pipeline], used: &[bool], p: &Pipeline) -> Option<usize> {
    let free = |i: &usize| !used[*i];
    (0..base.len())
        .filter(free)
        .find(|&i| base[i].id == p.id && base[i].stack_class == p.stack_class)
        .or_else(|| {
            (0..base.len())
                .filter(free)
                .find(|&i| base[i].id.is_none() || p.id.is_none())
        })
}

fn source_nodes(b: &Pipeline, p: &Pipeline, nodes: &mut Vec<Node>) {
    let mut before: Vec<&str> = b.sources.iter().map(|s| s.fingerprint.as_str()).collect();
    let mut any = false;
    for s in &p.sources {
        match before.iter().position(|f| *f == s.fingerprint) {
            Some(i) => {
                before.remove(i);
            }
            None => {
                any = true;
                nodes.push(Node {
                    span: s.span,
                    what: format!("the pipeline's source {}", source_name(s)),
                });
            }
        }
    }
    if !any && !before.is_empty() {
        nodes.push(Node {
            span: p.synth.as_ref().map(|s| s.span).unwrap_or(p.span),
            what: "the pipeline's sources (one was removed)".into(),
        });
    }
}

fn source_name(s: &Source) -> String {
    match (&s.repo, &s.branch) {
        (Some(r), Some(b)) => format!("`{r}` (branch `{b}`)"),
        (Some(r), None) => format!("`{r}`"),
        _ => format!("({})", s.kind.name()),
    }
}

fn synth_print(s: &Option<Step>) -> Option<(String, &Option<String>, &str)> {
    s.as_ref()
        .map(|s| (s.kind.name().to_string(), &s.id, s.fingerprint.as_str()))
}

fn synth_nodes(b: &Pipeline, p: &Pipeline, naming: &Naming, nodes: &mut Vec<Node>) {
    let at = p.synth.as_ref().map(|s| s.span).unwrap_or(p.span);
    let name = p
        .synth
        .as_ref()
        .and_then(|s| s.id.as_deref())
        .map(|id| format!("the synth step `{id}`"))
        .unwrap_or_else(|| "the synth step".into());
    if synth_print(&b.synth) != synth_print(&p.synth) {
        nodes.push(Node {
            span: at,
            what: name.clone(),
        });
    }
    for prop in SYNTH_PROPS {
        let (before, now) = (prop_of(b, prop), prop_of(p, prop));
        if before.map(|x| x.0) != now.map(|x| x.0) {
            nodes.push(Node {
                span: now.map(|x| x.1).unwrap_or(at),
                what: format!("the synth setting `{}`", naming.api(prop)),
            });
        }
    }
}

fn prop_of<'a>(p: &'a Pipeline, name: &str) -> Option<(&'a String, Span)> {
    p.props
        .iter()
        .find(|x| x.name == name)
        .map(|x| (&x.fingerprint, x.span))
}

/// Everything of a pipeline that is neither Source nor Synth: its other props, stages, waves
/// and their steps.
fn pipeline_others(b: &Pipeline, p: &Pipeline, naming: &Naming, out: &mut Vec<Related>) {
    let skip = |n: &str| SYNTH_PROPS.contains(&n) || STEP_PROPS.contains(&n);
    for prop in p.props.iter().filter(|x| !skip(&x.name)) {
        let label = if prop.name == "…" {
            "props the model cannot see".to_string()
        } else {
            format!("`{}`", naming.api(&prop.name))
        };
        match prop_of(b, &prop.name) {
            None => out.push(related(prop.span, format!("pipeline prop {label} added"))),
            Some((f, _)) if *f != prop.fingerprint => {
                out.push(related(prop.span, format!("pipeline prop {label} changed")))
            }
            _ => {}
        }
    }
    for prop in b.props.iter().filter(|x| !skip(&x.name)) {
        if prop_of(p, &prop.name).is_none() {
            out.push(related(
                p.span,
                format!("pipeline prop `{}` removed", naming.api(&prop.name)),
            ));
        }
    }
    let key = |s: &Stage| (s.wave.clone(), s.id.clone());
    for s in &p.stages {
        let name = stage_label(s);
        match b.stages.iter().find(|x| key(x) == key(s)) {
            None => out.push(related(s.span, format!("stage {name} added"))),
            Some(x) if stage_print(x) != stage_print(s) => {
                out.push(related(s.span, format!("stage {name} changed")))
            }
            _ => {}
        }
    }
    for s in &b.stages {
        if !p.stages.iter().any(|x| key(x) == key(s)) {
            out.push(related(p.span, format!("stage {} removed", stage_label(s))));
        }
    }
    let waves = |pl: &Pipeline| -> Vec<(Option<String>, String, Span)> {
        pl.waves
            .iter()
            .filter(|w| !w.implicit)
            .map(|w| (w.id.clone(), wave_print(pl, w), w.span))
            .collect()
    };
    let (bw, pw) = (waves(b), waves(p));
    for (id, print, span) in &pw {
        let name = super::stage_name(id);
        match bw.iter().find(|x| x.0 == *id) {
            None => out.push(related(*span, format!("wave {name} added"))),
            Some(x) if x.1 != *print => out.push(related(*span, format!("wave {name} changed"))),
            _ => {}
        }
    }
    for (id, _, _) in &bw {
        if !pw.iter().any(|x| x.0 == *id) {
            out.push(related(
                p.span,
                format!("wave {} removed", super::stage_name(id)),
            ));
        }
    }
}

fn stage_label(s: &Stage) -> String {
    match &s.wave {
        Some(w) => format!("`{w}/{}`", s.id.as_deref().unwrap_or("?")),
        None => super::stage_name(&s.id),
    }
}

fn step_print(s: &Step) -> String {
    format!(
        "{}({:?};input={};{})",
        s.kind.name(),
        s.id,
        s.input.as_ref().map_or("-", |i| i.fingerprint.as_str()),
        s.fingerprint
    )
}

fn steps_print(steps: &[Step]) -> String {
    steps.iter().map(step_print).collect::<Vec<_>>().join(",")
}

fn known(k: &Known<String>) -> String {
    match k {
        Known::Value(v, _) => v.clone(),
        Known::Absent => "-".into(),
        Known::Unknown(_) => "?".into(),
    }
}

fn stage_print(s: &Stage) -> String {
    let env = match &s.env {
        crate::model::EnvState::Given(e) => format!("{}/{}", known(&e.account), known(&e.region)),
        crate::model::EnvState::Missing => "-".into(),
        crate::model::EnvState::Unknown => "?".into(),
    };
    let stacks = s.stacks.as_ref().map(|st| {
        st.iter()
            .map(|x| format!("{:?}:{:?}", x.id, x.class))
            .collect::<Vec<_>>()
    });
    let stack_steps: Vec<String> = s
        .stack_steps
        .iter()
        .map(|x| {
            format!(
                "{:?}:{}|{}|{}",
                x.stack,
                steps_print(&x.pre),
                steps_print(&x.change_set),
                steps_print(&x.post)
            )
        })
        .collect();
    format!(
        "{:?} {env} {stacks:?} pre={} post={} {stack_steps:?}",
        s.class,
        steps_print(&s.pre),
        steps_print(&s.post)
    )
}

fn wave_print(p: &Pipeline, w: &Wave) -> String {
    let stages: Vec<Option<&String>> = w
        .stages
        .iter()
        .map(|i| p.stages.get(*i).and_then(|s| s.id.as_ref()))
        .collect();
    format!(
        "{stages:?} pre={} post={}",
        steps_print(&w.pre),
        steps_print(&w.post)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze_text;
    use crate::lang::{ExtraQueries, Plugin, PYTHON, TYPESCRIPT};
    use crate::model::NoIndex;

    fn model(plugin: &'static Plugin, src: &str) -> FileModel {
        analyze_text(plugin, src, None, &NoIndex, &ExtraQueries::default()).model
    }

    fn run(plugin: &'static Plugin, base: &str, now: &str, files: &[&str]) -> Vec<Diagnostic> {
        let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
        check(
            &model(plugin, base),
            &model(plugin, now),
            &files,
            &plugin.naming,
        )
    }

    const PY: &str = r#"
from aws_cdk import pipelines, aws_codebuild as codebuild
import aws_cdk as cdk
class S(cdk.Stage):
    pass
class P(cdk.Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        p = pipelines.CodePipeline(self, "P", cross_account_keys=True, synth=pipelines.CodeBuildStep("Synth",
            input=pipelines.CodePipelineSource.connection("acme/app", "main", connection_arn="arn:x"),
            commands=["npm ci", "cdk synth"],
            partial_build_spec=codebuild.BuildSpec.from_object({"phases": {"install": {"runtime-versions": {"python": "3.12"}}}})))
        p.add_stage(S(self, "Dev", env=cdk.Environment(account="111111111111", region="us-east-1")))
"#;

    fn codes(d: &[Diagnostic]) -> Vec<(Severity, usize)> {
        d.iter().map(|d| (d.severity, d.related.len())).collect()
    }

    #[test]
    fn reformatting_and_comments_are_not_changes() {
        let now = PY
            .replace("commands=[\"npm ci\", \"cdk synth\"],", "# build\n            commands=[\n                'npm ci',  # deps\n                'cdk synth',\n            ],")
            .replace("cross_account_keys=True, ", "cross_account_keys=True,  # keys\n            ");
        assert!(run(&PYTHON, PY, &now, &[]).is_empty());
        // A constant that evaluates to the same list is the same synth.
        let now = PY
            .replace("class P", "CMDS = [\"npm ci\", \"cdk synth\"]\nclass P")
            .replace("commands=[\"npm ci\", \"cdk synth\"]", "commands=CMDS");
        assert!(run(&PYTHON, PY, &now, &[]).is_empty());
    }

    #[test]
    fn a_change_inside_an_uninterpreted_call_still_counts() {
        let now = PY.replace("3.12", "3.13");
        let d = run(&PYTHON, PY, &now, &[]);
        assert_eq!(codes(&d), [(Severity::Information, 0)], "{d:?}");
    }

    #[test]
    fn synth_plus_stage_or_file_warns_and_names_them() {
        let now = PY
            .replace("\"cdk synth\"", "\"npx cdk synth\"")
            .replace("\"Dev\"", "\"Test\"");
        let d = run(&PYTHON, PY, &now, &["app/README.md", "app/app/stage.py"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(
            d[0].message.contains("synth step `Synth`"),
            "{}",
            d[0].message
        );
        assert!(d[0]
            .message
            .contains("Commit the synth change on its own first"));
        let msgs: Vec<&str> = d[0].related.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "stage `Test` added",
                "stage `Dev` removed",
                "`stage.py` also changed"
            ]
        );
    }

    #[test]
    fn source_change_alone_is_information_and_self_mutation_off_is_silent() {
        let now = PY.replace("\"main\"", "\"release\"");
        let d = run(&PYTHON, PY, &now, &[]);
        assert_eq!(codes(&d), [(Severity::Information, 0)]);
        assert!(d[0].message.contains("`acme/app` (branch `release`)"));
        let base = PY.replace("cross_account_keys=True", "self_mutation=False");
        let now = base
            .replace("\"main\"", "\"release\"")
            .replace("Dev", "Prod");
        assert!(run(&PYTHON, &base, &now, &[]).is_empty());
    }

    #[test]
    fn typescript_synth_settings_belong_to_synth() {
        let base = r#"
import * as pipelines from 'aws-cdk-lib/pipelines';
import * as cdk from 'aws-cdk-lib';
export class P extends cdk.Stack {
  constructor(scope: any, id: string) {
    super(scope, id);
    new pipelines.CodePipeline(this, 'P', {
      cliVersion: '2.150.0',
      synth: new pipelines.ShellStep('Synth', { input: pipelines.CodePipelineSource.gitHub('a/b', 'main'), commands: ['npx cdk synth'] }),
    });
  }
}"#;
        let now = base.replace("2.150.0", "2.160.0");
        let d = run(&TYPESCRIPT, base, &now, &[]);
        assert_eq!(codes(&d), [(Severity::Information, 0)], "{d:?}");
        assert!(d[0].message.contains("`cliVersion`"), "{}", d[0].message);
        let now = now.replace(
            "new pipelines.CodePipeline(this, 'P', {",
            "new pipelines.CodePipeline(this, 'P', {\n      crossAccountKeys: true,",
        );
        let d = run(&TYPESCRIPT, base, &now, &["lib/x.ts"]);
        assert_eq!(codes(&d), [(Severity::Warning, 2)], "{d:?}");
        assert_eq!(
            d[0].related[0].message,
            "pipeline prop `crossAccountKeys` added"
        );
    }
}
