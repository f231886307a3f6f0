#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { IdentityPipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new IdentityPipelineStack(app, 'IdentityPipeline', {
  env: { account: '999999999999', region: 'eu-west-1' },
});
app.synth();
