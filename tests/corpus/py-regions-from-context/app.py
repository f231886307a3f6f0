#!/usr/bin/env python3
"""Search API: regions and accounts from cdk.json context, one approval before the prod wave."""
import aws_cdk as cdk
from aws_cdk import aws_ssm as ssm
from aws_cdk import pipelines
from constructs import Construct

CONNECTION_ARN = "arn:aws:codestar-connections:us-east-1:999999999999:connection/11111111-2222-3333-4444-555555555555"


class ConfigStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ssm.StringParameter(self, "Endpoint", string_value="https://search.example.com")


class SearchStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ConfigStack(self, "Config")


class SearchPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        prod_account = self.node.try_get_context("prodAccount")
        regions = self.node.try_get_context("regions")

        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.connection(
                    "search-team/search-api", "release", connection_arn=CONNECTION_ARN
                ),
                commands=["npx cdk synth"],
            ),
        )
        prod = pipeline.add_wave(
            "Production",
            pre=[pipelines.ManualApprovalStep("ApproveRelease", comment="Ship it?")],
            post=[
                pipelines.CodeBuildStep(
                    "SyntheticChecks", commands=["./scripts/canary.sh"]
                )
            ],
        )
        for region in regions:
            prod.add_stage(
                SearchStage(self, f"Prod-{region}", env=cdk.Environment(account=prod_account, region=region))
            )


app = cdk.App()
SearchPipelineStack(
    app,
    "SearchPipeline",
    env=cdk.Environment(account=app.node.try_get_context("toolsAccount"), region="us-east-1"),
)
app.synth()
