# Pattern: the Assets stage from file assets: Lambda Code.from_asset, s3_assets.Asset and a BucketDeployment of Source.asset, the same assets in two stages.
import aws_cdk as cdk
from aws_cdk import pipelines
from constructs import Construct

from service import DocsStage


class DocsPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("docs-team/docs", "main"),
                commands=["pip install -r requirements.txt", "npx cdk synth"],
            ),
        )
        pipeline.add_stage(DocsStage(self, "Beta", env=cdk.Environment(account="222222222222", region="us-east-1")))
        pipeline.add_stage(DocsStage(self, "Prod", env=cdk.Environment(account="333333333333", region="us-east-1")))


app = cdk.App()
DocsPipelineStack(app, "DocsPipeline", env=cdk.Environment(account="999999999999", region="us-east-1"))
app.synth()

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/us-east-1 xacct=true
# source gitHub docs-team/docs main
# synth Synth ShellStep
# stage Beta env=222222222222/us-east-1 stacks=[Api,Site] pre=[] post=[]
# stage Prod env=333333333333/us-east-1 stacks=[Api,Site] pre=[] post=[]
