// Pattern: the pipeline is built inside a wrapper Construct of a Stack that has the env, on an existing codepipeline.Pipeline (`codePipeline:`, its artifact bucket has a KMS key); package.json gives the aws-cdk-lib version.
import * as cdk from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';

export interface DeliveryPipelineProps {
  readonly repo: string;
  readonly branch?: string;
}

/** The platform team's pipeline: our CodePipeline conventions, with CDK Pipelines on top. */
export class DeliveryPipeline extends Construct {
  public readonly pipeline: pipelines.CodePipeline;

  constructor(scope: Construct, id: string, props: DeliveryPipelineProps) {
    super(scope, id);
    const codePipeline = new codepipeline.Pipeline(this, 'CodePipeline', {
      pipelineName: `${cdk.Stack.of(this).stackName}-delivery`,
      restartExecutionOnUpdate: true,
    });
    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      codePipeline,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.gitHub(props.repo, props.branch ?? 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// xacct=true: the given codepipeline.Pipeline makes its artifact bucket with a KMS key (crossAccountKeys defaults to true without the crossAccountKeysDefaultValueToFalse flag).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/us-west-2 xacct=true
// source gitHub sre/pager main
// synth Synth ShellStep
// stage Staging env=222222222222/us-west-2 stacks=[Pager] pre=[] post=[]
// stage Prod env=333333333333/us-west-2 stacks=[Pager] pre=[Approve] post=[]
