import aws_cdk as cdk
from aws_cdk import pipelines
from constructs import Construct

from tenancy import accounts
from tenancy.stages import ApiStage, TrailStage


class TenancyPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("platform/tenancy", "main"),
                commands=["pip install -r requirements.txt", "npx cdk synth"],
            ),
        )
        wave = pipeline.add_wave("Tenants")
        for tenant in accounts.TENANTS:
            wave.add_stage(ApiStage(self, f"{tenant.title()}Api", tenant=tenant))
        pipeline.add_stage(
            TrailStage(
                self,
                "Trail",
                env=cdk.Environment(account=accounts.PIPELINE_ACCOUNT, region=accounts.REGION),
            )
        )

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/ca-central-1 xacct=true
# source gitHub platform/tenancy main
# synth Synth ShellStep
# wave Tenants pre=[] post=[]
# stage Tenants/AcmeApi env=111111111111/ca-central-1 stacks=[Api] pre=[] post=[]
# stage Tenants/GlobexApi env=222222222222/ca-central-1 stacks=[Api] pre=[] post=[]
# stage Trail env=444444444444/ca-central-1 stacks=[Trail] pre=[] post=[]
