// The app's transfers: every upload and download a person starts goes through one persisted queue
// (transferQueue.ts) and runs on the account's engine, or, for uploads of an account set to upload
// through a relay, through that relay (relaySends.ts). This file turns drops, Upload… choices,
// download selections and compared syncs into batches of rows, settles targets that exist (asking
// through the UI), feeds the engine's progress into the rows, makes a sync's deletions once its
// rows succeeded, and tells when a batch ends.

import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppEvent, BatchEvent, BucketReplica, DownloadStarted, QueueSnapshot, SyncReport } from '../../shared/api.js';
import { asSentence, primaryDown, replicaKey } from '../engine/failover.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { FINISHED_STATES, type AppSettings, type ChunkHeader, type QueueBatch, type QueueKind, type QueueRow, type SyncBatch } from '../../shared/queue.js';
import type { ConflictDecision, ObjectHeaders, TransferConflict, TransferEvent } from '../../shared/transfer.js';
import type { DownloadPlan, UploadPlan } from '../engine/batchPlan.js';
import type { CopyInput } from '../engine/copy.js';
import { SKIPPED_SAME, type ConflictOptions } from '../engine/conflicts.js';
import type { TransferEngine } from '../engine/engine.js';
import { anySignal } from '../engine/abort.js';
import { FerryError, asFerryError, cancelledError, pausedError } from '../engine/errors.js';
import { OFFLINE_CODES } from '../engine/retry.js';
import { mapInFlight } from '../engine/inFlight.js';
import type { Journal, JournalRecord } from '../engine/journal.js';
import { lastName } from '../engine/keyPath.js';
import { applyRules, type RuleSet } from '../engine/publishRules.js';
import type { PreparedItem } from '../engine/existingTargets.js';
import type { SyncPlan, SyncSession } from '../engine/sync.js';
import { AppSettingsFile } from './appSettings.js';
import { browserUploadPlan, type BrowserFile } from './browserUploadPlan.js';
import { BrowserUploads } from './browserUploads.js';
import { COPY_FAILURES_KEPT, copyCounts, copyFailure, copyLabel, copyWhat } from './copyRows.js';
import { JsonListFile, TransferQueue, type NewRow } from './transferQueue.js';
import type { ChunkResult } from '../../shared/api.js';
import { relayUpload } from '../relay/sender.js';
import { RelaySends, type RelayOutcome, type RelayedRow } from './relaySends.js';

/** A row with what running it needs besides what the UI sees. */
interface WorkRow extends QueueRow {
  /** Upload: the file read, when it is not `localPath` (a browser's file, spooled on the host). */
  source?: string;
  /** Download: the folder chosen; nothing is written outside it. */
  root?: string;
  headers?: ObjectHeaders;
  /** Download: size and ETag from the listing (ms for the date, as JSON keeps it). */
  listed?: { size: number; etag: string; lastModified?: number };
  /** "Overwrite if different": compared with this ETag first, skipped when the content is the same. */
  compare?: { etag?: string };
  /** A browser's file: the stream its bytes come by. */
  streamId?: string;
  /** A sync's download: the time the file gets (its object's, as the comparison read it). */
  modTime?: number;
  /** A sync's transfer: a new file or one that differed (for the report's created and updated). */
  syncChange?: 'create' | 'update';
  /** A copy's row: what the engine copies (run again as it is: its log passes over what was done). */
  copyInput?: CopyInput;
  /** A copy's failures of its last run, for its batch's report. */
  copyFailures?: { item: string; error: ErrorInfo }[];
  /** Upload: whether its target exists could not be asked (the server was down): asked when it runs. */
  settle?: boolean;
  /** Download: its bucket's endpoint failed mid-way, so it reads the bucket's replica (once: never back and forth). */
  fromReplica?: boolean;
}

interface BatchState extends QueueBatch {
  /** Its uploads go through the account's relay (so it was when the batch was planned), under its batch id there. */
  relayed?: boolean;
  startedAt?: number;
  /** The batch event for the rows' present end was sent. */
  ended?: boolean;
}

/** A sync of this run: its session (which makes the deletions), and what holds them besides failed rows. */
interface RunningSync {
  session: SyncSession;
  /** Stops the deletions (the batch cancelled, the app closing). */
  controller: AbortController;
  /** Of the batch's refused items, the plan's own (names that cannot make the round trip): they do not hold the deletions. */
  namesRefused: number;
  /** Deletions that failed, for the batch's report. */
  deletionFailures: { item: string; error: ErrorInfo }[];
}

export interface QueueServiceOptions {
  stateDir: string;
  configDir: string;
  journal: Journal;
  engineFor(accountId: string): Promise<TransferEngine>;
  /** The account a journal record's server belongs to (interrupted command-line transfers), if any. */
  accountForServer(server: string): Promise<string | undefined>;
  emit(event: AppEvent): void;
  /** The publishing rules kept for a bucket, if any: they give every upload into it its headers. */
  rulesFor(accountId: string, bucket: string): Promise<RuleSet | undefined>;
  /** How long a row that met an outage waits before it starts again (default 30 s; tests shorten it). */
  outageRetryMs?: number;
  /** The address (token included) of the relay the account uploads through; undefined: uploads go direct. */
  relayFor(accountId: string): Promise<string | undefined>;
  /** The bucket's replica (Replica…), where downloads go when its endpoint cannot be reached. */
  replicaFor?(accountId: string, bucket: string): Promise<BucketReplica | undefined>;
}

// Items of a download selection planned at once (a HEAD each, or a listing for a folder).
const PLANS_IN_FLIGHT = 16;
// How long a batch spends, at most, finishing the aborts earlier runs could not confirm.
const FINISH_ABORTS_MS = 5_000;

function publicRow(row: WorkRow): QueueRow {
  const { source: _source, root: _root, headers: _headers, listed: _listed, compare: _compare, streamId: _streamId, modTime: _modTime, syncChange: _syncChange, copyInput: _copyInput, copyFailures: _copyFailures, settle: _settle, fromReplica: _fromReplica, ...shown } = row;
  return shown;
}

