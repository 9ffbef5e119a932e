// The transfer engine's front door: one object per account, running uploads and downloads.

import { randomUUID } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import type { S3Endpoint } from '../../shared/account.js';
import type { ErrorInfo } from '../../shared/errors.js';
import type { ObjectHeaders, TransferEvent, VerifyResult } from '../../shared/transfer.js';
import { planDownloads, planUploads, type DownloadPlan, type UploadPlan } from './batchPlan.js';
import type { EngineContext } from './context.js';
import { DownloadTransfer, temporaryPathFor, type DownloadJob } from './download.js';
import { FerryError, asFerryError, cancelledError, pausedError } from './errors.js';
import { anySignal, followSignal } from './abort.js';
import { AddressBook, type Resolve } from './s3/addresses.js';
import { Copier, discardCopy, type CopyInput, type CopyOptions, type CopyResult } from './copy.js';
import { FolderCache } from './folderCache.js';
import { HeaderChanger, type HeaderChangeInput, type HeaderChangeOptions, type HeaderChangeResult } from './headerChange.js';
import { mapInFlight } from './inFlight.js';
import { AdaptiveLimit, type AdaptiveSnapshot } from './adaptive.js';
import { SKIPPED_SAME, type ConflictOptions } from './conflicts.js';
import { prepareDownloads, prepareUploads, sameContent, type PreparedItem } from './existingTargets.js';
import { BatchLog, journalId, uploadPhase, type BatchEntry, type Journal, type JournalRecord } from './journal.js';
import { wireHeaders } from './headerValues.js';
import { PartBuffers } from './partBuffers.js';
import type { RetryNotice } from './retry.js';
import { RateLimit } from './rateLimit.js';
import { ProgressHub, TransferMeter, type EventSink } from './progress.js';
import { S3Store, type ListPage, type ListWorkerUse, type MultipartUploadInfo, type ObjectInfo } from './s3/store.js';
import type { S3Credentials } from './s3/client.js';
import { resolveSettings, retryPolicy, type TransferSettings } from './settings.js';
import { UploadTransfer, type UploadJob } from './upload.js';
import { StreamDownloadTransfer, StreamUploadTransfer, type StreamDownloadJob, type StreamUploadJob } from './streams.js';
import { SyncSession, planSync, runSync, type SyncAction, type SyncEngine, type SyncInput, type SyncPlan, type SyncResult } from './sync.js';

export interface EngineOptions {
  endpoint: S3Endpoint;
  credentials?: S3Credentials;
  settings?: Partial<TransferSettings>;
  onEvent?: EventSink;
  /** Records unfinished transfers so they resume; without it, an interrupted upload is aborted. */
  journal?: Journal;
  /**
   * Which listing pages are parsed on the listing worker (s3/listWorker.ts): 'after-first' (the
   * default: a one-page listing starts nothing), or 'all', the worker started at once (the app:
   * long-lived, its event loop is the window's).
   */
  listWorker?: ListWorkerUse;
  /** How the endpoint's name is resolved into the addresses connections are spread over (tests set their own). */
  resolve?: Resolve;
}

export interface BatchResult {
  /** Files in the plan. */
  files: number;
  /** Files transferred. */
  done: number;
  /** Of `done`, files a previous, interrupted run of the same batch had finished (not sent again). */
  alreadyDone: number;
  /** Of `bytes`, those already moved before an interruption (resumed, not sent again). */
  resumedBytes: number;
  /** Empty folders kept (marker objects made on upload, local folders made on download). */
  folders: number;
  bytes: number;
  seconds: number;
  failures: { item: string; error: ErrorInfo }[];
  skipped: { path: string; reason: string }[];
  /** Items sent to a new name because their target existed (`--if-exists rename`): the item and where it went. */
  renamed: { item: string; to: string }[];
}

// What a file in flight needs beside its part buffers (request and SDK state, socket buffers):
// about 0.5-1 MiB each with 64 files in flight, measured by `npm run bench -- --memory`.
const PER_FILE_BYTES = 768 * 1024;

