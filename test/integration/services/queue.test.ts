// The app's transfer queue on the real server, through the service's calls and events as the UI
// uses them: uploads of local paths and of a browser's streamed bytes, pause and resume, cancel,
// conflicts, downloads, and rows that outlive a restart (the app's and the command line's).

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchEvent, ConflictEvent } from '../../../shared/api.js';
import { MAX_CHUNK_BYTES, type QueueRow } from '../../../shared/queue.js';
import { Journal } from '../../../electron/engine/journal.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { sha256File, writeRandomFile } from '../../support/files.js';
import { closeTestBed, incompleteUploads, openTestBed, remoteSha256, testEngine } from '../../support/s3.js';
import { MemorySecrets, addTestAccount, openService, type ServiceBed } from '../../support/service.js';

const MiB = 1024 * 1024;

let store: S3Store;
let bucket: string;
let dir: string;
let bed: ServiceBed;
let accountId: string;
const secrets = new MemorySecrets();

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('queue'));
  bed = openService(dir, secrets, { partSize: 5 * MiB });
  accountId = await addTestAccount(bed);
});

afterAll(async () => {
  await bed?.service.close();
  await closeTestBed({ store, bucket, dir });
});

const remoteHash = (key: string) => remoteSha256(bucket, key, dir);

const batchEnd = (batchId: string) => () => bed.events.find((e): e is BatchEvent => e.type === 'batch' && e.batchId === batchId);
const rowOf = (key: string) => () => [...bed.rows.values()].find((r) => r.key === key);
const rowIn = (key: string, state: QueueRow['state']) => () => [...bed.rows.values()].find((r) => r.key === key && r.state === state);

