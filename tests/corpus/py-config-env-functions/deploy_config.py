"""Where each stage of the orders service deploys, computed in one place."""
import aws_cdk as cdk

PIPELINE_ACCOUNT = "999999999999"
HOME_REGION = "us-east-2"

_ACCOUNTS = {
    "dev": "111111111111",
    "qa": "222222222222",
    "prod": "333333333333",
}


def account_for(stage: str) -> str:
    return _ACCOUNTS[stage.lower()]


def env_for(stage: str, region: str = HOME_REGION) -> cdk.Environment:
    return cdk.Environment(account=account_for(stage), region=region)


class Regions:
    """Production runs in two regions; every other stage in the home region."""

    @staticmethod
    def for_stage(stage: str) -> list:
        if stage == "Prod":
            return [HOME_REGION, "eu-central-1"]
        return [HOME_REGION]
