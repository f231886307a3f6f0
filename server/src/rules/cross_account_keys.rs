//! `cross-account-keys`: a stage deploys to another account than the pipeline's, but the
//! pipeline does not set `cross_account_keys=True`, so its artifact bucket is encrypted with
//! a key the target account cannot use.

use super::{stage_name, Ctx, Diagnostic, Fix, Related, Severity};
use crate::model::{Known, PipelineClass};

pub const CODE: &str = "cross-account-keys";

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let n = ctx.naming;
    let prop = n.api("cross_account_keys");
    for p in &ctx.model.pipelines {
        if p.class != PipelineClass::CodePipeline {
            continue; // CdkPipeline always creates the keys.
        }
        let Some(pipeline_account) = p.env.account() else {
            continue;
        };
        let (span, set_false) = match &p.cross_account_keys {
            Known::Value(false, span) => (*span, true),
            Known::Absent if !p.props_open => (p.span, false),
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
                 {pipeline_account} without {prop}: the target account cannot decrypt the \
                 pipeline's artifacts and the deploy fails with AccessDenied. Set {prop}{}{}.",
                stage_name(&stage.id),
                if n.camel_case { ": " } else { "=" },
                n.true_lit,
            ),
        );
        d.related.push(Related {
            file: None,
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
