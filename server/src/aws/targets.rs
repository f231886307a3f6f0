//! Which envs a file's pipelines need bootstrapped: every stage's `{account, region}` (trusting
//! the pipeline account), and the pipeline account itself in every region a stage deploys to
//! other than the pipeline's own (CDK Pipelines puts a cross-region support stack there).
//! Pure: reads the model, never the network. Envs the model could not resolve are skipped.

use super::command::is_valid_region;
use super::{EnvKey, DEFAULT_QUALIFIER};
use crate::model::FileModel;
use crate::rules::is_account_id;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NeedKind {
    /// A stage deploys here.
    Stage,
    /// The pipeline account in a region one of its stages deploys to (cross-region support).
    SupportRegion,
}

/// One reason an env must be bootstrapped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    pub account: String,
    pub region: String,
    pub kind: NeedKind,
    /// Index into [`FileModel::pipelines`].
    pub pipeline: usize,
    /// The pipeline's account, when the model knows it (the account the env must trust).
    pub pipeline_account: Option<String>,
    /// Index into the pipeline's stages: the stage that deploys here (for a support region,
    /// the first stage deploying to that region).
    pub stage: usize,
    pub stage_name: Option<String>,
}

impl Need {
    pub fn key(&self, qualifier: &str) -> EnvKey {
        EnvKey::new(&self.account, &self.region, qualifier)
    }
}

/// The bootstrap qualifier of an app: cdk.json context `@aws-cdk/core:bootstrapQualifier`,
/// or the default.
pub fn qualifier_from_context(context: &serde_json::Map<String, serde_json::Value>) -> String {
    context
        .get(super::QUALIFIER_CONTEXT_KEY)
        .and_then(|v| v.as_str())
        .filter(|q| !q.is_empty() && q.len() <= 10 && q.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or(DEFAULT_QUALIFIER)
        .to_string()
}

/// Every env the file's pipelines need bootstrapped, in source order.
pub fn gather(model: &FileModel) -> Vec<Need> {
    let mut out = Vec::new();
    for (pi, p) in model.pipelines.iter().enumerate() {
        let pipeline_account = p.env.account().filter(|a| is_account_id(a));
        let pipeline_region = p.env.region().filter(|r| is_valid_region(r));
        let mut support_regions: Vec<&str> = Vec::new();
        for (si, s) in p.stages.iter().enumerate() {
            let (Some(account), Some(region)) = (s.env.account(), s.env.region()) else {
                continue;
            };
            if !is_account_id(account) || !is_valid_region(region) {
                continue; // the static rules report these
            }
            out.push(Need {
                account: account.to_string(),
                region: region.to_string(),
                kind: NeedKind::Stage,
                pipeline: pi,
                pipeline_account: pipeline_account.map(str::to_string),
                stage: si,
                stage_name: s.id.clone(),
            });
            if let (Some(pa), Some(pr)) = (pipeline_account, pipeline_region) {
                if region != pr && !support_regions.contains(&region) {
                    support_regions.push(region);
                    out.push(Need {
                        account: pa.to_string(),
                        region: region.to_string(),
                        kind: NeedKind::SupportRegion,
                        pipeline: pi,
                        pipeline_account: Some(pa.to_string()),
                        stage: si,
                        stage_name: s.id.clone(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze_text;
    use crate::lang::{ExtraQueries, PYTHON};
    use crate::model::NoIndex;

    #[test]
    fn stages_and_support_regions_are_gathered() {
        let src = r#"
import aws_cdk as cdk
from aws_cdk import pipelines
class P(cdk.Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id, env=cdk.Environment(account="999999999999", region="us-east-1"))
        p = pipelines.CodePipeline(self, "P", cross_account_keys=True, synth=pipelines.ShellStep("S", commands=[]))
        p.add_stage(cdk.Stage(self, "Dev", env=cdk.Environment(account="111111111111", region="us-east-1")))
        p.add_stage(cdk.Stage(self, "Eu", env=cdk.Environment(account="111111111111", region="eu-west-1")))
        p.add_stage(cdk.Stage(self, "Eu2", env=cdk.Environment(account="222222222222", region="eu-west-1")))
        p.add_stage(cdk.Stage(self, "Bad", env=cdk.Environment(account="12", region="eu-west-1")))
"#;
        let a = analyze_text(&PYTHON, src, None, &NoIndex, &ExtraQueries::default());
        let needs: Vec<String> = gather(&a.model)
            .iter()
            .map(|n| {
                format!(
                    "{:?} {}/{} {}",
                    n.kind,
                    n.account,
                    n.region,
                    n.stage_name.as_deref().unwrap_or("?")
                )
            })
            .collect();
        assert_eq!(
            needs,
            vec![
                "Stage 111111111111/us-east-1 Dev",
                "Stage 111111111111/eu-west-1 Eu",
                "SupportRegion 999999999999/eu-west-1 Eu",
                "Stage 222222222222/eu-west-1 Eu2",
            ]
        );
    }

    #[test]
    fn qualifier_comes_from_context_when_valid() {
        let mut ctx = serde_json::Map::new();
        assert_eq!(qualifier_from_context(&ctx), "hnb659fds");
        ctx.insert(super::super::QUALIFIER_CONTEXT_KEY.into(), "abc".into());
        assert_eq!(qualifier_from_context(&ctx), "abc");
        ctx.insert(super::super::QUALIFIER_CONTEXT_KEY.into(), "a b".into());
        assert_eq!(qualifier_from_context(&ctx), "hnb659fds");
    }
}
