// Runs one file's segments (parts or ranges) with a bounded number in flight.

import { anySignal } from './abort.js';
import { cancelledError, pausedError } from './errors.js';
import type { TransferMeter } from './progress.js';
import type { AdaptiveLimit } from './adaptive.js';

/**
 * Calls `work(index, signal)` for each listed segment, `concurrency` at a time. The first failure stops
 * the others (through `signal`), and this settles only once no segment is still running, so a
 * caller that then aborts a multipart upload knows no part can land after the abort.
 *
 * `stop` pauses: no segment starts after it fires, those in flight finish, and then this throws
 * Paused if any segment was left, with everything done so far kept (the journal resumes it).
 */
export async function runSegments(
  indexes: readonly number[],
  concurrency: number,
  meter: TransferMeter,
  transferSignal: AbortSignal,
  work: (index: number, signal: AbortSignal) => Promise<void>,
  /** Slots shared with the engine's other files; each segment holds one while it runs. */
  shared?: AdaptiveLimit,
  stop?: AbortSignal,
): Promise<void> {
  const failed = new AbortController();
  const signal = anySignal([transferSignal, failed.signal]);
  // Waiting for a slot ends on a pause too; a running segment's requests do not.
  const waiting = stop ? anySignal([signal, stop]) : signal;
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < indexes.length && !signal.aborted && !stop?.aborted) {
      let release: (() => void) | undefined;
      try {
        release = await shared?.acquire(waiting);
      } catch (error) {
        if (stop?.aborted && !signal.aborted) return;
        throw error;
      }
      if (next >= indexes.length || stop?.aborted) {
        release?.();
        return;
      }
      const index = indexes[next++] as number;
      try {
        await work(index, signal);
        meter.segmentStatus(index, 'done');
        finished++;
      } catch (error) {
        meter.segmentStatus(index, signal.aborted ? 'cancelled' : 'failed');
        failed.abort(error);
        throw error;
      } finally {
        release?.();
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(concurrency, indexes.length) }, worker));
  if (transferSignal.aborted) throw cancelledError(transferSignal.reason);
  // The first failure is the cause: the segments it stopped failed after it, as cancelled.
  if (failed.signal.aborted) throw failed.signal.reason;
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  if (finished < indexes.length && stop?.aborted) throw pausedError();
}
