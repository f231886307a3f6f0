// Orders: CodeCommit source; three stacks that must deploy in order (explicit dependencies),
// and a fourth that does not wait.
import * as cdk from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';

class TopicStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sns.Topic(this, 'Topic');
  }
}

class QueueStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sqs.Queue(this, 'Queue');
  }
}

class OrdersStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    const base = new TopicStack(this, 'Base');
    const data = new QueueStack(this, 'Data');
    const api = new QueueStack(this, 'Api');
    new TopicStack(this, 'Audit');
    data.addDependency(base);
    api.addDependency(data);
  }
}

export class OrdersPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const repo = codecommit.Repository.fromRepositoryName(this, 'Repo', 'orders-service');
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new pipelines.CodeBuildStep('Synth', {
        input: pipelines.CodePipelineSource.codeCommit(repo, 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    pipeline.addStage(new OrdersStage(this, 'Test', {
      env: { account: '111111111111', region: 'ap-southeast-2' },
    }));
    pipeline.addStage(new OrdersStage(this, 'Prod', {
      env: { account: '333333333333', region: 'ap-southeast-2' },
    }), {
      pre: [new pipelines.ManualApprovalStep('Promote')],
      post: [new pipelines.ShellStep('Smoke', { commands: ['npm run smoke'] })],
    });
  }
}
