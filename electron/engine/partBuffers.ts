// The memory a transfer may use: one byte budget for every part buffer, in use or kept for reuse.

import { cancelledError } from './errors.js';

// Buffers are handed out in whole units of this size (a 4 KiB file takes one unit, a 21 MiB part 336).
const UNIT_BYTES = 64 * 1024;

// One slab is at most this big (a Buffer may not exceed 4 GiB in Node 20); a larger budget has several.
const SLAB_MAX_BYTES = 1024 * 1024 * 1024;

/**
 * Memory a worker thread can read where it is (hashPool.ts hashes parts there): a
 * SharedArrayBuffer, zero-filled by the OS page by page as it is first touched, as an unsafe
 * allocation's untouched pages are not.
 */
function sharedBuffer(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}

export interface Lease {
  /** Exactly `size` bytes, for the caller alone until release(). */
  buffer: Buffer;
  release(): void;
}

/** A run of free units in a slab: [start, start + length). */
interface Run {
  start: number;
  length: number;
}

/**
 * Memory allocated once, up to the budget, and cut into contiguous runs of units for the leases.
 * Untouched pages of it cost nothing; touched ones stay resident until the slab is dropped.
 */
class Slab {
  readonly units: number;
  memory: Buffer | undefined;
  /** Free runs, sorted by start, never adjacent (merged on release). */
  free: Run[];
  /** Units ever handed out from the start of the slab: its pages written so far. */
  highWater = 0;

  constructor(units: number) {
    this.units = units;
    this.free = [{ start: 0, length: units }];
  }

  get idle(): boolean {
    return this.free.length === 1 && (this.free[0] as Run).length === this.units;
  }

  /** The start of `units` contiguous free units (best fit, lowest address on a tie), or -1. */
  take(units: number): number {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const run = this.free[i] as Run;
      if (run.length >= units && (best < 0 || run.length < (this.free[best] as Run).length)) best = i;
    }
    if (best < 0) return -1;
    const run = this.free[best] as Run;
    const start = run.start;
    if (run.length === units) this.free.splice(best, 1);
    else {
      run.start += units;
      run.length -= units;
    }
    this.highWater = Math.max(this.highWater, start + units);
    return start;
  }

  give(start: number, units: number): void {
    let i = 0;
    while (i < this.free.length && (this.free[i] as Run).start < start) i++;
    const before = this.free[i - 1];
    const after = this.free[i];
    if (before && before.start + before.length === start) {
      before.length += units;
      if (after && start + units === after.start) {
        before.length += after.length;
        this.free.splice(i, 1);
      }
    } else if (after && start + units === after.start) {
      after.start = start;
      after.length += units;
    } else {
      this.free.splice(i, 0, { start, length: units });
    }
  }
}

interface Waiter {
  size: number;
  resolve: (lease: Lease) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * Part buffers for every file of the engine, within one byte budget. The budget is allocated as one
 * block of memory (a slab; several of at most 1 GiB for a budget above that), lazily, and leases are
 * contiguous runs of it in 64 KiB units; a released run is handed out again, whole or in pieces.
 *
 * Why not a buffer per part, pooled by size: a folder of files of many sizes then keeps allocating
 * and dropping buffers of 1–16 MiB. A dropped buffer's memory returns only when V8 collects it (tens
 * of MiB of garbage above the budget), and glibc, once such a buffer is freed, serves the next ones
 * below 32 MiB from its heap instead of mmap, where freed buffers stay resident (fragmentation): a
 * budget of 256 MiB measured 517 MiB RSS on 300 files of 1–16 MiB. With the slab, nothing is
 * allocated or freed while transfers run, and the memory the buffers take is at most the budget.
 *
 * Requests are served first come, first served: one that fits the budget in bytes but finds no
 * contiguous run waits for a release, and later ones wait behind it (no starvation of large parts).
 * One larger than a slab (a part above the budget: callers stream those instead) waits until no
 * buffer is in use and gets memory of its own, alone, freed after its release.
 */
export class PartBuffers {
  private readonly limit: number;
  private readonly slabs: Slab[] = [];
  private readonly waiters: Waiter[] = [];
  /** Units in use across the slabs. */
  private usedUnits = 0;
  /** An oversized buffer in use: while it is, nothing else is handed out. */
  private alone = 0;

  constructor(capacityBytes: number) {
    this.limit = capacityBytes;
    let units = Math.max(1, Math.floor(capacityBytes / UNIT_BYTES));
    const slabUnits = SLAB_MAX_BYTES / UNIT_BYTES;
    while (units > 0) {
      this.slabs.push(new Slab(Math.min(units, slabUnits)));
      units -= slabUnits;
    }
  }

  get capacity(): number {
    return this.limit;
  }

  /** Bytes of buffers in use now. */
  get inUseBytes(): number {
    return this.usedUnits * UNIT_BYTES + this.alone;
  }

  /** Bytes the buffers hold in memory now: every part of the slabs written so far, and an oversized buffer in use. */
  get heldBytes(): number {
    return this.slabs.reduce((sum, slab) => sum + (slab.memory ? slab.highWater * UNIT_BYTES : 0), 0) + this.alone;
  }

  /**
   * Waits until `size` contiguous bytes are free in the budget. Callers keep parts within the budget
   * (a larger part is streamed instead of buffered); one larger still waits for the whole budget, alone.
   */
  acquire(size: number, signal?: AbortSignal): Promise<Lease> {
    if (signal?.aborted) return Promise.reject(cancelledError(signal.reason));
    if (size === 0) return Promise.resolve({ buffer: Buffer.alloc(0), release: () => undefined });
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { size, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(cancelledError(signal.reason));
          // The head may have been what held the others back.
          this.dispatch();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.dispatch();
    });
  }

  /** Lets go of the memory (after a batch ends), unless buffers are still in use. */
  trim(): void {
    if (this.usedUnits > 0 || this.alone > 0) return;
    for (const slab of this.slabs) {
      slab.memory = undefined;
      slab.highWater = 0;
    }
  }

  private dispatch(): void {
    while (this.waiters.length > 0) {
      const head = this.waiters[0] as Waiter;
      const lease = this.lease(head.size);
      if (!lease) return;
      this.waiters.shift();
      if (head.onAbort) head.signal?.removeEventListener('abort', head.onAbort);
      head.resolve(lease);
    }
  }

  /** A lease of `size` bytes if they are free now. */
  private lease(size: number): Lease | undefined {
    if (this.alone > 0) return undefined;
    const units = Math.ceil(size / UNIT_BYTES);
    const largest = (this.slabs[0] as Slab).units;
    if (units > largest) {
      if (this.usedUnits > 0) return undefined;
      this.alone = size;
      return this.released(sharedBuffer(size), () => {
        this.alone = 0;
      });
    }
    for (const slab of this.slabs) {
      const start = slab.take(units);
      if (start < 0) continue;
      this.usedUnits += units;
      slab.memory ??= sharedBuffer(slab.units * UNIT_BYTES);
      const offset = start * UNIT_BYTES;
      return this.released(slab.memory.subarray(offset, offset + size), () => {
        slab.give(start, units);
        this.usedUnits -= units;
      });
    }
    return undefined;
  }

  private released(buffer: Buffer, free: () => void): Lease {
    let released = false;
    return {
      buffer,
      release: () => {
        if (released) return;
        released = true;
        free();
        this.dispatch();
      },
    };
  }
}
