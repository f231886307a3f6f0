import aws_cdk as cdk
from aws_cdk import pipelines
from constructs import Construct

from delivery import accounts
from delivery.stages import ProdStage, SharedStage


class DeliveryPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("ops/delivery", "main"),
                commands=["pip install -r requirements.txt", "npx cdk synth"],
            ),
        )
        pipeline.add_stage(SharedStage(self, "Shared", env=accounts.SHARED))
        # Beside the pipeline: its own stack's account and region.
        pipeline.add_stage(
            SharedStage(self, "Canary", env=cdk.Environment(account=self.account, region=self.region))
        )
        pipeline.add_stage(
            ProdStage(self, "Prod", region="eu-west-1"),
            pre=[pipelines.ManualApprovalStep("PromoteToProd")],
        )
        dr = pipeline.add_wave("Dr")
        for region in accounts.DR_REGIONS:
            dr.add_stage(ProdStage(self, f"Dr-{region}", region=region))

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/eu-west-1 xacct=true
# source gitHub ops/delivery main
# synth Synth ShellStep
# wave Dr pre=[] post=[]
# stage Shared env=111111111111/eu-west-1 stacks=[Alerts] pre=[] post=[]
# stage Canary env=999999999999/eu-west-1 stacks=[Alerts] pre=[] post=[]
# stage Prod env=333333333333/eu-west-1 stacks=[Alerts,Paging] pre=[PromoteToProd] post=[]
# stage Dr/Dr-us-west-2 env=333333333333/us-west-2 stacks=[Alerts,Paging] pre=[] post=[]
# stage Dr/Dr-ap-southeast-2 env=333333333333/ap-southeast-2 stacks=[Alerts,Paging] pre=[] post=[]
