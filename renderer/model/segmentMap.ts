// One transfer's segments (upload parts, download ranges) as the engine has reported them. Events
// carry only the segments that changed, so this is a sparse map over a count: a segment never
// reported is queued. Segments are grouped in blocks, each with a stamp that moves when one of its
// segments changes, so a map of 10,000 cells re-renders only the blocks an event touched.
import type { SegmentProgress, SegmentStatus, TransferStatus, TransferSummary } from '../../shared/transfer.js';

/** Segments per block: small enough that re-rendering one is cheap, few enough blocks for 10,000 segments (S3's part limit). */
export const SEGMENT_BLOCK = 250;

export interface SegmentMapState {
  count: number;
  /** Every segment's length but the last. */
  size: number | undefined;
  /** Reported segments by index. Changed in place: `stamps` says which blocks changed. */
  reported: Map<number, SegmentProgress>;
  /** One per block; a new array whenever a block changed. */
  stamps: readonly number[];
}

/** A transfer run that stopped: a later event with another status is a new run (resume, retry), which plans its segments again. */
const STOPPED: readonly TransferStatus[] = ['paused', 'done', 'failed', 'cancelled'];

export function isNewRun(previous: TransferStatus | undefined, next: TransferStatus): boolean {
  return previous !== undefined && STOPPED.includes(previous) && !STOPPED.includes(next);
}

function fresh(count: number, size: number | undefined): SegmentMapState {
  return { count, size, reported: new Map(), stamps: new Array<number>(Math.ceil(count / SEGMENT_BLOCK)).fill(0) };
}

/**
 * The map after a progress event: the same object when nothing changed, else a new one sharing the
 * `reported` map. A new run or a different plan starts from all queued.
 */
export function applySegments(state: SegmentMapState | undefined, transfer: Pick<TransferSummary, 'segmentCount' | 'segmentSize'>, segments: readonly SegmentProgress[], newRun: boolean): SegmentMapState {
  let next = state;
  if (!next || newRun || next.count !== transfer.segmentCount || next.size !== transfer.segmentSize) next = fresh(transfer.segmentCount, transfer.segmentSize);
  if (segments.length === 0) return next;
  let stamps: number[] | null = null;
  for (const segment of segments) {
    if (segment.index < 0 || segment.index >= next.count) continue;
    next.reported.set(segment.index, segment);
    stamps ??= [...next.stamps];
    const block = Math.floor(segment.index / SEGMENT_BLOCK);
    stamps[block] = (stamps[block] ?? 0) + 1;
  }
  return stamps ? { ...next, stamps } : next;
}

export interface SegmentCell {
  status: SegmentStatus;
  /** 0..1 of the segment's bytes. */
  fill: number;
}

const QUEUED: SegmentCell = { status: 'queued', fill: 0 };

export function segmentCell(reported: SegmentMapState['reported'], index: number): SegmentCell {
  const segment = reported.get(index);
  if (!segment) return QUEUED;
  if (segment.status === 'done') return { status: 'done', fill: 1 };
  return { status: segment.status, fill: segment.length > 0 ? Math.min(1, Math.max(0, segment.bytesDone / segment.length)) : 0 };
}

/** Segments per status, the unreported counted as queued. */
export function segmentCounts(state: SegmentMapState): Record<SegmentStatus, number> {
  const counts: Record<SegmentStatus, number> = { queued: 0, active: 0, retrying: 0, done: 0, failed: 0, cancelled: 0 };
  for (const segment of state.reported.values()) counts[segment.status]++;
  counts.queued += state.count - state.reported.size;
  return counts;
}
