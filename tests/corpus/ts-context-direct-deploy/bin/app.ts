#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { MetricsPipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new MetricsPipelineStack(app, 'MetricsPipeline', {
  env: { account: '999999999999', region: 'sa-east-1' },
});
app.synth();
