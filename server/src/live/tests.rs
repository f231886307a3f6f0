//! The pure half of the live pipeline: where a pipeline is looked for, revisions, drift, and
//! the joined view.

use super::*;
use crate::analysis::analyze_text;
use crate::lang::{ExtraQueries, PYTHON};
use crate::model::NoIndex;
use crate::predict::predict;

const APP: &str = r#"
import os
import aws_cdk as cdk
from aws_cdk import pipelines

class Service(cdk.Stage):
    def __init__(self, scope, id, **kwargs):
        super().__init__(scope, id, **kwargs)
        cdk.Stack(self, "Api")

class PipelineStack(cdk.Stack):
    def __init__(self, scope, id, **kwargs):
        super().__init__(scope, id, **kwargs)
        pipeline = pipelines.CodePipeline(self, "Delivery", NAME
            synth=pipelines.ShellStep("Synth", input=pipelines.CodePipelineSource.git_hub("a/b", "main"), commands=["cdk synth"]))
        pipeline.add_stage(Service(self, "Dev", env=cdk.Environment(account="111111111111", region="eu-west-1")))
        pipeline.add_stage(Service(self, "Prod", env=cdk.Environment(account="222222222222", region="eu-west-1")),
            pre=[pipelines.ManualApprovalStep("Promote")])

app = cdk.App()
PipelineStack(app, "Payments", env=cdk.Environment(account="999999999999", region="us-east-1"))
"#;

fn pipeline(name: &str) -> Pipeline {
    let src = APP.replace("NAME", name);
    let a = analyze_text(&PYTHON, &src, None, &NoIndex, &ExtraQueries::default());
    a.model.pipelines.into_iter().next().expect("a pipeline")
}

#[test]
fn a_pipeline_is_found_by_its_name_or_by_its_stack() {
    let named = locate(&pipeline("pipeline_name=\"payments\","), "hnb659fds").unwrap();
    assert_eq!(
        named,
        vec![Locator {
            account: Some("999999999999".into()),
            region: Some("us-east-1".into()),
            qualifier: "hnb659fds".into(),
            find: Find::Named("payments".into()),
        }]
    );
    let by_stack = locate(&pipeline(""), "q").unwrap();
    assert_eq!(
        by_stack[0].find,
        Find::InStack {
            stack: "Payments".into(),
            construct_id: "Delivery".into()
        }
    );
    let computed = locate(&pipeline("pipeline_name=os.environ[\"NAME\"],"), "q").unwrap_err();
    assert!(
        computed.contains("only known when the app runs"),
        "{computed}"
    );
}

#[test]
fn the_logical_id_of_a_pipeline_resource_is_recognised() {
    // `Pipeline/Pipeline/Resource` in a synthesized template: `Pipeline9850B417`.
    assert_eq!(logical_id_prefix("Pipeline"), "Pipeline");
    assert!(is_logical_id_of("Pipeline9850B417", "Pipeline"));
    assert_eq!(logical_id_prefix("Delivery"), "DeliveryPipeline");
    assert!(is_logical_id_of(
        "DeliveryPipeline0A1B2C3D",
        "DeliveryPipeline"
    ));
    assert!(!is_logical_id_of(
        "DeliveryPipelineRole0A1B2C3D",
        "DeliveryPipeline"
    ));
    assert!(!is_logical_id_of("Pipeline9850b417", "Pipeline"));
}

