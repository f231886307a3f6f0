import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

class StorageStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new s3.Bucket(this, 'Data');
  }
}

class QueueStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sqs.Queue(this, 'Jobs');
  }
}

export class ServiceStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new StorageStack(this, 'Storage');
    new QueueStack(this, 'Queue');
  }
}

export interface Target {
  name: string;
  account: string;
  region: string;
}

/** The service's Stage for one target, as every pipeline of the team makes it. */
export function serviceStage(scope: Construct, target: Target): ServiceStage {
  return new ServiceStage(scope, target.name, {
    env: { account: target.account, region: target.region },
  });
}
