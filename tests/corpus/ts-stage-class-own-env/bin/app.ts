#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { HOME_REGION, TOOLING_ACCOUNT } from '../lib/accounts';
import { JobsPipelineStack } from '../lib/pipeline-stack';

const app = new cdk.App();
new JobsPipelineStack(app, 'JobsPipeline', {
  env: { account: TOOLING_ACCOUNT, region: HOME_REGION },
});
app.synth();
// Pattern: a Stage class that sets its own account in its super() call over a spread of its
// props (the caller passes only a region), and a Stage class made without props (so without
// an env: its stacks deploy where the pipeline is); constants in another module, forEach
// into a wave with a manual approval.
