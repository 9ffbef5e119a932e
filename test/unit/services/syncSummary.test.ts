import { describe, expect, it } from 'vitest';
import type { SyncAction, SyncPlan } from '../../../electron/engine/sync.js';
import { CHANGE_ROWS, UNCHANGED_ROWS, syncPlanSummary } from '../../../electron/services/syncSummary.js';

const sides = (relative: string) => ({ relative, key: `site/${relative}`, local: `/d/site/${relative}` });

function plan(actions: SyncAction[]): SyncPlan {
  return {
    input: { direction: 'up', folder: '/d/site', bucket: 'b', prefix: 'site/', compare: 'time', delete: true },
    actions,
    refused: [{ item: 's3://b/site/a:b', error: { code: 'InvalidInput', message: 'no' } }],
    skipped: [],
    counts: { create: 1, update: 0, delete: 1, unchanged: 1, excluded: 2, refused: 1, folders: 1 },
    bytes: { send: 5, delete: 7 },
    extra: 0,
    heads: 3,
    hashed: 0,
    seconds: 1.5,
    remote: new Map(),
    local: new Map(),
  };
}

describe('a sync plan for the UI', () => {
  it('sends each action as a plain row: changes in path order, then the unchanged', () => {
    const summary = syncPlanSummary('p1', 'acc', plan([
      { ...sides('a.txt'), kind: 'skip', size: 3, reason: 'same size and time' },
      { ...sides('b.txt'), kind: 'upload', change: 'create', size: 5, reason: 'new' },
      { ...sides('c/'), kind: 'folder', side: 'remote', reason: 'empty folder' },
      { ...sides('d.txt'), kind: 'delete', side: 'remote', size: 7, reason: 'not in the folder' },
    ]), Date.UTC(2030, 0, 1));
    expect(summary.rows).toEqual([
      { kind: 'upload', path: 'b.txt', change: 'create', reason: 'new', size: 5 },
      { kind: 'folder', path: 'c/', reason: 'empty folder', size: 0 },
      { kind: 'delete', path: 'd.txt', reason: 'not in the folder', size: 7 },
      { kind: 'skip', path: 'a.txt', reason: 'same size and time', size: 3 },
    ]);
    expect(summary).toMatchObject({ planId: 'p1', accountId: 'acc', direction: 'up', folder: '/d/site', prefix: 'site/', delete: true, heads: 3, expiresAt: '2030-01-01T00:00:00.000Z', rowsLeftOut: { changes: 0, unchanged: 0 } });
    expect(summary.refused).toHaveLength(1);
    // Plain data: what crosses to the UI survives JSON unchanged.
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });

  it('stops each kind of row at its limit and counts the rest', () => {
    const many: SyncAction[] = [];
    for (let i = 0; i < CHANGE_ROWS + 3; i++) many.push({ ...sides(`n${i}`), kind: 'upload', change: 'create', size: 1, reason: 'new' });
    for (let i = 0; i < UNCHANGED_ROWS + 5; i++) many.push({ ...sides(`s${i}`), kind: 'skip', size: 1, reason: 'same size and time' });
    const summary = syncPlanSummary('p', 'acc', plan(many), 0);
    expect(summary.rows).toHaveLength(CHANGE_ROWS + UNCHANGED_ROWS);
    expect(summary.rowsLeftOut).toEqual({ changes: 3, unchanged: 5 });
    expect(summary.rows[CHANGE_ROWS]?.kind).toBe('skip');
  });
});
