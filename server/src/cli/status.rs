//! `pipelens status [DIR] [--format text|json] [--refresh]`: each pipeline of the code as it
//! is deployed: per stage the latest execution's status, the commit it ran, when, and what is
//! waiting; where HEAD is; and where the deployed definition differs from the code. Exit 1 when
//! a stage's latest execution failed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::{json, Value};

use super::bootstrap_status::models;
use super::sources::settings_for;
use super::{StatusArgs, StatusFormat, EXIT_FOUND_ERRORS, EXIT_OK};
use crate::live::{
    self, ago, complete, drift, git_facts, head_status, locate, now, since, views, Drift, GitFacts,
    Live, LiveClient, LiveOptions, LivePipeline, Locator, StageView,
};
use crate::model::Pipeline;
use crate::predict::{predict, Prediction};
use crate::quote::{for_log, json_for_log};
use crate::trust::Trusted;

/// One pipeline instance of the code and what is known of it live.
struct Row {
    file: PathBuf,
    pipeline: Pipeline,
    prediction: Prediction,
    locator: Option<Locator>,
    live: Live,
    git: GitFacts,
}

pub fn run(args: StatusArgs, out: &mut dyn Write) -> Result<i32> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let started = Instant::now();
    let files = models(&dir)?;
    let mut wanted: Vec<(PathBuf, Pipeline, Result<Locator, String>, LiveOptions)> = Vec::new();
    for f in files {
        let (settings, _) = settings_for(&f.file);
        let opts = LiveOptions::from_settings(&settings);
        for p in &f.model.pipelines {
            match locate(p, &f.qualifier) {
                Ok(locators) => {
                    for l in locators {
                        wanted.push((f.file.clone(), p.clone(), Ok(l), opts.clone()));
                    }
                }
                Err(reason) => wanted.push((f.file.clone(), p.clone(), Err(reason), opts.clone())),
            }
        }
    }
    let lives = fetch_all(&wanted, args.refresh);
    let mut rows = Vec::new();
    for ((file, pipeline, locator, _), live) in wanted.into_iter().zip(lives) {
        let found = match &live {
            Live::Found(l) => Some(l),
            _ => None,
        };
        let git = git_facts(&file, found, Trusted::by_user());
        rows.push(Row {
            prediction: predict(&pipeline),
            file,
            pipeline,
            locator: locator.ok(),
            live,
            git,
        });
    }
    tracing::debug!("status took {:?}", started.elapsed());
    match args.format {
        StatusFormat::Json => {
            let doc = json!({ "pipelines": rows.iter().map(row_json).collect::<Vec<_>>() });
            writeln!(out, "{}", json_for_log(serde_json::to_string_pretty(&doc)?))?;
        }
        StatusFormat::Text => write_text(&rows, out)?,
    }
    if rows.is_empty() && args.format == StatusFormat::Text {
        writeln!(out, "no pipelines found")?;
    }
    let failed = rows.iter().any(|r| match &r.live {
        Live::Found(l) => views(&r.prediction, l, complete(&r.pipeline))
            .iter()
            .any(|v| v.status() == "failed"),
        _ => false,
    });
    Ok(if failed { EXIT_FOUND_ERRORS } else { EXIT_OK })
}

/// Reads every locator on a runtime of its own, one client per distinct profile, all at once.
fn fetch_all(
    wanted: &[(PathBuf, Pipeline, Result<Locator, String>, LiveOptions)],
    refresh: bool,
) -> Vec<Live> {
    let runtime = match super::aws_runtime() {
        Ok(r) => r,
        Err(e) => {
            let reason = format!("cannot start the AWS client: {e}");
            return wanted
                .iter()
                .map(|_| Live::Unknown {
                    reason: reason.clone(),
                })
                .collect();
        }
    };
    let lives = runtime.block_on(async {
        let mut clients: Vec<(Option<String>, std::sync::Arc<LiveClient>)> = Vec::new();
        let mut futures = Vec::new();
        for (_, _, locator, opts) in wanted {
            let client = match clients.iter().find(|(p, _)| *p == opts.profile) {
                Some((_, c)) => c.clone(),
                None => {
                    let c = std::sync::Arc::new(LiveClient::new(opts.clone(), Trusted::by_user()));
                    clients.push((opts.profile.clone(), c.clone()));
                    c
                }
            };
            let locator = locator.clone();
            futures.push(async move {
                match locator {
                    Ok(l) => client.fetch(&l, refresh).await,
                    Err(reason) => Live::Unknown { reason },
                }
            });
        }
        futures::future::join_all(futures).await
    });
    // Nothing of the calls may outlive them: the run is over.
    runtime.shutdown_timeout(Duration::from_millis(100));
    lives
}

