// Copies and moves from the app, through the service's calls and events as the UI uses them: a
// selection (a file and a folder, named below the folder shown) copied to the second account,
// then moved within the bucket, each a row of the queue; a copy paused, the app restarted and the
// copy resumed (nothing copied twice, the large object from its parts); a paused copy cancelled
// (its kept upload aborted); a request that names a key outside its base is refused.

import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchEvent } from '../../../shared/api.js';
import type { QueueRow } from '../../../shared/queue.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { closeOtherBucket, incompleteUploads, openOtherBucket, testEngine } from '../../support/s3.js';
import { MemorySecrets, addTestAccount, closeServiceTestBed, openService, openServiceTestBed, type ServiceTestBed } from '../../support/service.js';

const MiB = 1024 * 1024;
const SETTINGS = { partSize: 5 * MiB, multipartThreshold: 5 * MiB };
const secrets = new MemorySecrets();
let t: ServiceTestBed;
let otherId: string;
let otherStore: S3Store;
let otherBucket: string;

const KEYS = ['site/index.html', 'site/assets/a.css', 'site/assets/b.js', 'site/assets/img/c.svg', 'site/other.txt'];

beforeAll(async () => {
  t = await openServiceTestBed('service-copy', SETTINGS, secrets);
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

const batchEnd = (batchId: string) => () => t.bed.events.find((e): e is BatchEvent => e.type === 'batch' && e.batchId === batchId);
const copyRow = (batchId: string) => (): QueueRow | undefined => [...t.bed.rows.values()].find((r) => r.batchId === batchId);

async function keysOf(store: S3Store, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of store.listAll(bucket, prefix)) keys.push(entry.key);
  return keys.sort();
}

describe('copies and moves from the app', () => {
  it('copies a file and a folder selected in site/ to another account, streamed, with headers kept', async () => {
    const { batchId } = await t.bed.call('objects.copy', {
      accountId: t.accountId,
      bucket: t.bucket,
      keys: ['site/index.html'],
      prefixes: ['site/assets/'],
      base: 'site/',
      target: { accountId: otherId, bucket: otherBucket, prefix: 'mirror/' },
      move: false,
      ifExists: 'different',
    });
    const end = await t.bed.until(batchEnd(batchId));
    expect(end).toMatchObject({ kind: 'copy', move: false, status: 'done', files: 1, done: 1, failures: [], label: `Copy 2 items from site/ to Backup: ${otherBucket}/mirror/` });
    expect(copyRow(batchId)()).toMatchObject({ kind: 'copy', state: 'done', accountId: otherId, bucket: otherBucket, key: 'mirror/', copy: { what: '2 items from site/', targetName: 'Backup', objects: 4, copied: 4, skipped: 0, failed: 0 } });
    expect(await keysOf(otherStore, otherBucket, '')).toEqual(['mirror/assets/a.css', 'mirror/assets/b.js', 'mirror/assets/img/c.svg', 'mirror/index.html']);
    const head = await otherStore.headObject(otherBucket, 'mirror/assets/img/c.svg');
    expect(head.headers.cacheControl).toBe('max-age=5');
    expect(head.headers.metadata).toEqual({ k: 'site/assets/img/c.svg' });
  });

  it('moves a folder within the bucket on the server: the folder is gone from where it was', async () => {
    const { batchId } = await t.bed.call('objects.copy', {
      accountId: t.accountId,
      bucket: t.bucket,
      keys: [],
      prefixes: ['site/assets/'],
      base: 'site/',
      target: { accountId: t.accountId, bucket: t.bucket, prefix: 'archive/' },
      move: true,
      ifExists: 'different',
    });
    const end = await t.bed.until(batchEnd(batchId));
    expect(end).toMatchObject({ kind: 'copy', move: true, status: 'done', label: `Move assets/ to test: ${t.bucket}/archive/` });
    expect(copyRow(batchId)()?.copy).toMatchObject({ move: true, objects: 3, copied: 3, deleted: 3 });
    expect(await keysOf(t.store, t.bucket, '')).toEqual(['archive/assets/a.css', 'archive/assets/b.js', 'archive/assets/img/c.svg', 'site/index.html', 'site/other.txt']);
  });

  it('pauses a copy, keeps it across a restart, and resumes it: nothing copied twice, the large object from its parts', async () => {
    const engine = testEngine({ settings: SETTINGS });
    try {
      await engine.uploadStream({ input: Readable.from([randomBytes(30 * MiB)]), name: 'big', bucket: t.bucket, key: 'many/a-big.bin' });
      for (let i = 0; i < 40; i++) await engine.uploadStream({ input: Readable.from([randomBytes(2048)]), name: 'small', bucket: t.bucket, key: `many/s${String(i).padStart(2, '0')}.bin` });
    } finally {
      engine.close();
    }
    // Slowly, so the pause finds the large object partly across.
    await t.bed.call('settings.set', { bandwidthLimit: 6 * MiB, partsInFlight: 1, filesInFlight: 2 });
    const { batchId } = await t.bed.call('objects.copy', {
      accountId: t.accountId,
      bucket: t.bucket,
      keys: [],
      prefixes: ['many/'],
      base: '',
      target: { accountId: otherId, bucket: otherBucket, prefix: 'kept/' },
      move: false,
      ifExists: 'overwrite',
    });
    const row = copyRow(batchId);
    await t.bed.until(() => (row()?.copy?.copied ?? 0) >= 5 && (row()?.bytesDone ?? 0) >= 12 * MiB);
    await t.bed.call('queue.pause', { ids: [row()?.id ?? ''] });
    await t.bed.until(() => row()?.state === 'paused');
    const atPause = row()?.copy?.copied ?? 0;
    expect(await incompleteUploads(otherStore, otherBucket)).toEqual(['kept/many/a-big.bin']);

    // The app quits and starts again: the row is there, paused, with what it had done.
    await t.bed.service.close();
    t.bed = openService(t.dir, secrets, SETTINGS);
    const snapshot = await t.bed.call('queue.list', {});
    const again = snapshot.rows.find((r) => r.batchId === batchId);
    expect(again).toMatchObject({ kind: 'copy', state: 'paused', copy: { copied: atPause, objects: 41 } });
    expect(snapshot.batches.find((b) => b.batchId === batchId)).toMatchObject({ kind: 'copy', label: `Copy many/ to Backup: ${otherBucket}/kept/`, target: `Backup: ${otherBucket}/kept/` });
    await t.bed.call('settings.set', { bandwidthLimit: 0, partsInFlight: 4 });
    await t.bed.call('queue.resume', { ids: [again?.id ?? ''] });
    const end = await t.bed.until(batchEnd(batchId));
    expect(end).toMatchObject({ status: 'done', failures: [] });
    // Overwrite, and still nothing twice: the objects copied before the pause are passed over.
    expect(row()?.copy).toMatchObject({ objects: 41, skipped: atPause, copied: 41 - atPause, failed: 0 });
    const notes = t.bed.events.flatMap((e) => (e.type === 'queue' ? e.rows.filter((r) => r.batchId === batchId && r.note) : []));
    expect(notes.some((r) => /^kept\/many\/a-big\.bin: resumed, [1-9]\d* of 6 parts were already copied$/.test(r.note ?? ''))).toBe(true);
    const source = new Map<string, string | undefined>();
    for await (const e of t.store.listAll(t.bucket, 'many/')) source.set(e.key, e.etag);
    const target = new Map<string, string | undefined>();
    for await (const e of otherStore.listAll(otherBucket, 'kept/')) target.set(e.key.slice('kept/'.length), e.etag);
    expect(target).toEqual(source);
    expect(await incompleteUploads(otherStore, otherBucket)).toEqual([]);
  }, 120_000);

  it('cancels a paused copy: the upload it kept is aborted', async () => {
    await t.bed.call('settings.set', { bandwidthLimit: 6 * MiB, partsInFlight: 1 });
    const { batchId } = await t.bed.call('objects.copy', {
      accountId: t.accountId,
      bucket: t.bucket,
      keys: ['many/a-big.bin'],
      prefixes: [],
      base: 'many/',
      target: { accountId: otherId, bucket: otherBucket, prefix: 'dropped/' },
      move: false,
      ifExists: 'overwrite',
    });
    const row = copyRow(batchId);
    await expect.poll(async () => row()?.state === 'active' && (await incompleteUploads(otherStore, otherBucket)).length > 0, { timeout: 30_000, interval: 25 }).toBe(true);
    await t.bed.call('queue.pause', { ids: [row()?.id ?? ''] });
    await t.bed.until(() => row()?.state === 'paused');
    expect(await incompleteUploads(otherStore, otherBucket)).toEqual(['dropped/a-big.bin']);
    await t.bed.call('queue.cancel', { ids: [row()?.id ?? ''] });
    await t.bed.until(() => row()?.state === 'cancelled');
    expect(await incompleteUploads(otherStore, otherBucket)).toEqual([]);
    await t.bed.call('settings.set', { bandwidthLimit: 0, partsInFlight: 4 });
  }, 60_000);

  it('refuses a key outside the base, and a target prefix without its slash', async () => {
    const request = { accountId: t.accountId, bucket: t.bucket, keys: ['other/x'], prefixes: [], base: 'site/', target: { accountId: otherId, bucket: otherBucket, prefix: '' }, move: false, ifExists: 'different' as const };
    const outside = await t.bed.service.call('objects.copy', request);
    expect(outside).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    const noSlash = await t.bed.service.call('objects.copy', { ...request, keys: ['site/index.html'], target: { ...request.target, prefix: 'mirror' } });
    expect(noSlash).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
  });
});
