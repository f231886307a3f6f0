//! Model → graph → stages: builds the graph `PipelineGraph` (aws-cdk-lib
//! `helpers-internal/pipeline-graph.ts`) would build from the blueprint, then lays it out as
//! `CodePipeline.pipelineStagesAndActionsFromGraph` does (`codepipeline/codepipeline.ts`).

use std::collections::{HashMap, HashSet};

use super::graph::{chunk_tranches, Graph, NodeId};
use super::{Action, ActionKind, PredictedStage, Prediction};
use crate::model::catalog::{
    self, SourceAction, MAX_ACTIONS_PER_STAGE, MAX_NAME as MAX_ACTION_NAME,
};
use crate::model::{
    AssetKind, AssetName, EnvState, Known, Pipeline, Source, Span, Stack, Stage, Step, StepKind,
};

/// Stands for a name the model cannot know.
const UNKNOWN: &str = "?";

type Target = (Option<String>, Option<String>);

#[derive(Debug)]
struct Leaf {
    kind: ActionKind,
    /// The name the action gets regardless of its place (sources name themselves).
    fixed_name: Option<String>,
    /// CDK's display name of the node, which names the action in place of its id (an asset's
    /// construct path).
    display: Option<String>,
    account: Option<String>,
    region: Option<String>,
    member: Option<String>,
    span: Span,
    certain: bool,
}

/// What a top-level group (a future CodePipeline stage) came from.
struct Top {
    span: Span,
    certain: bool,
    members: Vec<String>,
}

struct Builder<'a> {
    p: &'a Pipeline,
    g: Graph<Leaf>,
    pipeline_target: Target,
    /// Whether the pipeline's env is known: no env, or one whose every part the model
    /// followed. Actions that run in the pipeline's account are not certain otherwise.
    pipeline_known: bool,
    /// Source nodes by the span of the `CodePipelineSource` call (one object per call site).
    sources: HashMap<usize, NodeId>,
    synth: Option<NodeId>,
    last_preparation: Option<NodeId>,
    top: HashMap<NodeId, Top>,
    use_change_sets: bool,
    assets: Assets,
}

/// The Assets stage as CDK's `PipelineGraph.publishAsset` builds it.
#[derive(Default)]
struct Assets {
    /// The `Assets` group, made when the first stack with an asset (or with assets the model
    /// cannot know) is added.
    group: Option<NodeId>,
    /// One node per asset (by what CDK identifies it by), or per kind when they are published
    /// one action per kind (`publish_assets_in_parallel=False`).
    nodes: HashMap<String, NodeId>,
    files: usize,
    images: usize,
    /// Something about the stage is not known: its assets, their names or identities.
    uncertain: bool,
    /// The wave being added may not be there (added under an unknown `if`).
    maybe_absent: bool,
}

pub fn predict(p: &Pipeline) -> Prediction {
    let pipeline_target = match &p.env {
        EnvState::Given(e) => (e.account.value().cloned(), e.region.value().cloned()),
        _ => (None, None),
    };
    let pipeline_known = env_known(&p.env);
    let use_change_sets = p.use_change_sets.or_default(true);
    let mut b = Builder {
        p,
        g: Graph::new(),
        pipeline_target,
        pipeline_known,
        sources: HashMap::new(),
        synth: None,
        last_preparation: None,
        top: HashMap::new(),
        use_change_sets: use_change_sets.unwrap_or(true),
        assets: Assets::default(),
    };
    b.build(use_change_sets.is_some());
    if let (true, Some(g)) = (b.assets.uncertain, b.assets.group) {
        b.uncertain(g);
    }
    b.layout()
}

