export const TOOLING_ACCOUNT = '999999999999';
export const PROD_ACCOUNT = '333333333333';
export const HOME_REGION = 'us-east-2';
export const PROD_REGIONS = ['us-east-2', 'eu-central-1'];
