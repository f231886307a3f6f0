import * as fs from 'fs';
import * as path from 'path';

export const TOOLING_ACCOUNT = '999999999999';
export const REGION = 'ap-southeast-1';

/** CI may deploy QA into a sandbox account. */
export const QA_ACCOUNT = process.env.QA_ACCOUNT ?? '111111111111';

/** The account of a named environment, from accounts.json at the app root. */
export function accountFor(name: string): string {
  const accounts = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'accounts.json'), 'utf8'));
  return accounts[name];
}
