// Copies and moves between buckets. On one account and endpoint the server copies (serverCopy.ts:
// CopyObject, UploadPartCopy above its limit), keeping headers and metadata; across accounts or
// providers the bytes stream through this machine, GET of the source into the part buffers and PUT
// to the target, part by part, never touching the local disk. A move deletes each source only once
// its copy is verified (or the target already held the same object), in batches of up to 1,000.

import type { ErrorInfo } from '../../shared/errors.js';
import type { CopyCounts } from '../../shared/queue.js';
import type { ObjectHeaders } from '../../shared/transfer.js';
import { followSignal } from './abort.js';
import { EtagHasher, crc32FromValue, etagIsContentHash, isMd5Etag, multipartEtag, multipartEtagParts } from './checksum.js';
import type { EngineContext } from './context.js';
import { etagCheck, type EtagCheck } from './download.js';
import { FerryError, asFerryError, cancelledError, pausedError } from './errors.js';
import { EtagSession, hashPart } from './hashPool.js';
import { currentHeaders } from './headerChange.js';
import { mapInFlight } from './inFlight.js';
import { BatchLog, JournalWriter, journalId, type CopyRecord } from './journal.js';
import { partPlan, partRange, rangePlan } from './partPlan.js';
import { ServerCopier } from './serverCopy.js';
import type { CopyExtras, ObjectInfo, S3Store } from './s3/store.js';
import { fetchRangeInto, streamMaxPartSize } from './streams.js';

/** When the target key holds an object: copy only if it differs (size or ETag), always, or never. */
export const COPY_IF_EXISTS = ['different', 'overwrite', 'skip'] as const;
export type CopyIfExists = (typeof COPY_IF_EXISTS)[number];

export interface CopyInput {
  sourceBucket: string;
  /** Keys to copy, each to the target prefix plus its name below `base`. */
  keys: string[];
  /** Prefixes whose every object is copied, named below `base` the same way. */
  prefixes: string[];
  /** What names start from: the folder a person was looking at, or a command line's source prefix. */
  base: string;
  targetBucket: string;
  /** Empty or ending in "/". */
  targetPrefix: string;
  /** One key (the only one in `keys`) to this exact key instead (`ferry copy s3://a/k s3://b/other-name`). */
  targetKey?: string;
  ifExists?: CopyIfExists;
  /** Copy only where the target is missing or older than the source (a replica kept in step; what changed there is left). */
  onlyNewer?: boolean;
  /** Delete each source once its copy is verified. */
  move?: boolean;
}

/**
 * The command line's two addresses as a copy: a prefix's objects go below the target prefix
 * (`copy s3://a/p/ s3://b/q/` makes q/x of p/x, as `aws s3 cp --recursive` and rclone do); one
 * key goes into a target prefix under its name, or to the exact target key.
 */
export function copyInputFromUrls(source: { bucket: string; key: string }, target: { bucket: string; key: string }): Pick<CopyInput, 'sourceBucket' | 'keys' | 'prefixes' | 'base' | 'targetBucket' | 'targetPrefix' | 'targetKey'> {
  const common = { sourceBucket: source.bucket, targetBucket: target.bucket };
  if (isPrefix(source.key)) return { ...common, keys: [], prefixes: [source.key], base: source.key, targetPrefix: targetPrefix(target.key) };
  const base = source.key.slice(0, source.key.lastIndexOf('/') + 1);
  if (isPrefix(target.key)) return { ...common, keys: [source.key], prefixes: [], base, targetPrefix: target.key };
  return { ...common, keys: [source.key], prefixes: [], base, targetPrefix: '', targetKey: target.key };
}

export interface CopyProgress extends CopyCounts {
  /** Bytes at the target: objects copied, a large object's parts as they arrive. */
  bytes: number;
  /** Bytes of the objects passed over (the target held them). */
  skippedBytes: number;
  /** Bytes of the objects listed so far (all of them once `listed`). */
  totalBytes: number;
}

