import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_sns as sns
from constructs import Construct


class OrdersApiStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        dynamodb.TableV2(
            self, "Orders", partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)
        )


class MetricsStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, *, team: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sns.Topic(self, "Metrics", display_name=f"{team} metrics")


class OrdersStage(cdk.Stage):
    """The orders service; its metrics stack lives in the shared data account."""

    def __init__(self, scope: Construct, construct_id: str, *, data_account: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        OrdersApiStack(self, "Api")
        MetricsStack(
            self,
            "Metrics",
            team="orders",
            env=cdk.Environment(account=data_account, region="eu-central-1"),
        )