/** A batch as the UI sees it: a copy, as a sync's part of it changes after it is sent. */
function publicBatch(batch: BatchState): QueueBatch {
  const { relayed: _r, startedAt: _s, ended: _e, ...shown } = batch;
  return shown.sync ? { ...shown, sync: { ...shown.sync } } : shown;
}

function labelFor(items: string[]): string {
  const first = items[0] ?? '';
  const name = lastName(first) + (first.endsWith('/') ? '/' : '');
  return items.length > 1 ? `${name} and ${items.length - 1} more` : name;
}

/**
 * The rows a batch's settled items make: skipped and refused items go to the batch's lists (named by
 * `shown`), the others become rows (`compare`: "overwrite if different" checks first). An item whose
 * target could not be looked up because the server is down becomes a row that looks when it runs.
 */
function settledRows<J>(
  batch: BatchState,
  jobs: J[],
  prepared: PreparedItem<J>[],
  shown: (job: J) => string,
  row: (job: J, compare: { etag?: string } | undefined) => NewRow<WorkRow>,
): NewRow<WorkRow>[] {
  const rows: NewRow<WorkRow>[] = [];
  for (const [index, item] of prepared.entries()) {
    const job = jobs[index];
    if (!job) continue;
    if (item.kind === 'skip') batch.skipped.push({ item: shown(job), reason: item.reason });
    else if (item.kind === 'fail' && OFFLINE_CODES.has(item.error.code)) rows.push({ ...row(job, undefined), settle: true });
    else if (item.kind === 'fail') batch.refused.push({ item: shown(job), error: item.error.toInfo() });
    else if (item.kind === 'transfer') rows.push(row(item.job, undefined));
    else if (item.kind === 'compare') rows.push(row(item.job, { etag: item.etag }));
  }
  return rows;
}

/**
 * A sync's batch as a new run finds it: its session (which alone makes the deletions) is gone, so
 * deletions not yet made will not be; its rows resume as any batch's do.
 */
function afterRestart(sync: SyncBatch): SyncBatch {
  if (sync.phase === 'done' || sync.heldBecause === 'cancelled') return sync;
  return sync.deleted < sync.deletions ? { ...sync, phase: 'held', heldBecause: 'restarted' } : { ...sync, phase: 'done', heldBecause: undefined };
}

export class QueueService {
  private queue!: TransferQueue<WorkRow>;
  private readonly settingsFile: AppSettingsFile;
  private readonly batches = new Map<string, BatchState>();
  private readonly batchRows = new Map<string, Set<string>>();
  private readonly planning = new Map<string, AbortController>();
  private readonly conflicts = new Map<string, { batchId: string; resolve: (d: ConflictDecision) => void; reject: (e: unknown) => void }>();
  private readonly syncs = new Map<string, RunningSync>();
  private readonly relaySends = new RelaySends(relayUpload);
  private closing = false;
  readonly browserUploads: BrowserUploads;
  private readonly batchFile: JsonListFile<BatchState>;

  private constructor(private readonly options: QueueServiceOptions) {
    this.settingsFile = new AppSettingsFile(options.configDir);
    this.browserUploads = new BrowserUploads(options.stateDir);
    this.batchFile = new JsonListFile<BatchState>(path.join(options.stateDir, 'queue-batches.json'));
  }

  static async open(options: QueueServiceOptions): Promise<QueueService> {
    const service = new QueueService(options);
    const settings = await service.settingsFile.load();
    for (const batch of await service.batchFile.load()) service.batches.set(batch.batchId, { ...batch, planning: false, sync: batch.sync && afterRestart(batch.sync) });
    const interrupted = await service.interruptedRows();
    service.queue = await TransferQueue.open<WorkRow>(
      {
        storage: new JsonListFile<WorkRow>(path.join(options.stateDir, 'queue.json')),
        run: (row, control) => service.run(row, control),
        inFlight: settings.filesInFlight,
        onChange: (rows, removed, moved) => service.changed(rows, removed, moved),
        discard: (row) => service.discard(row),
        // An upload or download that cannot reach its server waits in the queue, never failing its batch.
        outage: (error) => OFFLINE_CODES.has(error.code),
        outageRetryMs: options.outageRetryMs,
      },
      interrupted,
    );
    for (const row of service.queue.list()) service.indexRow(row);
    // Rows whose batch was lost (an older file) still get a group.
    for (const row of service.queue.list()) {
      if (!service.batches.has(row.batchId)) service.batches.set(row.batchId, { ...service.newBatch(row.batchId, row.kind, row.accountId, row.bucket, '', 'Interrupted earlier'), planning: false });
    }
    // Groups with no rows left (cleared, or every interrupted transfer already had its row) go.
    for (const batchId of service.batches.keys()) if (!service.batchRows.has(batchId)) service.batches.delete(batchId);
    service.saveBatches();
    return service;
  }

  settings(): AppSettings {
    return this.settingsFile.get();
  }

  /** Saves the changes and applies them at once: to the queue, and to every engine's running transfers. */
  async updateSettings(changes: Partial<AppSettings>, engines: Iterable<Promise<TransferEngine>>): Promise<AppSettings> {
    const next = await this.settingsFile.set(changes);
    this.queue.setInFlight(next.filesInFlight);
    const { partsInFlight, filesInFlight, bandwidthLimit } = next;
    for (const engine of engines) void engine.then((e) => e.updateSettings({ partsInFlight, filesInFlight, bandwidthLimit }), () => undefined);
    this.options.emit({ type: 'settings', settings: next });
    return next;
  }

  snapshot(): QueueSnapshot {
    return { rows: this.queue.list().map(publicRow), batches: [...this.batches.values()].map(publicBatch) };
  }

  /** Engine events: progress moves the rows' byte counts (the events themselves go to the UI as they are). */
  onTransferEvent(event: TransferEvent): void {
    if (event.type === 'progress') this.queue.progress(event.transfer.id, event.transfer.bytesDone);
  }

  pause(ids?: string[]): number {
    return this.queue.pause(ids);
  }

  resume(ids?: string[]): number {
    return this.queue.resume(ids);
  }

