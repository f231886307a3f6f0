#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import * as environments from '../lib/environments';
import { OrdersPipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new OrdersPipelineStack(app, 'OrdersPipeline', {
  env: environments.envFor('prod', environments.HOME_REGION),
});
app.synth();