export interface CopyResult {
  objects: number;
  copied: number;
  /** Left alone: the target held the same object (or, with `skip`, any object). */
  skipped: number;
  /** Sources deleted (a move). */
  deleted: number;
  /** Of `skipped`, objects an interrupted or paused run of the same copy had copied already. */
  alreadyDone: number;
  bytes: number;
  seconds: number;
  /** True when the bytes went through this machine (another account or provider). */
  streamed: boolean;
  failures: { item: string; error: ErrorInfo }[];
}

export interface CopyOptions {
  /** Cancels: a streamed copy in parts aborts its upload. */
  signal?: AbortSignal;
  /** Stops the copy gracefully: no object or part starts, those in flight finish (a copy in parts keeps its upload for the next run), and the run rejects with Paused. */
  pause?: AbortSignal;
  onProgress?: (progress: CopyProgress) => void;
  /** A streamed multipart copy goes on from an interrupted run's parts. */
  onResumed?: (resumed: { key: string; partsDone: number; parts: number }) => void;
}

interface Item {
  source: ObjectInfo;
  targetKey: string;
}

/** What a target key holds, as a HEAD or the target's listing saw it. */
interface Existing {
  size: number;
  etag?: string;
  lastModified?: Date;
}

const PROGRESS_MS = 250;
// Up to this many keys (and no prefix), the targets are looked up one by one; more, by one listing.
const FEW_KEYS = 20;
const DELETE_BATCH = 1000;
// Aborting a multipart upload must not depend on the signal that cancelled it.
const ABORT_TIMEOUT_MS = 30_000;

export function isPrefix(key: string): boolean {
  return key === '' || key.endsWith('/');
}

export class Copier {
  private readonly counts: CopyProgress = { listed: false, objects: 0, copied: 0, skipped: 0, failed: 0, deleted: 0, bytes: 0, skippedBytes: 0, totalBytes: 0 };
  private alreadyDone = 0;
  /** The sources this copy (the same input, between the same servers) finished in earlier runs. */
  private log: BatchLog | undefined;
  private readonly failures: { item: string; error: ErrorInfo }[] = [];
  private lastProgress = 0;
  private readonly serverCopier: ServerCopier;
  private readonly toDelete: string[] = [];
  private deleting: Promise<void> = Promise.resolve();

  /**
   * `ctx` is the target account's engine; `sourceStore` the source account's store, the same as
   * `ctx.store` when `onServer` (one account and endpoint: the server copies).
   */
  constructor(
    private readonly ctx: EngineContext,
    private readonly sourceStore: S3Store,
    private readonly onServer: boolean,
    private readonly input: CopyInput,
    private readonly options: CopyOptions = {},
    /** The source's server in the journal (its endpoint), for the log of what this copy finished. */
    private readonly sourceServer = ctx.server,
  ) {
    this.serverCopier = new ServerCopier(ctx, ctx.settings.copyObjectLimit, 'the copy', options.onResumed);
  }

  async run(): Promise<CopyResult> {
    const started = performance.now();
    const { controller, dispose } = followSignal(this.options.signal);
    try {
      return await this.runAll(controller.signal, started);
    } finally {
      dispose();
      await this.log?.flush();
    }
  }


  private async runAll(signal: AbortSignal, started: number): Promise<CopyResult> {
    const { input } = this;
    this.checkOverlap();
    const items = await this.plan(signal);
    if (this.ctx.journal && items.length > 1) this.log = await BatchLog.open(this.ctx.journal, copyLogIdentity(input, this.sourceServer, this.ctx.server, this.onServer));
    // An overwrite looks at the targets only to pass over what an earlier run of it copied.
    const lookUp = input.ifExists !== 'overwrite' || input.onlyNewer === true || items.some((item) => this.log?.get(item.source.key));
    const existing = lookUp ? await this.existingTargets(items, signal) : new Map<string, Existing>();
    const { pause } = this.options;
    let paused = false;
    await mapInFlight(items, this.ctx.settings.filesInFlight, async (item) => {
      if (signal.aborted || pause?.aborted) return;
      try {
        await this.copyOne(item, existing.get(item.targetKey), signal);
      } catch (error) {
        if (signal.aborted) return;
        if (asFerryError(error).code === 'Paused') {
          paused = true;
          return;
        }
        this.counts.failed++;
        this.failures.push({ item: `s3://${input.sourceBucket}/${item.source.key}`, error: asFerryError(error).toInfo() });
      }
      this.progress();
    });
    this.flushDeletes(signal, true);
    await this.deleting;
    if (signal.aborted) throw cancelledError();
    if (paused || (pause?.aborted && this.counts.copied + this.counts.skipped + this.counts.failed < items.length)) {
      this.progress(true);
      throw pausedError();
    }
    // Done: a later run of the same copy starts afresh (one with failures passes over what succeeded).
    if (this.failures.length === 0) await this.log?.remove().catch(() => undefined);
    this.progress(true);
    const { objects, copied, skipped, deleted, bytes } = this.counts;
    return { objects, copied, skipped, alreadyDone: this.alreadyDone, deleted, bytes, seconds: (performance.now() - started) / 1000, streamed: !this.onServer, failures: this.failures };
  }

