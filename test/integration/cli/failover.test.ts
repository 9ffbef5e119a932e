// Reads when the endpoint is down: the primary reached through a relay that is then closed (so the
// endpoint URL stays the same and refuses connections), the replica a prefix of the second
// account's bucket, filled with ferry copy. `ferry ls` and `ferry download` read the replica and
// say so; with the replica down too, `ferry ls` of a folder listed before prints its last listing
// (the replica's, kept under the primary's names), marked stale with its age; a folder never
// listed says what failed.

import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { cliEnv, ferry, repoRoot } from '../../support/cli.js';
import { closeOtherBucket, closeTestBed, openOtherBucket, openTestBed, testAccount } from '../../support/s3.js';
import { startTcpRelay, type TcpRelay } from '../../support/tcpRelay.js';
import { freePort } from '../../support/ports.js';

let store: S3Store;
let bucket: string;
let dir: string;
let otherStore: S3Store;
let otherBucket: string;
let relay: TcpRelay;
let env: NodeJS.ProcessEnv;
let closedPort: number;
/** The primary: the endpoint through the relay. */
let primary: string[];
const endpoint = testAccount().endpoint.endpoint ?? 'http://127.0.0.1:18080';

const FILES: Record<string, string> = { 'docs/a.txt': 'alpha', 'docs/c ü+.bin': 'gamma, odd name', 'docs/sub/b.txt': 'beta in a folder' };

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('failover'));
  ({ store: otherStore, bucket: otherBucket } = await openOtherBucket('failover-replica'));
  for (const [key, body] of Object.entries(FILES)) {
    await store.putObject({ bucket, key, body: Buffer.from(body), md5: createHash('md5').update(body).digest('base64') });
  }
  const other = testAccount('other').credentials;
  await mkdir(path.join(dir, '.aws'), { recursive: true });
  await writeFile(path.join(dir, '.aws', 'credentials'), `[other]\naws_access_key_id = ${other.accessKeyId}\naws_secret_access_key = ${other.secretAccessKey}\n`);
  // The replica, kept in step by a copy to the second account.
  const copied = await ferry(['copy', `s3://${bucket}/docs/`, `s3://${otherBucket}/mirror/docs/`, '--to-profile', 'other'], cliEnv(dir));
  expect(copied.code, copied.stderr).toBe(0);
  relay = await startTcpRelay('127.0.0.1', 0, new URL(endpoint));
  env = cliEnv(dir);
  primary = ['--endpoint', `http://127.0.0.1:${relay.port}`];
  closedPort = await freePort();
});

afterAll(async () => {
  await relay.close().catch(() => undefined);
  try {
    await closeOtherBucket({ store: otherStore, bucket: otherBucket });
  } finally {
    await closeTestBed({ store, bucket, dir });
  }
});

const replicaFlags = (replicaEndpoint: string) => ['--replica', `s3://${otherBucket}/mirror/`, '--replica-profile', 'other', '--replica-endpoint', replicaEndpoint];

