"""Accounts and the repository of the billing service, in one place."""

PIPELINE_ACCOUNT = "999999999999"
PRIMARY_REGION = "eu-west-1"

REPO = "billing-team/billing-service"
BRANCH = "main"
CONNECTION_ARN = (
    "arn:aws:codestar-connections:eu-west-1:999999999999:"
    "connection/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
)

# stage name -> account; deployed in this order.
ACCOUNTS = {
    "Dev": "111111111111",
    "Staging": "222222222222",
    "Prod": "333333333333",
}
