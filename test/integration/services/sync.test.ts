// Synchronize… on the real server, through the service's calls and events as the UI uses them: a
// comparison that changes nothing, its start as one batch of queue rows (with the bucket's kept
// rules), the deletions made only after every row succeeded (held when one failed, made by a retry
// that succeeds), both directions, the refusals the dialog shows, and a restart during a sync.

import { mkdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent, BatchEvent, CallRequest } from '../../../shared/api.js';
import { exists, sha256File, writeRandomFile } from '../../support/files.js';
import { incompleteUploads, remoteSha256 } from '../../support/s3.js';
import { MemorySecrets, closeServiceTestBed, openService, openServiceTestBed, type ServiceTestBed } from '../../support/service.js';

const MiB = 1024 * 1024;
const SETTINGS = { partSize: 5 * MiB };

let t: ServiceTestBed;
let downloads: string;
let site: string;
const secrets = new MemorySecrets();

beforeAll(async () => {
  t = await openServiceTestBed('sync', SETTINGS, secrets);
  downloads = path.join(t.dir, 'downloads');
  site = path.join(downloads, 'site');
});

afterAll(() => closeServiceTestBed(t));

const here = () => ({ accountId: t.accountId, bucket: t.bucket });
let plans = 0;

/** A comparison of downloads/site and site/ (upload, by time, nothing deleted, unless told otherwise). */
function compare(options: Partial<CallRequest<'sync.plan'>> = {}) {
  return t.bed.call('sync.plan', { ...here(), planId: `plan-${++plans}`, prefix: 'site/', folder: 'site', direction: 'up', compare: 'time', delete: false, exclude: [], ...options });
}

/** What a refused call says. */
async function refusal(name: 'sync.plan' | 'sync.start', request: object): Promise<{ code: string; message: string }> {
  const result = await t.bed.service.call(name, request);
  if (result.ok) throw new Error(`${name} was not refused`);
  return result.error;
}

const batchEnds = (batchId: string) => t.bed.events.filter((e): e is BatchEvent => e.type === 'batch' && e.batchId === batchId);
const batchEnd = (batchId: string) => () => batchEnds(batchId)[0];
const rowsOf = (batchId: string) => [...t.bed.rows.values()].filter((r) => r.batchId === batchId);

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of t.store.listAll(t.bucket, prefix)) out.push(entry.key);
  return out.sort();
}

const objectExists = (key: string) => t.store.headObject(t.bucket, key).then(() => true, () => false);