#[test]
fn revision_summaries_are_one_line_whatever_the_source() {
    assert_eq!(
        summary_line(r#"{"ProviderType":"GitHub","CommitMessage":"Fix the fee\n\nlong body"}"#)
            .as_deref(),
        Some("Fix the fee")
    );
    assert_eq!(summary_line("Add Prod\nmore").as_deref(), Some("Add Prod"));
    assert_eq!(summary_line("  "), None);
    assert_eq!(summary_line("{not json"), Some("{not json".into()));
    let long = "x".repeat(100);
    assert_eq!(summary_line(&long).unwrap().chars().count(), 73);
    let r = |id: &str| Revision {
        action: None,
        id: id.into(),
        summary: None,
        url: None,
    };
    assert_eq!(r("3f2a9c1d0e").short(), "3f2a9c1");
    assert_eq!(r("v1.2").short(), "v1.2");
}

fn live_of(stages: &[(&str, &[&str])]) -> LivePipeline {
    LivePipeline {
        name: "payments".into(),
        account: "999999999999".into(),
        region: "us-east-1".into(),
        version: Some(3),
        updated: Some(1_000),
        structure: stages
            .iter()
            .map(|(n, a)| StageDecl {
                name: n.to_string(),
                actions: a.iter().map(|s| s.to_string()).collect(),
                approvals: Vec::new(),
            })
            .collect(),
        stages: Vec::new(),
        state_unknown: None,
        executions: Vec::new(),
        executions_unknown: None,
    }
}

#[test]
fn drift_names_stages_and_actions_on_one_side_only() {
    let prediction = predict(&pipeline("pipeline_name=\"payments\","));
    let names: Vec<&str> = prediction.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Source", "Build", "UpdatePipeline", "Dev", "Prod"]);
    let full: Vec<(&str, Vec<&str>)> = prediction
        .stages
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.actions.iter().map(|a| a.name.as_str()).collect(),
            )
        })
        .collect();
    let stages = |skip: &str| -> Vec<(&str, &[&str])> {
        full.iter()
            .filter(|(n, _)| *n != skip)
            .map(|(n, a)| (*n, a.as_slice()))
            .collect()
    };
    // Deployed as the code says: nothing.
    assert_eq!(
        drift(&prediction, &live_of(&stages("")), true, None),
        vec![]
    );
    // Prod added in the code, not run yet.
    let d = drift(&prediction, &live_of(&stages("Prod")), true, None);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].kind(), "stage-not-deployed");
    assert_eq!(d[0].stage(), Some("Prod"));
    assert!(d[0].message().contains("UpdatePipeline adds it"));
    // A deployed stage the code lost; said only when the code is complete.
    let mut extra = stages("");
    extra.push(("Old", &["Deploy"]));
    let d = drift(&prediction, &live_of(&extra), true, None);
    assert_eq!(
        d.iter().map(Drift::kind).collect::<Vec<_>>(),
        ["stage-only-live"]
    );
    assert_eq!(drift(&prediction, &live_of(&extra), false, None), vec![]);
    // An action on one side only.
    let mut changed = stages("Prod");
    changed.push(("Prod", &["Promote", "Prod.Deploy"]));
    let kinds: Vec<&str> = drift(&prediction, &live_of(&changed), true, None)
        .iter()
        .map(Drift::kind)
        .collect();
    assert!(kinds.contains(&"action-only-live"), "{kinds:?}");
    assert!(kinds.contains(&"action-not-deployed"), "{kinds:?}");
}

#[test]
fn an_unsure_stage_is_never_called_drift() {
    let mut prediction = predict(&pipeline("pipeline_name=\"payments\","));
    prediction.stages[4].certain = false;
    let source: Vec<&str> = prediction.stages[0]
        .actions
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    let live = live_of(&[("Source", &source), ("Old", &[])]);
    let kinds: Vec<&str> = drift(&prediction, &live, true, None)
        .iter()
        .map(Drift::kind)
        .collect();
    // Build, UpdatePipeline and Dev are missing; Prod is not sure; Old may be Prod.
    assert_eq!(kinds, ["stage-not-deployed"; 3]);
}

#[test]
fn views_join_each_stage_with_its_state_and_say_its_status() {
    let prediction = predict(&pipeline("pipeline_name=\"payments\","));
    let mut live = live_of(&[
        ("Source", &[]),
        ("Build", &[]),
        ("UpdatePipeline", &[]),
        ("Dev", &[]),
        ("Prod", &[]),
        ("Gone", &[]),
    ]);
    let head = "3f2a9c1d0e3f2a9c1d0e3f2a9c1d0e3f2a9c1d0e";
    let rev = |id: &str| Revision {
        action: Some("a_b".into()),
        id: id.into(),
        summary: Some("msg".into()),
        url: None,
    };
    let state = |name: &str, status: Option<&str>, id: &str| StageState {
        name: name.into(),
        status: status.map(str::to_string),
        revisions: vec![rev(id)],
        ..StageState::default()
    };
    live.stages = vec![
        state("Source", Some("Succeeded"), head),
        state("Build", Some("Succeeded"), head),
        state("UpdatePipeline", Some("Succeeded"), head),
        state("Dev", Some("Failed"), head),
        StageState {
            approvals: vec![Approval {
                action: "Promote".into(),
                since: Some(0),
                token: None,
            }],
            ..state("Prod", Some("InProgress"), "aaaaaaa")
        },
    ];
    let v = views(&prediction, &live, true);
    let status: Vec<&str> = v.iter().map(StageView::status).collect();
    assert_eq!(
        status,
        [
            "succeeded",
            "succeeded",
            "succeeded",
            "failed",
            "waiting",
            "live-only"
        ]
    );
    let git = GitFacts {
        head: Some(head.into()),
        head_pushed: Some(true),
        ..GitFacts::default()
    };
    // Dev failed with HEAD: HEAD is not "in" it.
    assert_eq!(
        head_status(&v, &live, &git).unwrap(),
        "HEAD 3f2a9c1 is in Source, Build, UpdatePipeline"
    );
    let unpushed = GitFacts {
        head: Some("b".repeat(40)),
        head_pushed: Some(false),
        ..GitFacts::default()
    };
    assert_eq!(
        head_status(&v, &live, &unpushed).unwrap(),
        "HEAD bbbbbbb is not pushed yet"
    );
    // Not deployed at all: a stage of the code only.
    let v = views(&prediction, &live_of(&[("Source", &[])]), true);
    assert_eq!(v[1].status(), "not-deployed");
}

