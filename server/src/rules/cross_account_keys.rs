//! `cross-account-keys`: a stage deploys to another account than the pipeline's, but the
//! pipeline does not set `cross_account_keys=True`: its artifact bucket has no KMS key another
//! account could use, and `cdk synth` refuses the cross-account action.

use super::{stage_name, Check, CodeAction, Ctx, Diagnostic, Fix, Related, Rule, Severity};
use crate::lang::Naming;
use crate::model::{Known, PipelineClass, PropValue};

const CODE: &str = "cross-account-keys";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Error],
    summary: "a stage in another account, but no `cross_account_keys=True`",
    prevents: "synth: `Artifact Bucket must have a KMS Key to add cross-account action \
               'Prepare' (pipeline account: '111111111111', action account: \
               '222222222222'). Create Pipeline with 'crossAccountKeys: true' (or pass an \
               existing Bucket with a key)`",
    doc: "A pipeline that deploys to another account encrypts its artifacts with a KMS key that \
          account is allowed to use. `CodePipeline` creates that key only with \
          `cross_account_keys=True`; without it `cdk synth` fails with \"Artifact Bucket must \
          have a KMS Key to add cross-account action …\". Set `cross_account_keys=True` (the \
          quick fix does).",
    check: Check::Model(check),
    action: Some(ADD_CROSS_ACCOUNT_KEYS),
};

/// Adds `cross_account_keys=True` to the pipeline construction the diagnostic is about.
pub const ADD_CROSS_ACCOUNT_KEYS: CodeAction = CodeAction {
    title: |n: &Naming| format!("Set {} to {}", n.api("cross_account_keys"), n.true_lit),
    edits: |text, plugin, d| {
        let call = d.subject?;
        crate::ide::actions::add_prop(
            text,
            plugin,
            call.start_byte..call.end_byte,
            "CodePipeline",
            "cross_account_keys",
            &plugin.naming.bool(true),
        )
        .map(|e| vec![e])
    },
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let n = ctx.naming;
    let prop = n.api("cross_account_keys");
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CodePipeline {
            continue; // CdkPipeline always creates the keys.
        }
        // An artifact bucket of the user's own (or an existing pipeline's) may have a key.
        let given = |name| p.prop(name).is_some_and(|v| v.value != PropValue::Null);
        if given("artifact_bucket") || given("code_pipeline") {
            continue;
        }
        let Some(pipeline_account) = p.env.account() else {
            continue;
        };
        let (span, set_false) = match &p.cross_account_keys {
            Known::Value(false, span) => (*span, true),
            Known::Absent if !p.props_open => (p.id_span, false),
            _ => continue,
        };
        let Some(stage) = p
            .stages
            .iter()
            .find(|s| s.env.account().is_some_and(|a| a != pipeline_account))
        else {
            continue;
        };
        let target = stage.env.account().unwrap_or_default();
        let mut d = Diagnostic::new(
            CODE,
            Severity::Error,
            span,
            format!(
                "Stage {} deploys to account {target}, but the pipeline runs in account \
                 {pipeline_account} without {prop}: `cdk synth` fails with \"Artifact Bucket \
                 must have a KMS Key to add cross-account action …\". Set {}.",
                stage_name(&stage.id),
                ctx.prop_text("cross_account_keys", &n.bool(true)),
            ),
        );
        d.subject = Some(p.span);
        d.related.push(Related {
            // An env written in another file (app.py's, an imported one) is there.
            file: stage.env.env().and_then(|e| e.file.clone()),
            span: stage.env.env().map(|e| e.span).unwrap_or(stage.span),
            message: format!(
                "stage {} deploys to account {target}",
                stage_name(&stage.id)
            ),
        });
        if let Some(e) = p.env.env() {
            d.related.push(Related {
                file: e.file.clone(),
                span: e.span,
                message: format!("the pipeline's stack is in account {pipeline_account}"),
            });
        }
        if set_false {
            d.fix = Some(Fix {
                title: format!("Set {prop} to {}", n.true_lit),
                edits: vec![(span, n.true_lit.to_string())],
            });
        }
        out.push(d);
    }
}
