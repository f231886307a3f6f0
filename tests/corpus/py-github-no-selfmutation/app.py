#!/usr/bin/env python3
"""A worker service: GitHub source, no self-mutation, lint before beta and smoke tests after gamma."""
import aws_cdk as cdk
from aws_cdk import aws_sqs as sqs
from aws_cdk import pipelines
from constructs import Construct


class QueueStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sqs.Queue(self, "Jobs", visibility_timeout=cdk.Duration.minutes(5))


class WorkerStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        QueueStack(self, "Queue")


class PipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            self_mutation=False,
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("octo-org/worker-service", "main"),
                commands=["pip install -r requirements.txt", "npx cdk synth"],
            ),
        )
        pipeline.add_stage(
            WorkerStage(self, "Beta", env=cdk.Environment(account="111111111111", region="us-west-2")),
            pre=[pipelines.ShellStep("Lint", commands=["make lint"])],
        )
        pipeline.add_stage(
            WorkerStage(self, "Gamma", env=cdk.Environment(account="222222222222", region="us-west-2")),
            post=[pipelines.ShellStep("Smoke", commands=["make smoke"])],
        )


app = cdk.App()
PipelineStack(app, "WorkerPipeline", env=cdk.Environment(account="999999999999", region="us-west-2"))
app.synth()
