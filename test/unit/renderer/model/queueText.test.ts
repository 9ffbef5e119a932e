import { describe, expect, it } from 'vitest';
import { formatDuration, formatRate } from '../../../../renderer/model/format.js';
import type { QueueGroup, QueueRowView } from '../../../../renderer/model/queueModel.js';
import { baseName, groupFilesText, groupProblems, groupStateText, receivingFraction, rowNotes, rowRoute, rowStateText, secondsLeft } from '../../../../renderer/model/queueText.js';
import { emptyTotals } from '../../../../renderer/model/queueTotals.js';
import type { SyncBatch } from '../../../../shared/queue.js';

const view = (over: Partial<QueueRowView> = {}): QueueRowView => ({
  id: 'r',
  kind: 'upload',
  accountId: 'acc',
  bucket: 'b',
  key: 'photos/a.jpg',
  localPath: '/home/me/a.jpg',
  size: 1000,
  state: 'active',
  bytesDone: 0,
  batchId: 'x',
  addedAt: 0,
  rate: 0,
  ...over,
});

describe('queue row words', () => {
  it('names a row by the last segment of its key', () => {
    expect(baseName('photos/2024/a.jpg')).toBe('a.jpg');
    expect(baseName('photos/')).toBe('photos');
    expect(baseName('C:\\Users\\me\\b.txt')).toBe('b.txt');
  });

  it('says the state, retrying when the engine does', () => {
    expect(rowStateText(view())).toBe('Uploading');
    expect(rowStateText(view({ kind: 'download' }))).toBe('Downloading');
    expect(rowStateText(view({ transferStatus: 'retrying' }))).toBe('Retrying');
    expect(rowStateText(view({ state: 'paused', transferStatus: 'retrying' }))).toBe('Paused');
  });

  it('lists the error of a failed row, a retry, how much the host received, and notes', () => {
    expect(rowNotes(view({ state: 'failed', error: { code: 'AccessDenied', message: 'Access denied.' } }))).toEqual([{ tone: 'error', text: 'Access denied.' }]);
    expect(rowNotes(view({ received: 400, note: 'receiving from the browser', retryNote: 'Retrying part 1' }))).toEqual([
      { tone: 'warning', text: 'Retrying part 1' },
      { tone: 'info', text: 'Receiving 40%…' },
      { tone: 'info', text: 'receiving from the browser' },
    ]);
    expect(receivingFraction(view({ received: 1000 }))).toBeUndefined();
    expect(rowNotes(view({ state: 'done', received: 10, notice: 'Resumed' }))).toEqual([]);
  });

  it('says where the bytes go, and how long is left at the present rate', () => {
    expect(rowRoute(view())).toBe('/home/me/a.jpg → s3://b/photos/a.jpg');
    expect(rowRoute(view({ kind: 'download' }))).toBe('s3://b/photos/a.jpg → /home/me/a.jpg');
    expect(secondsLeft(1000, 100, true)).toBe(10);
    expect(secondsLeft(1000, 0, true)).toBeUndefined();
    expect(secondsLeft(1000, 100, false)).toBeUndefined();
  });

  it('formats rates and durations', () => {
    expect(formatRate(3.2 * 1024 * 1024)).toBe('3.2 MiB/s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(725)).toBe('12 min');
    expect(formatDuration(7500)).toBe('2 h 5 min');
    expect(formatDuration(3600)).toBe('1 h');
  });
});

describe('a sync’s group row', () => {
  const sync = (over: Partial<SyncBatch> = {}): SyncBatch => ({ direction: 'up', folder: '/d/site', prefix: 'site/', unchanged: 20, folders: 0, extra: 0, excluded: 0, deletions: 3, deleted: 0, phase: 'transferring', ...over });
  const group = (s: SyncBatch, ended?: QueueGroup['ended']): QueueGroup => ({
    batchId: 'x',
    kind: 'upload',
    createdAt: 0,
    totals: { ...emptyTotals, files: 2, states: { ...emptyTotals.states, done: 2 } },
    batch: { batchId: 'x', kind: 'upload', label: 'Sync site/', accountId: 'a', bucket: 'b', target: 'site/', createdAt: 0, planning: false, refused: [], skipped: [], sync: s },
    ended,
  });

  it('counts the unchanged and says where the deletions stand', () => {
    expect(groupFilesText(group(sync()))).toBe('2 of 2 files · 20 unchanged · 3 to delete');
    expect(groupFilesText(group(sync({ phase: 'deleting' })))).toBe('2 of 2 files · 20 unchanged · deleting 3');
    expect(groupFilesText(group(sync({ phase: 'done', deleted: 3 })))).toBe('2 of 2 files · 20 unchanged · 3 deleted');
    expect(groupFilesText(group(sync({ phase: 'held', heldBecause: 'failed' })))).toBe('2 of 2 files · 20 unchanged · 3 deletions held');
    expect(groupStateText('done', 'upload', sync({ phase: 'deleting' }))).toBe('Deleting…');
    expect(groupStateText('done', 'upload', sync({ phase: 'done' }))).toBe('Done');
  });

  it('reports in the command line’s words, and why deletions were held', () => {
    expect(groupProblems(group(sync({ phase: 'held', heldBecause: 'restarted' })))).toEqual([
      { item: '', tone: 'error', text: '3 deletions were not made because Ferry stopped during the sync; synchronize again to make them.' },
    ]);
    const ended: QueueGroup['ended'] = {
      type: 'batch',
      batchId: 'x',
      kind: 'upload',
      label: 'Sync site/',
      status: 'failed',
      files: 2,
      done: 1,
      bytes: 1,
      seconds: 1,
      failures: [{ item: '/d/site/a.txt', error: { code: 'LocalNotFound', message: '/d/site/a.txt does not exist.' } }],
      sync: { created: 1, updated: 0, deleted: 0, unchanged: 20, folders: 0, deletionsHeld: 3, heldBecause: 'failed', extra: 2, excluded: 0 },
    };
    expect(groupProblems(group(sync({ phase: 'held', heldBecause: 'failed' }), ended))).toEqual([
      { item: '', tone: 'info', text: 'Synced: 1 created, 0 updated, 0 deleted, 20 unchanged.' },
      { item: '', tone: 'error', text: '3 deletions were not made because a transfer failed; retry it, or synchronize again.' },
      { item: '', tone: 'info', text: '2 items are on the target but not on the source; kept (“Delete what is not on the source” removes them).' },
      { item: '/d/site/a.txt', tone: 'error', text: '/d/site/a.txt does not exist.' },
    ]);
  });
});
