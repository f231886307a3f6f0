// Pattern: a default-exported Stage class, a namespace import of the config (`import * as cfg`), an enum of regions, and `export * from` re-exports used by bin/app.ts.
import * as cdk from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import * as cfg from './config';
import CatalogStage from './service-stage';

export class CatalogPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.gitHub(cfg.GITHUB_REPO, 'main'),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    pipeline.addStage(new CatalogStage(this, 'Test', {
      env: { account: cfg.Accounts.test, region: cfg.Region.Primary },
    }));
    const prod = pipeline.addWave('Prod', {
      pre: [new pipelines.ManualApprovalStep('SignOff')],
    });
    prod.addStage(new CatalogStage(this, 'ProdPrimary', {
      env: { account: cfg.Accounts.prod, region: cfg.Region.Primary },
    }));
    prod.addStage(new CatalogStage(this, 'ProdSecondary', {
      env: { account: cfg.Accounts.prod, region: cfg.Region.Secondary },
    }));
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/eu-west-2 xacct=true
// source gitHub retail/catalog main
// synth Synth ShellStep
// wave Prod pre=[SignOff] post=[]
// stage Test env=111111111111/eu-west-2 stacks=[Events,Catalog] pre=[] post=[]
// stage Prod/ProdPrimary env=333333333333/eu-west-2 stacks=[Events,Catalog] pre=[] post=[]
// stage Prod/ProdSecondary env=333333333333/eu-west-1 stacks=[Events,Catalog] pre=[] post=[]
