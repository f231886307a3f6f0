//! What CDK Pipelines calls mean: pipeline construction, `add_stage`/`add_wave`, steps,
//! sources and environments, recognised by their canonical qualified names.

use super::build::{Args, Interp, Prop};
use super::catalog;
use super::value::{fingerprint, Construct, Value, V};
use super::{
    AddAfterBuild, Call, Env, EnvState, Known, Pipeline, PipelineClass, ProjectOptions,
    PropFingerprint, PropValue, Source, SourceKind, Span, StackSteps, Stage, Step, StepEvent,
    StepKind, StepRef, Wave,
};
use crate::lang::ir;

/// A call whose callee is a qualified name (`pipelines.CodePipeline`, `cdk.Environment`, an
/// imported class of the app).
pub(super) fn call_qual(it: &mut Interp<'_>, q: &str, a: Args, span: Span) -> V {
    let last = q.rsplit('.').next().unwrap_or(q);
    // `Regex.IsMatch(…)`, `Helpers.Make(…)`: a capitalised member of a capitalised name is a
    // class's static method (C# capitalises methods too), not a class to construct.
    let static_member = q.rsplit('.').nth(1).is_some_and(starts_upper);
    if let Some(p) = path_call(q, &a) {
        return V::new(Value::Str(p), span);
    }
    let Some(rest) = q.strip_prefix("cdk.") else {
        // An imported class of the app (`from .stage import AppStage`) or of another library.
        return if starts_upper(last) && !static_member {
            it.construct(Some(last.to_string()), a, span, false)
        } else {
            V::unknown(span)
        };
    };
    let canonical_last = ir::snake_case(last);
    match rest {
        "Environment" => {
            let env = Env {
                account: known_str(a.prop_value("account", 0)),
                region: known_str(a.prop_value("region", 0)),
                span,
                file: None,
            };
            return V::new(Value::Env(Box::new(EnvState::Given(env))), span);
        }
        "pipelines.CodePipeline" => return new_pipeline(it, PipelineClass::CodePipeline, a, span),
        "pipelines.CdkPipeline" => return new_pipeline(it, PipelineClass::CdkPipeline, a, span),
        "pipelines.StackSteps" => {
            let steps = stack_steps_of(&V::new(
                Value::Dict(
                    a.keywords
                        .iter()
                        .map(|(k, v)| (ir::snake_case(k), v.clone()))
                        .collect(),
                ),
                span,
            ));
            return match steps {
                Some(s) => V::new(Value::StackSteps(Box::new(s)), span),
                None => V::unknown(span),
            };
        }
        _ => {}
    }
    if let Some(class) = rest
        .strip_prefix("pipelines.")
        .and_then(catalog::step_class_named)
    {
        return new_step(it, class.kind.clone(), &a, span);
    }
    if let Some(method) = rest.strip_prefix("pipelines.CodePipelineSource.") {
        return source(method, &a, span);
    }
    // `Repository.from_repository_name(self, "Repo", "payments")`, `Bucket.from_bucket_name(…)`:
    // a source names its action after the literal name.
    if canonical_last.starts_with("from_") && canonical_last.ends_with("_name") {
        if let Some(name) = a.positional.get(2).and_then(V::as_str) {
            return V::new(Value::Str(name.to_string()), span);
        }
        return V::unknown(span);
    }
    if starts_upper(last) && !static_member && a.positional.len() >= 2 {
        return it.construct(Some(last.to_string()), a, span, true);
    }
    // Not interpreted, but a change to its arguments is still a change (a fingerprint sees it).
    let args = a
        .positional
        .into_iter()
        .map(|v| (None, v))
        .chain(
            a.keywords
                .into_iter()
                .map(|(k, v)| (Some(ir::snake_case(&k)), v)),
        )
        .collect();
    if super::assets::is_asset_call(q) {
        it.asset_calls.push(span.start_byte);
    }
    V::new(Value::Call(q.to_string(), args), span)
}

/// Node's `path.join` / `path.resolve` and Python's `os.path.join` / `os.path.dirname` /
/// `os.path.abspath` on known strings: where an asset's folder is, from `__dirname` or
/// `__file__`.
fn path_call(q: &str, a: &Args) -> Option<String> {
    if !a.keywords.is_empty() || a.spread {
        return None;
    }
    let parts: Option<Vec<&str>> = a.positional.iter().map(V::as_str).collect();
    let parts = parts?;
    match q {
        "ext:path.join" | "ext:os.path.join" | "ext:path.resolve" | "ext:path.posix.join" => {
            let mut out = std::path::PathBuf::new();
            for p in &parts {
                out.push(p);
            }
            Some(normalize_path(out.to_str()?))
        }
        "ext:os.path.dirname" | "ext:path.dirname" => match parts.as_slice() {
            [p] => Some(
                std::path::Path::new(p)
                    .parent()
                    .and_then(|d| d.to_str())
                    .unwrap_or("")
                    .to_string(),
            ),
            _ => None,
        },
        "ext:os.path.abspath" => match parts.as_slice() {
            [p] if p.starts_with('/') => Some(normalize_path(p)),
            _ => None,
        },
        _ => None,
    }
}

