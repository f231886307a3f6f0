#!/usr/bin/env node
// CDK app for the payments service: one self-mutating pipeline that deploys it.
import * as cdk from 'aws-cdk-lib';
import { PipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();

// The pipeline lives in the shared tooling account; it deploys the service into
// the dev, staging and prod accounts (see lib/pipeline-stack.ts).
new PipelineStack(app, 'PaymentsPipeline', {
  env: { account: '999999999999', region: 'us-east-1' },
});

app.synth();
