// Pattern: the Assets stage: a custom construct class (StaticSite) with a BucketDeployment and an auto-delete bucket, Lambda Code.fromAsset, DockerImageFunction, ContainerImage.fromAsset and an s3 Asset, in two stages.
import * as cdk from 'aws-cdk-lib';
import { CodePipeline, CodePipelineSource, ShellStep } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { WebStage } from './web-stage';

export class ShopPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      dockerEnabledForSynth: true,
      synth: new ShellStep('Synth', {
        input: CodePipelineSource.gitHub('shop/web', 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    pipeline.addStage(new WebStage(this, 'Staging', {
      env: { account: '222222222222', region: 'us-east-1' },
    }));
    pipeline.addStage(new WebStage(this, 'Prod', {
      env: { account: '333333333333', region: 'us-east-1' },
    }));
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/us-east-1 xacct=true
// source gitHub shop/web main
// synth Synth ShellStep
// stage Staging env=222222222222/us-east-1 stacks=[Frontend,Backend] pre=[] post=[]
// stage Prod env=333333333333/us-east-1 stacks=[Frontend,Backend] pre=[] post=[]
