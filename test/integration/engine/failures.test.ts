// What goes wrong gets a clear error and leaves nothing behind: bad credentials, missing bucket,
// refused requests, cancel mid-upload, bytes corrupted in flight, a file that changes while it uploads.

import path from 'node:path';
import { appendFile, readdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferEngine } from '../../../electron/engine/engine.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import type { TransferEvent } from '../../../shared/transfer.js';
import { sha256File, writeRandomFile } from '../../support/files.js';
import { startHttpFaultProxy, type HttpFaultProxy } from '../../support/httpFaultProxy.js';
import { incompleteUploads, testAccount, testEngine, closeTestBed, openTestBed } from '../../support/s3.js';

const MiB = 1024 * 1024;

let store: S3Store;
let bucket: string;
let dir: string;
let bigFile: string;

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('failures'));
  bigFile = path.join(dir, 'big.bin');
  await writeRandomFile(bigFile, 60 * MiB);
});

afterAll(() => closeTestBed({ store, bucket, dir }));

/**
 * An engine whose requests pass a proxy that flips one byte of the body of UploadPart
 * `partNumber` (its first `times` attempts): damage on the wire, whichever data path sent it.
 */
async function engineWithCorruptPart(partNumber: number, times: number, options: Parameters<typeof testEngine>[0]): Promise<{ engine: TransferEngine; proxy: HttpFaultProxy }> {
  const account = testAccount();
  const isPart = (method: string, url: string) => method === 'PUT' && new URLSearchParams(url.split('?')[1] ?? '').get('partNumber') === String(partNumber);
  const proxy = await startHttpFaultProxy(new URL(account.endpoint.endpoint ?? ''), { rules: [{ corruptBody: { match: isPart, times } }] });
  const engine = testEngine(options, { ...account, endpoint: { ...account.endpoint, endpoint: proxy.url, forcePathStyle: true } });
  return { engine, proxy };
}

