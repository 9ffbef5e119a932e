import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { drainBody } from '../../../electron/engine/download.js';
import { EtagHasher, multipartEtag } from '../../../electron/engine/checksum.js';

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest();

/** The ETag of chunks fed in order. */
function contentEtag(chunks: Buffer[], partSize?: number): string {
  const hasher = new EtagHasher(partSize);
  for (const chunk of chunks) hasher.update(chunk);
  return hasher.digest();
}

describe('EtagHasher', () => {
  const data = randomBytes(10_000);
  // Chunk boundaries that fall before, on and after part boundaries.
  const chunks = [data.subarray(0, 999), data.subarray(999, 3000), data.subarray(3000, 3001), data.subarray(3001)];

  it('is the plain MD5 without a part size', () => {
    expect(contentEtag(chunks)).toBe(md5(data).toString('hex'));
  });

  it('is S3\'s multipart ETag with one', () => {
    const parts = [0, 3000, 6000, 9000].map((start) => md5(data.subarray(start, Math.min(start + 3000, data.length))));
    expect(contentEtag(chunks, 3000)).toBe(multipartEtag(parts));
    expect(contentEtag(chunks, 10_000)).toBe(multipartEtag([md5(data)]));
    expect(contentEtag([], 3000)).toBe(multipartEtag([md5(new Uint8Array())]));
  });
});

describe('drainBody', () => {
  it('hands over the body in order, in batches of about the batch size', async () => {
    const chunks = Array.from({ length: 50 }, () => randomBytes(1000));
    const batches: number[] = [];
    const got: Buffer[] = [];
    await drainBody(Readable.from(chunks), 4096, async (batch, bytes) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      batches.push(bytes);
      got.push(...batch);
    });
    expect(Buffer.concat(got).equals(Buffer.concat(chunks))).toBe(true);
    expect(batches.slice(0, -1).every((b) => b >= 4096 && b < 5096)).toBe(true);
  });

  it('writes what arrived before the stream failed, then throws the stream\'s error', async () => {
    const body = new PassThrough();
    const written: number[] = [];
    const done = drainBody(body, 1 << 20, (_batch, bytes) => {
      written.push(bytes);
      return Promise.resolve();
    });
    body.write(Buffer.alloc(300));
    body.write(Buffer.alloc(200));
    await new Promise((resolve) => setImmediate(resolve));
    body.destroy(new Error('connection reset'));
    await expect(done).rejects.toThrow('connection reset');
    expect(written).toEqual([500]);
  });

  it('a failed write stops the stream and is what is thrown', async () => {
    const body = Readable.from([Buffer.alloc(10), Buffer.alloc(10), Buffer.alloc(10)]);
    await expect(drainBody(body, 10, () => Promise.reject(new Error('ENOSPC')))).rejects.toThrow('ENOSPC');
    expect(body.destroyed).toBe(true);
  });
});
