#!/usr/bin/env python3
"""Print the CodePipeline that `cdk synth` generated, as fixture JSON.

    tests/read-pipeline.py CDK_OUT

Reads the one AWS::CodePipeline::Pipeline in CDK_OUT's templates. For every stage, its
actions ordered by (runOrder, name), each with the account and region it runs against: the
account from the action's role ARN when that names one (the deploy role of a target
account), the region from the action's Region; otherwise the pipeline stack's own, from
manifest.json. Used by tests/synth-examples and tests/synth-corpus; the Rust tests compare
pipelens's prediction with these fixtures.
"""
import glob
import json
import os
import re
import sys

out = sys.argv[1]
with open(os.path.join(out, "manifest.json")) as f:
    manifest = json.load(f)

pipelines = []
for path in sorted(glob.glob(os.path.join(out, "*.template.json"))):
    with open(path) as f:
        resources = json.load(f).get("Resources", {})
    for res in resources.values():
        if res.get("Type") == "AWS::CodePipeline::Pipeline":
            artifact = os.path.basename(path)[: -len(".template.json")]
            pipelines.append((artifact, res["Properties"]["Stages"]))
if len(pipelines) != 1:
    sys.exit(f"expected one AWS::CodePipeline::Pipeline in {out}, found {len(pipelines)}")
artifact, stages_in = pipelines[0]

env = manifest["artifacts"].get(artifact, {}).get("environment", "")
m = re.fullmatch(r"aws://([^/]*)/(.*)", env)
home_account, home_region = (m.group(1), m.group(2)) if m else (None, None)


def role_account(role):
    """The 12-digit account in a role ARN written as a string or an Fn::Join."""
    text = json.dumps(role) if role is not None else ""
    found = re.search(r":iam::(\d{12}):role/", text)
    return found.group(1) if found else None


stages = []
for stage in stages_in:
    actions = [
        {
            "name": a["Name"],
            "runOrder": a.get("RunOrder", 1),
            "account": role_account(a.get("RoleArn")) or home_account,
            "region": a.get("Region") or home_region,
        }
        for a in stage.get("Actions", [])
    ]
    actions.sort(key=lambda a: (a["runOrder"], a["name"]))
    stages.append({"name": stage["Name"], "actions": actions})
json.dump({"stages": stages}, sys.stdout, indent=2)
sys.stdout.write("\n")
