// Copies and moves from the app, through the service's calls and events as the UI uses them: a
// selection (a file and a folder, named below the folder shown) copied to the second account,
// then moved within the bucket; a request that names a key outside its base is refused.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CopyJobEvent } from '../../../shared/api.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { closeOtherBucket, openOtherBucket, testEngine } from '../../support/s3.js';
import { addTestAccount, closeServiceTestBed, openServiceTestBed, type ServiceTestBed } from '../../support/service.js';
import { Readable } from 'node:stream';

let t: ServiceTestBed;
let otherId: string;
let otherStore: S3Store;
let otherBucket: string;

const KEYS = ['site/index.html', 'site/assets/a.css', 'site/assets/b.js', 'site/assets/img/c.svg', 'site/other.txt'];

beforeAll(async () => {
  t = await openServiceTestBed('service-copy');
  otherId = await addTestAccount(t.bed, 'other', 'Backup');
  ({ store: otherStore, bucket: otherBucket } = await openOtherBucket('service-copy-other'));
  const engine = testEngine();
  try {
    for (const key of KEYS) await engine.uploadStream({ input: Readable.from([Buffer.from(`body of ${key}`)]), name: key, bucket: t.bucket, key, headers: { cacheControl: 'max-age=5', metadata: { k: key } } });
  } finally {
    engine.close();
  }
});

afterAll(async () => {
  try {
    await closeOtherBucket({ store: otherStore, bucket: otherBucket });
  } finally {
    await closeServiceTestBed(t);
  }
});

const jobEnd = (jobId: string) => () => t.bed.events.find((e): e is CopyJobEvent => e.type === 'copyJob' && e.jobId === jobId && e.status !== 'running');

async function keysOf(store: S3Store, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of store.listAll(bucket, prefix)) keys.push(entry.key);
  return keys.sort();
}

describe('copies and moves from the app', () => {
  it('copies a file and a folder selected in site/ to another account, streamed, with headers kept', async () => {
    const { jobId } = await t.bed.call('objects.copy', {
      accountId: t.accountId,
      bucket: t.bucket,
      keys: ['site/index.html'],
      prefixes: ['site/assets/'],
      base: 'site/',
      target: { accountId: otherId, bucket: otherBucket, prefix: 'mirror/' },
      move: false,
      ifExists: 'different',
    });
    const end = await t.bed.until(jobEnd(jobId));
    expect(end).toMatchObject({ status: 'done', move: false, streamed: true, objects: 4, copied: 4, skipped: 0, failed: 0, label: 'Copy 2 items from site/ to Backup: ' + otherBucket + '/mirror/' });
    expect(await keysOf(otherStore, otherBucket, '')).toEqual(['mirror/assets/a.css', 'mirror/assets/b.js', 'mirror/assets/img/c.svg', 'mirror/index.html']);
    const head = await otherStore.headObject(otherBucket, 'mirror/assets/img/c.svg');
    expect(head.headers.cacheControl).toBe('max-age=5');
    expect(head.headers.metadata).toEqual({ k: 'site/assets/img/c.svg' });
  });

  it('moves a folder within the bucket on the server: the folder is gone from where it was', async () => {
    const { jobId } = await t.bed.call('objects.copy', {
      accountId: t.accountId,
      bucket: t.bucket,
      keys: [],
      prefixes: ['site/assets/'],
      base: 'site/',
      target: { accountId: t.accountId, bucket: t.bucket, prefix: 'archive/' },
      move: true,
      ifExists: 'different',
    });
    const end = await t.bed.until(jobEnd(jobId));
    expect(end).toMatchObject({ status: 'done', move: true, streamed: false, copied: 3, deleted: 3, label: `Move assets/ to test: ${t.bucket}/archive/` });
    expect(await keysOf(t.store, t.bucket, '')).toEqual(['archive/assets/a.css', 'archive/assets/b.js', 'archive/assets/img/c.svg', 'site/index.html', 'site/other.txt']);
  });

  it('refuses a key outside the base, and a target prefix without its slash', async () => {
    const request = { accountId: t.accountId, bucket: t.bucket, keys: ['other/x'], prefixes: [], base: 'site/', target: { accountId: otherId, bucket: otherBucket, prefix: '' }, move: false, ifExists: 'different' as const };
    const outside = await t.bed.service.call('objects.copy', request);
    expect(outside).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    const noSlash = await t.bed.service.call('objects.copy', { ...request, keys: ['site/index.html'], target: { ...request.target, prefix: 'mirror' } });
    expect(noSlash).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
  });
});
