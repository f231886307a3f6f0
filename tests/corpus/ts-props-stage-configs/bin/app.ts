#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { StageConfig, WorkPipelineStack } from '../lib/pipeline-stack';

const stages: StageConfig[] = [
  { name: 'Dev', account: '111111111111', region: 'ap-south-1' },
  { name: 'Prod', account: '333333333333', region: 'ap-south-1', requiresApproval: true },
];

const app = new cdk.App();
new WorkPipelineStack(app, 'WorkPipeline', {
  env: { account: '999999999999', region: 'ap-south-1' },
  stages,
  auditAccount: '555555555555',
});
app.synth();
