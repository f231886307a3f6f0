// Pattern: an array of stage configs passed from bin/app.ts in the stack's props, a for…of over props.stages, props.env / props.auditAccount passed through Stage and Stack constructors.
import * as cdk from 'aws-cdk-lib';
import { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { ServiceStage } from './service-stage';

export interface StageConfig {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly requiresApproval?: boolean;
}

export interface WorkPipelineStackProps extends cdk.StackProps {
  readonly stages: StageConfig[];
  readonly auditAccount: string;
}

export class WorkPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props: WorkPipelineStackProps) {
    super(scope, id, props);
    const pipeline = new CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new ShellStep('Synth', {
        input: CodePipelineSource.gitHub('ops/work-queue', 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    for (const stage of props.stages) {
      pipeline.addStage(
        new ServiceStage(this, stage.name, {
          env: { account: stage.account, region: stage.region },
          auditAccount: props.auditAccount,
        }),
        { pre: stage.requiresApproval ? [new ManualApprovalStep(`Approve${stage.name}`)] : [] },
      );
    }
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/ap-south-1 xacct=true
// source gitHub ops/work-queue main
// synth Synth ShellStep
// stage Dev env=111111111111/ap-south-1 stacks=[Work,Audit] pre=[] post=[]
// stage Prod env=333333333333/ap-south-1 stacks=[Work,Audit] pre=[ApproveProd] post=[]
