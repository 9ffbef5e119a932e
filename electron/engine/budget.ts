// A weighted FIFO semaphore with AbortSignal support: bytes in flight, files in flight.
// Written here because async-mutex's weighted Semaphore walks every unit of its capacity on each
// release (O(capacity)): with a byte budget of 128 MiB that cost seconds of CPU per upload.

import { cancelledError } from './errors.js';

interface Waiter {
  weight: number;
  resolve: (release: () => void) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class Budget {
  private capacity: number;
  private used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get inUse(): number {
    return this.used;
  }

  get limit(): number {
    return this.capacity;
  }

  /** Changes the capacity (adaptive concurrency); takes effect as holders release. */
  setCapacity(capacity: number): void {
    this.capacity = capacity;
    this.dispatch();
  }

  /**
   * Resolves with a release function once `weight` fits. A weight above the capacity is clamped to it,
   * so one oversized item waits for the whole budget instead of forever. First come, first served.
   */
  acquire(weight: number, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(cancelledError(signal.reason));
    const clamped = Math.max(0, Math.min(weight, this.capacity));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { weight: clamped, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(cancelledError(signal.reason));
          this.dispatch();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiters.length > 0) {
      const head = this.waiters[0] as Waiter;
      const weight = Math.min(head.weight, this.capacity);
      if (this.used > 0 && this.used + weight > this.capacity) return;
      this.waiters.shift();
      if (head.onAbort) head.signal?.removeEventListener('abort', head.onAbort);
      this.used += weight;
      let released = false;
      head.resolve(() => {
        if (released) return;
        released = true;
        this.used -= weight;
        this.dispatch();
      });
    }
  }
}