  /** Where `key` (below the base) goes. */
  private targetFor(key: string): string {
    const { input } = this;
    if (input.targetKey !== undefined) return input.targetKey;
    if (!key.startsWith(input.base)) throw new FerryError('InvalidInput', `${key} is not below ${input.base || 'the bucket'}, where the copy's names start.`);
    return input.targetPrefix + key.slice(input.base.length);
  }

  /** On one account, a target inside the source (or the reverse) would copy or delete what it just wrote. */
  private checkOverlap(): void {
    const { input } = this;
    if (input.keys.length + input.prefixes.length === 0) throw new FerryError('InvalidInput', 'Name the objects to copy: a key or a prefix.');
    if (input.targetKey !== undefined && (input.keys.length !== 1 || input.prefixes.length > 0)) throw new FerryError('InvalidInput', 'An exact target key is for one source key.');
    if (!this.onServer || input.sourceBucket !== input.targetBucket) return;
    for (const key of input.keys) {
      if (this.targetFor(key) === key) throw new FerryError('InvalidInput', `s3://${input.sourceBucket}/${key} would be copied onto itself; give another key.`);
    }
    for (const prefix of input.prefixes) {
      const to = this.targetFor(prefix);
      if (to.startsWith(prefix) || prefix.startsWith(to)) {
        throw new FerryError('InvalidInput', `s3://${input.targetBucket}/${to} and s3://${input.sourceBucket}/${prefix} overlap: copy to a prefix outside the source.`);
      }
    }
  }

  /** Every object to copy, with its target key: the keys (read by HEAD), and the prefixes' listings. */
  private async plan(signal: AbortSignal): Promise<Item[]> {
    const { input } = this;
    const items = new Map<string, Item>();
    for (const key of input.keys) {
      const info = await this.sourceStore.headObject(input.sourceBucket, key, { signal, interactive: true });
      items.set(key, { source: info, targetKey: this.targetFor(key) });
      this.counts.objects = items.size;
      this.counts.totalBytes += info.size;
    }
    for (const prefix of input.prefixes) {
      for await (const entry of this.sourceStore.listAll(input.sourceBucket, prefix, { signal })) {
        items.set(entry.key, {
          source: { key: entry.key, size: entry.size, etag: entry.etag ?? '', lastModified: entry.lastModified, storageClass: entry.storageClass, headers: {} },
          targetKey: this.targetFor(entry.key),
        });
        this.counts.objects = items.size;
        this.counts.totalBytes += entry.size;
        this.progress();
      }
    }
    this.counts.objects = items.size;
    this.counts.listed = true;
    this.progress(true);
    return [...items.values()];
  }

  /**
   * What the targets hold now: a HEAD of each of a few keys, or one listing of the target prefix
   * (a prefix's worth of objects costs one request per 1,000 instead of one each).
   */
  private async existingTargets(items: Item[], signal: AbortSignal): Promise<Map<string, Existing>> {
    const { input } = this;
    const found = new Map<string, Existing>();
    if (input.prefixes.length === 0 && items.length <= FEW_KEYS) {
      await mapInFlight(items, this.ctx.settings.filesInFlight, async ({ targetKey }) => {
        try {
          const info = await this.ctx.store.headObject(input.targetBucket, targetKey, { signal, interactive: true });
          found.set(targetKey, { size: info.size, etag: info.etag, lastModified: info.lastModified });
        } catch (error) {
          if (asFerryError(error).code !== 'NoSuchKey') throw error;
        }
      });
      return found;
    }
    for await (const entry of this.ctx.store.listAll(input.targetBucket, input.targetPrefix, { signal })) found.set(entry.key, { size: entry.size, etag: entry.etag, lastModified: entry.lastModified });
    return found;
  }

