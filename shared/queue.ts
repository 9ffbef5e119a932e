// The transfer queue as the UI sees it: rows (one per file), the batches they came in, and the
// settings a person changes while transfers run. Plain data; the queue itself lives in the main
// process (electron/services/transferQueue.ts).

import type { ErrorInfo } from './errors.js';
import type { IfExists, TransferKind } from './transfer.js';

/** What a row does: a file up or down, or a copy (or move) of objects between buckets or accounts. */
export type QueueKind = TransferKind | 'copy';

/** How far a copy or move of many objects is: what the engine reports and a copy's row shows. */
export interface CopyCounts {
  /** The source listing is complete (`objects` is the total). */
  listed: boolean;
  objects: number;
  copied: number;
  /** Passed over: the target held the same object (or an earlier run of this copy had copied it). */
  skipped: number;
  failed: number;
  /** Sources deleted (a move). */
  deleted: number;
}

/**
 * A copy or move (kind 'copy'): one row for the whole selection, its objects copied by the engine
 * (on the server within one account, streamed through the host across accounts). The row's
 * account, bucket and key are the target's (key: the target prefix); its bytes those listed.
 */
export interface CopyRowInfo extends CopyCounts {
  move: boolean;
  /** The source's account (the row's own when the server copies). */
  sourceAccountId: string;
  sourceBucket: string;
  /** What is copied, for a person: "assets/", "index.html", "3 items from site/". */
  what: string;
  /** The target account's name, as the app shows it. */
  targetName: string;
}

/** A row's state: the `data-state` of its row in the queue. */
export type QueueState = 'queued' | 'active' | 'paused' | 'done' | 'failed' | 'cancelled';

export const FINISHED_STATES: readonly QueueState[] = ['done', 'failed', 'cancelled'];

/** One transfer in the queue. Its id is also the transfer id of the engine's progress events. */
export interface QueueRow {
  id: string;
  kind: QueueKind;
  accountId: string;
  bucket: string;
  key: string;
  /** The file on this machine (an upload's source, a download's target); for a file sent by a browser, its name there. */
  localPath: string;
  size: number;
  state: QueueState;
  bytesDone: number;
  error?: ErrorInfo;
  /** The drop or selection the row came with: its group row. */
  batchId: string;
  addedAt: number;
  /** Something a person should know that is not an error: "skipped: same size and checksum", "receiving from the browser". */
  note?: string;
  /** A browser-mode upload: bytes of the file the host has received so far (of `size`). */
  received?: number;
  /** Queued again because the server could not be reached: not started before this time (ms since the epoch). */
  waitUntil?: number;
  /** A copy's row: what it copies and how far it is. */
  copy?: CopyRowInfo;
}

/** A group row: one drop, Upload… choice or download selection. */
export interface QueueBatch {
  batchId: string;
  kind: QueueKind;
  /** "photos/ and 3 more". */
  label: string;
  accountId: string;
  bucket: string;
  /** Upload: the prefix dropped onto; download: the local folder; copy: "Account: bucket/prefix". */
  target: string;
  createdAt: number;
  /** Still finding files (walking folders, listing prefixes, asking about conflicts). */
  planning: boolean;
  /** Items refused before any row was made (a name that would leave the folder, a folder that cannot be read). */
  refused: { item: string; error: ErrorInfo }[];
  /** Items not transferred on purpose (the target existed and the answer was skip). */
  skipped: { item: string; reason: string }[];
  /** A sync's batch (Synchronize…): its rows are the transfers; this is the rest of it. */
  sync?: SyncBatch;
}

/**
 * What a sync does besides its transfers, and where its deletions stand: they are made once every
 * row has ended with none failed; `held` says they were not, and `heldBecause` why.
 */
export interface SyncBatch {
  direction: 'up' | 'down';
  /** The local folder (on the host) and the prefix it mirrors or is mirrored by. */
  folder: string;
  prefix: string;
  /** Files already the same on both sides (not transferred). */
  unchanged: number;
  /** Empty folders made on the target (a marker object up, a local folder down). */
  folders: number;
  /** Items on the target only, kept because deleting was not asked for. */
  extra: number;
  /** Items left out by the exclusions. */
  excluded: number;
  /** Deletions planned (made last), and made so far. */
  deletions: number;
  deleted: number;
  phase: 'transferring' | 'deleting' | 'done' | 'held';
  /** `failed`: a transfer failed (a retry that succeeds makes them); `cancelled`; `restarted`: Ferry stopped during the sync. */
  heldBecause?: 'failed' | 'cancelled' | 'restarted';
}

/** Settings a person changes in the app, applied at once to running transfers and kept across restarts. */
export interface AppSettings {
  /** Parts (uploads) or ranges (downloads) of one file in flight at once. */
  partsInFlight: number;
  /** Rows of the queue in flight at once. */
  filesInFlight: number;
  /** Bytes per second, up and down together, shared by the whole queue; 0: no limit. */
  bandwidthLimit: number;
  /** What to do when a target exists; 'ask' shows the conflict prompt. */
  ifExists: IfExists;
  /** A system notification when a batch that took at least this many seconds ends; 0: never. */
  notifyAfterSeconds: number;
}

/**
 * The browser-hosted mode sends a dropped file's bytes as binary WebSocket frames:
 * a 4-byte big-endian header length, this header as UTF-8 JSON, then the chunk's bytes. The host
 * answers each with an ordinary result frame under `id` once the chunk is on disk, so a sender
 * keeps a few chunks in flight and no more (backpressure).
 */
export interface ChunkHeader {
  id: number;
  streamId: string;
  /** Where the chunk's bytes go in the file. */
  offset: number;
  /** The file's last chunk (possibly empty, for a zero-byte file). */
  last: boolean;
}

/** At most this many bytes per chunk frame. */
export const MAX_CHUNK_BYTES = 1024 * 1024;
