# Pattern: a loop over a list of dicts of stage settings, an `if` on a known flag per stage and on a module constant.
import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_sqs as sqs
from aws_cdk import pipelines
from constructs import Construct

TOOLING = {"account": "999999999999", "region": "ca-central-1"}

ENVIRONMENTS = [
    {"name": "Dev", "account": "111111111111", "region": "ca-central-1", "approval": False},
    {"name": "Uat", "account": "222222222222", "region": "ca-central-1", "approval": False},
    {"name": "Prod", "account": "333333333333", "region": "ca-central-1", "approval": True},
]

ENABLE_DR = False


class SchedulerStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        events.EventBus(self, "Bus")
        sqs.Queue(self, "DeadLetters")


class SchedulerStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        SchedulerStack(self, "Scheduler")


class SchedulerPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            cross_account_keys=True,
            docker_enabled_for_synth=False,
            synth=pipelines.ShellStep(
                "Synth",
                input=pipelines.CodePipelineSource.git_hub("platform/scheduler", "trunk"),
                commands=["npx cdk synth"],
            ),
        )

        for env in ENVIRONMENTS:
            pre = []
            if env["approval"]:
                pre.append(pipelines.ManualApprovalStep(f"Approve{env['name']}"))
            pipeline.add_stage(
                SchedulerStage(
                    self,
                    env["name"],
                    env=cdk.Environment(account=env["account"], region=env["region"]),
                ),
                pre=pre,
                post=[pipelines.ShellStep("Check", commands=[f"./check.sh {env['name']}"])],
            )

        if ENABLE_DR:
            pipeline.add_stage(
                SchedulerStage(self, "Dr", env=cdk.Environment(account="444444444444", region="us-east-1"))
            )


app = cdk.App()
SchedulerPipelineStack(app, "SchedulerPipeline", env=cdk.Environment(**TOOLING))
app.synth()

# What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
# expect:
# pipeline Pipeline CodePipeline env=999999999999/ca-central-1 xacct=true
# source gitHub platform/scheduler trunk
# synth Synth ShellStep
# stage Dev env=111111111111/ca-central-1 stacks=[Scheduler] pre=[] post=[Check]
# stage Uat env=222222222222/ca-central-1 stacks=[Scheduler] pre=[] post=[Check]
# stage Prod env=333333333333/ca-central-1 stacks=[Scheduler] pre=[ApproveProd] post=[Check]
