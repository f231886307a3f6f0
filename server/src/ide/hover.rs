//! Hover: an account id (its names and profile), a region (name, opt-in), a stage or wave (its
//! env and the CodePipeline stage it becomes), a CDK Pipelines class (one line of doc).

use super::accounts::Accounts;
use super::{string_at, ByteRange};
use crate::model::{EnvState, FileModel, Pipeline, Stage, Wave};
use crate::regions;

pub struct Hover {
    pub markdown: String,
    pub range: ByteRange,
}

pub fn hover(text: &str, offset: usize, model: &FileModel, accounts: &Accounts) -> Option<Hover> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    if let Some((_, range)) = string_at(text, offset) {
        let value = &text[range.clone()];
        if crate::rules::is_account_id(value) {
            return Some(Hover {
                markdown: account(value, model, accounts),
                range,
            });
        }
        if let Some(r) = regions::get(value) {
            let mut md = format!("**{}** — {}", r.code, r.name);
            if r.opt_in {
                md.push_str("\n\nOpt-in region: it must be enabled in each account before anything deploys there.");
            }
            let users = stages_where(model, |e| e.region() == Some(r.code));
            if !users.is_empty() {
                md.push_str(&format!("\n\nDeployed to by: {}", users.join(", ")));
            }
            return Some(Hover {
                markdown: md,
                range,
            });
        }
    }
    for p in &model.pipelines {
        for (i, s) in p.stages.iter().enumerate() {
            if s.id_span.contains_byte(offset) {
                return Some(Hover {
                    markdown: stage(p, i, s),
                    range: s.id_span.start_byte..s.id_span.end_byte,
                });
            }
        }
        for w in p.waves.iter().filter(|w| !w.implicit) {
            if w.id_span.contains_byte(offset) {
                return Some(Hover {
                    markdown: wave(p, w),
                    range: w.id_span.start_byte..w.id_span.end_byte,
                });
            }
        }
    }
    let (word, range) = word_at(text, offset)?;
    if let Some(doc) = class_doc(word) {
        return Some(Hover {
            markdown: format!("**pipelines.{word}** — {doc}"),
            range,
        });
    }
    // `add_stage` / `addWave`: the stage or wave that call adds.
    let canonical = crate::lang::ir::snake_case(word);
    if canonical == "add_stage" || canonical == "add_wave" || canonical == "add_application_stage" {
        for p in &model.pipelines {
            if let Some((i, s)) = p
                .stages
                .iter()
                .enumerate()
                .find(|(_, s)| s.span.contains_byte(offset))
            {
                return Some(Hover {
                    markdown: stage(p, i, s),
                    range,
                });
            }
            if let Some(w) = p
                .waves
                .iter()
                .find(|w| !w.implicit && w.span.contains_byte(offset))
            {
                return Some(Hover {
                    markdown: wave(p, w),
                    range,
                });
            }
        }
    }
    None
}

fn word_at(text: &str, offset: usize) -> Option<(&str, ByteRange)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    (start < end).then(|| (&text[start..end], start..end))
}

fn class_doc(word: &str) -> Option<&'static str> {
    Some(match word {
        "CodePipeline" => "a self-mutating CodePipeline that deploys Stages; Source, Build (synth), UpdatePipeline, Assets, then one stage per `add_stage`/`add_wave`.",
        "CdkPipeline" => "the original, deprecated pipeline API; use `CodePipeline`.",
        "ShellStep" => "runs shell commands in a CodeBuild project; inputs are sources or other steps' outputs.",
        "CodeBuildStep" => "a ShellStep with CodeBuild options (role, VPC, build image, policy statements).",
        "ManualApprovalStep" => "a manual approval action: the pipeline waits until someone approves.",
        "ConfirmPermissionsBroadening" => "checks the stage's IAM changes and asks for approval when permissions broaden (two actions: `.Check`, `.Confirm`).",
        "CodePipelineSource" => "where the pipeline's code comes from: `connection`, `git_hub`, `code_commit`, `s3`, `ecr`.",
        "Wave" => "stages deployed in parallel, as one CodePipeline stage.",
        "StackSteps" => "steps around one stack's change set: `pre`, `change_set`, `post`.",
        _ => return None,
    })
}

fn env_text(e: &EnvState) -> String {
    match e {
        EnvState::Given(env) => format!(
            "`{}` / `{}`",
            env.account
                .value()
                .map(String::as_str)
                .unwrap_or("(unknown)"),
            env.region
                .value()
                .map(String::as_str)
                .unwrap_or("(unknown)")
        ),
        EnvState::Missing => "none: deploys to the pipeline's account and region".into(),
        EnvState::Unknown => "only known when the app runs".into(),
    }
}

fn stages_where(model: &FileModel, f: impl Fn(&EnvState) -> bool) -> Vec<String> {
    model
        .pipelines
        .iter()
        .flat_map(|p| p.stages.iter())
        .filter(|s| f(&s.env))
        .map(|s| format!("`{}`", s.id.as_deref().unwrap_or("?")))
        .collect()
}

fn account(id: &str, model: &FileModel, accounts: &Accounts) -> String {
    let mut md = format!("**Account {id}**");
    if let Some(names) = accounts.get(id) {
        md.push_str(&format!(" — {}", names.join(", ")));
    }
    let users = stages_where(model, |e| e.account() == Some(id));
    if !users.is_empty() {
        md.push_str(&format!("\n\nTarget of: {}", users.join(", ")));
    }
    if model.pipelines.iter().any(|p| p.env.account() == Some(id)) {
        md.push_str("\n\nThe pipeline runs in this account.");
    }
    md
}

fn stage(p: &Pipeline, _index: usize, s: &Stage) -> String {
    let id = s.id.as_deref().unwrap_or("?");
    let becomes = match &s.wave {
        Some(w) => format!(
            "a member of wave `{w}`: its actions run in CodePipeline stage `{w}`, prefixed `{id}.`"
        ),
        None => format!("CodePipeline stage `{id}`"),
    };
    let mut md = format!("**Stage `{id}`** → {becomes}\n\nenv: {}", env_text(&s.env));
    if let Some(stacks) = &s.stacks {
        let names: Vec<&str> = stacks.iter().filter_map(|s| s.id.as_deref()).collect();
        md.push_str(&format!(
            "\n\nstacks: {}",
            if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            }
        ));
    }
    let ids = |v: &[crate::model::Step]| {
        v.iter()
            .map(|s| s.id.clone().unwrap_or("?".into()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !s.pre.is_empty() {
        md.push_str(&format!("\n\npre: {}", ids(&s.pre)));
    }
    if !s.post.is_empty() {
        md.push_str(&format!("\n\npost: {}", ids(&s.post)));
    }
    if let Some(pipeline_account) = p.env.account() {
        if s.env.account().is_some_and(|a| a != pipeline_account) {
            md.push_str(&format!(
                "\n\nCross-account: the pipeline runs in `{pipeline_account}`."
            ));
        }
    }
    md
}

fn wave(p: &Pipeline, w: &Wave) -> String {
    let id = w.id.as_deref().unwrap_or("?");
    let members: Vec<String> = w
        .stages
        .iter()
        .filter_map(|i| p.stages.get(*i))
        .map(|s| {
            format!(
                "`{}` ({})",
                s.id.as_deref().unwrap_or("?"),
                env_text(&s.env)
            )
        })
        .collect();
    format!(
        "**Wave `{id}`** → CodePipeline stage `{id}`; its stages deploy in parallel\n\n{}",
        if members.is_empty() {
            "no stages yet".to_string()
        } else {
            members.join("\n\n")
        }
    )
}
