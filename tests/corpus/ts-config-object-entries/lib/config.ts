export const PIPELINE_ENV = { account: '999999999999', region: 'us-east-1' };

export const REPOSITORY = 'payments-team/ledger-api';
export const CONNECTION_ARN =
  'arn:aws:codestar-connections:us-east-1:999999999999:connection/12345678-aaaa-bbbb-cccc-1234567890ab';

/** Stage name → account, in deployment order. */
export const ACCOUNTS: Record<string, string> = {
  dev: '111111111111',
  staging: '222222222222',
  prod: '333333333333',
};
