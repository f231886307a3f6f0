"""The payments service as one deployable unit: the API and its database."""
import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

# Kept inline so the app has no file assets to publish.
HANDLER = """
import json


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"status": "ok"})}
"""


class DatabaseStack(cdk.Stack):
    """Payments ledger table."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        self.table = dynamodb.Table(
            self,
            "Payments",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )


class ApiStack(cdk.Stack):
    """Payments API handler."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        lambda_.Function(
            self,
            "Handler",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=lambda_.Code.from_inline(HANDLER),
            memory_size=256,
            timeout=cdk.Duration.seconds(10),
        )


class PaymentsStage(cdk.Stage):
    """Everything one environment of the payments service needs.

    The two stacks do not reference each other, so the pipeline deploys them
    side by side.
    """

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        ApiStack(self, "Api")
        DatabaseStack(self, "Database")
