// One object to one file: ranged GETs in parallel, written at their offsets into a temporary file
// beside the target, verified, then renamed into place.

import { rename, rm, stat, utimes, type FileHandle } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import type { VerifyResult } from '../../shared/transfer.js';
import { EtagHasher, isMd5Etag, md5, multipartEtagParts, etagIsContentHash } from './checksum.js';
import { segmentCallOptions, transferCallOptions, type EngineContext } from './context.js';
import { FerryError, fromFsError } from './errors.js';
import { SequentialVerifier } from './downloadVerifier.js';
import { JournalWriter, journalId, type DownloadRecord } from './journal.js';
import { partPlan, rangePlan, partRange } from './partPlan.js';
import { runSegments } from './segments.js';
import { Transfer } from './transfer.js';
import { withRetry } from './retry.js';
import { MTIME_METADATA, objectModTime, parseModTime } from './modTime.js';
import { DEFAULT_SETTINGS, retryPolicy } from './settings.js';
import { openTemp } from './localLinks.js';
import type { ObjectInfo } from './s3/store.js';

export interface DownloadJob {
  bucket: string;
  key: string;
  /** Absolute path of the file to create, already checked to lie inside the chosen folder. */
  target: string;
  /** The chosen folder (absolute): no symbolic link below it is followed on the way to the target. */
  root?: string;
  /** The file's modification time (ms), when the caller knows the object's (a sync does); else from its metadata. */
  modTime?: number;
  /** Size and ETag from a listing, which spare a HEAD request per object. */
  listed?: { size: number; etag: string; lastModified?: Date };
  /** Carried into progress events, so a UI can tell which of its batches a transfer belongs to. */
  batchId?: string;
  /** The transfer's id in progress events (a queue row's); a new one when absent. */
  id?: string;
}

const MiB = 1024 * 1024;
const WRITE_BATCH_BYTES = MiB;
// Objects up to this size are received whole into memory and written with one call (fewer file
// system calls per file); memory stays bounded at files in flight × this.
const SMALL_OBJECT_BYTES = MiB;
// Part sizes of the usual uploaders, tried when the server cannot tell a multipart object's part size:
// AWS CLI 8 MiB, rclone 5 MiB, s3cmd 15 MiB, and common round sizes.
const COMMON_PART_SIZES = [8, 5, 16, 15, 10, 32, 64, 100, 128].map((n) => n * MiB);

// The temporary file is opened without following a symlink (where the platform has O_NOFOLLOW):
// a link planted between the folder checks and the open fails with ELOOP instead of being written through.
const { O_CREAT, O_TRUNC, O_RDWR, O_WRONLY, O_NOFOLLOW = 0 } = fsConstants;
const OPEN_NEW_RW = O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW;
const OPEN_NEW_W = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW;
const OPEN_EXISTING = O_RDWR | O_NOFOLLOW;

export type EtagCheck =
  | { kind: 'md5'; etag: string }
  | { kind: 'multipart'; etag: string; partSize: number; authoritative: boolean }
  | { kind: 'none'; reason: string };

