# Pattern: a factory function of another module (a package's) makes each Stage with the pipeline stack (`self`) as its scope, with a default argument; a dict of targets, an approval on the Prod stage's handle.
import aws_cdk as cdk
from aws_cdk import pipelines
from constructs import Construct

from infra.stages import service_stage

TARGETS = {
    "Beta": "111111111111",
    "Gamma": "222222222222",
    "Prod": "333333333333",
}


class ServicePipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("service-team/service", "main"),
                commands=["pip install -r requirements.txt", "npx cdk synth"],
            ),
        )
        for name, account in TARGETS.items():
            deployment = pipeline.add_stage(service_stage(self, name, account))
            if name == "Prod":
                deployment.add_pre(pipelines.ManualApprovalStep("Approve"))


app = cdk.App()
ServicePipelineStack(
    app, "ServicePipeline", env=cdk.Environment(account="999999999999", region="us-west-2")
)
app.synth()

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/us-west-2 xacct=true
# source gitHub service-team/service main
# synth Synth ShellStep
# stage Beta env=111111111111/us-west-2 stacks=[Storage,Queue] pre=[] post=[]
# stage Gamma env=222222222222/us-west-2 stacks=[Storage,Queue] pre=[] post=[]
# stage Prod env=333333333333/us-west-2 stacks=[Storage,Queue] pre=[Approve] post=[]
