# Pattern: constants and an account map imported from config.py (absolute import), a loop over dict.items(), a simple `if` on the stage name, add_pre/add_post on the StageDeployment handle.
import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_sqs as sqs
from aws_cdk import pipelines
from constructs import Construct

import config
from config import ACCOUNTS, PRIMARY_REGION


class InvoicesStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        dynamodb.Table(
            self,
            "Invoices",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        )
        sqs.Queue(self, "InvoiceEvents")


class BillingStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        InvoicesStack(self, "Invoices")


class BillingPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.connection(
                    config.REPO, config.BRANCH, connection_arn=config.CONNECTION_ARN
                ),
                install_commands=["pip install -r requirements.txt"],
                commands=["npx cdk synth"],
            ),
        )

        for name, account in ACCOUNTS.items():
            deployment = pipeline.add_stage(
                BillingStage(self, name, env=cdk.Environment(account=account, region=PRIMARY_REGION))
            )
            if name == "Prod":
                deployment.add_pre(pipelines.ManualApprovalStep("PromoteToProd"))
            deployment.add_post(
                pipelines.ShellStep("SmokeTest", commands=[f"./scripts/smoke.sh {name.lower()}"])
            )


app = cdk.App()
BillingPipelineStack(
    app,
    "BillingPipeline",
    env=cdk.Environment(account=config.PIPELINE_ACCOUNT, region=PRIMARY_REGION),
)
app.synth()

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/eu-west-1 xacct=true
# source connection billing-team/billing-service main
# synth Synth ShellStep
# stage Dev env=111111111111/eu-west-1 stacks=[Invoices] pre=[] post=[SmokeTest]
# stage Staging env=222222222222/eu-west-1 stacks=[Invoices] pre=[] post=[SmokeTest]
# stage Prod env=333333333333/eu-west-1 stacks=[Invoices] pre=[PromoteToProd] post=[SmokeTest]
