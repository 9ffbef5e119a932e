// The memory a transfer may use: one byte budget for every part buffer, in use or kept for reuse.

import { Budget } from './budget.js';

// Below this, buffers come from Node's allocator and the GC; pooling them gains nothing.
const POOL_MIN_BYTES = 1024 * 1024;

export interface Lease {
  /** Exactly `size` bytes, for the caller alone until release(). */
  buffer: Buffer;
  release(): void;
}

/**
 * Buffers in use are bounded by the budget, however many files share it; whole-part buffers are
 * kept and handed out again instead of allocated per part, in size classes of whole MiB. Idle
 * buffers count too: before a new one is allocated, idle ones are let go (least recently used
 * first) until in use + idle + the new one fit, so a folder of files of many sizes never holds a
 * budget per size class.
 */
export class PartBuffers {
  private readonly budget: Budget;
  /** Idle buffers by size class; a Map keeps insertion order, so the first class is the stalest. */
  private readonly free = new Map<number, Buffer[]>();
  private idleBytes = 0;

  constructor(capacityBytes: number) {
    this.budget = new Budget(capacityBytes);
  }

  get capacity(): number {
    return this.budget.limit;
  }

  /** Bytes held now: in use and idle (what the budget bounds). */
  get heldBytes(): number {
    return this.budget.inUse + this.idleBytes;
  }

  /**
   * Waits until `size` bytes fit in the budget. Callers keep parts within the budget (a larger
   * part is streamed instead of buffered); one larger still waits for the whole budget, alone.
   */
  async acquire(size: number, signal?: AbortSignal): Promise<Lease> {
    const pooledSize = size >= POOL_MIN_BYTES ? roundUpMiB(size) : 0;
    const weight = Math.max(1, pooledSize || size);
    const releaseBudget = await this.budget.acquire(weight, signal);
    let pooled: Buffer | undefined;
    let buffer: Buffer;
    if (pooledSize > 0) {
      pooled = this.take(pooledSize);
      if (!pooled) {
        this.evictIdle();
        pooled = Buffer.allocUnsafeSlow(pooledSize);
      }
      buffer = pooled.subarray(0, size);
    } else {
      this.evictIdle();
      buffer = Buffer.allocUnsafe(size);
    }
    let released = false;
    return {
      buffer,
      release: () => {
        if (released) return;
        released = true;
        if (pooled) this.keep(pooled);
        releaseBudget();
      },
    };
  }

  /** Lets go of the idle buffers (after a batch ends). */
  trim(): void {
    this.free.clear();
    this.idleBytes = 0;
  }

  private take(classSize: number): Buffer | undefined {
    const list = this.free.get(classSize);
    const buffer = list?.pop();
    if (!buffer) return undefined;
    if (list?.length === 0) this.free.delete(classSize);
    this.idleBytes -= buffer.byteLength;
    return buffer;
  }

  private keep(buffer: Buffer): void {
    const classSize = buffer.byteLength;
    // Re-inserted last: this class is now the most recently used.
    const list = this.free.get(classSize) ?? [];
    this.free.delete(classSize);
    list.push(buffer);
    this.free.set(classSize, list);
    this.idleBytes += classSize;
  }

  /**
   * Drops idle buffers, stalest class first, until in use + idle fit the budget. Called once the
   * budget counts the new buffer as in use, before it is allocated.
   */
  private evictIdle(): void {
    for (const [classSize, list] of this.free) {
      if (this.budget.inUse + this.idleBytes <= this.budget.limit) return;
      while (list.length > 0 && this.budget.inUse + this.idleBytes > this.budget.limit) {
        list.pop();
        this.idleBytes -= classSize;
      }
      if (list.length === 0) this.free.delete(classSize);
    }
  }
}

function roundUpMiB(size: number): number {
  return Math.ceil(size / POOL_MIN_BYTES) * POOL_MIN_BYTES;
}
