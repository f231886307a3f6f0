import * as cdk from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface ServiceStageProps extends cdk.StageProps {
  /** The account that receives every stage's audit events. */
  readonly auditAccount: string;
}

class WorkStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sqs.Queue(this, 'Work');
  }
}

class AuditStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props: cdk.StackProps) {
    super(scope, id, props);
    new sns.Topic(this, 'AuditEvents');
  }
}

export class ServiceStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props: ServiceStageProps) {
    super(scope, id, props);
    new WorkStack(this, 'Work', { env: props.env });
    new AuditStack(this, 'Audit', {
      env: { account: props.auditAccount, region: props.env?.region },
    });
  }
}
