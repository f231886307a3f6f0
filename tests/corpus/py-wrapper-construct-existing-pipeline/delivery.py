# Pattern: the pipeline is built inside a wrapper Construct of a Stack that has the env, on an existing codepipeline.Pipeline (`code_pipeline=`, its artifact bucket has a KMS key); the app pins aws-cdk-lib in requirements.txt.
import aws_cdk as cdk
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_sns as sns
from aws_cdk import pipelines
from constructs import Construct


class AlertsStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sns.Topic(self, "Pager")


class AlertsStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        AlertsStack(self, "Alerts")


class DeliveryPipeline(Construct):
    """The team's standard pipeline: a CodePipeline with our naming, wrapped by CDK Pipelines."""

    def __init__(self, scope: Construct, construct_id: str, *, repo: str) -> None:
        super().__init__(scope, construct_id)
        base = codepipeline.Pipeline(
            self,
            "CodePipeline",
            pipeline_name="alerts-delivery",
            restart_execution_on_update=True,
        )
        self.pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            code_pipeline=base,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub(repo, "main"),
                commands=["pip install -r requirements.txt", "npx cdk synth"],
            ),
        )


class AlertsPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        delivery = DeliveryPipeline(self, "Delivery", repo="sre/alerts")
        delivery.pipeline.add_stage(
            AlertsStage(self, "Staging", env=cdk.Environment(account="222222222222", region="us-west-2"))
        )
        delivery.pipeline.add_stage(
            AlertsStage(self, "Prod", env=cdk.Environment(account="333333333333", region="us-west-2")),
            pre=[pipelines.ManualApprovalStep("Approve")],
        )

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# xacct=true: the given codepipeline.Pipeline makes its artifact bucket with a KMS key (crossAccountKeys defaults to true without the crossAccountKeysDefaultValueToFalse flag).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/us-west-2 xacct=true
# source gitHub sre/alerts main
# synth Synth ShellStep
# stage Staging env=222222222222/us-west-2 stacks=[Alerts] pre=[] post=[]
# stage Prod env=333333333333/us-west-2 stacks=[Alerts] pre=[Approve] post=[]
