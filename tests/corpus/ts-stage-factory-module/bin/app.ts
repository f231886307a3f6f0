#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { ServicePipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new ServicePipelineStack(app, 'ServicePipeline', {
  env: { account: '999999999999', region: 'us-west-2' },
});
app.synth();
