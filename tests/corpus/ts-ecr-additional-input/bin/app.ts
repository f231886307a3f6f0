#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { ImagePipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new ImagePipelineStack(app, 'ImagePipeline', {
  env: { account: '999999999999', region: 'us-east-1' },
});
app.synth();
