// Plain data describing transfers and their progress: what the engine reports and any UI shows.

import type { ErrorInfo } from './errors.js';

export type TransferKind = 'upload' | 'download';

/** A transfer's life; the allowed moves between these are written down in the engine (transferState.ts). */
export type TransferStatus = 'queued' | 'active' | 'paused' | 'retrying' | 'done' | 'failed' | 'cancelled';

/** A segment is one part of a multipart upload or one byte range of a download. */
export type SegmentStatus = 'queued' | 'active' | 'retrying' | 'done' | 'failed' | 'cancelled';

export interface SegmentProgress {
  index: number;
  offset: number;
  length: number;
  bytesDone: number;
  status: SegmentStatus;
  attempts: number;
}

/** Headers a user publishes with an object (set on upload, or changed in place later). */
export interface ObjectHeaders {
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
  expires?: string;
  /** x-amz-storage-class: STANDARD, STANDARD_IA, GLACIER_IR… */
  storageClass?: string;
  /** x-amz-acl, a canned ACL: private, public-read… */
  acl?: string;
  metadata?: Record<string, string>;
}

export interface TransferSummary {
  id: string;
  kind: TransferKind;
  bucket: string;
  key: string;
  localPath: string;
  status: TransferStatus;
  bytesTotal: number;
  bytesDone: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  segmentCount: number;
  /**
   * Every segment's length but the last (which holds the rest). Segments not yet reported in an
   * event are queued: events carry only the segments that changed, never a transfer's whole list.
   */
  segmentSize?: number;
  error?: ErrorInfo;
  /** The batch (a folder, a selection) this transfer runs in, when the caller named one. */
  batchId?: string;
}

/** Events, batched: at most a few per second per transfer, segments only when they changed. */
export type TransferEvent =
  | { type: 'progress'; transfer: TransferSummary; segments: SegmentProgress[] }
  /** A request failed and is tried again; `waitingUntil` (ms since the epoch) while the server cannot be reached: when Ferry stops waiting. */
  | { type: 'retry'; transferId: string; segment: number; attempt: number; delayMs: number; error: ErrorInfo; waitingUntil?: number; server: string }
  /** Something a person should know about a transfer that is not an error (e.g. fewer parts in flight than asked). */
  | { type: 'notice'; transferId: string; message: string }
  | { type: 'finished'; transfer: TransferSummary; verified: VerifyResult }
  /** An interrupted transfer picks up where it stopped (segmentsDone > 0), or had to start over (why). */
  | { type: 'resumed'; transferId: string; kind: TransferKind; bucket: string; key: string; segmentsDone: number; segmentCount: number; bytesDone: number; restartedBecause?: string };

/** How the finished bytes were checked against the server. */
export type VerifyResult =
  | { method: 'md5'; etag: string }
  | { method: 'multipart-etag'; etag: string; partSize: number }
  | { method: 'size-only'; reason: string }
  | { method: 'none'; reason: string };

/** What to do with one item whose target already exists (`different`: overwrite only if the content differs). */
export type ConflictAction = 'overwrite' | 'skip' | 'rename' | 'different';

/** The policy for targets that already exist: an action for all, or `ask` per conflict. */
export type IfExists = ConflictAction | 'ask';

/** A target that already exists, as a person is asked about it (sizes in bytes, times in ms since the epoch). */
export interface TransferConflict {
  kind: TransferKind;
  bucket: string;
  key: string;
  localPath: string;
  /** What exists: `s3://bucket/key` for an upload, the local path for a download. */
  target: string;
  existing: { size: number; modified?: number };
  incoming: { size: number; modified?: number };
}

/** A person's answer to a conflict; `applyToAll`: the same for every later conflict of the batch. */
export interface ConflictDecision {
  action: ConflictAction;
  applyToAll?: boolean;
}
