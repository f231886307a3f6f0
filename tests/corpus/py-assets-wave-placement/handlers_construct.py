from aws_cdk import aws_lambda as lambda_
from constructs import Construct


class Handlers(Construct):
    """One function per handler folder."""

    def __init__(self, scope: Construct, construct_id: str, *, names: list) -> None:
        super().__init__(scope, construct_id)
        for name in names:
            lambda_.Function(
                self,
                name.title(),
                runtime=lambda_.Runtime.PYTHON_3_12,
                handler="index.handler",
                code=lambda_.Code.from_asset(f"handlers/{name}"),
            )
