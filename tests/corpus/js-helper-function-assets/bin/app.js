#!/usr/bin/env node
const cdk = require('aws-cdk-lib');
const { IngestPipelineStack } = require('../lib/pipeline');

const app = new cdk.App();
new IngestPipelineStack(app, 'IngestPipeline', { env: { account: '999999999999', region: 'us-east-1' } });
app.synth();
