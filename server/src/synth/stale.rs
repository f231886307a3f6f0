//! A synthesized pipeline belongs to the code it was made from. Once the user edits that code,
//! the stages whose code changed are shown as predicted again ("synth is out of date") and only
//! the stages whose code did not change keep what `cdk synth` made.
//!
//! "Did not change" is judged by what pipelens can see: the stage's prediction (name, actions,
//! accounts, regions, members, but not its lines, which move when the user types above it) and
//! the text of the code that creates it. A stage pipelens could not predict with certainty
//! depends on code it cannot follow, so once the document changed it is out of date whatever
//! its prediction says.

use std::collections::{HashMap, HashSet};

use crate::predict::{Action, PredictedStage, Prediction};

/// The code a synth was made from, for one document: its text and the prediction of each of
/// its pipelines when the synth started.
#[derive(Clone, Debug)]
pub struct Basis {
    pub text: std::sync::Arc<str>,
    /// The construct id of each pipeline of the document, in order.
    pub ids: Vec<Option<String>>,
    /// `None` when the text is not one pipelens analysed (the file on disk differed from the
    /// unsaved buffer): every stage is out of date until the buffer is that text again.
    pub predictions: Option<Vec<Prediction>>,
}

/// One pipeline as shown after a synth: the synthesized stages where the code did not change,
/// the prediction where it did.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    pub prediction: Prediction,
    /// The stages the synth no longer speaks for, in order: shown as predicted again because
    /// their code changed, or (a stage only the synth knew) kept but uncertain.
    pub out_of_date: Vec<String>,
    /// The names of the stages whose synthesized form still holds (for `compare`).
    pub unchanged: Vec<String>,
}

/// The same action, lines aside.
fn same_action(a: &Action, b: &Action) -> bool {
    a.name == b.name
        && a.run_order == b.run_order
        && a.kind == b.kind
        && a.account == b.account
        && a.region == b.region
        && a.member == b.member
}

/// The same stage, lines aside.
fn same_stage(a: &PredictedStage, b: &PredictedStage) -> bool {
    a.name == b.name
        && a.certain == b.certain
        && a.members == b.members
        && a.actions.len() == b.actions.len()
        && a.actions
            .iter()
            .zip(&b.actions)
            .all(|(x, y)| same_action(x, y))
}

/// The text of the code that creates a stage (empty when its span is not in `text`).
fn code<'t>(text: &'t str, s: &PredictedStage) -> &'t str {
    text.get(s.span.start_byte..s.span.end_byte).unwrap_or("")
}

/// The stage `now` (in `now_text`) is the stage `then` (in `then_text`) with nothing changed
/// that pipelens can see, and pipelens could see all of it.
fn unchanged(then: &PredictedStage, then_text: &str, now: &PredictedStage, now_text: &str) -> bool {
    then.certain && same_stage(then, now) && code(then_text, then) == code(now_text, now)
}

