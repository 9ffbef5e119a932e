// The command line's account: endpoint, region and credentials from flags, AWS variables or ~/.aws,
// or an account of the app by its name (its settings file, its secret from the OS keychain).

import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { needsPathStyle, type S3Endpoint } from '../../shared/account.js';
import { FerryError } from '../engine/errors.js';
import type { S3Credentials } from '../engine/s3/client.js';
import { AccountService, defaultConfigDir } from '../services/accounts.js';
import { KeytarSecretStore } from '../services/secretStore.js';

export interface AccountFlags {
  profile?: string;
  /** An account of the app, by its name. */
  account?: string;
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
}

export interface CliAccount {
  endpoint: S3Endpoint;
  credentials: S3Credentials;
}

/**
 * Flags win, then AWS_* variables, then the profile's config (region, endpoint_url). Credentials:
 * with a profile, that profile; otherwise the SDK's standard chain (variables, ~/.aws, SSO, …).
 */
export async function resolveCliAccount(flags: AccountFlags, env: NodeJS.ProcessEnv = process.env): Promise<CliAccount> {
  if (flags.account !== undefined) {
    if (flags.profile !== undefined) throw new FerryError('InvalidInput', 'Give --account (an account of the app) or --profile (of ~/.aws), not both.');
    return appAccount(flags.account, env);
  }
  const profileName = flags.profile ?? env.AWS_PROFILE;
  type Ini = Record<string, Record<string, string | undefined> | undefined>;
  const configs: { configFile: Ini; credentialsFile: Ini } = await loadSharedConfigFiles().catch(() => ({ configFile: {}, credentialsFile: {} }));
  const profileConfig = configs.configFile[profileName ?? 'default'] ?? {};
  if (flags.profile && !configs.configFile[flags.profile] && !configs.credentialsFile[flags.profile]) {
    throw new Error(`No profile named "${flags.profile}" in ~/.aws/config or ~/.aws/credentials.`);
  }
  const endpoint = flags.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? profileConfig.endpoint_url;
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? profileConfig.region ?? 'us-east-1';
  const forcePathStyle = flags.pathStyle === true || (endpoint !== undefined && needsPathStyle(endpoint));
  const credentials = profileName ? fromIni({ profile: profileName }) : fromNodeProviderChain();
  return { endpoint: { endpoint, region, forcePathStyle }, credentials };
}

/**
 * The app's account of this name (exact, else the only one whose name differs in case alone), with
 * its secret from the keychain: the app, the browser-hosted mode and the command line share them.
 */
export async function appAccount(name: string, env: NodeJS.ProcessEnv = process.env): Promise<CliAccount> {
  const configDir = defaultConfigDir(env);
  const service = new AccountService(configDir, new KeytarSecretStore(), env);
  const accounts = await service.list();
  const folded = accounts.filter((a) => a.name.toLowerCase() === name.toLowerCase());
  const account = accounts.find((a) => a.name === name) ?? (folded.length === 1 ? folded[0] : undefined);
  if (!account) {
    const names = accounts.map((a) => `"${a.name}"`).join(', ');
    throw new FerryError('NoSuchAccount', `The app has no account named "${name}" (accounts are read from ${configDir}; FERRY_CONFIG_DIR names another folder). ${names ? `Its accounts: ${names}.` : 'It has none yet.'}`);
  }
  return { endpoint: AccountService.endpointOf(account), credentials: await service.credentialsOf(account) };
}
