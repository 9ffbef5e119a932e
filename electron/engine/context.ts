// What every transfer of one engine shares: the store, the settings, the memory budget, the progress hub.

import type { S3Store } from './s3/store.js';
import type { PartBuffers } from './partBuffers.js';
import type { ProgressHub, TransferMeter } from './progress.js';
import type { TransferSettings } from './settings.js';
import type { CallOptions } from './s3/store.js';
import type { RetryNotice } from './retry.js';
import type { Journal } from './journal.js';
import type { FolderCache } from './folderCache.js';
import type { AdaptiveLimit } from './adaptive.js';
import type { RateLimit } from './rateLimit.js';

export interface EngineContext {
  store: S3Store;
  settings: TransferSettings;
  buffers: PartBuffers;
  hub: ProgressHub;
  /** Send x-amz-checksum-crc32 besides Content-MD5. */
  crc32: boolean;
  /** Where unfinished transfers are recorded for resume; absent: nothing is resumable. */
  journal?: Journal;
  /** The server's identity in the journal (endpoint URL, or "aws:<region>"). */
  server: string;
  /** Download folders already created in this batch. */
  folders: FolderCache;
  /** Segments in flight across the engine's multi-segment files, and files in flight. */
  limits: { parts: AdaptiveLimit; files: AdaptiveLimit };
  /** The bandwidth limit every transfer shares. */
  rate: RateLimit;
}

/** Tells listeners of a retry; `segment` -1 for a call of the whole transfer (create, complete, HEAD). */
function retryListener(ctx: EngineContext, meter: TransferMeter, segment: number): (notice: RetryNotice) => void {
  return (notice) => {
    if (notice.error.code === 'Throttled') {
      ctx.limits.parts.throttled();
      ctx.limits.files.throttled();
    }
    ctx.hub.emit({
      type: 'retry',
      transferId: meter.id,
      segment,
      attempt: notice.attempt,
      delayMs: notice.delayMs,
      error: notice.error.toInfo(),
      waitingUntil: notice.waitingUntil,
      server: ctx.server,
    });
  };
}

/** Call options that keep a segment's state and bytes in its meter. */
export function segmentCallOptions(ctx: EngineContext, meter: TransferMeter, index: number, signal: AbortSignal, countBytes: boolean): CallOptions {
  const tell = retryListener(ctx, meter, index);
  return {
    signal,
    onAttempt: () => meter.segmentStatus(index, 'active'),
    onRetry: (notice: RetryNotice) => {
      meter.segmentStatus(index, 'retrying');
      tell(notice);
    },
    onBytes: countBytes ? (bytes) => meter.addBytes(index, bytes) : undefined,
    throttle: (bytes) => ctx.rate.reserve(bytes),
  };
}

/** Call options for a transfer's own calls (create, complete, list parts, HEAD): retries are heard too. */
export function transferCallOptions(ctx: EngineContext, meter: TransferMeter, signal: AbortSignal, onAttempt?: (attempt: number) => void): CallOptions {
  return { signal, onAttempt, onRetry: retryListener(ctx, meter, -1) };
}
