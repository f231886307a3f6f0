import aws_cdk as cdk

from infra import Accounts, Regions, ReportsPipelineStack

app = cdk.App()
ReportsPipelineStack(
    app, "ReportsPipeline", env=cdk.Environment(account=Accounts.TOOLING, region=Regions.PRIMARY)
)
app.synth()