/** The temporary file a download writes before it is complete: hidden, beside the target. */
export function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.ferry-download`);
}

export class DownloadTransfer extends Transfer<DownloadJob> {
  private writer: JournalWriter<DownloadRecord> | undefined;

  private get temp(): string {
    return temporaryPathFor(this.job.target);
  }

  protected async transfer(): Promise<VerifyResult> {
    const { meter, ctx, job, temp } = this;
    const signal = this.controller.signal;
    const info: ObjectInfo = job.listed
      ? { key: job.key, size: job.listed.size, etag: job.listed.etag, lastModified: job.listed.lastModified, headers: {} }
      : await ctx.store.headObject(job.bucket, job.key, transferCallOptions(ctx, meter, signal));
    // The temporary file's folder is the target's, made and checked; a link planted at the
    // temporary name is removed when opening it finds one (openTemp).
    await ctx.folders.prepareFolder(temp, job.root);
    const check = await etagCheck(ctx, job.bucket, job.key, info, signal);
    let verified: VerifyResult;
    if (info.size === 0) {
      meter.plan(0, []);
      // No GET brings an empty object's metadata: its stored time needs a HEAD (when a listing spared one).
      if (job.listed && job.modTime === undefined) this.learnModTime((await ctx.store.headObject(job.bucket, job.key, transferCallOptions(ctx, meter, signal))).headers.metadata);
      await (await openTemp(temp, OPEN_NEW_W)).close();
      verified = await this.compare(check, md5(new Uint8Array()).toString('hex'));
    } else {
      const resume = await this.startOrResume(info);
      if (resume.ranges.size === 0 && info.size <= SMALL_OBJECT_BYTES) return this.finish(await this.fetchWhole(temp, info, check));
      const file = await openTemp(temp, resume.ranges.size > 0 ? OPEN_EXISTING : OPEN_NEW_RW);
      try {
        verified = await this.fetchRanges(file, temp, info, check, resume);
        // A large file is flushed before it takes the target's name, so a power cut cannot leave a
        // file of the right size full of zeros; for small files the cost per file outweighs that.
        if (info.size > ctx.settings.partSize) await file.datasync();
      } finally {
        await file.close();
      }
    }
    return this.finish(verified, info);
  }

  /** The object's `mtime` metadata, from the HEAD or from any GET response (each carries it). */
  private modTime: number | undefined;

  private learnModTime(metadata: Record<string, string> | undefined): void {
    this.modTime ??= parseModTime(metadata?.[MTIME_METADATA]);
  }

  /**
   * The time the file gets (seconds, as utimes takes them): the one its object keeps (the uploaded
   * file's), else when the object was written. A number, not a Date: a Date drops the fraction of a millisecond.
   */
  private fileTime(info: ObjectInfo): number | undefined {
    const ms = this.job.modTime ?? this.modTime ?? objectModTime(info.headers.metadata, info.lastModified);
    return ms === undefined ? undefined : ms / 1000;
  }

  /** The verified temporary file takes the target's name (and the object's modification time). */
  private async finish(verified: VerifyResult, info?: ObjectInfo): Promise<VerifyResult> {
    const { job, temp } = this;
    const time = info && this.fileTime(info);
    if (time) await utimes(temp, time, time).catch(() => undefined);
    await rename(temp, job.target).catch((error: unknown) => {
      throw fromFsError(error, job.target);
    });
    await this.writer?.remove();
    return verified;
  }

  /**
   * A small object: received into memory and hashed as it arrives, verified, then
   * written with one call. Nothing to resume, so a failed attempt simply starts again.
   */
  private async fetchWhole(temp: string, info: ObjectInfo, check: EtagCheck): Promise<VerifyResult> {
    const { meter, ctx, job } = this;
    const signal = this.controller.signal;
    meter.plan(info.size, [{ offset: 0, length: info.size }]);
    const options = segmentCallOptions(ctx, meter, 0, signal, false);
    const { chunks, etag } = await withRetry(
      async (attempt) => {
        options.onAttempt?.(attempt);
        const { body, metadata } = await ctx.store.getRange({ bucket: job.bucket, key: job.key, start: 0, end: info.size - 1, ifMatch: info.etag || undefined }, signal);
        this.learnModTime(metadata);
        let received: Buffer[] = [];
        let bytes = 0;
        await drainBody(body, Number.POSITIVE_INFINITY, (all, count) => {
          received = all;
          bytes = count;
          return Promise.resolve();
        }).catch((error: unknown) => {
          throw new FerryError('NetworkError', `The connection dropped while downloading s3://${job.bucket}/${job.key}.`, { cause: error, retryable: true });
        });
        if (bytes > info.size) throw new FerryError('ServerError', 'The server sent more bytes than the range asked for.');
        if (bytes < info.size) throw new FerryError('NetworkError', `The server ended a response early for s3://${job.bucket}/${job.key}.`, { retryable: true });
        const hasher = new EtagHasher(check.kind === 'multipart' ? check.partSize : undefined);
        for (const chunk of received) hasher.update(chunk);
        return { chunks: received, etag: hasher.digest() };
      },
      retryPolicy(ctx.settings),
      { signal, onRetry: options.onRetry },
    );
    const wait = ctx.rate.reserve(info.size);
    if (wait > 0) await sleep(wait, undefined, { signal });
    meter.addBytes(0, info.size);
    meter.segmentStatus(0, 'done');
    const verified = await this.compare(check, etag);
    const file = await openTemp(temp, OPEN_NEW_W);
    try {
      await file.writev(chunks).catch((error: unknown) => {
        throw fromFsError(error, temp);
      });
      // Through the open file: spares finish() a lookup by path.
      const time = this.fileTime(info);
      if (time) await file.utimes(time, time).catch(() => undefined);
    } finally {
      await file.close();
    }
    return verified;
  }

  /**
   * A lost network or a busy server keeps the temporary file and its journal for the next run;
   * anything else (cancel, a changed object, a full disk) removes both.
   */
  protected override async cleanUp(error: FerryError): Promise<FerryError> {
    if (this.writer && error.code === 'Paused') {
      await this.writer.flush().catch(() => undefined);
      return error;
    }
    if (this.writer && error.retryable && error.code !== 'Cancelled') {
      await this.writer.flush().catch(() => undefined);
      return new FerryError(error.code, `${error.message} The partial download is kept: run it again to resume.`, { cause: error, retryable: true });
    }
    await rm(this.temp, { force: true }).catch(() => undefined);
    await this.writer?.remove().catch(() => undefined);
    return error;
  }

  /**
   * Picks up this target's interrupted download when the journal, the temporary file and the
   * object still agree (same ETag and size): the ranges on disk are kept. Otherwise starts clean
   * and, if there was something to resume, says why not.
   */
  private async startOrResume(info: ObjectInfo): Promise<{ ranges: Set<number>; rangeSize: number }> {
    const { ctx, job, temp, meter } = this;
    // Ranges are capped like parts (at most 10,000; the range grows for larger objects), so a
    // 1 TiB object is not planned as 131,072 ranges.
    const rangeSize = partPlan(info.size, ctx.settings.partSize).partSize;
    if (!ctx.journal) return { ranges: new Set(), rangeSize };
    const previous = await ctx.journal.findDownload(ctx.server, job.bucket, job.key, job.target);
    let restartedBecause: string | undefined;
    if (previous) {
      const onDisk = await stat(temp).catch(() => undefined);
      if (previous.etag !== info.etag || previous.size !== info.size) restartedBecause = 'the object changed on the server since the interrupted download';
      else if (!onDisk || onDisk.size !== info.size) restartedBecause = 'its partial file is gone';
      else {
        this.writer = new JournalWriter(ctx.journal, previous);
        const ranges = new Set(previous.ranges);
        const rangeCount = Math.ceil(info.size / previous.rangeSize);
        const bytesDone = [...ranges].reduce((sum, i) => sum + (i === rangeCount - 1 ? info.size - i * previous.rangeSize : previous.rangeSize), 0);
        ctx.hub.emit({ type: 'resumed', transferId: meter.id, kind: 'download', bucket: job.bucket, key: job.key, segmentsDone: ranges.size, segmentCount: rangeCount, bytesDone });
        return { ranges, rangeSize: previous.rangeSize };
      }
      await ctx.journal.remove(previous.id);
      ctx.hub.emit({ type: 'resumed', transferId: meter.id, kind: 'download', bucket: job.bucket, key: job.key, segmentsDone: 0, segmentCount: 0, bytesDone: 0, restartedBecause });
    }
    // Small objects are one range: nothing to resume, so no journal is written for them.
    if (info.size <= rangeSize) return { ranges: new Set(), rangeSize };
    const now = new Date().toISOString();
    this.writer = new JournalWriter<DownloadRecord>(ctx.journal, {
      version: 1,
      kind: 'download',
      id: journalId('download', ctx.server, job.bucket, job.key, job.target),
      server: ctx.server,
      bucket: job.bucket,
      key: job.key,
      target: job.target,
      size: info.size,
      etag: info.etag,
      rangeSize,
      ranges: [],
      createdAt: now,
      updatedAt: now,
    });
    return { ranges: new Set(), rangeSize };
  }

  private async fetchRanges(file: FileHandle, temp: string, info: ObjectInfo, check: EtagCheck, resume: { ranges: Set<number>; rangeSize: number }): Promise<VerifyResult> {
    const { meter, ctx } = this;
    const plan = rangePlan(info.size, resume.rangeSize);
    const ranges = Array.from({ length: plan.partCount }, (_, i) => partRange(plan, i));
    meter.plan(info.size, ranges, plan.partSize);
    await file.truncate(info.size).catch((error: unknown) => {
      throw fromFsError(error, temp);
    });
    const verifier = check.kind === 'none' ? undefined : new SequentialVerifier(file, temp, info.size, check.kind === 'multipart' ? check.partSize : undefined);
    const todo: number[] = [];
    for (const [index, range] of ranges.entries()) {
      if (!resume.ranges.has(index)) {
        todo.push(index);
        continue;
      }
      meter.segmentStatus(index, 'done');
      meter.addBytes(index, range.length);
      verifier?.rangeDone(range.offset, range.length);
    }
    // Written before the first range: from here on the temporary file is worth keeping.
    this.writer?.update(() => undefined);

    try {
      await runSegments(todo, ctx.settings.partsInFlight, meter, this.controller.signal, async (index, signal) => {
        const range = ranges[index] as { offset: number; length: number };
        await this.fetchRange(file, temp, index, range, info.etag, signal);
        this.writer?.update((r) => r.ranges.push(index));
        verifier?.rangeDone(range.offset, range.length);
      }, ctx.limits.parts, this.stopper.signal);
    } catch (error) {
      verifier?.dispose();
      throw error;
    }
    if (!verifier || check.kind === 'none') return { method: 'size-only', reason: check.kind === 'none' ? check.reason : '' };
    return this.compare(check, await verifier.result());
  }

  private async compare(check: EtagCheck, actual: string): Promise<VerifyResult> {
    const { job } = this;
    if (check.kind === 'none') return { method: 'size-only', reason: check.reason };
    if (actual === check.etag) {
      return check.kind === 'md5' ? { method: 'md5', etag: actual } : { method: 'multipart-etag', etag: actual, partSize: check.partSize };
    }
    if (check.kind === 'multipart' && !check.authoritative) {
      return { method: 'size-only', reason: `the part size of the object is unknown (a guess of ${check.partSize} bytes did not reproduce its ETag)` };
    }
    // A listing does not say whether an object is KMS-encrypted (its ETag then is no MD5): ask before blaming the bytes.
    if (job.listed) {
      const head = await this.ctx.store.headObject(job.bucket, job.key, { signal: this.controller.signal });
      if (!etagIsContentHash(head.serverSideEncryption)) return { method: 'size-only', reason: 'the object is encrypted with KMS or a customer key; its ETag is not an MD5' };
    }
    throw new FerryError('ChecksumMismatch', `s3://${job.bucket}/${job.key}: the downloaded bytes hash to ${actual}, but the object's ETag is ${check.etag}. The file was not kept.`);
  }

  /** One range, resumed from where the last attempt stopped when a connection drops mid-body. */
  private async fetchRange(file: FileHandle, temp: string, index: number, range: { offset: number; length: number }, etag: string, signal: AbortSignal): Promise<void> {
    const { meter, ctx, job } = this;
    let done = 0;
    const options = segmentCallOptions(ctx, meter, index, signal, false);
    await withRetry(
      async (attempt) => {
        options.onAttempt?.(attempt);
        const { body, metadata } = await ctx.store.getRange(
          { bucket: job.bucket, key: job.key, start: range.offset + done, end: range.offset + range.length - 1, ifMatch: etag || undefined },
          signal,
        );
        this.learnModTime(metadata);
        // Socket chunks are ~16-64 KiB; gathering them into one writev per MiB (no copy) cuts
        // the file-system calls per GiB from ~30,000 to ~1,000.
        try {
          await drainBody(body, WRITE_BATCH_BYTES, async (chunks, bytes) => {
            if (done + bytes > range.length) throw new FerryError('ServerError', 'The server sent more bytes than the range asked for.');
            // The bandwidth limit: the body stays paused (no reads) while this batch waits its turn.
            const wait = ctx.rate.reserve(bytes);
            if (wait > 0) await sleep(wait, undefined, { signal });
            await file.writev(chunks, range.offset + done).catch((error: unknown) => {
              throw fromFsError(error, temp);
            });
            done += bytes;
            meter.addBytes(index, bytes);
          });
        } catch (error) {
          // Bytes received before a drop are kept (drainBody wrote them): the next attempt asks only for the rest.
          if (error instanceof FerryError) throw error;
          throw new FerryError('NetworkError', `The connection dropped while downloading s3://${job.bucket}/${job.key}.`, { cause: error, retryable: true });
        }
        if (done < range.length) {
          throw new FerryError('NetworkError', `The server ended a response early for s3://${job.bucket}/${job.key}.`, { retryable: true });
        }
      },
      retryPolicy(ctx.settings),
      { signal, onRetry: options.onRetry },
    );
  }

}

