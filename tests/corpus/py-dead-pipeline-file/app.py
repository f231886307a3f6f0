import aws_cdk as cdk

from pipelines_app.pipeline_stack import LedgerPipelineStack

app = cdk.App()
LedgerPipelineStack(app, "LedgerPipeline", env=cdk.Environment(account="999999999999", region="eu-north-1"))
app.synth()
