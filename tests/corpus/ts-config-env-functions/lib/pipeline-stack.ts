// Pattern: the env of every stage computed by functions of another module (`envFor`, an arrow function `accountFor`, a static method `Regions.forStage`), called in nested forEach loops; the module imported by name and whole.
import * as cdk from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { envFor, Regions } from './environments';

class OrdersStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sqs.Queue(this, 'Orders');
    new sns.Topic(this, 'OrderEvents');
  }
}

class OrdersStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new OrdersStack(this, 'Orders');
  }
}

export class OrdersPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new ShellStep('Synth', {
        input: CodePipelineSource.gitHub('orders-team/orders', 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });

    ['Dev', 'QA', 'Prod'].forEach((stage) => {
      const wave = pipeline.addWave(stage);
      if (stage === 'Prod') {
        wave.addPre(new ManualApprovalStep('PromoteToProd'));
      }
      Regions.forStage(stage).forEach((region) => {
        wave.addStage(new OrdersStage(this, `${stage}-${region}`, { env: envFor(stage, region) }));
      });
    });
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=333333333333/us-east-2 xacct=true
// source gitHub orders-team/orders main
// synth Synth ShellStep
// wave Dev pre=[] post=[]
// wave QA pre=[] post=[]
// wave Prod pre=[PromoteToProd] post=[]
// stage Dev/Dev-us-east-2 env=111111111111/us-east-2 stacks=[Orders] pre=[] post=[]
// stage QA/QA-us-east-2 env=222222222222/us-east-2 stacks=[Orders] pre=[] post=[]
// stage Prod/Prod-us-east-2 env=333333333333/us-east-2 stacks=[Orders] pre=[] post=[]
// stage Prod/Prod-eu-central-1 env=333333333333/eu-central-1 stacks=[Orders] pre=[] post=[]