/** How content can be compared with the object's ETag (a download's file, or a stream's bytes). */
export async function etagCheck(ctx: Pick<EngineContext, 'store' | 'settings'>, bucket: string, key: string, info: ObjectInfo, signal: AbortSignal): Promise<EtagCheck> {
  if (!etagIsContentHash(info.serverSideEncryption)) return { kind: 'none', reason: 'the object is encrypted with KMS or a customer key; its ETag is not an MD5' };
  if (isMd5Etag(info.etag)) return { kind: 'md5', etag: info.etag.toLowerCase() };
  const parts = multipartEtagParts(info.etag);
  if (parts === undefined) return { kind: 'none', reason: `the ETag ${info.etag || '(none)'} is not an MD5` };
  const fits = (partSize: number) => partSize > 0 && Math.ceil(info.size / partSize) === parts;
  // AWS tells a part's size (HEAD with partNumber); many S3-compatible servers refuse the question.
  try {
    const first = await ctx.store.headObject(bucket, key, { partNumber: 1, signal });
    if (fits(first.size)) return { kind: 'multipart', etag: info.etag.toLowerCase(), partSize: first.size, authoritative: true };
  } catch (error) {
    if (signal.aborted) throw error;
  }
  const candidates = [partPlan(info.size, ctx.settings.partSize).partSize, partPlan(info.size, DEFAULT_SETTINGS.partSize).partSize, ...COMMON_PART_SIZES];
  const guess = candidates.find(fits);
  if (guess === undefined) return { kind: 'none', reason: `the part size of this ${parts}-part object is unknown` };
  return { kind: 'multipart', etag: info.etag.toLowerCase(), partSize: guess, authoritative: false };
}

