// Pattern: stages built with regions.map and added with forEach into a wave, Object.keys over a map of pre-production accounts, a simple `if` on a known constant.
import * as cdk from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';

const PROD_ACCOUNT = '333333333333';
const PROD_REGIONS = ['us-east-1', 'us-west-2', 'eu-central-1'];
const PRE_PRODUCTION: { [name: string]: string } = {
  Alpha: '111111111111',
  Beta: '222222222222',
};
const ENABLE_CANARY = true;

class NotificationsStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const topic = new sns.Topic(this, 'Outbound');
    new sqs.Queue(this, 'Retry', { visibilityTimeout: cdk.Duration.seconds(60) });
    new cdk.CfnOutput(this, 'TopicArn', { value: topic.topicArn });
  }
}

class NotificationsStage extends cdk.Stage {
  constructor(scope: Construct, id: string, props?: cdk.StageProps) {
    super(scope, id, props);
    new NotificationsStack(this, 'Notifications');
  }
}

export class NotificationsPipelineStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      crossAccountKeys: true,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.gitHub('comms/notifications', 'main'),
        commands: ['yarn install --frozen-lockfile', 'yarn cdk synth'],
      }),
    });

    Object.keys(PRE_PRODUCTION).forEach((name) => {
      pipeline.addStage(new NotificationsStage(this, name, {
        env: { account: PRE_PRODUCTION[name], region: 'us-east-1' },
      }));
    });

    const prodStages = PROD_REGIONS.map((region) => new NotificationsStage(this, `Prod-${region}`, {
      env: { account: PROD_ACCOUNT, region },
    }));
    const wave = pipeline.addWave('Production');
    prodStages.forEach((stage) => wave.addStage(stage));

    if (ENABLE_CANARY) {
      wave.addPost(new pipelines.ShellStep('Canary', { commands: ['yarn canary'] }));
    }
  }
}

// What pipelens model must say (checked by server/tests/fixtures.rs; right, not what it says today).
// expect:
// pipeline Pipeline CodePipeline env=999999999999/us-east-1 xacct=true
// source gitHub comms/notifications main
// synth Synth ShellStep
// wave Production pre=[] post=[Canary]
// stage Alpha env=111111111111/us-east-1 stacks=[Notifications] pre=[] post=[]
// stage Beta env=222222222222/us-east-1 stacks=[Notifications] pre=[] post=[]
// stage Production/Prod-us-east-1 env=333333333333/us-east-1 stacks=[Notifications] pre=[] post=[]
// stage Production/Prod-us-west-2 env=333333333333/us-west-2 stacks=[Notifications] pre=[] post=[]
// stage Production/Prod-eu-central-1 env=333333333333/eu-central-1 stacks=[Notifications] pre=[] post=[]
