# Pattern: a package with __init__.py re-exports, relative (`from .constants`) and absolute (`from infra.stages`) imports, accounts and regions as class attributes.
import aws_cdk as cdk
from aws_cdk import pipelines
from constructs import Construct

from infra.stages import ReportsStage

from .constants import Accounts, Regions


class ReportsPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            pipeline_name="reports",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("analytics/reports", "main"),
                commands=["pip install -r requirements.txt", "npx cdk synth"],
            ),
        )
        pipeline.add_stage(
            ReportsStage(self, "Dev", env=cdk.Environment(account=Accounts.DEV, region=Regions.PRIMARY))
        )
        pipeline.add_stage(
            ReportsStage(self, "Prod", env=cdk.Environment(account=Accounts.PROD, region=Regions.PRIMARY)),
            pre=[pipelines.ManualApprovalStep("Approve")],
        )
        pipeline.add_stage(
            ReportsStage(
                self,
                "ProdDr",
                env=cdk.Environment(account=Accounts.PROD, region=Regions.DISASTER_RECOVERY),
            )
        )

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/us-east-2 xacct=true
# source gitHub analytics/reports main
# synth Synth ShellStep
# stage Dev env=111111111111/us-east-2 stacks=[Storage,Alerts] pre=[] post=[]
# stage Prod env=333333333333/us-east-2 stacks=[Storage,Alerts] pre=[Approve] post=[]
# stage ProdDr env=333333333333/us-west-2 stacks=[Storage,Alerts] pre=[] post=[]
