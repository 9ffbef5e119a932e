// Runs one file's segments (parts or ranges) with a bounded number in flight.

import { anySignal } from './abort.js';
import { cancelledError } from './errors.js';
import type { TransferMeter } from './progress.js';
import type { AdaptiveLimit } from './adaptive.js';

/**
 * Calls `work(index, signal)` for each listed segment, `concurrency` at a time. The first failure stops
 * the others (through `signal`), and this settles only once no segment is still running, so a
 * caller that then aborts a multipart upload knows no part can land after the abort.
 */
export async function runSegments(
  indexes: readonly number[],
  concurrency: number,
  meter: TransferMeter,
  transferSignal: AbortSignal,
  work: (index: number, signal: AbortSignal) => Promise<void>,
  /** Slots shared with the engine's other files; each segment holds one while it runs. */
  shared?: AdaptiveLimit,
): Promise<void> {
  const stop = new AbortController();
  const signal = anySignal([transferSignal, stop.signal]);
  let next = 0;
  const worker = async () => {
    while (next < indexes.length && !signal.aborted) {
      const index = indexes[next++] as number;
      let release: (() => void) | undefined;
      try {
        release = await shared?.acquire(signal);
        await work(index, signal);
        meter.segmentStatus(index, 'done');
      } catch (error) {
        meter.segmentStatus(index, signal.aborted ? 'cancelled' : 'failed');
        stop.abort(error);
        throw error;
      } finally {
        release?.();
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(concurrency, indexes.length) }, worker));
  if (transferSignal.aborted) throw cancelledError(transferSignal.reason);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}