/** The part buffers' share of the memory budget: what the files in flight need besides is kept aside. */
function partBufferBytes(settings: TransferSettings): number {
  return Math.max(Math.floor(settings.memoryBudget / 2), settings.memoryBudget - settings.filesInFlight * PER_FILE_BYTES);
}

// How long a batch spends, at most, finishing the aborts earlier runs could not confirm.
const FINISH_ABORTS_MS = 5_000;

// Listings and small calls beside the transfers' own sockets.
const SPARE_SOCKETS = 8;

export class TransferEngine {
  private readonly store: S3Store;
  readonly settings: TransferSettings;
  private readonly ctx: EngineContext;
  private readonly listeners = new Set<EventSink>();
  private readonly addresses: AddressBook;

  constructor(options: EngineOptions) {
    this.settings = resolveSettings(options.settings);
    this.addresses = new AddressBook(options.resolve);
    this.store = new S3Store({
      endpoint: options.endpoint,
      credentials: options.credentials,
      retry: retryPolicy(this.settings),
      interactiveMs: this.settings.interactiveTimeoutMs,
      maxSockets: Math.max(this.settings.partsInFlight, this.settings.filesInFlight) + SPARE_SOCKETS,
      idleTimeoutMs: this.settings.idleTimeoutMs,
      listsInFlight: this.settings.listsInFlight,
      dataPath: this.settings.dataPath,
      listWorker: options.listWorker,
      addresses: this.addresses,
    });
    if (options.onEvent) this.listeners.add(options.onEvent);
    const hub = new ProgressHub((event) => this.emit(event), this.settings.progressIntervalMs);
    const crc32 = this.settings.crc32 === 'on' || (this.settings.crc32 === 'auto' && !options.endpoint.endpoint);
    this.ctx = {
      store: this.store,
      settings: this.settings,
      buffers: new PartBuffers(partBufferBytes(this.settings)),
      hub,
      crc32,
      journal: options.journal,
      server: options.endpoint.endpoint ?? `aws:${options.endpoint.region}`,
      folders: new FolderCache(),
      limits: {
        parts: new AdaptiveLimit({ max: this.settings.partsInFlight, initial: Math.ceil(this.settings.partsInFlight / 2), enabled: this.settings.adaptive }),
        files: new AdaptiveLimit({ max: this.settings.filesInFlight, initial: Math.min(16, this.settings.filesInFlight), enabled: this.settings.adaptive }),
      },
      rate: new RateLimit(this.settings.bandwidthLimit),
    };
    hub.onBytes = (bytes) => {
      this.ctx.limits.parts.addBytes(bytes);
      this.ctx.limits.files.addBytes(bytes);
    };
  }

  /**
   * Changes settings while transfers run: parts and files in flight apply to the next ones to
   * start (a file keeps the parts in flight it began with), the bandwidth limit at once.
   */
  updateSettings(changes: Partial<Pick<TransferSettings, 'partsInFlight' | 'filesInFlight' | 'bandwidthLimit'>>): TransferSettings {
    const next = resolveSettings({ ...this.settings, ...changes });
    this.settings.partsInFlight = next.partsInFlight;
    this.settings.filesInFlight = next.filesInFlight;
    this.settings.bandwidthLimit = next.bandwidthLimit;
    this.ctx.limits.parts.setMax(next.partsInFlight);
    this.ctx.limits.files.setMax(next.filesInFlight);
    this.ctx.rate.set(next.bandwidthLimit);
    return { ...this.settings };
  }

  /** Parts and files in flight now, the limits adaptive tuning has reached, and the last measured rate. */
  parallelism(): { parts: AdaptiveSnapshot; files: AdaptiveSnapshot } {
    return { parts: this.ctx.limits.parts.snapshot(), files: this.ctx.limits.files.snapshot() };
  }

  on(listener: EventSink): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private resumedBytes = 0;

  private emit(event: TransferEvent): void {
    if (event.type === 'resumed') this.resumedBytes += event.bytesDone;
    for (const listener of this.listeners) listener(event);
  }

