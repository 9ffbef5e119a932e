import { describe, expect, it } from 'vitest';
import { FerryError } from '../../../electron/engine/errors.js';
import { backoffDelay, withRetry } from '../../../electron/engine/retry.js';

const policy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

describe('withRetry', () => {
  it('retries retryable errors and succeeds', async () => {
    let calls = 0;
    const notices: number[] = [];
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new FerryError('NetworkError', 'dropped', { retryable: true });
        return 'ok';
      },
      policy,
      { onRetry: (n) => notices.push(n.attempt) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(notices).toEqual([1, 2]);
  });

  it('gives up after maxAttempts with the last error and says so', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new FerryError('ServerError', 'HTTP 500', { retryable: true });
      }, policy),
    ).rejects.toThrow(/HTTP 500 \(gave up after 4 attempts\)/);
    expect(calls).toBe(4);
  });

  it('does not retry errors a retry cannot fix', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new FerryError('AccessDenied', 'denied');
      }, policy),
    ).rejects.toMatchObject({ code: 'AccessDenied' });
    expect(calls).toBe(1);
  });

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController();
    const slow = { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 };
    const pending = withRetry(async () => {
      throw new FerryError('Throttled', 'slow down', { retryable: true });
    }, slow, { signal: controller.signal, onRetry: () => controller.abort() });
    await expect(pending).rejects.toMatchObject({ code: 'Cancelled' });
  });

  it('uses full jitter capped by maxDelay', () => {
    const p = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(p, 1, () => 1)).toBe(100);
    expect(backoffDelay(p, 3, () => 1)).toBe(400);
    expect(backoffDelay(p, 9, () => 1)).toBe(1000);
    expect(backoffDelay(p, 9, () => 0)).toBe(0);
  });
});

describe('withRetry while the server is unreachable', () => {
  it('keeps trying past maxAttempts for offlineWaitMs, then gives up saying how long it waited', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      withRetry(async () => {
        calls++;
        throw new FerryError('EndpointUnreachable', 'refused', { retryable: true });
      }, { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10, offlineWaitMs: 200 }),
    ).rejects.toThrow(/refused \(gave up after \d+ attempts over 0 s\)/);
    expect(calls).toBeGreaterThan(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('succeeds when the server comes back within the wait', async () => {
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      if (calls < 6) throw new FerryError('NetworkError', 'reset', { retryable: true });
      return 'back';
    }, { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, offlineWaitMs: 60_000 });
    expect(result).toBe('back');
  });

  it('does not extend the attempts for a server that answers with errors', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new FerryError('ServerError', 'HTTP 500', { retryable: true });
      }, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, offlineWaitMs: 60_000 }),
    ).rejects.toThrow(/gave up after 3 attempts\)/);
    expect(calls).toBe(3);
  });

  it('gives a server that has just come back the full attempts for its errors (a restart answers 500 for a moment)', async () => {
    const seen: string[] = [];
    const result = await withRetry(async (attempt) => {
      if (attempt <= 10) throw new FerryError('EndpointUnreachable', 'refused', { retryable: true });
      if (attempt <= 12) throw new FerryError('ServerError', 'HTTP 500', { retryable: true });
      return 'back';
    }, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, offlineWaitMs: 60_000 }, { onRetry: (n) => seen.push(n.error.code) });
    expect(result).toBe('back');
    expect(seen.filter((c) => c === 'ServerError')).toHaveLength(2);
    await expect(
      withRetry(async (attempt) => {
        if (attempt <= 10) throw new FerryError('EndpointUnreachable', 'refused', { retryable: true });
        throw new FerryError('ServerError', 'HTTP 500', { retryable: true });
      }, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, offlineWaitMs: 60_000 }),
    ).rejects.toThrow(/gave up after 13 attempts\)/);
  });
});

describe('withRetry for a call a person waits on', () => {
  it('gives up at the deadline, not after waiting out an unreachable server', async () => {
    const started = Date.now();
    await expect(
      withRetry(async () => {
        throw new FerryError('EndpointUnreachable', 'refused', { retryable: true });
      }, { maxAttempts: 100, baseDelayMs: 20, maxDelayMs: 40, offlineWaitMs: 0, deadlineMs: 300 }),
    ).rejects.toThrow(/refused \(gave up after \d+ attempts over 0 s\)/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('tries a clock-skew error once more only (the SDK corrected the clock after the first)', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new FerryError('ClockSkew', 'clock off', { retryable: true });
      }, { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 2 }),
    ).rejects.toMatchObject({ code: 'ClockSkew' });
    expect(calls).toBe(2);
  });

  it('says until when it waits for an unreachable server', async () => {
    const notices: (number | undefined)[] = [];
    let calls = 0;
    await withRetry(async () => {
      if (++calls < 3) throw new FerryError('EndpointUnreachable', 'refused', { retryable: true });
      return 'ok';
    }, { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 2, offlineWaitMs: 60_000 }, { onRetry: (n) => notices.push(n.waitingUntil) });
    expect(notices).toHaveLength(2);
    expect(notices[0]).toBeGreaterThan(Date.now() + 50_000);
    expect(notices[1]).toBe(notices[0]);
  });
});

