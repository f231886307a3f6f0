// CDK app for the payments service: one self-mutating pipeline that deploys it.
using Amazon.CDK;

namespace Payments
{
    sealed class Program
    {
        public static void Main(string[] args)
        {
            var app = new App();

            // The pipeline lives in the shared tooling account; it deploys the service into
            // the dev, staging and prod accounts (see PipelineStack.cs).
            new PipelineStack(app, "PaymentsPipeline", new StackProps
            {
                Env = new Amazon.CDK.Environment
                {
                    Account = "999999999999",
                    Region = "us-east-1",
                },
            });

            app.Synth();
        }
    }
}