  retry(ids?: string[]): number {
    // Their batches end again, and say so again: a retry can end before the queue tells of its
    // rows running, so their having ended is forgotten here.
    for (const row of ids ? ids.map((id) => this.queue.get(id)) : this.queue.list()) {
      const batch = row?.state === 'failed' ? this.batches.get(row.batchId) : undefined;
      if (batch) batch.ended = false;
    }
    return this.queue.retry(ids);
  }

  cancel(ids?: string[]): Promise<number> {
    return this.queue.cancel(ids);
  }

  moveToTop(ids: string[]): number {
    return this.queue.moveToTop(ids);
  }

  clearFinished(): number {
    const removed = this.queue.clearFinished().length;
    // Groups that never had rows (every item skipped, a sync that only deleted) go too.
    for (const [batchId, batch] of this.batches) {
      if (!this.batchRows.has(batchId) && !batch.planning && batch.sync?.phase !== 'deleting') this.forgetBatch(batchId);
    }
    this.saveBatches();
    return removed;
  }

  /** Cancels a batch: its planning (and any question it asks), every row it made, and a sync's deletions under way. */
  async cancelBatch(batchId: string): Promise<boolean> {
    const planning = this.planning.get(batchId);
    planning?.abort(cancelledError());
    const deleting = this.batches.get(batchId)?.sync?.phase === 'deleting' ? this.syncs.get(batchId) : undefined;
    deleting?.controller.abort(cancelledError());
    const rows = [...(this.batchRows.get(batchId) ?? [])];
    await this.queue.cancel(rows);
    return planning !== undefined || deleting !== undefined || rows.length > 0;
  }

  answerConflict(conflictId: string, decision: ConflictDecision): boolean {
    const waiting = this.conflicts.get(conflictId);
    if (!waiting) return false;
    this.conflicts.delete(conflictId);
    waiting.resolve(decision);
    this.options.emit({ type: 'conflictClosed', conflictId });
    return true;
  }

  receiveChunk(header: ChunkHeader, bytes: Buffer): Promise<ChunkResult> {
    return this.browserUploads.receive(header, bytes);
  }

  /** Stops running rows as a pause does, so the next start resumes them from their journals. */
  async close(): Promise<void> {
    this.closing = true;
    for (const planning of this.planning.values()) planning.abort(cancelledError());
    for (const sync of this.syncs.values()) sync.controller.abort(cancelledError());
    await this.queue.stop();
    this.queue.flushChanges();
    for (const batchId of [...this.syncs.keys()]) this.closeSync(batchId);
  }

  // ---- starting batches ------------------------------------------------------------------------

  /** Local files and folders into `prefix`: returns at once; the folders are walked, targets settled, rows added. */
  upload(accountId: string, bucket: string, prefix: string, paths: string[]): { batchId: string } {
    const batch = this.newBatch(randomUUID(), 'upload', accountId, bucket, prefix, labelFor(paths.map((p) => path.basename(p))));
    this.addBatch(batch);
    void this.plan(batch, async (engine, signal) => {
      const plan = await this.withRules(accountId, await engine.planUploads(paths, bucket, prefix, undefined, signal));
      if ((await this.options.relayFor(accountId)) !== undefined) return this.relayedRows(batch, plan);
      return this.settleUploads(engine, batch, plan, signal, (job) => ({ localPath: job.source }));
    });
    return { batchId: batch.batchId };
  }

  /**
   * A browser's drop: its files' relative paths and sizes. Once the targets that exist are settled,
   * answers with a stream per file to send; the file's row waits for its bytes.
   */
  async uploadFromBrowser(
    accountId: string,
    bucket: string,
    prefix: string,
    files: BrowserFile[],
    emptyFolders: string[],
  ): Promise<{ batchId: string; streams: { index: number; streamId: string }[] }> {
    const streamIds = files.map(() => randomUUID());
    const planned = browserUploadPlan(bucket, prefix, files, emptyFolders, (index) => this.browserUploads.fileOf(streamIds[index] ?? randomUUID()));
    const batch = this.newBatch(randomUUID(), 'upload', accountId, bucket, prefix, labelFor(planned.sources));
    this.addBatch(batch);
    const streams: { index: number; streamId: string }[] = [];
    await this.plan(batch, async (engine, signal) => {
      const streamOf = new Map(planned.files.map((job, index) => [job.source, { index, name: files[index]?.path ?? job.source }]));
      const plan = await this.withRules(accountId, planned);
      return this.settleUploads(engine, batch, plan, signal, (job) => {
        const stream = streamOf.get(job.source);
        if (!stream) return { localPath: job.source };
        const streamId = path.basename(job.source);
        streams.push({ index: stream.index, streamId });
        return { localPath: stream.name, source: job.source, streamId, received: 0 };
      }, (source) => streamOf.get(source)?.name ?? source);
    });
    if (batch.refused.length > 0 && streams.length === 0 && files.length > 0) throw new FerryError(batch.refused[0]?.error.code ?? 'Unknown', batch.refused[0]?.error.message ?? 'Nothing to upload.');
    return { batchId: batch.batchId, streams };
  }