#[test]
fn times_read_as_a_person_says_them() {
    assert_eq!(ago(100, 130), "just now");
    assert_eq!(ago(0, 25 * 60), "25 min ago");
    assert_eq!(ago(0, 2 * 3600 + 5), "2 h ago");
    assert_eq!(ago(0, 3 * 86_400), "3 d ago");
    assert_eq!(since(0, 25 * 60), "25 min");
    assert_eq!(ago(100, 50), "just now");
}

#[test]
fn console_links_name_the_pipeline_and_its_region() {
    assert_eq!(
        console_url("payments", "eu-west-1"),
        "https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/payments/\
         view?region=eu-west-1"
    );
    assert!(console_url("a b", "cn-north-1").starts_with("https://console.amazonaws.cn/"));
    assert!(console_url("a b", "cn-north-1").contains("/a%20b/"));
}

#[test]
fn what_was_not_read_or_is_not_sure_is_said_so() {
    let mut prediction = predict(&pipeline("pipeline_name=\"payments\","));
    let names: Vec<String> = prediction.stages.iter().map(|s| s.name.clone()).collect();
    let decl: Vec<(&str, &[&str])> = names.iter().map(|n| (n.as_str(), &[][..])).collect();
    // The state could not be read: every stage says so, none "not run yet".
    let mut live = live_of(&decl);
    live.state_unknown = Some("GetPipelineState: access denied".into());
    for v in views(&prediction, &live, true) {
        assert_eq!(v.status(), "unknown", "{}", v.name);
        assert_eq!(v.summary(0), "? state not read");
    }
    // A stage the prediction is not sure of and the deployed pipeline lacks by that name is
    // not "not deployed": it may be there under the name synth would give it.
    prediction.stages[4].certain = false;
    let live = live_of(&decl[..4]);
    let v = views(&prediction, &live, true);
    assert_eq!(v[4].status(), "unknown");
    assert!(v[4].summary(0).contains("not sure"), "{}", v[4].summary(0));
    assert_eq!(v[3].status(), "not-run");
}

#[test]
fn a_pipeline_with_an_invalid_env_is_not_looked_for() {
    let src = APP
        .replace("NAME", "pipeline_name=\"payments\",")
        .replace("region=\"us-east-1\"))", "region=\"evil.example/#\"))");
    let a = analyze_text(&PYTHON, &src, None, &NoIndex, &ExtraQueries::default());
    let p = a.model.pipelines.into_iter().next().unwrap();
    let e = locate(&p, "q").unwrap_err();
    assert!(e.contains("not a valid"), "{e}");
}

#[test]
fn the_pipeline_is_older_than_the_code_only_when_the_clone_says_so() {
    let prediction = predict(&pipeline("pipeline_name=\"payments\","));
    let names: Vec<String> = prediction.stages.iter().map(|s| s.name.clone()).collect();
    let full: Vec<Vec<String>> = prediction
        .stages
        .iter()
        .map(|s| s.actions.iter().map(|a| a.name.clone()).collect())
        .collect();
    let actions: Vec<Vec<&str>> = full
        .iter()
        .map(|a| a.iter().map(String::as_str).collect())
        .collect();
    let decl: Vec<(&str, &[&str])> = names
        .iter()
        .zip(&actions)
        .map(|(n, a)| (n.as_str(), a.as_slice()))
        .collect();
    let live = live_of(&decl);
    let commit = "0123456789abcdef0123456789abcdef01234567".to_string();
    let not_run = (commit.clone(), Some(false));
    let d = drift(&prediction, &live, true, Some(&not_run));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].kind(), "older-than-code");
    assert_eq!(d[0].stage(), Some("UpdatePipeline"));
    assert!(d[0].message().contains("0123456"), "{}", d[0].message());
    // UpdatePipeline ran it, or the clone cannot tell: nothing.
    assert!(drift(
        &prediction,
        &live,
        true,
        Some(&(commit.clone(), Some(true)))
    )
    .is_empty());
    assert!(drift(&prediction, &live, true, Some(&(commit, None))).is_empty());
}
