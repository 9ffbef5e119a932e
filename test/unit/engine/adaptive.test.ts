import { describe, expect, it } from 'vitest';
import { AdaptiveLimit } from '../../../electron/engine/adaptive.js';

/** A limit on a fake clock; `rateFor(limit)` is the throughput the "link" gives at that limit. */
function harness(options: { max: number; initial: number; busy?: number; enabled?: boolean }) {
  let now = 0;
  const limit = new AdaptiveLimit({ max: options.max, initial: options.initial, enabled: options.enabled ?? true, windowMs: 100, now: () => now, busy: () => options.busy ?? 0.2 });
  const held: (() => void)[] = [];
  /** One window in which more work waits than the limit admits, moving rateFor(limit) bytes/s. */
  const window = async (rateFor: (limit: number) => number) => {
    while (held.length < limit.limit) held.push(await limit.acquire());
    const waiter = limit.acquire(); // someone waits: the limit is binding
    now += 100;
    limit.addBytes(rateFor(limit.limit) / 10);
    // Give everything back, including the waiter's slot once it gets one.
    for (const release of held.splice(0)) release();
    (await waiter)();
  };
  return { limit, window };
}

describe('AdaptiveLimit', () => {
  it('admits up to its limit and wakes waiters in order as slots free up', async () => {
    const limit = new AdaptiveLimit({ max: 2, initial: 2, enabled: false });
    const a = await limit.acquire();
    const b = await limit.acquire();
    const order: string[] = [];
    const c = limit.acquire().then((r) => (order.push('c'), r));
    const d = limit.acquire().then((r) => (order.push('d'), r));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(limit.snapshot().inFlight).toBe(2);
    a();
    a(); // a second release of the same slot is ignored
    (await c)();
    expect(order).toEqual(['c']);
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect(limit.snapshot().inFlight).toBe(0);
  });

  it('a waiter whose signal aborts leaves the queue', async () => {
    const limit = new AdaptiveLimit({ max: 1, initial: 1, enabled: false });
    const a = await limit.acquire();
    const controller = new AbortController();
    const waiting = limit.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    a();
    const next = await limit.acquire();
    expect(limit.snapshot().inFlight).toBe(1);
    next();
  });

  it('grows while throughput grows with it (a latency-bound link), up to the maximum', async () => {
    const { limit, window } = harness({ max: 64, initial: 4 });
    for (let i = 0; i < 12; i++) await window((n) => n * 1_000_000);
    expect(limit.limit).toBe(64);
  });

  it('takes back a step that does not pay (a bandwidth cap) and holds near the knee', async () => {
    const { limit, window } = harness({ max: 128, initial: 4 });
    // Throughput grows with parallelism up to 16 in flight, then stays flat.
    const seen: number[] = [];
    for (let i = 0; i < 40; i++) {
      await window((n) => Math.min(n, 16) * 1_000_000);
      seen.push(limit.limit);
    }
    expect(Math.max(...seen)).toBe(32); // it probes one step past the knee…
    expect(seen.filter((n) => n === 16).length).toBeGreaterThan(seen.length / 2); // …and spends most windows at it
  });

  it('does not grow when the process is saturated (a CPU-bound fast link)', async () => {
    const { limit, window } = harness({ max: 64, initial: 8, busy: 0.97 });
    for (let i = 0; i < 10; i++) await window((n) => n * 1_000_000);
    expect(limit.limit).toBe(8);
  });

  it('halves when the server asks to slow down, and does nothing when disabled', async () => {
    const { limit } = harness({ max: 64, initial: 32 });
    limit.throttled();
    expect(limit.limit).toBe(16);
    const fixed = new AdaptiveLimit({ max: 12, initial: 2, enabled: false });
    expect(fixed.limit).toBe(12);
    fixed.throttled();
    expect(fixed.limit).toBe(12);
  });
});
