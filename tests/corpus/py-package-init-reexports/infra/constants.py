class Accounts:
    TOOLING = "999999999999"
    DEV = "111111111111"
    PROD = "333333333333"


class Regions:
    PRIMARY = "us-east-2"
    DISASTER_RECOVERY = "us-west-2"
