// The one retry policy: exponential backoff with full jitter, for every request the engine makes.

import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorCode } from '../../shared/errors.js';
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
  /**
   * Give up once this much time has passed since the first attempt, whatever the attempts left: a
   * call a person waits on (a listing, a share link) answers within this, with the reason.
   */
  deadlineMs?: number;
}

// Errors a retry can fix only once: the first failure already corrected what was wrong (the SDK
// took the server's clock; the credential provider fetched new keys). A second means it will not.
const ATTEMPT_CAPS: Partial<Record<ErrorCode, number>> = { ClockSkew: 2, ExpiredToken: 2 };

/** Errors that say the server cannot be reached now (an outage), not that it refused. */
export const OFFLINE_CODES: ReadonlySet<string> = new Set(['NetworkError', 'EndpointUnreachable', 'Timeout', 'ServerUnavailable']);

export interface RetryNotice {
  attempt: number;
  delayMs: number;
  error: FerryError;
  /** While the server cannot be reached: when Ferry stops waiting for it (ms since the epoch). */
  waitingUntil?: number;
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
  const started = Date.now();
  let offlineSince: number | undefined;
  // Attempts made before the last unreachable one do not count against maxAttempts: a server that
  // has just come back (a restart, a failover) often answers 500 or 503 for a moment before its
  // back ends are up, and that gets the full set of attempts.
  let lastOfflineAttempt = 0;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw cancelledError(signal.reason);
    try {
      return await operation(attempt);
    } catch (thrown) {
      if (signal?.aborted) throw cancelledError(signal.reason);
      const error = asFerryError(thrown);
      const offline = OFFLINE_CODES.has(error.code);
      if (offline) {
        offlineSince ??= Date.now();
        lastOfflineAttempt = attempt;
      } else offlineSince = undefined;
      const counted = offline ? attempt : attempt - lastOfflineAttempt;
      const waitingUntil = offline && offlineSince !== undefined && policy.offlineWaitMs ? offlineSince + policy.offlineWaitMs : undefined;
      const waitingOut = waitingUntil !== undefined && Date.now() < waitingUntil;
      const cap = ATTEMPT_CAPS[error.code] ?? Number.POSITIVE_INFINITY;
      let delayMs = backoffDelay(policy, Math.min(attempt, 30));
      if (error.code === 'Throttled') delayMs = Math.max(delayMs, Math.min(policy.maxDelayMs, 1000));
      const pastDeadline = policy.deadlineMs !== undefined && Date.now() + delayMs - started >= policy.deadlineMs;
      if (!error.retryable || attempt >= cap || pastDeadline || (counted >= policy.maxAttempts && !waitingOut)) {
        if (error.retryable && attempt > 1) {
          const since = offlineSince ?? (pastDeadline ? started : undefined);
          const over = since === undefined ? '' : ` over ${Math.round((Date.now() - since) / 1000)} s`;
          throw new FerryError(error.code, `${error.message} (gave up after ${attempt} attempts${over})`, { cause: error, retryable: true });
        }
        throw error;
      }
      onRetry?.({ attempt, delayMs, error, waitingUntil });
      try {
        await sleep(delayMs, undefined, { signal });
      } catch {
        throw cancelledError(signal?.reason);
      }
    }
  }
}
