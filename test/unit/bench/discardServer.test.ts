// The benchmark discard server must speak enough S3 for real clients, with real ETags.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { AwsChunkedDecoder, fillPattern, patternByte, smallFileKey, startDiscardServer, type DiscardServer } from '../../../bench/discardServer.js';

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

/** Bytes that differ from the generated pattern, so an upload cannot pass by accident. */
function randomish(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const smallFiles = { count: 2345, minBytes: 10, maxBytes: 3000 };

describe('discard server', () => {
  let server: DiscardServer;
  let s3: S3Client;

  beforeAll(async () => {
    server = await startDiscardServer({ port: 0, smallFiles });
    s3 = new S3Client({
      endpoint: server.url,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });

  afterAll(async () => {
    s3?.destroy();
    await server?.close();
  });

  it('PutObject answers the MD5 of the body as ETag and remembers size and ETag', async () => {
    const body = randomish(1024 * 1024, 1);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'up/one', Body: body }));
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bench', Key: 'up/one' }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.ETag).toBe(put.ETag);
  });

  it('decodes aws-chunked uploads (SDK default checksums on a stream body)', async () => {
    const chunkedClient = new S3Client({
      endpoint: server.url,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    try {
      const body = randomish(300_000, 2);
      const put = await chunkedClient.send(
        new PutObjectCommand({ Bucket: 'bench', Key: 'up/chunked', Body: Readable.from([body.subarray(0, 100_000), body.subarray(100_000)]), ContentLength: body.length }),
      );
      expect(put.ETag).toBe(`"${md5(body)}"`);
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'bench', Key: 'up/chunked' }));
      expect(head.ContentLength).toBe(body.length);
    } finally {
      chunkedClient.destroy();
    }
  });

  it('AwsChunkedDecoder strips signed framing and trailers, across any split', () => {
    const payload = randomish(70_000, 3);
    const framed = Buffer.concat([
      Buffer.from(`10000;chunk-signature=${'a'.repeat(64)}\r\n`),
      payload.subarray(0, 65536),
      Buffer.from(`\r\n${(70_000 - 65536).toString(16)};chunk-signature=${'b'.repeat(64)}\r\n`),
      payload.subarray(65536),
      Buffer.from(`\r\n0;chunk-signature=${'c'.repeat(64)}\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:${'d'.repeat(64)}\r\n\r\n`),
    ]);
    for (const step of [1, 7, 4096, framed.length]) {
      const out: Buffer[] = [];
      const d = new AwsChunkedDecoder((b) => out.push(Buffer.from(b)));
      for (let i = 0; i < framed.length; i += step) d.push(framed.subarray(i, i + step));
      expect(d.done).toBe(true);
      expect(Buffer.concat(out).equals(payload)).toBe(true);
    }
  });

  it('multipart upload: parts answer their MD5, Complete the MD5 of the MD5s with -3', async () => {
    const Bucket = 'bench';
    const Key = 'up/multi';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    expect(UploadId).toBeTruthy();
    const partSize = 5 * 1024 * 1024;
    const parts = [randomish(partSize, 4), randomish(partSize, 5), randomish(123_457, 6)];
    const etags: string[] = [];
    for (const [i, Body] of parts.entries()) {
      const r = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body }));
      expect(r.ETag).toBe(`"${md5(Body)}"`);
      etags.push(r.ETag!);
    }
    const listed = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size])).toEqual(parts.map((p, i) => [i + 1, etags[i], p.length]));

    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }),
    );
    const expected = createHash('md5')
      .update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest())))
      .digest('hex');
    expect(done.ETag).toBe(`"${expected}-3"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
    expect(head.ContentLength).toBe(partSize * 2 + 123_457);
    expect(head.ETag).toBe(done.ETag);
    // The upload is gone once completed.
    await expect(s3.send(new ListPartsCommand({ Bucket, Key, UploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });

  it('HeadObject of a gen/ key reports its size', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bench', Key: 'gen/10485760' }));
    expect(head.ContentLength).toBe(10485760);
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const named = await s3.send(new HeadObjectCommand({ Bucket: 'bench', Key: 'gen/some-name-10485760' }));
    expect(named.ETag).toBe(head.ETag);
  });

  it('huge gen/ keys answer at once, with a multipart-looking ETag instead of an MD5', async () => {
    const t = performance.now();
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'bench', Key: 'gen/1099511627776' }));
    expect(head.ContentLength).toBe(1099511627776);
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-1"$/);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('ranged GetObject of a gen/ key returns the deterministic pattern at that offset', async () => {
    const start = 6 * 1024 * 1024 - 3;
    const end = start + 3 * 1024 * 1024 + 10; // spans several pattern periods and write slices
    const r = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'gen/10485760', Range: `bytes=${start}-${end}` }));
    expect(r.ContentRange).toBe(`bytes ${start}-${end}/10485760`);
    expect(r.ContentLength).toBe(end - start + 1);
    const got = await r.Body!.transformToByteArray();
    expect(got.length).toBe(end - start + 1);
    const want = Buffer.allocUnsafe(got.length);
    fillPattern(want, start);
    expect(Buffer.from(got).equals(want)).toBe(true);
    expect(got[0]).toBe(patternByte(start));
    expect(got[got.length - 1]).toBe(patternByte(end));
  });

  it('full GetObject of a gen/ key has the MD5 its ETag says; If-Match is honoured', async () => {
    const r = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'gen/3000000' }));
    const got = await r.Body!.transformToByteArray();
    expect(got.length).toBe(3000000);
    expect(r.ETag).toBe(`"${md5(got)}"`);
    await expect(s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'gen/3000000', IfMatch: '"0123"' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    const ok = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'gen/3000000', IfMatch: r.ETag, Range: 'bytes=0-0' }));
    expect((await ok.Body!.transformToByteArray()).length).toBe(1);
  });

  it('GetObject of an uploaded (non-gen) key is NoSuchKey: no bytes are kept', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'up/kept-not', Body: 'abc' }));
    const err = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'up/kept-not' })).catch((e: S3ServiceException) => e);
    expect(err).toMatchObject({ name: 'NoSuchKey' });
  });

  it('ListObjectsV2 pages over the smallFiles set in order, with real ETags', async () => {
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await s3.send(new ListObjectsV2Command({ Bucket: 'bench', Prefix: 'gen/small/', MaxKeys: 1000, ContinuationToken: token }));
      pages++;
      for (const c of r.Contents ?? []) {
        keys.push(c.Key!);
        expect(c.Size).toBe(Number(/-(\d+)$/.exec(c.Key!)![1]));
      }
      if (pages === 1) {
        const first = r.Contents![0]!;
        const body = await (await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: first.Key! }))).Body!.transformToByteArray();
        expect(first.ETag).toBe(`"${md5(body)}"`);
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    expect(pages).toBe(3);
    expect(keys).toEqual(Array.from({ length: smallFiles.count }, (_, i) => smallFileKey(smallFiles, i)));
    const sizes = keys.map((k) => Number(/-(\d+)$/.exec(k)![1]));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(smallFiles.minBytes);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(smallFiles.maxBytes);
  });

  it('ListObjectsV2 with a delimiter rolls keys up and resumes after a common prefix', async () => {
    for (const Key of ['dir/a/1', 'dir/a/2', 'dir/b', 'dir/c/1', 'dir/d']) {
      await s3.send(new PutObjectCommand({ Bucket: 'bench', Key, Body: 'x' }));
    }
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const r = await s3.send(new ListObjectsV2Command({ Bucket: 'bench', Prefix: 'dir/', Delimiter: '/', MaxKeys: 1, ContinuationToken: token }));
      seen.push(...(r.CommonPrefixes ?? []).map((p) => `P:${p.Prefix}`), ...(r.Contents ?? []).map((c) => `K:${c.Key}`));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    expect(seen).toEqual(['P:dir/a/', 'K:dir/b', 'P:dir/c/', 'K:dir/d']);
  });

  it('counts requests and bytes', () => {
    expect(server.stats.requests).toBeGreaterThan(10);
    expect(server.stats.bytesIn).toBeGreaterThan(11 * 1024 * 1024);
    expect(server.stats.bytesOut).toBeGreaterThan(6 * 1024 * 1024);
  });
});
