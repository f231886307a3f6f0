# Pattern: envs that cannot be known before the app runs (an imported os.environ value, a value read from a JSON file by a function call): those stages must be uncertain, never the pipeline's env.
import os

import aws_cdk as cdk
from aws_cdk import aws_sqs as sqs
from aws_cdk import pipelines
from constructs import Construct

from settings import QA_ACCOUNT, REGION, TOOLING_ACCOUNT, account_for


class InboxStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sqs.Queue(self, "Inbox")


class InboxStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        InboxStack(self, "Inbox")


class InboxPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("mail/inbox", "main"),
                commands=["npx cdk synth"],
            ),
        )
        pipeline.add_stage(InboxStage(self, "Qa", env=cdk.Environment(account=QA_ACCOUNT, region=REGION)))
        pipeline.add_stage(
            InboxStage(self, "Staging", env=cdk.Environment(account=account_for("staging"), region=REGION))
        )
        pipeline.add_stage(
            InboxStage(
                self,
                "Prod",
                env=cdk.Environment(
                    account=account_for("prod"), region=os.environ.get("PROD_REGION", REGION)
                ),
            ),
            pre=[pipelines.ManualApprovalStep("Approve")],
        )
        # Written out: this one is known.
        pipeline.add_stage(InboxStage(self, "Dr", env=cdk.Environment(account="444444444444", region="us-west-2")))


app = cdk.App()
InboxPipelineStack(app, "InboxPipeline", env=cdk.Environment(account=TOOLING_ACCOUNT, region=REGION))
app.synth()

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/us-east-1 xacct=true
# source gitHub mail/inbox main
# synth Synth ShellStep
# stage Qa env=?/us-east-1 stacks=[Inbox] pre=[] post=[]
# stage Staging env=?/us-east-1 stacks=[Inbox] pre=[] post=[]
# stage Prod env=?/? stacks=[Inbox] pre=[Approve] post=[]
# stage Dr env=444444444444/us-west-2 stacks=[Inbox] pre=[] post=[]
