#!/usr/bin/env node
const cdk = require('aws-cdk-lib');
const { PIPELINE_ENV } = require('../lib/config');
const { TasksPipelineStack } = require('../lib/pipeline-stack');

const app = new cdk.App();
new TasksPipelineStack(app, 'TasksPipeline', { env: PIPELINE_ENV });
app.synth();