  private async copyOne(item: Item, existing: Existing | undefined, signal: AbortSignal): Promise<void> {
    const source = { bucket: this.input.sourceBucket };
    const target = { bucket: this.input.targetBucket };
    // What an earlier run of this copy finished is passed over if the target still holds it.
    const earlier = this.log?.get(item.source.key) !== undefined;
    const ifExists = earlier ? 'different' : this.input.ifExists;
    if (existing) {
      const same = existing.size === item.source.size && !!existing.etag && existing.etag.toLowerCase() === item.source.etag.toLowerCase();
      // --only-newer: a target as new as the source or newer (changed there, or copied since) is left.
      const newerThere = this.input.onlyNewer === true && existing.lastModified !== undefined && item.source.lastModified !== undefined && existing.lastModified >= item.source.lastModified;
      if (ifExists === 'skip' || (ifExists !== 'overwrite' && same) || newerThere) {
        this.counts.skipped++;
        this.counts.skippedBytes += item.source.size;
        if (earlier && same) this.alreadyDone++;
        // The target already holds this very object: a move may let the source go.
        if (same) this.deleteSource(item.source.key, signal);
        return;
      }
    }
    if (this.onServer) {
      let info = item.source;
      // A copy in parts (above CopyObject's limit, or a multipart source, whose parts are kept) names
      // the headers itself: they come from a HEAD (a listing has none).
      const inParts = info.size > this.ctx.settings.copyObjectLimit || (multipartEtagParts(info.etag) ?? 1) > 1;
      if (inParts && Object.keys(info.headers).length === 0) info = await this.ctx.store.headObject(source.bucket, info.key, { signal });
      await this.serverCopier.copy({ bucket: source.bucket, info }, { bucket: target.bucket, key: item.targetKey }, undefined, copyExtras(info), signal, { keepParts: true, pause: this.options.pause });
      this.counts.bytes += item.source.size;
    } else {
      // Bytes count as their parts arrive, so a large object's progress moves while it goes.
      const onBytes = (bytes: number) => {
        this.counts.bytes += bytes;
        this.progress();
      };
      await new StreamedCopy(this.ctx, this.sourceStore, { bucket: source.bucket, key: item.source.key }, { bucket: target.bucket, key: item.targetKey }, this.options.onResumed, onBytes).run(signal, this.options.pause);
    }
    this.counts.copied++;
    void this.log?.add({ id: item.source.key, key: item.targetKey, size: item.source.size, etag: item.source.etag });
    this.deleteSource(item.source.key, signal);
  }

  private deleteSource(key: string, signal: AbortSignal): void {
    if (!this.input.move) return;
    this.toDelete.push(key);
    this.flushDeletes(signal, false);
  }

  /** Deletes the verified sources in batches (DeleteObjects, up to 1,000 keys), one batch at a time. */
  private flushDeletes(signal: AbortSignal, all: boolean): void {
    while (this.toDelete.length >= DELETE_BATCH || (all && this.toDelete.length > 0)) {
      const batch = this.toDelete.splice(0, DELETE_BATCH);
      this.deleting = this.deleting.then(async () => {
        if (signal.aborted) return;
        try {
          await this.sourceStore.deleteObjects(this.input.sourceBucket, batch, { signal });
          this.counts.deleted += batch.length;
        } catch (error) {
          if (signal.aborted) return;
          const info = asFerryError(error).toInfo();
          this.counts.failed += batch.length;
          for (const key of batch) this.failures.push({ item: `s3://${this.input.sourceBucket}/${key} (copied, not deleted)`, error: info });
        }
        this.progress();
      });
    }
  }

