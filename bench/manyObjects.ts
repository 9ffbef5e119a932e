// A bucket with very many objects in one prefix, for the listing tests. Creating 100,000 objects
// takes Swift about 20 minutes on two cores, so the bucket is kept between runs and reused once
// complete (a marker object says so); `npm run s3:stop` keeps the server's data. The end-to-end
// tests browse it and the listing benchmark (`npm run bench -- --list`) lists it.

import { createHash } from 'node:crypto';
import { mapInFlight } from '../electron/engine/inFlight.js';
import type { S3Store } from '../electron/engine/s3/store.js';

export const MANY_PREFIX = 'many/';
const COMPLETE_MARKER = 'complete';
const EMPTY = new Uint8Array(0);
const EMPTY_MD5 = createHash('md5').digest('base64');

function putEmpty(store: S3Store, bucket: string, key: string): Promise<unknown> {
  return store.putObject({ bucket, key, body: EMPTY, md5: EMPTY_MD5 });
}

export function manyKey(index: number): string {
  return `${MANY_PREFIX}${String(index).padStart(6, '0')}.txt`;
}

export function manyBucketName(count: number): string {
  return `${process.env.FERRY_TEST_BUCKET_PREFIX ?? 'ferry-test'}-many-${count}`;
}

/** Makes `bucket` hold `count` zero-byte objects under many/, unless a complete run did already. */
export async function ensureManyObjects(store: S3Store, bucket: string, count: number, inFlight = 48): Promise<void> {
  await store.createBucket(bucket).catch(() => undefined);
  try {
    await store.headObject(bucket, COMPLETE_MARKER);
    return;
  } catch {
    // Not complete: (re)create every object; PUT is idempotent.
  }
  await mapInFlight(Array.from({ length: count }, (_, i) => manyKey(i)), inFlight, (key) => putEmpty(store, bucket, key));
  await putEmpty(store, bucket, COMPLETE_MARKER);
}
