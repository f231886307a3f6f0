#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { ShopPipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new ShopPipelineStack(app, 'ShopPipeline', { env: { account: '999999999999', region: 'us-east-1' } });
app.synth();
