#!/usr/bin/env python3
"""Ledger: a security check before prod, a reviewed change set for the app stack, stack order."""
import aws_cdk as cdk
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import pipelines
from constructs import Construct


class NetworkStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sns.Topic(self, "Alarms")


class AppStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sqs.Queue(self, "Postings")


class LedgerStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.network = NetworkStack(self, "Network")
        self.app = AppStack(self, "App")
        self.app.add_dependency(self.network)


class LedgerPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("fin-org/ledger", "main"),
                commands=["npx cdk synth"],
            ),
        )
        staging = LedgerStage(self, "Staging", env=cdk.Environment(account="222222222222", region="us-east-2"))
        pipeline.add_stage(staging)

        prod = LedgerStage(self, "Prod", env=cdk.Environment(account="333333333333", region="us-east-2"))
        pipeline.add_stage(
            prod,
            pre=[pipelines.ConfirmPermissionsBroadening("SecurityCheck", stage=prod)],
            stack_steps=[
                pipelines.StackSteps(
                    stack=prod.app,
                    pre=[pipelines.ShellStep("PreFlight", commands=["./preflight.sh"])],
                    change_set=[pipelines.ManualApprovalStep("ReviewChangeSet")],
                    post=[pipelines.ShellStep("Verify", commands=["./verify.sh"])],
                )
            ],
        )


app = cdk.App()
LedgerPipelineStack(app, "LedgerPipeline", env=cdk.Environment(account="999999999999", region="us-east-2"))
app.synth()