describe('clear errors', () => {
  it('a wrong secret key', async () => {
    const account = testAccount();
    const engine = testEngine({}, { ...account, credentials: { ...account.credentials, secretAccessKey: 'wrong-secret' } });
    try {
      await expect(engine.listBuckets()).rejects.toMatchObject({ code: 'InvalidSecret', message: expect.stringMatching(/secret key is wrong/) });
      const file = path.join(dir, 'small.txt');
      await writeFile(file, 'hello');
      await expect(engine.upload({ source: file, bucket, key: 'x' })).rejects.toMatchObject({ code: 'InvalidSecret' });
    } finally {
      engine.close();
    }
  });

  it('a missing bucket', async () => {
    const engine = testEngine();
    try {
      const file = path.join(dir, 'small.txt');
      await writeFile(file, 'hello');
      await expect(engine.upload({ source: file, bucket: `${bucket}-missing`, key: 'x' })).rejects.toMatchObject({
        code: 'NoSuchBucket',
        message: `The bucket ${bucket}-missing does not exist.`,
      });
      await expect(engine.planDownloads(`${bucket}-missing`, 'x/', dir)).rejects.toMatchObject({ code: 'NoSuchBucket' });
    } finally {
      engine.close();
    }
  });

  it('a missing key', async () => {
    const engine = testEngine();
    try {
      await expect(engine.planDownloads(bucket, 'no/such/key', path.join(dir, 'nothing'))).rejects.toMatchObject({ code: 'NoSuchKey', message: expect.stringMatching(/Nothing at s3:\/\//) });
    } finally {
      engine.close();
    }
  });

  it('a refused request (an account without rights)', async () => {
    const engine = testEngine({}, testAccount('reader'));
    try {
      const file = path.join(dir, 'small.txt');
      await writeFile(file, 'hello');
      await expect(engine.upload({ source: file, bucket, key: 'denied' })).rejects.toMatchObject({ code: 'AccessDenied', message: expect.stringMatching(/Access denied/) });
    } finally {
      engine.close();
    }
  });

  it('a local file that does not exist', async () => {
    const engine = testEngine();
    try {
      await expect(engine.upload({ source: path.join(dir, 'nope'), bucket, key: 'nope' })).rejects.toMatchObject({ code: 'LocalNotFound' });
    } finally {
      engine.close();
    }
  });
});

describe('cancel', () => {
  it('mid-upload stops at once and leaves no multipart upload (no orphan parts)', async () => {
    const events: TransferEvent[] = [];
    const engine = testEngine({ settings: { partSize: 5 * MiB, partsInFlight: 3 }, onEvent: (e) => events.push(e) });
    const controller = new AbortController();
    engine.on((e) => {
      if (e.type === 'progress' && e.segments.some((s) => s.status === 'done')) controller.abort();
    });
    try {
      await expect(engine.upload({ source: bigFile, bucket, key: 'cancelled.bin' }, controller.signal)).rejects.toMatchObject({ code: 'Cancelled' });
      expect(await incompleteUploads(store, bucket)).toEqual([]);
      const last = events.filter((e) => e.type === 'progress').at(-1);
      expect(last?.type === 'progress' && last.transfer.status).toBe('cancelled');
      expect(last?.type === 'progress' && last.transfer.bytesDone).toBeLessThan(60 * MiB);
      await expect(store.headObject(bucket, 'cancelled.bin')).rejects.toMatchObject({ code: 'NoSuchKey' });
    } finally {
      engine.close();
    }
  });

  it('mid-download removes the partial file', async () => {
    const engine = testEngine({ settings: { partSize: 5 * MiB, partsInFlight: 2 } });
    try {
      await engine.upload({ source: bigFile, bucket, key: 'to-cancel.bin' });
      const controller = new AbortController();
      engine.on((e) => {
        if (e.type === 'progress' && e.transfer.kind === 'download' && e.transfer.bytesDone > 0) controller.abort();
      });
      const out = path.join(dir, 'cancel-out');
      await expect(engine.download({ bucket, key: 'to-cancel.bin', target: path.join(out, 'f.bin') }, controller.signal)).rejects.toMatchObject({ code: 'Cancelled' });
      expect(await readdir(out)).toEqual([]);
    } finally {
      engine.close();
    }
  });
});

describe('integrity', () => {
  it('a part corrupted in flight is caught by its checksum and sent again', async () => {
    const events: TransferEvent[] = [];
    const { engine, proxy } = await engineWithCorruptPart(2, 1, { settings: { partSize: 5 * MiB }, onEvent: (e) => events.push(e) });
    try {
      const verified = await engine.upload({ source: bigFile, bucket, key: 'corrupt-once.bin' });
      expect(proxy.counts.corrupted).toBe(1);
      const retries = events.filter((e): e is Extract<TransferEvent, { type: 'retry' }> => e.type === 'retry');
      expect(retries).toHaveLength(1);
      expect(retries[0]).toMatchObject({ segment: 1, error: { code: 'ChecksumMismatch' } });
      expect(verified.method).toBe('multipart-etag');
      const out = path.join(dir, 'corrupt-once.bin');
      await engine.download({ bucket, key: 'corrupt-once.bin', target: out });
      expect(await sha256File(out)).toBe(await sha256File(bigFile));
    } finally {
      engine.close();
      await proxy.close();
    }
  });

  it('a part corrupted on every attempt fails the upload with a checksum error and aborts it', async () => {
    const { engine, proxy } = await engineWithCorruptPart(3, 100, { settings: { partSize: 5 * MiB, maxAttempts: 3 } });
    try {
      await expect(engine.upload({ source: bigFile, bucket, key: 'corrupt-always.bin' })).rejects.toMatchObject({
        code: 'ChecksumMismatch',
        message: expect.stringMatching(/gave up after 3 attempts/),
      });
      expect(proxy.counts.corrupted).toBe(3);
      expect(await incompleteUploads(store, bucket)).toEqual([]);
    } finally {
      engine.close();
      await proxy.close();
    }
  });

  it('a file that changes while it uploads is refused, and nothing is kept', async () => {
    const file = path.join(dir, 'growing.bin');
    await writeRandomFile(file, 30 * MiB);
    const engine = testEngine({ settings: { partSize: 5 * MiB, partsInFlight: 1 } });
    let appended = false;
    engine.on((e) => {
      if (!appended && e.type === 'progress' && e.segments.some((s) => s.status === 'done')) {
        appended = true;
        void appendFile(file, 'more bytes');
      }
    });
    try {
      await expect(engine.upload({ source: file, bucket, key: 'growing.bin' })).rejects.toMatchObject({ code: 'SourceChanged' });
      expect(await incompleteUploads(store, bucket)).toEqual([]);
      await expect(store.headObject(bucket, 'growing.bin')).rejects.toMatchObject({ code: 'NoSuchKey' });
    } finally {
      engine.close();
    }
  });
});
