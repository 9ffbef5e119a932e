// Bytes moved per second over the last minutes, for the whole queue and per row, from the
// differences between a row's successive bytesDone in progress events. Counted here rather than
// from the engine's `rate` (a 3-second average) so the graph shows what each second really moved.

/** The graph's window: five minutes of one-second buckets. */
export const GRAPH_SECONDS = 300;

interface RowHistory {
  /** Seconds (since the epoch) with bytes, ascending, and the bytes of each. */
  seconds: number[];
  bytes: number[];
}

export class ThroughputHistory {
  private readonly total = new Float64Array(GRAPH_SECONDS);
  /** The newest second written into `total`; older slots of the ring are zeroed as time moves on. */
  private newest = -Infinity;
  private readonly rows = new Map<string, RowHistory>();
  /** Each row's bytesDone when last seen: the next event's difference is what moved since. */
  private readonly last = new Map<string, number>();

  /**
   * What a row has done before any of its progress is counted (a resumed row's journal), so its
   * first event does not count those bytes as moved now. Ignored once the row has been seen.
   */
  baseline(id: string, bytesDone: number): void {
    if (!this.last.has(id)) this.last.set(id, bytesDone);
  }

  /** A row's bytesDone from a progress event; returns the bytes counted. */
  record(id: string, bytesDone: number, nowMs: number): number {
    const before = this.last.get(id) ?? 0;
    this.last.set(id, bytesDone);
    // Less than before: a failed attempt's bytes taken back, or a run that started over. Nothing moved.
    const delta = bytesDone - before;
    if (delta <= 0) return 0;
    const second = Math.floor(nowMs / 1000);
    this.addTotal(second, delta);
    let history = this.rows.get(id);
    if (!history) {
      history = { seconds: [], bytes: [] };
      this.rows.set(id, history);
    }
    const at = history.seconds.length - 1;
    if (history.seconds[at] === second) history.bytes[at] = (history.bytes[at] ?? 0) + delta;
    else if (at < 0 || (history.seconds[at] ?? 0) < second) {
      history.seconds.push(second);
      history.bytes.push(delta);
    }
    return delta;
  }

  /** A row that left the queue. Its bytes stay in the queue's line. */
  forget(id: string): void {
    this.rows.delete(id);
    this.last.delete(id);
  }

  /** The queue's bytes per second, oldest first, ending with the second before `nowMs` (the current one is not complete). */
  queueSeries(nowMs: number): number[] {
    const end = Math.floor(nowMs / 1000) - 1;
    const out = new Array<number>(GRAPH_SECONDS).fill(0);
    for (let i = 0; i < GRAPH_SECONDS; i++) {
      const second = end - (GRAPH_SECONDS - 1) + i;
      if (second <= this.newest && second > this.newest - GRAPH_SECONDS) out[i] = this.total[slot(second)] ?? 0;
    }
    return out;
  }

  /** One row's bytes per second, as `queueSeries`. */
  rowSeries(id: string, nowMs: number): number[] {
    const end = Math.floor(nowMs / 1000) - 1;
    const start = end - (GRAPH_SECONDS - 1);
    const out = new Array<number>(GRAPH_SECONDS).fill(0);
    const history = this.rows.get(id);
    if (!history) return out;
    history.seconds.forEach((second, i) => {
      if (second >= start && second <= end) out[second - start] = history.bytes[i] ?? 0;
    });
    return out;
  }

  /** Drops per-row seconds older than the window, and rows with none left (called about once a second). */
  prune(nowMs: number): void {
    const oldest = Math.floor(nowMs / 1000) - GRAPH_SECONDS;
    for (const [id, history] of this.rows) {
      let drop = 0;
      while (drop < history.seconds.length && (history.seconds[drop] ?? 0) < oldest) drop++;
      if (drop === history.seconds.length) this.rows.delete(id);
      else if (drop > 0) {
        history.seconds.splice(0, drop);
        history.bytes.splice(0, drop);
      }
    }
  }

  private addTotal(second: number, bytes: number): void {
    if (second > this.newest) {
      // Seconds between the newest written and this one moved nothing: zero their slots (at most the whole ring).
      const from = Math.max(this.newest + 1, second - GRAPH_SECONDS + 1);
      for (let s = from; s <= second; s++) this.total[slot(s)] = 0;
      this.newest = second;
    } else if (second <= this.newest - GRAPH_SECONDS) return; // older than the window (the clock went back)
    this.total[slot(second)] = (this.total[slot(second)] ?? 0) + bytes;
  }
}

function slot(second: number): number {
  return ((second % GRAPH_SECONDS) + GRAPH_SECONDS) % GRAPH_SECONDS;
}

/** The graph's top: the next round rate above `max` (1, 2 or 5 times a power of ten of a binary unit), at least 1 KiB/s. */
export function graphCeiling(max: number): number {
  if (max <= 1024) return 1024;
  const unit = 1024 ** Math.floor(Math.log(max) / Math.log(1024));
  const value = max / unit;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((s) => s * power >= value) ?? 10;
  return step * power * unit;
}
