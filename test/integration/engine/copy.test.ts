// Streamed copies through the engine, between two accounts: a single-part source copied in parts
// (its MD5 rebuilt from the bytes in order), and a source replaced during the copy.

import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyInputFromUrls, type CopyProgress } from '../../../electron/engine/copy.js';
import { Journal } from '../../../electron/engine/journal.js';
import type { TransferEngine } from '../../../electron/engine/engine.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { closeOtherBucket, closeTestBed, incompleteUploads, openOtherBucket, openTestBed, testAccount, testEngine } from '../../support/s3.js';

const MiB = 1024 * 1024;

let store: S3Store;
let bucket: string;
let dir: string;
let otherStore: S3Store;
let otherBucket: string;

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('engine-copy'));
  ({ store: otherStore, bucket: otherBucket } = await openOtherBucket('engine-copy-other'));
});

afterAll(async () => {
  try {
    await closeOtherBucket({ store: otherStore, bucket: otherBucket });
  } finally {
    await closeTestBed({ store, bucket, dir });
  }
});

async function withEngines(run: (source: TransferEngine, target: TransferEngine) => Promise<void>, targetSettings = {}, journal?: Journal): Promise<void> {
  const source = testEngine({ settings: { multipartThreshold: 64 * MiB } });
  const target = testEngine({ journal, settings: { partSize: 5 * MiB, multipartThreshold: 5 * MiB, ...targetSettings } }, testAccount('other'));
  try {
    await run(source, target);
  } finally {
    source.close();
    target.close();
  }
}

describe('streamed copies', () => {
  it('copies a 40 MiB single-part object in 5 MiB parts, checked against its MD5', async () => {
    const data = randomBytes(40 * MiB);
    await withEngines(async (source, target) => {
      // A file below the source engine's 64 MiB threshold goes up in one PUT: its ETag is its MD5.
      const file = path.join(dir, 'single.bin');
      await writeFile(file, data);
      await source.upload({ source: file, bucket, key: 'single.bin' });
      const original = await store.headObject(bucket, 'single.bin');
      expect(original.etag).toMatch(/^[0-9a-f]{32}$/);
      const result = await target.copy(copyInputFromUrls({ bucket, key: 'single.bin' }, { bucket: otherBucket, key: 'copied.bin' }), {}, source);
      expect(result).toMatchObject({ copied: 1, streamed: true, failures: [] });
      const copied = await otherStore.headObject(otherBucket, 'copied.bin');
      expect(copied.etag).toMatch(/-8$/);
      const back = await otherStore.getRange({ bucket: otherBucket, key: 'copied.bin', start: 0, end: data.length - 1 });
      const chunks: Buffer[] = [];
      for await (const chunk of back.body) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
    });
  });

  it('stops a copy whose source is replaced midway, and leaves no upload at the target', async () => {
    await withEngines(async (source, target) => {
      await source.uploadStream({ input: Readable.from([randomBytes(30 * MiB)]), name: 'test data', bucket, key: 'changing.bin' });
      let replaced = false;
      const copying = target.copy(copyInputFromUrls({ bucket, key: 'changing.bin' }, { bucket: otherBucket, key: 'changing.bin' }), {}, source);
      // Replaced as soon as the target has a multipart upload under way.
      for (let i = 0; i < 400 && !replaced; i++) {
        if ((await incompleteUploads(otherStore, otherBucket)).length > 0) {
          await source.uploadStream({ input: Readable.from([randomBytes(30 * MiB)]), name: 'replacement', bucket, key: 'changing.bin' });
          replaced = true;
        } else await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const result = await copying;
      expect(replaced).toBe(true);
      expect(result.copied).toBe(0);
      expect(result.failures.map((f) => f.error.code)).toEqual(['RemoteChanged']);
      await expect(otherStore.headObject(otherBucket, 'changing.bin')).rejects.toMatchObject({ code: 'NoSuchKey' });
      expect(await incompleteUploads(otherStore, otherBucket)).toEqual([]);
      // One part at a time: the replacement lands while most of the source is still to be read.
    }, { partsInFlight: 1, adaptive: false });
  });

  it('pauses an overwriting copy and resumes it: what was copied is not copied again, the large object goes on from its parts', async () => {
    const journal = new Journal(path.join(dir, 'state-pause'));
    await withEngines(async (source, target) => {
      // The large object first in the listing, so it is under way (at 8 MiB/s) while the small ones go.
      await source.uploadStream({ input: Readable.from([randomBytes(40 * MiB)]), name: 'test data', bucket, key: 'pause/a-big.bin' });
      for (let i = 0; i < 40; i++) {
        const body = randomBytes(1024);
        await store.putObject({ bucket, key: `pause/small-${String(i).padStart(2, '0')}.txt`, body, md5: createHash('md5').update(body).digest('base64') });
      }
      const input = { ...copyInputFromUrls({ bucket, key: 'pause/' }, { bucket: otherBucket, key: 'paused/' }), ifExists: 'overwrite' as const };
      const pause = new AbortController();
      let last: CopyProgress | undefined;
      const copying = target.copy(input, { pause: pause.signal, onProgress: (p) => (last = p) }, source);
      // Paused once some small objects are across and the large one has parts at the target: what is
      // in flight finishes, nothing more starts.
      const big = async () => {
        for await (const upload of otherStore.listMultipartUploads(otherBucket, 'paused/a-big.bin')) return (await otherStore.listParts({ bucket: otherBucket, key: upload.key, uploadId: upload.uploadId })).length;
        return 0;
      };
      for (let i = 0; i < 2000 && !pause.signal.aborted; i++) {
        if ((last?.copied ?? 0) >= 5 && (await big()) >= 2) pause.abort();
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(pause.signal.aborted).toBe(true);
      await expect(copying).rejects.toMatchObject({ code: 'Paused' });
      // The large object's upload is kept for the next run.
      const partsKept = await big();
      expect(partsKept).toBeGreaterThanOrEqual(2);
      const across = new Set<string>();
      for await (const entry of otherStore.listAll(otherBucket, 'paused/')) across.add(entry.key);
      expect(across.has('paused/a-big.bin')).toBe(false);
      expect(across.size).toBeGreaterThanOrEqual(5);

      target.updateSettings({ bandwidthLimit: 0 });
      const resumed: { partsDone: number }[] = [];
      const result = await target.copy(input, { onResumed: (r) => resumed.push(r) }, source);
      // An overwrite passes over only what the paused run copied; the rest is copied once.
      expect(result).toMatchObject({ objects: 41, alreadyDone: across.size, skipped: across.size, copied: 41 - across.size, failures: [] });
      expect(resumed).toHaveLength(1);
      expect(resumed[0]?.partsDone).toBeGreaterThanOrEqual(partsKept - 1);
      expect(await incompleteUploads(otherStore, otherBucket)).toEqual([]);
      const [original, copied] = await Promise.all([store.headObject(bucket, 'pause/a-big.bin'), otherStore.headObject(otherBucket, 'paused/a-big.bin')]);
      expect(copied.etag).toBe(original.etag);

      // Finished, the copy's log is gone: an overwrite run again copies everything.
      const again = await target.copy(input, {}, source);
      expect(again).toMatchObject({ copied: 41, alreadyDone: 0 });
    }, { partsInFlight: 1, filesInFlight: 2, adaptive: false, bandwidthLimit: 8 * MiB }, journal);
  }, 120_000);
});