  /** Plans the selection (a HEAD per key, a listing per prefix), then settles targets and adds rows in the background. */
  async download(primaryAccountId: string, primaryBucket: string, keys: string[], prefixes: string[], folder: string): Promise<DownloadStarted> {
    const items = [...keys, ...prefixes.map((p) => (p.endsWith('/') ? p : `${p}/`))];
    const controller = new AbortController();
    const from = await this.downloadSource(primaryAccountId, primaryBucket, items, folder, controller.signal);
    const { engine, accountId, bucket, plans } = from;
    const batch = this.newBatch(randomUUID(), 'download', accountId, bucket, folder, labelFor(items));
    const plan: DownloadPlan = {
      bucket,
      keyOrPrefix: items.join('\n'),
      folder: plans[0]?.folder ?? folder,
      files: plans.flatMap((p) => p.files),
      folders: plans.flatMap((p) => p.folders),
      refused: plans.flatMap((p) => p.refused),
    };
    this.addBatch(batch);
    void this.plan(batch, async (_engine, signal) => {
      batch.refused.push(...plan.refused.map((r) => ({ item: `s3://${bucket}/${r.key}`, error: r.error })));
      const made = await engine.makeLocalFolders(plan.folders, plan.folder);
      batch.refused.push(...made.failures);
      const prepared = await engine.settleDownloads(plan, plan.files, this.conflictOptions(batch, (p) => p), signal);
      return settledRows(batch, plan.files, prepared, (job) => `s3://${bucket}/${job.key}`, (j, compare) => ({
        id: randomUUID(),
        kind: 'download',
        accountId,
        bucket,
        key: j.key,
        localPath: j.target,
        root: plan.folder,
        size: j.size,
        batchId: batch.batchId,
        listed: j.listed && { size: j.listed.size, etag: j.listed.etag, lastModified: j.listed.lastModified?.getTime() },
        compare,
      }));
    }, controller);
    return { batchId: batch.batchId, folder: plan.folder, files: plan.files.length, bytes: plan.files.reduce((sum, f) => sum + f.size, 0), ...(from.served ? { served: from.served } : {}) };
  }

  /**
   * Where a download's selection is read: the bucket, or, when its endpoint cannot be reached
   * (refused, timed out, 5xx after retries) and it has a replica, the replica's account, bucket and
   * keys (prefix + key: the same local names). Its rows then read the replica to the end.
   */
  private async downloadSource(accountId: string, bucket: string, items: string[], folder: string, signal: AbortSignal): Promise<{ engine: TransferEngine; accountId: string; bucket: string; plans: DownloadPlan[]; served?: DownloadStarted['served'] }> {
    const engine = await this.options.engineFor(accountId);
    try {
      return { engine, accountId, bucket, plans: await mapInFlight(items, PLANS_IN_FLIGHT, (item) => engine.planDownloads(bucket, item, folder, signal)) };
    } catch (error) {
      const replica = primaryDown(error) ? await this.options.replicaFor?.(accountId, bucket).catch(() => undefined) : undefined;
      if (!replica) throw error;
      const place = { bucket: replica.replicaBucket, prefix: replica.prefix };
      const from = await this.options.engineFor(replica.replicaAccountId);
      const plans = await mapInFlight(items, PLANS_IN_FLIGHT, (item) => from.planDownloads(place.bucket, replicaKey(place, item), folder, signal));
      const location = `s3://${place.bucket}/${place.prefix}`;
      return { engine: from, accountId: replica.replicaAccountId, bucket: place.bucket, plans, served: { by: 'replica', location, because: asSentence(asFerryError(error).message) } };
    }
  }

  /**
   * A copy or move of keys and prefixes (named below `input.base`) into the target account, as one
   * row of its own batch: the queue runs it on the target's engine (from the source's, when it is
   * another account), pauses it (what is in flight finishes; a copy in parts keeps its upload),
   * keeps it across restarts, and a resumed or retried run passes over what it had copied.
   */
  async copy(sourceAccountId: string, target: { accountId: string; name: string }, input: CopyInput): Promise<{ batchId: string }> {
    // Both accounts must exist now; a bad request is refused here, not by a failed row.
    await Promise.all([this.options.engineFor(target.accountId), this.options.engineFor(sourceAccountId)]);
    const where = `${target.name}: ${input.targetBucket}/${input.targetPrefix}`;
    const batch = this.newBatch(randomUUID(), 'copy', target.accountId, input.targetBucket, where, copyLabel(input, target.name, input.targetBucket, input.targetPrefix));
    batch.planning = false;
    this.addBatch(batch);
    const row: NewRow<WorkRow> = {
      id: randomUUID(),
      kind: 'copy',
      accountId: target.accountId,
      bucket: input.targetBucket,
      key: input.targetKey ?? input.targetPrefix,
      localPath: '',
      size: 0,
      batchId: batch.batchId,
      copy: { move: input.move === true, sourceAccountId, sourceBucket: input.sourceBucket, what: copyWhat(input), targetName: target.name, listed: false, objects: 0, copied: 0, skipped: 0, failed: 0, deleted: 0 },
      copyInput: input,
    };
    this.indexRow(row);
    this.queue.add([row]);
    return { batchId: batch.batchId };
  }

  /**
   * A compared sync (syncPlans.ts) as one batch: its transfers are the rows (the session's jobs, under
   * the session's batch id, so it hears them finish); its empty folders are made first; once every
   * row has ended with none failed, its deletions are made (endSync).
   */
  async sync(accountId: string, plan: SyncPlan): Promise<{ batchId: string }> {
    const engine = await this.options.engineFor(accountId);
    const session = await engine.startSync(plan);
    const { input } = plan;
    const up = input.direction === 'up';
    const name = up ? `${path.basename(input.folder)}/` : input.prefix === '' ? `${input.bucket}/` : `${lastName(input.prefix)}/`;
    const batch = this.newBatch(session.batchId, up ? 'upload' : 'download', accountId, input.bucket, up ? input.prefix : input.folder, `Sync ${name}`);
    batch.sync = {
      direction: input.direction,
      folder: input.folder,
      prefix: input.prefix,
      unchanged: plan.counts.unchanged,
      folders: 0,
      extra: plan.extra,
      excluded: plan.counts.excluded,
      deletions: plan.counts.delete,
      deleted: 0,
      phase: 'transferring',
    };
    batch.refused.push(...plan.refused);
    batch.skipped.push(...plan.skipped.map((s) => ({ item: s.path, reason: s.reason })));
    this.syncs.set(batch.batchId, { session, controller: new AbortController(), namesRefused: plan.refused.length, deletionFailures: [] });
    this.addBatch(batch);
    void this.plan(batch, (_engine, signal) => (up ? this.syncUploadRows(engine, batch, session, signal) : this.syncDownloadRows(engine, batch, session)));
    return { batchId: batch.batchId };
  }

