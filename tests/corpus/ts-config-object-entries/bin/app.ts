#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { PIPELINE_ENV } from '../lib/config';
import { LedgerPipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new LedgerPipelineStack(app, 'LedgerPipeline', { env: PIPELINE_ENV });
app.synth();
