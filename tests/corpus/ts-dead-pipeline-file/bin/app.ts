#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { InventoryPipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new InventoryPipelineStack(app, 'InventoryPipeline', {
  env: { account: '999999999999', region: 'us-east-2' },
});
app.synth();
