// Pattern: the pipeline is created in a private method and stored in `this.pipeline`; bin/app.ts adds the stages through that attribute, then buildPipeline() and `pipeline.pipeline`.
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CodeBuildStep, CodePipeline, CodePipelineSource } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';

export class EventsPipelineStack extends cdk.Stack {
  public readonly pipeline: CodePipeline;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    this.pipeline = this.createPipeline();
  }

  private createPipeline(): CodePipeline {
    return new CodePipeline(this, 'Pipeline', {
      pipelineName: 'events',
      crossAccountKeys: true,
      synth: new CodeBuildStep('Synth', {
        input: CodePipelineSource.gitHub('integration/events', 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
  }

  /** Call after all stages are added: gives the pipeline's role access to the audit bus. */
  public grantAudit(): void {
    this.pipeline.buildPipeline();
    this.pipeline.pipeline.addToRolePolicy(new iam.PolicyStatement({
      actions: ['events:PutEvents'],
      resources: ['*'],
    }));
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/eu-west-3 xacct=true
// source gitHub integration/events main
// synth Synth CodeBuildStep
// stage Dev env=111111111111/eu-west-3 stacks=[Bus] pre=[] post=[]
// stage Prod env=333333333333/eu-west-3 stacks=[Bus] pre=[Promote] post=[]
