// A service built on a base image: the image repository is an additional input of the synth,
// and the one-stack stage runs an acceptance test after it deploys.
import * as cdk from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';

export class ServiceStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sqs.Queue(this, 'Work');
  }
}

export class ServiceStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new ServiceStack(this, 'Service');
  }
}

export class ImagePipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const baseImage = ecr.Repository.fromRepositoryName(this, 'BaseImage', 'platform/base-image');
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.connection('platform/image-service', 'main', {
          connectionArn: 'arn:aws:codestar-connections:us-east-1:999999999999:connection/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        }),
        additionalInputs: {
          image: pipelines.CodePipelineSource.ecr(baseImage),
        },
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    pipeline.addStage(new ServiceStage(this, 'Dev', {
      env: { account: '111111111111', region: 'us-east-1' },
    }));
    pipeline.addStage(new ServiceStage(this, 'Prod', {
      env: { account: '333333333333', region: 'us-east-1' },
    }), {
      post: [
        new pipelines.CodeBuildStep('Acceptance', { commands: ['npm run acceptance'] }),
      ],
    });
  }
}
