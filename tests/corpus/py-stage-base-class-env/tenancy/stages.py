import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from constructs import Construct

from tenancy import accounts


class BucketStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        s3.Bucket(self, "Data")


class TenantStage(cdk.Stage):
    """Every tenant's stage deploys into that tenant's account."""

    def __init__(self, scope: Construct, construct_id: str, *, tenant: str, **kwargs) -> None:
        super().__init__(
            scope,
            construct_id,
            env=cdk.Environment(account=accounts.TENANTS[tenant], region=accounts.REGION),
            **kwargs,
        )


class ApiStage(TenantStage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        BucketStack(self, "Api")


class AuditedStage(cdk.Stage):
    """Whatever its maker says, it goes to the audit account."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        kwargs["env"] = cdk.Environment(account=accounts.AUDIT_ACCOUNT, region=accounts.REGION)
        super().__init__(scope, construct_id, **kwargs)


class TrailStage(AuditedStage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        BucketStack(self, "Trail")