impl Builder<'_> {
    fn build(&mut self, change_sets_known: bool) {
        let p = self.p;
        let build = self.top_level("Build", p.synth.as_ref().map_or(p.span, |s| s.span));
        if let Some(synth) = &p.synth {
            let n = self.add_step(synth, build, None, (None, None));
            if let Some(leaf) = self.g.nodes[n].leaf.as_mut() {
                leaf.kind = ActionKind::Build;
            }
            self.synth = Some(n);
            if synth.input.is_none() {
                // The synth's source is there, the model just cannot see it: keep Source first.
                let source = self.top_level("Source", p.span);
                self.g.depend_on(n, source);
            }
        } else {
            self.uncertain(build);
        }
        self.last_preparation = self.synth;

        let self_mutation = p.self_mutation.or_default(true);
        if self_mutation != Some(false) {
            let stage = self.top_level("UpdatePipeline", p.span);
            let leaf = self.leaf(ActionKind::SelfMutate, p.span, None, (None, None));
            let n = self.g.leaf("SelfMutate", leaf);
            self.g.add(stage, n);
            if let Some(s) = self.synth {
                self.g.depend_on(n, s);
            }
            if self_mutation.is_none() {
                self.uncertain(stage);
            }
            self.last_preparation = Some(n);
        }

        let mut previous: Option<NodeId> = None;
        for wave in &p.waves {
            self.assets.maybe_absent = wave.conditional;
            let stage_graphs: Vec<NodeId> = wave
                .stages
                .iter()
                .map(|&i| self.add_stage(&p.stages[i]))
                .collect();
            let ret = if stage_graphs.len() == 1 {
                stage_graphs[0]
            } else {
                let g = self.g.group(wave.id.as_deref().unwrap_or(UNKNOWN));
                for &s in &stage_graphs {
                    self.g.add(g, s);
                }
                g
            };
            let members: Vec<String> = wave
                .stages
                .iter()
                .map(|&i| p.stages[i].id.clone().unwrap_or_else(|| UNKNOWN.into()))
                .collect();
            let certain = wave.id.is_some() && change_sets_known && !wave.conditional;
            self.add_pre_post(&wave.pre, &wave.post, ret, None);
            if let Some(l) = self.last_preparation {
                self.g.depend_on(ret, l);
            }
            self.g.add(Graph::<Leaf>::ROOT, ret);
            let stages_certain = stage_graphs
                .iter()
                .all(|s| self.top.get(s).is_none_or(|t| t.certain));
            self.top.insert(
                ret,
                Top {
                    span: wave.span,
                    certain: certain && stages_certain,
                    members,
                },
            );
            if let Some(prev) = previous {
                self.g.depend_on(ret, prev);
            }
            previous = Some(ret);
        }
        // Stages added by code the model does not follow, or past where it stopped reading:
        // one unknown stage stands in last.
        if p.added_elsewhere || p.cut.is_some() {
            let g = self.g.group(UNKNOWN);
            if p.may_have_assets {
                let a = self.assets_group();
                self.assets.uncertain = true;
                self.g.depend_on(g, a);
            }
            if let Some(l) = self.last_preparation {
                self.g.depend_on(g, l);
            }
            if let Some(prev) = previous {
                self.g.depend_on(g, prev);
            }
            self.g.add(Graph::<Leaf>::ROOT, g);
            self.top.insert(
                g,
                Top {
                    span: p.span,
                    certain: false,
                    members: Vec::new(),
                },
            );
        }
    }

    /// CDK's `Assets` stage, made on first use; it waits for the pipeline's own stages.
    fn assets_group(&mut self) -> NodeId {
        if let Some(g) = self.assets.group {
            return g;
        }
        let n = self.top_level("Assets", self.p.span);
        if let Some(l) = self.last_preparation {
            self.g.depend_on(n, l);
        }
        self.assets.group = Some(n);
        n
    }

    /// What a stack publishes, as CDK's `publishAsset` adds it: one node per asset (the same
    /// content once, named after the first stack that has it) that `first` (the stack's first
    /// action) waits for. Assets the model cannot know leave the Assets stage uncertain, and
    /// the stack waits for the stage as a whole.
    fn publish_assets(&mut self, stage: &Stage, stack: &Stack, first: &[NodeId]) {
        if !self.p.may_have_assets {
            return;
        }
        let parallel = self.p.publish_assets_in_parallel.or_default(true);
        // A stage or stack that may not be there may not bring its assets.
        if (stage.conditional || stack.conditional || self.assets.maybe_absent)
            && !stack.assets.is_empty()
        {
            self.assets.uncertain = true;
        }
        if !stack.assets_complete || parallel.is_none() {
            self.assets.uncertain = true;
            let g = self.assets_group();
            for &f in first {
                self.g.depend_on(f, g);
            }
        }
        for asset in &stack.assets {
            let group = self.assets_group();
            let (key, id, display) = if parallel == Some(false) {
                let (id, display) = match asset.kind {
                    AssetKind::File => ("FileAsset", "FileAssets"),
                    AssetKind::Docker => ("DockerAsset", "DockerAssets"),
                };
                (Some(id.to_string()), None, Some(display.to_string()))
            } else {
                let display = match &asset.name {
                    AssetName::Known(n) => Some(n.clone()),
                    AssetName::UnderStackPath(suffix) => {
                        match (stage.path.as_deref(), stack.id.as_deref()) {
                            (Some(sp), Some(id)) => Some(format!("{sp}/{id}/{suffix}")),
                            _ => None,
                        }
                    }
                    AssetName::Unknown => None,
                };
                if display.is_none() || asset.key.is_none() {
                    self.assets.uncertain = true;
                }
                (asset.key.clone(), None::<String>, display)
            };
            let existing = key.as_ref().and_then(|k| self.assets.nodes.get(k)).copied();
            let n = match existing {
                Some(n) => n,
                None => {
                    let id = id.unwrap_or_else(|| match asset.kind {
                        AssetKind::File => {
                            self.assets.files += 1;
                            if parallel == Some(false) {
                                "FileAsset".to_string()
                            } else {
                                format!("FileAsset{}", self.assets.files)
                            }
                        }
                        AssetKind::Docker => {
                            self.assets.images += 1;
                            if parallel == Some(false) {
                                "DockerAsset".to_string()
                            } else {
                                format!("DockerAsset{}", self.assets.images)
                            }
                        }
                    });
                    let mut leaf = self.leaf(ActionKind::Assets, stage.span, None, (None, None));
                    leaf.display = display;
                    let n = self.g.leaf(&id, leaf);
                    self.g.add(group, n);
                    if let Some(l) = self.last_preparation {
                        self.g.depend_on(n, l);
                    }
                    if let Some(k) = key {
                        self.assets.nodes.insert(k, n);
                    }
                    n
                }
            };
            for &f in first {
                self.g.depend_on(f, n);
            }
        }
    }

    fn top_level(&mut self, name: &str, span: Span) -> NodeId {
        if let Some(n) = self.g.child(Graph::<Leaf>::ROOT, name) {
            return n;
        }
        let n = self.g.group(name);
        self.g.add(Graph::<Leaf>::ROOT, n);
        self.top.insert(
            n,
            Top {
                span,
                certain: true,
                members: Vec::new(),
            },
        );
        n
    }

    fn uncertain(&mut self, top: NodeId) {
        if let Some(t) = self.top.get_mut(&top) {
            t.certain = false;
        }
    }

    /// An action in `target`, or in the pipeline's account and region when `target` names
    /// neither; not certain when that env is not known.
    fn leaf(&self, kind: ActionKind, span: Span, member: Option<&str>, target: Target) -> Leaf {
        let (account, region, certain) = match target {
            (None, None) => (
                self.pipeline_target.0.clone(),
                self.pipeline_target.1.clone(),
                self.pipeline_known,
            ),
            (a, r) => (a, r, true),
        };
        Leaf {
            kind,
            fixed_name: None,
            display: None,
            account,
            region,
            member: member.map(str::to_string),
            span,
            certain,
        }
    }

    /// The `{account, region}` a stage's stacks deploy to: the stage's env, and where it
    /// leaves a part out, the pipeline's (that is where CDK's deploy role points then).
    /// `None` when a part of it is not known (the stage's own, or the pipeline's it falls
    /// back to).
    fn stage_target(&self, env: &EnvState) -> Option<Target> {
        let pick = |k: &Known<String>, fallback: &Option<String>| match k {
            Known::Value(v, _) => Some(Some(v.clone())),
            Known::Absent if self.pipeline_known => Some(fallback.clone()),
            Known::Absent | Known::Unknown(_) => None,
        };
        match env {
            EnvState::Missing => self.pipeline_known.then(|| self.pipeline_target.clone()),
            EnvState::Unknown => None,
            EnvState::Given(e) => Some((
                pick(&e.account, &self.pipeline_target.0)?,
                pick(&e.region, &self.pipeline_target.1)?,
            )),
        }
    }

    fn add_stage(&mut self, stage: &Stage) -> NodeId {
        // CDK names the pipeline stage (and prefixes its actions) after the Stage's
        // `stageName`: the `stage_name` prop, else the construct id (a Stage inside another
        // Stage: `<outer>-<id>`, which the model leaves unknown).
        let (name, name_known) = match &stage.stage_name {
            Known::Value(n, _) => (Some(n.as_str()), true),
            Known::Absent => (stage.id.as_deref(), true),
            Known::Unknown(_) => (stage.id.as_deref(), false),
        };
        let id = name.unwrap_or(UNKNOWN);
        let ret = self.g.group(id);
        let mut certain = name.is_some() && name_known && !stage.conditional;
        let target = self.stage_target(&stage.env);
        // Where the stacks deploy is part of the stage: an env not known leaves it uncertain.
        let env_known = target.is_some();
        certain &= env_known;
        let target = target.unwrap_or((None, None));
        let stacks = stage.stacks.as_deref().unwrap_or(&[]);
        if stage.stacks.is_none() {
            certain = false;
        }
        let mut used_steps: HashSet<usize> = HashSet::new();
        let mut stack_graphs: HashMap<&str, NodeId> = HashMap::new();
        let (ordered, order_known) = cdk_stack_order(stacks);
        certain &= order_known && stage.stacks_order_known;
        for stack in ordered {
            // CDK's `simpleStackName`: the stack's name without `<stage name>-`, which is the
            // construct id unless `stack_name` is given.
            let name = match &stack.stack_name {
                Known::Value(n, _) => {
                    Some(n.strip_prefix(&format!("{id}-")).unwrap_or(n).to_string())
                }
                Known::Absent => stack.id.clone(),
                Known::Unknown(_) => {
                    certain = false;
                    stack.id.clone()
                }
            };
            certain &= name.is_some();
            let name = self.unique_child_name(ret, name.as_deref().unwrap_or(UNKNOWN), &target);
            let sg = self.g.group(&name);
            self.g.add(ret, sg);
            if let Some(sid) = &stack.id {
                stack_graphs.insert(sid, sg);
            }
            // A stack with an env of its own deploys there; each part it leaves out is the
            // Stage's.
            let stack_target = match &stack.env {
                EnvState::Missing => Some(target.clone()),
                EnvState::Unknown => None,
                EnvState::Given(e) => {
                    let part = |k: &Known<String>, stage_part: &Option<String>| match k {
                        Known::Value(v, _) => Some(Some(v.clone())),
                        Known::Absent => Some(stage_part.clone()),
                        Known::Unknown(_) => None,
                    };
                    part(&e.account, &target.0).zip(part(&e.region, &target.1))
                }
            };
            let env_known = env_known && stack_target.is_some();
            certain &= stack_target.is_some();
            let stack_target = stack_target.unwrap_or((None, None));
            let leaf = |kind| {
                let mut l = self.leaf(kind, stage.span, Some(id), stack_target.clone());
                if !env_known {
                    l.account = None;
                    l.region = None;
                }
                l
            };
            let deploy_leaf = leaf(ActionKind::Deploy);
            let prepare_leaf = leaf(ActionKind::Prepare);
            let deploy = self.g.leaf("Deploy", deploy_leaf);
            self.g.add(sg, deploy);
            let prepare = self.use_change_sets.then(|| {
                let n = self.g.leaf("Prepare", prepare_leaf);
                self.g.add(sg, n);
                self.g.depend_on(deploy, n);
                n
            });
            let mut first = vec![prepare.unwrap_or(deploy)];
            let steps: Vec<_> = stage
                .stack_steps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.stack.is_some() && s.stack == stack.id)
                .collect();
            for (i, ss) in steps {
                used_steps.insert(i);
                for c in &ss.change_set {
                    let n = self.add_step(c, sg, Some(id), (None, None));
                    match prepare {
                        Some(prep) => self.g.depend_on(n, prep),
                        // CDK refuses change-set steps without change sets.
                        None => certain = false,
                    }
                    self.g.depend_on(deploy, n);
                }
                let pre = self.add_pre_post(&ss.pre, &ss.post, sg, Some(id));
                if !pre.is_empty() {
                    first = pre;
                }
            }
            if let Some(s) = self.synth {
                for &f in &first {
                    self.g.depend_on(f, s);
                }
            }
            self.publish_assets(stage, stack, &first);
        }
        // Stacks the model could not follow (or may not all have seen) may have assets.
        if self.p.may_have_assets && (stage.stacks.is_none() || !stage.stacks_complete) {
            self.assets.uncertain = true;
            let g = self.assets_group();
            self.g.depend_on(ret, g);
        }
        for stack in stacks {
            for dep in &stack.depends_on {
                match (
                    stack.id.as_deref().and_then(|i| stack_graphs.get(i)),
                    stack_graphs.get(dep.as_str()),
                ) {
                    (Some(&from), Some(&to)) => self.g.depend_on(from, to),
                    _ => certain = false,
                }
            }
        }
        // Stack steps the model could not attach to a stack it knows.
        if stage.stack_steps.len() != used_steps.len() {
            certain = false;
        }
        self.add_pre_post(&stage.pre, &stage.post, ret, Some(id));
        self.top.insert(
            ret,
            Top {
                span: stage.span,
                certain,
                members: vec![id.to_string()],
            },
        );
        ret
    }

    /// CDK names a stack's group after the stack, and adds its account and region when two
    /// stacks of a stage would share a name.
    fn unique_child_name(&self, parent: NodeId, name: &str, target: &Target) -> String {
        let mut parts = vec![name.to_string()];
        parts.extend(target.0.iter().cloned());
        parts.extend(target.1.iter().cloned());
        for i in 1..=parts.len() {
            let candidate = parts[..i].join(".");
            if self.g.child(parent, &candidate).is_none() {
                return candidate;
            }
        }
        parts.join(".")
    }

    /// Adds `pre` steps that everything already in `parent` waits for, and `post` steps that
    /// wait for everything already in `parent`. Returns the pre nodes.
    fn add_pre_post(
        &mut self,
        pre: &[Step],
        post: &[Step],
        parent: NodeId,
        member: Option<&str>,
    ) -> Vec<NodeId> {
        let current = self.g.nodes[parent].children.clone();
        let mut pre_nodes = Vec::new();
        for s in pre {
            let n = self.add_step(s, parent, member, (None, None));
            for &c in &current {
                self.g.depend_on(c, n);
            }
            pre_nodes.push(n);
        }
        for s in post {
            let n = self.add_step(s, parent, member, (None, None));
            for &c in &current {
                self.g.depend_on(n, c);
            }
        }
        pre_nodes
    }

    fn add_step(
        &mut self,
        step: &Step,
        parent: NodeId,
        member: Option<&str>,
        target: Target,
    ) -> NodeId {
        let kind = match step.kind {
            StepKind::ShellStep => ActionKind::Shell,
            StepKind::CodeBuildStep => ActionKind::CodeBuild,
            StepKind::ManualApprovalStep => ActionKind::Approval,
            StepKind::ConfirmPermissionsBroadening => ActionKind::ConfirmPermissions,
            StepKind::Other(_) => ActionKind::Other,
        };
        let mut leaf = self.leaf(kind, step.span, member, target);
        leaf.certain &= step.id.is_some() && kind != ActionKind::Other;
        let n = self.g.leaf(step.id.as_deref().unwrap_or(UNKNOWN), leaf);
        self.g.add(parent, n);
        for s in step.input.iter().chain(&step.additional_inputs) {
            let src = self.source(s);
            self.g.depend_on(n, src);
        }
        n
    }

    /// The node of a `CodePipelineSource`, in the Source stage, named as CDK names its action.
    fn source(&mut self, s: &Source) -> NodeId {
        if let Some(&n) = self.sources.get(&s.span.start_byte) {
            return n;
        }
        let stage = self.top_level("Source", s.span);
        let repo = s.repo.as_deref();
        // The node id (what CDK's Step id is) and the action name when it differs. An S3 or
        // ECR source's id is its bucket's or repository's construct address (`c8` and 40 hex
        // digits, not known here): it orders after `acme/…` and before `d…` in the stage.
        let method = catalog::source(&s.kind);
        let (id, name) = match (method.map(|m| m.action), repo) {
            (Some(SourceAction::RepoId), Some(r)) => (r.to_string(), None),
            (Some(SourceAction::RepoIdAndName), Some(r)) => (r.to_string(), Some(r.into())),
            (Some(SourceAction::Address), Some(r)) => (format!("{ADDR_PREFIX}{r}"), Some(r.into())),
            (Some(SourceAction::AddressSlashesUnderscored), Some(r)) => {
                (format!("{ADDR_PREFIX}{r}"), Some(r.replace('/', "_")))
            }
            _ => (UNKNOWN.to_string(), None),
        };
        let mut leaf = self.leaf(ActionKind::Source, s.span, None, (None, None));
        leaf.fixed_name = s.action_name.clone().or(name);
        leaf.certain &= (repo.is_some() && method.is_some()) || s.action_name.is_some();
        // Two ids that start like an address: their order is the unknown hashes'.
        let addr_like = |i: &str| i.starts_with(ADDR_PREFIX);
        if addr_like(&id)
            && self.g.nodes[stage]
                .children
                .iter()
                .any(|&c| addr_like(&self.g.nodes[c].id))
        {
            self.uncertain(stage);
        }
        let n = self.g.leaf(&id, leaf);
        self.g.add(stage, n);
        self.sources.insert(s.span.start_byte, n);
        n
    }

    fn layout(self) -> Prediction {
        let mut stages = Vec::new();
        let Ok(tranches) = self.g.sorted_children(Graph::<Leaf>::ROOT) else {
            return Prediction { stages };
        };
        for top in tranches.into_iter().flatten() {
            let info = &self.top[&top];
            let Ok(leaves) = self.g.sorted_leaves(top) else {
                stages.push(PredictedStage {
                    name: self.g.nodes[top].id.clone(),
                    certain: false,
                    span: info.span,
                    members: info.members.clone(),
                    actions: Vec::new(),
                });
                continue;
            };
            let chunks = chunk_tranches(MAX_ACTIONS_PER_STAGE, leaves);
            if chunks.is_empty() && !info.certain {
                // A stage the model knows is there but cannot fill (a synth it cannot follow).
                stages.push(PredictedStage {
                    name: self.g.nodes[top].id.clone(),
                    certain: false,
                    span: info.span,
                    members: info.members.clone(),
                    actions: Vec::new(),
                });
            }
            let split = chunks.len() > 1;
            for (i, chunk) in chunks.iter().enumerate() {
                let id = &self.g.nodes[top].id;
                let name = if split {
                    format!("{id}.{}", i + 1)
                } else {
                    id.clone()
                };
                let all: Vec<NodeId> = chunk.iter().flatten().copied().collect();
                let shared = self.g.common_ancestor(&all).unwrap_or(top);
                let mut used: HashSet<String> = HashSet::new();
                let mut run_order = 1u32;
                let mut certain = info.certain;
                let mut actions = Vec::new();
                for tranche in chunk {
                    let mut consumed = 0;
                    for &n in tranche {
                        let leaf = self.g.nodes[n].leaf.as_ref().expect("leaves only");
                        certain &= leaf.certain;
                        let base = match &leaf.display {
                            Some(d) => sanitize(d),
                            None => action_name(&self.g.path_below(n, shared)),
                        };
                        if base.len() > MAX_ACTION_NAME {
                            certain = false;
                        }
                        let mut node_name = base.clone();
                        for ctr in 2.. {
                            if !used.contains(&node_name) {
                                break;
                            }
                            node_name = format!("{base}{ctr}");
                        }
                        used.insert(node_name.clone());
                        let action = |name: String, run_order: u32, kind: ActionKind| Action {
                            name,
                            run_order,
                            kind,
                            account: leaf.account.clone(),
                            region: leaf.region.clone(),
                            member: leaf.member.clone(),
                            span: leaf.span,
                        };
                        if leaf.kind == ActionKind::ConfirmPermissions {
                            actions.push(action(
                                format!("{node_name}.Check"),
                                run_order,
                                ActionKind::ConfirmPermissions,
                            ));
                            actions.push(action(
                                format!("{node_name}.Confirm"),
                                run_order + 1,
                                ActionKind::Approval,
                            ));
                            consumed = consumed.max(2);
                        } else {
                            let name = leaf.fixed_name.clone().unwrap_or(node_name);
                            actions.push(action(name, run_order, leaf.kind));
                            consumed = consumed.max(1);
                        }
                    }
                    run_order += consumed;
                }
                // No sort: the tranches come in CDK's order (by leaf id, stably, from the graph's
                // insertion order) and the actions of each in the order CDK adds them, which is
                // the order of the template's Actions list.
                stages.push(PredictedStage {
                    name,
                    certain,
                    span: info.span,
                    members: info.members.clone(),
                    actions,
                });
            }
        }
        if !stages.iter().any(|s| s.name == "Source") {
            // Every pipeline has a source; the model could not see this one.
            stages.insert(
                0,
                PredictedStage {
                    name: "Source".into(),
                    certain: false,
                    span: self.p.span,
                    members: Vec::new(),
                    actions: Vec::new(),
                },
            );
        }
        Prediction { stages }
    }
}