  close(): void {
    this.store.destroy();
  }

  private meter(kind: 'upload' | 'download', bucket: string, key: string, localPath: string, batchId?: string, id?: string): TransferMeter {
    return new TransferMeter(this.ctx.hub, { id: id ?? randomUUID(), kind, bucket, key, localPath, batchId });
  }

  /** The server this engine talks to, as journals name it (endpoint URL, or "aws:<region>"). */
  get server(): string {
    return this.ctx.server;
  }

  /**
   * One file up, waiting for a free file slot. `pause` stops it gracefully: parts in flight finish,
   * the upload and its journal are kept, and it rejects with Paused; the same call resumes it.
   */
  async upload(job: UploadJob, signal?: AbortSignal, pause?: AbortSignal): Promise<VerifyResult> {
    const transfer = new UploadTransfer(job, this.meter('upload', job.bucket, job.key, job.source, job.batchId, job.id), this.ctx, signal, pause);
    return this.inFileSlot(() => transfer.run(), signal, pause);
  }

  /** One object down, waiting for a free file slot; `pause` as for upload (the partial file is kept). */
  async download(job: DownloadJob, signal?: AbortSignal, pause?: AbortSignal): Promise<VerifyResult> {
    const transfer = new DownloadTransfer(job, this.meter('download', job.bucket, job.key, job.target, job.batchId, job.id), this.ctx, signal, pause);
    return this.inFileSlot(() => transfer.run(), signal, pause);
  }

  /** A stream (standard input) up as one object; nothing resumes a stream, so a failure aborts the upload. */
  async uploadStream(job: StreamUploadJob, signal?: AbortSignal): Promise<VerifyResult> {
    const transfer = new StreamUploadTransfer(job, this.meter('upload', job.bucket, job.key, job.name, job.batchId, job.id), this.ctx, signal);
    return this.inFileSlot(() => transfer.run(), signal);
  }

  /** An object down to a stream (standard output), in order, verified at the end. */
  async downloadStream(job: StreamDownloadJob, signal?: AbortSignal): Promise<VerifyResult> {
    const transfer = new StreamDownloadTransfer(job, this.meter('download', job.bucket, job.key, job.name, job.batchId, job.id), this.ctx, signal);
    return this.inFileSlot(() => transfer.run(), signal);
  }

  /**
   * Copies (or, with `move`, moves) a key or every object below a prefix into this engine's
   * account: on the server when the source is on this account too (`from` absent), else streamed
   * from `from`'s account through this machine.
   */
  copy(input: CopyInput, options: CopyOptions = {}, from?: TransferEngine): Promise<CopyResult> {
    const source = from ?? this;
    return new Copier(this.ctx, source.store, source === this, input, options, source.ctx.server).run();
  }

  /** Forgets a paused copy that will not be resumed (copy.ts's discardCopy), from `from`'s account as `copy` was. */
  discardCopy(input: CopyInput, from?: TransferEngine, signal?: AbortSignal): Promise<void> {
    const source = from ?? this;
    return discardCopy(this.ctx, input, source.ctx.server, source === this, signal);
  }

  /** Connections begun per address of the endpoint's name (how they spread). */
  connectionsByAddress(): ReadonlyMap<string, number> {
    return this.addresses.connections;
  }

  /** Transfers interrupted earlier (crash, lost network, restart) that the same upload or download resumes. */
  async interrupted(): Promise<JournalRecord[]> {
    return (await this.ctx.journal?.list()) ?? [];
  }

  /** A bucket's incomplete multipart uploads with their parts and bytes (what they cost). */
  async listIncompleteUploads(bucket: string, prefix = '', signal?: AbortSignal): Promise<(MultipartUploadInfo & { parts: number; bytes: number })[]> {
    const out: (MultipartUploadInfo & { parts: number; bytes: number })[] = [];
    for await (const upload of this.store.listMultipartUploads(bucket, prefix, { signal })) {
      const parts = await this.store.listParts({ bucket, key: upload.key, uploadId: upload.uploadId }, { signal }).catch(() => []);
      out.push({ ...upload, parts: parts.length, bytes: parts.reduce((sum, p) => sum + (p.size ?? 0), 0) });
    }
    return out;
  }

