from enum import Enum


class Account(Enum):
    SHARED_SERVICES = "999999999999"
    STAGING = "222222222222"
    PRODUCTION = "333333333333"


class Region(str, Enum):
    US_EAST_1 = "us-east-1"
    EU_WEST_1 = "eu-west-1"
    AP_SOUTHEAST_2 = "ap-southeast-2"


PRODUCTION_REGIONS = [Region.US_EAST_1, Region.EU_WEST_1, Region.AP_SOUTHEAST_2]
