//! Hover: an account id (its names and profile), a region (name, opt-in), a stage or wave (its
//! env and the CodePipeline stage it becomes), a CDK Pipelines class (one line of doc). On a
//! stage's env or id, also the bootstrap state the probe saw for the envs that stage needs.
//!
//! Every value from the code (ids, env values, account names from the settings) goes into the
//! Markdown through `quote::md_code` or `quote::md_text`, so none can close its code span, link
//! anywhere or add HTML.

use std::collections::BTreeMap;
use std::time::SystemTime;

use super::accounts::Accounts;
use super::{string_at, ByteRange};
use crate::aws::report::{target_report, TargetReport};
use crate::aws::{gather, EnvKey, Need, Observation, Status};
use crate::model::{catalog, EnvState, FileModel, Pipeline, Stage, Wave};
use crate::quote::{md_code, md_text};
use crate::regions;

pub struct Hover {
    pub markdown: String,
    pub range: ByteRange,
}

/// What the bootstrap probe saw, for hovers on stage envs (absent when the check is off).
pub struct Probed<'a> {
    /// The app's bootstrap qualifier.
    pub qualifier: &'a str,
    pub observations: &'a BTreeMap<EnvKey, Observation>,
    /// When each env was last observed.
    pub checked: &'a BTreeMap<EnvKey, SystemTime>,
}

pub fn hover(
    text: &str,
    offset: usize,
    model: &FileModel,
    accounts: &Accounts,
    probed: Option<&Probed>,
) -> Option<Hover> {
    let base = plain(text, offset, model, accounts);
    let Some((md, range)) = probed.and_then(|p| bootstrap(model, offset, p)) else {
        return base;
    };
    Some(match base {
        Some(mut h) => {
            h.markdown.push_str("\n\n");
            h.markdown.push_str(&md);
            h
        }
        None => Hover {
            markdown: md,
            range,
        },
    })
}

