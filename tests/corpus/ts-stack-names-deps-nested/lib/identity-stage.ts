import * as cdk from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

class UsersStack extends cdk.Stack {
  public readonly pool: cognito.UserPool;
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    this.pool = new cognito.UserPool(this, 'Users');
  }
}

class SessionsStack extends cdk.Stack {
  public readonly table: dynamodb.TableV2;
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    this.table = new dynamodb.TableV2(this, 'Sessions', {
      partitionKey: { name: 'sid', type: dynamodb.AttributeType.STRING },
    });
  }
}

interface AuthApiStackProps extends cdk.StackProps {
  readonly pool: cognito.IUserPool;
  readonly sessions: dynamodb.ITableV2;
}

/** Reads the pool and the table of the other two stacks: CDK orders it after both. */
class AuthApiStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props: AuthApiStackProps) {
    super(scope, id, props);
    new ssm.StringParameter(this, 'PoolId', { stringValue: props.pool.userPoolId });
    new ssm.StringParameter(this, 'SessionTable', { stringValue: props.sessions.tableName });
  }
}

class AuditStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new ssm.StringParameter(this, 'Retention', { stringValue: '365' });
  }
}

/** Audit trail, deployed as its own pipeline stage after the identity stage. */
export class AuditStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new AuditStack(this, 'Trail', { stackName: 'identity-audit-trail' });
  }
}

export class IdentityStage extends cdk.Stage {
  public readonly audit: AuditStage;

  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    const users = new UsersStack(this, 'Users', { stackName: `${id.toLowerCase()}-identity-users` });
    const sessions = new SessionsStack(this, 'Sessions');
    const api = new AuthApiStack(this, 'AuthApi', { pool: users.pool, sessions: sessions.table });
    const alarms = new AuditStack(this, 'Alarms');
    alarms.addDependency(api);
    this.audit = new AuditStage(this, 'Audit');
  }
}
