// The transfer queue: one row per transfer, started in order up to the files in flight, paused,
// resumed, cancelled, retried and reordered, and kept on disk so it outlives the app.
// It schedules transfers; it does not reach inside them (the engine and its journal do that).

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FINISHED_STATES, type QueueRow, type QueueState } from '../../shared/queue.js';
import { asFerryError, type FerryError } from '../engine/errors.js';

export type { QueueRow, QueueState };

/** A row as it is added: the queue sets its state, progress and time. */
export type NewRow<R extends QueueRow = QueueRow> = Omit<R, 'state' | 'bytesDone' | 'addedAt' | 'error'>;

/**
 * Runs one row's transfer: resolves when it is done; rejects with the engine's error, Paused (the
 * pause signal fired, what was done is kept) or Cancelled. The engine's journal makes running a
 * paused or interrupted row again continue where it stopped.
 */
export type RunRow<R extends QueueRow = QueueRow> = (row: R, control: { cancel: AbortSignal; pause: AbortSignal }) => Promise<void>;

export interface QueueStorage<R extends QueueRow = QueueRow> {
  load(): Promise<R[]>;
  save(rows: readonly R[]): Promise<void>;
}

export interface QueueOptions<R extends QueueRow = QueueRow> {
  storage: QueueStorage<R>;
  run: RunRow<R>;
  /** Rows active at once. */
  inFlight: number;
  /** Rows that changed since the last call (a few times a second, never every row), rows removed, and rows moved to the top (in order). */
  onChange?: (rows: R[], removed: string[], moved: string[]) => void;
  /** What cancelling a row that is not running must clean up (a paused upload's multipart upload). */
  discard?: (row: R) => Promise<void>;
  /**
   * Errors that say the server cannot be reached (an outage): a row that ends with one is queued
   * again, to start after `outageRetryMs`, instead of failing (its journal resumes it).
   */
  outage?: (error: FerryError) => boolean;
  outageRetryMs?: number;
  changeIntervalMs?: number;
}

// The least time between two writes of the queue's file.
const SAVE_INTERVAL_MS = 500;
// A row that met an outage starts again after this long (the engine has already waited for the server).
const OUTAGE_RETRY_MS = 30_000;

export class TransferQueue<R extends QueueRow = QueueRow> {
  private readonly rows: R[];
  private readonly byId = new Map<string, R>();
  private readonly options: QueueOptions<R>;
  private inFlight: number;
  private readonly running = new Map<string, { cancel: AbortController; pause: AbortController; settled: Promise<void> }>();
  private readonly changed = new Set<string>();
  private removed: string[] = [];
  private moved: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private dirty = false;
  /** Rows before this index are known not to be queued: starting the next row does not rescan 10,000 finished ones. */
  private scanFrom = 0;

  private constructor(rows: R[], options: QueueOptions<R>) {
    this.rows = rows;
    for (const row of rows) this.byId.set(row.id, row);
    this.options = options;
    this.inFlight = Math.max(1, options.inFlight);
  }

  /**
   * The queue as it was left: rows that were active when the app stopped are paused (their
   * journals resume them), `interrupted` rows (transfers of the command line, found in the
   * journal) join as paused ones. Nothing starts until resumed or added.
   */
  static async open<R extends QueueRow>(options: QueueOptions<R>, interrupted: NewRow<R>[] = []): Promise<TransferQueue<R>> {
    const rows = (await options.storage.load()).map((row): R => (row.state === 'active' || row.state === 'queued' ? { ...row, state: 'paused' } : row));
    const identity = (r: Pick<QueueRow, 'kind' | 'bucket' | 'key' | 'localPath'>) => `${r.kind}\n${r.bucket}\n${r.key}\n${r.localPath}`;
    const known = new Set(rows.filter((r) => !FINISHED_STATES.includes(r.state)).map(identity));
    for (const row of interrupted) {
      if (!known.has(identity(row))) rows.push({ ...row, state: 'paused', bytesDone: 0, addedAt: Date.now() } as R);
    }
    const queue = new TransferQueue(rows, options);
    queue.persist();
    return queue;
  }

  list(): readonly R[] {
    return this.rows;
  }

  get(id: string): R | undefined {
    return this.byId.get(id);
  }

