// The S3 adapter's paged calls against the real server.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { md5 } from '../../../electron/engine/checksum.js';
import { createTestBucket, removeTestBucket, testStore } from '../../support/s3.js';

let store: S3Store;
let bucket: string;

beforeAll(async () => {
  store = testStore();
  bucket = await createTestBucket(store, 'store');
});

afterAll(async () => {
  await removeTestBucket(store, bucket);
  store.destroy();
});

describe('S3Store', () => {
  it('follows ListParts pages (resume reconciles uploads of more than 1,000 parts this way)', async () => {
    const uploadId = await store.createMultipartUpload({ bucket, key: 'paged', crc32: false });
    try {
      const sent: string[] = [];
      for (let n = 1; n <= 5; n++) {
        const body = Buffer.from(`part ${n}`);
        sent.push(await store.uploadPart({ bucket, key: 'paged', uploadId, partNumber: n, body, md5: md5(body).toString('base64') }));
      }
      const parts = await store.listParts({ bucket, key: 'paged', uploadId, pageSize: 2 });
      expect(parts.map((p) => p.partNumber)).toEqual([1, 2, 3, 4, 5]);
      expect(parts.map((p) => p.etag)).toEqual(sent);
      expect(parts.map((p) => p.size)).toEqual([6, 6, 6, 6, 6]);
    } finally {
      await store.abortMultipartUpload({ bucket, key: 'paged', uploadId });
    }
    await expect(store.listParts({ bucket, key: 'paged', uploadId })).rejects.toMatchObject({ code: 'NoSuchUpload' });
  });

  it('follows listing pages', async () => {
    for (let i = 0; i < 5; i++) {
      const body = Buffer.from(String(i));
      await store.putObject({ bucket, key: `list/${i}`, body, md5: md5(body).toString('base64') });
    }
    const first = await store.listPage({ bucket, prefix: 'list/', maxKeys: 2 });
    expect(first.objects.map((o) => o.key)).toEqual(['list/0', 'list/1']);
    expect(first.nextToken).toBeTruthy();
    const all: string[] = [];
    for await (const entry of store.listAll(bucket, 'list/')) all.push(entry.key);
    expect(all).toEqual(['list/0', 'list/1', 'list/2', 'list/3', 'list/4']);
  });
});
