// Metrics: the stages come from cdk.json context; no self-mutation and no change sets.
import * as cdk from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';

class AlertsStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new sns.Topic(this, 'Alerts');
  }
}

class SettingsStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    new ssm.StringParameter(this, 'Retention', { stringValue: '30' });
  }
}

class MetricsStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new AlertsStack(this, 'Alerts');
    new SettingsStack(this, 'Settings');
  }
}

interface StageConfig {
  name: string;
  account: string;
  region: string;
}

export class MetricsPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      selfMutation: false,
      useChangeSets: false,
      crossAccountKeys: true,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.connection('obs/metrics', 'main', {
          connectionArn: 'arn:aws:codestar-connections:sa-east-1:999999999999:connection/12345678-1234-1234-1234-123456789012',
        }),
        commands: ['npm ci', 'npx cdk synth'],
      }),
    });
    const stages: StageConfig[] = this.node.tryGetContext('stages');
    for (const s of stages) {
      pipeline.addStage(new MetricsStage(this, s.name, {
        env: { account: s.account, region: s.region },
      }));
    }
  }
}
