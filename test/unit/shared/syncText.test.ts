import { describe, expect, it } from 'vitest';
import type { BatchEvent, SyncReport } from '../../../shared/api.js';
import { batchNotice } from '../../../shared/batchNotice.js';
import { heldLine, reportLines, syncedLine } from '../../../shared/syncText.js';

const report = (over: Partial<SyncReport> = {}): SyncReport => ({ created: 2, updated: 1, deleted: 1, unchanged: 20_000, folders: 0, deletionsHeld: 0, extra: 0, excluded: 0, ...over });

describe('what a sync says when it ends', () => {
  it('uses the command line’s Synced line', () => {
    expect(syncedLine(report())).toBe('Synced: 2 created, 1 updated, 1 deleted, 20,000 unchanged');
    expect(syncedLine(report({ folders: 1 }))).toBe('Synced: 2 created, 1 updated, 1 deleted, 20,000 unchanged, 1 empty folder made');
  });

  it('says why deletions were not made, and what was left alone', () => {
    expect(heldLine(1, 'failed')).toBe('1 deletion was not made because a transfer failed; retry it, or synchronize again.');
    expect(heldLine(3, 'restarted')).toBe('3 deletions were not made because Ferry stopped during the sync; synchronize again to make them.');
    expect(reportLines(report({ deleted: 0, deletionsHeld: 2, heldBecause: 'cancelled', extra: 1, excluded: 4 }))).toEqual([
      'Synced: 2 created, 1 updated, 0 deleted, 20,000 unchanged.',
      '2 deletions were not made because the sync was cancelled.',
      '1 item is on the target but not on the source; kept (“Delete what is not on the source” removes them).',
      '4 items left out by Exclude.',
    ]);
  });

  it('notifies a sync by what it did, its held deletions included', () => {
    const event: BatchEvent = { type: 'batch', batchId: 'b', kind: 'upload', label: 'Sync site/', status: 'done', files: 3, done: 3, bytes: 10, seconds: 60, failures: [], sync: report({ deletionsHeld: 1, heldBecause: 'restarted' }) };
    expect(batchNotice(event, 30)).toEqual({
      title: 'Sync finished',
      body: 'Sync site/: Synced: 2 created, 1 updated, 1 deleted, 20,000 unchanged\n1 deletion was not made because Ferry stopped during the sync; synchronize again to make them.',
    });
    const { sync: _sync, ...upload } = event;
    expect(batchNotice(upload, 30)).toEqual({ title: 'Upload finished', body: 'Sync site/: 3 of 3 files' });
  });
});
