// Pattern: waves over regions, StageDeployment handles kept in an array and given addPre/addPost later, stackSteps and a ConfirmPermissionsBroadening, action order inside one runOrder (insertion order, not names).
import * as cdk from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';

const ACCOUNT = '333333333333';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

class PaymentsStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new dynamodb.TableV2(this, 'Payments', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    });
  }
}

class ApiStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sns.Topic(this, 'Webhooks');
  }
}

class CheckoutStage extends cdk.Stage {
  public readonly api: ApiStack;
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new PaymentsStack(this, 'Payments');
    this.api = new ApiStack(this, 'Api');
  }
}

function stageId(region: string): string {
  return region.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

export class CheckoutPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.gitHub('payments/checkout', 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });

    const beta = new CheckoutStage(this, 'Beta', { env: { account: '222222222222', region: 'us-east-1' } });
    const betaDeployment = pipeline.addStage(beta);
    betaDeployment.addPost(new pipelines.ShellStep('Integ', { commands: ['npm run integ'] }));
    betaDeployment.addPre(new pipelines.ConfirmPermissionsBroadening('Security', { stage: beta }));

    const wave = pipeline.addWave('Prod', { pre: [new pipelines.ManualApprovalStep('Release')] });
    const deployments: pipelines.StageDeployment[] = [];
    for (const region of REGIONS) {
      const stage = new CheckoutStage(this, `Prod${stageId(region)}`, { env: { account: ACCOUNT, region } });
      deployments.push(wave.addStage(stage, {
        stackSteps: [{
          stack: stage.api,
          post: [new pipelines.ShellStep('ApiSmoke', { commands: ['npm run smoke'] })],
        }],
      }));
    }
    deployments[0].addPre(new pipelines.ShellStep('Canary', { commands: ['npm run canary'] }));
    deployments.forEach((d) => d.addPost(new pipelines.ManualApprovalStep('Confirm')));
    wave.addPost(new pipelines.ShellStep('Report', { commands: ['npm run report'] }));
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/us-east-1 xacct=true
// source gitHub payments/checkout main
// synth Synth ShellStep
// wave Prod pre=[Release] post=[Report]
// stage Beta env=222222222222/us-east-1 stacks=[Payments,Api] pre=[Security] post=[Integ]
// stage Prod/ProdUsEast1 env=333333333333/us-east-1 stacks=[Payments,Api] pre=[Canary] post=[Confirm]
// stacksteps Prod/ProdUsEast1/Api pre=[] changeset=[] post=[ApiSmoke]
// stage Prod/ProdEuWest1 env=333333333333/eu-west-1 stacks=[Payments,Api] pre=[] post=[Confirm]
// stacksteps Prod/ProdEuWest1/Api pre=[] changeset=[] post=[ApiSmoke]
// stage Prod/ProdApSoutheast2 env=333333333333/ap-southeast-2 stacks=[Payments,Api] pre=[] post=[Confirm]
// stacksteps Prod/ProdApSoutheast2/Api pre=[] changeset=[] post=[ApiSmoke]
