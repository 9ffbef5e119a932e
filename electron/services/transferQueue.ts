// The transfer queue: one row per transfer, started in order up to the files in flight, paused,
// resumed, cancelled, retried and reordered, and kept on disk so it outlives the app.
// It schedules transfers; it does not reach inside them (the engine and its journal do that).

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorInfo } from '../../shared/errors.js';
import type { TransferKind } from '../../shared/transfer.js';
import { asFerryError } from '../engine/errors.js';

export type QueueState = 'queued' | 'active' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface QueueRow {
  id: string;
  kind: TransferKind;
  bucket: string;
  key: string;
  localPath: string;
  size: number;
  state: QueueState;
  bytesDone: number;
  error?: ErrorInfo;
  /** The drop or selection the row came with. */
  batchId?: string;
  addedAt: number;
}

export type NewRow = Omit<QueueRow, 'state' | 'bytesDone' | 'addedAt' | 'error'>;

/**
 * Runs one row's transfer: resolves when it is done; rejects with the engine's error, Paused (the
 * pause signal fired, what was done is kept) or Cancelled. The engine's journal makes running a
 * paused or interrupted row again continue where it stopped.
 */
export type RunRow = (row: QueueRow, control: { cancel: AbortSignal; pause: AbortSignal }) => Promise<void>;

export interface QueueStorage {
  load(): Promise<QueueRow[]>;
  save(rows: readonly QueueRow[]): Promise<void>;
}

export interface QueueOptions {
  storage: QueueStorage;
  run: RunRow;
  /** Rows active at once. */
  inFlight: number;
  /** Rows that changed since the last call (a few times a second, never every row). */
  onChange?: (rows: QueueRow[]) => void;
  /** What cancelling a row that is not running must clean up (a paused upload's multipart upload). */
  discard?: (row: QueueRow) => Promise<void>;
  changeIntervalMs?: number;
}

const FINISHED: readonly QueueState[] = ['done', 'failed', 'cancelled'];

export class TransferQueue {
  private readonly rows: QueueRow[];
  private readonly options: QueueOptions;
  private inFlight: number;
  private readonly running = new Map<string, { cancel: AbortController; pause: AbortController; settled: Promise<void> }>();
  private readonly changed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private dirty = false;

  private constructor(rows: QueueRow[], options: QueueOptions) {
    this.rows = rows;
    this.options = options;
    this.inFlight = Math.max(1, options.inFlight);
  }

  /**
   * The queue as it was left: rows that were active when the app stopped are paused (their
   * journals resume them), `interrupted` rows (transfers of the command line, found in the
   * journal) join as paused ones. Nothing starts until resumed or added.
   */
  static async open(options: QueueOptions, interrupted: NewRow[] = []): Promise<TransferQueue> {
    const rows = (await options.storage.load()).map((row) => (row.state === 'active' || row.state === 'queued' ? { ...row, state: 'paused' as const } : row));
    const known = new Set(rows.map((r) => `${r.kind}\n${r.bucket}\n${r.key}\n${r.localPath}`));
    for (const row of interrupted) {
      if (!known.has(`${row.kind}\n${row.bucket}\n${row.key}\n${row.localPath}`)) rows.push({ ...row, state: 'paused', bytesDone: 0, addedAt: Date.now() });
    }
    const queue = new TransferQueue(rows, options);
    queue.persist();
    return queue;
  }

  list(): readonly QueueRow[] {
    return this.rows;
  }

  add(rows: NewRow[]): void {
    const now = Date.now();
    for (const row of rows) {
      this.rows.push({ ...row, state: 'queued', bytesDone: 0, addedAt: now });
      this.touch(row.id);
    }
    this.schedule();
  }

  /** Bytes moved by a running row (from the engine's progress events). */
  progress(id: string, bytesDone: number): void {
    const row = this.find(id);
    if (!row || row.state !== 'active') return;
    row.bytesDone = bytesDone;
    this.touch(id, false);
  }

  /** Queued rows wait; active ones stop taking new parts, finish those in flight, and keep what they did. */
  pause(ids: string[]): void {
    for (const row of this.select(ids)) {
      if (row.state === 'queued') this.move(row, 'paused');
      else if (row.state === 'active') this.running.get(row.id)?.pause.abort();
    }
  }

  resume(ids: string[]): void {
    for (const row of this.select(ids)) if (row.state === 'paused') this.move(row, 'queued');
    this.schedule();
  }

