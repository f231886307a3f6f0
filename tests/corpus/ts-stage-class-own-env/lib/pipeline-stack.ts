import * as cdk from 'aws-cdk-lib';
import { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { PROD_REGIONS } from './accounts';
import { RegionalStage, ToolsStage } from './stages';

export class JobsPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new ShellStep('Synth', {
        input: CodePipelineSource.gitHub('ops/jobs', 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    pipeline.addStage(new ToolsStage(this, 'Tools'));
    // Beside the pipeline: its own stack's account and region.
    pipeline.addStage(new ToolsStage(this, 'Canary', { env: { account: this.account, region: this.region } }));
    const prod = pipeline.addWave('Prod', { pre: [new ManualApprovalStep('Release')] });
    PROD_REGIONS.forEach((region) => {
      prod.addStage(new RegionalStage(this, `Prod-${region}`, { region }));
    });
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/us-east-2 xacct=true
// source gitHub ops/jobs main
// synth Synth ShellStep
// wave Prod pre=[Release] post=[]
// stage Tools env=missing stacks=[Tools] pre=[] post=[]
// stage Canary env=999999999999/us-east-2 stacks=[Tools] pre=[] post=[]
// stage Prod/Prod-us-east-2 env=333333333333/us-east-2 stacks=[Workers] pre=[] post=[]
// stage Prod/Prod-eu-central-1 env=333333333333/eu-central-1 stacks=[Workers] pre=[] post=[]
// diag missing-env 17
