import aws_cdk as cdk

from delivery import AlertsPipelineStack

app = cdk.App()
AlertsPipelineStack(app, "AlertsPipeline", env=cdk.Environment(account="999999999999", region="us-west-2"))
app.synth()
