// Pattern: JavaScript: the pipeline is made by a helper function that returns it, stages added to the returned value; the Assets stage from Lambda Code.fromAsset and an s3 Asset.
const path = require('path');
const cdk = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const { Asset } = require('aws-cdk-lib/aws-s3-assets');
const pipelines = require('aws-cdk-lib/pipelines');

class IngestStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    new lambda.Function(this, 'Ingest', {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'functions', 'ingest')),
    });
    new Asset(this, 'ReferenceData', { path: path.join(__dirname, '..', 'reference.csv') });
  }
}

class IngestStage extends cdk.Stage {
  constructor(scope, id, props) {
    super(scope, id, props);
    new IngestStack(this, 'Ingest');
  }
}

function createPipeline(scope, repo) {
  return new pipelines.CodePipeline(scope, 'Pipeline', {
    crossAccountKeys: true,
    synth: new pipelines.ShellStep('Synth', {
      input: pipelines.CodePipelineSource.gitHub(repo, 'main'),
      commands: ['npm ci', 'npx cdk synth'],
    }),
  });
}

class IngestPipelineStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const pipeline = createPipeline(this, 'data/ingest');
    pipeline.addStage(new IngestStage(this, 'Dev', { env: { account: '111111111111', region: 'us-east-1' } }));
    pipeline.addStage(new IngestStage(this, 'Prod', { env: { account: '333333333333', region: 'us-east-1' } }), {
      pre: [new pipelines.ManualApprovalStep('Approve')],
    });
  }
}

module.exports = { IngestPipelineStack };

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/us-east-1 xacct=true
// source gitHub data/ingest main
// synth Synth ShellStep
// stage Dev env=111111111111/us-east-1 stacks=[Ingest] pre=[] post=[]
// stage Prod env=333333333333/us-east-1 stacks=[Ingest] pre=[Approve] post=[]