fn revision_json(r: &live::Revision, git: &GitFacts) -> Value {
    json!({
        "commit": r.id,
        "short": r.short(),
        "summary": r.summary.clone().or_else(|| git.subject(&r.id).map(str::to_string)),
        "author": git.author(&r.id),
        "url": r.url,
        "action": r.action,
    })
}

fn stage_json(v: &StageView, git: &GitFacts) -> Value {
    let live = v.live.as_ref();
    json!({
        "name": v.name,
        "line": v.span.map(|s| s.start.0 + 1),
        "status": v.status(),
        "executionStatus": live.and_then(|l| l.status.clone()),
        "executionId": live.and_then(|l| l.execution_id.clone()),
        "revisions": live.map(|l| l.revisions.iter().map(|r| revision_json(r, git)).collect::<Vec<_>>()).unwrap_or_default(),
        "changed": live.and_then(|l| l.changed),
        "transitionDisabled": live.and_then(|l| l.transition_disabled.clone()),
        "waiting": live.map(|l| l.approvals.iter().map(|a| json!({"action": a.action, "since": a.since})).collect::<Vec<_>>()).unwrap_or_default(),
        "failed": live.map(|l| l.failures.iter().map(|f| json!({"action": f.action, "summary": f.summary, "url": f.url})).collect::<Vec<_>>()).unwrap_or_default(),
    })
}

fn drift_json(d: &Drift) -> Value {
    json!({
        "kind": d.kind(),
        "stage": d.stage(),
        "line": d.span().map(|s| s.start.0 + 1),
        "message": d.message(),
    })
}

fn row_json(r: &Row) -> Value {
    let mut v = json!({
        "id": r.pipeline.id,
        "file": r.file.display().to_string(),
        "line": r.pipeline.span.start.0 + 1,
        "deployed": matches!(r.live, Live::Found(_)),
    });
    if let Some(l) = &r.locator {
        v["lookedFor"] = json!({
            "account": l.account,
            "region": l.region,
            "pipelineName": match &l.find { live::Find::Named(n) => Some(n), _ => None },
            "stack": match &l.find { live::Find::InStack { stack, .. } => Some(stack), _ => None },
        });
    }
    match &r.live {
        Live::Found(l) => {
            let vs = views(&r.prediction, l, complete(&r.pipeline));
            v["name"] = json!(l.name);
            v["account"] = json!(l.account);
            v["region"] = json!(l.region);
            v["console"] = json!(l.console_url());
            v["version"] = json!(l.version);
            v["updated"] = json!(l.updated);
            v["stateUnknown"] = json!(l.state_unknown);
            v["executionsUnknown"] = json!(l.executions_unknown);
            v["head"] = json!(r.git.head.as_ref().map(|h| json!({
                "commit": h,
                "pushed": r.git.head_pushed,
                "where": head_status(&vs, l, &r.git),
            })));
            v["stages"] = vs.iter().map(|s| stage_json(s, &r.git)).collect();
            v["drift"] = drift(
                &r.prediction,
                l,
                complete(&r.pipeline),
                r.git.file_change.as_ref(),
            )
            .iter()
            .map(drift_json)
            .collect();
        }
        Live::NotFound { reason } => {
            v["status"] = json!("not-found");
            v["reason"] = json!(reason);
        }
        Live::Unknown { reason } => {
            v["status"] = json!("unknown");
            v["reason"] = json!(reason);
        }
    }
    v
}

/// `✓ succeeded`, `⏸ waiting`, …: a stage's status with its mark.
pub fn mark(status: &str) -> &'static str {
    match status {
        "succeeded" => "✓",
        "failed" => "✗",
        "waiting" => "⏸",
        "in-progress" => "▶",
        "not-deployed" => "+",
        "live-only" => "−",
        _ => "·",
    }
}

