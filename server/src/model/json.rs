//! The `pipelens model --format json` shape (a public contract: see DESIGN.md).

use serde_json::{json, Value};

use super::{EnvState, FileModel, Known, Pipeline, Source, Span, Stack, Stage, Step, Wave};

fn line(span: Span) -> usize {
    span.start.0 + 1
}

fn known<T: Clone + Into<Value>>(k: &Known<T>) -> Value {
    match k {
        Known::Value(v, _) => v.clone().into(),
        _ => Value::Null,
    }
}

pub fn env(e: &EnvState) -> Value {
    match e {
        EnvState::Given(env) => json!({
            "account": known(&env.account),
            "region": known(&env.region),
        }),
        _ => Value::Null,
    }
}

/// Tells an env that is not given (`"none"`: `env` is `null`, the stacks are
/// environment-agnostic) from one the code sets to something pipelens cannot follow
/// (`"unknown"`: `env` is `null`, or the parts that are known with `null` for the rest) and one
/// whose every part is known (`"known"`: a `null` part is not given).
pub fn env_state(e: &EnvState) -> Value {
    let state = match e {
        EnvState::Missing => "none",
        EnvState::Unknown => "unknown",
        EnvState::Given(env)
            if matches!(env.account, Known::Unknown(_))
                || matches!(env.region, Known::Unknown(_)) =>
        {
            "unknown"
        }
        EnvState::Given(_) => "known",
    };
    Value::String(state.into())
}

fn flag(k: &Known<bool>, default: bool) -> Value {
    k.or_default(default)
        .map(Value::Bool)
        .unwrap_or(Value::Null)
}

pub fn source(s: &Source) -> Value {
    json!({
        "kind": s.kind.name(),
        "repo": s.repo,
        "branch": s.branch,
        "actionName": s.action_name,
        "line": line(s.span),
    })
}

pub fn step(s: &Step) -> Value {
    let mut v = json!({ "id": s.id, "kind": s.kind.name(), "line": line(s.span) });
    if let Some(input) = &s.input {
        v["input"] = source(input);
    }
    v
}

fn steps(s: &[Step]) -> Value {
    Value::Array(s.iter().map(step).collect())
}

fn stack(s: &Stack) -> Value {
    let mut v = json!({ "id": s.id, "class": s.class, "line": line(s.span) });
    if let Some(f) = &s.file {
        v["file"] = json!(f.display().to_string());
    }
    if !s.depends_on.is_empty() {
        v["dependsOn"] = json!(s.depends_on);
    }
    v
}

fn stage(s: &Stage) -> Value {
    json!({
        "id": s.id,
        "wave": s.wave,
        "line": line(s.span),
        "class": s.class,
        "env": env(&s.env),
        "envState": env_state(&s.env),
        "stacks": s.stacks.as_ref().map(|st| st.iter().map(stack).collect::<Vec<_>>()),
        "pre": steps(&s.pre),
        "post": steps(&s.post),
    })
}

fn wave(w: &Wave) -> Value {
    json!({ "id": w.id, "line": line(w.span), "pre": steps(&w.pre), "post": steps(&w.post) })
}

pub fn pipeline(p: &Pipeline) -> Value {
    let mut env_v = env(&p.env);
    if let (EnvState::Given(e), Value::Object(map)) = (&p.env, &mut env_v) {
        if let Some(f) = &e.file {
            map.insert("file".into(), json!(f.display().to_string()));
        }
    }
    json!({
        "id": p.id,
        "class": p.class.name(),
        "line": line(p.span),
        "env": env_v,
        "envState": env_state(&p.env),
        "crossAccountKeys": flag(&p.cross_account_keys, false),
        "selfMutation": flag(&p.self_mutation, true),
        "useChangeSets": flag(&p.use_change_sets, true),
        "pipelineType": known(&p.pipeline_type),
        "sources": p.sources.iter().map(source).collect::<Vec<_>>(),
        "synth": p.synth.as_ref().map(step),
        "stages": p.stages.iter().map(stage).collect::<Vec<_>>(),
        "waves": p.waves.iter().filter(|w| !w.implicit).map(wave).collect::<Vec<_>>(),
    })
}

pub fn file_model(m: &FileModel) -> Value {
    json!({
        "language": m.language,
        "pipelines": m.pipelines.iter().map(pipeline).collect::<Vec<_>>(),
    })
}
