// Storefront: two waves of several stages each, steps at wave and stage level, then a
// final single stage. The GitHub source has its own action name.
import * as cdk from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';

class CatalogStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new dynamodb.Table(this, 'Products', {
      partitionKey: { name: 'sku', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });
  }
}

class NotifyStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sns.Topic(this, 'Orders');
  }
}

class StorefrontStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new CatalogStack(this, 'Catalog');
    new NotifyStack(this, 'Notify');
  }
}

export class StorefrontPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.gitHub('shop/storefront', 'main', {
          actionName: 'Checkout',
        }),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });

    const preprod = pipeline.addWave('PreProd');
    preprod.addStage(new StorefrontStage(this, 'QaEu', {
      env: { account: '111111111111', region: 'eu-west-1' },
    }));
    preprod.addStage(new StorefrontStage(this, 'QaUs', {
      env: { account: '111111111111', region: 'us-east-1' },
    }), {
      post: [new pipelines.ShellStep('UsSmoke', { commands: ['npm run smoke -- us'] })],
    });
    preprod.addPost(new pipelines.ShellStep('E2E', { commands: ['npm run e2e'] }));

    const prod = pipeline.addWave('Prod', {
      pre: [new pipelines.ManualApprovalStep('Release')],
    });
    prod.addStage(new StorefrontStage(this, 'ProdEu', {
      env: { account: '333333333333', region: 'eu-west-1' },
    }));
    prod.addStage(new StorefrontStage(this, 'ProdUs', {
      env: { account: '333333333333', region: 'us-east-1' },
    }));
    prod.addStage(new StorefrontStage(this, 'ProdAp', {
      env: { account: '333333333333', region: 'ap-northeast-1' },
    }));

    pipeline.addStage(new StorefrontStage(this, 'Dr', {
      env: { account: '444444444444', region: 'eu-central-1' },
    }));
  }
}