/// `a/b/../c/./d` as `a/c/d` (what `path.join` returns), on the string alone.
fn normalize_path(s: &str) -> String {
    let absolute = s.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for p in s.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(l) if *l != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// `name=value;…` over the props, skipping `skip`.
fn props_fingerprint(a: &Args, props_at: usize, skip: &[&str]) -> String {
    let mut out = String::new();
    for (name, v) in a.props_list(props_at) {
        if skip.contains(&name.as_str()) {
            continue;
        }
        out.push_str(&name);
        out.push('=');
        out.push_str(&fingerprint(&v));
        out.push(';');
    }
    out
}

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

fn new_pipeline(it: &mut Interp<'_>, class: PipelineClass, a: Args, span: Span) -> V {
    let scope = a.positional.first().map(|v| v.val.clone());
    let (env, stack_class) = match &scope {
        // In a wrapper construct's code, `self` is below the stack that made it (see
        // `Interp::follow_wrapper`): the pipeline is that stack's.
        Some(Value::SelfRef) => (
            it.super_env.clone().unwrap_or(EnvState::Unknown),
            it.host_class.clone().or_else(|| it.current_class()),
        ),
        Some(Value::Construct(c)) => (c.env.clone(), c.class.clone()),
        _ => (EnvState::Unknown, None),
    };
    let synth_key = match class {
        PipelineClass::CodePipeline => "synth",
        PipelineClass::CdkPipeline => "synth_action",
    };
    let synth = match a.prop_value(synth_key, 2).map(|v| v.val) {
        Some(Value::Step(s)) => Some(*s),
        _ => None,
    };
    let pipeline_type = match a.prop("pipeline_type", 2) {
        Prop::Value(v) => match &v.val {
            Value::Qual(q) if q.ends_with(".V1") || q.ends_with(".V2") => {
                Known::Value(q[q.len() - 2..].to_string(), v.span)
            }
            Value::Str(s) => Known::Value(s.clone(), v.span),
            _ => Known::Unknown(v.span),
        },
        _ => Known::Absent,
    };
    // CDK gives a ShellStep synth without an output directory `cdk.out`
    // (`pipeline-base.ts`): a later `primary_output_directory(…)` must agree with it.
    if let (Some(s), PipelineClass::CodePipeline) = (&synth, class) {
        if catalog::is_shell(&s.kind) {
            let call = Call {
                span,
                conditional: it.unsure(),
            };
            it.step_events.push(StepEvent::OutputDir {
                step: step_ref(s),
                dir: Known::Value(catalog::DEFAULT_SYNTH_OUTPUT.into(), span),
                call: Some(call),
                implicit: true,
            });
        }
    }
    let p = Pipeline {
        id: a.positional.get(1).and_then(V::as_str).map(str::to_string),
        id_span: a.positional.get(1).map_or(span, |v| v.span),
        class,
        span,
        stack_class,
        env,
        cross_account_keys: match a.prop_value("code_pipeline", 2) {
            Some(given) if !matches!(given.val, Value::Null) => existing_pipeline_keys(it, &given),
            _ => known_bool(&a, "cross_account_keys"),
        },
        self_mutation: known_bool(&a, "self_mutation"),
        use_change_sets: known_bool(&a, "use_change_sets"),
        publish_assets_in_parallel: known_bool(&a, "publish_assets_in_parallel"),
        code_build_defaults: project_options_prop(a.prop("code_build_defaults", 2), span),
        synth_code_build_defaults: project_options_prop(
            a.prop("synth_code_build_defaults", 2),
            span,
        ),
        docker_enabled_for_synth: known_bool(&a, "docker_enabled_for_synth"),
        self_mutation_code_build_defaults: project_options_prop(
            a.prop("self_mutation_code_build_defaults", 2),
            span,
        ),
        docker_enabled_for_self_mutation: known_bool(&a, "docker_enabled_for_self_mutation"),
        asset_publishing_code_build_defaults: project_options_prop(
            a.prop("asset_publishing_code_build_defaults", 2),
            span,
        ),
        pipeline_type,
        synth,
        sources: Vec::new(),
        stages: Vec::new(),
        waves: Vec::new(),
        props_open: a.props_open(2),
        added_elsewhere: false,
        cut: None,
        stack_ids: Vec::new(),
        may_have_assets: false,
        props: a
            .props_list(2)
            .into_iter()
            .map(|(name, v)| PropFingerprint {
                fingerprint: fingerprint(&v),
                value: prop_value(&v),
                name,
                span: v.span,
            })
            .collect(),
        builds: Vec::new(),
        adds_after_build: Vec::new(),
        wave_stages_after_build: Vec::new(),
    };
    it.pipelines.push(p);
    V::new(Value::Pipeline(it.pipelines.len() - 1), span)
}

fn prop_value(v: &V) -> PropValue {
    match &v.val {
        Value::Null => PropValue::Null,
        Value::Bool(b) => PropValue::Bool(*b),
        Value::Str(s) => PropValue::Str(s.clone()),
        Value::Num(n) => PropValue::Num(n.clone()),
        // A method of an unknown value is a value only known at run time.
        Value::Unknown | Value::Method(..) => PropValue::Unknown,
        _ => PropValue::Object,
    }
}

/// A string prop of a construct call (`stage_name`, `stack_name`).
pub(super) fn known_prop_str(a: &Args, name: &str, props_at: usize) -> Known<String> {
    match a.prop(name, props_at) {
        Prop::Value(v) => known_str(Some(v)),
        Prop::Absent => Known::Absent,
        Prop::Hidden => Known::Unknown(a.positional.get(props_at).map_or_else(
            || a.positional.last().map(|v| v.span).unwrap_or_default(),
            |v| v.span,
        )),
    }
}

/// Whether the `codepipeline.Pipeline` given as `code_pipeline` has cross-account keys:
/// its own `cross_account_keys`, else CDK's default (true, false with the
/// `crossAccountKeysDefaultValueToFalse` flag in cdk.json); unknown for a pipeline the model
/// did not see made.
fn existing_pipeline_keys(it: &Interp<'_>, given: &V) -> Known<bool> {
    let Value::Construct(c) = &given.val else {
        return Known::Unknown(given.span);
    };
    let args = match (&c.args, c.cdk, c.class.as_deref()) {
        (Some(args), true, Some("Pipeline")) if !args.open && !args.props_open(2) => args,
        _ => return Known::Unknown(given.span),
    };
    match known_bool(args, "cross_account_keys") {
        Known::Absent if it.index.has_app() => {
            let flag = it
                .index
                .context("@aws-cdk/aws-codepipeline:crossAccountKeysDefaultValueToFalse")
                .is_some_and(|v| v.as_bool() == Some(true) || v.as_str() == Some("true"));
            Known::Value(!flag, given.span)
        }
        Known::Absent => Known::Unknown(given.span),
        known => known,
    }
}

fn known_bool(a: &Args, name: &str) -> Known<bool> {
    match a.prop(name, 2) {
        Prop::Value(v) => match v.val {
            Value::Bool(b) => Known::Value(b, v.span),
            _ => Known::Unknown(v.span),
        },
        Prop::Absent => Known::Absent,
        Prop::Hidden => Known::Absent,
    }
}

fn known_str(v: Option<V>) -> Known<String> {
    match v {
        None => Known::Absent,
        Some(V {
            val: Value::Str(s),
            span,
            ..
        })
        | Some(V {
            val: Value::Num(s),
            span,
            ..
        }) => Known::Value(s, span),
        Some(V {
            val: Value::Null, ..
        }) => Known::Absent,
        Some(v) => Known::Unknown(v.span),
    }
}

/// An env from an `Environment(...)` value, a dict / object literal, or nothing.
pub(super) fn env_of(v: &V) -> EnvState {
    match &v.val {
        Value::Env(e) => (**e).clone(),
        Value::Dict(entries) => {
            // `{ account, region }`, and the struct of the languages that write its fields
            // capitalised (`Account`, `Region`).
            let get = |k: &str| {
                entries
                    .iter()
                    .find(|(key, _)| key == k)
                    .or_else(|| entries.iter().find(|(key, _)| ir::is_snake_case_of(key, k)))
                    .map(|(_, v)| v.clone())
            };
            EnvState::Given(Env {
                account: known_str(get("account")),
                region: known_str(get("region")),
                span: v.span,
                file: None,
            })
        }
        Value::Null => EnvState::Missing,
        _ => EnvState::Unknown,
    }
}

/// A step construction: the step, counted (see [`StepRef::ambiguous`]), and its
/// `primary_output_directory` prop as the first thing done to it.
fn new_step(it: &mut Interp<'_>, kind: StepKind, a: &Args, span: Span) -> V {
    let v = step(kind, a, span);
    // Made where the model cannot tell whether or how often it is made: counted as more than
    // once, so that nothing done to it is taken as certain.
    *it.steps_made.entry(span.start_byte).or_default() += if it.unsure() { 2 } else { 1 };
    if let Value::Step(s) = &v.val {
        if catalog::is_shell(&s.kind) {
            // CDK sets it only when it is truthy (an empty string is not).
            let dir = match a.prop("primary_output_directory", 1) {
                Prop::Value(d) => match &d.val {
                    Value::Str(x) if x.is_empty() => None,
                    Value::Str(x) => Some(Known::Value(x.clone(), d.span)),
                    Value::Null => None,
                    _ => Some(Known::Unknown(d.span)),
                },
                Prop::Absent => None,
                Prop::Hidden => Some(Known::Unknown(span)),
            };
            if let Some(dir) = dir {
                it.step_events.push(StepEvent::OutputDir {
                    step: step_ref(s),
                    dir,
                    call: None,
                    implicit: false,
                });
            }
        }
    }
    v
}

fn step_ref(s: &Step) -> StepRef {
    StepRef {
        id: s.id.clone(),
        kind: s.kind.clone(),
        span: s.span,
        ambiguous: false,
    }
}

/// `step.primary_output_directory(dir)` and `step.add_step_dependency(other)`, kept in the
/// order they run (CDK checks them as they come, or when the pipeline is built).
pub(super) fn call_step_method(
    it: &mut Interp<'_>,
    recv: &V,
    method: &str,
    a: Args,
    span: Span,
) -> V {
    let Value::Step(s) = &recv.val else {
        return V::unknown(span);
    };
    let call = Call {
        span,
        conditional: it.unsure(),
    };
    match method {
        "primary_output_directory" if catalog::is_shell(&s.kind) => {
            let dir = match a.positional.first() {
                Some(V {
                    val: Value::Str(d),
                    span,
                    ..
                }) => Known::Value(d.clone(), *span),
                Some(v) => Known::Unknown(v.span),
                None => Known::Unknown(span),
            };
            it.step_events.push(StepEvent::OutputDir {
                step: step_ref(s),
                dir,
                call: Some(call),
                implicit: false,
            });
        }
        "add_step_dependency" => {
            if let Some(Value::Step(on)) = a.positional.first().map(|v| &v.val) {
                it.step_events.push(StepEvent::DependsOn {
                    step: step_ref(s),
                    on: step_ref(on),
                    call,
                });
            }
        }
        _ => {}
    }
    V::unknown(span)
}

fn step(kind: StepKind, a: &Args, span: Span) -> V {
    let input = match a.prop_value("input", 1).map(|v| v.val) {
        Some(Value::Source(s)) => Some(*s),
        _ => None,
    };
    let additional = a.prop_value("additional_inputs", 1);
    let additional_input_dirs = match &additional {
        Some(V {
            val: Value::Dict(entries),
            span,
            ..
        }) => entries.iter().map(|(k, _)| (k.clone(), *span)).collect(),
        _ => Vec::new(),
    };
    let additional_inputs = match additional.map(|v| v.val) {
        Some(Value::Dict(entries)) => entries
            .into_iter()
            .filter_map(|(_, v)| match v.val {
                Value::Source(s) => Some(*s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let project = if catalog::step_class(&kind).is_some_and(|c| c.project_options) {
        Known::Value(project_options(&|name| a.prop(name, 1), span), span)
    } else {
        Known::Absent
    };
    let s = Step {
        id: a.positional.first().and_then(V::as_str).map(str::to_string),
        id_span: a.positional.first().map_or(span, |v| v.span),
        kind,
        span,
        input,
        additional_inputs,
        additional_input_dirs,
        fingerprint: props_fingerprint(a, 1, &["input"]),
        project,
    };
    V::new(Value::Step(Box::new(s)), span)
}

fn source(method: &str, a: &Args, span: Span) -> V {
    let method = ir::snake_case(method);
    let known = catalog::source_named(&method);
    let kind = known.map_or(SourceKind::Other(method), |m| m.kind.clone());
    let props_at = known.map_or(2, |m| m.props_at);
    let mut print = format!("{}(", kind.name());
    for v in a.positional.iter().take(props_at) {
        print.push_str(&fingerprint(v));
        print.push(',');
    }
    print.push_str(&props_fingerprint(a, props_at, &[]));
    print.push(')');
    let s = Source {
        fingerprint: print,
        repo: a.positional.first().and_then(V::as_str).map(str::to_string),
        repo_span: a.positional.first().map_or(span, |v| v.span),
        branch: if props_at < 2 {
            None
        } else {
            a.positional.get(1).and_then(V::as_str).map(str::to_string)
        },
        action_name: a
            .prop_value("action_name", props_at)
            .and_then(|v| v.as_str().map(str::to_string)),
        kind,
        span,
    };
    V::new(Value::Source(Box::new(s)), span)
}

fn steps_of(v: Option<V>) -> Vec<Step> {
    match v {
        Some(v) => steps_in(vec![v], false),
        None => Vec::new(),
    }
}

/// A step the model cannot read (a value it does not follow, spread arguments): there, but
/// unknown, so that nothing that holds it is certain.
fn unknown_step(span: Span) -> Step {
    Step {
        id: None,
        id_span: span,
        kind: StepKind::Other("?".into()),
        span,
        input: None,
        additional_inputs: Vec::new(),
        additional_input_dirs: Vec::new(),
        fingerprint: "?".into(),
        project: Known::Unknown(span),
    }
}

/// A props object of CodeBuild project options (`code_build_defaults=…`): a dict / object
/// literal or `pipelines.CodeBuildOptions(…)`.
fn project_options_prop(p: Prop, at: Span) -> Known<ProjectOptions> {
    let v = match p {
        Prop::Absent => return Known::Absent,
        Prop::Hidden => return Known::Unknown(at),
        Prop::Value(v) => v,
    };
    match &v.val {
        Value::Null => Known::Absent,
        Value::Dict(_) | Value::Call(..) if fields_of(&v).is_some() => {
            Known::Value(project_options(&|name| field(&v, name), v.span), v.span)
        }
        _ => Known::Unknown(v.span),
    }
}

/// The keyword arguments of a CDK struct call (`pipelines.CodeBuildOptions(vpc=…)`) or the
/// entries of a dict / object literal; `None` for anything else.
fn fields_of(v: &V) -> Option<Vec<(String, V)>> {
    match &v.val {
        Value::Dict(entries) => Some(entries.clone()),
        Value::Call(q, args) if args.iter().all(|(k, _)| k.is_some()) && q.starts_with("cdk.") => {
            Some(
                args.iter()
                    .map(|(k, v)| (k.clone().unwrap_or_default(), v.clone()))
                    .collect(),
            )
        }
        _ => None,
    }
}

fn field(v: &V, name: &str) -> Prop {
    match fields_of(v) {
        Some(fields) => match fields
            .into_iter()
            .find(|(k, _)| ir::is_snake_case_of(k, name))
        {
            Some((_, v)) => Prop::Value(v),
            None => Prop::Absent,
        },
        None => Prop::Hidden,
    }
}

/// Reads `file_system_locations`, `vpc` and `build_environment.privileged` through `get`.
fn project_options(get: &dyn Fn(&str) -> Prop, at: Span) -> ProjectOptions {
    let fsl = match get("file_system_locations") {
        Prop::Absent => Known::Absent,
        Prop::Hidden => Known::Unknown(at),
        Prop::Value(v) => match &v.val {
            Value::Null => Known::Value(false, v.span),
            Value::List(items) => Known::Value(!items.is_empty(), v.span),
            _ => Known::Unknown(v.span),
        },
    };
    let vpc = match get("vpc") {
        Prop::Absent => Known::Absent,
        Prop::Hidden => Known::Unknown(at),
        Prop::Value(v) => match &v.val {
            // `None` is not set: an earlier `vpc` stays.
            Value::Null => Known::Absent,
            Value::Construct(_) | Value::Call(..) => Known::Value(true, v.span),
            _ => Known::Unknown(v.span),
        },
    };
    let privileged = match get("build_environment") {
        Prop::Absent => Known::Absent,
        Prop::Hidden => Known::Unknown(at),
        Prop::Value(env) => match &env.val {
            Value::Null => Known::Absent,
            _ => match field(&env, "privileged") {
                Prop::Absent => Known::Absent,
                Prop::Hidden => Known::Unknown(env.span),
                Prop::Value(p) => match &p.val {
                    Value::Bool(b) => Known::Value(*b, p.span),
                    Value::Null => Known::Absent,
                    _ => Known::Unknown(p.span),
                },
            },
        },
    };
    ProjectOptions {
        file_system_locations: fsl,
        vpc,
        privileged,
    }
}

fn stack_steps_of(v: &V) -> Option<StackSteps> {
    match &v.val {
        Value::StackSteps(s) => Some((**s).clone()),
        Value::Dict(entries) => {
            let get = |k: &str| {
                entries
                    .iter()
                    .find(|(key, _)| ir::is_snake_case_of(key, k))
                    .map(|(_, v)| v.clone())
            };
            let stack = match get("stack").map(|v| v.val) {
                Some(Value::Construct(c)) => c.id.clone(),
                _ => None,
            };
            Some(StackSteps {
                stack,
                pre: steps_of(get("pre")),
                change_set: steps_of(get("change_set")),
                post: steps_of(get("post")),
            })
        }
        _ => None,
    }
}

/// Stages or waves of one pipeline past which the model stops reading it (`Pipeline::cut`):
/// 200 times CodePipeline's limit, so a generated or hostile file of 40,000 stages costs what
/// 10,000 do, and no real pipeline comes near.
pub const MAX_MODEL_STAGES: usize = 200 * catalog::MAX_STAGES;

/// `pipeline.add_stage(…)`, `pipeline.add_wave(…)`, `wave.add_stage(…)`, `wave.add_pre(…)`.
pub(super) fn call_pipeline_method(
    it: &mut Interp<'_>,
    recv: &V,
    method: &str,
    a: Args,
    span: Span,
) -> V {
    if let (
        Value::Pipeline(p) | Value::Wave(p, _),
        "add_stage" | "add_wave" | "add_application_stage",
    ) = (&recv.val, method)
    {
        let pl = &mut it.pipelines[*p];
        if pl.stages.len() >= MAX_MODEL_STAGES || pl.waves.len() >= MAX_MODEL_STAGES {
            pl.cut.get_or_insert(span);
            return V::unknown(span);
        }
    }
    if let (Value::Pipeline(p), "add_stage" | "add_wave" | "build_pipeline") = (&recv.val, method) {
        let call = Call {
            span,
            conditional: it.unsure(),
        };
        let pl = &mut it.pipelines[*p];
        let first = pl
            .builds
            .iter()
            .find(|b| !b.conditional)
            .or(pl.builds.first());
        if let Some(build) = first.cloned() {
            if method != "build_pipeline" {
                pl.adds_after_build.push(AddAfterBuild {
                    method: if method == "add_stage" {
                        "add_stage"
                    } else {
                        "add_wave"
                    },
                    call: call.clone(),
                    build,
                });
            }
        }
        if method == "build_pipeline" {
            pl.builds.push(call);
            return V::unknown(span);
        }
    }
    match (&recv.val, method) {
        (Value::Pipeline(p), "add_stage" | "add_application_stage") => {
            let p = *p;
            let stage = stage_of(it, &a, None, span);
            let conditional = stage.conditional;
            let pl = &mut it.pipelines[p];
            pl.stages.push(stage);
            let idx = pl.stages.len() - 1;
            let s = &pl.stages[idx];
            pl.waves.push(Wave {
                id: s.id.clone(),
                id_span: s.id_span,
                span,
                implicit: true,
                stages: vec![idx],
                pre: Vec::new(),
                post: Vec::new(),
                conditional,
            });
            V::new(Value::StageDeployment(p, idx), span)
        }
        (Value::Pipeline(p), "add_wave") => {
            let p = *p;
            let id = a.positional.first();
            let wave = Wave {
                id: id.and_then(V::as_str).map(str::to_string),
                id_span: id.map(|v| v.span).unwrap_or(span),
                span,
                implicit: false,
                stages: Vec::new(),
                pre: steps_of(a.prop_value("pre", 1)),
                post: steps_of(a.prop_value("post", 1)),
                conditional: it.maybe > 0,
            };
            it.pipelines[p].waves.push(wave);
            V::new(Value::Wave(p, it.pipelines[p].waves.len() - 1), span)
        }
        (Value::Wave(p, w), "add_stage") => {
            let (p, w) = (*p, *w);
            let wave_id = it.pipelines[p].waves[w].id.clone();
            let mut stage = stage_of(it, &a, wave_id.clone(), span);
            stage.wave = wave_id;
            let call = Call {
                span,
                conditional: it.unsure(),
            };
            let pl = &mut it.pipelines[p];
            // A wave takes a Stage after the pipeline is built, and the pipeline never
            // deploys it (CDK's `Wave.addStage` does not look).
            let build = pl
                .builds
                .iter()
                .find(|b| !b.conditional)
                .or(pl.builds.first())
                .cloned();
            let dropped = build
                .as_ref()
                .is_some_and(|b| !b.conditional && !call.conditional);
            stage.conditional |= build.is_some();
            if let Some(build) = build {
                pl.wave_stages_after_build.push(AddAfterBuild {
                    method: "add_stage",
                    call,
                    build,
                });
            }
            pl.stages.push(stage);
            let idx = pl.stages.len() - 1;
            if !dropped {
                pl.waves[w].stages.push(idx);
            }
            V::new(Value::StageDeployment(p, idx), span)
        }
        // `deployment.add_pre(step)` / `add_post` on what `add_stage` returned: the stage's own
        // steps, as its `pre` / `post` props give them.
        (Value::StageDeployment(p, s), "add_pre" | "add_post") => {
            let steps = steps_in(a.positional, a.spread);
            let maybe = it.maybe > 0;
            let stage = &mut it.pipelines[*p].stages[*s];
            stage.conditional |= maybe;
            if method == "add_pre" {
                stage.pre.extend(steps);
            } else {
                stage.post.extend(steps);
            }
            V::unknown(span)
        }
        (Value::Wave(p, w), "add_pre" | "add_post") => {
            let steps = steps_in(a.positional, a.spread);
            let maybe = it.maybe > 0;
            let wave = &mut it.pipelines[*p].waves[*w];
            wave.conditional |= maybe;
            if method == "add_pre" {
                wave.pre.extend(steps);
            } else {
                wave.post.extend(steps);
            }
            V::unknown(span)
        }
        _ => V::unknown(span),
    }
}

/// The steps among `add_pre(…)` / `add_post(…)`'s arguments or in a `pre` / `post` list (a
/// list in it too); what is not a step and not `None` is an unknown step, and so is a spread.
fn steps_in(args: Vec<V>, spread: bool) -> Vec<Step> {
    let mut out = Vec::new();
    for v in args {
        match v.val {
            Value::Step(s) => out.push(*s),
            Value::List(items) => out.extend(steps_in(items, false)),
            Value::Null => {}
            _ => out.push(unknown_step(v.span)),
        }
    }
    if spread {
        let span = out.last().map_or(Span::default(), |s| s.span);
        out.push(unknown_step(span));
    }
    out
}

fn stage_of(it: &mut Interp<'_>, a: &Args, wave: Option<String>, span: Span) -> Stage {
    let first = a.positional.first();
    let c: Option<Construct> = match first.map(|v| &v.val) {
        Some(Value::Construct(c)) => Some((**c).clone()),
        _ => None,
    };
    let (id, id_span, class, env) = match &c {
        // A Stage made by another file's code (`beta.edge` of a Stage class in stage.py): what
        // is said about its id is said here, on the argument, and its env keeps its file.
        Some(c) if c.made_in.as_deref() != it.file => {
            let mut env = c.env.clone();
            if let (EnvState::Given(e), Some(f)) = (&mut env, &c.made_in) {
                if e.file.is_none() {
                    e.file = Some(f.clone());
                }
            }
            let at = first.map(|v| v.span).unwrap_or(span);
            (c.id.clone(), at, c.class.clone(), env)
        }
        Some(c) => (c.id.clone(), c.id_span, c.class.clone(), c.env.clone()),
        None => (
            None,
            first.map(|v| v.span).unwrap_or(span),
            None,
            EnvState::Unknown,
        ),
    };
    // Its construct path: below the pipeline stack (`self`), or at the app's root.
    let path = c.as_ref().and_then(|c| {
        let id = c.id.as_deref()?;
        match &c.args.as_deref()?.positional.first()?.val {
            Value::SelfRef if c.nested.is_none() && !c.in_wrapper => Some(format!("{IN_SELF}{id}")),
            Value::Call(q, _) if q == "cdk.App" => Some(id.to_string()),
            _ => None,
        }
    });
    // Handed only to this call so far: nothing else could have put a stack in it.
    let only_here = c.as_ref().is_some_and(|c| it.construct_uses(c.span) == 1);
    let (stacks, complete, order_known, base_env) = match &c {
        // CDK's own `Stage`, made by the app's code here: the stacks made in it, when the run
        // saw them all.
        Some(c) if c.cdk && c.class.as_deref() == Some("Stage") && it.made_handle(c) => {
            match it.handle_stacks(c) {
                Some((stacks, complete, order_known)) => {
                    (Some(stacks), complete, order_known, None)
                }
                None => (None, false, false, None),
            }
        }
        // One made by another run: empty, unless something used it as a scope.
        Some(c) if c.cdk && c.class.as_deref() == Some("Stage") && only_here => {
            (Some(Vec::new()), true, true, None)
        }
        _ => match class
            .as_deref()
            .and_then(|cl| it.stage_stacks(cl, c.as_ref()))
        {
            Some((stacks, complete, order_known, base_env)) => {
                (Some(stacks), complete && only_here, order_known, base_env)
            }
            None => (None, false, false, None),
        },
    };
    // What the Stage class gave CDK's `Stage` is its env (`super().__init__(scope, id,
    // env=PROD)`), whatever its maker passed.
    let maker_gave_env = c
        .as_ref()
        .and_then(|c| c.args.as_deref())
        .is_some_and(|a| it.env_arg(a, 2) != EnvState::Missing);
    let nested = c.as_ref().is_some_and(|c| c.nested.is_some());
    let env = match (base_env, &env) {
        // The same env, handed through (`**kw`, `props`): as its maker wrote it.
        (Some(EnvState::Given(b)), EnvState::Given(e))
            if b.span == e.span && b.account == e.account && b.region == e.region =>
        {
            env
        }
        (Some(base @ (EnvState::Given(_) | EnvState::Unknown)), _) => base,
        // No env given to CDK's `Stage`, and none by its maker: what the model has (none, or
        // the parent Stage's for a nested one).
        (Some(EnvState::Missing), _) if !maker_gave_env => env,
        // Its maker's env, dropped: none for a Stage at the app's level; a nested one's is its
        // parent Stage's, which the model does not carry here.
        (Some(EnvState::Missing), _) if nested => EnvState::Unknown,
        (Some(EnvState::Missing), _) => EnvState::Missing,
        (None, _) => env,
    };
    let stack_steps = match a.prop_value("stack_steps", 1).map(|v| v.val) {
        Some(Value::List(items)) => items.iter().filter_map(stack_steps_of).collect(),
        _ => Vec::new(),
    };
    Stage {
        id,
        id_span,
        span,
        wave,
        class,
        env,
        stacks,
        stacks_complete: complete,
        stacks_order_known: order_known,
        nested: c.as_ref().is_some_and(|c| c.nested.is_some()),
        name_from_props: c.as_ref().is_some_and(|c| {
            c.cdk
                || c.class
                    .as_deref()
                    .is_some_and(|n| it.leaves_props(n, &["stage_name", "stageName"]))
        }),
        stage_name: c.map_or(Known::Absent, |c| c.stage_name),
        pre: steps_of(a.prop_value("pre", 1)),
        post: steps_of(a.prop_value("post", 1)),
        stack_steps,
        conditional: it.maybe > 0,
        path,
    }
}

/// How [`Stage::path`] starts while the pipeline stack's own path is not known yet (a Stage
/// made with `self` as its scope); `build.rs` puts the stack's path in its place.
pub(super) const IN_SELF: &str = "\u{1}/";

/// Fills what is derived from the rest: the pipeline's sources, found through its steps.
pub(super) fn finish_pipeline(p: &mut Pipeline) {
    let mut sources: Vec<Source> = Vec::new();
    let mut add = |s: &Source| {
        if !sources.iter().any(|x| x.span == s.span) {
            sources.push(s.clone());
        }
    };
    let mut visit = |step: &Step| {
        if let Some(s) = &step.input {
            add(s);
        }
        for s in &step.additional_inputs {
            add(s);
        }
    };
    if let Some(s) = &p.synth {
        visit(s);
    }
    for st in &p.stages {
        st.pre.iter().chain(&st.post).for_each(&mut visit);
    }
    for w in &p.waves {
        w.pre.iter().chain(&w.post).for_each(&mut visit);
    }
    p.sources = sources;
}

/// Names that, used anywhere in an app, mean its stacks may publish assets (what the pipeline's
/// Assets stage publishes): Lambda code from a folder, bundled functions, Docker images built
/// from a folder, S3 assets and deployments, and CDK's own constructs that bring a Lambda
/// asset along (a bucket's `autoDeleteObjects`, `AwsCustomResource`).
pub(super) const ASSET_NAMES: &[&str] = &[
    "from_asset",
    "fromAsset",
    "from_docker_build",
    "fromDockerBuild",
    "from_image_asset",
    "fromImageAsset",
    "from_asset_image",
    "fromAssetImage",
    "asset",
    "Asset",
    "DockerImageAsset",
    "TarballImageAsset",
    "BucketDeployment",
    "NodejsFunction",
    "PythonFunction",
    "PythonLayerVersion",
    "GoFunction",
    "DockerImageFunction",
    "auto_delete_objects",
    "autoDeleteObjects",
    "AwsCustomResource",
];

/// Whether a module uses any name that brings an asset along (see [`ASSET_NAMES`]): a call,
/// an attribute, a keyword argument or an object key.
pub fn mentions_assets(module: &ir::Module) -> bool {
    mentions_any(&module.body, ASSET_NAMES)
}

/// Whether code uses any of `names`: as a name, an attribute, a keyword argument or an
/// object key.
pub(super) fn mentions_any(body: &[ir::Stmt], names: &[&str]) -> bool {
    use ir::ExprKind;
    let named = |n: &str| names.contains(&n);
    ir::any_expr(body, &mut |e| match &e.kind {
        ExprKind::Name(n) | ExprKind::Attr(_, n, _) => named(n),
        ExprKind::Call { args, .. } => args
            .iter()
            .any(|a| matches!(a, ir::Arg::Keyword { name, .. } if named(name))),
        ExprKind::Dict(entries) => entries
            .iter()
            .any(|d| matches!(d, ir::DictEntry::Pair { key, .. } if named(key))),
        _ => false,
    })
}