  private progress(force = false): void {
    const now = performance.now();
    if (!force && now - this.lastProgress < PROGRESS_MS) return;
    this.lastProgress = now;
    this.options.onProgress?.({ ...this.counts });
  }
}

/** What names a copy's log of finished keys: the same copy between the same servers finds it again. */
export function copyLogIdentity(input: CopyInput, sourceServer: string, targetServer: string, onServer: boolean): unknown {
  const { sourceBucket, keys, prefixes, base, targetBucket, targetPrefix, targetKey, ifExists, move } = input;
  return { kind: 'copy', from: sourceServer, to: targetServer, onServer, sourceBucket, keys, prefixes, base, targetBucket, targetPrefix, targetKey, ifExists, move };
}

/**
 * Forgets a paused or interrupted copy that will not be resumed: the uploads its copies in parts
 * kept at the target (aborted, their records removed) and its log of finished keys.
 */
export async function discardCopy(ctx: Pick<EngineContext, 'store' | 'journal' | 'server'>, input: CopyInput, sourceServer: string, onServer: boolean, signal?: AbortSignal): Promise<void> {
  const { journal } = ctx;
  if (!journal) return;
  const under = (key: string) => (input.targetKey !== undefined ? key === input.targetKey : key.startsWith(input.targetPrefix));
  for (const record of await journal.listCopies()) {
    if (record.server !== ctx.server || record.bucket !== input.targetBucket || !under(record.key)) continue;
    await ctx.store.abortMultipartUpload({ bucket: record.bucket, key: record.key, uploadId: record.uploadId }, { signal }).catch((error: unknown) => {
      if (asFerryError(error).code !== 'NoSuchUpload') throw error;
    });
    await journal.remove(record.id);
  }
  await (await BatchLog.open(journal, copyLogIdentity(input, sourceServer, ctx.server, onServer))).remove();
}

function targetPrefix(key: string): string {
  return isPrefix(key) ? key : `${key}/`;
}

/** Storage class, encryption and redirect, which a copy names again (STANDARD is the default). */
function copyExtras(info: ObjectInfo): CopyExtras {
  return {
    storageClass: info.storageClass && info.storageClass !== 'STANDARD' ? info.storageClass : undefined,
    serverSideEncryption: info.serverSideEncryption,
    sseKmsKeyId: info.sseKmsKeyId,
    websiteRedirectLocation: info.websiteRedirectLocation,
  };
}

/**
 * One object from one account to another, through this machine: small ones whole (one GET, one
 * PUT), larger ones as a multipart upload whose parts are ranges of the source, each fetched into
 * a part buffer, hashed and sent. The part size is the source's own where its ETag tells it, so
 * the copy's ETag equals the source's (proof end to end); otherwise the source's ETag is rebuilt
 * from the bytes in order as they pass. A journal record per object lets an interrupted copy go
 * on from the parts the target holds.
 */
class StreamedCopy {
  constructor(
    private readonly ctx: EngineContext,
    private readonly sourceStore: S3Store,
    private readonly source: { bucket: string; key: string },
    private readonly target: { bucket: string; key: string },
    private readonly onResumed?: (resumed: { key: string; partsDone: number; parts: number }) => void,
    /** Bytes at the target: the whole object, each part sent, the parts an earlier run sent. */
    private readonly onBytes: (bytes: number) => void = () => undefined,
  ) {}

  private pause: AbortSignal | undefined;

  /** `pause`: no part starts after it fires; those in flight finish and the upload is kept for the next run (Paused). */
  async run(signal: AbortSignal, pause?: AbortSignal): Promise<void> {
    this.pause = pause;
    const { ctx, source } = this;
    const info = await this.sourceStore.headObject(source.bucket, source.key, { signal });
    const headers: ObjectHeaders = { ...currentHeaders(info), storageClass: undefined };
    const check = await etagCheck({ ...ctx, store: this.sourceStore }, source.bucket, source.key, info, signal);
    const capacity = ctx.buffers.capacity;
    if (info.size <= Math.min(ctx.settings.multipartThreshold, capacity)) return this.whole(info, headers, check, signal);
    const ownPart = check.kind === 'multipart' && check.partSize <= streamMaxPartSize(ctx.settings.partSize, capacity) ? check.partSize : undefined;
    const partSize = ownPart ?? Math.min(partPlan(info.size, ctx.settings.partSize).partSize, streamMaxPartSize(ctx.settings.partSize, capacity));
    return this.inParts(info, headers, check, partSize, signal);
  }

