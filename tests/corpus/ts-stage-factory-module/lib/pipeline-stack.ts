// Pattern: a factory function of another module makes each Stage with the pipeline stack (`this`) as its scope; a loop over targets, an approval on the Prod stage's handle.
import * as cdk from 'aws-cdk-lib';
import { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { serviceStage, Target } from './stages';

const TARGETS: Target[] = [
  { name: 'Beta', account: '111111111111', region: 'us-west-2' },
  { name: 'Gamma', account: '222222222222', region: 'us-west-2' },
  { name: 'Prod', account: '333333333333', region: 'us-west-2' },
];

export class ServicePipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new ShellStep('Synth', {
        input: CodePipelineSource.gitHub('service-team/service', 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });

    for (const target of TARGETS) {
      const deployment = pipeline.addStage(serviceStage(this, target));
      if (target.name === 'Prod') {
        deployment.addPre(new ManualApprovalStep('Approve'));
      }
    }
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/us-west-2 xacct=true
// source gitHub service-team/service main
// synth Synth ShellStep
// stage Beta env=111111111111/us-west-2 stacks=[Storage,Queue] pre=[] post=[]
// stage Gamma env=222222222222/us-west-2 stacks=[Storage,Queue] pre=[] post=[]
// stage Prod env=333333333333/us-west-2 stacks=[Storage,Queue] pre=[Approve] post=[]
