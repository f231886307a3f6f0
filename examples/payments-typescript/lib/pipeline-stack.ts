// The delivery pipeline for the payments service.
import * as cdk from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { PaymentsStage } from './service-stage';

const CONNECTION_ARN =
  'arn:aws:codestar-connections:us-east-1:999999999999:connection/00000000-0000-0000-0000-000000000000';

export class PipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);

    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineName: 'payments',
      // Every stage deploys to another account.
      crossAccountKeys: true,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.connection('acme/payments', 'main', {
          connectionArn: CONNECTION_ARN,
        }),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });

    pipeline.addStage(new PaymentsStage(this, 'Dev', {
      env: { account: '111111111111', region: 'us-east-1' },
    }));

    const staging = new PaymentsStage(this, 'Staging', {
      env: { account: '222222222222', region: 'us-east-1' },
    });
    pipeline.addStage(staging, {
      post: [
        new pipelines.ShellStep('IntegrationTests', {
          commands: ['npm ci', 'npm run test:integration'],
        }),
      ],
    });

    // Production: both regions roll out together, after a human says so.
    const prod = pipeline.addWave('Prod', {
      pre: [new pipelines.ManualApprovalStep('PromoteToProd')],
    });
    prod.addStage(new PaymentsStage(this, 'ProdUsEast1', {
      env: { account: '333333333333', region: 'us-east-1' },
    }));
    prod.addStage(new PaymentsStage(this, 'ProdEuWest1', {
      env: { account: '333333333333', region: 'eu-west-1' },
    }));
  }
}