fn plain(text: &str, offset: usize, model: &FileModel, accounts: &Accounts) -> Option<Hover> {
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
    if let Some(doc) = catalog::class_doc(word) {
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

/// The bootstrap state of every env the stage at `offset` (on its env or its id) needs: its
/// target, and the pipeline account's support env in its region when it is the first stage
/// there. The same report as the diagnostics and `bootstrap-status`.
fn bootstrap(model: &FileModel, offset: usize, probed: &Probed) -> Option<(String, ByteRange)> {
    let (pi, si, span) = model.pipelines.iter().enumerate().find_map(|(pi, p)| {
        p.stages.iter().enumerate().find_map(|(si, s)| {
            let env = s.env.env().filter(|e| e.file.is_none());
            match env {
                Some(e) if e.span.contains_byte(offset) => Some((pi, si, e.span)),
                _ => s
                    .id_span
                    .contains_byte(offset)
                    .then_some((pi, si, s.id_span)),
            }
        })
    })?;
    let needs = gather(model);
    let mut seen: Vec<EnvKey> = Vec::new();
    let mut paragraphs = Vec::new();
    for n in needs.iter().filter(|n| n.pipeline == pi && n.stage == si) {
        let key = n.key(probed.qualifier);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key.clone());
        let group: Vec<&Need> = needs
            .iter()
            .filter(|m| m.key(probed.qualifier) == key)
            .collect();
        let checked = probed.checked.get(&key).copied();
        paragraphs.push(describe(
            &target_report(key, &group, probed.observations),
            checked,
        ));
    }
    (!paragraphs.is_empty()).then(|| (paragraphs.join("\n\n"), span.start_byte..span.end_byte))
}

fn describe(r: &TargetReport, checked: Option<SystemTime>) -> String {
    let role = if r.support_region_only {
        " (the pipeline account's cross-region support)"
    } else {
        ""
    };
    let state = match r.status {
        Status::Bootstrapped => {
            let mut s = "bootstrapped".to_string();
            if let Some(v) = r.version {
                s.push_str(&format!(" (version {v})"));
            }
            if !r.trusted_accounts.is_empty() {
                let trusted: Vec<String> = r.trusted_accounts.iter().map(|a| md_code(a)).collect();
                s.push_str(&format!(", trusts {}", trusted.join(", ")));
            }
            s
        }
        Status::NotBootstrapped => "**not bootstrapped**".into(),
        Status::Untrusted => "**untrusted**".into(),
        Status::Outdated => "**outdated**".into(),
        Status::Unknown => "not checked".into(),
    };
    let mut md = format!(
        "Bootstrap {}{role}: {state}",
        md_code(&format!("aws://{}/{}", r.key.account, r.key.region))
    );
    let unknown = r.status == Status::Unknown;
    if let Some(reason) = &r.reason {
        // No credentials: how to get some is in the one `bootstrap-unknown` hint, not repeated
        // in every env's hover.
        let reason = if reason.starts_with(crate::aws::NO_CREDENTIALS) {
            crate::aws::NO_CREDENTIALS
        } else {
            reason
        };
        if !(unknown && reason == "not checked") {
            md.push_str(&format!(" — {}", md_text(reason)));
        }
    }
    if let (Some(at), false) = (checked, unknown) {
        md.push_str(&format!(" (checked {})", ago(at)));
    }
    if let Some(fix) = &r.fix {
        md.push_str(&format!("\n\nFix: {}", md_code(&fix.join(" "))));
    }
    md
}

/// "12 s ago", "3 min ago", "2 h ago" (a clock that went back counts as just now).
fn ago(at: SystemTime) -> String {
    let secs = SystemTime::now()
        .duration_since(at)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    match secs {
        0..=59 => format!("{secs} s ago"),
        60..=3599 => format!("{} min ago", secs / 60),
        _ => format!("{} h ago", secs / 3600),
    }
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

fn env_text(e: &EnvState) -> String {
    match e {
        EnvState::Given(env) => format!(
            "{} / {}",
            md_code(
                env.account
                    .value()
                    .map(String::as_str)
                    .unwrap_or("(unknown)")
            ),
            md_code(
                env.region
                    .value()
                    .map(String::as_str)
                    .unwrap_or("(unknown)")
            )
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
        .map(|s| md_code(s.id.as_deref().unwrap_or("?")))
        .collect()
}

fn account(id: &str, model: &FileModel, accounts: &Accounts) -> String {
    let mut md = format!("**Account {}**", md_text(id));
    if let Some(names) = accounts.get(id) {
        let names: Vec<String> = names.iter().map(|n| md_text(n)).collect();
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
            "a member of wave {}: its actions run in CodePipeline stage {}, prefixed {}",
            md_code(w),
            md_code(w),
            md_code(&format!("{id}."))
        ),
        None => format!("CodePipeline stage {}", md_code(id)),
    };
    let mut md = format!(
        "**Stage {}** → {becomes}\n\nenv: {}",
        md_code(id),
        env_text(&s.env)
    );
    if let Some(stacks) = &s.stacks {
        let names: Vec<String> = stacks
            .iter()
            .filter_map(|s| s.id.as_deref())
            .map(md_text)
            .collect();
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
            .map(|s| md_text(s.id.as_deref().unwrap_or("?")))
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
                "\n\nCross-account: the pipeline runs in {}.",
                md_code(pipeline_account)
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
                "{} ({})",
                md_code(s.id.as_deref().unwrap_or("?")),
                env_text(&s.env)
            )
        })
        .collect();
    format!(
        "**Wave {}** → CodePipeline stage {}; its stages deploy in parallel\n\n{}",
        md_code(id),
        md_code(id),
        if members.is_empty() {
            "no stages yet".to_string()
        } else {
            members.join("\n\n")
        }
    )
}

/// A link the Markdown may carry: https, and nothing that could end the link or add markup.
fn safe_link(url: &str) -> Option<&str> {
    let ok = url.starts_with("https://")
        && url.len() < 2048
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "()[]<>`\"'\\".contains(c));
    ok.then_some(url)
}

