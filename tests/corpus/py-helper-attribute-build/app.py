import aws_cdk as cdk
from aws_cdk import pipelines

from pipeline_stack import ClickstreamPipelineStack, ClickstreamStage

app = cdk.App()
pipeline_stack = ClickstreamPipelineStack(
    app, "ClickstreamPipeline", env=cdk.Environment(account="999999999999", region="us-west-2")
)
pipeline_stack.pipeline.add_stage(
    ClickstreamStage(app, "Prod", env=cdk.Environment(account="333333333333", region="us-west-2")),
    pre=[pipelines.ManualApprovalStep("Promote")],
)
pipeline_stack.finish()
app.synth()
