// The one retry policy: exponential backoff with full jitter, for every request the engine makes.

import { setTimeout as sleep } from 'node:timers/promises';
import { FerryError, asFerryError, cancelledError } from './errors.js';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * While the server cannot be reached at all (refused, reset, timed out), keep trying past
   * maxAttempts for this long: a lost network or a restarting server is waited out.
   */
  offlineWaitMs?: number;
}

const OFFLINE_CODES = new Set(['NetworkError', 'EndpointUnreachable', 'Timeout']);

export interface RetryNotice {
  attempt: number;
  delayMs: number;
  error: FerryError;
}

/** Delay before attempt `attempt + 1`: uniformly random in [0, min(max, base·2^(attempt-1))] ("full jitter"). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(random() * ceiling);
}

/**
 * Runs `operation` until it succeeds, fails with an error that is not retryable, or has used
 * `maxAttempts`. Throttling gets a longer floor so a busy server is not hammered.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: { signal?: AbortSignal; onRetry?: (notice: RetryNotice) => void } = {},
): Promise<T> {
  const { signal, onRetry } = options;
  let offlineSince: number | undefined;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw cancelledError(signal.reason);
    try {
      return await operation(attempt);
    } catch (thrown) {
      if (signal?.aborted) throw cancelledError(signal.reason);
      const error = asFerryError(thrown);
      const offline = OFFLINE_CODES.has(error.code);
      if (offline) offlineSince ??= Date.now();
      else offlineSince = undefined;
      const waitingOut = offline && offlineSince !== undefined && Date.now() - offlineSince < (policy.offlineWaitMs ?? 0);
      if (!error.retryable || (attempt >= policy.maxAttempts && !waitingOut)) {
        if (error.retryable) {
          const over = offlineSince !== undefined ? ` over ${Math.round((Date.now() - offlineSince) / 1000)} s` : '';
          throw new FerryError(error.code, `${error.message} (gave up after ${attempt} attempts${over})`, { cause: error, retryable: true });
        }
        throw error;
      }
      let delayMs = backoffDelay(policy, Math.min(attempt, 30));
      if (error.code === 'Throttled') delayMs = Math.max(delayMs, Math.min(policy.maxDelayMs, 1000));
      onRetry?.({ attempt, delayMs, error });
      try {
        await sleep(delayMs, undefined, { signal });
      } catch {
        throw cancelledError(signal?.reason);
      }
    }
  }
}
