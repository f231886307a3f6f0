#!/usr/bin/env node
const cdk = require('aws-cdk-lib');
const { SearchPipelineStack } = require('../lib/pipeline-stack');

const app = new cdk.App();
new SearchPipelineStack(app, 'SearchPipeline', { env: { account: '999999999999', region: 'us-east-1' } });
app.synth();
