export enum Region {
  Primary = 'eu-west-2',
  Secondary = 'eu-west-1',
}

export const Accounts = {
  tooling: '999999999999',
  test: '111111111111',
  prod: '333333333333',
};

export const GITHUB_REPO = 'retail/catalog';