  /** Aborts uploads (and forgets their journals, if any). */
  async abortUploads(bucket: string, uploads: MultipartUploadInfo[], signal?: AbortSignal): Promise<void> {
    const journals = (await this.ctx.journal?.list()) ?? [];
    for (const upload of uploads) {
      await this.store.abortMultipartUpload({ bucket, key: upload.key, uploadId: upload.uploadId }, { signal });
      for (const record of journals) if (record.kind === 'upload' && record.uploadId === upload.uploadId) await this.ctx.journal?.remove(record.id);
    }
    await this.finishAborts(signal);
  }

  /**
   * Finishes the aborts an earlier run could not confirm (the server was down when it cancelled):
   * each record marked 'aborting' for this server is removed once the server confirms. A server
   * still unreachable leaves them for the next run; it never holds up this one.
   */
  async finishAborts(signal?: AbortSignal): Promise<number> {
    const journal = this.ctx.journal;
    if (!journal) return 0;
    let finished = 0;
    for (const record of await journal.list()) {
      if (record.kind !== 'upload' || record.server !== this.ctx.server || uploadPhase(record) !== 'aborting' || !record.uploadId) continue;
      try {
        await this.store.abortMultipartUpload({ bucket: record.bucket, key: record.key, uploadId: record.uploadId }, { signal, interactive: true });
        await journal.remove(record.id);
        finished++;
      } catch {
        // Still unreachable or refused: the record stays "to clean up".
      }
    }
    return finished;
  }

  /**
   * Transfers each file of a batch, files in flight at once; a file the batch log says a previous
   * run finished (and that is still the same) is counted as done without moving a byte. Then
   * `prepare` settles the targets that exist (questions included) before any file moves, so a
   * question never comes in the middle of the transfers. One file's failure does not stop the others.
   */
  private async runFiles<J extends { size: number }>(
    files: J[],
    result: BatchResult,
    log: BatchLog | undefined,
    signal: AbortSignal | undefined,
    how: {
      entry: (job: J) => BatchEntry;
      stillDone: (job: J, before: BatchEntry) => Promise<boolean>;
      /** `resumedBatch`: an interrupted run of this batch logged some of its files. */
      prepare?: (jobs: J[], resumedBatch: boolean) => Promise<PreparedItem<J>[]>;
      transfer: (job: J) => Promise<unknown>;
      item: (job: J) => string;
    },
  ): Promise<void> {
    const finished = await mapInFlight(files, this.settings.filesInFlight, async (job) => {
      const before = log?.get(how.entry(job).id);
      return before !== undefined && (await how.stillDone(job, before));
    });
    const alreadyDone = (job: J) => {
      result.alreadyDone++;
      result.done++;
      result.bytes += job.size;
      result.resumedBytes += job.size;
    };
    const pending: J[] = [];
    for (const [index, job] of files.entries()) {
      if (finished[index]) alreadyDone(job);
      else pending.push(job);
    }
    const resumedBatch = log !== undefined && files.some((job) => log.get(how.entry(job).id) !== undefined);
    const prepared = how.prepare
      ? await how.prepare(pending, resumedBatch).catch((error: unknown) => {
          if (signal?.aborted) return undefined;
          throw error;
        })
      : pending.map((job): PreparedItem<J> => ({ kind: 'transfer', job }));
    if (!prepared) return;
    await mapInFlight(prepared, this.settings.filesInFlight, async (item, index) => {
      const job = pending[index] as J;
      if (item.kind === 'skip') return void result.skipped.push({ path: how.item(job), reason: item.reason });
      if (item.kind === 'fail') return void result.failures.push({ item: how.item(job), error: item.error.toInfo() });
      if (item.kind === 'done') {
        alreadyDone(job);
        return void (await log?.add(how.entry(job)));
      }
      try {
        if (item.kind === 'compare' && (await sameContent(item.file, item.etag, job.size, this.settings.partSize, signal))) {
          return void result.skipped.push({ path: how.item(job), reason: SKIPPED_SAME });
        }
        await how.transfer(item.job);
        result.done++;
        result.bytes += job.size;
        if (item.kind === 'transfer' && item.renamedTo) result.renamed.push({ item: how.item(job), to: item.renamedTo });
        // Logged as planned: a run resumed after an interruption finds it done under its own name.
        await log?.add(how.entry(job));
      } catch (error) {
        result.failures.push({ item: how.item(job), error: asFerryError(error).toInfo() });
      }
    });
    if (log && result.failures.length === 0 && !signal?.aborted) await log.remove();
  }

