import * as cdk from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ManualApprovalStep } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { DeliveryPipeline } from './delivery-pipeline';

class PagerStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sns.Topic(this, 'Pager');
  }
}

class PagerStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new PagerStack(this, 'Pager');
  }
}

export class PagerPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const delivery = new DeliveryPipeline(this, 'Delivery', { repo: 'sre/pager' });
    delivery.pipeline.addStage(new PagerStage(this, 'Staging', {
      env: { account: '222222222222', region: 'us-west-2' },
    }));
    delivery.pipeline.addStage(new PagerStage(this, 'Prod', {
      env: { account: '333333333333', region: 'us-west-2' },
    }), { pre: [new ManualApprovalStep('Approve')] });
  }
}
