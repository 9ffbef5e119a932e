// The command line's account: endpoint, region and credentials from flags, AWS variables or ~/.aws.

import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { needsPathStyle, type S3Endpoint } from '../../shared/account.js';
import type { S3Credentials } from '../engine/s3/client.js';

export interface AccountFlags {
  profile?: string;
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
