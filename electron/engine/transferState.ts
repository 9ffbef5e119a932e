// The allowed moves of a transfer and of its segments, in one place.

import type { SegmentStatus, TransferStatus } from '../../shared/transfer.js';

const TRANSFER_MOVES: Record<TransferStatus, readonly TransferStatus[]> = {
  queued: ['active', 'paused', 'cancelled', 'failed'],
  active: ['retrying', 'paused', 'done', 'failed', 'cancelled'],
  retrying: ['active', 'paused', 'done', 'failed', 'cancelled'],
  paused: ['queued', 'active', 'cancelled'],
  done: [],
  failed: ['queued'],
  cancelled: [],
};

const SEGMENT_MOVES: Record<SegmentStatus, readonly SegmentStatus[]> = {
  queued: ['active', 'cancelled', 'done', 'failed'],
  active: ['retrying', 'done', 'failed', 'cancelled', 'queued'],
  retrying: ['active', 'failed', 'cancelled', 'queued'],
  done: [],
  failed: ['queued'],
  cancelled: ['queued'],
};

export function canMoveTransfer(from: TransferStatus, to: TransferStatus): boolean {
  return from === to || TRANSFER_MOVES[from].includes(to);
}

export function canMoveSegment(from: SegmentStatus, to: SegmentStatus): boolean {
  return from === to || SEGMENT_MOVES[from].includes(to);
}

export function isFinal(status: TransferStatus): boolean {
  return status === 'done' || status === 'cancelled';
}
