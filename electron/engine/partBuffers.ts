// The memory a transfer may use: a byte budget for parts in flight, and reused part buffers.

import { Budget } from './budget.js';

// Below this, buffers come from Node's allocator and the GC; pooling them gains nothing.
const POOL_MIN_BYTES = 1024 * 1024;

export interface Lease {
  /** Exactly `size` bytes, for the caller alone until release(). */
  buffer: Buffer;
  release(): void;
}

/**
 * Bytes in flight are bounded by the budget (parts in flight × part size), however many files
 * share it; whole-part buffers are kept and handed out again instead of allocated per part.
 */
export class PartBuffers {
  private readonly budget: Budget;
  private readonly free = new Map<number, Buffer[]>();

  constructor(capacityBytes: number) {
    this.budget = new Budget(capacityBytes);
  }

  /** Waits until `size` bytes fit in the budget. A part larger than the whole budget waits for all of it. */
  async acquire(size: number, signal?: AbortSignal): Promise<Lease> {
    const releaseBudget = await this.budget.acquire(Math.max(1, size), signal);
    let buffer: Buffer;
    let pooled: Buffer | undefined;
    if (size >= POOL_MIN_BYTES) {
      const classSize = roundUpMiB(size);
      pooled = this.free.get(classSize)?.pop() ?? Buffer.allocUnsafeSlow(classSize);
      buffer = pooled.subarray(0, size);
    } else {
      buffer = Buffer.allocUnsafe(size);
    }
    let released = false;
    return {
      buffer,
      release: () => {
        if (released) return;
        released = true;
        if (pooled) {
          const list = this.free.get(pooled.byteLength) ?? [];
          list.push(pooled);
          this.free.set(pooled.byteLength, list);
        }
        releaseBudget();
      },
    };
  }

  /** Lets go of the idle buffers (after a batch ends). */
  trim(): void {
    this.free.clear();
  }
}

function roundUpMiB(size: number): number {
  return Math.ceil(size / POOL_MIN_BYTES) * POOL_MIN_BYTES;
}
