import { describe, expect, it } from 'vitest';
import { formatDuration, formatRate } from '../../../../renderer/model/format.js';
import type { QueueRowView } from '../../../../renderer/model/queueModel.js';
import { baseName, receivingFraction, rowNotes, rowRoute, rowStateText, secondsLeft } from '../../../../renderer/model/queueText.js';

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
