// Uploads during an outage: the account's endpoint is a relay to the server that is closed when
// the batch starts (connections refused). The rows wait in the queue, saying why, instead of
// failing; once the relay listens again on the same port they resume and the batch ends done.

import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
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
  bed = openService(dir, new MemorySecrets(), { offlineWaitMs: 1_000, baseRetryDelayMs: 50, maxRetryDelayMs: 200 }, { outageRetryMs: 1_000 });
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
});
