// CDK app for the payments service: one self-mutating pipeline that deploys it.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/pipelines"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

const connectionArn = "arn:aws:codestar-connections:us-east-1:999999999999:connection/00000000-0000-0000-0000-000000000000"

// The delivery pipeline for the payments service.
func NewPipelineStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, props)

	pipeline := pipelines.NewCodePipeline(stack, jsii.String("Pipeline"), &pipelines.CodePipelineProps{
		PipelineName: jsii.String("payments"),
		// Every stage deploys to another account.
		CrossAccountKeys: jsii.Bool(true),
		Synth: pipelines.NewShellStep(jsii.String("Synth"), &pipelines.ShellStepProps{
			Input: pipelines.CodePipelineSource_Connection(jsii.String("acme/payments"), jsii.String("main"), &pipelines.ConnectionSourceOptions{
				ConnectionArn: jsii.String(connectionArn),
			}),
			Commands: jsii.Strings("go mod download", "npx cdk synth"),
		}),
	})

	pipeline.AddStage(NewPaymentsStage(stack, "Dev", &awscdk.StageProps{
		Env: &awscdk.Environment{Account: jsii.String("111111111111"), Region: jsii.String("us-east-1")},
	}), nil)

	staging := NewPaymentsStage(stack, "Staging", &awscdk.StageProps{
		Env: &awscdk.Environment{Account: jsii.String("222222222222"), Region: jsii.String("us-east-1")},
	})
	pipeline.AddStage(staging, &pipelines.AddStageOpts{
		Post: &[]pipelines.Step{
			pipelines.NewShellStep(jsii.String("IntegrationTests"), &pipelines.ShellStepProps{
				Commands: jsii.Strings("go mod download", "go test ./integration/..."),
			}),
		},
	})

	// Production: both regions roll out together, after a human says so.
	prod := pipeline.AddWave(jsii.String("Prod"), &pipelines.WaveOptions{
		Pre: &[]pipelines.Step{pipelines.NewManualApprovalStep(jsii.String("PromoteToProd"), nil)},
	})
	prod.AddStage(NewPaymentsStage(stack, "ProdUsEast1", &awscdk.StageProps{
		Env: &awscdk.Environment{Account: jsii.String("333333333333"), Region: jsii.String("us-east-1")},
	}), nil)
	prod.AddStage(NewPaymentsStage(stack, "ProdEuWest1", &awscdk.StageProps{
		Env: &awscdk.Environment{Account: jsii.String("333333333333"), Region: jsii.String("eu-west-1")},
	}), nil)

	return stack
}

// Kept inline so the app has no file assets to publish.
const handler = `
exports.handler = async () => ({
  statusCode: 200,
  body: JSON.stringify({ status: 'ok' }),
});
`

// Payments ledger table.
func NewDatabaseStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, props)
	awsdynamodb.NewTable(stack, jsii.String("Payments"), &awsdynamodb.TableProps{
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String("pk"), Type: awsdynamodb.AttributeType_STRING},
		SortKey:      &awsdynamodb.Attribute{Name: jsii.String("sk"), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	return stack
}

// Payments API handler.
func NewApiStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, props)
	awslambda.NewFunction(stack, jsii.String("Handler"), &awslambda.FunctionProps{
		Runtime:    awslambda.Runtime_NODEJS_22_X(),
		Handler:    jsii.String("index.handler"),
		Code:       awslambda.Code_FromInline(jsii.String(handler)),
		MemorySize: jsii.Number(256),
		Timeout:    awscdk.Duration_Seconds(jsii.Number(10)),
	})
	return stack
}

// Everything one environment of the payments service needs. The two stacks do not
// reference each other, so the pipeline deploys them side by side.
func NewPaymentsStage(scope constructs.Construct, id string, props *awscdk.StageProps) awscdk.Stage {
	stage := awscdk.NewStage(scope, &id, props)
	NewApiStack(stage, "Api", nil)
	NewDatabaseStack(stage, "Database", nil)
	return stage
}

func main() {
	defer jsii.Close()

	app := awscdk.NewApp(nil)

	// The pipeline lives in the shared tooling account; it deploys the service into
	// the dev, staging and prod accounts.
	NewPipelineStack(app, "PaymentsPipeline", &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("999999999999"), Region: jsii.String("us-east-1")},
	})

	app.Synth(nil)
}