  /** Failed rows go again, from their journals. */
  retry(ids: string[]): void {
    for (const row of this.select(ids)) {
      if (row.state !== 'failed') continue;
      row.error = undefined;
      this.move(row, 'queued');
    }
    this.schedule();
  }

  /** Active rows are cancelled by the engine (which aborts their uploads); others are cleaned up here. */
  async cancel(ids: string[]): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (const row of this.select(ids)) {
      const run = this.running.get(row.id);
      if (run) {
        run.cancel.abort();
        waits.push(run.settled);
      } else if (row.state === 'queued' || row.state === 'paused' || row.state === 'failed') {
        waits.push(
          (this.options.discard?.(row) ?? Promise.resolve()).then(
            () => this.move(row, 'cancelled'),
            (error: unknown) => {
              row.error = asFerryError(error).toInfo();
              this.move(row, 'failed');
            },
          ),
        );
      }
    }
    await Promise.all(waits);
  }

  /** The rows go first, in the order given, ahead of every other waiting row. */
  moveToTop(ids: string[]): void {
    const chosen = this.select(ids);
    const set = new Set(chosen);
    const rest = this.rows.filter((r) => !set.has(r));
    this.rows.splice(0, this.rows.length, ...chosen, ...rest);
    for (const row of chosen) this.touch(row.id);
  }

  clearFinished(): string[] {
    const gone = this.rows.filter((r) => FINISHED.includes(r.state)).map((r) => r.id);
    const keep = this.rows.filter((r) => !FINISHED.includes(r.state));
    this.rows.splice(0, this.rows.length, ...keep);
    this.persist();
    return gone;
  }

  setInFlight(count: number): void {
    this.inFlight = Math.max(1, count);
    this.schedule();
  }

  /** Sends the changes now (tests, and before the app quits). */
  flushChanges(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.changed.size === 0) return;
    const rows = this.rows.filter((r) => this.changed.has(r.id)).map((r) => ({ ...r }));
    this.changed.clear();
    this.options.onChange?.(rows);
  }

  /** Waits until nothing runs and the queue is on disk. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.settled));
    while (this.saving) await this.saving;
  }

  private schedule(): void {
    for (const row of this.rows) {
      if (this.running.size >= this.inFlight) break;
      if (row.state === 'queued') this.start(row);
    }
  }

  private start(row: QueueRow): void {
    const cancel = new AbortController();
    const pause = new AbortController();
    this.move(row, 'active');
    const settled = this.options
      .run(row, { cancel: cancel.signal, pause: pause.signal })
      .then(
        () => this.move(row, 'done'),
        (thrown: unknown) => {
          const error = asFerryError(thrown);
          if (error.code === 'Paused') return this.move(row, 'paused');
          if (error.code === 'Cancelled') return this.move(row, 'cancelled');
          row.error = error.toInfo();
          this.move(row, 'failed');
        },
      )
      .finally(() => {
        this.running.delete(row.id);
        this.schedule();
      });
    this.running.set(row.id, { cancel, pause, settled });
  }

  private move(row: QueueRow, state: QueueState): void {
    row.state = state;
    this.touch(row.id);
  }

  /** Marks a row changed; `save`: the change is worth writing to disk (not every byte count is). */
  private touch(id: string, save = true): void {
    this.changed.add(id);
    if (save) this.persist();
    if (!this.timer && this.options.onChange) {
      this.timer = setTimeout(() => this.flushChanges(), this.options.changeIntervalMs ?? 250);
      this.timer.unref();
    }
  }

  private find(id: string): QueueRow | undefined {
    return this.rows.find((r) => r.id === id);
  }

  private select(ids: string[]): QueueRow[] {
    const wanted = new Set(ids);
    return this.rows.filter((r) => wanted.has(r.id));
  }

  /** At most one write in flight, the newest state next: a burst of changes costs a couple of writes. */
  private persist(): void {
    this.dirty = true;
    this.saving ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await this.options.storage.save(this.rows);
      }
    } catch {
      // A queue that cannot be saved still runs; the journals keep each transfer resumable.
    } finally {
      this.saving = undefined;
    }
  }
}

/** The queue in one JSON file, replaced atomically (temporary file + rename). */
export class JsonQueueStorage implements QueueStorage {
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  async load(): Promise<QueueRow[]> {
    try {
      const rows = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
      return Array.isArray(rows) ? (rows as QueueRow[]) : [];
    } catch {
      return []; // none yet, or unreadable: an empty queue (the journals still list what can resume)
    }
  }

  async save(rows: readonly QueueRow[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(rows));
    await rename(temp, this.file);
  }
}