  /** The finished-files log of a batch of several files (a single file resumes by its own journal). */
  private async batchLog(files: number, identity: unknown): Promise<BatchLog | undefined> {
    if (!this.ctx.journal || files < 2) return undefined;
    return BatchLog.open(this.ctx.journal, identity);
  }

  /** Runs `work` once a file slot is free; a pause while it waits ends it Paused without starting. */
  private async inFileSlot<T>(work: () => Promise<T>, signal?: AbortSignal, pause?: AbortSignal): Promise<T> {
    if (pause?.aborted) throw pausedError();
    const release = await this.ctx.limits.files.acquire(pause ? anySignal(signal ? [signal, pause] : [pause]) : signal).catch((error: unknown) => {
      if (pause?.aborted && !signal?.aborted) throw pausedError();
      throw error;
    });
    try {
      return await work();
    } finally {
      release();
    }
  }

  // What the services and the CLI ask of S3 besides transfers: they reach it only through these,
  // so every error passes the store's one error map. A person waits on each: they are interactive.

  listBuckets(signal?: AbortSignal): Promise<{ name: string; created?: Date }[]> {
    return this.store.listBuckets({ signal, interactive: true });
  }

  /** One page of a listing (up to `maxKeys`, at most 1,000); with delimiter '/', one folder level. `nextToken` asks for the next. */
  listPage(input: { bucket: string; prefix?: string; delimiter?: string; token?: string; maxKeys?: number }, signal?: AbortSignal): Promise<ListPage> {
    return this.store.listPage(input, { signal, interactive: true });
  }

  /** A whole listing's pages in key order, key ranges listed side by side (settings.listsInFlight). */
  listPages(input: { bucket: string; prefix?: string; delimiter?: string }, signal?: AbortSignal): AsyncGenerator<ListPage> {
    return this.store.listPages(input.bucket, input.prefix ?? '', input.delimiter, { signal, interactive: true });
  }

  headObject(bucket: string, key: string, signal?: AbortSignal): Promise<ObjectInfo> {
    return this.store.headObject(bucket, key, { signal, interactive: true });
  }

  /** An empty folder: a zero-byte marker object whose key (`prefix`) ends in '/'. */
  newFolder(bucket: string, prefix: string, signal?: AbortSignal): Promise<void> {
    return this.store.putFolderMarker(bucket, prefix, { signal, interactive: true });
  }

  /** Deletes the keys and every object below the prefixes (a folder's marker included); returns how many objects. */
  async deleteObjects(bucket: string, keys: string[], prefixes: string[], signal?: AbortSignal): Promise<number> {
    const options = { signal, interactive: true };
    const all = new Set(keys);
    for (const prefix of prefixes) {
      const below = prefix.endsWith('/') ? prefix : `${prefix}/`;
      for await (const entry of this.store.listAll(bucket, below, options)) all.add(entry.key);
    }
    await this.store.deleteObjects(bucket, [...all], options);
    return all.size;
  }

