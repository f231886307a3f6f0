// Pattern: the live pipeline (imported by bin/app.ts); lib/old-pipeline-stack.ts next to it is a dead pipeline file that nothing imports.
import * as cdk from 'aws-cdk-lib';
import { CodePipeline, CodePipelineSource, ShellStep } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { InventoryStage } from './app-stage';

export class InventoryPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new CodePipeline(this, 'Pipeline', {
      synth: new ShellStep('Synth', {
        input: CodePipelineSource.gitHub('warehouse/inventory', 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    pipeline.addStage(new InventoryStage(this, 'Prod', {
      env: { account: '999999999999', region: 'us-east-2' },
    }));
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/us-east-2 xacct=false
// source gitHub warehouse/inventory main
// synth Synth ShellStep
// stage Prod env=999999999999/us-east-2 stacks=[Inventory] pre=[] post=[]
