// The payments service as one deployable unit: the API and its database.
import * as cdk from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

// Kept inline so the app has no file assets to publish.
const HANDLER = `
exports.handler = async () => ({
  statusCode: 200,
  body: JSON.stringify({ status: 'ok' }),
});
`;

/** Payments ledger table. */
export class DatabaseStack extends cdk.Stack {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);

    this.table = new dynamodb.Table(this, 'Payments', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: cdk.RemovalPolicy.RETAIN,
    });
  }
}

/** Payments API handler. */
export class ApiStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);

    new lambda.Function(this, 'Handler', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(HANDLER),
      memorySize: 256,
      timeout: cdk.Duration.seconds(10),
    });
  }
}

/**
 * Everything one environment of the payments service needs.
 *
 * The two stacks do not reference each other, so the pipeline deploys them
 * side by side.
 */
export class PaymentsStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);

    new ApiStack(this, 'Api');
    new DatabaseStack(this, 'Database');
  }
}
