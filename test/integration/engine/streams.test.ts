// Streams through the engine: a failing input aborts the upload; an object that changes while it
// is written out stops the download (If-Match on every range); the whole is verified.

import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { closeTestBed, incompleteUploads, openTestBed, testEngine } from '../../support/s3.js';

const MiB = 1024 * 1024;

let store: S3Store;
let bucket: string;
let dir: string;

beforeAll(async () => ({ store, bucket, dir } = await openTestBed('streams')));

afterAll(() => closeTestBed({ store, bucket, dir }));

/** Collects what is written; `onFirst` runs before the first write is acknowledged. */
function collector(onFirst?: () => Promise<void>): { out: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  let first = true;
  const out = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      if (first && onFirst) {
        first = false;
        onFirst().then(() => done(), done);
      } else done();
    },
  });
  return { out, bytes: () => Buffer.concat(chunks) };
}

describe('streams through the engine', () => {
  it('aborts the upload when the input stream fails midway, and says so', async () => {
    const engine = testEngine({ settings: { partSize: 5 * MiB } });
    try {
      let sent = 0;
      const input = new Readable({
        read() {
          if (sent >= 12 * MiB) return void this.destroy(new Error('the producer died'));
          sent += MiB;
          this.push(randomBytes(MiB));
        },
      });
      await expect(engine.uploadStream({ input, name: 'the test stream', bucket, key: 'failing' })).rejects.toMatchObject({
        code: 'SourceChanged',
        message: 'Reading the test stream failed (the producer died); nothing was kept.',
      });
      expect(await incompleteUploads(store, bucket)).toEqual([]);
      await expect(store.headObject(bucket, 'failing')).rejects.toMatchObject({ code: 'NoSuchKey' });
    } finally {
      engine.close();
    }
  });

  it('verifies a multipart object written out in order against its ETag', async () => {
    const data = randomBytes(23 * MiB + 5);
    const engine = testEngine({ settings: { partSize: 5 * MiB } });
    try {
      const up = await engine.uploadStream({ input: Readable.from([data]), name: 'the test stream', bucket, key: 'parts' });
      expect(up).toMatchObject({ method: 'multipart-etag', partSize: 5 * MiB });
      const { out, bytes } = collector();
      // Ranges of 8 MiB against parts of 5 MiB: the ETag is rebuilt across range boundaries.
      const reader = testEngine({ settings: { partSize: 8 * MiB } });
      try {
        const down = await reader.downloadStream({ bucket, key: 'parts', output: out, name: 'the test output' });
        expect(down).toMatchObject({ method: 'multipart-etag', partSize: 5 * MiB });
      } finally {
        reader.close();
      }
      expect(createHash('sha256').update(bytes()).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    } finally {
      engine.close();
    }
  });

  it('stops with RemoteChanged when the object is replaced while it is being written out', async () => {
    const original = randomBytes(20 * MiB);
    const engine = testEngine({ settings: { partSize: 5 * MiB, partsInFlight: 1, adaptive: false } });
    try {
      await engine.uploadStream({ input: Readable.from([original]), name: 'the test stream', bucket, key: 'changing' });
      // Once the first range is out, the object is replaced: every later range asks If-Match the old ETag.
      const { out, bytes } = collector(async () => {
        const writer = testEngine();
        try {
          await writer.uploadStream({ input: Readable.from([randomBytes(6 * MiB)]), name: 'the replacement', bucket, key: 'changing' });
        } finally {
          writer.close();
        }
      });
      await expect(engine.downloadStream({ bucket, key: 'changing', output: out, name: 'the test output' })).rejects.toMatchObject({ code: 'RemoteChanged' });
      // What was written is the old object's beginning, never a mix.
      const written = bytes();
      expect(written.length).toBeGreaterThan(0);
      expect(written.length).toBeLessThan(original.length);
      expect(written.equals(original.subarray(0, written.length))).toBe(true);
    } finally {
      engine.close();
    }
  });
});
