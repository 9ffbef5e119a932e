// Parts and files in flight that follow the measured throughput, within the user's limits.
//
// A counting limiter whose limit is tuned by hill climbing over short windows of time. It doubles
// when the limit was what held work back (someone waited for a slot) and the process still has
// room (its event loop was busy less than BUSY of the window: more requests in flight cost CPU,
// which on a fast link is the bottleneck), and keeps doubling while throughput grows by at least
// GAIN; a step that does not pay is taken back and held for HOLD windows before the next probe.
// The server asking to slow down halves it at once. No timer of its own: windows close as bytes
// are reported, so an idle engine costs nothing and keeps no process alive.

import { performance } from 'node:perf_hooks';

export interface AdaptiveOptions {
  /** Never above this (the user's setting). */
  max: number;
  /** Where tuning starts; clamped to [1, max]. */
  initial: number;
  /** false: the limit stays at `max`. */
  enabled: boolean;
  /** Length of one measurement window. */
  windowMs?: number;
  now?: () => number;
  /** The share of the last window the process was busy, 0–1 (default: the event loop's utilization). */
  busy?: () => number;
}

/** A step up must raise throughput by this factor to be kept. */
const GAIN = 1.05;
/** Above this event-loop utilization, more in flight only queues more work for a saturated CPU. */
const BUSY = 0.9;
/** Windows to wait after a step back or a throttle before probing again. */
const HOLD = 4;
const DEFAULT_WINDOW_MS = 250;

export interface AdaptiveSnapshot {
  limit: number;
  inFlight: number;
  /** Bytes per second in the last closed window. */
  rate: number;
}

export class AdaptiveLimit {
  private current: number;
  private max: number;
  private readonly enabled: boolean;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly busy: () => number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private windowStart: number;
  private windowBytes = 0;
  private boundInWindow = false;
  private lastRate = 0;
  private kept: { limit: number; rate: number } | undefined;
  private hold = 0;

  constructor(options: AdaptiveOptions) {
    this.max = Math.max(1, Math.floor(options.max));
    this.enabled = options.enabled;
    this.current = options.enabled ? Math.min(this.max, Math.max(1, Math.floor(options.initial))) : this.max;
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.now = options.now ?? (() => performance.now());
    this.windowStart = this.now();
    this.busy = options.busy ?? loopBusy();
  }

  get limit(): number {
    return this.current;
  }

  snapshot(): AdaptiveSnapshot {
    return { limit: this.current, inFlight: this.active, rate: this.lastRate };
  }

  /** A new most (a setting changed while transfers run): takes effect for the next slots. */
  setMax(max: number): void {
    this.max = Math.max(1, Math.floor(max));
    this.current = this.enabled ? Math.min(this.current, this.max) : this.max;
    this.wake();
  }

  /** Waits for a slot; the returned function gives it back (once). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active >= this.current || this.waiting.length > 0) {
      this.boundInWindow = true;
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const at = this.waiting.indexOf(wake);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(wake);
      });
      // wake() has counted this slot already.
    } else {
      this.active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.wake();
    };
  }

  /** Bytes moved by the work this limit governs; closes windows as time passes. */
  addBytes(bytes: number): void {
    this.windowBytes += bytes;
    const now = this.now();
    const elapsed = now - this.windowStart;
    if (elapsed < this.windowMs) return;
    const rate = (this.windowBytes * 1000) / elapsed;
    const bound = this.boundInWindow;
    this.windowStart = now;
    this.windowBytes = 0;
    this.boundInWindow = this.waiting.length > 0;
    this.lastRate = rate;
    const busy = this.busy();
    if (this.enabled) this.tune(rate, bound, busy);
  }

  /** The server asked to slow down (503 SlowDown, throttling): halve now, then hold. */
  throttled(): void {
    if (!this.enabled) return;
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.kept = undefined;
    this.hold = HOLD;
  }

  private tune(rate: number, bound: boolean, busy: number): void {
    if (this.hold > 0) {
      this.hold--;
      return;
    }
    const kept = this.kept;
    if (kept && this.current > kept.limit) {
      // The last step up: kept if it paid, taken back if not.
      if (rate >= kept.rate * GAIN) this.kept = { limit: this.current, rate };
      else {
        this.current = kept.limit;
        this.kept = undefined;
        this.hold = HOLD;
        return;
      }
    } else {
      this.kept = { limit: this.current, rate };
    }
    // Only a limit that held work back, in a process with time to spare, is worth raising.
    if (bound && busy < BUSY && this.current < this.max) {
      this.current = Math.min(this.max, this.current * 2);
      this.wake();
    }
  }

  private wake(): void {
    while (this.active < this.current && this.waiting.length > 0) {
      const next = this.waiting.shift() as () => void;
      this.active++;
      next();
    }
  }
}

/** The event loop's utilization since the previous call. */
function loopBusy(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const delta = performance.eventLoopUtilization(last);
    last = performance.eventLoopUtilization();
    return delta.utilization;
  };
}