/// What a stage waits for, in a few words.
fn waiting(v: &StageView, at: i64) -> String {
    let Some(l) = &v.live else {
        return String::new();
    };
    let mut parts: Vec<String> = Vec::new();
    for a in &l.approvals {
        parts.push(match a.since {
            Some(s) => format!("approval {} waiting {}", a.action, since(s, at)),
            None => format!("approval {} waiting", a.action),
        });
    }
    if let Some(reason) = &l.transition_disabled {
        parts.push(if reason.is_empty() {
            "transition disabled".into()
        } else {
            format!("transition disabled: {reason}")
        });
    }
    for f in &l.failures {
        parts.push(format!("{} failed: {}", f.action, f.summary));
    }
    parts.join("; ")
}

fn write_text(rows: &[Row], out: &mut dyn Write) -> Result<()> {
    let at = now();
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let title = r.pipeline.id.as_deref().unwrap_or("pipeline");
        let place = format!("{}:{}", display(&r.file), r.pipeline.span.start.0 + 1);
        let l: &LivePipeline = match &r.live {
            Live::Found(l) => l,
            Live::NotFound { reason } => {
                writeln!(
                    out,
                    "{} ({}): not deployed: {}",
                    for_log(title),
                    for_log(&place),
                    for_log(reason)
                )?;
                continue;
            }
            Live::Unknown { reason } => {
                writeln!(
                    out,
                    "{} ({}): unknown: {}",
                    for_log(title),
                    for_log(&place),
                    for_log(reason)
                )?;
                continue;
            }
        };
        writeln!(
            out,
            "{} ({}): {} in aws://{}/{}",
            for_log(title),
            for_log(&place),
            for_log(&l.name),
            for_log(&l.account),
            for_log(&l.region)
        )?;
        writeln!(out, "  {}", for_log(&l.console_url()))?;
        let vs = views(&r.prediction, l, complete(&r.pipeline));
        if let Some(h) = head_status(&vs, l, &r.git) {
            writeln!(out, "  {}", for_log(&h))?;
        }
        if let Some(reason) = &l.state_unknown {
            writeln!(out, "  the stages' state is unknown: {}", for_log(reason))?;
        }
        if let Some(reason) = &l.executions_unknown {
            writeln!(
                out,
                "  the executions could not be listed: {}",
                for_log(reason)
            )?;
        }
        let cells: Vec<[String; 5]> = vs
            .iter()
            .map(|v| {
                let live = v.live.as_ref();
                let commit = live
                    .and_then(|l| l.revisions.first())
                    .map(|rev| commit_cell(rev, &r.git))
                    .unwrap_or_else(|| "-".into());
                [
                    v.name.clone(),
                    format!("{} {}", mark(v.status()), v.status()),
                    commit,
                    live.and_then(|l| l.changed)
                        .map(|c| ago(c, at))
                        .unwrap_or_else(|| "-".into()),
                    waiting(v, at),
                ]
            })
            .collect();
        table(
            out,
            &["STAGE", "STATUS", "COMMIT", "WHEN", "WAITING"],
            &cells,
        )?;
        for d in drift(
            &r.prediction,
            l,
            complete(&r.pipeline),
            r.git.file_change.as_ref(),
        ) {
            writeln!(out, "  drift: {}", for_log(&d.message()))?;
        }
    }
    Ok(())
}

/// `3f2a9c1 Fix the fee (Jane Doe)`: the commit, its message's first words, its author when
/// this clone knows it.
fn commit_cell(rev: &live::Revision, git: &GitFacts) -> String {
    let mut s = rev.short().to_string();
    let summary = rev
        .summary
        .clone()
        .or_else(|| git.subject(&rev.id).map(str::to_string));
    if let Some(m) = summary {
        let clipped: String = m.chars().take(40).collect();
        s.push(' ');
        s.push_str(&clipped);
        if m.chars().count() > 40 {
            s.push('…');
        }
    }
    if let Some(a) = git.author(&rev.id) {
        s.push_str(&format!(" ({a})"));
    }
    s
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

/// An aligned table, indented by two spaces.
fn table(out: &mut dyn Write, header: &[&str], rows: &[[String; 5]]) -> Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let mut s = String::from("  ");
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                let pad = widths[i] - c.chars().count();
                s.push_str(c);
                s.push_str(&" ".repeat(pad + 2));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(
        out,
        "{}",
        line(header.iter().map(|h| h.to_string()).collect())
    )?;
    for row in rows {
        writeln!(out, "{}", for_log(&line(row.to_vec())))?;
    }
    Ok(())
}
