//! The synthesized pipeline as the prediction's types, which synthesized pipeline belongs to
//! which pipeline in the code, and where the prediction differs from what `cdk synth` made.

use serde_json::{json, Value};

use super::assembly::{SynthAction, SynthesizedPipeline};
use crate::model::{Pipeline, Span};
use crate::predict::{Action, ActionKind, PredictedStage, Prediction};

/// The synthesized pipeline in the prediction's types. Lines (spans) come from the predicted
/// stage and action of the same name when there is one, else `fallback` (the pipeline).
pub fn to_prediction(
    s: &SynthesizedPipeline,
    predicted: Option<&Prediction>,
    fallback: Span,
) -> Prediction {
    let stages = s
        .stages
        .iter()
        .map(|stage| {
            let p_stage = predicted.and_then(|p| p.stages.iter().find(|ps| ps.name == stage.name));
            let span = p_stage.map_or(fallback, |ps| ps.span);
            let actions = stage
                .actions
                .iter()
                .map(|a| {
                    let p_action =
                        p_stage.and_then(|ps| ps.actions.iter().find(|pa| pa.name == a.name));
                    Action {
                        name: a.name.clone(),
                        run_order: a.run_order,
                        kind: kind(&stage.name, a, p_action.map(|pa| pa.kind)),
                        account: a.account.clone(),
                        region: a.region.clone(),
                        member: p_action.and_then(|pa| pa.member.clone()),
                        span: p_action.map_or(span, |pa| pa.span),
                    }
                })
                .collect();
            PredictedStage {
                name: stage.name.clone(),
                certain: true,
                span,
                members: p_stage.map(|ps| ps.members.clone()).unwrap_or_default(),
                actions,
            }
        })
        .collect();
    Prediction { stages }
}

/// The kind of a synthesized action, consistent with the prediction's kinds. A CodeBuild
/// action cannot tell a `ShellStep` from a `CodeBuildStep`: the predicted kind of the action
/// of the same name decides, else `codebuild`.
fn kind(stage: &str, a: &SynthAction, predicted: Option<ActionKind>) -> ActionKind {
    match (a.category.as_str(), a.provider.as_str()) {
        ("Source", _) => ActionKind::Source,
        ("Approval", _) => ActionKind::Approval,
        (_, "CloudFormation") => match a.action_mode.as_deref() {
            Some("CHANGE_SET_REPLACE") => ActionKind::Prepare,
            _ => ActionKind::Deploy,
        },
        (_, "CodeBuild") if stage == "Build" => ActionKind::Build,
        (_, "CodeBuild") if stage == "UpdatePipeline" => ActionKind::SelfMutate,
        (_, "CodeBuild") if stage == "Assets" || stage.starts_with("Assets.") => ActionKind::Assets,
        (_, "CodeBuild") => match predicted {
            Some(
                k @ (ActionKind::Shell | ActionKind::CodeBuild | ActionKind::ConfirmPermissions),
            ) => k,
            _ => ActionKind::CodeBuild,
        },
        _ => ActionKind::Other,
    }
}

/// For each synthesized pipeline, the index of the pipeline in the code it is, paired by
/// construct path: the same construct id, and, where the code says which ids the app gives the
/// pipeline's stack, one of those among the path's parts above it (a stack, or a Stage and a
/// stack: `Tooling/PipelineStack/Pipeline/Pipeline/Resource`). Never "the only one": a
/// pipeline whose id is not known, or that two code pipelines could be, is not paired.
pub fn match_pipelines(
    predicted: &[&Pipeline],
    synthesized: &[SynthesizedPipeline],
) -> Vec<Option<usize>> {
    synthesized
        .iter()
        .map(|s| {
            let above: Vec<&str> = s
                .path
                .as_deref()
                .map(|p| {
                    let parts: Vec<&str> = p.split('/').collect();
                    parts[..parts.len().saturating_sub(3)].to_vec()
                })
                .unwrap_or_default();
            let fits = |p: &Pipeline| {
                p.stack_ids.is_empty() || p.stack_ids.iter().any(|id| above.contains(&id.as_str()))
            };
            let by_path: Vec<usize> = predicted
                .iter()
                .enumerate()
                .filter(|(_, p)| p.id.is_some() && p.id == s.id && fits(p))
                .map(|(i, _)| i)
                .collect();
            match by_path.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        })
        .collect()
}