/// The deployed state of one stage, for its hover: status, the commit it ran (message and
/// author), when, what waits, what failed, and links to the console.
pub fn live_stage(
    view: &crate::live::StageView,
    live: &crate::live::LivePipeline,
    git: &crate::live::GitFacts,
    read_at: i64,
    at: i64,
) -> String {
    use crate::live::{ago, since};
    let mut md = format!(
        "**Deployed** — {} in {} · read {}",
        md_code(&live.name),
        md_code(&format!("aws://{}/{}", live.account, live.region)),
        ago(read_at, at)
    );
    md.push_str(&format!(
        "\n\nStage {}: {}",
        md_code(&view.name),
        md_text(&view.summary(at))
    ));
    if let Some(l) = &view.live {
        for r in &l.revisions {
            let mut line = format!("\n\nCommit {}", md_code(r.short()));
            let summary = r
                .summary
                .clone()
                .or_else(|| git.subject(&r.id).map(str::to_string));
            if let Some(m) = summary {
                line.push_str(&format!(" {}", md_text(&m)));
            }
            if let Some(a) = git.author(&r.id) {
                line.push_str(&format!(" — {}", md_text(a)));
            }
            if let Some(u) = r.url.as_deref().and_then(safe_link) {
                line.push_str(&format!(" · [view]({u})"));
            }
            md.push_str(&line);
        }
        if let Some(c) = l.changed {
            md.push_str(&format!("\n\nLast change {}", ago(c, at)));
        }
        for a in &l.approvals {
            md.push_str(&format!("\n\nWaiting: approval {}", md_code(&a.action)));
            if let Some(s) = a.since {
                md.push_str(&format!(" for {}", since(s, at)));
            }
        }
        if let Some(reason) = &l.transition_disabled {
            md.push_str("\n\nThe transition into this stage is disabled");
            if !reason.is_empty() {
                md.push_str(&format!(": {}", md_text(reason)));
            }
        }
        for f in &l.failures {
            md.push_str(&format!(
                "\n\nFailed: {}: {}",
                md_code(&f.action),
                md_text(&f.summary)
            ));
            if let Some(u) = f.url.as_deref().and_then(safe_link) {
                md.push_str(&format!(" · [details]({u})"));
            }
        }
    }
    if let Some(u) = safe_link(&live.console_url()) {
        md.push_str(&format!("\n\n[Open the pipeline in the console]({u})"));
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze_text;
    use crate::lang::{ExtraQueries, PYTHON};
    use crate::model::NoIndex;

    const SRC: &str = r#"
import aws_cdk as cdk
from aws_cdk import pipelines
class P(cdk.Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id, env=cdk.Environment(account="999999999999", region="us-east-1"))
        p = pipelines.CodePipeline(self, "P", cross_account_keys=True, synth=pipelines.ShellStep("S", commands=[]))
        p.add_stage(cdk.Stage(self, "Dev", env=cdk.Environment(account="111111111111", region="us-east-1")))
        p.add_stage(cdk.Stage(self, "Eu", env=cdk.Environment(account="222222222222", region="eu-west-1")))
"#;

    fn at(needle: &str, probed: Option<&Probed>) -> Option<String> {
        let a = analyze_text(&PYTHON, SRC, None, &NoIndex, &ExtraQueries::default());
        let offset = SRC.find(needle).unwrap() + 1;
        hover(SRC, offset, &a.model, &Accounts::default(), probed).map(|h| h.markdown)
    }

    #[test]
    fn a_stage_env_shows_what_the_probe_saw_for_each_env_it_needs() {
        let key = |a: &str, r: &str| EnvKey::new(a, r, "hnb659fds");
        let observations = BTreeMap::from([
            (
                key("111111111111", "us-east-1"),
                Observation::Bootstrapped {
                    version: Some(21),
                    trusted: Some(vec!["999999999999".into()]),
                },
            ),
            (
                key("222222222222", "eu-west-1"),
                Observation::NotBootstrapped { reason: None },
            ),
        ]);
        // Only the Eu env has been checked (two minutes ago).
        let checked = BTreeMap::from([(
            key("222222222222", "eu-west-1"),
            SystemTime::now() - std::time::Duration::from_secs(125),
        )]);
        let probed = Probed {
            qualifier: "hnb659fds",
            observations: &observations,
            checked: &checked,
        };
        let dev = at("\"111111111111\"", Some(&probed)).unwrap();
        assert!(dev.starts_with("**Account 111111111111**"), "{dev}");
        assert!(
            dev.ends_with(
                "\n\nBootstrap `aws://111111111111/us-east-1`: bootstrapped (version 21), trusts \
                 `999999999999`"
            ),
            "{dev}"
        );
        // On the stage id too; the pipeline account's support env of the region, never
        // observed, is unknown.
        let eu = at("\"Eu\"", Some(&probed)).unwrap();
        assert!(eu.starts_with("**Stage `Eu`**"), "{eu}");
        assert!(
            eu.contains(
                "Bootstrap `aws://222222222222/eu-west-1`: **not bootstrapped** — no CDKToolkit \
                 stack and no /cdk-bootstrap/hnb659fds/version parameter (checked 2 min ago)\n\n\
                 Fix: `cdk bootstrap aws://222222222222/eu-west-1 --trust 999999999999"
            ),
            "{eu}"
        );
        assert!(
            eu.ends_with(
                "Bootstrap `aws://999999999999/eu-west-1` (the pipeline account's cross-region \
                 support): not checked"
            ),
            "{eu}"
        );
        // Not on the pipeline's own env, and not when the check is off.
        let pipeline = at("\"999999999999\"", Some(&probed)).unwrap();
        assert!(!pipeline.contains("Bootstrap"), "{pipeline}");
        let off = at("\"111111111111\"", None).unwrap();
        assert!(!off.contains("Bootstrap"), "{off}");
    }

    /// Values from the code and the settings, each trying to leave its code span or add
    /// markup (a triple-quoted Python string keeps its line breaks): what a Markdown renderer
    /// makes of the hover has them only as text.
    #[test]
    fn values_from_the_code_stay_text_in_the_markdown() {
        use pulldown_cmark::{Event, Parser, Tag};
        let hostile = "a`b``</code><img src=x onerror=alert(1)>[click](javascript:alert(1))\n\n# H\n```\n<b>x";
        let src = format!(
            r#"
import aws_cdk as cdk
from aws_cdk import pipelines
class P(cdk.Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id, env=cdk.Environment(account="999999999999", region="us-east-1"))
        p = pipelines.CodePipeline(self, "P", cross_account_keys=True, synth=pipelines.ShellStep("S", commands=[]))
        w = p.add_wave("""{h}""")
        w.add_stage(cdk.Stage(self, """{h}""", env=cdk.Environment(account="111111111111", region="""{h}""")), pre=[pipelines.ManualApprovalStep("""{h}""")])
        p.add_stage(cdk.Stage(self, "Eu", env=cdk.Environment(account="111111111111", region="eu-west-1")))
"#,
            h = hostile
        );
        let a = analyze_text(&PYTHON, &src, None, &NoIndex, &ExtraQueries::default());
        let mut accounts = Accounts::default();
        accounts.add(
            "111111111111",
            "[prod](javascript:alert(1)) <b>x</b> ![i](http://t/i.png)".into(),
        );
        let key = |a: &str, r: &str| EnvKey::new(a, r, "hnb659fds");
        let observations = BTreeMap::from([(
            key("111111111111", "eu-west-1"),
            Observation::Unknown {
                reason: format!("GetCallerIdentity: {hostile}"),
            },
        )]);
        let checked = BTreeMap::new();
        let probed = Probed {
            qualifier: "hnb659fds",
            observations: &observations,
            checked: &checked,
        };
        let at = |needle: &str, into: usize| {
            let offset = src.find(needle).unwrap() + into;
            hover(&src, offset, &a.model, &accounts, Some(&probed))
                .unwrap_or_else(|| panic!("no hover at {needle}"))
                .markdown
        };
        let wave = at("add_wave(\"\"\"", 12);
        let stage = at("cdk.Stage(self, \"\"\"a", 19);
        let eu = at("\"Eu\"", 1);
        let account = at("account=\"111111111111\", region=\"eu", 10);
        let quoted = crate::quote::for_log(hostile).into_owned();
        for md in [&wave, &stage, &eu, &account] {
            let mut text = String::new();
            let mut code = Vec::new();
            for event in Parser::new(md) {
                match event {
                    Event::Text(t) => text.push_str(&t),
                    Event::Code(c) => code.push(c.to_string()),
                    Event::SoftBreak
                    | Event::HardBreak
                    | Event::Start(Tag::Paragraph | Tag::Strong)
                    | Event::End(_) => {}
                    other => panic!("markup from a value: {other:?} in\n{md}"),
                }
            }
            // Whole, in one code span each time (the prefix of a wave member's actions is the
            // id and a dot), or as text.
            for c in &code {
                assert!(
                    !c.contains("<img") || *c == quoted || *c == format!("{quoted}."),
                    "cut short: {c:?} in\n{md}"
                );
            }
            assert!(!text.contains("<img") || text.contains(&quoted), "{text:?}");
        }
        let spans = |md: &str| -> Vec<String> {
            Parser::new(md)
                .filter_map(|e| match e {
                    Event::Code(c) => Some(c.to_string()),
                    _ => None,
                })
                .collect()
        };
        // Wave id, member stage id, its region; stage id, wave (twice), region.
        assert!(
            spans(&wave).iter().filter(|c| **c == quoted).count() >= 4,
            "{wave}"
        );
        assert!(
            spans(&stage).iter().filter(|c| **c == quoted).count() >= 4,
            "{stage}"
        );
        let text = |md: &str| -> String {
            Parser::new(md)
                .filter_map(|e| match e {
                    Event::Text(t) => Some(t.to_string()),
                    _ => None,
                })
                .collect()
        };
        assert!(
            text(&eu).contains(&format!("GetCallerIdentity: {quoted}")),
            "{eu}"
        );
        assert!(
            text(&account).contains("[prod](javascript:alert(1)) <b>x</b> ![i](http://t/i.png)"),
            "{account}"
        );
    }
}
