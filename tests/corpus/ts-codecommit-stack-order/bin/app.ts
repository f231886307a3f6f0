#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { OrdersPipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new OrdersPipelineStack(app, 'OrdersPipeline', {
  env: { account: '999999999999', region: 'ap-southeast-2' },
});
app.synth();
