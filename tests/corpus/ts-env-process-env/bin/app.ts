#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { REGION, TOOLING_ACCOUNT } from '../lib/accounts';
import { RenderPipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new RenderPipelineStack(app, 'RenderPipeline', { env: { account: TOOLING_ACCOUNT, region: REGION } });
app.synth();
