// Uploads during an outage: the account's endpoint is a relay to the server that is closed when
// the batch starts (connections refused). The rows wait in the queue, saying why, instead of
// failing; once the relay listens again on the same port they resume and the batch ends done.

import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchEvent } from '../../../shared/api.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { closeTestBed, openTestBed, testAccount } from '../../support/s3.js';
import { MemorySecrets, openService, type ServiceBed } from '../../support/service.js';
import { startTcpRelay, type TcpRelay } from '../../support/tcpRelay.js';

let store: S3Store;
let bucket: string;
let dir: string;
let bed: ServiceBed;
let relay: TcpRelay | undefined;
let port: number;
const target = new URL(testAccount().endpoint.endpoint ?? 'http://127.0.0.1:18080');

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('outage'));
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  // The engine gives up on the server after a second; the queue starts the rows again a second later.
  // 8 MiB/s: a download lasts long enough to lose its server mid-way.
  bed = openService(dir, new MemorySecrets(), { offlineWaitMs: 1_000, baseRetryDelayMs: 50, maxRetryDelayMs: 200, bandwidthLimit: 8 * 1024 * 1024 }, { outageRetryMs: 1_000 });
});

afterAll(async () => {
  await bed?.service.close();
  await relay?.close();
  await closeTestBed({ store, bucket, dir });
});

describe('uploads during an outage', () => {
  it('keeps the rows queued while the server cannot be reached, and finishes them when it is back', async () => {
    const account = testAccount();
    const saved = await bed.call('accounts.save', {
      name: 'through the relay',
      kind: 's3-compatible',
      endpoint: `http://127.0.0.1:${port}`,
      region: account.endpoint.region,
      forcePathStyle: true,
      accessKeyId: account.credentials.accessKeyId,
      secretAccessKey: account.credentials.secretAccessKey,
    });
    const files = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const file = path.join(dir, `outage-${n}.bin`);
        const data = randomBytes(n * 300_000);
        await writeFile(file, data);
        return { file, md5: createHash('md5').update(data).digest('hex') };
      }),
    );
    const { batchId } = await bed.call('transfers.upload', { accountId: saved.id, bucket, prefix: 'o/', paths: files.map((f) => f.file) });
    const rows = () => [...bed.rows.values()].filter((r) => r.batchId === batchId);
    // Each row tried, met the outage and went back to wait, saying why.
    await bed.until(() => rows().length === 3 && rows().every((r) => r.state === 'queued' && r.waitUntil !== undefined && /^Waiting for the server: /.test(r.note ?? '')), 30_000);
    // A few more rounds of trying: never failed, no batch end.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(rows().some((r) => r.state === 'failed')).toBe(false);
    expect(bed.events.some((e) => e.type === 'batch' && e.batchId === batchId)).toBe(false);

    relay = await startTcpRelay('127.0.0.1', port, target);
    const end = await bed.until(() => bed.events.find((e): e is BatchEvent => e.type === 'batch' && e.batchId === batchId), 60_000);
    expect(end).toMatchObject({ status: 'done', files: 3, done: 3, failures: [] });
    expect(rows().every((r) => r.state === 'done' && r.note === undefined && r.waitUntil === undefined)).toBe(true);
    for (const [i, f] of files.entries()) expect((await store.headObject(bucket, `o/outage-${i + 1}.bin`)).etag).toBe(f.md5);
  }, 120_000);

  it('a download whose server goes away mid-way goes on from the bucket\'s replica, saying so', async () => {
    const account = testAccount();
    const save = (name: string, endpoint: string) =>
      bed.call('accounts.save', { name, kind: 's3-compatible', endpoint, region: account.endpoint.region, forcePathStyle: true, accessKeyId: account.credentials.accessKeyId, secretAccessKey: account.credentials.secretAccessKey });
    relay ??= await startTcpRelay('127.0.0.1', port, target);
    const primary = await save('primary, through the relay', `http://127.0.0.1:${port}`);
    const direct = await save('replica, direct', target.href);
    // The replica: the same bytes under rep/ of the bucket, reached without the relay.
    const data = randomBytes(24 * 1024 * 1024);
    for (const key of ['big/obj.bin', 'rep/big/obj.bin']) await store.putObject({ bucket, key, body: data, md5: createHash('md5').update(data).digest('base64') });
    await bed.call('replica.set', { accountId: primary.id, bucket, replica: { replicaAccountId: direct.id, replicaBucket: bucket, prefix: 'rep/' } });

    const { batchId } = await bed.call('transfers.download', { accountId: primary.id, bucket, keys: ['big/obj.bin'], prefixes: [] });
    const row = () => [...bed.rows.values()].find((r) => r.batchId === batchId);
    await bed.until(() => (row()?.bytesDone ?? 0) > 2 * 1024 * 1024, 30_000);
    await relay.close();
    relay = undefined;
    const end = await bed.until(() => bed.events.find((e): e is BatchEvent => e.type === 'batch' && e.batchId === batchId), 60_000);
    expect(end).toMatchObject({ status: 'done', done: 1, failures: [] });
    expect(row()).toMatchObject({ state: 'done', accountId: direct.id, key: 'rep/big/obj.bin' });
    expect(row()?.note).toMatch(/cannot be reached \(.*\); reading the replica s3:\/\/\S+\/rep\/big\/obj\.bin instead\./);
    const local = await readFile(path.join(dir, 'downloads', 'obj.bin'));
    expect(createHash('md5').update(local).digest('hex')).toBe(createHash('md5').update(data).digest('hex'));
  }, 120_000);
});
