# Pattern: a wave over regions whose StageDeployment handles are kept in a dict attribute and get add_pre/add_post later, stack_steps on one stack, action order inside a runOrder.
import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import pipelines
from constructs import Construct

REGIONS = ["us-east-1", "eu-west-1", "ap-northeast-1"]


class GatewayStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sns.Topic(self, "Events")


class StoreStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        s3.Bucket(self, "Blobs")


class EdgeStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.store = StoreStack(self, "Store")
        self.gateway = GatewayStack(self, "Gateway")


class EdgePipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("net/edge", "main"),
                commands=["npx cdk synth"],
            ),
        )
        self.deployments = {}
        wave = self.pipeline.add_wave("Global")
        for region in REGIONS:
            name = "Edge" + "".join(part.title() for part in region.split("-"))
            stage = EdgeStage(self, name, env=cdk.Environment(account="333333333333", region=region))
            self.deployments[region] = wave.add_stage(
                stage,
                stack_steps=[
                    pipelines.StackSteps(
                        stack=stage.gateway,
                        change_set=[pipelines.ManualApprovalStep("ReviewGateway")],
                        post=[pipelines.ShellStep("GatewaySmoke", commands=["./smoke.sh gateway"])],
                    )
                ],
            )
        wave.add_pre(pipelines.ManualApprovalStep("StartRollout"))
        self._add_checks()

    def _add_checks(self) -> None:
        self.deployments["us-east-1"].add_pre(pipelines.ShellStep("Check", commands=["./check.sh"]))
        for region, deployment in self.deployments.items():
            deployment.add_post(pipelines.ShellStep("Verify", commands=[f"./verify.sh {region}"]))


app = cdk.App()
EdgePipelineStack(app, "EdgePipeline", env=cdk.Environment(account="999999999999", region="us-east-1"))
app.synth()

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/us-east-1 xacct=true
# source gitHub net/edge main
# synth Synth ShellStep
# wave Global pre=[StartRollout] post=[]
# stage Global/EdgeUsEast1 env=333333333333/us-east-1 stacks=[Store,Gateway] pre=[Check] post=[Verify]
# stacksteps Global/EdgeUsEast1/Gateway pre=[] changeset=[ReviewGateway] post=[GatewaySmoke]
# stage Global/EdgeEuWest1 env=333333333333/eu-west-1 stacks=[Store,Gateway] pre=[] post=[Verify]
# stacksteps Global/EdgeEuWest1/Gateway pre=[] changeset=[ReviewGateway] post=[GatewaySmoke]
# stage Global/EdgeApNortheast1 env=333333333333/ap-northeast-1 stacks=[Store,Gateway] pre=[] post=[Verify]
# stacksteps Global/EdgeApNortheast1/Gateway pre=[] changeset=[ReviewGateway] post=[GatewaySmoke]