/// CDK's action name: the ids below the shared ancestor joined with dots, characters that
/// CodePipeline does not allow replaced by `_`.
/// No env, or an env whose every part the model followed (a part not given is known: it is
/// not there).
fn env_known(env: &EnvState) -> bool {
    match env {
        EnvState::Missing => true,
        EnvState::Unknown => false,
        EnvState::Given(e) => {
            !matches!(e.account, Known::Unknown(_)) && !matches!(e.region, Known::Unknown(_))
        }
    }
}

/// How a construct's address starts (`Node.addr`: `c8` and 40 hex digits).
const ADDR_PREFIX: &str = "c8";

fn action_name(ids: &[&str]) -> String {
    let sanitized: Vec<String> = ids.iter().map(|s| sanitize(s)).collect();
    sanitized.join(".")
}

fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_bad = false;
    for c in s.chars() {
        if catalog::is_name_char(c) {
            out.push(c);
            in_bad = false;
        } else if !in_bad {
            out.push('_');
            in_bad = true;
        }
    }
    out
}

/// The stacks of a Stage in the order CDK deploys them from (`stage.stacks`): the cloud
/// assembly sorts its artifacts by dependency level, then by artifact id as a string. A stack's
/// artifact id is its path's ids with everything but letters and digits removed, then a hash of
/// the path; within one Stage the path up to the stage is shared, so two stacks compare by their
/// own ids, unless one id is a prefix of the other: then the hash decides, which needs the full
/// path (not known here), and the order is said to be unknown (`false`). The order matters where
/// actions tie (`Api.Prepare` before `Payments.Prepare` in one run order).
fn cdk_stack_order(stacks: &[Stack]) -> (Vec<&Stack>, bool) {
    let key = |s: &Stack| -> String {
        s.id.as_deref()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    };
    let by_id: HashMap<&str, usize> = stacks
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((s.id.as_deref()?, i)))
        .collect();
    // Dependency levels, as the assembly's sort finds them round by round.
    let mut level: Vec<Option<usize>> = vec![None; stacks.len()];
    let mut known = true;
    for round in 0..stacks.len() {
        let ready: Vec<usize> = (0..stacks.len())
            .filter(|&i| level[i].is_none())
            .filter(|&i| {
                stacks[i]
                    .depends_on
                    .iter()
                    .all(|d| match by_id.get(d.as_str()) {
                        Some(&j) => level[j].is_some_and(|l| l < round),
                        None => true, // not a stack of this stage: no effect on its order
                    })
            })
            .collect();
        for i in ready {
            level[i] = Some(round);
        }
    }
    if level.iter().any(Option::is_none) {
        known = false; // a cycle: CDK refuses it
    }
    let mut order: Vec<usize> = (0..stacks.len()).collect();
    order.sort_by(|&a, &b| {
        (level[a].unwrap_or(usize::MAX), key(&stacks[a]))
            .cmp(&(level[b].unwrap_or(usize::MAX), key(&stacks[b])))
    });
    for (i, a) in order.iter().enumerate() {
        for b in &order[i + 1..] {
            let (ka, kb) = (key(&stacks[*a]), key(&stacks[*b]));
            if level[*a] == level[*b] && (ka.starts_with(&kb) || kb.starts_with(&ka)) {
                known = false;
            }
        }
    }
    (order.into_iter().map(|i| &stacks[i]).collect(), known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitized_like_cdk() {
        assert_eq!(sanitize("acme/payments"), "acme_payments");
        assert_eq!(sanitize("a b//c"), "a_b_c");
        assert_eq!(action_name(&["Prod", "Api", "Prepare"]), "Prod.Api.Prepare");
    }

    fn stack(id: &str, deps: &[&str]) -> Stack {
        Stack {
            id: Some(id.into()),
            class: None,
            file: None,
            span: Span::default(),
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            stack_name: Known::Absent,
            id_span: Span::default(),
            conditional: false,
            name_from_props: true,
            env: EnvState::Missing,
            assets: Vec::new(),
            assets_complete: true,
        }
    }

    fn ids(order: &[&Stack]) -> Vec<String> {
        order.iter().map(|s| s.id.clone().unwrap()).collect()
    }

    #[test]
    fn stacks_are_ordered_by_dependency_level_then_artifact_id() {
        // Written Table, Events, Queue; CDK deploys from Events, Queue, Table.
        let s = [
            stack("Table", &[]),
            stack("Events", &[]),
            stack("Queue", &[]),
        ];
        let (order, known) = cdk_stack_order(&s);
        assert_eq!(ids(&order), ["Events", "Queue", "Table"]);
        assert!(known);
        // A dependency puts a stack a level later, whatever its id; `-` is not in the id.
        let s = [
            stack("Zed", &[]),
            stack("Api", &["Zed"]),
            stack("my-db", &[]),
        ];
        let (order, known) = cdk_stack_order(&s);
        assert_eq!(ids(&order), ["Zed", "my-db", "Api"]);
        assert!(known);
        // Case-sensitive, as a JS string compare: upper case first.
        let s = [stack("api", &[]), stack("Web", &[])];
        let (order, _) = cdk_stack_order(&s);
        assert_eq!(ids(&order), ["Web", "api"]);
    }

    #[test]
    fn a_stack_id_that_prefixes_another_leaves_the_order_unknown() {
        // `ProdApi<hash>` against `ProdApiV2<hash>`: the hash of the path decides.
        let (_, known) = cdk_stack_order(&[stack("Api", &[]), stack("ApiV2", &[])]);
        assert!(!known);
        // At different levels the dependency decides: known.
        let s = [stack("ApiV2", &["Api"]), stack("Api", &[])];
        let (order, known) = cdk_stack_order(&s);
        assert_eq!(ids(&order), ["Api", "ApiV2"]);
        assert!(known);
        // A cycle (CDK refuses it) is not an order.
        let (_, known) = cdk_stack_order(&[stack("A", &["B"]), stack("B", &["A"])]);
        assert!(!known);
    }
}
