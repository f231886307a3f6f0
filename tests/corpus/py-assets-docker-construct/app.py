# Pattern: Docker image assets (DockerImageAsset, ContainerImage.from_asset, DockerImageFunction) and a file asset created by a custom construct class of the app.
import aws_cdk as cdk
from aws_cdk import aws_sqs as sqs
from aws_cdk import pipelines
from constructs import Construct

from worker import MediaWorker


class MediaStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        MediaWorker(self, "Thumbnails")
        MediaWorker(self, "Transcode")


class QueueStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sqs.Queue(self, "Uploads")


class MediaStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        QueueStack(self, "Queues")
        MediaStack(self, "Media")


class MediaPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            docker_enabled_for_synth=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("media/processing", "main"),
                commands=["npx cdk synth"],
            ),
        )
        pipeline.add_stage(MediaStage(self, "Staging", env=cdk.Environment(account="222222222222", region="eu-west-1")))
        pipeline.add_stage(
            MediaStage(self, "Production", env=cdk.Environment(account="333333333333", region="eu-west-1")),
            pre=[pipelines.ManualApprovalStep("Approve")],
        )


app = cdk.App()
MediaPipelineStack(app, "MediaPipeline", env=cdk.Environment(account="999999999999", region="eu-west-1"))
app.synth()

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/eu-west-1 xacct=true
# source gitHub media/processing main
# synth Synth ShellStep
# stage Staging env=222222222222/eu-west-1 stacks=[Queues,Media] pre=[] post=[]
# stage Production env=333333333333/eu-west-1 stacks=[Queues,Media] pre=[Approve] post=[]
