import { describe, expect, it } from 'vitest';
import type { SyncPlanRow, SyncPlanSummary } from '../../../../shared/api.js';
import {
  comparedSentence,
  defaultFolderName,
  deletionWarning,
  excludeGlobs,
  filterCounts,
  filterLabel,
  filteredRows,
  firstFilter,
  hasWork,
  planSentence,
  rowsLeftOut,
} from '../../../../renderer/model/syncPlanView.js';

const MiB = 1024 * 1024;

const plan = (over: Partial<SyncPlanSummary> = {}): SyncPlanSummary => ({
  planId: 'p',
  direction: 'up',
  accountId: 'a',
  bucket: 'b',
  prefix: 'site/',
  folder: '/home/me/Downloads/site',
  compare: 'time',
  delete: false,
  rows: [],
  rowsLeftOut: { changes: 0, unchanged: 0 },
  counts: { create: 0, update: 0, delete: 0, unchanged: 0, excluded: 0, refused: 0, folders: 0 },
  bytes: { send: 0, delete: 0 },
  refused: [],
  skipped: [],
  extra: 0,
  heads: 0,
  hashed: 0,
  seconds: 0.5,
  expiresAt: '2030-01-01T00:00:00.000Z',
  ...over,
});

const upload = (path: string, change: 'create' | 'update' = 'create'): SyncPlanRow => ({ kind: 'upload', path, change, reason: change === 'create' ? 'new' : 'size differs', size: 10 });
const skip = (path: string): SyncPlanRow => ({ kind: 'skip', path, reason: 'same size and time', size: 10 });

describe('a sync plan on screen', () => {
  it('starts with the folder named like the prefix, as Download would name it', () => {
    expect(defaultFolderName('b', 'www/site/')).toBe('site');
    expect(defaultFolderName('b', 'site/')).toBe('site');
    expect(defaultFolderName('my-bucket', '')).toBe('my-bucket');
  });

  it('takes one glob a line, blank lines and spaces dropped', () => {
    expect(excludeGlobs('*.tmp\n\n  node_modules  \r\nbuild/**\n')).toEqual(['*.tmp', 'node_modules', 'build/**']);
    expect(excludeGlobs('   ')).toEqual([]);
  });

  it('says what it would do in the command line’s dry-run words', () => {
    const p = plan({ counts: { create: 3, update: 1, delete: 2, unchanged: 20_000, excluded: 0, refused: 0, folders: 1 }, bytes: { send: 4.1 * MiB, delete: 0 } });
    expect(planSentence(p)).toBe('Would create 3, update 1 and delete 2, and make 1 empty folder; 20,000 unchanged (4.1 MiB to send).');
    expect(planSentence(plan())).toBe('Would create 0, update 0 and delete 0; 0 unchanged (0 B to send).');
    expect(comparedSentence(plan({ seconds: 1.234, heads: 3 }))).toBe('Compared in 1.23 s, 3 object times read with HEAD.');
    expect(comparedSentence(plan({ hashed: 1 }))).toBe('Compared in 0.50 s, 1 local file hashed.');
  });

  it('spells out the deletions, on which side and how much', () => {
    expect(deletionWarning(plan())).toBeUndefined();
    const counts = { create: 0, update: 0, delete: 2, unchanged: 0, excluded: 0, refused: 0, folders: 0 };
    expect(deletionWarning(plan({ counts, bytes: { send: 0, delete: 3 * MiB } }))).toBe(
      'Deletes 2 objects (3.0 MiB) below s3://b/site/: they are not in /home/me/Downloads/site. They are deleted last, and not at all if a transfer fails.',
    );
    expect(deletionWarning(plan({ direction: 'down', counts: { ...counts, delete: 1 } }))).toBe(
      'Deletes 1 file in /home/me/Downloads/site: it is not below s3://b/site/. It is deleted last, and not at all if a transfer fails.',
    );
  });

  it('shows the changes first and the unchanged a filter away, counting what was not sent', () => {
    const rows = [upload('a'), upload('b', 'update'), { kind: 'folder', path: 'e/', reason: 'empty folder', size: 0 } as SyncPlanRow, skip('c'), skip('d')];
    const p = plan({ rows, counts: { create: 1, update: 1, delete: 0, unchanged: 20_000, excluded: 0, refused: 0, folders: 1 }, rowsLeftOut: { changes: 0, unchanged: 19_998 } });
    expect(filteredRows(rows, 'changes').map((r) => r.path)).toEqual(['a', 'b', 'e/']);
    expect(filteredRows(rows, 'unchanged').map((r) => r.path)).toEqual(['c', 'd']);
    expect(filteredRows(rows, 'all')).toBe(rows);
    expect(filterCounts(p)).toEqual({ changes: 3, unchanged: 20_000, all: 20_003 });
    expect(filterLabel('unchanged', p)).toBe('Unchanged (20,000)');
    expect(rowsLeftOut(p, 'changes')).toBe(0);
    expect(rowsLeftOut(p, 'unchanged')).toBe(19_998);
    expect(rowsLeftOut(p, 'all')).toBe(19_998);
    expect(firstFilter(p)).toBe('changes');
    expect(hasWork(p)).toBe(true);
    // Nothing to do: the table opens on every row, and there is nothing to start.
    const same = plan({ rows: [skip('c')], counts: { ...p.counts, create: 0, update: 0, folders: 0 } });
    expect(firstFilter(same)).toBe('all');
    expect(hasWork(same)).toBe(false);
  });
});
