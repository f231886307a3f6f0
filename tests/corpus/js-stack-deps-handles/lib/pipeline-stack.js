// Pattern: JavaScript: explicit stackName from a template, a cross-stack reference (dependency), a wave over regions with StageDeployment handles, one stage env from process.env (uncertain).
const cdk = require('aws-cdk-lib');
const pipelines = require('aws-cdk-lib/pipelines');
const { SearchStage } = require('./search-stage');

const REGIONS = ['us-east-1', 'us-west-2'];

class SearchPipelineStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.gitHub('find/search', 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });

    const sandbox = new SearchStage(this, 'Sandbox', {
      env: { account: process.env.SANDBOX_ACCOUNT || '111111111111', region: 'us-east-1' },
    });
    pipeline.addStage(sandbox);

    const wave = pipeline.addWave('Prod');
    for (const region of REGIONS) {
      const stage = new SearchStage(this, `Prod-${region}`, { env: { account: '333333333333', region } });
      const deployment = wave.addStage(stage, {
        stackSteps: [{ stack: stage.query, pre: [new pipelines.ManualApprovalStep('ApproveQuery')] }],
      });
      deployment.addPost(new pipelines.ShellStep('Probe', { commands: [`./probe.sh ${region}`] }));
    }
  }
}

module.exports = { SearchPipelineStack };

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/us-east-1 xacct=true
// source gitHub find/search main
// synth Synth ShellStep
// wave Prod pre=[] post=[]
// stage Sandbox env=?/us-east-1 stacks=[Index,Query] pre=[] post=[]
// depends Sandbox/Query on=[Index]
// stage Prod/Prod-us-east-1 env=333333333333/us-east-1 stacks=[Index,Query] pre=[] post=[Probe]
// depends Prod/Prod-us-east-1/Query on=[Index]
// stacksteps Prod/Prod-us-east-1/Query pre=[ApproveQuery] changeset=[] post=[]
// stage Prod/Prod-us-west-2 env=333333333333/us-west-2 stacks=[Index,Query] pre=[] post=[Probe]
// depends Prod/Prod-us-west-2/Query on=[Index]
// stacksteps Prod/Prod-us-west-2/Query pre=[ApproveQuery] changeset=[] post=[]
