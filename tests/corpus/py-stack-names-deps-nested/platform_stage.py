import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from constructs import Construct


class NetworkStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.logs = s3.Bucket(self, "AccessLogs")


class DatabaseStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.table = dynamodb.Table(
            self, "Accounts", partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING)
        )


class ApiStack(cdk.Stack):
    """Uses the other stacks' resources: CDK makes it depend on both."""

    def __init__(self, scope: Construct, construct_id: str, *, table: dynamodb.ITable, logs: s3.IBucket, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ssm.StringParameter(self, "TableName", string_value=table.table_name)
        ssm.StringParameter(self, "LogBucket", string_value=logs.bucket_name)
        self.alarms = sns.Topic(self, "Alarms")


class MonitoringStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, *, alarms: sns.ITopic, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ssm.StringParameter(self, "AlarmTopic", string_value=alarms.topic_arn)


class CdnStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        s3.Bucket(self, "EdgeCache")


class EdgeStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        CdnStack(self, "Cdn", stack_name="edge-cdn")


class PlatformStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        network = NetworkStack(self, "Network", stack_name="platform-network")
        database = DatabaseStack(self, "Database")
        api = ApiStack(self, "Api", table=database.table, logs=network.logs)
        MonitoringStack(self, "Monitoring", alarms=api.alarms, stack_name=f"{self.stage_name}-observability")
        self.edge = EdgeStage(self, "Edge")
