// Downloads: each batch started with `transfers.download`, its transfers' progress from engine events,
// and its end from the `batch` event.
import { waitingSentence } from '../../shared/waiting.js';
import { create } from 'zustand';
import type { BatchEvent, DownloadStarted } from '../../shared/api.js';
import type { ErrorInfo } from '../../shared/errors.js';
import type { TransferEvent, TransferSummary } from '../../shared/transfer.js';
import { call } from '../bridge.js';
import { reportError, useUiStore } from './uiStore.js';

export type BatchStatus = 'active' | 'done' | 'failed' | 'cancelled';

export interface DownloadBatch {
  batchId: string;
  bucket: string;
  /** What was asked for, to tell batches apart: "photos/" or "a.txt and 3 more". */
  label: string;
  keys: string[];
  prefixes: string[];
  folder: string;
  files: number;
  bytes: number;
  filesDone: number;
  bytesDone: number;
  status: BatchStatus;
  cancelling: boolean;
  failures: { item: string; error: ErrorInfo }[];
  /** Bytes done per transfer id, so a progress event adds its difference to bytesDone. */
  transferBytes: Record<string, number>;
  /** Why a transfer is waiting to try again, shown until it moves on. */
  retryNote: string | null;
}

interface DownloadsStore {
  /** Newest first. */
  order: string[];
  batches: Record<string, DownloadBatch>;
  start: (request: { accountId: string; bucket: string; keys: string[]; prefixes: string[] }) => Promise<void>;
  cancel: (batchId: string) => Promise<void>;
  dismiss: (batchId: string) => void;
  clearFinished: () => void;
  receiveBatch: (event: BatchEvent) => void;
  receiveTransfer: (event: TransferEvent) => void;
}

function lastSegment(keyOrPrefix: string): string {
  const trimmed = keyOrPrefix.endsWith('/') ? keyOrPrefix.slice(0, -1) : keyOrPrefix;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) + (keyOrPrefix.endsWith('/') ? '/' : '');
}

function labelFor(keys: string[], prefixes: string[]): string {
  const all = [...prefixes, ...keys];
  const first = all[0] ? lastSegment(all[0]) : '';
  return all.length > 1 ? `${first} and ${all.length - 1} more` : first;
}

// Events can overtake the reply to transfers.download; they wait here until their batch is known.
// Bounded so events of batches started elsewhere (another window on the same host) cannot pile up.
const EARLY_LIMIT = 2_000;
const earlyTransfers = new Map<string, TransferSummary>();
const earlyBatchEvents = new Map<string, BatchEvent>();
const transferBatch = new Map<string, string>();

function applyTransfer(batch: DownloadBatch, t: TransferSummary): DownloadBatch {
  const bytes = t.status === 'done' ? t.bytesTotal : t.bytesDone;
  const before = batch.transferBytes[t.id] ?? 0;
  return {
    ...batch,
    bytesDone: batch.bytesDone + bytes - before,
    transferBytes: { ...batch.transferBytes, [t.id]: bytes },
    retryNote: t.status === 'retrying' ? batch.retryNote : null,
  };
}

function applyBatchEvent(batch: DownloadBatch, event: BatchEvent): DownloadBatch {
  return {
    ...batch,
    status: event.status,
    cancelling: false,
    files: Math.max(batch.files, event.files),
    filesDone: event.done,
    bytesDone: event.status === 'done' ? Math.max(batch.bytes, event.bytes) : batch.bytesDone,
    bytes: Math.max(batch.bytes, event.bytes),
    failures: event.failures,
    retryNote: null,
  };
}

export const useDownloadsStore = create<DownloadsStore>()((set, get) => {
  function update(batchId: string, change: (b: DownloadBatch) => DownloadBatch): void {
    const batch = get().batches[batchId];
    if (batch) set((s) => ({ batches: { ...s.batches, [batchId]: change(batch) } }));
  }

  function add(started: DownloadStarted, request: { bucket: string; keys: string[]; prefixes: string[] }): void {
    let batch: DownloadBatch = {
      batchId: started.batchId,
      bucket: request.bucket,
      label: labelFor(request.keys, request.prefixes),
      keys: request.keys,
      prefixes: request.prefixes,
      folder: started.folder,
      files: started.files,
      bytes: started.bytes,
      filesDone: 0,
      bytesDone: 0,
      status: 'active',
      cancelling: false,
      failures: [],
      transferBytes: {},
      retryNote: null,
    };
    for (const [id, t] of earlyTransfers) {
      if (t.batchId !== batch.batchId) continue;
      earlyTransfers.delete(id);
      transferBatch.set(id, batch.batchId);
      batch = applyTransfer(batch, t);
    }
    const early = earlyBatchEvents.get(started.batchId);
    if (early) {
      earlyBatchEvents.delete(started.batchId);
      batch = applyBatchEvent(batch, early);
    }
    set((s) => ({ order: [batch.batchId, ...s.order], batches: { ...s.batches, [batch.batchId]: batch } }));
  }

  /** The batch a transfer runs in (named by the host in each event), once that batch is known here. */
  function batchOf(t: TransferSummary): string | undefined {
    if (t.batchId === undefined || !get().batches[t.batchId]) return undefined;
    transferBatch.set(t.id, t.batchId);
    return t.batchId;
  }

  return {
    order: [],
    batches: {},

    start: async (request) => {
      const result = await call('transfers.download', request);
      if (!result.ok) {
        reportError(result.error);
        return;
      }
      add(result.value, request);
      useUiStore.getState().setDownloadsOpen(true);
    },

    cancel: async (batchId) => {
      update(batchId, (b) => ({ ...b, cancelling: true }));
      const result = await call('transfers.cancel', { batchId });
      if (!result.ok) {
        update(batchId, (b) => ({ ...b, cancelling: false }));
        reportError(result.error);
      }
    },

    dismiss: (batchId) =>
      set((s) => {
        const { [batchId]: _gone, ...batches } = s.batches;
        return { order: s.order.filter((id) => id !== batchId), batches };
      }),

    clearFinished: () =>
      set((s) => {
        const order = s.order.filter((id) => s.batches[id]?.status === 'active');
        return { order, batches: Object.fromEntries(order.map((id) => [id, s.batches[id] as DownloadBatch])) };
      }),

    receiveBatch: (event) => {
      if (!get().batches[event.batchId]) {
        if (earlyBatchEvents.size < EARLY_LIMIT) earlyBatchEvents.set(event.batchId, event);
        return;
      }
      update(event.batchId, (b) => applyBatchEvent(b, event));
      for (const [transferId, batchId] of transferBatch) if (batchId === event.batchId) transferBatch.delete(transferId);
    },

    receiveTransfer: (event) => {
      if (event.type === 'progress' || event.type === 'finished') {
        const t = event.transfer;
        if (t.kind !== 'download') return;
        const batchId = batchOf(t);
        if (!batchId) {
          // Not ours (no batch), or its batch's reply has not arrived yet.
          if (t.batchId !== undefined && earlyTransfers.size < EARLY_LIMIT) earlyTransfers.set(t.id, t);
          return;
        }
        update(batchId, (b) => applyTransfer(b, t));
      } else if (event.type === 'retry') {
        const batchId = transferBatch.get(event.transferId);
        const note = event.waitingUntil !== undefined ? waitingSentence(event.server, event.error, event.waitingUntil, 'Cancel to stop') : `Retrying: ${event.error.message}`;
        if (batchId) update(batchId, (b) => ({ ...b, retryNote: note }));
      }
    },
  };
});
