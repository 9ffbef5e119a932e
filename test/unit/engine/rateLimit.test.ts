import { describe, expect, it } from 'vitest';
import { RateLimit } from '../../../electron/engine/rateLimit.js';

const MiB = 1024 * 1024;

describe('RateLimit', () => {
  it('spaces reservations so bytes over time match the rate, shared by every caller', () => {
    let now = 0;
    const limit = new RateLimit(4 * MiB, () => now);
    let sent = 0;
    // Two "transfers" sending 256 KiB slices, each waiting as told, for ten simulated seconds.
    const ready = [0, 0];
    while (now < 10_000) {
      const who = ready[0]! <= ready[1]! ? 0 : 1;
      now = ready[who]!;
      const wait = limit.reserve(256 * 1024);
      ready[who] = now + wait;
      if (now + wait <= 10_000) sent += 256 * 1024;
    }
    expect(sent / 10).toBeGreaterThan(3.8 * MiB);
    expect(sent / 10).toBeLessThan(4.3 * MiB);
  });

  it('does not let an idle while buy a burst larger than a quarter second', () => {
    let now = 0;
    const limit = new RateLimit(1 * MiB, () => now);
    now = 60_000;
    expect(limit.reserve(256 * 1024)).toBe(0);
    expect(limit.reserve(256 * 1024)).toBeGreaterThan(200);
  });

  it('changes while running, and 0 means no limit', () => {
    const now = 0;
    const limit = new RateLimit(0, () => now);
    expect(limit.reserve(100 * MiB)).toBe(0);
    limit.set(1 * MiB);
    expect(limit.reserve(MiB)).toBe(1000);
    limit.set(0);
    expect(limit.reserve(MiB)).toBe(0);
  });
});
