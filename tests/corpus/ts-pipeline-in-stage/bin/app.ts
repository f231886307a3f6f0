#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { ArchiveStage, ToolingStage } from '../lib/tooling-stage';

const app = new cdk.App();
const tooling = new ToolingStage(app, 'Tooling', {
  env: { account: '999999999999', region: 'eu-west-1' },
});
tooling.pipelineStack.pipeline.addStage(new ArchiveStage(app, 'Prod', {
  env: { account: '333333333333', region: 'eu-west-1' },
}));
app.synth();
