import * as cdk from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROD_ACCOUNT } from './accounts';

class QueueStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sqs.Queue(this, 'Jobs');
  }
}

/** Environment-agnostic unless its maker passes an env. */
export class ToolsStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new QueueStack(this, 'Tools');
  }
}

export interface RegionalStageProps extends cdk.StageProps {
  readonly region: string;
}

/** Always in the production account: only the region is the caller's. */
export class RegionalStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props: RegionalStageProps) {
    super(scope, id, { ...props, env: { account: PROD_ACCOUNT, region: props.region } });
    new QueueStack(this, 'Workers');
  }
}
