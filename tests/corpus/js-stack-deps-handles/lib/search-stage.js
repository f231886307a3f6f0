const cdk = require('aws-cdk-lib');
const s3 = require('aws-cdk-lib/aws-s3');
const ssm = require('aws-cdk-lib/aws-ssm');

class IndexStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    this.bucket = new s3.Bucket(this, 'Index');
  }
}

class QueryStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    // A reference to the index stack's bucket: CDK deploys IndexStack first.
    new ssm.StringParameter(this, 'IndexBucket', { stringValue: props.indexBucket.bucketName });
  }
}

class SearchStage extends cdk.Stage {
  constructor(scope, id, props) {
    super(scope, id, props);
    const index = new IndexStack(this, 'Index', { stackName: `search-index-${props.env.region}` });
    this.query = new QueryStack(this, 'Query', { indexBucket: index.bucket });
  }
}

module.exports = { SearchStage };
