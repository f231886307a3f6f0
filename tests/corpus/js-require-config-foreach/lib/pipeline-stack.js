// Pattern: JavaScript (CommonJS require/module.exports) config module, TARGETS.forEach over a list of objects, addPost on the StageDeployment handle, an `if` on the stage name.
const cdk = require('aws-cdk-lib');
const sqs = require('aws-cdk-lib/aws-sqs');
const { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } = require('aws-cdk-lib/pipelines');
const { TARGETS } = require('./config');

class QueueStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    new sqs.Queue(this, 'Tasks');
  }
}

class TasksStage extends cdk.Stage {
  constructor(scope, id, props) {
    super(scope, id, props);
    new QueueStack(this, 'Queue');
  }
}

class TasksPipelineStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const pipeline = new CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new ShellStep('Synth', {
        input: CodePipelineSource.gitHub('ops/tasks', 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    TARGETS.forEach((target) => {
      const deployment = pipeline.addStage(new TasksStage(this, target.name, {
        env: { account: target.account, region: target.region },
      }));
      if (target.name === 'Test') {
        deployment.addPost(new ShellStep('Smoke', { commands: ['npm run smoke'] }));
      } else {
        deployment.addPre(new ManualApprovalStep(`Approve${target.name}`));
      }
    });
  }
}

module.exports = { TasksPipelineStack };

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/eu-central-1 xacct=true
// source gitHub ops/tasks main
// synth Synth ShellStep
// stage Test env=111111111111/eu-central-1 stacks=[Queue] pre=[] post=[Smoke]
// stage ProdFrankfurt env=333333333333/eu-central-1 stacks=[Queue] pre=[ApproveProdFrankfurt] post=[]
// stage ProdIreland env=333333333333/eu-west-1 stacks=[Queue] pre=[ApproveProdIreland] post=[]
