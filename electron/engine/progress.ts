// Accounting apart from transport: byte counts and states in, batched progress events out.

import type { ErrorInfo } from '../../shared/errors.js';
import type { SegmentProgress, SegmentStatus, TransferEvent, TransferKind, TransferStatus, TransferSummary } from '../../shared/transfer.js';
import { canMoveSegment, canMoveTransfer } from './transferState.js';

// Rate is measured over this window so a stall shows quickly and a burst does not spike it;
// bytes are summed per slot so a fast transfer keeps a dozen samples, not one per chunk.
const RATE_WINDOW_MS = 3_000;
const RATE_SLOT_MS = 250;

export type EventSink = (event: TransferEvent) => void;

/** One transfer's counters. The engine counts every chunk; the hub decides when listeners hear of it. */
export class TransferMeter {
  readonly id: string;
  readonly kind: TransferKind;
  readonly bucket: string;
  key: string;
  readonly localPath: string;
  readonly batchId?: string;
  status: TransferStatus = 'queued';
  bytesTotal = 0;
  bytesDone = 0;
  segmentSize: number | undefined;
  error?: ErrorInfo;
  private segments: SegmentProgress[] = [];
  private readonly changed = new Set<number>();
  private samples: { slot: number; bytes: number }[] = [];
  private readonly hub: ProgressHub;

  constructor(hub: ProgressHub, init: { id: string; kind: TransferKind; bucket: string; key: string; localPath: string; batchId?: string }) {
    this.hub = hub;
    this.id = init.id;
    this.kind = init.kind;
    this.bucket = init.bucket;
    this.key = init.key;
    this.localPath = init.localPath;
    this.batchId = init.batchId;
  }

  setStatus(status: TransferStatus, error?: ErrorInfo): void {
    if (!canMoveTransfer(this.status, status)) throw new Error(`Transfer ${this.id}: ${this.status} → ${status} is not allowed`);
    this.status = status;
    this.error = error;
    this.hub.markDirty(this);
  }

  /**
   * Declares the segments (parts or ranges) and the total size. None is reported yet: a listener
   * knows from segmentCount and segmentSize that all are queued, and hears of each as it changes.
   */
  plan(bytesTotal: number, segments: { offset: number; length: number }[], segmentSize?: number): void {
    this.bytesTotal = bytesTotal;
    this.segmentSize = segmentSize ?? segments[0]?.length;
    this.segments = segments.map((s, index) => ({ index, offset: s.offset, length: s.length, bytesDone: 0, status: 'queued', attempts: 0 }));
    this.changed.clear();
    this.hub.markDirty(this);
  }

  /**
   * A stream's next segment, known only once its bytes are read: the total grows with it (a
   * stream of unknown length has no plan ahead).
   */
  addSegment(offset: number, length: number): number {
    const index = this.segments.length;
    this.segments.push({ index, offset, length, bytesDone: 0, status: 'queued', attempts: 0 });
    this.bytesTotal = Math.max(this.bytesTotal, offset + length);
    this.changed.add(index);
    this.hub.markDirty(this);
    return index;
  }

  segmentStatus(index: number, status: SegmentStatus): void {
    const segment = this.segments[index];
    if (!segment) return;
    if (!canMoveSegment(segment.status, status)) throw new Error(`Segment ${index}: ${segment.status} → ${status} is not allowed`);
    if (status === 'active' && segment.status !== 'active') segment.attempts++;
    segment.status = status;
    this.changed.add(index);
    this.hub.markDirty(this);
  }

  /** Counts bytes moved for a segment (negative when a failed attempt's bytes are taken back). */
  addBytes(index: number, bytes: number): void {
    const segment = this.segments[index];
    if (segment) {
      segment.bytesDone += bytes;
      this.changed.add(index);
    }
    this.bytesDone += bytes;
    if (bytes > 0) {
      this.hub.onBytes?.(bytes);
      const slot = Math.floor(Date.now() / RATE_SLOT_MS);
      const last = this.samples.at(-1);
      if (last?.slot === slot) last.bytes += bytes;
      else this.samples.push({ slot, bytes });
    }
    this.hub.markDirty(this);
  }

  rate(now = Date.now()): number {
    const oldest = Math.floor((now - RATE_WINDOW_MS) / RATE_SLOT_MS);
    while (this.samples.length > 0 && (this.samples[0]?.slot ?? 0) <= oldest) this.samples.shift();
    const bytes = this.samples.reduce((sum, s) => sum + s.bytes, 0);
    return (bytes * 1000) / RATE_WINDOW_MS;
  }

  summary(): TransferSummary {
    return {
      id: this.id,
      kind: this.kind,
      bucket: this.bucket,
      key: this.key,
      localPath: this.localPath,
      status: this.status,
      bytesTotal: this.bytesTotal,
      bytesDone: this.bytesDone,
      rate: this.rate(),
      segmentCount: this.segments.length,
      segmentSize: this.segmentSize,
      error: this.error,
      batchId: this.batchId,
    };
  }

  /** The segments changed since the last call. */
  takeChangedSegments(): SegmentProgress[] {
    const out: SegmentProgress[] = [];
    for (const index of this.changed) {
      const segment = this.segments[index];
      if (segment) out.push({ ...segment });
    }
    this.changed.clear();
    return out;
  }
}

/**
 * One timer for all transfers: each tick sends one progress event per transfer that changed, so
 * 10,000 parts or 10,000 files never send more than a few events per second each.
 */
export class ProgressHub {
  private readonly dirty = new Set<TransferMeter>();
  private timer: NodeJS.Timeout | undefined;
  private readonly sink: EventSink;
  private readonly intervalMs: number;
  /** Every byte any transfer moves (what adaptive parallelism measures). */
  onBytes: ((bytes: number) => void) | undefined;

  constructor(sink: EventSink, intervalMs: number) {
    this.sink = sink;
    this.intervalMs = intervalMs;
  }

  markDirty(meter: TransferMeter): void {
    this.dirty.add(meter);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Sends what changed now (also called when a transfer ends, so its last state is never late). */
  flush(meter?: TransferMeter): void {
    const meters = meter ? [meter] : [...this.dirty];
    for (const m of meters) {
      if (!this.dirty.delete(m)) continue;
      this.sink({ type: 'progress', transfer: m.summary(), segments: m.takeChangedSegments() });
    }
    if (!meter || this.dirty.size === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      if (this.dirty.size > 0) this.markDirty([...this.dirty][0] as TransferMeter);
    }
  }

  emit(event: TransferEvent): void {
    this.sink(event);
  }
}
