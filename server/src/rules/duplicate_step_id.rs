//! `duplicate-step-id`: two steps with the same id in one node of CDK's pipeline graph (a
//! stage's steps and stacks, a stack's steps, a wave's steps, the sources), which CDK refuses
//! when it builds the pipeline.
//!
//! The graph is walked in CDK's order (`helpers-internal/pipeline-graph.ts`): the synth step,
//! then each wave — each stage's stacks (their change-set, pre and post steps), the stage's
//! pre and post steps, the wave's — then the sources. CDK adds a step object once, wherever
//! it is used first; the model knows a step object by the call that made it, and one call can
//! make several objects (a loop, a helper function), so a step whose call was seen before is
//! left out: it may be the same object, or a new one.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::{Check, Ctx, Diagnostic, Related, Rule, Severity};
use crate::model::catalog::{self, SourceAction};
use crate::model::{Known, Pipeline, Span, Stage, Step};

const CODE: &str = "duplicate-step-id";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "two steps with the same id in one stage or wave (pre, post, stack steps), a \
              step named like a stack of its stage, two sources of one repository",
    prevents: "synth: `Node with duplicate id: Check`",
    doc: "CDK Pipelines builds a graph of the pipeline before it makes the CodePipeline: a \
          stage holds its stacks and its `pre`/`post` steps, a stack its `Prepare` and \
          `Deploy` actions and its `stack_steps`, a wave of several stages its own steps, the \
          Source stage every source (named after its repository). Two of them with the same \
          id in one place fail `cdk synth` with \"Node with duplicate id: <id>\". Give each \
          step its own id (the id is also the action's name). The same step object used twice \
          is fine: CDK keeps the first.",
    check: Check::Model(check),
    action: None,
};

/// The ids of one graph node's children, as CDK adds them.
struct Node {
    /// `stage `Prod``, for messages.
    what: String,
    first: HashMap<String, (Option<Span>, Option<PathBuf>)>,
}

struct Walk<'a> {
    /// Calls of the steps added so far.
    seen_steps: HashSet<usize>,
    out: &'a mut Vec<Diagnostic>,
}

impl Node {
    fn new(what: String) -> Self {
        Node {
            what,
            first: HashMap::new(),
        }
    }

    /// A child that is not a step (a stack's group, CDK's own `Prepare`/`Deploy`).
    fn fixed(&mut self, id: &str, span: Option<Span>, file: Option<PathBuf>) {
        self.first.entry(id.to_string()).or_insert((span, file));
    }
}

