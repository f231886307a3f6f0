#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { PagerPipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new PagerPipelineStack(app, 'PagerPipeline', { env: { account: '999999999999', region: 'us-west-2' } });
app.synth();
