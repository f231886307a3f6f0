// Identity service: a permission-broadening check before prod, a human reviews the database
// change set, a sign-off after.
import * as cdk from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';

class DatabaseStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new dynamodb.Table(this, 'Users', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });
  }
}

class WorkersStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sqs.Queue(this, 'Emails');
  }
}

export class IdentityStage extends cdk.Stage {
  public readonly database: DatabaseStack;
  public readonly workers: WorkersStack;

  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    this.database = new DatabaseStack(this, 'Database');
    this.workers = new WorkersStack(this, 'Workers');
  }
}

export class IdentityPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.gitHub('id-team/identity', 'trunk'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    pipeline.addStage(new IdentityStage(this, 'Staging', {
      env: { account: '222222222222', region: 'us-west-2' },
    }));
    const prod = new IdentityStage(this, 'Prod', {
      env: { account: '333333333333', region: 'us-west-2' },
    });
    pipeline.addStage(prod, {
      pre: [new pipelines.ConfirmPermissionsBroadening('Broadening', { stage: prod })],
      stackSteps: [
        {
          stack: prod.database,
          changeSet: [new pipelines.ManualApprovalStep('ReviewSchema')],
        },
      ],
      post: [new pipelines.ManualApprovalStep('SignOff', { comment: 'Confirm prod is healthy' })],
    });
  }
}