/// One way the prediction differs from the synthesized pipeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// `cdk synth` made a stage the prediction does not have (the Assets stage, for one).
    StageNotPredicted {
        stage: String,
    },
    /// The prediction has a stage `cdk synth` did not make.
    StageNotSynthesized {
        stage: String,
    },
    /// The stages both have come in another order.
    StageOrder {
        predicted: Vec<String>,
        synthesized: Vec<String>,
    },
    ActionNotPredicted {
        stage: String,
        action: String,
    },
    ActionNotSynthesized {
        stage: String,
        action: String,
    },
    RunOrder {
        stage: String,
        action: String,
        predicted: u32,
        synthesized: u32,
    },
    /// Actions of one stage with the same `runOrder` on both sides, listed in another order
    /// (CDK's order is the template's; the console and the CLI show it).
    ActionOrder {
        stage: String,
        predicted: Vec<String>,
        synthesized: Vec<String>,
    },
    Region {
        stage: String,
        action: String,
        predicted: String,
        synthesized: Option<String>,
    },
    Account {
        stage: String,
        action: String,
        predicted: String,
        synthesized: Option<String>,
    },
}

impl Difference {
    pub fn code(&self) -> &'static str {
        match self {
            Difference::StageNotPredicted { .. } => "stage-not-predicted",
            Difference::StageNotSynthesized { .. } => "stage-not-synthesized",
            Difference::StageOrder { .. } => "stage-order",
            Difference::ActionNotPredicted { .. } => "action-not-predicted",
            Difference::ActionNotSynthesized { .. } => "action-not-synthesized",
            Difference::RunOrder { .. } => "run-order",
            Difference::ActionOrder { .. } => "action-order",
            Difference::Region { .. } => "region",
            Difference::Account { .. } => "account",
        }
    }

    pub fn message(&self) -> String {
        let or_none = |s: &Option<String>| s.clone().unwrap_or_else(|| "none".into());
        match self {
            Difference::StageNotPredicted { stage } => {
                format!("stage {stage}: made by cdk synth, not predicted")
            }
            Difference::StageNotSynthesized { stage } => {
                format!("stage {stage}: predicted, not made by cdk synth")
            }
            Difference::StageOrder {
                predicted,
                synthesized,
            } => format!(
                "stage order: predicted {}, synthesized {}",
                predicted.join(", "),
                synthesized.join(", ")
            ),
            Difference::ActionNotPredicted { stage, action } => {
                format!("{stage} / {action}: made by cdk synth, not predicted")
            }
            Difference::ActionNotSynthesized { stage, action } => {
                format!("{stage} / {action}: predicted, not made by cdk synth")
            }
            Difference::RunOrder {
                stage,
                action,
                predicted,
                synthesized,
            } => format!(
                "{stage} / {action}: runOrder predicted {predicted}, synthesized {synthesized}"
            ),
            Difference::ActionOrder {
                stage,
                predicted,
                synthesized,
            } => format!(
                "{stage}: action order predicted {}, synthesized {}",
                predicted.join(", "),
                synthesized.join(", ")
            ),
            Difference::Region {
                stage,
                action,
                predicted,
                synthesized,
            } => format!(
                "{stage} / {action}: region predicted {predicted}, synthesized {}",
                or_none(synthesized)
            ),
            Difference::Account {
                stage,
                action,
                predicted,
                synthesized,
            } => format!(
                "{stage} / {action}: account predicted {predicted}, synthesized {}",
                or_none(synthesized)
            ),
        }
    }

    /// The `differences` entry of `preview --synth --format json`.
    pub fn json(&self) -> Value {
        let (stage, action, predicted, synthesized) = match self {
            Difference::StageNotPredicted { stage } | Difference::StageNotSynthesized { stage } => {
                (Some(stage), None, Value::Null, Value::Null)
            }
            Difference::StageOrder {
                predicted,
                synthesized,
            } => (None, None, json!(predicted), json!(synthesized)),
            Difference::ActionOrder {
                stage,
                predicted,
                synthesized,
            } => (Some(stage), None, json!(predicted), json!(synthesized)),
            Difference::ActionNotPredicted { stage, action }
            | Difference::ActionNotSynthesized { stage, action } => {
                (Some(stage), Some(action), Value::Null, Value::Null)
            }
            Difference::RunOrder {
                stage,
                action,
                predicted,
                synthesized,
            } => (
                Some(stage),
                Some(action),
                json!(predicted),
                json!(synthesized),
            ),
            Difference::Region {
                stage,
                action,
                predicted,
                synthesized,
            }
            | Difference::Account {
                stage,
                action,
                predicted,
                synthesized,
            } => (
                Some(stage),
                Some(action),
                json!(predicted),
                json!(synthesized),
            ),
        };
        json!({
            "kind": self.code(),
            "stage": stage,
            "action": action,
            "predicted": predicted,
            "synthesized": synthesized,
            "message": self.message(),
        })
    }
}