describe('reads when the endpoint is down', () => {
  let firstListing = '';
  /** The last listing that succeeded (the replica's), which the cache then holds. */
  let lastListing = '';

  it('lists the primary while it is up (and keeps the level for later)', async () => {
    const listed = await ferry(['ls', `s3://${bucket}/docs/`, ...primary], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toBe('');
    firstListing = listed.stdout;
    expect(firstListing).toMatch(/PRE docs\/sub\/\n/);
    expect(firstListing).toMatch(/ {12}5 docs\/a\.txt\n/);
    await relay.close();
  });

  it('lists and downloads from the replica when the primary refuses connections, and says so', async () => {
    const listed = await ferry(['ls', `s3://${bucket}/docs/`, ...primary, ...replicaFlags(endpoint)], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toMatch(new RegExp(`^ferry: s3://${bucket}/ cannot be reached: the server http://127\\.0\\.0\\.1:\\d+ refused the connection while listing \\(gave up after \\d+ attempts over \\d+ s\\); listing the replica s3://${otherBucket}/mirror/docs/ instead\\.\\n$`));
    // The primary's names, the replica's objects (same sizes; times are the copies').
    const names = (text: string) => text.split('\n').map((line) => line.slice(20));
    expect(names(listed.stdout)).toEqual(names(firstListing));
    lastListing = listed.stdout;

    const out = path.join(dir, 'out');
    const downloaded = await ferry(['download', `s3://${bucket}/docs/`, out, ...primary, ...replicaFlags(endpoint)], env);
    expect(downloaded.code, downloaded.stderr).toBe(0);
    expect(downloaded.stderr).toContain(`downloading from the replica s3://${otherBucket}/mirror/docs/ instead.`);
    for (const [key, body] of Object.entries(FILES)) expect(await readFile(path.join(out, key), 'utf8')).toBe(body);
  }, 60_000);

  it('prints the listing kept from before, marked stale, when the replica is down too', async () => {
    const listed = await ferry(['ls', `s3://${bucket}/docs/`, ...primary, ...replicaFlags(`http://127.0.0.1:${closedPort}`)], env);
    expect(listed.code, listed.stderr).toBe(0);
    // The level as last listed (from the replica, kept under the primary's names).
    expect(listed.stdout).toBe(lastListing);
    expect(listed.stderr).toContain(`the replica s3://${otherBucket}/mirror/docs/ cannot be reached either`);
    expect(listed.stderr).toMatch(new RegExp(`ferry: stale: showing s3://${bucket}/docs/ as it was listed \\d+ s ago \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\); it may have changed since\\.\\n$`));
    // Without a replica, the same.
    const alone = await ferry(['ls', `s3://${bucket}/docs/`, ...primary], env);
    expect(alone.stdout).toBe(lastListing);
    expect(alone.stderr).toContain('ferry: stale: showing');

    const never = await ferry(['ls', `s3://${bucket}/elsewhere/`, ...primary, ...replicaFlags(`http://127.0.0.1:${closedPort}`)], env);
    expect(never.code).not.toBe(0);
    expect(never.stdout).toBe('');
    expect(never.stderr).toMatch(new RegExp(`^ferry: EndpointUnreachable: the replica s3://${otherBucket}/mirror/elsewhere/ cannot be reached either: .*; no listing of s3://${bucket}/elsewhere/ was kept from before\\.$`, 'm'));
  }, 90_000);
});

describe('a download whose primary goes away mid-way', () => {
  it('downloads the files left from the replica, saying so; what the primary delivered stays', async () => {
    const data = randomBytes(24 * 1024 * 1024);
    const md5 = createHash('md5').update(data);
    await store.putObject({ bucket, key: 'big/obj.bin', body: data, md5: createHash('md5').update(data).digest('base64') });
    await otherStore.putObject({ bucket: otherBucket, key: 'mirror/big/obj.bin', body: data, md5: createHash('md5').update(data).digest('base64') });
    const midway = await startTcpRelay('127.0.0.1', 0, new URL(endpoint));
    const into = path.join(dir, 'midway');
    await mkdir(into, { recursive: true });
    // 8 MiB/s: three seconds of download to lose the primary in.
    const args = ['download', `s3://${bucket}/big/obj.bin`, into, '--endpoint', `http://127.0.0.1:${midway.port}`, '--bwlimit', '8MiB', ...replicaFlags(endpoint)];
    const child = spawn(process.execPath, [`${repoRoot}/bin/ferry.js`, ...args, ...(testAccount().endpoint.forcePathStyle ? ['--path-style'] : [])], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 30_000;
    const written = async () => (await readdir(into, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;
    const bytesOnDisk = async () => {
      let total = 0;
      for (const entry of await readdir(into, { recursive: true, withFileTypes: true })) if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
      return total;
    };
    while ((await written()) === 0 || ((await bytesOnDisk()) < 2 * 1024 * 1024 && Date.now() < deadline)) await new Promise((r) => setTimeout(r, 50));
    await midway.close();
    expect(await exited, stderr).toBe(0);
    expect(stderr).toMatch(/stopped answering mid-way: .*; downloading the 1 file left from the replica s3:\/\/\S+\/mirror\/ instead\./);
    expect(stdout).toMatch(/^Downloaded 1 file, /m);
    expect(createHash('md5').update(await readFile(path.join(into, 'obj.bin'))).digest('hex')).toBe(md5.digest('hex'));
  }, 120_000);
});
