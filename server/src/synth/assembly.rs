//! Reading a cloud assembly (`manifest.json`, the stack templates, nested stage assemblies):
//! every stack with its environment and the bootstrap version it needs, and every
//! `AWS::CodePipeline::Pipeline` with its stages and actions.

use std::path::Path;

use serde_json::Value;

/// A CloudFormation stack of the assembly.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthStack {
    /// The artifact id (`PaymentsPipelineDevApiC3917213`).
    pub artifact_id: String,
    /// The construct path (`PaymentsPipeline/Dev/Api`).
    pub display_name: String,
    pub account: Option<String>,
    pub region: Option<String>,
    /// The nested assembly folder it is in (`assembly-PaymentsPipeline-Dev`), `""` at the top.
    pub assembly: String,
    pub assume_role_arn: Option<String>,
    pub requires_bootstrap_stack_version: Option<u64>,
    pub bootstrap_stack_version_ssm_parameter: Option<String>,
    /// A cross-region support stack of a pipeline (`cross-region-stack-<account>:<region>`).
    pub support_stack: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SynthAction {
    pub name: String,
    pub run_order: u32,
    /// `ActionTypeId.Category` (`Source`, `Build`, `Deploy`, `Approval`, …).
    pub category: String,
    /// `ActionTypeId.Provider` (`CodeBuild`, `CloudFormation`, `Manual`, …).
    pub provider: String,
    /// `Configuration.ActionMode` of a CloudFormation action.
    pub action_mode: Option<String>,
    /// From the action's role ARN when it names an account, else the pipeline stack's.
    pub account: Option<String>,
    /// The action's `Region`, else the pipeline stack's.
    pub region: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SynthStage {
    pub name: String,
    /// In the template's order (CDK's own; within a runOrder it is not by name).
    pub actions: Vec<SynthAction>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SynthesizedPipeline {
    /// The construct id of the CDK Pipelines `CodePipeline` (`Pipeline`), from the resource's
    /// `aws:cdk:path` (`PaymentsPipeline/Pipeline/Pipeline/Resource`).
    pub id: Option<String>,
    /// The construct path of the pipeline resource.
    pub path: Option<String>,
    /// The artifact id of the stack that holds it.
    pub stack: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub stages: Vec<SynthStage>,
}

/// Reads the assembly in `dir` and every nested assembly below it.
pub fn read_assembly(dir: &Path) -> Result<(Vec<SynthesizedPipeline>, Vec<SynthStack>), String> {
    let mut pipelines = Vec::new();
    let mut stacks = Vec::new();
    read_into(dir, "", &mut pipelines, &mut stacks, 0)?;
    Ok((pipelines, stacks))
}

fn read_json(path: &Path) -> Result<Value, String> {
    // What the synth wrote (or a checked-in `cdk.out`): a FIFO there is an error, not a hang.
    let text = crate::workspace::read_file(path, 512 * 1024 * 1024)
        .and_then(|b| {
            String::from_utf8(b)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        })
        .map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn env_of(artifact: &Value) -> (Option<String>, Option<String>) {
    let env = artifact["environment"].as_str().unwrap_or("");
    let Some(rest) = env.strip_prefix("aws://") else {
        return (None, None);
    };
    let (account, region) = rest.split_once('/').unwrap_or((rest, ""));
    // `unknown-account` / `unknown-region` for environment-agnostic stacks.
    let known = |s: &str| (!s.is_empty() && !s.starts_with("unknown-")).then(|| s.to_string());
    (known(account), known(region))
}

fn read_into(
    dir: &Path,
    assembly: &str,
    pipelines: &mut Vec<SynthesizedPipeline>,
    stacks: &mut Vec<SynthStack>,
    depth: usize,
) -> Result<(), String> {
    if depth > 16 {
        return Err(format!("{}: nested assemblies too deep", dir.display()));
    }
    let manifest = read_json(&dir.join("manifest.json"))?;
    let Some(artifacts) = manifest["artifacts"].as_object() else {
        return Ok(());
    };
    for (id, a) in artifacts {
        let props = &a["properties"];
        match a["type"].as_str() {
            Some("aws:cloudformation:stack") => {
                let (account, region) = env_of(a);
                stacks.push(SynthStack {
                    artifact_id: id.clone(),
                    display_name: a["displayName"].as_str().unwrap_or(id).to_string(),
                    account: account.clone(),
                    region: region.clone(),
                    assembly: assembly.to_string(),
                    assume_role_arn: props["assumeRoleArn"].as_str().map(str::to_string),
                    requires_bootstrap_stack_version: props["requiresBootstrapStackVersion"]
                        .as_u64(),
                    bootstrap_stack_version_ssm_parameter: props
                        ["bootstrapStackVersionSsmParameter"]
                        .as_str()
                        .map(str::to_string),
                    support_stack: id.starts_with("cross-region-stack-"),
                });
                if let Some(file) = props["templateFile"].as_str() {
                    let template = read_json(&dir.join(file))?;
                    pipelines.extend(template_pipelines(
                        &template,
                        id,
                        account.as_deref(),
                        region.as_deref(),
                    ));
                }
            }
            Some("cdk:cloud-assembly") => {
                if let Some(sub) = props["directoryName"].as_str() {
                    read_into(&dir.join(sub), sub, pipelines, stacks, depth + 1)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The 12-digit account of a role ARN written as a string or an `Fn::Join`.
fn role_account(role: &Value) -> Option<String> {
    let text = match role {
        Value::Null => return None,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let at = text.find(":iam::")? + ":iam::".len();
    let digits = text.get(at..at + 12)?;
    (digits.bytes().all(|b| b.is_ascii_digit()) && text[at + 12..].starts_with(":role/"))
        .then(|| digits.to_string())
}

fn template_pipelines(
    template: &Value,
    stack: &str,
    account: Option<&str>,
    region: Option<&str>,
) -> Vec<SynthesizedPipeline> {
    let Some(resources) = template["Resources"].as_object() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for res in resources.values() {
        if res["Type"] != "AWS::CodePipeline::Pipeline" {
            continue;
        }
        let path = res["Metadata"]["aws:cdk:path"].as_str().map(str::to_string);
        // `<stack>/<CodePipeline id>/Pipeline/Resource`: the id is the third from the end.
        let id = path.as_deref().and_then(|p| {
            let parts: Vec<&str> = p.split('/').collect();
            (parts.len() >= 4 && parts[parts.len() - 1] == "Resource")
                .then(|| parts[parts.len() - 3].to_string())
        });
        let stages = res["Properties"]["Stages"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|s| {
                let actions: Vec<SynthAction> = s["Actions"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .map(|a| SynthAction {
                        name: a["Name"].as_str().unwrap_or_default().to_string(),
                        run_order: a["RunOrder"].as_u64().unwrap_or(1) as u32,
                        category: a["ActionTypeId"]["Category"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        provider: a["ActionTypeId"]["Provider"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        action_mode: a["Configuration"]["ActionMode"]
                            .as_str()
                            .map(str::to_string),
                        account: role_account(&a["RoleArn"]).or(account.map(str::to_string)),
                        region: a["Region"].as_str().or(region).map(str::to_string),
                    })
                    // The template's order, CDK's own: a prediction is compared with it as it is.
                    .collect();
                SynthStage {
                    name: s["Name"].as_str().unwrap_or_default().to_string(),
                    actions,
                }
            })
            .collect();
        found.push(SynthesizedPipeline {
            id,
            path,
            stack: stack.to_string(),
            account: account.map(str::to_string),
            region: region.map(str::to_string),
            stages,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn role_account_reads_strings_and_joins() {
        assert_eq!(
            role_account(&json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"},
                ":iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-us-east-1"]]})),
            Some("111111111111".into())
        );
        assert_eq!(role_account(&json!({"Fn::GetAtt": ["Role", "Arn"]})), None);
        assert_eq!(
            role_account(&json!("arn:aws:iam::222222222222:role/x")),
            Some("222222222222".into())
        );
    }

    #[test]
    fn nested_assemblies_stacks_and_the_pipeline_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("assembly-P-Dev")).unwrap();
        let w = |p: &str, v: Value| std::fs::write(d.join(p), v.to_string()).unwrap();
        w(
            "manifest.json",
            json!({"artifacts": {
                "assembly-P-Dev": {"type": "cdk:cloud-assembly",
                    "properties": {"directoryName": "assembly-P-Dev"}},
                "P": {"type": "aws:cloudformation:stack", "environment": "aws://999999999999/us-east-1",
                    "properties": {"templateFile": "P.template.json", "requiresBootstrapStackVersion": 6}},
                "cross-region-stack-999999999999:eu-west-1": {"type": "aws:cloudformation:stack",
                    "environment": "aws://999999999999/eu-west-1", "properties": {}}
            }}),
        );
        w(
            "assembly-P-Dev/manifest.json",
            json!({"artifacts": {"PDevApi": {"type": "aws:cloudformation:stack",
                "environment": "aws://111111111111/us-east-1", "displayName": "P/Dev/Api",
                "properties": {"assumeRoleArn": "arn:x"}}}}),
        );
        w(
            "P.template.json",
            json!({"Resources": {"Pipeline1": {"Type": "AWS::CodePipeline::Pipeline",
            "Metadata": {"aws:cdk:path": "P/Pipeline/Pipeline/Resource"},
            "Properties": {"Stages": [{"Name": "Dev", "Actions": [
                {"Name": "Deploy", "RunOrder": 2, "ActionTypeId": {"Category": "Deploy", "Provider": "CloudFormation"},
                 "Region": "eu-west-1",
                 "RoleArn": "arn:aws:iam::111111111111:role/r"},
                {"Name": "Prepare", "ActionTypeId": {"Category": "Deploy", "Provider": "CloudFormation"}}
            ]}]}}}}),
        );
        let (pipelines, stacks) = read_assembly(d).unwrap();
        assert_eq!(stacks.len(), 3);
        let dev = stacks.iter().find(|s| s.artifact_id == "PDevApi").unwrap();
        assert_eq!(dev.assembly, "assembly-P-Dev");
        assert_eq!(dev.account.as_deref(), Some("111111111111"));
        assert!(stacks.iter().any(|s| s.support_stack));
        let p = &pipelines[0];
        assert_eq!(p.id.as_deref(), Some("Pipeline"));
        // The template's order, as it is.
        let names: Vec<_> = p.stages[0].actions.iter().map(|a| &a.name).collect();
        assert_eq!(names, ["Deploy", "Prepare"]);
        let deploy = &p.stages[0].actions[0];
        assert_eq!(deploy.account.as_deref(), Some("111111111111"));
        assert_eq!(deploy.region.as_deref(), Some("eu-west-1"));
        let prepare = &p.stages[0].actions[1];
        assert_eq!(prepare.account.as_deref(), Some("999999999999"));
        assert_eq!(prepare.region.as_deref(), Some("us-east-1"));
    }
}
