#!/usr/bin/env python3
"""CDK app for the payments service: one self-mutating pipeline that deploys it."""
import aws_cdk as cdk

from payments.pipeline_stack import PipelineStack

app = cdk.App()

# The pipeline lives in the shared tooling account; it deploys the service into
# the dev, staging and prod accounts (see payments/pipeline_stack.py).
PipelineStack(
    app,
    "PaymentsPipeline",
    env=cdk.Environment(account="999999999999", region="us-east-1"),
)

app.synth()
