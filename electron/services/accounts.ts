// Accounts: where each one's buckets live, where its keys come from, and the relay its uploads go
// through, if any. The settings file holds everything but secrets; secrets (the secret access key,
// the relay's address with its token) go to the keychain (secretStore.ts) and never leave this process.

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fromIni } from '@aws-sdk/credential-providers';
import { loadSharedConfigFiles } from '@smithy/core/config';
import type { Account, AccountInput, ConnectionTest } from '../../shared/api.js';
import { needsPathStyle, type S3Endpoint } from '../../shared/account.js';
import { FerryError, asFerryError } from '../engine/errors.js';
import type { S3Credentials } from '../engine/s3/client.js';
import { TransferEngine } from '../engine/engine.js';
import type { TransferSettings } from '../engine/settings.js';
import type { SecretStore } from './secretStore.js';

/**
 * Where the app keeps its accounts (without secrets): FERRY_CONFIG_DIR, else the folder Electron
 * gives an app named ferry (its userData), which the browser-hosted mode and the command line share.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FERRY_CONFIG_DIR) return env.FERRY_CONFIG_DIR;
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'ferry');
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'ferry');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'ferry');
}

/** The keychain entry of an account's relay address, beside the entry of its secret (named by the account id). */
function relayEntry(accountId: string): string {
  return `${accountId}/relay`;
}

/** The account made from the standard AWS_* variables when they are set; never saved. */
export const ENVIRONMENT_ACCOUNT_ID = 'environment';

interface SettingsFile {
  version: 1;
  accounts: Account[];
}

// A connection test answers in seconds: one attempt, no waiting for the network to come back,
// and a connection pool as small as the engine allows (it makes one request).
const TEST_SETTINGS: Partial<TransferSettings> = {
  maxAttempts: 1,
  baseRetryDelayMs: 0,
  maxRetryDelayMs: 0,
  offlineWaitMs: 0,
  idleTimeoutMs: 15_000,
  partsInFlight: 1,
  filesInFlight: 1,
};

