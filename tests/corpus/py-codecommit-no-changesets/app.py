#!/usr/bin/env python3
"""Billing: CodeCommit source, direct deployments (no change sets), a regional wave."""
import aws_cdk as cdk
from aws_cdk import aws_codecommit as codecommit
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import pipelines
from constructs import Construct

PIPELINE_ENV = cdk.Environment(account="999999999999", region="eu-west-1")


class TableStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        dynamodb.Table(
            self,
            "Invoices",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        )


class EventsStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sns.Topic(self, "InvoiceEvents")


class QueueStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sqs.Queue(self, "Retries")


class BillingStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        TableStack(self, "Table")
        EventsStack(self, "Events")
        QueueStack(self, "Queue")


class BillingPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        repo = codecommit.Repository.from_repository_name(self, "Repo", "billing-service")
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            use_change_sets=False,
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Build",
                input=pipelines.CodePipelineSource.code_commit(repo, "mainline"),
                commands=["pip install -r requirements.txt", "npx cdk synth"],
            ),
        )
        pipeline.add_stage(
            BillingStage(self, "Test", env=cdk.Environment(account="111111111111", region="eu-west-1"))
        )
        regional = pipeline.add_wave(
            "Regional",
            post=[pipelines.ShellStep("CheckHealth", commands=["./scripts/health.sh"])],
        )
        for name, region in [("Ireland", "eu-west-1"), ("Frankfurt", "eu-central-1"), ("Virginia", "us-east-1")]:
            regional.add_stage(
                BillingStage(self, name, env=cdk.Environment(account="333333333333", region=region))
            )


app = cdk.App()
BillingPipelineStack(app, "BillingPipeline", env=PIPELINE_ENV)
app.synth()
