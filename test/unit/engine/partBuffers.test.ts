import { describe, expect, it } from 'vitest';
import { PartBuffers, type Lease } from '../../../electron/engine/partBuffers.js';

const MiB = 1024 * 1024;

/** Settles pending promise callbacks. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Where a lease's bytes lie in their memory. */
function span(lease: Lease): { memory: ArrayBufferLike; from: number; to: number } {
  return { memory: lease.buffer.buffer, from: lease.buffer.byteOffset, to: lease.buffer.byteOffset + lease.buffer.byteLength };
}

describe('PartBuffers', () => {
  it('counts idle buffers in the budget: files of many sizes never hold more than it', async () => {
    const buffers = new PartBuffers(32 * MiB);
    let most = 0;
    // 1–16 MiB parts, four at a time, as a folder of mixed files sends them.
    for (let round = 0; round < 40; round++) {
      const sizes = [1 + (round % 16), 1 + ((round * 7) % 16), 1 + ((round * 5) % 16), 1 + ((round * 3) % 16)].map((m) => m * MiB - 1000);
      const leases = [];
      for (const size of sizes) {
        if (buffers.inUseBytes + size > 32 * MiB && leases.length > 0) break; // the rest would wait for these
        leases.push(await buffers.acquire(size));
        most = Math.max(most, buffers.heldBytes);
      }
      for (const lease of leases) lease.release();
      most = Math.max(most, buffers.heldBytes);
    }
    expect(most).toBeLessThanOrEqual(32 * MiB);
    expect(buffers.heldBytes).toBeGreaterThan(0); // kept for reuse
    expect(buffers.inUseBytes).toBe(0);
  });

  it('hands released memory out again, to a request of the same size or a smaller one', async () => {
    const buffers = new PartBuffers(16 * MiB);
    const first = await buffers.acquire(5 * MiB);
    const where = span(first);
    first.release();
    const second = await buffers.acquire(5 * MiB - 10);
    expect(span(second)).toEqual({ ...where, to: where.to - 10 });
    second.release();
    const third = await buffers.acquire(MiB);
    expect(third.buffer.buffer).toBe(where.memory);
    expect(third.buffer.byteOffset).toBe(where.from);
    third.release();
    // No memory beyond what the first lease wrote.
    expect(buffers.heldBytes).toBe(5 * MiB);
  });

  it('never hands out overlapping memory, and never more than the budget', async () => {
    const capacity = 48 * MiB;
    const buffers = new PartBuffers(capacity);
    const held = new Set<Lease>();
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      const size = 4096 + Math.floor(random() * 16 * MiB);
      pending.push(
        buffers.acquire(size).then(async (lease) => {
          const mine = span(lease);
          for (const other of held) {
            const theirs = span(other);
            expect(mine.to <= theirs.from || theirs.to <= mine.from).toBe(true);
          }
          held.add(lease);
          expect(buffers.inUseBytes).toBeLessThanOrEqual(capacity);
          expect(buffers.heldBytes).toBeLessThanOrEqual(capacity);
          await new Promise((resolve) => setTimeout(resolve, random() * 3));
          held.delete(lease);
          lease.release();
        }),
      );
    }
    await Promise.all(pending);
    expect(buffers.inUseBytes).toBe(0);
    expect(buffers.heldBytes).toBeLessThanOrEqual(capacity);
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
    await tick();
    expect(got).toBe(false);
    a.release();
    const c = await pending;
    // In a's place: the memory held is still the budget.
    expect(c.buffer.byteOffset).toBe(0);
    expect(buffers.heldBytes).toBe(16 * MiB);
    b.release();
    c.release();
  });

  it('makes a request that fits in bytes but finds no contiguous room wait, and later ones wait behind it', async () => {
    const buffers = new PartBuffers(16 * MiB);
    const [a, b, c, d] = await Promise.all([4, 4, 4, 4].map((m) => buffers.acquire(m * MiB)));
    a!.release();
    c!.release();
    // 8 MiB free, in two runs of 4 MiB: 6 MiB waits, and so does the 1 MiB behind it (first come, first served).
    const order: string[] = [];
    const six = buffers.acquire(6 * MiB).then((lease) => (order.push('six'), lease));
    const one = buffers.acquire(MiB).then((lease) => (order.push('one'), lease));
    await tick();
    expect(order).toEqual([]);
    b!.release(); // a, b and c merge into 12 contiguous MiB
    const [sixLease, oneLease] = await Promise.all([six, one]);
    expect(order).toEqual(['six', 'one']);
    expect(sixLease.buffer.byteOffset).toBe(0);
    for (const lease of [sixLease, oneLease, d!]) lease.release();
    expect(buffers.inUseBytes).toBe(0);
  });

  it('lets a waiting request be cancelled, and the ones behind it go on', async () => {
    const buffers = new PartBuffers(8 * MiB);
    const a = await buffers.acquire(6 * MiB);
    const controller = new AbortController();
    const big = buffers.acquire(4 * MiB, controller.signal);
    const small = buffers.acquire(MiB);
    controller.abort();
    await expect(big).rejects.toMatchObject({ code: 'Cancelled' });
    const lease = await small;
    expect(lease.buffer.byteLength).toBe(MiB);
    lease.release();
    a.release();
    await expect(buffers.acquire(MiB, controller.signal)).rejects.toMatchObject({ code: 'Cancelled' });
  });

  it('gives a request larger than the budget memory of its own once nothing is in use, alone', async () => {
    const buffers = new PartBuffers(16 * MiB);
    const a = await buffers.acquire(4 * MiB);
    let got = false;
    const huge = buffers.acquire(20 * MiB).then((lease) => ((got = true), lease));
    const after = buffers.acquire(MiB);
    await tick();
    expect(got).toBe(false);
    a.release();
    const lease = await huge;
    expect(lease.buffer.byteLength).toBe(20 * MiB);
    expect(buffers.inUseBytes).toBe(20 * MiB);
    let afterGot = false;
    void after.then(() => (afterGot = true));
    await tick();
    expect(afterGot).toBe(false);
    lease.release();
    (await after).release();
    expect(buffers.inUseBytes).toBe(0);
  });

  it('lets go of its memory on trim only when no buffer is in use', async () => {
    const buffers = new PartBuffers(16 * MiB);
    const a = await buffers.acquire(2 * MiB);
    buffers.trim();
    expect(buffers.heldBytes).toBe(2 * MiB);
    a.release();
    buffers.trim();
    expect(buffers.heldBytes).toBe(0);
    const b = await buffers.acquire(MiB);
    expect(b.buffer.byteLength).toBe(MiB);
    b.release();
  });

  it('hands out an empty buffer for nothing, without waiting', async () => {
    const buffers = new PartBuffers(16 * MiB);
    const all = await buffers.acquire(16 * MiB);
    const empty = await buffers.acquire(0);
    expect(empty.buffer.byteLength).toBe(0);
    empty.release();
    all.release();
  });
});
