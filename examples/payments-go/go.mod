module payments

go 1.22

require (
	github.com/aws/aws-cdk-go/awscdk/v2 v2.189.1
	github.com/aws/constructs-go/constructs/v10 v10.4.2
	github.com/aws/jsii-runtime-go v1.110.0
)
