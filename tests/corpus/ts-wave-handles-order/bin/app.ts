#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { CheckoutPipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new CheckoutPipelineStack(app, 'CheckoutPipeline', {
  env: { account: '999999999999', region: 'us-east-1' },
});
app.synth();
