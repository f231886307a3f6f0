import aws_cdk as cdk
from aws_cdk import aws_sns as sns
from constructs import Construct

from delivery import accounts


class AlertsStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sns.Topic(self, "Alerts")


class SharedStage(cdk.Stage):
    """Takes its env from whoever makes it."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        AlertsStack(self, "Alerts")


class ProdStage(cdk.Stage):
    """Always in the production account; the caller only says which region."""

    def __init__(self, scope: Construct, construct_id: str, *, region: str) -> None:
        super().__init__(
            scope,
            construct_id,
            env=cdk.Environment(account=accounts.PROD_ACCOUNT, region=region),
        )
        AlertsStack(self, "Alerts")
        AlertsStack(self, "Paging")
