#!/usr/bin/env python3
"""Print the CodePipeline that `cdk synth` generated, as fixture JSON.

    tests/read-pipeline.py CDK_OUT

Reads the one AWS::CodePipeline::Pipeline in CDK_OUT's templates, nested Stage assemblies
(`cdk:cloud-assembly` artifacts) included, so a pipeline stack inside a Stage is found too.
For every stage, its actions in the order of the template's `Actions` array: that is the
order CDK Pipelines added them (tranche by tranche, ties by the leaf node's id, then
insertion order), which a prediction must reproduce, so it is kept, never sorted. Each
action has:

  name, runOrder
  kind     source | build | self-mutate | assets | prepare | deploy | approval | codebuild |
           other: the preview's kinds, except that a template cannot tell a ShellStep from a
           CodeBuildStep or a ConfirmPermissionsBroadening check (all CodeBuild projects), so
           every such action is `codebuild`
  account  from the action's role ARN when that names one (the deploy role of a target
           account), otherwise the pipeline stack's own, from its manifest
  region   the action's Region, otherwise the pipeline stack's

Used by tests/synth-examples and tests/synth-corpus; the Rust tests compare pipelens's
prediction with these fixtures.
"""
import json
import os
import re
import sys


def read_manifest(directory):
    with open(os.path.join(directory, "manifest.json")) as f:
        return json.load(f)


def pipelines_in(directory):
    """(stack environment, Stages) of every pipeline in an assembly and its nested ones."""
    found = []
    artifacts = read_manifest(directory).get("artifacts", {})
    for artifact in sorted(artifacts):
        spec = artifacts[artifact]
        kind = spec.get("type")
        if kind == "cdk:cloud-assembly":
            nested = spec.get("properties", {}).get("directoryName")
            if nested:
                found.extend(pipelines_in(os.path.join(directory, nested)))
        elif kind == "aws:cloudformation:stack":
            template = spec.get("properties", {}).get("templateFile")
            if not template:
                continue
            with open(os.path.join(directory, template)) as f:
                resources = json.load(f).get("Resources", {})
            for res in resources.values():
                if res.get("Type") == "AWS::CodePipeline::Pipeline":
                    found.append((spec.get("environment", ""), res["Properties"]["Stages"]))
    return found


def role_account(role):
    """The 12-digit account in a role ARN written as a string or an Fn::Join."""
    text = json.dumps(role) if role is not None else ""
    found = re.search(r":iam::(\d{12}):role/", text)
    return found.group(1) if found else None


def kind(stage, action):
    type_id = action.get("ActionTypeId", {})
    category, provider = type_id.get("Category"), type_id.get("Provider")
    if category == "Source":
        return "source"
    if category == "Approval":
        return "approval"
    if provider == "CloudFormation":
        mode = action.get("Configuration", {}).get("ActionMode")
        return "prepare" if mode == "CHANGE_SET_REPLACE" else "deploy"
    if provider == "CodeBuild":
        if stage == "Build":
            return "build"
        if stage == "UpdatePipeline":
            return "self-mutate"
        if stage == "Assets" or stage.startswith("Assets."):
            return "assets"
        return "codebuild"
    return "other"


def main():
    pipelines = pipelines_in(sys.argv[1])
    if len(pipelines) != 1:
        sys.exit(f"expected one AWS::CodePipeline::Pipeline in {sys.argv[1]}, found {len(pipelines)}")
    env, stages_in = pipelines[0]
    m = re.fullmatch(r"aws://([^/]*)/(.*)", env)
    home_account, home_region = (m.group(1), m.group(2)) if m else (None, None)

    stages = []
    for stage in stages_in:
        actions = [
            {
                "name": a["Name"],
                "runOrder": a.get("RunOrder", 1),
                "kind": kind(stage["Name"], a),
                "account": role_account(a.get("RoleArn")) or home_account,
                "region": a.get("Region") or home_region,
            }
            for a in stage.get("Actions", [])
        ]
        stages.append({"name": stage["Name"], "actions": actions})
    json.dump({"stages": stages}, sys.stdout, indent=2)
    sys.stdout.write("\n")


main()
