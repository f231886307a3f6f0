const PIPELINE_ENV = { account: '999999999999', region: 'eu-central-1' };

const TARGETS = [
  { name: 'Test', account: '111111111111', region: 'eu-central-1' },
  { name: 'ProdFrankfurt', account: '333333333333', region: 'eu-central-1' },
  { name: 'ProdIreland', account: '333333333333', region: 'eu-west-1' },
];

module.exports = { PIPELINE_ENV, TARGETS };
