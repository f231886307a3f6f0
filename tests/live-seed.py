#!/usr/bin/env python3
"""Deploys an example's pipeline into moto for the editors' live-pipeline specs.

    live-seed.py ENDPOINT APP EXAMPLE NAME [CREDENTIALS_FILE]

ENDPOINT is tests/live-state-server.py in front of moto; APP a copy of examples/EXAMPLE. The
copy becomes a git repository of two commits by "Ada Example" (the second names the pipeline
NAME in the code); the pipeline NAME is created in moto in the examples' pipeline account from
the stages and actions the real `cdk synth` generated (tests/fixtures/synth/EXAMPLE.json)
without its Staging stage (drift: the code adds it), two executions are started, and the test
server is seeded with what moto lacks, in the AWS API reference's shapes: the executions'
revisions (the first commit, then HEAD) and the state: Source to Dev ran HEAD and succeeded,
Prod waits for its approval PromoteToProd since 25 minutes with the first commit. The same
scene as server/tests/live.rs, for a person to look at. Prints HEAD. With CREDENTIALS_FILE,
writes there (KEY=VALUE lines) credentials that act in the pipeline account, an approver's:
pipelens approves only with the user's own credentials in the pipeline's account.
"""
import json
import os
import subprocess
import sys
import time
import urllib.request

import boto3

ENDPOINT, APP, EXAMPLE, NAME = sys.argv[1:5]
CREDENTIALS_FILE = sys.argv[5] if len(sys.argv) > 5 else None
ACCOUNT = "999999999999"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GIT_ENV = dict(
    os.environ,
    GIT_AUTHOR_NAME="Ada Example",
    GIT_AUTHOR_EMAIL="ada@example.com",
    GIT_COMMITTER_NAME="Ada Example",
    GIT_COMMITTER_EMAIL="ada@example.com",
)


def git(*args):
    out = subprocess.run(
        ["git", *args], cwd=APP, env=GIT_ENV, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


git("init", "-q", "-b", "main")
git("add", "-A")
git("commit", "-q", "-m", "First pipeline")
old = git("rev-parse", "HEAD")
for rel in ("payments/pipeline_stack.py", "lib/pipeline-stack.ts"):
    path = os.path.join(APP, rel)
    if os.path.exists(path):
        with open(path) as f:
            text = f.read()
        text = text.replace('pipeline_name="payments"', f'pipeline_name="{NAME}"')
        text = text.replace("pipelineName: 'payments'", f"pipelineName: '{NAME}'")
        with open(path, "w") as f:
            f.write(text)
git("commit", "-q", "-am", "Name the pipeline")
head = git("rev-parse", "HEAD")

session = dict(
    endpoint_url=ENDPOINT,
    region_name="us-east-1",
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)
creds = boto3.client("sts", **session).assume_role(
    RoleArn=f"arn:aws:iam::{ACCOUNT}:role/seed", RoleSessionName="seed"
)["Credentials"]
inside = dict(
    session,
    aws_access_key_id=creds["AccessKeyId"],
    aws_secret_access_key=creds["SecretAccessKey"],
    aws_session_token=creds["SessionToken"],
)
role = f"{NAME}-role"
boto3.client("cloudformation", **inside).create_stack(
    StackName=role,
    TemplateBody=json.dumps(
        {
            "Resources": {
                "Role": {
                    "Type": "AWS::IAM::Role",
                    "Properties": {
                        "RoleName": role,
                        "AssumeRolePolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "sts:AssumeRole",
                                    "Principal": {"Service": "codepipeline.amazonaws.com"},
                                }
                            ],
                        },
                    },
                }
            }
        }
    ),
)
CATEGORY = {
    "source": ("Source", "CodeStarSourceConnection"),
    "approval": ("Approval", "Manual"),
    "prepare": ("Deploy", "CloudFormation"),
    "deploy": ("Deploy", "CloudFormation"),
}
with open(os.path.join(REPO, "tests/fixtures/synth", EXAMPLE + ".json")) as f:
    fixture = json.load(f)
stages = []
for s in fixture["stages"]:
    if s["name"] == "Staging":
        continue
    actions = []
    for a in s["actions"]:
        category, provider = CATEGORY.get(a["kind"], ("Build", "CodeBuild"))
        actions.append(
            {
                "name": a["name"],
                "runOrder": a["runOrder"],
                "actionTypeId": {
                    "category": category,
                    "owner": "AWS",
                    "provider": provider,
                    "version": "1",
                },
            }
        )
    stages.append({"name": s["name"], "actions": actions})
cp = boto3.client("codepipeline", **inside)
cp.create_pipeline(
    pipeline={
        "name": NAME,
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/{role}",
        "artifactStore": {"type": "S3", "location": "artifacts"},
        "stages": stages,
    }
)
first = cp.start_pipeline_execution(name=NAME)["pipelineExecutionId"]
latest = cp.start_pipeline_execution(name=NAME)["pipelineExecutionId"]

now = int(time.time())


def source(commit, message):
    return [
        {
            "actionName": "acme_payments",
            "revisionId": commit,
            "revisionSummary": json.dumps({"ProviderType": "GitHub", "CommitMessage": message}),
            "revisionUrl": f"https://github.com/acme/payments/commit/{commit}",
        }
    ]


def stage(name, execution, status, action, action_status, ago, extra=None):
    latest_action = {"status": action_status, "lastStatusChange": now - ago}
    latest_action.update(extra or {})
    return {
        "stageName": name,
        "inboundTransitionState": {"enabled": True},
        "actionStates": [{"actionName": action, "latestExecution": latest_action}],
        "latestExecution": {"pipelineExecutionId": execution, "status": status},
    }


seed = {
    "revisions": {first: source(old, "First pipeline"), latest: source(head, "Name the pipeline")},
    "pipelineStates": {
        NAME: {
            "pipelineName": NAME,
            "pipelineVersion": 1,
            "stageStates": [
                stage("Source", latest, "Succeeded", "acme_payments", "Succeeded", 7200),
                stage("Build", latest, "Succeeded", "Synth", "Succeeded", 7000),
                stage("UpdatePipeline", latest, "Succeeded", "SelfMutate", "Succeeded", 6900),
                stage("Dev", latest, "Succeeded", "Api.Deploy", "Succeeded", 6000),
                stage(
                    "Prod",
                    first,
                    "InProgress",
                    "PromoteToProd",
                    "InProgress",
                    1500,
                    {"token": f"t-1-{NAME}"},
                ),
            ],
        }
    },
}
request = urllib.request.Request(
    ENDPOINT + "/_seed", data=json.dumps(seed).encode(), method="POST"
)
urllib.request.urlopen(request, timeout=10).read()
if CREDENTIALS_FILE:
    approver = boto3.client("sts", **session).assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/approver", RoleSessionName="approver"
    )["Credentials"]
    with open(CREDENTIALS_FILE, "w") as f:
        f.write(f"AWS_ACCESS_KEY_ID={approver['AccessKeyId']}\n")
        f.write(f"AWS_SECRET_ACCESS_KEY={approver['SecretAccessKey']}\n")
        f.write(f"AWS_SESSION_TOKEN={approver['SessionToken']}\n")
print(head)
