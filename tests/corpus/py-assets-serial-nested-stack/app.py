# Pattern: the Assets stage with publish_assets_in_parallel=False (one action per asset type): a Lambda layer and function from_asset, a NestedStack template, an auto-delete bucket's provider, a DockerImageAsset.
import aws_cdk as cdk
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import pipelines
from constructs import Construct


class ExportTables(cdk.NestedStack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        s3.Bucket(self, "Exports", removal_policy=cdk.RemovalPolicy.DESTROY, auto_delete_objects=True)


class ExportStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        shared = lambda_.LayerVersion(self, "Shared", code=lambda_.Code.from_asset("layer"))
        lambda_.Function(
            self,
            "Export",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=lambda_.Code.from_asset("src/export"),
            layers=[shared],
        )
        ExportTables(self, "Tables")
        ecr_assets.DockerImageAsset(self, "ReportImage", directory="image")


class ExportStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ExportStack(self, "Export")


class ExportPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            publish_assets_in_parallel=False,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("data/export", "main"),
                commands=["npx cdk synth"],
            ),
        )
        pipeline.add_stage(ExportStage(self, "Prod", env=cdk.Environment(account="999999999999", region="sa-east-1")))


app = cdk.App()
ExportPipelineStack(app, "ExportPipeline", env=cdk.Environment(account="999999999999", region="sa-east-1"))
app.synth()

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/sa-east-1 xacct=false
# source gitHub data/export main
# synth Synth ShellStep
# stage Prod env=999999999999/sa-east-1 stacks=[Export] pre=[] post=[]
