import { Environment } from 'aws-cdk-lib';

export const PIPELINE_ACCOUNT = '999999999999';
export const HOME_REGION = 'us-east-2';

const ACCOUNTS: Record<string, string> = {
  dev: '111111111111',
  qa: '222222222222',
  prod: '333333333333',
};

export const accountFor = (stage: string): string => ACCOUNTS[stage.toLowerCase()];

export function envFor(stage: string, region: string = HOME_REGION): Environment {
  return { account: accountFor(stage), region };
}

/** Production runs in two regions; every other stage in the home region. */
export class Regions {
  static forStage(stage: string): string[] {
    return stage === 'Prod' ? [HOME_REGION, 'eu-central-1'] : [HOME_REGION];
  }
}
