// The test bed's S3 side: the account under test, a fresh bucket per test file, and its cleanup.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { removeDir, sha256File, tempDir } from './files.js';
import type { S3Endpoint } from '../../shared/account.js';
import { TransferEngine, type EngineOptions } from '../../electron/engine/engine.js';
import { S3Store, type ListWorkerUse } from '../../electron/engine/s3/store.js';
import { resolveSettings, retryPolicy, type DataPath } from '../../electron/engine/settings.js';

export interface TestAccount {
  endpoint: S3Endpoint;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the integration tests through vitest (its global setup starts the S3 server) or set FERRY_TEST_* variables.`);
  return value;
}

/**
 * The account the tests use: FERRY_TEST_ENDPOINT etc. (set by the global setup for the local
 * server). `reader` is refused on the buckets; `other` is a second account with buckets of its own.
 */
export function testAccount(role: 'owner' | 'reader' | 'other' = 'owner'): TestAccount {
  const suffix = role === 'reader' ? '_READER' : role === 'other' ? '_OTHER' : '';
  return {
    endpoint: {
      endpoint: process.env.FERRY_TEST_ENDPOINT || undefined,
      region: process.env.FERRY_TEST_REGION ?? 'us-east-1',
      forcePathStyle: (process.env.FERRY_TEST_PATH_STYLE ?? 'true') === 'true',
    },
    credentials: { accessKeyId: required(`FERRY_TEST_ACCESS_KEY${suffix}`), secretAccessKey: required(`FERRY_TEST_SECRET_KEY${suffix}`) },
  };
}

/** A store for the test account; its data path is FERRY_DATA_PATH's unless one is named. */
export function testStore(account = testAccount(), dataPath?: DataPath, options: { listWorker?: ListWorkerUse } = {}): S3Store {
  const settings = resolveSettings({ maxAttempts: 3, baseRetryDelayMs: 50, offlineWaitMs: 20_000, dataPath });
  return new S3Store({ endpoint: account.endpoint, credentials: account.credentials, retry: retryPolicy(settings), maxSockets: 32, idleTimeoutMs: 60_000, dataPath: settings.dataPath, ...options });
}

export function testEngine(options: Partial<EngineOptions> = {}, account = testAccount()): TransferEngine {
  return new TransferEngine({
    endpoint: account.endpoint,
    credentials: account.credentials,
    ...options,
    settings: { baseRetryDelayMs: 20, maxRetryDelayMs: 500, maxAttempts: 4, offlineWaitMs: 20_000, progressIntervalMs: 50, ...options.settings },
  });
}

/** A bucket of its own for one test file; the prefix FERRY_TEST_BUCKET_PREFIX lets a shared endpoint tell them apart. */
export async function createTestBucket(store: S3Store, label: string): Promise<string> {
  const prefix = process.env.FERRY_TEST_BUCKET_PREFIX ?? 'ferry-test';
  const name = `${prefix}-${label}-${randomBytes(4).toString('hex')}`.toLowerCase().slice(0, 63);
  await store.createBucket(name);
  return name;
}

/** One test file's bed: a store, a bucket of its own (named by `label`) and a temporary folder. */
export interface TestBed {
  store: S3Store;
  bucket: string;
  dir: string;
}

export async function openTestBed(label: string): Promise<TestBed> {
  const store = testStore();
  return { store, bucket: await createTestBucket(store, label), dir: await tempDir(label) };
}

/** Removes the bucket (failing if an incomplete multipart upload was left) and the folder. */
export async function closeTestBed(bed: TestBed): Promise<void> {
  try {
    await removeTestBucket(bed.store, bed.bucket);
  } finally {
    bed.store.destroy();
    await removeDir(bed.dir);
  }
}

export async function incompleteUploads(store: S3Store, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const upload of store.listMultipartUploads(bucket)) keys.push(upload.key);
  return keys;
}

/** Empties and deletes the bucket; fails if a multipart upload was left behind (nothing may leak). */
export async function removeTestBucket(store: S3Store, bucket: string): Promise<void> {
  const leftovers: string[] = [];
  for await (const upload of store.listMultipartUploads(bucket)) {
    leftovers.push(upload.key);
    await store.abortMultipartUpload({ bucket, key: upload.key, uploadId: upload.uploadId });
  }
  const keys: string[] = [];
  for await (const entry of store.listAll(bucket, '')) keys.push(entry.key);
  await store.deleteObjects(bucket, keys);
  await store.deleteBucket(bucket);
  if (leftovers.length > 0) throw new Error(`incomplete multipart uploads were left in ${bucket}: ${leftovers.join(', ')}`);
}

/** The SHA-256 of an object's bytes, downloaded by an engine of its own into a file under `dir`. */
export async function remoteSha256(bucket: string, key: string, dir: string): Promise<string> {
  const engine = testEngine();
  const target = path.join(dir, 'downloaded-for-hash', randomBytes(6).toString('hex'));
  try {
    await engine.download({ bucket, key, target });
    return await sha256File(target);
  } finally {
    engine.close();
  }
}

/** A bucket of the second account (`other`), with a store for it: copies across accounts. */
export async function openOtherBucket(label: string): Promise<{ store: S3Store; bucket: string }> {
  const store = testStore(testAccount('other'));
  return { store, bucket: await createTestBucket(store, label) };
}

/** Removes the second account's bucket (failing if a multipart upload was left) and its store. */
export async function closeOtherBucket(other: { store: S3Store; bucket: string } | undefined): Promise<void> {
  if (!other) return;
  try {
    await removeTestBucket(other.store, other.bucket);
  } finally {
    other.store.destroy();
  }
}
