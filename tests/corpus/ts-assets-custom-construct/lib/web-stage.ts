import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { StaticSite } from './constructs/static-site';

class FrontendStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new StaticSite(this, 'Site', { sourceDir: 'site' });
  }
}

class BackendStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new lambda.Function(this, 'Api', {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '../lambda/api')),
    });
    new lambda.DockerImageFunction(this, 'Renderer', {
      code: lambda.DockerImageCode.fromImageAsset(path.join(__dirname, '../docker/renderer')),
    });
    const task = new ecs.FargateTaskDefinition(this, 'Jobs');
    task.addContainer('renderer', {
      image: ecs.ContainerImage.fromAsset(path.join(__dirname, '../docker/renderer')),
      memoryLimitMiB: 512,
    });
    new Asset(this, 'RuntimeConfig', { path: path.join(__dirname, '../data/config.json') });
  }
}

export class WebStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new FrontendStack(this, 'Frontend');
    new BackendStack(this, 'Backend');
  }
}