  /**
   * Changes the headers of the keys and of every object below the prefixes in place (server-side
   * copies, in parallel); per-object failures come back in the result. Throws for the whole job
   * (a missing bucket, a refused listing) and Cancelled when `signal` aborts.
   */
  changeHeaders(input: HeaderChangeInput, options: HeaderChangeOptions = {}): Promise<HeaderChangeResult> {
    return new HeaderChanger(this.ctx, input, options, this.settings.copyObjectLimit).run();
  }

  /** A link anyone may GET the object with for `expiresSeconds` (signed locally, no request). */
  presignGet(bucket: string, key: string, expiresSeconds: number): Promise<string> {
    return this.store.presignGet(bucket, key, expiresSeconds);
  }

  planUploads(sources: string[], bucket: string, destination: string, headers?: ObjectHeaders, signal?: AbortSignal): Promise<UploadPlan> {
    return planUploads(sources, bucket, destination, headers, signal);
  }

  planDownloads(bucket: string, keyOrPrefix: string, folder: string, signal?: AbortSignal): Promise<DownloadPlan> {
    return planDownloads(this.store, bucket, keyOrPrefix, folder, signal);
  }

  /** Compares a local folder and a prefix (both listed at once) and says what a sync would do; changes nothing. */
  planSync(input: SyncInput, signal?: AbortSignal): Promise<SyncPlan> {
    return planSync(this.syncEngine(), input, signal);
  }

  /** Runs a sync's plan: transfers, then (if all succeeded) deletions; `onAction` hears each as it is done. */
  runSync(plan: SyncPlan, signal?: AbortSignal, onAction?: (action: SyncAction, error?: ErrorInfo) => void): Promise<SyncResult> {
    return runSync(this.syncEngine(), plan, signal, onAction);
  }

  /**
   * A sync's transfers for a queue of one's own (the app's): the session's uploadPlan() or
   * downloadPlan() jobs, run with upload()/download(); then finish() makes the deletions.
   */
  startSync(plan: SyncPlan, onAction?: (action: SyncAction, error?: ErrorInfo) => void): Promise<SyncSession> {
    return SyncSession.start(this.syncEngine(), plan, onAction);
  }

  private syncEngine(): SyncEngine {
    return {
      store: this.store,
      server: this.ctx.server,
      filesInFlight: this.settings.filesInFlight,
      partSize: this.settings.partSize,
      stateDir: this.ctx.journal?.dir,
      on: (listener) => this.on(listener),
      runUploads: (plan, signal) => this.runUploads(plan, signal),
      runDownloads: (plan, signal) => this.runDownloads(plan, signal),
    };
  }

  /**
   * Runs a plan: many files in flight; one file's failure does not stop the others. `conflicts`:
   * what to do with keys that exist (without it, they are overwritten).
   */
  runUploads(plan: UploadPlan, callerSignal?: AbortSignal, conflicts?: ConflictOptions): Promise<BatchResult> {
    return withBatchSignal(callerSignal, (signal) => this.runUploadsBatch(plan, signal, conflicts));
  }

  private async runUploadsBatch(plan: UploadPlan, signal: AbortSignal, conflicts?: ConflictOptions): Promise<BatchResult> {
    // Headers that cannot be sent fail the batch now, before a byte moves, with how to write them.
    for (const headers of new Set(plan.files.map((f) => f.headers))) wireHeaders(headers);
    await this.finishAborts(anySignal([signal, AbortSignal.timeout(FINISH_ABORTS_MS)])).catch(() => 0);
    const started = performance.now();
    const resumedBefore = this.resumedBytes;
    const result: BatchResult = { files: plan.files.length, done: 0, alreadyDone: 0, folders: 0, bytes: 0, resumedBytes: 0, seconds: 0, failures: [], skipped: [...plan.skipped], renamed: [] };
    await mapInFlight(plan.folderMarkers, this.settings.filesInFlight, async (key) => {
      try {
        await this.store.putFolderMarker(plan.bucket, key, { signal });
        result.folders++;
      } catch (error) {
        result.failures.push({ item: key, error: asFerryError(error).toInfo() });
      }
    });
    const log = await this.batchLog(plan.files.length, { kind: plan.sync ? 'sync-up' : 'upload', server: this.ctx.server, bucket: plan.bucket, sources: plan.sources, destination: plan.destination });
    await this.runFiles(plan.files, result, log, signal, {
      entry: (job) => ({ id: job.source, key: job.key, size: job.size, mtimeMs: job.mtimeMs }),
      // Unchanged since that run: same key, size and modification time.
      stillDone: (job, before) => Promise.resolve(before.key === job.key && before.size === job.size && before.mtimeMs === job.mtimeMs),
      prepare: conflicts && ((jobs, resumedBatch) => this.settleUploads(plan, jobs, conflicts, signal, resumedBatch)),
      transfer: (job) => this.upload(job, signal),
      item: (job) => job.source,
    });
    if (signal?.aborted) throw batchCancelled(signal.reason, result);
    result.seconds = (performance.now() - started) / 1000;
    result.resumedBytes += this.resumedBytes - resumedBefore;
    this.ctx.buffers.trim();
    return result;
  }

