# The pipeline before the move to one account. Nothing imports this file any more: it is not
# part of the app, and deploying to another account without cross_account_keys would fail.
import aws_cdk as cdk
from aws_cdk import pipelines
from constructs import Construct

from pipelines_app.stage import LedgerStage


class LegacyLedgerPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "LegacyPipeline",
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("fin/ledger", "legacy"),
                commands=["npx cdk synth"],
            ),
        )
        pipeline.add_stage(LedgerStage(self, "Beta", env=cdk.Environment(account="222222222222", region="eu-north-1")))
        pipeline.add_stage(LedgerStage(self, "Prod", env=cdk.Environment(account="333333333333", region="eu-north-1")))

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# Nothing reachable from cdk.json's app imports this file: its stack is never made, so its env is unknown, and no diagnostic may say the app fails.
# expect:
# pipeline LegacyPipeline CodePipeline env=unknown xacct=false
# source gitHub fin/ledger legacy
# synth Synth ShellStep
# stage Beta env=222222222222/eu-north-1 stacks=[Ledger] pre=[] post=[]
# stage Prod env=333333333333/eu-north-1 stacks=[Ledger] pre=[] post=[]