  private async whole(info: ObjectInfo, headers: ObjectHeaders, check: EtagCheck, signal: AbortSignal): Promise<void> {
    const { ctx, source, target } = this;
    const lease = await ctx.buffers.acquire(info.size, signal);
    try {
      await fetchRangeInto(ctx, this.sourceStore, { bucket: source.bucket, key: source.key, etag: info.etag }, { offset: 0, length: info.size }, lease.buffer, signal);
      const { md5 } = await hashPart(lease.buffer, false);
      // The MD5 just taken is a plain ETag's check; only a multipart ETag needs its parts hashed.
      if (check.kind === 'md5') this.compareWithSource(check, md5.toString('hex'));
      else if (check.kind === 'multipart') {
        const hasher = new EtagHasher(check.partSize);
        hasher.update(lease.buffer);
        this.compareWithSource(check, hasher.digest());
      }
      const out = await ctx.store.putObject({ bucket: target.bucket, key: target.key, body: lease.buffer, md5: md5.toString('base64'), headers }, { signal });
      if (etagIsContentHash(out.serverSideEncryption) && isMd5Etag(out.etag) && out.etag.toLowerCase() !== md5.toString('hex')) {
        throw new FerryError('ChecksumMismatch', `s3://${target.bucket}/${target.key}: the server stored ETag ${out.etag}, but the bytes sent have MD5 ${md5.toString('hex')}.`);
      }
      this.onBytes(info.size);
    } finally {
      lease.release();
    }
  }

