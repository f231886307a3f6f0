// Pattern: the pipeline stack lives inside a Stage (`Tooling`), so its construct path is Tooling/PipelineStack/Pipeline; one app stage is nested in Tooling, one is top-level.
import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';

class ArchiveStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new s3.Bucket(this, 'Archive', { versioned: true });
  }
}

export class ArchiveStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new ArchiveStack(this, 'Archive');
  }
}

export class PipelineStack extends cdk.Stack {
  public readonly pipeline: pipelines.CodePipeline;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.gitHub('records/archive', 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
  }
}

/** Everything the tooling account runs, as one Stage. */
export class ToolingStage extends cdk.Stage {
  public readonly pipelineStack: PipelineStack;

  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    this.pipelineStack = new PipelineStack(this, 'PipelineStack');
    this.pipelineStack.pipeline.addStage(new ArchiveStage(this, 'Beta', {
      env: { account: '222222222222', region: 'eu-west-1' },
    }));
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// The pipeline stack inherits the Tooling Stage's env; Beta, made inside Tooling, is the pipeline stage Tooling-Beta.
// expect:
// pipeline Pipeline CodePipeline env=999999999999/eu-west-1 xacct=true
// source gitHub records/archive main
// synth Synth ShellStep
// stage Beta name=Tooling-Beta env=222222222222/eu-west-1 stacks=[Archive] pre=[] post=[]
// stage Prod env=333333333333/eu-west-1 stacks=[Archive] pre=[] post=[]
