import aws_cdk as cdk

TOOLING = cdk.Environment(account="999999999999", region="eu-west-1")
SHARED = cdk.Environment(account="111111111111", region="eu-west-1")
PROD_ACCOUNT = "333333333333"
DR_REGIONS = ["us-west-2", "ap-southeast-2"]