  private async syncUploadRows(engine: TransferEngine, batch: BatchState, session: SyncSession, signal: AbortSignal): Promise<NewRow<WorkRow>[]> {
    const plan = session.uploadPlan();
    await engine.finishAborts(AbortSignal.any([signal, AbortSignal.timeout(FINISH_ABORTS_MS)])).catch(() => 0);
    let made = 0;
    await mapInFlight(plan.folderMarkers, 8, async (key) => {
      await engine.newFolder(plan.bucket, key, signal).then(
        () => made++,
        (error: unknown) => batch.refused.push({ item: `s3://${plan.bucket}/${key}`, error: asFerryError(error).toInfo() }),
      );
    });
    if (batch.sync) batch.sync.folders = made;
    const change = new Map(session.transfers.map((a) => [a.key, a.change]));
    return plan.files.map((job) => ({ ...uploadRow(batch, plan.bucket, job), syncChange: change.get(job.key) }));
  }

  private async syncDownloadRows(engine: TransferEngine, batch: BatchState, session: SyncSession): Promise<NewRow<WorkRow>[]> {
    const plan = session.downloadPlan();
    // The folder itself first, then its empty folders: only those count as made.
    const made = await engine.makeLocalFolders(plan.folders, plan.folder);
    batch.refused.push(...made.failures);
    if (batch.sync) batch.sync.folders = Math.max(0, made.made - 1);
    const change = new Map(session.transfers.map((a) => [a.key, a.change]));
    return plan.files.map((job) => ({
      id: randomUUID(),
      kind: 'download',
      accountId: batch.accountId,
      bucket: plan.bucket,
      key: job.key,
      localPath: job.target,
      root: plan.folder,
      size: job.size,
      batchId: batch.batchId,
      listed: job.listed && { size: job.listed.size, etag: job.listed.etag, lastModified: job.listed.lastModified?.getTime() },
      modTime: job.modTime,
      syncChange: change.get(job.key),
    }));
  }

  // ---- planning ------------------------------------------------------------------------------

  /** The bucket's kept publishing rules give each file its headers (every upload from the app into it). */
  private async withRules(accountId: string, plan: UploadPlan): Promise<UploadPlan> {
    const rules = await this.options.rulesFor(accountId, plan.bucket);
    return rules ? applyRules(plan, rules, undefined) : plan;
  }

  /**
   * A relayed batch's rows: every planned file, with no look at what exists: the host puts each,
   * replacing an object of the same key, as `ferry upload --via` does (a look per file would cost
   * the round trips across the long path the relay is there to save).
   */
  private relayedRows(batch: BatchState, plan: UploadPlan): NewRow<WorkRow>[] {
    batch.relayed = true;
    batch.skipped.push(...plan.skipped.map((s) => ({ item: s.path, reason: s.reason })));
    // The relay carries files: an empty folder's marker object is not made.
    batch.skipped.push(...plan.folderMarkers.map((key) => ({ item: `s3://${plan.bucket}/${key}`, reason: 'an empty folder is not sent through a relay' })));
    return plan.files.map((job) => uploadRow(batch, plan.bucket, job));
  }

  /** Runs a batch's planning under its own signal; its rows join the queue when it ends, its failure is the batch's. */
  private async plan(batch: BatchState, work: (engine: TransferEngine, signal: AbortSignal) => Promise<NewRow<WorkRow>[]>, controller = new AbortController()): Promise<void> {
    this.planning.set(batch.batchId, controller);
    try {
      const engine = await this.options.engineFor(batch.accountId);
      const rows = await work(engine, controller.signal);
      if (controller.signal.aborted) throw cancelledError();
      for (const row of rows) this.indexRow(row);
      this.queue.add(rows);
    } catch (error) {
      const info = asFerryError(error).toInfo();
      if (info.code !== 'Cancelled') batch.refused.push({ item: batch.label, error: info });
    } finally {
      this.planning.delete(batch.batchId);
      this.closeConflicts(batch.batchId);
      // The rows are told before the batch says its planning is over, so it never looks empty.
      this.queue.flushChanges();
      batch.planning = false;
      this.emitBatch(batch);
      this.checkEnded(batch.batchId);
    }
  }

  private async settleUploads(
    engine: TransferEngine,
    batch: BatchState,
    plan: UploadPlan,
    signal: AbortSignal,
    rowOf: (job: UploadPlan['files'][number]) => Partial<WorkRow> & { localPath: string },
    shownPath: (source: string) => string = (p) => p,
  ): Promise<NewRow<WorkRow>[]> {
    await engine.finishAborts(AbortSignal.any([signal, AbortSignal.timeout(FINISH_ABORTS_MS)])).catch(() => 0);
    batch.skipped.push(...plan.skipped.map((s) => ({ item: s.path, reason: s.reason })));
    await mapInFlight(plan.folderMarkers, 8, async (key) => {
      await engine.newFolder(plan.bucket, key, signal).catch((error: unknown) => batch.refused.push({ item: `s3://${plan.bucket}/${key}`, error: asFerryError(error).toInfo() }));
    });
    const prepared: PreparedItem<UploadPlan['files'][number]>[] = await engine.settleUploads(plan, plan.files, this.conflictOptions(batch, shownPath), signal);
    const rows = settledRows(batch, plan.files, prepared, (job) => shownPath(job.source), (j, compare) => ({ ...uploadRow(batch, plan.bucket, j), compare, ...rowOf(j) }));
    // A browser's files that will not be sent: their streams are never opened.
    for (const row of rows) if (row.streamId) this.browserUploads.expect(row.streamId, row.size, (received) => this.queue.update(row.id, { received }));
    return rows;
  }

  /** The settings' policy; 'ask' asks the UI with a `conflict` event and waits for its answer. */
  private conflictOptions(batch: BatchState, shownPath: (local: string) => string): ConflictOptions {
    return {
      ifExists: this.settings().ifExists,
      ask: (conflict: TransferConflict, signal?: AbortSignal) =>
        new Promise<ConflictDecision>((resolve, reject) => {
          const conflictId = randomUUID();
          this.conflicts.set(conflictId, { batchId: batch.batchId, resolve, reject });
          signal?.addEventListener('abort', () => {
            if (this.conflicts.delete(conflictId)) {
              this.options.emit({ type: 'conflictClosed', conflictId });
              reject(cancelledError(signal.reason));
            }
          });
          this.options.emit({ type: 'conflict', conflictId, batchId: batch.batchId, conflict: { ...conflict, localPath: shownPath(conflict.localPath) } });
        }),
    };
  }

