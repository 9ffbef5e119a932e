// The command line with the app's accounts (--account, --to-account, --from-account): saved by the
// app's service into a settings folder and the real keychain (a Secret Service under
// scripts/with-keyring.sh), then named on the command line, which reads the same folder
// (FERRY_CONFIG_DIR) and the secret from the keychain.

import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { KeytarSecretStore } from '../../../electron/services/secretStore.js';
import { cliEnv, ferry } from '../../support/cli.js';
import { describeNeeding, hasSecretService, SECRET_SERVICE } from '../../support/requirements.js';
import { closeOtherBucket, closeTestBed, openOtherBucket, openTestBed } from '../../support/s3.js';
import { addTestAccount, openService } from '../../support/service.js';

let store: S3Store;
let bucket: string;
let dir: string;
let otherStore: S3Store;
let otherBucket: string;
const saved: string[] = [];

describeNeeding({ [SECRET_SERVICE]: hasSecretService })('the command line with the app’s accounts', () => {
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    ({ store, bucket, dir } = await openTestBed('cli-app-accounts'));
    ({ store: otherStore, bucket: otherBucket } = await openOtherBucket('cli-app-accounts-other'));
    const bed = openService(dir, new KeytarSecretStore());
    try {
      saved.push(await addTestAccount(bed, 'other', 'Backup'), await addTestAccount(bed, 'owner', 'Main'));
    } finally {
      await bed.service.close();
    }
    const body = Buffer.from('a report, copied by account name');
    await store.putObject({ bucket, key: 'reports/q4 ü+.txt', body, md5: createHash('md5').update(body).digest('base64') });
    // The app's settings folder, and the session bus the keychain answers on; no AWS_* variables.
    const base = cliEnv(dir, { FERRY_CONFIG_DIR: path.join(dir, 'config'), DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS ?? '' });
    env = Object.fromEntries(Object.entries(base).filter(([name]) => !name.startsWith('AWS_')));
  });

  afterAll(async () => {
    const bed = openService(dir, new KeytarSecretStore());
    try {
      for (const id of saved) await bed.call('accounts.remove', { accountId: id });
    } finally {
      await bed.service.close();
      await closeOtherBucket({ store: otherStore, bucket: otherBucket });
      await closeTestBed({ store, bucket, dir });
    }
  });

  it('copies from one app account to another, named on the command line (case aside)', async () => {
    const copy = await ferry(['copy', `s3://${bucket}/reports/`, `s3://${otherBucket}/mirror/`, '--from-account', 'Main', '--to-account', 'backup'], env);
    expect(copy.stderr).toBe('');
    expect(copy.code).toBe(0);
    expect(copy.stdout).toMatch(/^Copied 1 object, 32 bytes \(32 B\), streamed through this machine in /);
    expect((await otherStore.headObject(otherBucket, 'mirror/q4 ü+.txt')).size).toBe(32);

    const listed = await ferry(['ls', `s3://${otherBucket}/mirror/`, '--account', 'Backup'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('q4 ü+.txt');
  });

  it('says which accounts there are when the name is wrong, and refuses --account with --profile', async () => {
    const wrong = await ferry(['ls', `s3://${bucket}/`, '--account', 'Nope'], env);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('The app has no account named "Nope"');
    expect(wrong.stderr).toContain('Its accounts: "Backup", "Main".');
    const both = await ferry(['ls', `s3://${bucket}/`, '--account', 'Main', '--profile', 'x'], env);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('Give --account (an account of the app) or --profile (of ~/.aws), not both.');
  });
});
