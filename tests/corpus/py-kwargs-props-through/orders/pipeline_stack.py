# Pattern: accounts passed from app.py into the pipeline stack (`accounts=`), through **kwargs into the Stage, and a Stage parameter (`data_account`) that sets one stack's env.
import aws_cdk as cdk
from aws_cdk import pipelines
from constructs import Construct

from orders.stage import OrdersStage


class OrdersPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, *, accounts: dict, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("shop/orders", "main"),
                commands=["npx cdk synth"],
            ),
        )
        pipeline.add_stage(
            OrdersStage(
                self,
                "Test",
                data_account=accounts["data"],
                env=cdk.Environment(account=accounts["test"], region="eu-central-1"),
            )
        )
        prod_kwargs = {"env": cdk.Environment(account=accounts["prod"], region="eu-central-1")}
        pipeline.add_stage(
            OrdersStage(self, "Prod", data_account=accounts["data"], **prod_kwargs),
            pre=[pipelines.ManualApprovalStep("GoLive")],
        )

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/eu-central-1 xacct=true
# source gitHub shop/orders main
# synth Synth ShellStep
# stage Test env=111111111111/eu-central-1 stacks=[Api,Metrics] pre=[] post=[]
# stage Prod env=333333333333/eu-central-1 stacks=[Api,Metrics] pre=[GoLive] post=[]
