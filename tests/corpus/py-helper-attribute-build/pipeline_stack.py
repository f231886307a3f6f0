# Pattern: the pipeline is created in a helper method and stored (`self.pipeline = self._create_pipeline()`), stages are added through that attribute in another method and from app.py, then build_pipeline() and `pipeline.pipeline`.
import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_sns as sns
from aws_cdk import pipelines
from constructs import Construct


class StreamStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        kinesis.Stream(self, "Clicks", shard_count=1)


class ClickstreamStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        StreamStack(self, "Stream")


class ClickstreamPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.pipeline = self._create_pipeline()
        self._add_environments()

    def _create_pipeline(self) -> pipelines.CodePipeline:
        source = pipelines.CodePipelineSource.git_hub("data-eng/clickstream", "main")
        return pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            self_mutation=True,
            synth=pipelines.ShellStep("Synth", input=source, commands=["npx cdk synth"]),
        )

    def _add_environments(self) -> None:
        self.pipeline.add_stage(
            ClickstreamStage(self, "Beta", env=cdk.Environment(account="222222222222", region="us-west-2"))
        )

    def finish(self) -> None:
        """Builds the pipeline so the CodePipeline underneath can be customised."""
        self.pipeline.build_pipeline()
        topic = sns.Topic(self, "PipelineEvents")
        self.pipeline.pipeline.notify_on_execution_state_change("Notify", topic)
        self.pipeline.pipeline.add_to_role_policy(
            iam.PolicyStatement(actions=["sns:Publish"], resources=[topic.topic_arn])
        )

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/us-west-2 xacct=true
# source gitHub data-eng/clickstream main
# synth Synth ShellStep
# stage Beta env=222222222222/us-west-2 stacks=[Stream] pre=[] post=[]
# stage Prod env=333333333333/us-west-2 stacks=[Stream] pre=[Promote] post=[]
