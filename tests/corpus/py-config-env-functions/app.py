# Pattern: the env of every stage computed by functions of another module (`env_for`, a static method `Regions.for_stage`), called in nested loops over stages and regions; the module imported both by name and whole.
import aws_cdk as cdk
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import pipelines
from constructs import Construct

import deploy_config as cfg
from deploy_config import Regions, env_for


class OrdersStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sqs.Queue(self, "Orders")
        sns.Topic(self, "OrderEvents")


class OrdersStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        OrdersStack(self, "Orders")


class OrdersPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("orders-team/orders", "main"),
                commands=["pip install -r requirements.txt", "npx cdk synth"],
            ),
        )

        for stage in ["Dev", "QA", "Prod"]:
            wave = pipeline.add_wave(stage)
            if stage == "Prod":
                wave.add_pre(pipelines.ManualApprovalStep("PromoteToProd"))
            for region in Regions.for_stage(stage):
                wave.add_stage(OrdersStage(self, f"{stage}-{region}", env=env_for(stage, region)))


app = cdk.App()
OrdersPipelineStack(
    app,
    "OrdersPipeline",
    env=cdk.Environment(account=cfg.PIPELINE_ACCOUNT, region=cfg.HOME_REGION),
)
app.synth()

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/us-east-2 xacct=true
# source gitHub orders-team/orders main
# synth Synth ShellStep
# wave Dev pre=[] post=[]
# wave QA pre=[] post=[]
# wave Prod pre=[PromoteToProd] post=[]
# stage Dev/Dev-us-east-2 env=111111111111/us-east-2 stacks=[Orders] pre=[] post=[]
# stage QA/QA-us-east-2 env=222222222222/us-east-2 stacks=[Orders] pre=[] post=[]
# stage Prod/Prod-us-east-2 env=333333333333/us-east-2 stacks=[Orders] pre=[] post=[]
# stage Prod/Prod-eu-central-1 env=333333333333/eu-central-1 stacks=[Orders] pre=[] post=[]