describe('Synchronize… in the app', () => {
  it('compares without changing anything, then sends what differs as one batch of rows, with the bucket’s rules', async () => {
    await mkdir(path.join(site, 'css'), { recursive: true });
    await mkdir(path.join(site, 'empty'), { recursive: true });
    await writeFile(path.join(site, 'index.html'), '<h1>hi</h1>');
    await writeFile(path.join(site, 'about.html'), '<p>about</p>');
    await writeFile(path.join(site, 'css', 'app.css'), 'h1{color:red}');
    await writeFile(path.join(site, 'notes.tmp'), 'scratch');
    // Above the part size: a multipart upload through a queue row.
    await writeRandomFile(path.join(site, 'big.bin'), 12 * MiB);
    await t.bed.call('publish.saveRules', { ...here(), rules: { rules: [{ match: '**/*.html', headers: { 'Cache-Control': 'no-cache' } }] } });

    const plan = await compare({ exclude: ['*.tmp'] });
    expect(plan).toMatchObject({
      direction: 'up',
      folder: site,
      prefix: 'site/',
      counts: { create: 4, update: 0, delete: 0, unchanged: 0, excluded: 1, refused: 0, folders: 1 },
      bytes: { send: 12 * MiB + 11 + 12 + 13, delete: 0 },
      rowsLeftOut: { changes: 0, unchanged: 0 },
      extra: 0,
      refused: [],
    });
    expect(plan.rows).toEqual([
      { kind: 'upload', path: 'about.html', change: 'create', reason: 'new', size: 12 },
      { kind: 'upload', path: 'big.bin', change: 'create', reason: 'new', size: 12 * MiB },
      { kind: 'upload', path: 'css/app.css', change: 'create', reason: 'new', size: 13 },
      { kind: 'folder', path: 'empty/', reason: 'empty folder', size: 0 },
      { kind: 'upload', path: 'index.html', change: 'create', reason: 'new', size: 11 },
    ]);
    expect(Date.parse(plan.expiresAt)).toBeGreaterThan(Date.now());
    // A comparison changes nothing.
    expect(await keys('')).toEqual([]);

    const { batchId } = await t.bed.call('sync.start', { planId: plan.planId });
    const end = await t.bed.until(batchEnd(batchId));
    expect(end).toMatchObject({
      status: 'done',
      kind: 'upload',
      label: 'Sync site/',
      files: 4,
      done: 4,
      failures: [],
      sync: { created: 4, updated: 0, deleted: 0, unchanged: 0, folders: 1, deletionsHeld: 0, extra: 0, excluded: 1 },
    });
    expect(rowsOf(batchId).map((r) => [r.key, r.state]).sort()).toEqual([
      ['site/about.html', 'done'],
      ['site/big.bin', 'done'],
      ['site/css/app.css', 'done'],
      ['site/index.html', 'done'],
    ]);
    expect(await keys('')).toEqual(['site/about.html', 'site/big.bin', 'site/css/app.css', 'site/empty/', 'site/index.html']);
    expect(await remoteSha256(t.bucket, 'site/big.bin', t.dir)).toBe(await sha256File(path.join(site, 'big.bin')));
    expect((await t.store.headObject(t.bucket, 'site/index.html')).headers).toMatchObject({ cacheControl: 'no-cache', contentType: 'text/html; charset=utf-8' });
    expect((await t.store.headObject(t.bucket, 'site/css/app.css')).headers.cacheControl).toBeUndefined();
    const snapshot = await t.bed.call('queue.list', {});
    expect(snapshot.batches.find((b) => b.batchId === batchId)?.sync).toMatchObject({ direction: 'up', phase: 'done', deletions: 0, deleted: 0, unchanged: 0, folders: 1 });
    // A plan starts once.
    expect(await refusal('sync.start', { planId: plan.planId })).toMatchObject({ code: 'InvalidInput', message: expect.stringMatching(/no longer kept.*compare again/) });
    // Compared again: nothing to do (the times came back from the objects).
    const again = await compare({ exclude: ['*.tmp'] });
    expect(again.counts).toMatchObject({ create: 0, update: 0, delete: 0, unchanged: 4 });
    expect(again.rows.map((r) => [r.kind, r.path, r.reason])).toEqual([
      ['skip', 'about.html', 'same size and time'],
      ['skip', 'big.bin', 'same size and time'],
      ['skip', 'css/app.css', 'same size and time'],
      ['skip', 'index.html', 'same size and time'],
    ]);
    await t.bed.call('sync.discard', { planId: again.planId });
  });

  it('sends only what changed, and deletes what is gone from the folder only after every row is done', async () => {
    await writeFile(path.join(site, 'index.html'), '<h1>hello again</h1>');
    // Same size, other content, another time: found by its time.
    await writeFile(path.join(site, 'css', 'app.css'), 'h1{color:red}'.replace('red', 'tan'));
    await utimes(path.join(site, 'css', 'app.css'), new Date('2030-01-02T03:04:05.500Z'), new Date('2030-01-02T03:04:05.500Z'));
    await writeFile(path.join(site, 'new.txt'), 'new');
    await writeRandomFile(path.join(site, 'video.bin'), 8 * MiB);
    await rm(path.join(site, 'big.bin'));

    const plan = await compare({ delete: true, exclude: ['*.tmp'] });
    expect(plan.counts).toMatchObject({ create: 2, update: 2, delete: 1, unchanged: 1, excluded: 1 });
    expect(plan.bytes).toEqual({ send: 20 + 13 + 3 + 8 * MiB, delete: 12 * MiB });
    // The changes first, then the unchanged.
    expect(plan.rows.map((r) => [r.kind, r.path, r.change])).toEqual([
      ['delete', 'big.bin', undefined],
      ['upload', 'css/app.css', 'update'],
      ['upload', 'index.html', 'update'],
      ['upload', 'new.txt', 'create'],
      ['upload', 'video.bin', 'create'],
      ['skip', 'about.html', undefined],
    ]);
    const reason = (p: string) => plan.rows.find((r) => r.path === p)?.reason;
    expect(reason('big.bin')).toBe('not in the folder');
    expect(reason('index.html')).toBe('size differs (20 bytes here, 11 there)');
    expect(reason('css/app.css')).toMatch(/^modified 2030-01-02 03:04:05\.500, the object has /);

    // Slowly, so the deletion can be seen waiting while a row runs.
    await t.bed.call('settings.set', { bandwidthLimit: 4 * MiB });
    try {
      const { batchId } = await t.bed.call('sync.start', { planId: plan.planId });
      await t.bed.until(() => rowsOf(batchId).some((r) => r.key === 'site/video.bin' && r.state === 'active' && r.bytesDone > 0));
      expect(await objectExists('site/big.bin')).toBe(true);
      const end = await t.bed.until(batchEnd(batchId));
      expect(end).toMatchObject({ status: 'done', files: 4, done: 4, sync: { created: 2, updated: 2, deleted: 1, unchanged: 1, deletionsHeld: 0 } });
      // The deleting phase began after the last row of the batch was done.
      const lastDone = t.bed.events.findLastIndex((e) => e.type === 'queue' && e.rows.some((r) => r.batchId === batchId && r.state === 'done'));
      const deleting = t.bed.events.findIndex((e: AppEvent) => e.type === 'queueBatch' && e.batch.batchId === batchId && e.batch.sync?.phase === 'deleting');
      expect(deleting).toBeGreaterThan(lastDone);
      expect(await keys('')).toEqual(['site/about.html', 'site/css/app.css', 'site/empty/', 'site/index.html', 'site/new.txt', 'site/video.bin']);
      expect(await remoteSha256(t.bucket, 'site/css/app.css', t.dir)).toBe(await sha256File(path.join(site, 'css', 'app.css')));
    } finally {
      await t.bed.call('settings.set', { bandwidthLimit: 0 });
    }
  });

  it('holds the deletions when a transfer fails, and makes them once a retry of it succeeds', async () => {
    const soon = path.join(site, 'gone-soon.txt');
    await writeFile(soon, 'here at the comparison');
    await rm(path.join(site, 'about.html'));
    const plan = await compare({ delete: true, exclude: ['*.tmp'] });
    expect(plan.counts).toMatchObject({ create: 1, update: 0, delete: 1 });
    // Gone between the comparison and the transfer: its row fails. (Tests run as root, for whom
    // chmod 000 takes nothing away; a file removed fails the same way.)
    await rm(soon);
    const { batchId } = await t.bed.call('sync.start', { planId: plan.planId });
    const end = await t.bed.until(batchEnd(batchId));
    expect(end).toMatchObject({ status: 'failed', files: 1, done: 0, sync: { created: 0, deleted: 0, deletionsHeld: 1, heldBecause: 'failed' } });
    expect(end.failures).toEqual([{ item: soon, error: expect.objectContaining({ code: 'LocalNotFound' }) }]);
    expect(await objectExists('site/about.html')).toBe(true);
    const held = (await t.bed.call('queue.list', {})).batches.find((b) => b.batchId === batchId)?.sync;
    expect(held).toMatchObject({ phase: 'held', heldBecause: 'failed', deletions: 1, deleted: 0 });

    await writeFile(soon, 'here at the comparison');
    const failed = rowsOf(batchId).find((r) => r.state === 'failed');
    await t.bed.call('queue.retry', { ids: [failed?.id ?? ''] });
    await t.bed.until(() => batchEnds(batchId).length === 2);
    expect(batchEnds(batchId)[1]).toMatchObject({ status: 'done', files: 1, done: 1, sync: { created: 1, deleted: 1, deletionsHeld: 0 } });
    expect(await objectExists('site/about.html')).toBe(false);
    expect(await objectExists('site/gone-soon.txt')).toBe(true);
  });

  it('mirrors the prefix into a folder with the files’ times, keeps extra files unless deleting is asked for', async () => {
    const copy = path.join(downloads, 'copy');
    const plan = await compare({ direction: 'down', folder: 'copy' });
    expect(plan).toMatchObject({ folder: copy, counts: { create: 5, update: 0, delete: 0, folders: 1 } });
    expect(await exists(copy)).toBe(false);
    const { batchId } = await t.bed.call('sync.start', { planId: plan.planId });
    const end = await t.bed.until(batchEnd(batchId));
    expect(end).toMatchObject({ status: 'done', kind: 'download', label: 'Sync site/', files: 5, done: 5, sync: { created: 5, folders: 1 } });
    for (const file of ['index.html', 'css/app.css', 'new.txt', 'video.bin', 'gone-soon.txt']) {
      expect([file, await sha256File(path.join(copy, file))]).toEqual([file, await sha256File(path.join(site, file))]);
    }
    // The file's own time came back from its object (rclone's mtime entry).
    expect((await stat(path.join(copy, 'css', 'app.css'))).mtime.toISOString()).toBe('2030-01-02T03:04:05.500Z');
    expect((await stat(path.join(copy, 'empty'))).isDirectory()).toBe(true);

    await writeFile(path.join(copy, 'local-only.txt'), 'mine');
    const keep = await compare({ direction: 'down', folder: 'copy' });
    expect(keep).toMatchObject({ extra: 1, counts: { create: 0, update: 0, delete: 0, unchanged: 5 } });
    await t.bed.call('sync.discard', { planId: keep.planId });
    const remove = await compare({ direction: 'down', folder: copy, delete: true });
    expect(remove.rows.filter((r) => r.kind !== 'skip')).toEqual([{ kind: 'delete', path: 'local-only.txt', reason: `not below s3://${t.bucket}/site/`, size: 4 }]);
    const removed = await t.bed.call('sync.start', { planId: remove.planId });
    expect(await t.bed.until(batchEnd(removed.batchId))).toMatchObject({ status: 'done', files: 0, sync: { created: 0, deleted: 1, unchanged: 5 } });
    expect(await exists(path.join(copy, 'local-only.txt'))).toBe(false);
  });

  it('refuses what the dialog shows: a folder outside the download folder, a missing bucket, an empty source with deleting, a plan that is gone', async () => {
    const base = { ...here(), planId: 'refused', prefix: 'site/', folder: 'site', direction: 'up', compare: 'time', delete: false, exclude: [] };
    expect(await refusal('sync.plan', { ...base, folder: '../elsewhere' })).toMatchObject({ code: 'PathOutsideTarget', message: expect.stringContaining(`is outside ${downloads}, the folder Ferry writes in`) });
    expect(await refusal('sync.plan', { ...base, folder: t.dir })).toMatchObject({ code: 'PathOutsideTarget' });
    // A link in the download folder to a folder elsewhere is elsewhere.
    await mkdir(path.join(t.dir, 'outside'));
    await symlink(path.join(t.dir, 'outside'), path.join(downloads, 'link'));
    expect(await refusal('sync.plan', { ...base, folder: 'link/site', direction: 'down' })).toMatchObject({ code: 'PathOutsideTarget' });
    expect(await refusal('sync.plan', { ...base, bucket: `${t.bucket}-missing` })).toMatchObject({ code: 'NoSuchBucket' });
    expect(await refusal('sync.plan', { ...base, folder: 'not-there' })).toMatchObject({ code: 'LocalNotFound', message: `${path.join(downloads, 'not-there')} does not exist.` });
    expect(await refusal('sync.plan', { ...base, direction: 'sideways' })).toMatchObject({ code: 'InvalidInput', message: expect.stringMatching(/^direction: /) });
    await mkdir(path.join(downloads, 'blank'), { recursive: true });
    expect(await refusal('sync.plan', { ...base, folder: 'blank', delete: true })).toMatchObject({
      code: 'InvalidInput',
      message: `${path.join(downloads, 'blank')} holds nothing, so --delete would remove all 5 files of the target. Nothing was changed; check the path.`,
    });
    expect(await refusal('sync.plan', { ...base, prefix: 'nothing/', direction: 'down', delete: true })).toMatchObject({ code: 'InvalidInput', message: expect.stringMatching(/^s3:\/\/.*\/nothing\/ holds nothing, so --delete would remove all/) });

    // Discarded, or pushed out by newer plans (four are kept): gone.
    const discarded = await compare();
    expect(await t.bed.call('sync.discard', { planId: discarded.planId })).toEqual({ discarded: true });
    expect(await refusal('sync.start', { planId: discarded.planId })).toMatchObject({ code: 'InvalidInput' });
    const five = [];
    for (let i = 0; i < 5; i++) five.push(await compare());
    expect(await refusal('sync.start', { planId: five[0]?.planId ?? '' })).toMatchObject({ message: expect.stringMatching(/no longer kept/) });
    for (const plan of five.slice(1)) expect(await t.bed.call('sync.discard', { planId: plan.planId })).toEqual({ discarded: true });
    expect(await t.bed.call('sync.discard', { planId: 'never' })).toEqual({ discarded: false });
  });

  it('cancelled, it makes no deletion and leaves no incomplete upload', async () => {
    await writeRandomFile(path.join(site, 'cancel.bin'), 12 * MiB);
    await writeFile(path.join(site, 'doomed.txt'), 'not deleted');
    const first = await t.bed.call('sync.start', { planId: (await compare({ exclude: ['*.tmp', 'cancel.bin'] })).planId });
    expect(await t.bed.until(batchEnd(first.batchId))).toMatchObject({ status: 'done', sync: { created: 1 } });
    await rm(path.join(site, 'doomed.txt'));
    const plan = await compare({ delete: true, exclude: ['*.tmp'] });
    expect(plan.counts).toMatchObject({ create: 1, delete: 1 });
    await t.bed.call('settings.set', { bandwidthLimit: 2 * MiB, partsInFlight: 1 });
    try {
      const { batchId } = await t.bed.call('sync.start', { planId: plan.planId });
      await t.bed.until(() => rowsOf(batchId).some((r) => r.state === 'active' && r.bytesDone > 0));
      await t.bed.call('transfers.cancel', { batchId });
      const end = await t.bed.until(batchEnd(batchId));
      expect(end).toMatchObject({ status: 'cancelled', files: 1, done: 0, sync: { created: 0, deleted: 0, deletionsHeld: 1, heldBecause: 'cancelled' } });
    } finally {
      await t.bed.call('settings.set', { bandwidthLimit: 0, partsInFlight: 16 });
    }
    expect(await objectExists('site/doomed.txt')).toBe(true);
    expect(await objectExists('site/cancel.bin')).toBe(false);
    expect(await incompleteUploads(t.store, t.bucket)).toEqual([]);
    await rm(path.join(site, 'cancel.bin'));
    await t.store.deleteObjects(t.bucket, ['site/doomed.txt']);
  });

  it('after a restart during a sync, its rows resume as any batch’s, and its deletions are not made: the report says why', async () => {
    await writeRandomFile(path.join(site, 'slow.bin'), 20 * MiB);
    await rm(path.join(site, 'new.txt'));
    const plan = await compare({ delete: true, exclude: ['*.tmp'] });
    expect(plan.counts).toMatchObject({ create: 1, delete: 1 });
    await t.bed.call('settings.set', { bandwidthLimit: 4 * MiB, partsInFlight: 2 });
    const { batchId } = await t.bed.call('sync.start', { planId: plan.planId });
    await t.bed.until(() => rowsOf(batchId).some((r) => r.bytesDone >= 5 * MiB));
    await t.bed.service.close();

    t.bed = openService(t.dir, secrets, SETTINGS);
    await t.bed.call('settings.set', { bandwidthLimit: 0, partsInFlight: 16 });
    const snapshot = await t.bed.call('queue.list', {});
    expect(snapshot.rows.filter((r) => r.batchId === batchId).map((r) => [r.key, r.state])).toEqual([['site/slow.bin', 'paused']]);
    expect(snapshot.batches.find((b) => b.batchId === batchId)).toMatchObject({ label: 'Sync site/', sync: { phase: 'held', heldBecause: 'restarted', deletions: 1, deleted: 0 } });
    await t.bed.call('queue.resume', {});
    const end = await t.bed.until(batchEnd(batchId));
    expect(end).toMatchObject({ status: 'done', files: 1, done: 1, sync: { created: 1, deleted: 0, deletionsHeld: 1, heldBecause: 'restarted' } });
    expect(await remoteSha256(t.bucket, 'site/slow.bin', t.dir)).toBe(await sha256File(path.join(site, 'slow.bin')));
    expect(await objectExists('site/new.txt')).toBe(true);
    expect(await incompleteUploads(t.store, t.bucket)).toEqual([]);
  });
});