  /**
   * Looks up which of a plan's keys exist and settles each by the policy (questions asked one at a
   * time, in order), before any file moves. `resumedBatch`: an interrupted run of the same batch
   * logged some files, so a target with the same content is its work, not a conflict.
   */
  async settleUploads<J extends UploadPlan['files'][number]>(plan: UploadPlan, jobs: J[], conflicts: ConflictOptions, signal: AbortSignal, resumedBatch = false): Promise<PreparedItem<J>[]> {
    const interrupted = new Set((await this.interrupted()).map((r) => r.id));
    // The lookups wait out an unreachable server as transfers do, and say so the same way.
    const lookups = randomUUID();
    const onRetry = (notice: RetryNotice) =>
      this.emit({ type: 'retry', transferId: lookups, segment: -1, attempt: notice.attempt, delayMs: notice.delayMs, error: notice.error.toInfo(), waitingUntil: notice.waitingUntil, server: this.ctx.server });
    const limits = { inFlight: this.settings.filesInFlight, signal, partSize: this.settings.partSize, resumedBatch, onRetry };
    return prepareUploads(this.store, plan, jobs, conflicts, { ...limits, interrupted: (job) => interrupted.has(journalId('upload', this.ctx.server, job.bucket, job.key, job.source)) });
  }

  /** As settleUploads, for the local files a download would write. */
  async settleDownloads<J extends DownloadPlan['files'][number]>(plan: DownloadPlan, jobs: J[], conflicts: ConflictOptions, signal: AbortSignal, resumedBatch = false): Promise<PreparedItem<J>[]> {
    const interrupted = new Set((await this.interrupted()).map((r) => r.id));
    const limits = { inFlight: this.settings.filesInFlight, signal, partSize: this.settings.partSize, resumedBatch };
    return prepareDownloads(plan, jobs, conflicts, { ...limits, interrupted: (job) => interrupted.has(journalId('download', this.ctx.server, job.bucket, job.key, job.target)) });
  }

  /** "Overwrite if different": whether the local file has the content whose ETag (and size) is given. */
  sameContent(file: string, etag: string | undefined, size: number, signal?: AbortSignal): Promise<boolean> {
    return sameContent(file, etag, size, this.settings.partSize, signal);
  }

  /** Makes a download's local folders (empty ones included), below `root` and never through a link. */
  async makeLocalFolders(folders: string[], root: string): Promise<{ made: number; failures: { item: string; error: ErrorInfo }[] }> {
    const out = { made: 0, failures: [] as { item: string; error: ErrorInfo }[] };
    for (const folder of folders) {
      await this.ctx.folders.ensure(folder, root).then(
        () => out.made++,
        (error: unknown) => out.failures.push({ item: folder, error: asFerryError(error).toInfo() }),
      );
    }
    return out;
  }

