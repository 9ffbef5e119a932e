import { describe, expect, it } from 'vitest';
import { PartBuffers } from '../../../electron/engine/partBuffers.js';

const MiB = 1024 * 1024;

describe('PartBuffers', () => {
  it('counts idle buffers in the budget: files of many sizes never hold more than it', async () => {
    const buffers = new PartBuffers(32 * MiB);
    let most = 0;
    // 1–16 MiB parts, four at a time, as a folder of mixed files sends them.
    for (let round = 0; round < 40; round++) {
      const sizes = [1 + (round % 16), 1 + ((round * 7) % 16), 1 + ((round * 5) % 16), 1 + ((round * 3) % 16)].map((m) => m * MiB - 1000);
      const leases = [];
      for (const size of sizes) {
        if (buffers.heldBytes + size > 32 * MiB && leases.length > 0) break; // the rest would wait for these
        leases.push(await buffers.acquire(size));
        most = Math.max(most, buffers.heldBytes);
      }
      for (const lease of leases) lease.release();
      most = Math.max(most, buffers.heldBytes);
    }
    expect(most).toBeLessThanOrEqual(32 * MiB);
    expect(buffers.heldBytes).toBeGreaterThan(0); // some are kept for reuse
  });

  it('hands a released buffer of the same size class out again', async () => {
    const buffers = new PartBuffers(16 * MiB);
    const first = await buffers.acquire(5 * MiB);
    const memory = first.buffer.buffer;
    first.release();
    const second = await buffers.acquire(5 * MiB - 10);
    expect(second.buffer.buffer).toBe(memory);
    expect(second.buffer.byteLength).toBe(5 * MiB - 10);
    second.release();
  });

  it('makes a part wait while in-use buffers fill the budget, and lets it in on release', async () => {
    const buffers = new PartBuffers(16 * MiB);
    const a = await buffers.acquire(8 * MiB);
    const b = await buffers.acquire(8 * MiB);
    let got = false;
    const pending = buffers.acquire(3 * MiB).then((lease) => {
      got = true;
      return lease;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toBe(false);
    a.release();
    const c = await pending;
    // The idle 8 MiB buffer was let go to make room: in use 8 + 3, idle 0.
    expect(buffers.heldBytes).toBeLessThanOrEqual(16 * MiB);
    b.release();
    c.release();
  });
});