  private closeConflicts(batchId: string): void {
    for (const [conflictId, waiting] of this.conflicts) {
      if (waiting.batchId !== batchId) continue;
      this.conflicts.delete(conflictId);
      waiting.reject(cancelledError());
      this.options.emit({ type: 'conflictClosed', conflictId });
    }
  }

  // ---- running rows ------------------------------------------------------------------------------

  private async run(row: WorkRow, control: { cancel: AbortSignal; pause: AbortSignal }): Promise<void> {
    try {
      await this.transfer(row, control);
    } catch (error) {
      // A browser's file that will not be sent after all: its sender hears so at its next chunk.
      if (row.streamId && control.cancel.aborted) await this.browserUploads.discard(row.streamId);
      throw error;
    }
  }

  private async transfer(row: WorkRow, { cancel, pause }: { cancel: AbortSignal; pause: AbortSignal }): Promise<void> {
    const batch = this.batches.get(row.batchId);
    if (row.kind === 'upload' && batch?.relayed) return this.runRelayed(row, batch, cancel, pause);
    const engine = await this.options.engineFor(row.accountId);
    if (row.kind === 'copy') return this.runCopy(engine, row, cancel, pause);
    if (row.kind === 'upload') {
      if (row.streamId) await this.browserUploads.ready(row.streamId, row.size, cancel, pause);
      const source = row.source ?? row.localPath;
      if (row.settle && !(await this.settleNow(engine, row, source, cancel))) return;
      if (row.compare && (await this.same(engine, row, source, cancel))) return;
      await engine.upload({ id: row.id, source, bucket: row.bucket, key: row.key, headers: row.headers, batchId: row.batchId }, cancel, pause);
      if (row.streamId) await this.browserUploads.discard(row.streamId);
    } else {
      if (row.compare && (await this.same(engine, row, row.localPath, cancel))) return;
      const listed = row.listed && { size: row.listed.size, etag: row.listed.etag, lastModified: row.listed.lastModified === undefined ? undefined : new Date(row.listed.lastModified) };
      const job = { id: row.id, bucket: row.bucket, key: row.key, target: row.localPath, root: row.root ?? path.dirname(row.localPath), listed, modTime: row.modTime, batchId: row.batchId };
      try {
        await engine.download(job, cancel, pause);
      } catch (error) {
        if (!(await this.toReplica(row, error))) throw error;
        return this.transfer(row, { cancel, pause });
      }
    }
  }

  /**
   * A download whose bucket's endpoint failed mid-way (refused, timed out, 5xx after the engine's
   * wait) and whose bucket has a replica: the row reads the replica from now on, saying so. The
   * file starts over: the journal keeps ranges per server and key, and the replica is another.
   */
  private async toReplica(row: WorkRow, error: unknown): Promise<boolean> {
    if (row.fromReplica || !primaryDown(error)) return false;
    const replica = await this.options.replicaFor?.(row.accountId, row.bucket).catch(() => undefined);
    if (!replica) return false;
    const place = { bucket: replica.replicaBucket, prefix: replica.prefix };
    const key = replicaKey(place, row.key);
    const note = `s3://${row.bucket}/ cannot be reached (${asSentence(asFerryError(error).message)}); reading the replica s3://${place.bucket}/${key} instead.`;
    Object.assign(row, { accountId: replica.replicaAccountId, bucket: place.bucket, key, fromReplica: true, listed: undefined, compare: undefined });
    // The row is the queue's own: changed in place, then saved and shown with the note.
    this.queue.update(row.id, { note }, true);
    return true;
  }

  /** A copy's row: the engine's copy, its counts and bytes (those passed over count as done) into the row. */
  private async runCopy(engine: TransferEngine, row: WorkRow, cancel: AbortSignal, pause: AbortSignal): Promise<void> {
    const { copyInput: input, copy } = row;
    if (!input || !copy) throw new FerryError('InvalidInput', 'This copy lost what it copies (a queue file from another version of Ferry); start it again.');
    const from = copy.sourceAccountId === row.accountId ? undefined : await this.options.engineFor(copy.sourceAccountId);
    row.copyFailures = undefined;
    const result = await engine.copy(
      input,
      {
        signal: cancel,
        pause,
        onProgress: (p) => {
          this.queue.update(row.id, { size: p.totalBytes, copy: { ...copy, ...copyCounts(p) } });
          this.queue.progress(row.id, p.bytes + p.skippedBytes);
        },
        onResumed: (r) => this.queue.update(row.id, { note: `${r.key}: resumed, ${r.partsDone} of ${r.parts} parts were already copied` }),
      },
      from,
    );
    this.queue.update(row.id, { copy: { ...copy, ...copyCounts({ ...result, listed: true, failed: result.failures.length }) }, note: undefined }, true);
    const failure = copyFailure(result);
    if (failure) {
      row.copyFailures = result.failures.slice(0, COPY_FAILURES_KEPT);
      throw failure;
    }
  }

  /**
   * An upload planned while its server was down: whether its target exists is asked now, under the
   * batch's policy (asking the person, if that is the policy). False: nothing to upload (skipped).
   */
  private async settleNow(engine: TransferEngine, row: WorkRow, source: string, signal: AbortSignal): Promise<boolean> {
    const batch = this.batches.get(row.batchId);
    if (!batch) return true;
    const job = { source, bucket: row.bucket, key: row.key, headers: row.headers, size: row.size, mtimeMs: (await stat(source)).mtimeMs };
    const plan: UploadPlan = { bucket: row.bucket, sources: [source], destination: row.key, files: [job], folderMarkers: [], folderPrefixes: [], skipped: [] };
    const [item] = await engine.settleUploads(plan, [job], this.conflictOptions(batch, (p) => (row.streamId ? row.localPath : p)), signal);
    if (item?.kind === 'fail') throw item.error;
    row.settle = undefined;
    if (item?.kind === 'skip' || item?.kind === 'done') {
      this.queue.update(row.id, { note: item.kind === 'skip' ? `skipped: ${item.reason}` : 'already uploaded' }, true);
      return false;
    }
    if (item?.kind === 'compare') row.compare = { etag: item.etag };
    // "Keep both": the upload goes to the free name.
    if (item?.kind === 'transfer') row.key = item.job.key;
    return true;
  }

