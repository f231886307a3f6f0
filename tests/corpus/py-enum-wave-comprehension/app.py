# Pattern: accounts and regions as Enum members from another module, stages built in a list comprehension, a wave over regions.
import aws_cdk as cdk
from aws_cdk import aws_codecommit as codecommit
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from aws_cdk import pipelines
from constructs import Construct

from environments import PRODUCTION_REGIONS, Account, Region


class QueueStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sqs.Queue(self, "Jobs")


class ParamsStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ssm.StringParameter(self, "Version", string_value="1")


class WorkerStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        QueueStack(self, "Queue")
        ParamsStack(self, "Params")


class WorkerPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        repo = codecommit.Repository.from_repository_name(self, "Repo", "worker")
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.code_commit(repo, "mainline"),
                commands=["npx cdk synth"],
            ),
        )
        pipeline.add_stage(
            WorkerStage(
                self,
                "Staging",
                env=cdk.Environment(account=Account.STAGING.value, region=Region.US_EAST_1.value),
            )
        )

        stages = [
            WorkerStage(
                self,
                f"Prod-{region.value}",
                env=cdk.Environment(account=Account.PRODUCTION.value, region=region.value),
            )
            for region in PRODUCTION_REGIONS
        ]
        wave = pipeline.add_wave("Production", pre=[pipelines.ManualApprovalStep("Release")])
        for stage in stages:
            wave.add_stage(stage)


app = cdk.App()
WorkerPipelineStack(
    app,
    "WorkerPipeline",
    env=cdk.Environment(account=Account.SHARED_SERVICES.value, region=Region.US_EAST_1.value),
)
app.synth()

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/us-east-1 xacct=true
# source codeCommit worker mainline
# synth Synth ShellStep
# wave Production pre=[Release] post=[]
# stage Staging env=222222222222/us-east-1 stacks=[Queue,Params] pre=[] post=[]
# stage Production/Prod-us-east-1 env=333333333333/us-east-1 stacks=[Queue,Params] pre=[] post=[]
# stage Production/Prod-eu-west-1 env=333333333333/eu-west-1 stacks=[Queue,Params] pre=[] post=[]
# stage Production/Prod-ap-southeast-2 env=333333333333/ap-southeast-2 stacks=[Queue,Params] pre=[] post=[]
