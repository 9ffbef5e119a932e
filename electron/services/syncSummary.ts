// Synchronize…'s table: an engine's sync plan (sync.ts) as plain data for the UI, its changes first
// and its unchanged files after, each up to a limit (the counts always cover every item).

import type { SyncPlanRow, SyncPlanSummary } from '../../shared/api.js';
import type { SyncAction, SyncPlan } from '../engine/sync.js';

// A message that stays a few megabytes at most: every change of a large sync, and enough of the
// unchanged files to look through (a person filters the rest away anyway).
export const CHANGE_ROWS = 50_000;
export const UNCHANGED_ROWS = 10_000;

function row(action: SyncAction): SyncPlanRow {
  const size = action.kind === 'folder' ? 0 : action.size;
  const change = action.kind === 'upload' || action.kind === 'download' ? { change: action.change } : {};
  return { kind: action.kind, path: action.relative, ...change, reason: action.reason, size };
}

export function syncPlanSummary(planId: string, accountId: string, plan: SyncPlan, expiresAt: number): SyncPlanSummary {
  const changes: SyncPlanRow[] = [];
  const unchanged: SyncPlanRow[] = [];
  const left = { changes: 0, unchanged: 0 };
  for (const action of plan.actions) {
    if (action.kind === 'skip') {
      if (unchanged.length < UNCHANGED_ROWS) unchanged.push(row(action));
      else left.unchanged++;
    } else if (changes.length < CHANGE_ROWS) changes.push(row(action));
    else left.changes++;
  }
  const { input } = plan;
  return {
    planId,
    accountId,
    direction: input.direction,
    bucket: input.bucket,
    prefix: input.prefix,
    folder: input.folder,
    compare: input.compare,
    delete: input.delete,
    rows: [...changes, ...unchanged],
    rowsLeftOut: left,
    counts: { ...plan.counts },
    bytes: { ...plan.bytes },
    refused: plan.refused,
    skipped: plan.skipped,
    extra: plan.extra,
    heads: plan.heads,
    hashed: plan.hashed,
    seconds: plan.seconds,
    expiresAt: new Date(expiresAt).toISOString(),
  };
}
