// The delivery pipeline for the payments service.
using Amazon.CDK;
using Amazon.CDK.Pipelines;
using Constructs;

namespace Payments
{
    public class PipelineStack : Stack
    {
        private const string ConnectionArn =
            "arn:aws:codestar-connections:us-east-1:999999999999:connection/00000000-0000-0000-0000-000000000000";

        internal PipelineStack(Construct scope, string id, IStackProps props = null) : base(scope, id, props)
        {
            var pipeline = new CodePipeline(this, "Pipeline", new CodePipelineProps
            {
                PipelineName = "payments",
                // Every stage deploys to another account.
                CrossAccountKeys = true,
                Synth = new ShellStep("Synth", new ShellStepProps
                {
                    Input = CodePipelineSource.Connection("acme/payments", "main", new ConnectionSourceOptions
                    {
                        ConnectionArn = ConnectionArn,
                    }),
                    Commands = new[] { "npm ci", "npx cdk synth" },
                }),
            });

            pipeline.AddStage(new PaymentsStage(this, "Dev", new StageProps
            {
                Env = new Amazon.CDK.Environment { Account = "111111111111", Region = "us-east-1" },
            }));

            var staging = new PaymentsStage(this, "Staging", new StageProps
            {
                Env = new Amazon.CDK.Environment { Account = "222222222222", Region = "us-east-1" },
            });
            pipeline.AddStage(staging, new AddStageOpts
            {
                Post = new Step[]
                {
                    new ShellStep("IntegrationTests", new ShellStepProps
                    {
                        Commands = new[] { "npm ci", "npm run test:integration" },
                    }),
                },
            });

            // Production: both regions roll out together, after a human says so.
            var prod = pipeline.AddWave("Prod", new WaveOptions
            {
                Pre = new[] { new ManualApprovalStep("PromoteToProd") },
            });
            prod.AddStage(new PaymentsStage(this, "ProdUsEast1", new StageProps
            {
                Env = new Amazon.CDK.Environment { Account = "333333333333", Region = "us-east-1" },
            }));
            prod.AddStage(new PaymentsStage(this, "ProdEuWest1", new StageProps
            {
                Env = new Amazon.CDK.Environment { Account = "333333333333", Region = "eu-west-1" },
            }));
        }
    }
}
