from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_lambda as lambda_
from constructs import Construct


class MediaWorker(Construct):
    """A container worker plus its Lambda helpers: every asset of this app is created here."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.image = ecr_assets.DockerImageAsset(self, "WorkerImage", directory="docker/worker")
        task = ecs.FargateTaskDefinition(self, "Task", cpu=256, memory_limit_mib=512)
        task.add_container("worker", image=ecs.ContainerImage.from_asset("docker/worker"))
        lambda_.DockerImageFunction(
            self, "Resize", code=lambda_.DockerImageCode.from_image_asset("docker/fn")
        )
        lambda_.Function(
            self,
            "Notify",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=lambda_.Code.from_asset("lambda/notify"),
        )