export class AccountService {
  private readonly file: string;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    configDir: string,
    private readonly secrets: SecretStore,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.file = path.join(configDir, 'accounts.json');
  }

  private async read(): Promise<Account[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const parsed = JSON.parse(text) as Partial<SettingsFile>;
    return Array.isArray(parsed.accounts) ? parsed.accounts : [];
  }

  /** Whole-file replace through a temporary file, one write at a time: a crash never leaves half a file. */
  private write(accounts: Account[]): Promise<void> {
    const next = this.saving.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      const body: SettingsFile = { version: 1, accounts };
      await writeFile(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.file);
    });
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** The account from AWS_ACCESS_KEY_ID and friends, if they are set. */
  private environmentAccount(): Account | undefined {
    const accessKeyId = this.env.AWS_ACCESS_KEY_ID;
    if (!accessKeyId || !this.env.AWS_SECRET_ACCESS_KEY) return undefined;
    const endpoint = this.env.AWS_ENDPOINT_URL_S3 ?? this.env.AWS_ENDPOINT_URL;
    return {
      id: ENVIRONMENT_ACCOUNT_ID,
      name: endpoint ? `Environment (${URL.canParse(endpoint) ? new URL(endpoint).host : endpoint})` : 'Environment (AWS_* variables)',
      kind: endpoint ? 's3-compatible' : 'aws',
      endpoint,
      region: this.env.AWS_REGION ?? this.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      forcePathStyle: endpoint !== undefined && needsPathStyle(endpoint),
      source: 'environment',
      accessKeyId,
    };
  }

  async list(): Promise<Account[]> {
    const env = this.environmentAccount();
    return [...(env ? [env] : []), ...(await this.read())];
  }

  async get(accountId: string): Promise<Account> {
    const account = (await this.list()).find((a) => a.id === accountId);
    if (!account) throw new FerryError('NoSuchAccount', 'That account no longer exists.');
    return account;
  }

  async save(input: AccountInput): Promise<Account> {
    const accounts = await this.read();
    const existing = input.id === undefined ? undefined : accounts.find((a) => a.id === input.id);
    if (input.id !== undefined && !existing) throw new FerryError('NoSuchAccount', 'That account no longer exists.');
    if (existing && existing.source !== 'keychain') throw new FerryError('InvalidInput', 'This account comes from ~/.aws or the environment; change it there.');
    if (!existing && input.secretAccessKey === undefined) throw new FerryError('InvalidInput', 'A secret access key is needed.');
    const account: Account = {
      id: existing?.id ?? randomUUID(),
      name: input.name,
      kind: input.kind,
      endpoint: input.kind === 's3-compatible' ? input.endpoint : undefined,
      region: input.region,
      forcePathStyle: input.forcePathStyle,
      source: 'keychain',
      accessKeyId: input.accessKeyId,
      // Only the host is kept here: the address itself holds the relay's token.
      relayHost: input.relayUrl === undefined ? existing?.relayHost : input.relayUrl === null ? undefined : new URL(input.relayUrl).host,
    };
    // Secrets first: an account is never saved without its key (and its relay's address) reachable.
    if (input.secretAccessKey !== undefined) await this.secrets.set(account.id, input.secretAccessKey);
    if (typeof input.relayUrl === 'string') await this.secrets.set(relayEntry(account.id), input.relayUrl);
    await this.write(existing ? accounts.map((a) => (a.id === account.id ? account : a)) : [...accounts, account]);
    if (input.relayUrl === null && existing?.relayHost !== undefined) await this.secrets.delete(relayEntry(account.id));
    return account;
  }

  /** The address (token included) of the relay the account's uploads go through; undefined: none, they go direct. */
  async relayUrl(accountId: string): Promise<string | undefined> {
    const account = await this.get(accountId);
    if (account.relayHost === undefined) return undefined;
    const url = await this.secrets.get(relayEntry(account.id));
    if (url === null) throw new FerryError('InvalidSecret', `The relay address of "${account.name}" is not in the keychain. Edit the account and enter it again.`);
    return url;
  }

  async remove(accountId: string): Promise<boolean> {
    const accounts = await this.read();
    const account = accounts.find((a) => a.id === accountId);
    if (!account) return false;
    await this.write(accounts.filter((a) => a.id !== accountId));
    if (account.source === 'keychain') await this.secrets.delete(accountId);
    if (account.relayHost !== undefined) await this.secrets.delete(relayEntry(accountId));
    return true;
  }

  /** Adds one account per ~/.aws profile not added yet. Their keys stay in ~/.aws, read when used. */
  async importAwsProfiles(): Promise<Account[]> {
    type Ini = Record<string, Record<string, string | undefined> | undefined>;
    const files: { configFile: Ini; credentialsFile: Ini } = await loadSharedConfigFiles().catch(() => ({ configFile: {}, credentialsFile: {} }));
    const accounts = await this.read();
    const known = new Set(accounts.filter((a) => a.source === 'aws-profile').map((a) => a.profile));
    const names = [...new Set([...Object.keys(files.credentialsFile), ...Object.keys(files.configFile)])].filter((n) => !known.has(n)).sort();
    const added: Account[] = names.map((profile) => {
      const config = files.configFile[profile] ?? {};
      const endpoint = config.endpoint_url;
      return {
        id: randomUUID(),
        name: `AWS profile ${profile}`,
        kind: endpoint ? 's3-compatible' : 'aws',
        endpoint,
        region: config.region ?? 'us-east-1',
        forcePathStyle: endpoint !== undefined && needsPathStyle(endpoint),
        source: 'aws-profile',
        profile,
        accessKeyId: files.credentialsFile[profile]?.aws_access_key_id,
      };
    });
    if (added.length > 0) await this.write([...accounts, ...added]);
    return added;
  }

  static endpointOf(account: Pick<Account, 'kind' | 'endpoint' | 'region' | 'forcePathStyle'>): S3Endpoint {
    return { endpoint: account.kind === 's3-compatible' ? account.endpoint : undefined, region: account.region, forcePathStyle: account.forcePathStyle };
  }

  /** The keys to sign with: from the keychain, a ~/.aws profile, or the environment. */
  async credentialsOf(account: Account): Promise<S3Credentials> {
    switch (account.source) {
      case 'environment':
        return { accessKeyId: this.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: this.env.AWS_SECRET_ACCESS_KEY ?? '', sessionToken: this.env.AWS_SESSION_TOKEN };
      case 'aws-profile':
        return fromIni({ profile: account.profile ?? 'default', filepath: this.env.AWS_SHARED_CREDENTIALS_FILE, configFilepath: this.env.AWS_CONFIG_FILE });
      case 'keychain': {
        const secret = await this.secrets.get(account.id);
        if (secret === null) throw new FerryError('InvalidSecret', `The secret of "${account.name}" is not in the keychain. Edit the account and enter it again.`);
        return { accessKeyId: account.accessKeyId ?? '', secretAccessKey: secret };
      }
    }
  }

  /** Lists buckets with one attempt, and says precisely what is wrong when that fails. */
  async test(target: { accountId: string } | AccountInput): Promise<ConnectionTest> {
    let endpoint: S3Endpoint;
    let credentials: S3Credentials;
    try {
      if ('accountId' in target) {
        const account = await this.get(target.accountId);
        endpoint = AccountService.endpointOf(account);
        credentials = await this.credentialsOf(account);
      } else {
        endpoint = AccountService.endpointOf(target);
        let secret = target.secretAccessKey;
        if (secret === undefined && target.id !== undefined) secret = (await this.secrets.get(target.id)) ?? undefined;
        if (secret === undefined) throw new FerryError('InvalidInput', 'Enter the secret access key to test the connection.');
        credentials = { accessKeyId: target.accessKeyId, secretAccessKey: secret };
      }
    } catch (error) {
      return { ok: false, error: asFerryError(error).toInfo() };
    }
    const engine = new TransferEngine({ endpoint, credentials, settings: TEST_SETTINGS });
    try {
      const buckets = await engine.listBuckets();
      return { ok: true, buckets: buckets.length };
    } catch (error) {
      return { ok: false, error: explainTestFailure(asFerryError(error)).toInfo() };
    } finally {
      engine.close();
    }
  }
}

/** A connection test's failure, worded for the form the user is filling in. */
function explainTestFailure(error: FerryError): FerryError {
  switch (error.code) {
    case 'InvalidAccessKey':
      return new FerryError('InvalidAccessKey', 'The access key id is not known to this server. Check the Access key ID field.', { cause: error });
    case 'InvalidSecret':
      // AWS answers InvalidAccessKeyId for an unknown key; Swift and some others answer
      // SignatureDoesNotMatch for both cases, so the message names both.
      return new FerryError('InvalidSecret', 'The server rejected the signature: the secret access key is wrong, or this server does not know the access key id (it does not say which).', { cause: error });
    case 'AccessDenied':
      return new FerryError('AccessDenied', 'The keys are valid, but this account may not list its buckets (ListBuckets was denied). Buckets it may use can still be opened by name.', { cause: error });
    default:
      return error;
  }
}
