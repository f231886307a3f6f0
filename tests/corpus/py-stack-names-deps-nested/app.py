# Pattern: explicit stack_name, stack dependencies from cross-stack references (a stack given another's table/bucket/topic), a Stage nested in a Stage added on its own.
import aws_cdk as cdk
from aws_cdk import pipelines
from constructs import Construct

from platform_stage import PlatformStage


class PlatformPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("core/platform", "main"),
                commands=["npx cdk synth"],
            ),
        )
        beta = PlatformStage(self, "Beta", env=cdk.Environment(account="222222222222", region="us-east-2"))
        pipeline.add_stage(beta, post=[pipelines.ShellStep("IntegrationTests", commands=["make integ"])])
        pipeline.add_stage(beta.edge)

        prod = PlatformStage(self, "Prod", env=cdk.Environment(account="333333333333", region="us-east-2"))
        pipeline.add_stage(prod, pre=[pipelines.ManualApprovalStep("Promote")])
        pipeline.add_stage(prod.edge)


app = cdk.App()
PlatformPipelineStack(app, "PlatformPipeline", env=cdk.Environment(account="999999999999", region="us-east-2"))
app.synth()

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# Stages are named as the pipeline names them (a nested Stage's stageName is Outer-Inner); dependencies come from cross-stack references.
# expect:
# pipeline Pipeline CodePipeline env=999999999999/us-east-2 xacct=true
# source gitHub core/platform main
# synth Synth ShellStep
# stage Beta env=222222222222/us-east-2 stacks=[Network,Database,Api,Monitoring] pre=[] post=[IntegrationTests]
# depends Beta/Api on=[Database,Network]
# depends Beta/Monitoring on=[Api]
# stage Edge name=Beta-Edge env=222222222222/us-east-2 stacks=[Cdn] pre=[] post=[]
# stage Prod env=333333333333/us-east-2 stacks=[Network,Database,Api,Monitoring] pre=[Promote] post=[]
# depends Prod/Api on=[Database,Network]
# depends Prod/Monitoring on=[Api]
# stage Edge name=Prod-Edge env=333333333333/us-east-2 stacks=[Cdn] pre=[] post=[]