/// What to show for one pipeline: `synthesized` (made when the code was `then_text` and
/// predicted as `then`) brought to the code as it is now (`now_text`, predicted as `now`).
///
/// - The document did not change: the synthesized pipeline, whole.
/// - A synthesized stage the code still makes unchanged: kept.
/// - A synthesized stage whose code changed: the current prediction of it, out of date.
/// - A synthesized stage the code made then and no longer makes: gone.
/// - A synthesized stage the prediction never knew (dynamic code): kept, but no longer
///   certain and out of date: pipelens cannot tell whether the edit changed it.
/// - A stage that is not after the same stage as then (stages swapped): out of date.
/// - A stage the code makes now that it did not make then: its prediction, out of date, after
///   the stage that comes before it in the prediction.
pub fn merge(
    then: &Prediction,
    then_text: &str,
    now: &Prediction,
    now_text: &str,
    synthesized: &Prediction,
) -> Merged {
    let same_shape = then.stages.len() == now.stages.len()
        && then
            .stages
            .iter()
            .zip(&now.stages)
            .all(|(a, b)| same_stage(a, b));
    // The same text can predict otherwise: the prediction follows other files of the app.
    if then_text == now_text && same_shape {
        return Merged {
            prediction: synthesized.clone(),
            out_of_date: Vec::new(),
            unchanged: synthesized.stages.iter().map(|s| s.name.clone()).collect(),
        };
    }
    // Name → place, so that a pipeline of thousands of stages is merged in linear time.
    let places = |p: &'_ Prediction| -> HashMap<String, usize> {
        p.stages
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i))
            .collect()
    };
    let (then_at, now_at) = (places(then), places(now));
    let find = |p: &'_ Prediction, name: &str| -> Option<usize> {
        let at = if std::ptr::eq(p, then) {
            &then_at
        } else {
            &now_at
        };
        at.get(name).copied()
    };
    // Unchanged, and after the same stage: stages that swapped places are not the synth's.
    let same = |name: &str| -> bool {
        match (find(then, name), find(now, name)) {
            (Some(t), Some(n)) => {
                fn before(p: &Prediction, i: usize) -> Option<&str> {
                    i.checked_sub(1).map(|b| p.stages[b].name.as_str())
                }
                unchanged(&then.stages[t], then_text, &now.stages[n], now_text)
                    && before(then, t) == before(now, n)
            }
            _ => false,
        }
    };
    let mut stages: Vec<PredictedStage> = Vec::new();
    let mut out_of_date = Vec::new();
    let mut kept = Vec::new();
    // Where the stages predicted again are: they take the places of their synthesized forms,
    // in the order the code gives them now.
    let mut slots = Vec::new();
    for s in &synthesized.stages {
        match (find(then, &s.name), find(now, &s.name)) {
            _ if same(&s.name) => {
                kept.push(s.name.clone());
                stages.push(s.clone());
            }
            (_, Some(n)) => {
                out_of_date.push(s.name.clone());
                slots.push(stages.len());
                stages.push(now.stages[n].clone());
            }
            (Some(_), None) => {} // the code no longer makes it
            (None, None) => {
                out_of_date.push(s.name.clone());
                stages.push(PredictedStage {
                    certain: false,
                    ..s.clone()
                })
            }
        }
    }
    let mut again: Vec<PredictedStage> = slots.iter().map(|&i| stages[i].clone()).collect();
    again.sort_by_key(|x| find(now, &x.name));
    for (&i, x) in slots.iter().zip(again) {
        stages[i] = x;
    }
    // Stages the code makes now that the synthesized pipeline does not have: new, or changed
    // from a stage the synth left out.
    let mut shown: HashSet<String> = stages.iter().map(|x| x.name.clone()).collect();
    for (i, s) in now.stages.iter().enumerate() {
        if shown.contains(&s.name) {
            continue;
        }
        if find(then, &s.name).is_some_and(|_| same(&s.name)) {
            continue; // the synth left it out, and nothing changed: it is still left out
        }
        let at = now.stages[..i]
            .iter()
            .rev()
            .find_map(|before| stages.iter().position(|x| x.name == before.name))
            .map_or(0, |p| p + 1);
        stages.insert(at, s.clone());
        shown.insert(s.name.clone());
        out_of_date.push(s.name.clone());
    }
    Merged {
        prediction: Prediction { stages },
        out_of_date,
        unchanged: kept,
    }
}

