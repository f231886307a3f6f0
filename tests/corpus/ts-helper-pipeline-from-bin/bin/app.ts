#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { ManualApprovalStep } from 'aws-cdk-lib/pipelines';
import { ApplicationStage } from '../lib/app-stage';
import { EventsPipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
const pipelineStack = new EventsPipelineStack(app, 'EventsPipeline', {
  env: { account: '999999999999', region: 'eu-west-3' },
});

const dev = new ApplicationStage(app, 'Dev', {
  env: { account: '111111111111', region: 'eu-west-3' },
});
pipelineStack.pipeline.addStage(dev);

const prod = new ApplicationStage(app, 'Prod', {
  env: { account: '333333333333', region: 'eu-west-3' },
});
pipelineStack.pipeline.addStage(prod, { pre: [new ManualApprovalStep('Promote')] });

pipelineStack.grantAudit();
app.synth();
