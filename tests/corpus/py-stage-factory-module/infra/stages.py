"""The service's Stage, and how every pipeline of the team makes it for one target."""
import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class StorageStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        s3.Bucket(self, "Data")


class QueueStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sqs.Queue(self, "Jobs")


class ServiceStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        StorageStack(self, "Storage")
        QueueStack(self, "Queue")


def service_stage(scope: Construct, name: str, account: str, region: str = "us-west-2") -> ServiceStage:
    return ServiceStage(scope, name, env=cdk.Environment(account=account, region=region))
