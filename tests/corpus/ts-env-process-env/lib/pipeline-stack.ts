// Pattern: envs known only when the app runs (an imported process.env value, an account read from accounts.json by a function, process.env || default inline): those stages must be uncertain.
import * as cdk from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { QA_ACCOUNT, REGION, accountFor } from './accounts';

class RenderStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sqs.Queue(this, 'Renders');
  }
}

class RenderStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new RenderStack(this, 'Render');
  }
}

export class RenderPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new ShellStep('Synth', {
        input: CodePipelineSource.gitHub('media/render', 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    pipeline.addStage(new RenderStage(this, 'Qa', { env: { account: QA_ACCOUNT, region: REGION } }));
    pipeline.addStage(new RenderStage(this, 'Staging', {
      env: { account: accountFor('staging'), region: REGION },
    }));
    pipeline.addStage(new RenderStage(this, 'Prod', {
      env: { account: accountFor('prod'), region: process.env.PROD_REGION || REGION },
    }), { pre: [new ManualApprovalStep('Approve')] });
    // Written out in full: known.
    pipeline.addStage(new RenderStage(this, 'Dr', {
      env: { account: '444444444444', region: 'ap-southeast-2' },
    }));
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/ap-southeast-1 xacct=true
// source gitHub media/render main
// synth Synth ShellStep
// stage Qa env=?/ap-southeast-1 stacks=[Render] pre=[] post=[]
// stage Staging env=?/ap-southeast-1 stacks=[Render] pre=[] post=[]
// stage Prod env=?/? stacks=[Render] pre=[Approve] post=[]
// stage Dr env=444444444444/ap-southeast-2 stacks=[Render] pre=[] post=[]
