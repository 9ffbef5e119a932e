// A group row's figures (files, bytes, rows per state, rate) and the whole queue's, kept by
// subtracting a row as it was and adding it as it is: a progress tick costs the same with 10 rows
// as with 10,000.
import type { QueueState } from '../../shared/queue.js';

/** What of a row counts in its group's figures. */
export interface RowFigures {
  state: QueueState;
  size: number;
  bytesDone: number;
  /** Bytes per second; counted only while the row is active. */
  rate: number;
}

export interface QueueTotals {
  files: number;
  bytes: number;
  bytesDone: number;
  rate: number;
  states: Readonly<Record<QueueState, number>>;
}

export const emptyTotals: QueueTotals = {
  files: 0,
  bytes: 0,
  bytesDone: 0,
  rate: 0,
  states: { queued: 0, active: 0, paused: 0, done: 0, failed: 0, cancelled: 0 },
};

/** A done row counts whole (its last progress event may predate the final bytes); no row counts beyond its size. */
export function rowBytesDone(row: RowFigures): number {
  if (row.state === 'done') return row.size;
  return Math.min(Math.max(row.bytesDone, 0), row.size);
}

function rowRate(row: RowFigures): number {
  return row.state === 'active' ? row.rate : 0;
}

/** The totals with `before` (the row as it was counted, if it was) replaced by `after` (the row now, if it stays). */
export function replaceRow(totals: QueueTotals, before: RowFigures | undefined, after: RowFigures | undefined): QueueTotals {
  const states = { ...totals.states };
  let { files, bytes, bytesDone, rate } = totals;
  if (before) {
    files--;
    bytes -= before.size;
    bytesDone -= rowBytesDone(before);
    rate -= rowRate(before);
    states[before.state]--;
  }
  if (after) {
    files++;
    bytes += after.size;
    bytesDone += rowBytesDone(after);
    rate += rowRate(after);
    states[after.state]++;
  }
  // Adding and subtracting fractional rates leaves dust; with nothing active the rate is exactly 0.
  if (states.active === 0 || rate < 0) rate = 0;
  return { files, bytes, bytesDone, rate, states };
}

/** Rows that have not ended: what "Pause all" and the panel's badge are about. */
export function unfinished(totals: QueueTotals): number {
  return totals.states.queued + totals.states.active + totals.states.paused;
}

export type GroupState = 'planning' | QueueState;

/**
 * A group row's state, from its rows' states (sent by the host) and its batch: running while any
 * row runs or waits, then how the batch ended as its `batch` event said (a retry runs it again).
 */
export function groupState(totals: QueueTotals, planning: boolean, ended: 'done' | 'failed' | 'cancelled' | undefined): GroupState {
  const { states } = totals;
  if (states.active > 0) return 'active';
  if (planning) return 'planning';
  if (states.queued > 0) return 'queued';
  if (states.paused > 0) return 'paused';
  if (ended) return ended;
  // Planned, its rows not here yet (they come in the next `queue` event), and not ended: waiting, not done.
  if (totals.files === 0) return 'queued';
  if (states.failed > 0) return 'failed';
  if (totals.files > 0 && states.cancelled === totals.files) return 'cancelled';
  return 'done';
}

/** How far a set of rows is, 0..1: by bytes, or by files when all are empty. */
export function progressFraction(totals: QueueTotals): number {
  if (totals.bytes > 0) return Math.min(1, totals.bytesDone / totals.bytes);
  return totals.files > 0 ? totals.states.done / totals.files : 0;
}