  /** "Overwrite if different": the same content is skipped (done, with a note saying so). */
  private async same(engine: TransferEngine, row: WorkRow, file: string, signal: AbortSignal): Promise<boolean> {
    const same = await engine.sameContent(file, row.compare?.etag, row.size, signal);
    if (same) this.queue.update(row.id, { note: `skipped: ${SKIPPED_SAME}` }, true);
    return same;
  }

  /**
   * An upload of a relayed batch: done when the host's line for its file says so, failed with the
   * host's error. Pause and cancel are coarse: the row stops waiting at once, but the send carrying
   * it goes on (relayUpload takes no signal), so the host may still put the file; what the host
   * finished stays finished, and a resumed or retried row learns so from the host's log.
   */
  private async runRelayed(row: WorkRow, batch: BatchState, cancel: AbortSignal, pause: AbortSignal): Promise<void> {
    const url = await this.options.relayFor(row.accountId);
    if (url === undefined) throw new FerryError('InvalidInput', 'This upload was to go through the account’s relay, which is no longer set: upload it again.');
    // The relay names a file by its key below the prefix, which is empty or ends in "/".
    const prefix = batch.target.endsWith('/') ? batch.target : '';
    const relayed = (r: WorkRow): RelayedRow => ({ id: r.id, file: { path: r.localPath, name: r.key.slice(prefix.length), size: r.size, headers: r.headers } });
    const waiting = () =>
      [...(this.batchRows.get(batch.batchId) ?? [])]
        .map((id) => this.queue.get(id))
        .filter((r): r is WorkRow => r?.state === 'queued' || r?.state === 'active')
        .map(relayed);
    const stop = anySignal([cancel, pause]);
    let paused = false;
    const outcome = await new Promise<RelayOutcome>((resolve, reject) => {
      const stopped = () => {
        paused = !cancel.aborted;
        reject(paused ? pausedError() : cancelledError());
      };
      if (stop.aborted) return stopped();
      stop.addEventListener('abort', stopped, { once: true });
      this.relaySends
        .outcome(relayed(row), { url, bucket: row.bucket, prefix, batch: batch.batchId }, waiting)
        .then(resolve, reject)
        .finally(() => stop.removeEventListener('abort', stopped));
    }).finally(() => {
      // A paused row, resumed, waits on the same send; any other is done with it.
      if (!paused) this.relaySends.forget(row.id);
    });
    if (!outcome.ok) throw new FerryError(outcome.error.code, outcome.error.message);
    this.queue.progress(row.id, row.size);
    if (outcome.earlier) this.queue.update(row.id, { note: 'already uploaded: the relay had finished it' }, true);
  }

  /** A row cancelled while not running: its multipart upload aborted, its partial file or spool removed (a copy's kept uploads and log). */
  private async discard(row: WorkRow): Promise<void> {
    // A relayed row's bytes are the host's: nothing of it is held here (a send may still carry it).
    if (row.kind === 'upload' && this.batches.get(row.batchId)?.relayed) return this.relaySends.forget(row.id);
    if (row.streamId) await this.browserUploads.discard(row.streamId);
    const engine = await this.options.engineFor(row.accountId);
    if (row.kind === 'copy') {
      if (!row.copyInput || !row.copy) return;
      const from = row.copy.sourceAccountId === row.accountId ? undefined : await this.options.engineFor(row.copy.sourceAccountId);
      return engine.discardCopy(row.copyInput, from);
    }
    await engine.discard(row.kind, row.bucket, row.key, row.kind === 'upload' ? (row.source ?? row.localPath) : row.localPath);
  }

  // ---- batches --------------------------------------------------------------------------------

  private newBatch(batchId: string, kind: QueueKind, accountId: string, bucket: string, target: string, label: string): BatchState {
    return { batchId, kind, label, accountId, bucket, target, createdAt: Date.now(), planning: true, refused: [], skipped: [] };
  }

  private addBatch(batch: BatchState): void {
    this.batches.set(batch.batchId, batch);
    this.emitBatch(batch);
  }

  private emitBatch(batch: BatchState): void {
    this.options.emit({ type: 'queueBatch', batch: publicBatch(batch) });
    this.saveBatches();
  }

  private saveBatches(): void {
    void this.batchFile.save([...this.batches.values()]).catch(() => undefined);
  }

  private indexRow(row: Pick<QueueRow, 'id' | 'batchId'>): void {
    let rows = this.batchRows.get(row.batchId);
    if (!rows) this.batchRows.set(row.batchId, (rows = new Set()));
    rows.add(row.id);
  }

  private changed(rows: WorkRow[], removed: string[], moved: string[]): void {
    this.options.emit({ type: 'queue', rows: rows.map(publicRow), removed, ...(moved.length > 0 ? { moved } : {}) });
    for (const id of removed) {
      for (const [batchId, ids] of this.batchRows) {
        if (!ids.delete(id) || ids.size > 0) continue;
        this.batchRows.delete(batchId);
        if (!this.planning.has(batchId)) this.forgetBatch(batchId);
      }
    }
    if (removed.length > 0) this.saveBatches();
    for (const batchId of new Set(rows.map((r) => r.batchId))) {
      const batch = this.batches.get(batchId);
      if (batch && batch.startedAt === undefined && rows.some((r) => r.batchId === batchId && r.state === 'active')) batch.startedAt = Date.now();
      this.checkEnded(batchId);
    }
  }

  /** A batch gone from the queue (its rows cleared): a sync's session stops listening. */
  private forgetBatch(batchId: string): void {
    this.batches.delete(batchId);
    this.closeSync(batchId);
  }

  private closeSync(batchId: string): void {
    this.syncs.get(batchId)?.session.close();
    this.syncs.delete(batchId);
  }

