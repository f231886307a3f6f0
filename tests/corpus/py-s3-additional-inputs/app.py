#!/usr/bin/env python3
"""Reports: the source is a zip in S3, shared config from GitHub, a CodeBuildStep synth,
an environment-agnostic sandbox and a pinned production."""
import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from aws_cdk import pipelines
from constructs import Construct


class ReportsStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        sqs.Queue(self, "Reports")


class ReportsStage(cdk.Stage):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ReportsStack(self, "Reports")


class ReportsPipelineStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        bucket = s3.Bucket.from_bucket_name(self, "SourceBucket", "acme-reports-source")
        pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            synth=pipelines.CodeBuildStep(
                "SynthReports",
                input=pipelines.CodePipelineSource.s3(bucket, "reports/app.zip"),
                additional_inputs={
                    "../shared": pipelines.CodePipelineSource.git_hub("acme/shared-config", "main"),
                },
                commands=["npx cdk synth"],
            ),
        )
        pipeline.add_stage(ReportsStage(self, "Sandbox"))
        pipeline.add_stage(
            ReportsStage(self, "Production", env=cdk.Environment(account="999999999999", region="ca-central-1")),
            pre=[pipelines.ManualApprovalStep("GoLive")],
        )


app = cdk.App()
ReportsPipelineStack(app, "ReportsPipeline", env=cdk.Environment(account="999999999999", region="ca-central-1"))
app.synth()
