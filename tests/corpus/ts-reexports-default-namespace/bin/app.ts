#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { Accounts, CatalogPipelineStack, Region } from '../lib';

const app = new App();
new CatalogPipelineStack(app, 'CatalogPipeline', {
  env: { account: Accounts.tooling, region: Region.Primary },
});
app.synth();