  /** Sends the batch event once all its rows have ended (and again after a retry ends); a sync's deletions come first. */
  private checkEnded(batchId: string): void {
    const batch = this.batches.get(batchId);
    if (!batch || batch.planning) return;
    const rows = [...(this.batchRows.get(batchId) ?? [])].map((id) => this.queue.get(id)).filter((r): r is WorkRow => r !== undefined);
    const ended = rows.every((r) => FINISHED_STATES.includes(r.state));
    if (!ended) {
      batch.ended = false;
      return;
    }
    if (batch.ended) return;
    batch.ended = true;
    if (batch.sync) void this.endSync(batch, batch.sync, rows);
    else this.options.emit(this.batchEvent(batch, rows));
  }

  /**
   * A sync's rows have all ended. None failed or was cancelled: the session makes the deletions.
   * Otherwise they are held (a failure's until a retry succeeds). Without a session (Ferry stopped
   * during the sync) they are not made. Then the batch event, with what the sync did in all.
   */
  private async endSync(batch: BatchState, sync: SyncBatch, rows: WorkRow[]): Promise<void> {
    const running = this.syncs.get(batch.batchId);
    const failed = rows.filter((r) => r.state === 'failed').length + (running ? batch.refused.length - running.namesRefused : 0);
    const cancelled = rows.some((r) => r.state === 'cancelled');
    const hold = (because: NonNullable<SyncBatch['heldBecause']>) => {
      sync.phase = sync.deleted < sync.deletions ? 'held' : 'done';
      sync.heldBecause = sync.phase === 'held' ? because : undefined;
    };
    if (!running) {
      if (sync.phase !== 'done' && sync.phase !== 'held') hold('restarted');
    } else if (cancelled || failed > 0) {
      // What the finished transfers taught of their objects' times is kept; nothing is deleted.
      await running.session.finish(Math.max(1, failed)).catch(() => undefined);
      hold(cancelled ? 'cancelled' : 'failed');
      if (cancelled) this.closeSync(batch.batchId);
    } else {
      sync.phase = 'deleting';
      this.emitBatch(batch);
      try {
        const out = await running.session.finish(0, running.controller.signal);
        sync.deleted += out.deleted;
        running.deletionFailures = out.failures;
        sync.phase = 'done';
        sync.heldBecause = undefined;
      } catch {
        hold(this.closing ? 'restarted' : 'cancelled');
      }
      this.closeSync(batch.batchId);
    }
    this.emitBatch(batch);
    const done = rows.filter((r) => r.state === 'done');
    const report: SyncReport = {
      created: done.filter((r) => r.syncChange === 'create').length,
      updated: done.filter((r) => r.syncChange === 'update').length,
      deleted: sync.deleted,
      unchanged: sync.unchanged,
      folders: sync.folders,
      deletionsHeld: sync.phase === 'held' ? sync.deletions - sync.deleted : 0,
      heldBecause: sync.phase === 'held' ? sync.heldBecause : undefined,
      extra: sync.extra,
      excluded: sync.excluded,
    };
    const event = this.batchEvent(batch, rows, running?.deletionFailures ?? []);
    this.options.emit({ ...event, sync: report });
  }

  private batchEvent(batch: BatchState, rows: WorkRow[], more: { item: string; error: ErrorInfo }[] = []): BatchEvent {
    const failures: { item: string; error: ErrorInfo }[] = [...batch.refused, ...more];
    for (const row of rows) {
      if (row.state !== 'failed' || !row.error) continue;
      if (row.copyFailures) failures.push(...row.copyFailures);
      else failures.push({ item: row.kind === 'upload' ? row.localPath : `s3://${row.bucket}/${row.key}`, error: row.error });
    }
    const done = rows.filter((r) => r.state === 'done');
    const cancelled = rows.some((r) => r.state === 'cancelled');
    return {
      type: 'batch',
      batchId: batch.batchId,
      kind: batch.kind,
      ...(batch.kind === 'copy' ? { move: rows.some((r) => r.copy?.move) } : {}),
      label: batch.label,
      status: failures.length > 0 ? 'failed' : cancelled ? 'cancelled' : 'done',
      files: rows.length,
      done: done.length,
      bytes: done.reduce((sum, r) => sum + r.size, 0),
      seconds: batch.startedAt === undefined ? 0 : (Date.now() - batch.startedAt) / 1000,
      failures,
    };
  }

  // ---- interrupted transfers of earlier runs ------------------------------------------------------

  /** Transfers the journal holds (an app or command line that was stopped) as rows, under one batch. */
  private async interruptedRows(): Promise<NewRow<WorkRow>[]> {
    // A browser's spooled file has its row already (or is gone with its page); 'aborting' ones are cleaned up, not resumed.
    const records = (await this.options.journal.list()).filter(
      (r: JournalRecord) => r.kind === 'download' || (r.phase !== 'aborting' && path.dirname(r.source) !== this.browserUploads.dir),
    );
    const rows: NewRow<WorkRow>[] = [];
    let batch: BatchState | undefined;
    for (const record of records) {
      const accountId = await this.options.accountForServer(record.server).catch(() => undefined);
      if (!accountId) continue;
      batch ??= this.newBatch(randomUUID(), record.kind, accountId, record.bucket, '', 'Interrupted earlier');
      const common = { id: randomUUID(), accountId, bucket: record.bucket, key: record.key, size: record.size, batchId: batch.batchId };
      rows.push(
        record.kind === 'upload'
          ? { ...common, kind: 'upload', localPath: record.source, headers: record.headers }
          : { ...common, kind: 'download', localPath: record.target, root: path.dirname(record.target), listed: { size: record.size, etag: record.etag } },
      );
    }
    if (batch) {
      batch.planning = false;
      this.batches.set(batch.batchId, batch);
    }
    return rows;
  }
}

/** A queue row for one planned file of an upload batch. */
function uploadRow(batch: BatchState, bucket: string, job: UploadPlan['files'][number]): NewRow<WorkRow> {
  return { id: randomUUID(), kind: 'upload', accountId: batch.accountId, bucket, key: job.key, localPath: job.source, size: job.size, batchId: batch.batchId, headers: job.headers };
}
