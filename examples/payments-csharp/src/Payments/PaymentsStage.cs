// The payments service as one deployable unit: the API and its database.
using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.Lambda;
using Constructs;

namespace Payments
{
    /// <summary>Payments ledger table.</summary>
    public class DatabaseStack : Stack
    {
        public Table Table { get; }

        public DatabaseStack(Construct scope, string id, IStackProps props = null) : base(scope, id, props)
        {
            Table = new Table(this, "Payments", new TableProps
            {
                PartitionKey = new Attribute { Name = "pk", Type = AttributeType.STRING },
                SortKey = new Attribute { Name = "sk", Type = AttributeType.STRING },
                BillingMode = BillingMode.PAY_PER_REQUEST,
                PointInTimeRecoverySpecification = new PointInTimeRecoverySpecification
                {
                    PointInTimeRecoveryEnabled = true,
                },
                RemovalPolicy = RemovalPolicy.RETAIN,
            });
        }
    }

    /// <summary>Payments API handler.</summary>
    public class ApiStack : Stack
    {
        // Kept inline so the app has no file assets to publish.
        private const string Handler = @"
exports.handler = async () => ({
  statusCode: 200,
  body: JSON.stringify({ status: 'ok' }),
});
";

        public ApiStack(Construct scope, string id, IStackProps props = null) : base(scope, id, props)
        {
            new Function(this, "Handler", new FunctionProps
            {
                Runtime = Runtime.NODEJS_22_X,
                Handler = "index.handler",
                Code = Code.FromInline(Handler),
                MemorySize = 256,
                Timeout = Duration.Seconds(10),
            });
        }
    }

    /// <summary>
    /// Everything one environment of the payments service needs.
    ///
    /// The two stacks do not reference each other, so the pipeline deploys them
    /// side by side.
    /// </summary>
    public class PaymentsStage : Stage
    {
        public PaymentsStage(Construct scope, string id, IStageProps props = null) : base(scope, id, props)
        {
            new ApiStack(this, "Api");
            new DatabaseStack(this, "Database");
        }
    }
}
