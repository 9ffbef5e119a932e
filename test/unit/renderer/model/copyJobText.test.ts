import { describe, expect, it } from 'vitest';
import type { CopyJobEvent } from '../../../../shared/api.js';
import { copyProgress, copySummary, folderPrefix } from '../../../../renderer/model/copyJobText.js';

const job = (over: Partial<CopyJobEvent>): CopyJobEvent => ({
  type: 'copyJob',
  jobId: 'j',
  move: false,
  label: 'Copy site/ to Backup: b/',
  objects: 10,
  listed: true,
  copied: 0,
  skipped: 0,
  deleted: 0,
  failed: 0,
  bytes: 0,
  streamed: false,
  failures: [],
  status: 'running',
  ...over,
});

describe('copy jobs on screen', () => {
  it('reads a typed folder as a prefix', () => {
    expect(['', '  ', 'a', '/a', 'a/', '//a/b', ' a/b '].map(folderPrefix)).toEqual(['', '', 'a/', 'a/', 'a/', 'a/b/', 'a/b/']);
  });

  it('shows how far it got, with no fraction while the listing goes on', () => {
    expect(copyProgress(job({ copied: 3, skipped: 1, bytes: 2048 }))).toEqual({ text: '4 of 10 objects (2.0 KiB)', fraction: 0.4 });
    expect(copyProgress(job({ listed: false, objects: 7, copied: 2, failed: 1 }))).toEqual({ text: '3 done, 7 objects found so far, 1 failed', fraction: null });
  });

  it('says what it did, and how the bytes went', () => {
    expect(copySummary(job({ status: 'done', copied: 9, skipped: 1, streamed: true }))).toBe('Done: 9 copied through this computer, 1 already there.');
    expect(copySummary(job({ status: 'done', move: true, copied: 10, deleted: 10 }))).toBe('Done: 10 moved on the server.');
    expect(copySummary(job({ status: 'failed', move: true, copied: 10, deleted: 4, failed: 6 }))).toBe('Ended: 10 moved on the server, 4 removed from where they were, 6 failed.');
    expect(copySummary(job({ status: 'failed', failures: [{ item: 's3://a/b', error: { code: 'AccessDenied', message: 'Access denied.' } }] }))).toBe('Failed: Access denied.');
    expect(copySummary(job({ status: 'done', objects: 0 }))).toBe('Done: no objects were found there.');
  });
});