impl Walk<'_> {
    fn step(&mut self, node: &mut Node, step: &Step) {
        if !self.seen_steps.insert(step.span.start_byte) {
            return;
        }
        let Some(id) = &step.id else { return };
        match node.first.get(id) {
            None => {
                node.first.insert(id.clone(), (Some(step.id_span), None));
            }
            Some((prev, file)) => {
                let mut d = Diagnostic::new(
                    CODE,
                    Severity::Error,
                    step.id_span,
                    format!(
                        "`cdk synth` fails with \"Node with duplicate id: {id}\": {} already \
                         has {} named `{id}`. Give this step its own id.",
                        node.what,
                        match prev {
                            Some(_) => "a step or stack",
                            None => "an action",
                        }
                    ),
                );
                if let Some(prev) = prev {
                    d.related.push(Related {
                        file: file.clone(),
                        span: *prev,
                        message: format!("`{id}` is first used here"),
                    });
                }
                self.out.push(d);
            }
        }
    }

    fn steps(&mut self, node: &mut Node, steps: &[Step]) {
        for s in steps {
            self.step(node, s);
        }
    }

    /// A stage's graph: its stacks' groups (and each stack's own graph), then its steps.
    fn stage(&mut self, p: &Pipeline, stage: &Stage) {
        let stage_name = match (&stage.stage_name, &stage.id) {
            (Known::Value(n, _), _) => Some(n.as_str()),
            (Known::Absent, Some(id)) => Some(id.as_str()),
            _ => None,
        };
        let mut node = Node::new(match stage_name {
            Some(n) => format!("stage `{n}`"),
            None => "this stage".into(),
        });
        // A stack's group is named after its stack name without the stage's prefix; a second
        // stack of the same name gets its account and region added, so only the first
        // holder of a name is sure.
        for stack in stage.stacks.iter().flatten() {
            let name = match (&stack.stack_name, &stack.id, stage_name) {
                (Known::Value(n, _), _, Some(stage_name)) => n
                    .strip_prefix(&format!("{stage_name}-"))
                    .unwrap_or(n)
                    .to_string(),
                (Known::Absent, Some(id), _) => id.clone(),
                _ => continue,
            };
            node.fixed(&name, Some(stack.span), stack.file.clone());
        }
        let prepare = p.use_change_sets.or_default(true);
        let mut stack_nodes: Vec<(&str, Node)> = Vec::new();
        for ss in &stage.stack_steps {
            let Some(stack) = ss.stack.as_deref() else {
                continue;
            };
            let at = match stack_nodes.iter().position(|(s, _)| *s == stack) {
                Some(i) => i,
                None => {
                    let mut n = Node::new(format!("the steps of stack `{stack}`"));
                    n.fixed("Deploy", None, None);
                    if prepare == Some(true) {
                        n.fixed("Prepare", None, None);
                    }
                    stack_nodes.push((stack, n));
                    stack_nodes.len() - 1
                }
            };
            let n = &mut stack_nodes[at].1;
            self.steps(n, &ss.change_set);
            self.steps(n, &ss.pre);
            self.steps(n, &ss.post);
        }
        self.steps(&mut node, &stage.pre);
        self.steps(&mut node, &stage.post);
    }

    fn pipeline(&mut self, p: &Pipeline) {
        if let Some(synth) = &p.synth {
            self.seen_steps.insert(synth.span.start_byte);
        }
        for w in &p.waves {
            let stages: Vec<&Stage> = w.stages.iter().map(|&i| &p.stages[i]).collect();
            for s in &stages {
                self.stage(p, s);
            }
            let wave_name = w.id.as_deref().unwrap_or("…");
            if w.implicit {
                // `add_stage` on the pipeline: a wave of one stage, without steps of its own.
                continue;
            }
            // The wave's steps share one graph: the stage's, when the wave has exactly one,
            // else the wave's own, next to its stages' groups. The model may count fewer
            // stages than a loop adds, so only several make the wave's graph sure.
            let mut node = Node::new(format!("wave `{wave_name}`"));
            if stages.len() >= 2 {
                for s in &stages {
                    let name = match &s.stage_name {
                        Known::Value(n, _) => Some(n.as_str()),
                        Known::Absent => s.id.as_deref(),
                        Known::Unknown(_) => None,
                    };
                    if let Some(n) = name {
                        node.fixed(n, Some(s.id_span), None);
                    }
                }
            }
            self.steps(&mut node, &w.pre);
            self.steps(&mut node, &w.post);
        }
        // The Source stage: connection and GitHub sources are named after the repository,
        // CodeCommit ones after the repository's name (S3 and ECR after their construct).
        let mut sources = Node::new("the Source stage".into());
        for s in &p.sources {
            // A source whose action id is its repository string (not an address).
            let Some(repo) = s.repo.as_deref().filter(|_| {
                catalog::source(&s.kind).is_some_and(|m| {
                    matches!(m.action, SourceAction::RepoId | SourceAction::RepoIdAndName)
                })
            }) else {
                continue;
            };
            match sources.first.get(repo) {
                None => sources.fixed(repo, Some(s.repo_span), None),
                Some((prev, _)) => {
                    let mut d = Diagnostic::new(
                        CODE,
                        Severity::Error,
                        s.repo_span,
                        format!(
                            "`cdk synth` fails with \"Node with duplicate id: {repo}\": CDK \
                             names a source after its repository, and another source of this \
                             pipeline reads `{repo}` too. Read each repository once (one \
                             source, used as input wherever it is needed)."
                        ),
                    );
                    if let Some(prev) = prev {
                        d.related.push(Related {
                            file: None,
                            span: *prev,
                            message: format!("the other source of `{repo}`"),
                        });
                    }
                    self.out.push(d);
                }
            }
        }
    }
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for p in &ctx.model.pipelines {
        let mut walk = Walk {
            seen_steps: HashSet::new(),
            out,
        };
        walk.pipeline(p);
    }
}
