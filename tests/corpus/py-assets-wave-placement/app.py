# Pattern: the Assets stage's place and content: a first stage without assets (the Assets stage
# runs beside it), two Lambda folders with the same content (published once, named after the
# first), functions made in a loop by a helper construct, and a bucket whose objects are deleted
# with it (CDK's own provider, named after its full construct path).
import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from aws_cdk import pipelines
from constructs import Construct

from handlers_construct import Handlers


class QueueStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sqs.Queue(self, "Jobs")


class ApiStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        Handlers(self, "Handlers", names=["orders", "refunds", "audit"])
        s3.Bucket(self, "Uploads", removal_policy=cdk.RemovalPolicy.DESTROY, auto_delete_objects=True)


class AlphaStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        QueueStack(self, "Queues")


class ProdStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        QueueStack(self, "Queues")
        ApiStack(self, "Api")


class ShopPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
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
        pipeline.add_stage(AlphaStage(self, "Alpha", env=cdk.Environment(account="111111111111", region="us-east-1")))
        pipeline.add_stage(ProdStage(self, "Prod", env=cdk.Environment(account="333333333333", region="us-east-1")))


app = cdk.App()
ShopPipelineStack(app, "ShopPipeline", env=cdk.Environment(account="999999999999", region="us-east-1"))
app.synth()

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/us-east-1 xacct=true
# source gitHub shop/orders main
# synth Synth ShellStep
# stage Alpha env=111111111111/us-east-1 stacks=[Queues] pre=[] post=[]
# stage Prod env=333333333333/us-east-1 stacks=[Queues,Api] pre=[] post=[]
