//! `key-rotation-needs-keys`: `enable_key_rotation=True` on a pipeline without
//! `cross_account_keys=True`: there is no key to rotate.

use super::cross_account_keys::ADD_CROSS_ACCOUNT_KEYS;
use super::{Check, Ctx, Diagnostic, Fix, Rule, Severity};
use crate::model::{Known, PipelineClass, PropValue};

const CODE: &str = "key-rotation-needs-keys";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "`enable_key_rotation=True` without `cross_account_keys=True`",
    prevents: "synth: `Setting 'enableKeyRotation' to true also requires 'crossAccountKeys' \
               to be enabled`",
    doc: "`enable_key_rotation` turns on rotation of the KMS key that encrypts the pipeline's \
          artifacts, and `CodePipeline` creates that key only with `cross_account_keys=True` \
          (it defaults to false). Without it `cdk synth` fails with \"Setting \
          'enableKeyRotation' to true also requires 'crossAccountKeys' to be enabled\". Set \
          `cross_account_keys=True` (the quick fix does), or drop `enable_key_rotation`.",
    check: Check::Model(check),
    action: Some(ADD_CROSS_ACCOUNT_KEYS),
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let n = ctx.naming;
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CodePipeline {
            continue;
        }
        // With an existing pipeline CDK refuses the prop itself first (`existing-pipeline-props`).
        if p.prop("code_pipeline")
            .is_some_and(|v| v.value != PropValue::Null)
        {
            continue;
        }
        let Some(rotation) = p
            .prop("enable_key_rotation")
            .filter(|v| v.value == PropValue::Bool(true))
        else {
            continue;
        };
        let set_false = match &p.cross_account_keys {
            Known::Value(false, span) => Some(*span),
            Known::Absent if !p.props_open => None,
            _ => continue,
        };
        let mut d = Diagnostic::new(
            CODE,
            Severity::Error,
            rotation.span,
            format!(
                "`cdk synth` fails with \"Setting 'enableKeyRotation' to true also requires \
                 'crossAccountKeys' to be enabled\": the key to rotate exists only with {}. \
                 Set it, or drop {}.",
                ctx.prop_text("cross_account_keys", &n.bool(true)),
                n.api("enable_key_rotation"),
            ),
        );
        d.subject = Some(p.span);
        if let Some(span) = set_false {
            d.fix = Some(Fix {
                title: format!("Set {} to {}", n.api("cross_account_keys"), n.true_lit),
                edits: vec![(span, n.true_lit.to_string())],
            });
            d = d.with_related(
                span,
                format!("{} is false here", n.api("cross_account_keys")),
            );
        }
        out.push(d);
    }
}