  add(rows: NewRow<R>[]): void {
    const now = Date.now();
    for (const row of rows) {
      const added = { ...row, state: 'queued', bytesDone: 0, addedAt: now } as R;
      this.rows.push(added);
      this.byId.set(added.id, added);
      this.touch(added.id);
    }
    this.schedule();
  }

  /** Bytes moved by a running row (from the engine's progress events). */
  progress(id: string, bytesDone: number): void {
    const row = this.byId.get(id);
    if (!row || row.state !== 'active') return;
    row.bytesDone = bytesDone;
    this.touch(id, false);
  }

  /** Changes a row's other fields (a note, bytes received, a copy's counts and size); `save`: worth writing to disk now. */
  update(id: string, changes: Partial<Pick<R, 'note' | 'received' | 'copy' | 'size'>>, save = false): void {
    const row = this.byId.get(id);
    if (!row) return;
    Object.assign(row, changes);
    this.touch(id, save);
  }

  /** Queued rows wait; active ones stop taking new parts, finish those in flight, and keep what they did. */
  pause(ids?: string[]): number {
    let changed = 0;
    for (const row of this.select(ids)) {
      if (row.state === 'queued') this.move(row, 'paused');
      else if (row.state === 'active') this.running.get(row.id)?.pause.abort();
      else continue;
      changed++;
    }
    return changed;
  }

  resume(ids?: string[]): number {
    this.scanFrom = 0;
    let changed = 0;
    for (const row of this.select(ids)) {
      if (row.state !== 'paused') continue;
      // Resumed by a person: a row that waited out an outage tries at once.
      row.waitUntil = undefined;
      this.move(row, 'queued');
      changed++;
    }
    this.schedule();
    return changed;
  }

  /** Failed rows go again, from their journals. */
  retry(ids?: string[]): number {
    this.scanFrom = 0;
    let changed = 0;
    for (const row of this.select(ids)) {
      if (row.state !== 'failed') continue;
      row.error = undefined;
      this.move(row, 'queued');
      changed++;
    }
    this.schedule();
    return changed;
  }

  /** Active rows are cancelled by the engine (which aborts their uploads); others are cleaned up here. */
  async cancel(ids?: string[]): Promise<number> {
    const waits: Promise<unknown>[] = [];
    for (const row of this.select(ids)) {
      const run = this.running.get(row.id);
      if (run) {
        run.cancel.abort();
        waits.push(run.settled);
      } else if (row.state === 'queued' || row.state === 'paused' || row.state === 'failed') {
        // Not startable while its clean-up runs.
        this.move(row, 'cancelled');
        waits.push(
          (this.options.discard?.(row) ?? Promise.resolve()).catch((error: unknown) => {
            row.error = asFerryError(error).toInfo();
            this.move(row, 'failed');
          }),
        );
      }
    }
    await Promise.all(waits);
    return waits.length;
  }

  /** The rows go first (keeping their order among themselves), ahead of every other row. */
  moveToTop(ids: string[]): number {
    const chosen = this.select(ids);
    const set = new Set(chosen);
    const rest = this.rows.filter((r) => !set.has(r));
    this.rows.splice(0, this.rows.length, ...chosen, ...rest);
    this.scanFrom = 0;
    // Moves since the last event add up: the latest first, then the earlier ones still ahead of the rest.
    const movedNow = chosen.map((r) => r.id);
    const now = new Set(movedNow);
    this.moved = [...movedNow, ...this.moved.filter((id) => !now.has(id))];
    for (const row of chosen) this.touch(row.id);
    return chosen.length;
  }

  clearFinished(): string[] {
    const gone = this.rows.filter((r) => FINISHED_STATES.includes(r.state)).map((r) => r.id);
    const keep = this.rows.filter((r) => !FINISHED_STATES.includes(r.state));
    this.rows.splice(0, this.rows.length, ...keep);
    this.scanFrom = 0;
    for (const id of gone) {
      this.byId.delete(id);
      this.changed.delete(id);
      this.removed.push(id);
    }
    this.persist();
    this.scheduleChanges();
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
    if (this.changed.size === 0 && this.removed.length === 0 && this.moved.length === 0) return;
    const rows: R[] = [];
    for (const id of this.changed) {
      const row = this.byId.get(id);
      if (row) rows.push({ ...row });
    }
    const { removed, moved } = this;
    this.changed.clear();
    this.removed = [];
    this.moved = [];
    this.options.onChange?.(rows, removed, moved);
  }

