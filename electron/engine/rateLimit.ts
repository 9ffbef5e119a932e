// One limit on bytes per second for every transfer of an engine, changeable while they run.
// Written by hand: a token bucket whose callers reserve bytes and are told how long to wait,
// which fits stream slices and body batches better than the promise-per-token libraries.

// Tokens saved up while idle: a quarter second of the rate, so a pause does not buy a burst.
const BURST_SECONDS = 0.25;

export class RateLimit {
  private bytesPerSecond: number;
  private available = 0;
  private last: number;
  private readonly now: () => number;

  /** `bytesPerSecond` 0: no limit. */
  constructor(bytesPerSecond: number, now: () => number = () => performance.now()) {
    this.now = now;
    this.last = now();
    this.bytesPerSecond = 0;
    this.set(bytesPerSecond);
  }

  get limit(): number {
    return this.bytesPerSecond;
  }

  set(bytesPerSecond: number): void {
    this.refill();
    this.bytesPerSecond = Math.max(0, bytesPerSecond);
    this.available = Math.min(this.available, this.burst());
  }

  /**
   * Takes `bytes` now and says how many milliseconds the caller should wait before sending them:
   * 0 while the bucket holds them; otherwise the time the rate needs to pay the debt.
   */
  reserve(bytes: number): number {
    if (this.bytesPerSecond <= 0) return 0;
    this.refill();
    this.available -= bytes;
    return this.available >= 0 ? 0 : Math.ceil((-this.available / this.bytesPerSecond) * 1000);
  }

  private burst(): number {
    return this.bytesPerSecond * BURST_SECONDS;
  }

  private refill(): void {
    const now = this.now();
    if (this.bytesPerSecond > 0) this.available = Math.min(this.burst(), this.available + ((now - this.last) * this.bytesPerSecond) / 1000);
    this.last = now;
  }
}
