//! `step-dependency-cycle`: steps that depend on each other in a circle through
//! `add_step_dependency` (or a step on itself). CDK refuses the graph when it builds the
//! pipeline.

use std::collections::{HashMap, HashSet};

use super::{delete_line, Check, Ctx, Diagnostic, Rule, Severity};
use crate::model::{StepEvent, StepRef};

const CODE: &str = "step-dependency-cycle";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "steps that depend on each other in a circle (`add_step_dependency`), or a step \
              on itself",
    prevents: "synth: `Dependency cycle in graph: A => B => A`, `Cannot add dependency on \
               self: GraphNode(A)`",
    doc: "`a.add_step_dependency(b)` makes `a` run after `b`. When the dependencies go round \
          in a circle (`a` after `b`, `b` after `a`), no step can run first, and `cdk synth` \
          fails when it builds the pipeline with \"Dependency cycle in graph: A => B => A\" (a \
          step made to depend on itself: \"Cannot add dependency on self: GraphNode(A)\"). \
          Keep one direction: remove the call that closes the circle, or order the steps with \
          `Step.sequence([...])`. Reported only when the steps are in a pipeline (CDK adds the \
          steps they depend on by itself) and every call certainly runs on the step it names.",
    check: Check::Model(check),
    action: None,
};

fn name(s: &StepRef) -> String {
    format!("`{}`", s.id.as_deref().unwrap_or("…"))
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    // The steps certainly in a pipeline (by the call that made them).
    let mut in_pipeline: HashSet<usize> = HashSet::new();
    for p in &ctx.model.pipelines {
        for st in p.stages.iter().filter(|s| !s.conditional) {
            let stack_steps = st
                .stack_steps
                .iter()
                .flat_map(|s| s.pre.iter().chain(&s.change_set).chain(&s.post));
            for s in st.pre.iter().chain(&st.post).chain(stack_steps) {
                in_pipeline.insert(s.span.start_byte);
            }
        }
        for w in p.waves.iter().filter(|w| !w.conditional) {
            for s in w.pre.iter().chain(&w.post) {
                in_pipeline.insert(s.span.start_byte);
            }
        }
    }
    // Edges so far: step → the steps it depends on.
    let mut deps: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut refs: HashMap<usize, &StepRef> = HashMap::new();
    for e in &ctx.model.step_events {
        let StepEvent::DependsOn { step, on, call } = e else {
            continue;
        };
        if call.conditional || step.ambiguous || on.ambiguous {
            continue;
        }
        let (from, to) = (step.span.start_byte, on.span.start_byte);
        refs.insert(from, step);
        refs.insert(to, on);
        if from == to {
            if in_pipeline.contains(&from) {
                let id = step.id.as_deref().unwrap_or("…");
                let mut d = Diagnostic::new(
                    CODE,
                    Severity::Error,
                    call.span,
                    format!(
                        "`cdk synth` fails with \"Cannot add dependency on self: \
                         GraphNode({id})\": a step cannot wait for itself. Remove this call."
                    ),
                );
                d.fix = delete_line(ctx.text, call.span, "Remove this call".into());
                out.push(d);
            }
            continue;
        }
        if deps.get(&from).is_some_and(|d| d.contains(&to)) {
            continue;
        }
        // Does `to` already (transitively) depend on `from`? Then this edge closes a circle.
        let path = path_between(&deps, to, from);
        deps.entry(from).or_default().push(to);
        let Some(path) = path else { continue };
        if !path.iter().any(|s| in_pipeline.contains(s)) {
            continue;
        }
        // The circle in CDK's notation, each step waiting for the next: this one first.
        let chain: Vec<String> = std::iter::once(&from)
            .chain(&path)
            .filter_map(|k| {
                refs.get(k)
                    .map(|r| r.id.as_deref().unwrap_or("…").to_string())
            })
            .collect();
        let mut d = Diagnostic::new(
            CODE,
            Severity::Error,
            call.span,
            format!(
                "`cdk synth` fails with \"Dependency cycle in graph: …\" (the circle: {}): \
                 this makes {} wait for {}, which already waits for it. Remove this call, or \
                 keep the steps' order in one direction.",
                chain.join(" => "),
                name(step),
                name(on),
            ),
        );
        d.fix = delete_line(ctx.text, call.span, "Remove this call".into());
        out.push(d);
    }
}

/// The steps from `start` to `goal` along the dependencies (both included), if `start`
/// depends on `goal`, directly or not. The graph is a file's `add_step_dependency` calls: a
/// handful of edges, walked with an explicit stack.
fn path_between(
    deps: &HashMap<usize, Vec<usize>>,
    start: usize,
    goal: usize,
) -> Option<Vec<usize>> {
    let mut came_from: HashMap<usize, usize> = HashMap::new();
    let mut seen: HashSet<usize> = HashSet::from([start]);
    let mut todo = vec![start];
    while let Some(n) = todo.pop() {
        if n == goal {
            let mut path = vec![n];
            let mut at = n;
            while let Some(&prev) = came_from.get(&at) {
                path.push(prev);
                at = prev;
            }
            path.reverse();
            return Some(path);
        }
        for &next in deps.get(&n).into_iter().flatten() {
            if seen.insert(next) {
                came_from.insert(next, n);
                todo.push(next);
            }
        }
    }
    None
}