  /** Waits until nothing runs and the queue is on disk. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.settled));
    while (this.saving) await this.saving;
  }

  /** Stops every running row as a pause does (their journals keep them), for a quitting app. */
  async stop(): Promise<void> {
    for (const run of this.running.values()) run.pause.abort();
    await this.idle();
  }

  private schedule(): void {
    let i = this.scanFrom;
    while (i < this.rows.length && this.rows[i]?.state !== 'queued') i++;
    this.scanFrom = i;
    const now = Date.now();
    for (; i < this.rows.length && this.running.size < this.inFlight; i++) {
      const row = this.rows[i];
      // A row waiting out an outage keeps its place; its timer schedules again.
      if (row?.state === 'queued' && !(row.waitUntil !== undefined && row.waitUntil > now)) this.start(row);
    }
  }

  private start(row: R): void {
    const cancel = new AbortController();
    const pause = new AbortController();
    if (row.waitUntil !== undefined) {
      row.waitUntil = undefined;
      row.note = undefined;
    }
    this.move(row, 'active');
    const settled = this.options
      .run(row, { cancel: cancel.signal, pause: pause.signal })
      .then(
        () => this.move(row, 'done'),
        (thrown: unknown) => {
          const error = asFerryError(thrown);
          if (error.code === 'Paused') return this.move(row, 'paused');
          if (error.code === 'Cancelled') return this.move(row, 'cancelled');
          if (this.options.outage?.(error)) return this.waitForServer(row, error);
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

  /** The server cannot be reached: the row waits in the queue (saying why) and starts again later. */
  private waitForServer(row: R, error: FerryError): void {
    const retryMs = this.options.outageRetryMs ?? OUTAGE_RETRY_MS;
    row.waitUntil = Date.now() + retryMs;
    row.note = `Waiting for the server: ${error.message}`;
    this.scanFrom = 0;
    this.move(row, 'queued');
    setTimeout(() => {
      this.scanFrom = 0;
      this.schedule();
    }, retryMs).unref();
  }

  private move(row: R, state: QueueState): void {
    row.state = state;
    this.touch(row.id);
  }

  /** Marks a row changed; `save`: the change is worth writing to disk (not every byte count is). */
  private touch(id: string, save = true): void {
    this.changed.add(id);
    if (save) this.persist();
    this.scheduleChanges();
  }

  private scheduleChanges(): void {
    if (this.timer || !this.options.onChange) return;
    this.timer = setTimeout(() => this.flushChanges(), this.options.changeIntervalMs ?? 250);
    this.timer.unref();
  }

  /** The rows with these ids, in queue order; every row when `ids` is undefined. */
  private select(ids: string[] | undefined): R[] {
    if (ids === undefined) return [...this.rows];
    if (ids.length < 64) return ids.map((id) => this.byId.get(id)).filter((r): r is R => r !== undefined).sort((a, b) => this.rows.indexOf(a) - this.rows.indexOf(b));
    const wanted = new Set(ids);
    return this.rows.filter((r) => wanted.has(r.id));
  }

  /**
   * At most one write in flight, the newest state next, and no more than one per SAVE_INTERVAL_MS:
   * 10,000 small files ending one after another cost a few writes a second, not one each. (The
   * journals, not this file, keep each transfer resumable, so a write a moment late loses nothing.)
   */
  private persist(): void {
    this.dirty = true;
    this.saving ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await this.options.storage.save(this.rows);
        if (this.dirty) await new Promise((resolve) => setTimeout(resolve, SAVE_INTERVAL_MS));
      }
    } catch {
      // A queue that cannot be saved still runs; the journals keep each transfer resumable.
    } finally {
      this.saving = undefined;
    }
  }
}

/** A list kept in one JSON file (the queue's rows, its batches), replaced atomically (temporary file + rename). */
export class JsonListFile<R> {
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  async load(): Promise<R[]> {
    try {
      const rows = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
      return Array.isArray(rows) ? (rows as R[]) : [];
    } catch {
      return []; // none yet, or unreadable: an empty queue (the journals still list what can resume)
    }
  }

  async save(rows: readonly R[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(rows));
    await rename(temp, this.file);
  }
}
