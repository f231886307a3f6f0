// Pattern: an account map imported from lib/config.ts, Object.entries(...).forEach, an `if` on the key, addPre/addPost on the StageDeployment handle.
import * as cdk from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { ACCOUNTS, CONNECTION_ARN, REPOSITORY } from './config';

class LedgerStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sqs.Queue(this, 'Transfers');
    new s3.Bucket(this, 'Statements');
  }
}

class LedgerStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new LedgerStack(this, 'Ledger');
  }
}

export class LedgerPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new ShellStep('Synth', {
        input: CodePipelineSource.connection(REPOSITORY, 'main', { connectionArn: CONNECTION_ARN }),
        commands: ['npm ci', 'npm run build', 'npx cdk synth'],
      }),
    });

    Object.entries(ACCOUNTS).forEach(([name, account]) => {
      const deployment = pipeline.addStage(
        new LedgerStage(this, name, { env: { account, region: 'us-east-1' } }),
      );
      if (name === 'prod') {
        deployment.addPre(new ManualApprovalStep('PromoteToProd'));
      }
      deployment.addPost(new ShellStep('Smoke', { commands: [`npm run smoke -- ${name}`] }));
    });
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/us-east-1 xacct=true
// source connection payments-team/ledger-api main
// synth Synth ShellStep
// stage dev env=111111111111/us-east-1 stacks=[Ledger] pre=[] post=[Smoke]
// stage staging env=222222222222/us-east-1 stacks=[Ledger] pre=[] post=[Smoke]
// stage prod env=333333333333/us-east-1 stacks=[Ledger] pre=[PromoteToProd] post=[Smoke]