/// `prediction` and `synthesized` cut down to the stages named in `names`, for comparing only
/// what still holds after an edit.
pub fn only(p: &Prediction, names: &[String]) -> Prediction {
    Prediction {
        stages: p
            .stages
            .iter()
            .filter(|s| names.contains(&s.name))
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;
    use crate::predict::ActionKind;

    fn span(text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap_or(0);
        Span {
            start_byte: start,
            end_byte: start + needle.len(),
            ..Span::default()
        }
    }

    fn stage(text: &str, name: &str, region: &str, certain: bool) -> PredictedStage {
        let at = span(text, &format!("add_stage({name}"));
        PredictedStage {
            name: name.into(),
            certain,
            span: at,
            members: vec![name.into()],
            actions: vec![Action {
                name: "Api.Deploy".into(),
                run_order: 1,
                kind: ActionKind::Deploy,
                account: Some("111111111111".into()),
                region: Some(region.into()),
                member: Some(name.into()),
                span: at,
            }],
        }
    }

    fn names(p: &Prediction) -> Vec<&str> {
        p.stages.iter().map(|s| s.name.as_str()).collect()
    }

    const THEN: &str = "add_stage(Beta, us) add_stage(Prod, us)";

    fn synthesized() -> Prediction {
        // The synth also made a stage the prediction did not know of.
        Prediction {
            stages: vec![
                stage(THEN, "Beta", "us-east-1", true),
                stage(THEN, "Extra", "us-east-1", true),
                stage(THEN, "Prod", "us-east-1", true),
            ],
        }
    }

    fn then() -> Prediction {
        Prediction {
            stages: vec![
                stage(THEN, "Beta", "us-east-1", true),
                stage(THEN, "Prod", "us-east-1", true),
            ],
        }
    }

    #[test]
    fn an_unchanged_document_shows_the_synth_whole() {
        let m = merge(&then(), THEN, &then(), THEN, &synthesized());
        assert_eq!(m.prediction, synthesized());
        assert!(m.out_of_date.is_empty());
    }

    #[test]
    fn a_changed_stage_is_predicted_again_and_the_rest_stays_synthesized() {
        let now_text = "# a comment\nadd_stage(Beta, us) add_stage(Prod, eu)";
        let now = Prediction {
            stages: vec![
                stage(now_text, "Beta", "us-east-1", true),
                stage(now_text, "Prod", "eu-west-1", true),
            ],
        };
        let m = merge(&then(), THEN, &now, now_text, &synthesized());
        assert_eq!(names(&m.prediction), ["Beta", "Extra", "Prod"]);
        assert_eq!(m.out_of_date, ["Extra", "Prod"]);
        assert_eq!(m.unchanged, ["Beta"]);
        // Beta is the synthesized one; Prod the current prediction; Extra no longer certain.
        assert!(m.prediction.stages[0].certain);
        assert!(!m.prediction.stages[1].certain);
        assert_eq!(
            m.prediction.stages[2].actions[0].region.as_deref(),
            Some("eu-west-1")
        );
    }

    #[test]
    fn a_new_stage_appears_after_its_predecessor_and_a_removed_one_goes() {
        let now_text = "add_stage(Beta, us) add_stage(Gamma, us)";
        let now = Prediction {
            stages: vec![
                stage(now_text, "Beta", "us-east-1", true),
                stage(now_text, "Gamma", "us-east-1", true),
            ],
        };
        let m = merge(&then(), THEN, &now, now_text, &synthesized());
        assert_eq!(names(&m.prediction), ["Beta", "Gamma", "Extra"]);
        assert_eq!(m.out_of_date, ["Extra", "Gamma"]);
    }

    #[test]
    fn an_uncertain_stage_is_out_of_date_once_the_document_changed() {
        let then = Prediction {
            stages: vec![stage(THEN, "Beta", "us-east-1", false)],
        };
        let now_text = "add_stage(Beta, us) add_stage(Prod, us) # edited";
        let now = Prediction {
            stages: vec![stage(now_text, "Beta", "us-east-1", false)],
        };
        let synthesized = Prediction {
            stages: vec![stage(THEN, "Beta", "us-east-1", true)],
        };
        let m = merge(&then, THEN, &now, now_text, &synthesized);
        assert_eq!(m.out_of_date, ["Beta"]);
        assert!(!m.prediction.stages[0].certain);
    }

    #[test]
    fn the_same_prediction_with_other_code_is_out_of_date() {
        // The region now comes from a variable the prediction resolves the same way; the code
        // changed, so the synth no longer speaks for it.
        let now_text = "add_stage(Beta, REGION) add_stage(Prod, us)";
        let mut beta = stage(now_text, "Beta", "us-east-1", true);
        beta.span = span(now_text, "add_stage(Beta, REGION)");
        let mut then_beta = stage(THEN, "Beta", "us-east-1", true);
        then_beta.span = span(THEN, "add_stage(Beta, us)");
        let then = Prediction {
            stages: vec![then_beta],
        };
        let now = Prediction { stages: vec![beta] };
        let synthesized = Prediction {
            stages: vec![stage(THEN, "Beta", "us-east-1", true)],
        };
        let m = merge(&then, THEN, &now, now_text, &synthesized);
        assert_eq!(m.out_of_date, ["Beta"]);
    }

    #[test]
    fn swapped_stages_are_out_of_date() {
        let now_text = "add_stage(Prod, us) add_stage(Beta, us)";
        let now = Prediction {
            stages: vec![
                stage(now_text, "Prod", "us-east-1", true),
                stage(now_text, "Beta", "us-east-1", true),
            ],
        };
        let m = merge(&then(), THEN, &now, now_text, &then());
        assert_eq!(names(&m.prediction), ["Prod", "Beta"]);
        assert_eq!(m.out_of_date, ["Beta", "Prod"]);
    }

    #[test]
    fn the_same_text_predicted_otherwise_is_out_of_date() {
        // Another file of the app changed what this one's stages become.
        let now = Prediction {
            stages: vec![
                stage(THEN, "Beta", "us-east-1", true),
                stage(THEN, "Prod", "eu-west-1", true),
            ],
        };
        let m = merge(&then(), THEN, &now, THEN, &then());
        assert_eq!(m.out_of_date, ["Prod"]);
        assert_eq!(m.unchanged, ["Beta"]);
    }
}
