// The multi-account pipeline from before the consolidation. Nothing imports it: it is not part
// of the app (and without crossAccountKeys it would not synthesize).
import * as cdk from 'aws-cdk-lib';
import { CodePipeline, CodePipelineSource, ShellStep } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { InventoryStage } from './app-stage';

export class OldInventoryPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new CodePipeline(this, 'OldPipeline', {
      synth: new ShellStep('Synth', {
        input: CodePipelineSource.gitHub('warehouse/inventory', 'legacy'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    pipeline.addStage(new InventoryStage(this, 'Test', {
      env: { account: '111111111111', region: 'us-east-2' },
    }));
    pipeline.addStage(new InventoryStage(this, 'Prod', {
      env: { account: '333333333333', region: 'us-east-2' },
    }));
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// Nothing reachable from cdk.json's app imports this file: its stack is never made, so its env is unknown, and no diagnostic may say the app fails.
// expect:
// pipeline OldPipeline CodePipeline env=unknown xacct=false
// source gitHub warehouse/inventory legacy
// synth Synth ShellStep
// stage Test env=111111111111/us-east-2 stacks=[Inventory] pre=[] post=[]
// stage Prod env=333333333333/us-east-2 stacks=[Inventory] pre=[] post=[]