  /**
   * Forgets an interrupted or paused transfer that will not be resumed: an upload's multipart
   * upload is aborted (if that fails, its record is kept as "to clean up" and the error thrown),
   * a download's partial file removed. Nothing to do for one that never started.
   */
  async discard(kind: 'upload' | 'download', bucket: string, key: string, local: string): Promise<void> {
    const journal = this.ctx.journal;
    if (!journal) return;
    const id = journalId(kind, this.ctx.server, bucket, key, local);
    const record = (await journal.list()).find((r) => r.id === id);
    if (kind === 'download') {
      await rm(temporaryPathFor(local), { force: true });
      if (record) await journal.remove(id);
      return;
    }
    if (!record || record.kind !== 'upload') return;
    if (record.uploadId) {
      try {
        await this.store.abortMultipartUpload({ bucket, key, uploadId: record.uploadId }, { interactive: true });
      } catch (error) {
        await journal.write({ ...record, phase: 'aborting', updatedAt: new Date().toISOString() });
        throw error;
      }
    }
    await journal.remove(id);
  }

  /** Runs a download plan; `conflicts`: what to do with local files that exist (without it, they are replaced). */
  runDownloads(plan: DownloadPlan, callerSignal?: AbortSignal, conflicts?: ConflictOptions): Promise<BatchResult> {
    return withBatchSignal(callerSignal, (signal) => this.runDownloadsBatch(plan, signal, conflicts));
  }

  private async runDownloadsBatch(plan: DownloadPlan, signal: AbortSignal, conflicts?: ConflictOptions): Promise<BatchResult> {
    const started = performance.now();
    const resumedBefore = this.resumedBytes;
    const result: BatchResult = { files: plan.files.length, done: 0, alreadyDone: 0, folders: 0, bytes: 0, resumedBytes: 0, seconds: 0, failures: [], skipped: [], renamed: [] };
    for (const refused of plan.refused) result.failures.push({ item: refused.key, error: refused.error });
    this.ctx.folders.forget();
    for (const folder of plan.folders) {
      await this.ctx.folders.ensure(folder, plan.folder).then(
        () => result.folders++,
        (error: unknown) => result.failures.push({ item: folder, error: asFerryError(error).toInfo() }),
      );
    }
    const log = await this.batchLog(plan.files.length, { kind: plan.sync ? 'sync-down' : 'download', server: this.ctx.server, bucket: plan.bucket, keyOrPrefix: plan.keyOrPrefix, folder: plan.folder });
    await this.runFiles(plan.files, result, log, signal, {
      entry: (job) => ({ id: job.key, key: job.key, size: job.size, etag: job.listed?.etag }),
      // The object is unchanged (ETag) and its file is still on disk.
      stillDone: (job, before) =>
        before.etag === job.listed?.etag && before.size === job.size ? stat(job.target).then((s) => s.size === job.size, () => false) : Promise.resolve(false),
      prepare: conflicts && ((jobs, resumedBatch) => this.settleDownloads(plan, jobs, conflicts, signal, resumedBatch)),
      transfer: (job) => this.download(job, signal),
      item: (job) => `s3://${job.bucket}/${job.key}`,
    });
    if (signal?.aborted) throw batchCancelled(signal.reason, result);
    result.seconds = (performance.now() - started) / 1000;
    result.resumedBytes += this.resumedBytes - resumedBefore;
    return result;
  }
}

/**
 * The batch's cancellation, with anything its files had to add (an upload that could not be
 * aborted yet): a person must hear that, even though they asked to stop.
 */
function batchCancelled(reason: unknown, result: BatchResult): FerryError {
  const plain = cancelledError().message;
  const more = new Set(result.failures.map((f) => f.error.message.replace(plain, '').trim()).filter((m) => m !== ''));
  return new FerryError('Cancelled', [plain, ...more].join(' '), { cause: reason });
}

/**
 * Runs a batch under its own follower of the caller's signal: every file in flight listens to the
 * batch's signal, so the caller's gets one listener, not one per file (Node warns past ten).
 */
async function withBatchSignal<T>(callerSignal: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const batch = followSignal(callerSignal);
  try {
    return await run(batch.controller.signal);
  } finally {
    batch.dispose();
  }
}
