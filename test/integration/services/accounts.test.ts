// Accounts against the real keychain (a Secret Service under dbus-run-session, see
// scripts/with-keyring.sh) and the real S3 server: secrets only in the keychain, and a connection
// test that names what is wrong.

import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountInput } from '../../../shared/api.js';
import { AccountService } from '../../../electron/services/accounts.js';
import { KeytarSecretStore } from '../../../electron/services/secretStore.js';
import { repoRoot } from '../../support/cli.js';
import { removeDir, tempDir } from '../../support/files.js';
import { describeNeeding, hasSecretService, SECRET_SERVICE } from '../../support/requirements.js';
import { testAccount } from '../../support/s3.js';
import { startSelfSignedServer } from '../../support/tls.js';

let dir: string;

beforeAll(async () => {
  dir = await tempDir('accounts');
});
afterAll(async () => {
  await removeDir(dir);
});

function form(overrides: Partial<AccountInput> = {}): AccountInput {
  const account = testAccount();
  return {
    name: 'Local test server',
    kind: account.endpoint.endpoint ? 's3-compatible' : 'aws',
    endpoint: account.endpoint.endpoint,
    region: account.endpoint.region,
    forcePathStyle: account.endpoint.forcePathStyle,
    accessKeyId: account.credentials.accessKeyId,
    secretAccessKey: account.credentials.secretAccessKey,
    ...overrides,
  };
}

describeNeeding({ [SECRET_SERVICE]: hasSecretService })('accounts in the keychain', () => {
  it('keeps the secret in the keychain only, and uses it to connect', async () => {
    const secrets = new KeytarSecretStore();
    expect(await secrets.status()).toEqual({ available: true });
    const service = new AccountService(path.join(dir, 'config-a'), secrets, {});
    const secret = form().secretAccessKey as string;
    const saved = await service.save(form());
    expect(saved.source).toBe('keychain');
    expect(JSON.stringify(saved)).not.toContain(secret);
    const file = await readFile(path.join(dir, 'config-a', 'accounts.json'), 'utf8');
    expect(file).toContain(saved.id);
    expect(file).not.toContain(secret);
    expect(await secrets.get(saved.id)).toBe(secret);
    expect(JSON.stringify(await service.list())).not.toContain(secret);

    expect(await service.test({ accountId: saved.id })).toMatchObject({ ok: true });

    // Editing without a secret keeps the one in the keychain.
    const renamed = await service.save({ ...form({ name: 'Renamed' }), id: saved.id, secretAccessKey: undefined });
    expect(renamed.name).toBe('Renamed');
    expect(await secrets.get(saved.id)).toBe(secret);

    expect(await service.remove(saved.id)).toBe(true);
    expect(await secrets.get(saved.id)).toBeNull();
    expect(await service.list()).toEqual([]);
  });
});

describe('test connection', () => {
  const service = () => new AccountService(path.join(dir, 'config-t'), new KeytarSecretStore(), {});

  it('connects with the right keys', async () => {
    expect(await service().test(form())).toMatchObject({ ok: true });
  });

  it('names a wrong access key id', async () => {
    const result = await service().test(form({ accessKeyId: 'nobody:nobody' }));
    // AWS names the key; Swift answers SignatureDoesNotMatch, so the message names both causes.
    expect(result).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(InvalidAccessKey|InvalidSecret)$/), message: expect.stringMatching(/access key id/) } });
  });

  it('names a wrong secret', async () => {
    const result = await service().test(form({ secretAccessKey: 'wrong-secret' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'InvalidSecret', message: expect.stringMatching(/secret access key is wrong/) } });
  });

  it('names an unreachable endpoint', async () => {
    const result = await service().test(form({ kind: 's3-compatible', endpoint: 'http://127.0.0.1:9' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'EndpointUnreachable', message: expect.stringMatching(/refused the connection/) } });
  });

  it('names a TLS problem', async () => {
    const tls = await startSelfSignedServer(dir);
    try {
      const result = await service().test(form({ kind: 's3-compatible', endpoint: tls.url }));
      expect(result).toMatchObject({ ok: false, error: { code: 'TlsError', message: expect.stringMatching(/certificate/) } });
    } finally {
      await tls.close();
    }
  });

  it('names a denied ListBuckets (keys that work, on an account that may not list)', async () => {
    const reader = testAccount('reader').credentials;
    const result = await service().test(form({ accessKeyId: reader.accessKeyId, secretAccessKey: reader.secretAccessKey }));
    expect(result).toMatchObject({ ok: false, error: { code: 'AccessDenied', message: expect.stringMatching(/may not list its buckets/) } });
  });
});

describe('accounts without the keychain', () => {
  it('says clearly that no keychain is available, and saves no secret anywhere', () => {
    const configDir = path.join(dir, 'config-none');
    // No D-Bus to reach: what a headless server without a desktop session has.
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/support/keychainProbe.ts'), configDir], {
      encoding: 'utf8',
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: '' },
    });
    const probe = JSON.parse(out) as { status: { available: boolean; message: string }; saveError?: { code: string; message: string }; settingsWritten: boolean };
    expect(probe.status.available).toBe(false);
    expect(probe.status.message).toMatch(/^No keychain is available .*never writes secrets to a plain file.*environment variables and ~\/\.aws profiles still work/);
    expect(probe.saveError?.code).toBe('KeychainUnavailable');
    expect(probe.settingsWritten).toBe(false);
  });

  it('offers the AWS_* environment as an account', async () => {
    const account = testAccount();
    const env = { AWS_ACCESS_KEY_ID: account.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: account.credentials.secretAccessKey, AWS_ENDPOINT_URL: account.endpoint.endpoint, AWS_REGION: account.endpoint.region };
    const service = new AccountService(path.join(dir, 'config-e'), new KeytarSecretStore(), env);
    const [first] = await service.list();
    expect(first).toMatchObject({ id: 'environment', source: 'environment', accessKeyId: account.credentials.accessKeyId });
    expect(JSON.stringify(first)).not.toContain(account.credentials.secretAccessKey);
  });

  it('imports ~/.aws profiles, whose keys stay in ~/.aws', async () => {
    const account = testAccount();
    const credentials = path.join(dir, 'aws-credentials');
    const config = path.join(dir, 'aws-config');
    await writeFile(credentials, `[ferrytest]\naws_access_key_id = ${account.credentials.accessKeyId}\naws_secret_access_key = ${account.credentials.secretAccessKey}\n`);
    await writeFile(config, `[profile ferrytest]\nregion = ${account.endpoint.region}\n${account.endpoint.endpoint ? `endpoint_url = ${account.endpoint.endpoint}\n` : ''}`);
    const env = { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: config };
    const saved = process.env;
    process.env = { ...saved, ...env };
    try {
      const service = new AccountService(path.join(dir, 'config-p'), new KeytarSecretStore(), env);
      const added = await service.importAwsProfiles();
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ source: 'aws-profile', profile: 'ferrytest', endpoint: account.endpoint.endpoint });
      expect(await readFile(path.join(dir, 'config-p', 'accounts.json'), 'utf8')).not.toContain(account.credentials.secretAccessKey);
      expect(await service.test({ accountId: added[0]?.id as string })).toMatchObject({ ok: true });
      // A second import adds nothing new.
      expect(await service.importAwsProfiles()).toEqual([]);
    } finally {
      process.env = saved;
    }
  });
});