/**
 * Reads a response body by its 'data' events (no promise per socket chunk) and hands it to
 * `write` in batches of about `batchBytes`, one batch at a time, pausing the stream meanwhile.
 * When the stream fails, what arrived before is still written, then the stream's error is thrown.
 */
export function drainBody(body: Readable, batchBytes: number, write: (chunks: Buffer[], bytes: number) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let writing: Promise<void> = Promise.resolve();
    let settled = false;
    const flush = (): Promise<void> => {
      const chunks = pending;
      const bytes = pendingBytes;
      pending = [];
      pendingBytes = 0;
      writing = writing.then(() => (bytes > 0 ? write(chunks, bytes) : undefined));
      return writing;
    };
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      if (error === undefined) resolve();
      else {
        body.destroy();
        reject(error instanceof Error ? error : new Error('The response stream failed.', { cause: error }));
      }
    };
    const onData = (chunk: Buffer) => {
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      if (pendingBytes < batchBytes) return;
      body.pause();
      flush().then(
        () => {
          if (!settled) body.resume();
        },
        (error: unknown) => finish(error),
      );
    };
    body.on('data', onData);
    body.once('end', () => {
      flush().then(() => finish(), (error: unknown) => finish(error));
    });
    body.once('error', (streamError: Error) => {
      // Keep what arrived; a failed write outranks the network error.
      flush().then(() => finish(streamError), (error: unknown) => finish(error));
    });
  });
}
