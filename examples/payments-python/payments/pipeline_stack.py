"""The delivery pipeline for the payments service."""
import aws_cdk as cdk
from aws_cdk import pipelines
from constructs import Construct

from payments.service_stage import PaymentsStage

CONNECTION_ARN = (
    "arn:aws:codestar-connections:us-east-1:999999999999:"
    "connection/00000000-0000-0000-0000-000000000000"
)


class PipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            pipeline_name="payments",
            # Every stage deploys to another account.
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.connection(
                    "acme/payments",
                    "main",
                    connection_arn=CONNECTION_ARN,
                ),
                commands=[
                    "npm install -g aws-cdk",
                    "python -m pip install -r requirements.txt",
                    "cdk synth",
                ],
            ),
        )

        pipeline.add_stage(
            PaymentsStage(
                self,
                "Dev",
                env=cdk.Environment(account="111111111111", region="us-east-1"),
            )
        )

        staging = PaymentsStage(
            self,
            "Staging",
            env=cdk.Environment(account="222222222222", region="us-east-1"),
        )
        pipeline.add_stage(
            staging,
            post=[
                pipelines.ShellStep(
                    "IntegrationTests",
                    commands=[
                        "python -m pip install -r tests/requirements.txt",
                        "python -m pytest tests/integration",
                    ],
                ),
            ],
        )

        # Production: both regions roll out together, after a human says so.
        prod = pipeline.add_wave(
            "Prod",
            pre=[pipelines.ManualApprovalStep("PromoteToProd")],
        )
        prod.add_stage(
            PaymentsStage(
                self,
                "ProdUsEast1",
                env=cdk.Environment(account="333333333333", region="us-east-1"),
            )
        )
        prod.add_stage(
            PaymentsStage(
                self,
                "ProdEuWest1",
                env=cdk.Environment(account="333333333333", region="eu-west-1"),
            )
        )