/// Where `predicted` differs from `synthesized`: stage names and order, action names,
/// `runOrder`, account and region. What the prediction left unknown (an account or region it
/// could not resolve, the actions of an uncertain stage, where an uncertain stage goes, an
/// uncertain stage the synth does not have) is not a difference.
pub fn compare(predicted: &Prediction, synthesized: &Prediction) -> Vec<Difference> {
    let mut out = Vec::new();
    let certain = |name: &str| predicted.stages.iter().any(|s| s.name == name && s.certain);
    let p_names: Vec<&str> = predicted.stages.iter().map(|s| s.name.as_str()).collect();
    let s_names: Vec<&str> = synthesized.stages.iter().map(|s| s.name.as_str()).collect();
    for s in &s_names {
        if !p_names.contains(s) {
            out.push(Difference::StageNotPredicted {
                stage: s.to_string(),
            });
        }
    }
    for p in &p_names {
        if !s_names.contains(p) && certain(p) {
            out.push(Difference::StageNotSynthesized {
                stage: p.to_string(),
            });
        }
    }
    let common_p: Vec<String> = p_names
        .iter()
        .filter(|n| s_names.contains(n) && certain(n))
        .map(|n| n.to_string())
        .collect();
    let common_s: Vec<String> = s_names
        .iter()
        .filter(|n| p_names.contains(n) && certain(n))
        .map(|n| n.to_string())
        .collect();
    if common_p != common_s {
        out.push(Difference::StageOrder {
            predicted: common_p,
            synthesized: common_s,
        });
    }
    for ss in &synthesized.stages {
        let Some(ps) = predicted.stages.iter().find(|p| p.name == ss.name) else {
            continue;
        };
        if !ps.certain && ps.actions.is_empty() {
            continue;
        }
        let stage = || ss.name.clone();
        for sa in &ss.actions {
            let Some(pa) = ps.actions.iter().find(|a| a.name == sa.name) else {
                out.push(Difference::ActionNotPredicted {
                    stage: stage(),
                    action: sa.name.clone(),
                });
                continue;
            };
            if pa.run_order != sa.run_order {
                out.push(Difference::RunOrder {
                    stage: stage(),
                    action: sa.name.clone(),
                    predicted: pa.run_order,
                    synthesized: sa.run_order,
                });
            }
            if let Some(r) = &pa.region {
                if Some(r) != sa.region.as_ref() {
                    out.push(Difference::Region {
                        stage: stage(),
                        action: sa.name.clone(),
                        predicted: r.clone(),
                        synthesized: sa.region.clone(),
                    });
                }
            }
            if let Some(acc) = &pa.account {
                if Some(acc) != sa.account.as_ref() {
                    out.push(Difference::Account {
                        stage: stage(),
                        action: sa.name.clone(),
                        predicted: acc.clone(),
                        synthesized: sa.account.clone(),
                    });
                }
            }
        }
        for pa in &ps.actions {
            if !ss.actions.iter().any(|a| a.name == pa.name) {
                out.push(Difference::ActionNotSynthesized {
                    stage: stage(),
                    action: pa.name.clone(),
                });
            }
        }
        // The actions both sides have at the same runOrder, each side in its own order: only
        // their order inside a runOrder is compared here (the rest is said above).
        let same_run_order = |name: &str| {
            let p = ps
                .actions
                .iter()
                .find(|a| a.name == name)
                .map(|a| a.run_order);
            let s = ss
                .actions
                .iter()
                .find(|a| a.name == name)
                .map(|a| a.run_order);
            p.is_some() && p == s
        };
        let order = |actions: &[Action]| -> Vec<String> {
            let mut v: Vec<&Action> = actions.iter().filter(|a| same_run_order(&a.name)).collect();
            v.sort_by_key(|a| a.run_order); // stable: each side's order inside a runOrder
            v.into_iter().map(|a| a.name.clone()).collect()
        };
        let (p_order, s_order) = (order(&ps.actions), order(&ss.actions));
        if p_order != s_order {
            out.push(Difference::ActionOrder {
                stage: stage(),
                predicted: p_order,
                synthesized: s_order,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(name: &str, run_order: u32, region: Option<&str>) -> Action {
        Action {
            name: name.into(),
            run_order,
            kind: ActionKind::Deploy,
            account: Some("111111111111".into()),
            region: region.map(str::to_string),
            member: None,
            span: Span::default(),
        }
    }

    fn stage(name: &str, actions: Vec<Action>) -> PredictedStage {
        PredictedStage {
            name: name.into(),
            certain: true,
            span: Span::default(),
            members: vec![],
            actions,
        }
    }

    #[test]
    fn pipelines_pair_by_construct_path_never_by_being_the_only_one() {
        use crate::lang::{ExtraQueries, PYTHON};
        let src = "import aws_cdk as cdk\nfrom aws_cdk import pipelines\napp = cdk.App()\n\
                   s = cdk.Stack(app, 'S')\n\
                   p = pipelines.CodePipeline(s, 'Pipeline', synth=pipelines.ShellStep('Synth', commands=[]))\n";
        let model = crate::analysis::analyze_text(
            &PYTHON,
            src,
            None,
            &crate::model::NoIndex,
            &ExtraQueries::default(),
        )
        .model;
        let mut dev = model.pipelines[0].clone();
        dev.stack_ids = vec!["Dev".into()];
        let mut prod = model.pipelines[0].clone();
        prod.stack_ids = vec!["Prod".into()];
        let synthesized = |id: &str, path: &str| SynthesizedPipeline {
            id: Some(id.into()),
            path: Some(path.into()),
            stack: "S".into(),
            account: None,
            region: None,
            stages: Vec::new(),
        };
        let m = match_pipelines(
            &[&dev, &prod],
            &[
                synthesized("Pipeline", "Prod/Pipeline/Pipeline/Resource"),
                synthesized("Pipeline", "Dev/Pipeline/Pipeline/Resource"),
                // A pipeline stack inside a Stage.
                synthesized("Pipeline", "Tooling/Dev/Pipeline/Pipeline/Resource"),
                synthesized("Pipeline", "Other/Pipeline/Pipeline/Resource"),
            ],
        );
        assert_eq!(m, vec![Some(1), Some(0), Some(0), None]);
        // The only pipeline on each side, with another id: another pipeline, not paired.
        let other = synthesized("Delivery", "Dev/Delivery/Pipeline/Resource");
        assert_eq!(match_pipelines(&[&dev], &[other]), vec![None]);
        // Two code pipelines with the id and no stack ids known: either could be it.
        let (mut a, mut b) = (dev.clone(), prod.clone());
        a.stack_ids.clear();
        b.stack_ids.clear();
        let one = synthesized("Pipeline", "Dev/Pipeline/Pipeline/Resource");
        assert_eq!(
            match_pipelines(&[&a, &b], std::slice::from_ref(&one)),
            vec![None]
        );
        assert_eq!(match_pipelines(&[&a], &[one]), vec![Some(0)]);
    }

    #[test]
    fn equal_pipelines_have_no_differences_and_each_kind_is_found() {
        let p = Prediction {
            stages: vec![
                stage("Source", vec![action("repo", 1, None)]),
                stage("Dev", vec![action("Deploy", 1, Some("us-east-1"))]),
                stage("Prod", vec![action("Deploy", 1, Some("us-east-1"))]),
            ],
        };
        assert!(compare(&p, &p).is_empty());
        let s = Prediction {
            stages: vec![
                stage("Source", vec![action("repo", 1, Some("us-east-1"))]),
                stage("Assets", vec![action("FileAsset1", 1, None)]),
                stage(
                    "Prod",
                    vec![
                        action("Deploy", 2, Some("eu-west-1")),
                        action("Check", 1, None),
                    ],
                ),
                stage("Dev", vec![]),
            ],
        };
        let codes: Vec<_> = compare(&p, &s).iter().map(Difference::code).collect();
        assert_eq!(
            codes,
            [
                "stage-not-predicted",
                "stage-order",
                "run-order",
                "region",
                "action-not-predicted",
                "action-not-synthesized"
            ]
        );
    }

    #[test]
    fn the_order_inside_a_run_order_is_compared_and_said_once() {
        let in_order = |names: &[&str]| Prediction {
            stages: vec![stage(
                "Prod",
                names
                    .iter()
                    .map(|n| action(n, if n.ends_with("Deploy") { 2 } else { 1 }, None))
                    .collect(),
            )],
        };
        let cdk = in_order(&["Us.Prepare", "Eu.Prepare", "Us.Deploy", "Eu.Deploy"]);
        assert!(compare(&cdk, &cdk).is_empty());
        // The same actions at the same runOrders, another order inside each: one difference.
        let sorted = in_order(&["Eu.Prepare", "Us.Prepare", "Eu.Deploy", "Us.Deploy"]);
        let d = compare(&sorted, &cdk);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "action-order");
        assert_eq!(
            d[0].message(),
            "Prod: action order predicted Eu.Prepare, Us.Prepare, Eu.Deploy, Us.Deploy, \
             synthesized Us.Prepare, Eu.Prepare, Us.Deploy, Eu.Deploy"
        );
        let j = d[0].json();
        assert_eq!(j["kind"], "action-order");
        assert_eq!(j["stage"], "Prod");
        assert_eq!(j["action"], Value::Null);
        assert_eq!(j["synthesized"][0], "Us.Prepare");
        // Listing the actions in another order but by runOrder first is no difference.
        let listed = in_order(&["Us.Prepare", "Us.Deploy", "Eu.Prepare", "Eu.Deploy"]);
        assert!(compare(&listed, &cdk).is_empty());
    }

    #[test]
    fn an_uncertain_stage_is_no_difference_where_it_goes_or_if_it_is_there() {
        let mut assets = stage("Assets", vec![]);
        assets.certain = false;
        let p = Prediction {
            stages: vec![
                stage("Build", vec![action("Synth", 1, None)]),
                assets,
                stage("Alpha", vec![action("Deploy", 1, None)]),
            ],
        };
        // No assets at all.
        let none = Prediction {
            stages: vec![
                stage("Build", vec![action("Synth", 1, None)]),
                stage("Alpha", vec![action("Deploy", 1, None)]),
            ],
        };
        assert!(compare(&p, &none).is_empty());
        // Assets after Alpha (CDK orders a tie by name): not a difference either.
        let after = Prediction {
            stages: vec![
                stage("Build", vec![action("Synth", 1, None)]),
                stage("Alpha", vec![action("Deploy", 1, None)]),
                stage("Assets", vec![action("FileAsset1", 1, None)]),
            ],
        };
        assert!(compare(&p, &after).is_empty());
        // A certain stage the synth lacks still is.
        let codes: Vec<_> = compare(&none, &p).iter().map(Difference::code).collect();
        assert_eq!(codes, ["stage-not-predicted"]);
    }
}
