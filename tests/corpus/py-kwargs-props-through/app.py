import aws_cdk as cdk

from orders.pipeline_stack import OrdersPipelineStack

ACCOUNTS = {
    "tooling": "999999999999",
    "test": "111111111111",
    "prod": "333333333333",
    "data": "555555555555",
}

app = cdk.App()
OrdersPipelineStack(
    app,
    "OrdersPipeline",
    accounts=ACCOUNTS,
    env=cdk.Environment(account=ACCOUNTS["tooling"], region="eu-central-1"),
)
app.synth()