  private async inParts(info: ObjectInfo, headers: ObjectHeaders, check: EtagCheck, partSize: number, signal: AbortSignal): Promise<void> {
    const { ctx, source, target } = this;
    const { store, journal, server } = ctx;
    const plan = rangePlan(info.size, partSize);
    let record = await journal?.findCopy(server, target.bucket, target.key, info.etag);
    const done = new Map<number, string>();
    if (record && (record.size !== info.size || record.partSize !== partSize)) record = undefined;
    if (record) {
      try {
        const onServer = new Map((await store.listParts({ bucket: target.bucket, key: target.key, uploadId: record.uploadId }, { signal })).map((p) => [p.partNumber, p.etag]));
        // A part counts if the target holds it with the ETag recorded when it was sent.
        for (const part of record.parts) if (onServer.get(part.n) === part.etag) done.set(part.n, part.etag);
        this.onResumed?.({ key: target.key, partsDone: done.size, parts: plan.partCount });
        this.onBytes([...done.keys()].reduce((sum, n) => sum + partRange(plan, n - 1).length, 0));
      } catch (error) {
        if (asFerryError(error).code !== 'NoSuchUpload') throw error;
        record = undefined;
      }
    }
    if (!record) {
      const uploadId = await store.createMultipartUpload({ bucket: target.bucket, key: target.key, headers, crc32: ctx.crc32 }, { signal });
      const now = new Date().toISOString();
      record = { version: 1, kind: 'copy', id: journalId('copy', server, target.bucket, target.key, info.etag), server, bucket: target.bucket, key: target.key, sourceEtag: info.etag, size: info.size, partSize, uploadId, headers, parts: [], createdAt: now, updatedAt: now } satisfies CopyRecord;
    }
    const writer = journal ? new JournalWriter(journal, record) : undefined;
    if (writer) {
      writer.update((r) => {
        r.parts = r.parts.filter((p) => done.has(p.n));
      });
      await writer.flush();
    }
    const { uploadId } = record;
    // The source's ETag rebuilt from the bytes in order, unless the parts themselves give it
    // (the same part size) or some parts were sent by an earlier run (their bytes do not pass again).
    const ordered = check.kind !== 'none' && !(check.kind === 'multipart' && check.partSize === partSize) && done.size === 0;
    const session = ordered ? new EtagSession(check.kind === 'multipart' ? check.partSize : undefined) : undefined;
    let turn: Promise<void> = Promise.resolve();
    const todo = Array.from({ length: plan.partCount }, (_, i) => i + 1).filter((n) => !done.has(n));
    const stop = followSignal(signal);
    let failure: unknown;
    try {
      await mapInFlight(todo, Math.max(1, Math.min(ctx.settings.partsInFlight, Math.floor(ctx.buffers.capacity / partSize))), async (n) => {
        const before = turn;
        let handOn = () => {};
        turn = new Promise<void>((resolve) => (handOn = resolve));
        try {
          if (stop.controller.signal.aborted || this.pause?.aborted) return;
          const range = partRange(plan, n - 1);
          const lease = await ctx.buffers.acquire(range.length, stop.controller.signal);
          try {
            await fetchRangeInto(ctx, this.sourceStore, { bucket: source.bucket, key: source.key, etag: info.etag }, range, lease.buffer, stop.controller.signal);
            const { md5, crc } = await hashPart(lease.buffer, ctx.crc32);
            const sending = store.uploadPart(
              { bucket: target.bucket, key: target.key, uploadId, partNumber: n, body: lease.buffer, md5: md5.toString('base64'), crc32: crc === undefined ? undefined : crc32FromValue(crc) },
              { signal: stop.controller.signal },
            );
            const hashing = session ? before.then(() => session.update(lease.buffer)) : Promise.resolve();
            const [etag] = await Promise.all([sending, hashing]);
            done.set(n, etag);
            writer?.update((r) => r.parts.push({ n, etag }));
            this.onBytes(range.length);
          } finally {
            lease.release();
          }
        } catch (error) {
          failure ??= error;
          stop.controller.abort();
        } finally {
          handOn();
        }
      });
      stop.dispose();
      if (signal.aborted) throw cancelledError();
      if (failure !== undefined) throw failure;
      if (done.size < plan.partCount) throw pausedError();
      const parts = [...done].sort((a, b) => a[0] - b[0]).map(([partNumber, etag]) => ({ partNumber, etag }));
      const expected = multipartEtag(parts.map((p) => Buffer.from(p.etag, 'hex')));
      if (session) this.compareWithSource(check, await session.digest());
      else if (check.kind === 'multipart' && check.partSize === partSize) this.compareWithSource(check, expected);
      const out = await store.completeMultipartUpload({ bucket: target.bucket, key: target.key, uploadId, parts }, { signal });
      await writer?.remove();
      if (etagIsContentHash(out.serverSideEncryption) && out.etag.includes('-') && out.etag.toLowerCase() !== expected) {
        throw new FerryError('ChecksumMismatch', `s3://${target.bucket}/${target.key}: the server's ETag ${out.etag} differs from ${expected}, computed from the parts sent.`);
      }
    } catch (error) {
      session?.drop();
      const code = asFerryError(error).code;
      // A lost network, a busy server or a pause keeps the upload and its record for the next run; anything else aborts it.
      if (!signal.aborted && (code === 'Paused' || (asFerryError(error).retryable && code !== 'Cancelled'))) {
        await writer?.flush().catch(() => undefined);
      } else {
        await store.abortMultipartUpload({ bucket: target.bucket, key: target.key, uploadId }, { signal: AbortSignal.timeout(ABORT_TIMEOUT_MS) }).catch(() => undefined);
        await writer?.remove().catch(() => undefined);
      }
      throw error;
    }
  }

  /** The bytes copied hash to the source's ETag, or the copy is refused. */
  private compareWithSource(check: EtagCheck, actual: string): void {
    if (check.kind === 'none' || actual === check.etag) return;
    // A guessed part size that does not reproduce the ETag proves nothing either way.
    if (check.kind === 'multipart' && !check.authoritative) return;
    throw new FerryError('ChecksumMismatch', `s3://${this.source.bucket}/${this.source.key}: the bytes read hash to ${actual}, but the object's ETag is ${check.etag}. Nothing was kept at s3://${this.target.bucket}/${this.target.key}.`);
  }
}