describe('the transfer queue', () => {
  it('uploads dropped files and a folder (nested, with an empty subfolder) byte for byte, typed by name', async () => {
    const drop = path.join(dir, 'drop');
    await mkdir(path.join(drop, 'site', 'css'), { recursive: true });
    await mkdir(path.join(drop, 'site', 'empty'), { recursive: true });
    await writeFile(path.join(drop, 'site', 'index.html'), '<h1>hi</h1>');
    await writeRandomFile(path.join(drop, 'site', 'css', 'a b+c.css'), 3000);
    await writeRandomFile(path.join(drop, 'photo.jpg'), 70_000);
    await writeFile(path.join(drop, 'empty.txt'), '');
    const { batchId } = await bed.call('transfers.upload', { accountId, bucket, prefix: 'in/', paths: ['site', 'photo.jpg', 'empty.txt'].map((p) => path.join(drop, p)) });
    const end = await bed.until(batchEnd(batchId));
    expect(end).toMatchObject({ status: 'done', files: 4, done: 4, kind: 'upload' });
    const keys: string[] = [];
    for await (const entry of store.listAll(bucket, 'in/')) keys.push(entry.key);
    keys.sort();
    expect(keys).toEqual(['in/empty.txt', 'in/photo.jpg', 'in/site/css/a b+c.css', 'in/site/empty/', 'in/site/index.html']);
    for (const [key, file] of [
      ['in/photo.jpg', 'photo.jpg'],
      ['in/site/css/a b+c.css', 'site/css/a b+c.css'],
      ['in/empty.txt', 'empty.txt'],
    ] as const) {
      expect(await remoteHash(key)).toBe(await sha256File(path.join(drop, file)));
    }
    expect((await store.headObject(bucket, 'in/site/index.html')).headers.contentType).toBe('text/html; charset=utf-8');
    expect((await store.headObject(bucket, 'in/photo.jpg')).headers.contentType).toBe('image/jpeg');
    // Rows and their group are what the UI lists.
    const snapshot = await bed.call('queue.list', {});
    expect(snapshot.rows.filter((r) => r.batchId === batchId).map((r) => r.state)).toEqual(['done', 'done', 'done', 'done']);
    expect(snapshot.batches.find((b) => b.batchId === batchId)).toMatchObject({ kind: 'upload', planning: false, label: 'site and 2 more' });
  });

  it('pauses a multipart upload: no part is sent while paused, the upload is kept, resume finishes it identical', async () => {
    const file = path.join(dir, 'big.bin');
    await writeRandomFile(file, 40 * MiB + 123);
    // Slow enough that the pause lands mid-way.
    await bed.call('settings.set', { bandwidthLimit: 8 * MiB, partsInFlight: 2 });
    const { batchId } = await bed.call('transfers.upload', { accountId, bucket, prefix: '', paths: [file] });
    const active = await bed.until(() => {
      const row = rowOf('big.bin')();
      return row && row.state === 'active' && row.bytesDone >= 10 * MiB && row;
    });
    await bed.call('queue.pause', { ids: [active.id] });
    await bed.until(rowIn('big.bin', 'paused'));
    const [record] = (await new Journal(path.join(dir, 'state')).list()).filter((r) => r.kind === 'upload' && r.key === 'big.bin');
    expect(record?.kind === 'upload' && record.uploadId).toBeTruthy();
    const uploadId = record?.kind === 'upload' ? (record.uploadId ?? '') : '';
    const partsAtPause = (await store.listParts({ bucket, key: 'big.bin', uploadId })).length;
    expect(partsAtPause).toBeGreaterThan(0);
    expect(partsAtPause).toBeLessThan(9);
    // Paused: the part count stays where it was for a while (nothing is sent).
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      expect((await store.listParts({ bucket, key: 'big.bin', uploadId })).length).toBe(partsAtPause);
    }
    await bed.call('settings.set', { bandwidthLimit: 0, partsInFlight: 16 });
    await bed.call('queue.resume', { ids: [active.id] });
    await bed.until(batchEnd(batchId));
    expect(bed.rows.get(active.id)?.state).toBe('done');
    expect(await remoteHash('big.bin')).toBe(await sha256File(file));
    expect(await incompleteUploads(store, bucket)).toEqual([]);
  });

  it('cancels a running upload and a paused one: no multipart upload is left', async () => {
    const file = path.join(dir, 'cancel.bin');
    await writeRandomFile(file, 30 * MiB);
    await bed.call('settings.set', { bandwidthLimit: 6 * MiB, partsInFlight: 2 });
    try {
      const first = await bed.call('transfers.upload', { accountId, bucket, prefix: 'c1/', paths: [file] });
      const running = await bed.until(() => {
        const row = rowOf('c1/cancel.bin')();
        return row && row.bytesDone >= 6 * MiB && row;
      });
      expect(await incompleteUploads(store, bucket)).toEqual(['c1/cancel.bin']);
      await bed.call('queue.cancel', { ids: [running.id] });
      expect((await bed.until(batchEnd(first.batchId))).status).toBe('cancelled');
      expect(await incompleteUploads(store, bucket)).toEqual([]);

      const second = await bed.call('transfers.upload', { accountId, bucket, prefix: 'c2/', paths: [file] });
      const row = await bed.until(() => {
        const r = rowOf('c2/cancel.bin')();
        return r && r.bytesDone >= 6 * MiB && r;
      });
      await bed.call('queue.pause', { ids: [row.id] });
      await bed.until(rowIn('c2/cancel.bin', 'paused'));
      expect(await incompleteUploads(store, bucket)).toEqual(['c2/cancel.bin']);
      await bed.call('queue.cancel', { ids: [row.id] });
      await bed.until(batchEnd(second.batchId));
      expect(bed.rows.get(row.id)?.state).toBe('cancelled');
      expect(await incompleteUploads(store, bucket)).toEqual([]);
      expect(await new Journal(path.join(dir, 'state')).list()).toEqual([]);
    } finally {
      await bed.call('settings.set', { bandwidthLimit: 0, partsInFlight: 16 });
    }
  });

  it('asks when a key exists, and does what the answer says: rename, skip, overwrite if different', async () => {
    const file = path.join(dir, 'notes.txt');
    await writeFile(file, 'first');
    const first = await bed.call('transfers.upload', { accountId, bucket, prefix: 'ask/', paths: [file] });
    await bed.until(batchEnd(first.batchId));
    expect((await bed.call('settings.get', {})).ifExists).toBe('ask');

    const answer = async (action: 'rename' | 'skip' | 'different') => {
      const seen = bed.events.length;
      const { batchId } = await bed.call('transfers.upload', { accountId, bucket, prefix: 'ask/', paths: [file] });
      const asked = await bed.until(() => bed.events.slice(seen).find((e): e is Extract<ConflictEvent, { type: 'conflict' }> => e.type === 'conflict' && e.batchId === batchId));
      expect(asked.conflict).toMatchObject({ kind: 'upload', key: 'ask/notes.txt', target: `s3://${bucket}/ask/notes.txt`, localPath: file });
      expect(await bed.call('transfers.answerConflict', { conflictId: asked.conflictId, action })).toEqual({ answered: true });
      await bed.until(() => bed.events.slice(seen).some((e) => e.type === 'conflictClosed' && e.conflictId === asked.conflictId));
      return bed.until(batchEnd(batchId));
    };
    expect(await answer('rename')).toMatchObject({ status: 'done', done: 1 });
    expect((await store.headObject(bucket, 'ask/notes (1).txt')).size).toBe(5);
    expect(await answer('skip')).toMatchObject({ status: 'done', files: 0 });
    const snapshot = await bed.call('queue.list', {});
    expect(snapshot.batches.at(-1)?.skipped).toEqual([{ item: file, reason: expect.stringMatching(/skip/i) }]);
    // Same content: checked, and skipped with a note.
    expect(await answer('different')).toMatchObject({ status: 'done', done: 1 });
    expect([...bed.rows.values()].at(-1)?.note).toMatch(/same size and checksum/);
    // Different content (same size): sent.
    await writeFile(file, 'other');
    expect(await answer('different')).toMatchObject({ status: 'done', done: 1 });
    expect(await remoteHash('ask/notes.txt')).toBe(await sha256File(file));
  });

  it('takes a browser drop as streamed chunks into a spool, then uploads it in parallel parts', async () => {
    const file = path.join(dir, 'streamed.bin');
    await writeRandomFile(file, 12 * MiB + 5);
    const bytes = await readFile(file);
    const { batchId, streams } = await bed.call('transfers.uploadFromBrowser', {
      accountId,
      bucket,
      prefix: 'web/',
      files: [
        { path: 'album/streamed.bin', size: bytes.length },
        { path: 'album/zero.txt', size: 0 },
      ],
      emptyFolders: ['album/nothing'],
    });
    expect(streams.map((s) => s.index)).toEqual([0, 1]);
    const [big, zero] = streams;
    for (let offset = 0; offset < bytes.length; offset += MAX_CHUNK_BYTES) {
      const chunk = bytes.subarray(offset, offset + MAX_CHUNK_BYTES);
      const result = await bed.service.receiveChunk({ id: 0, streamId: big?.streamId ?? '', offset, last: offset + chunk.length === bytes.length }, chunk);
      expect(result).toEqual({ ok: true, value: { received: offset + chunk.length } });
    }
    expect(await bed.service.receiveChunk({ id: 0, streamId: zero?.streamId ?? '', offset: 0, last: true }, Buffer.alloc(0))).toEqual({ ok: true, value: { received: 0 } });
    expect(await bed.until(batchEnd(batchId))).toMatchObject({ status: 'done', files: 2, done: 2 });
    expect(await remoteHash('web/album/streamed.bin')).toBe(await sha256File(file));
    expect((await store.headObject(bucket, 'web/album/zero.txt')).size).toBe(0);
    expect((await store.headObject(bucket, 'web/album/nothing/')).size).toBe(0);
    const row = rowOf('web/album/streamed.bin')();
    expect(row).toMatchObject({ localPath: 'album/streamed.bin', received: bytes.length });
    // A stream whose row is cancelled answers its next chunk with Cancelled.
    const more = await bed.call('transfers.uploadFromBrowser', { accountId, bucket, prefix: 'web/', files: [{ path: 'gone.bin', size: 10 }], emptyFolders: [] });
    await bed.call('transfers.cancel', { batchId: more.batchId });
    expect(await bed.service.receiveChunk({ id: 0, streamId: more.streams[0]?.streamId ?? '', offset: 0, last: true }, Buffer.alloc(10))).toMatchObject({ ok: false, error: { code: 'Cancelled' } });
    // A file the page could not read after all: its row fails with the page's reason.
    const unread = await bed.call('transfers.uploadFromBrowser', { accountId, bucket, prefix: 'web/', files: [{ path: 'unread.bin', size: 10 }], emptyFolders: [] });
    expect(await bed.call('transfers.streamFailed', { streamId: unread.streams[0]?.streamId ?? '', message: 'unread.bin is gone since it was picked.' })).toEqual({ failed: true });
    const failed = await bed.until(rowIn('web/unread.bin', 'failed'));
    expect(failed.error).toEqual({ code: 'LocalNotFound', message: 'unread.bin is gone since it was picked.' });
    // Paths that would climb out of the drop are refused.
    const refused = await bed.service.call('transfers.uploadFromBrowser', { accountId, bucket, prefix: 'web/', files: [{ path: '../x', size: 1 }], emptyFolders: [] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
  });

  it('downloads a selection through the queue into the download folder, and asks when a file is there', async () => {
    const started = await bed.call('transfers.download', { accountId, bucket, keys: ['in/photo.jpg'], prefixes: ['in/site/'] });
    expect(started).toMatchObject({ files: 3 });
    expect(await bed.until(batchEnd(started.batchId))).toMatchObject({ status: 'done', done: 3, kind: 'download' });
    const downloads = path.join(dir, 'downloads');
    expect(await sha256File(path.join(downloads, 'photo.jpg'))).toBe(await sha256File(path.join(dir, 'drop', 'photo.jpg')));
    expect(await sha256File(path.join(downloads, 'site', 'css', 'a b+c.css'))).toBe(await sha256File(path.join(dir, 'drop', 'site', 'css', 'a b+c.css')));

    // Again: the local file exists, and the answer to the question says what happens to it.
    const seen = bed.events.length;
    const again = await bed.call('transfers.download', { accountId, bucket, keys: ['in/photo.jpg'], prefixes: [] });
    const asked = await bed.until(() => bed.events.slice(seen).find((e): e is Extract<ConflictEvent, { type: 'conflict' }> => e.type === 'conflict' && e.batchId === again.batchId));
    expect(asked.conflict).toMatchObject({ kind: 'download', key: 'in/photo.jpg', target: path.join(downloads, 'photo.jpg') });
    await bed.call('transfers.answerConflict', { conflictId: asked.conflictId, action: 'rename' });
    expect(await bed.until(batchEnd(again.batchId))).toMatchObject({ status: 'done', done: 1 });
    expect(await sha256File(path.join(downloads, 'photo (1).jpg'))).toBe(await sha256File(path.join(dir, 'drop', 'photo.jpg')));
  });

  it('brings rows back paused after a restart, with a transfer the command line left, and resumes both', async () => {
    const file = path.join(dir, 'restart.bin');
    await writeRandomFile(file, 25 * MiB);
    // Two parts in flight, slowly: the quit lands with parts still to send.
    await bed.call('settings.set', { bandwidthLimit: 6 * MiB, partsInFlight: 2 });
    await bed.call('transfers.upload', { accountId, bucket, prefix: 'r/', paths: [file] });
    await bed.until(() => {
      const row = rowOf('r/restart.bin')();
      return row && row.bytesDone >= 6 * MiB;
    });
    // The app quits mid-upload.
    await bed.service.close();
    // The command line is stopped mid-upload of another file (same state folder, as on one machine).
    const cliFile = path.join(dir, 'cli.bin');
    await writeRandomFile(cliFile, 30 * MiB);
    const pause = new AbortController();
    const cli = testEngine({
      settings: { partSize: 5 * MiB, partsInFlight: 1, adaptive: false, bandwidthLimit: 6 * MiB },
      journal: new Journal(path.join(dir, 'state')),
      onEvent: (e) => {
        if (e.type === 'progress' && e.segments.some((s) => s.status === 'done')) pause.abort();
      },
    });
    await expect(cli.upload({ source: cliFile, bucket, key: 'r/cli.bin' }, undefined, pause.signal)).rejects.toMatchObject({ code: 'Paused' });
    cli.close();

    bed = openService(dir, secrets, { partSize: 5 * MiB });
    await bed.call('settings.set', { bandwidthLimit: 0, partsInFlight: 16 });
    const snapshot = await bed.call('queue.list', {});
    const app = snapshot.rows.find((r) => r.key === 'r/restart.bin');
    const fromCli = snapshot.rows.find((r) => r.key === 'r/cli.bin');
    expect(app?.state).toBe('paused');
    expect(fromCli).toMatchObject({ state: 'paused', kind: 'upload', localPath: cliFile, accountId });
    expect(snapshot.batches.find((b) => b.batchId === fromCli?.batchId)?.label).toBe('Interrupted earlier');
    await bed.call('queue.resume', {});
    await bed.until(() => rowIn('r/restart.bin', 'done')() && rowIn('r/cli.bin', 'done')());
    expect(await remoteHash('r/restart.bin')).toBe(await sha256File(file));
    expect(await remoteHash('r/cli.bin')).toBe(await sha256File(cliFile));
    expect(await incompleteUploads(store, bucket)).toEqual([]);
  });
});
