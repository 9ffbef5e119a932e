// One file to one key: a single PUT for small files, otherwise a multipart upload with parts in flight.

import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 as zlibCrc32 } from 'node:zlib';
import type { Stats } from 'node:fs';
import type { ObjectHeaders, VerifyResult } from '../../shared/transfer.js';
import { crc32FromValue, etagIsContentHash, isMd5Etag, multipartEtag, multipartEtagParts } from './checksum.js';
import { segmentCallOptions, transferCallOptions } from './context.js';
import { FerryError, asFerryError, cancelledError, fromFsError } from './errors.js';
import type { EngineContext } from './context.js';
import { JournalWriter, journalId, uploadPhase, type UploadRecord } from './journal.js';
import { partPlan, partRange, rangePlan, type PartPlan } from './partPlan.js';
import { runSegments } from './segments.js';
import { Transfer } from './transfer.js';
import { headersWithModTime } from './modTime.js';
import { hashPart } from './hashPool.js';
import { formatMiB } from './settings.js';
import type { CompletedPart, PartBody } from './s3/store.js';

export interface UploadJob {
  source: string;
  bucket: string;
  key: string;
  headers?: ObjectHeaders;
  /** Carried into progress events, so a UI can tell which of its batches a transfer belongs to. */
  batchId?: string;
  /** The transfer's id in progress events (a queue row's); a new one when absent. */
  id?: string;
}

// Aborting a multipart upload must not depend on the signal that cancelled it.
const ABORT_TIMEOUT_MS = 30_000;

export class UploadTransfer extends Transfer<UploadJob> {
  private headers: ObjectHeaders | undefined;

  protected async transfer(): Promise<VerifyResult> {
    const file = await open(this.job.source, 'r').catch((error: unknown) => {
      throw fromFsError(error, this.job.source);
    });
    try {
      const stats = await file.stat();
      if (!stats.isFile()) throw new FerryError('InvalidInput', `${this.job.source} is not a regular file.`);
      // The time of the file as it is read goes with it: a sync compares it, a download restores it.
      this.headers = headersWithModTime(this.job.headers, stats.mtimeMs);
      // A single PUT holds the whole file in one buffer: only while that fits the part buffers.
      const singleLimit = Math.min(this.ctx.settings.multipartThreshold, this.ctx.buffers.capacity);
      return stats.size <= singleLimit ? await this.single(file, stats) : await this.multipart(file, stats);
    } finally {
      await file.close();
    }
  }

  private async single(file: FileHandle, stats: Stats): Promise<VerifyResult> {
    const { meter, ctx, job } = this;
    meter.plan(stats.size, [{ offset: 0, length: stats.size }]);
    let sent: { md5: string; etag: string; serverSideEncryption?: string } | undefined;
    await runSegments([0], 1, meter, this.controller.signal, async (index, signal) => {
      const lease = await ctx.buffers.acquire(stats.size, signal);
      try {
        await readExactly(file, lease.buffer, 0, job.source);
        await assertUnchanged(file, stats, job.source);
        const { md5: digest, crc } = await hashPart(lease.buffer, ctx.crc32);
        const out = await ctx.store.putObject(
          {
            bucket: job.bucket,
            key: job.key,
            body: lease.buffer,
            md5: digest.toString('base64'),
            crc32: crc === undefined ? undefined : crc32FromValue(crc),
            headers: this.headers,
          },
          segmentCallOptions(ctx, meter, index, signal, true),
        );
        sent = { md5: digest.toString('hex'), ...out };
      } finally {
        lease.release();
      }
    }, undefined, this.stopper.signal);
    if (!sent) throw new FerryError('Unknown', 'The upload ended without an answer from the server.');
    if (!etagIsContentHash(sent.serverSideEncryption) || !isMd5Etag(sent.etag)) {
      return { method: 'none', reason: `the server's ETag (${sent.etag || 'none'}) is not an MD5 of the content` };
    }
    if (sent.etag.toLowerCase() !== sent.md5) {
      throw new FerryError('ChecksumMismatch', `s3://${job.bucket}/${job.key}: the server stored ETag ${sent.etag}, but the bytes sent have MD5 ${sent.md5}.`);
    }
    return { method: 'md5', etag: sent.etag };
  }

  private async multipart(file: FileHandle, stats: Stats): Promise<VerifyResult> {
    const { meter, ctx, job } = this;
    const start = await this.startOrResume(file, stats);
    const { plan, parts, digests, writer } = start;
    const ranges = Array.from({ length: plan.partCount }, (_, i) => partRange(plan, i));
    meter.plan(stats.size, ranges, plan.partSize);
    let resumedBytes = 0;
    for (const [index, range] of ranges.entries()) {
      if (!parts[index]) continue;
      meter.segmentStatus(index, 'done');
      meter.addBytes(index, range.length);
      resumedBytes += range.length;
    }
    if (start.resumed || start.restartedBecause) {
      ctx.hub.emit({
        type: 'resumed',
        transferId: meter.id,
        kind: 'upload',
        bucket: job.bucket,
        key: job.key,
        segmentsDone: parts.filter(Boolean).length,
        segmentCount: plan.partCount,
        bytesDone: resumedBytes,
        restartedBecause: start.restartedBecause,
      });
    }
    if (start.completedEtag) return { method: 'multipart-etag', etag: start.completedEtag, partSize: plan.partSize };
    let uploadId = start.uploadId;
    try {
      if (uploadId === undefined) {
        uploadId = await this.create(writer);
        // Known to the catch below from here on: if recording it fails, the upload is aborted.
        await this.recordUploadId(uploadId, writer);
      }
      const id = uploadId;
      const todo = ranges.map((_, i) => i).filter((i) => !parts[i]);
      // The upload is aborted (on failure) only once no part is in flight, so none lands after it.
      await runSegments(todo, this.partsInFlight(plan.partSize), meter, this.controller.signal, async (index, signal) => {
        const range = ranges[index] as { offset: number; length: number };
        const send = async (body: PartBody, digest: Buffer, crc32: string | undefined) => {
          const etag = await ctx.store.uploadPart(
            { bucket: job.bucket, key: job.key, uploadId: id, partNumber: index + 1, body, md5: digest.toString('base64'), crc32 },
            segmentCallOptions(ctx, meter, index, signal, true),
          );
          digests[index] = digest;
          parts[index] = { partNumber: index + 1, etag, crc32 };
          writer?.update((r) => r.parts.push({ n: index + 1, etag, md5: digest.toString('hex'), crc32 }));
        };
        if (range.length > ctx.buffers.capacity) {
          // Larger than all the part buffers (a 5 TiB file has 525 MiB parts): hashed in one
          // pass, then streamed from the file; a change in between fails the part's Content-MD5.
          const { digest, crc32 } = await this.hashRange(file, range, signal);
          const body = { length: range.length, open: () => file.createReadStream({ start: range.offset, end: range.offset + range.length - 1, autoClose: false, highWaterMark: STREAM_CHUNK_BYTES }) };
          await send(body, digest, crc32);
          return;
        }
        const lease = await ctx.buffers.acquire(range.length, signal);
        try {
          await readExactly(file, lease.buffer, range.offset, job.source);
          // Hashed on a worker: an 8 MiB MD5 takes ~14 ms, which on the event loop stalls every other part.
          const { md5: digest, crc } = await hashPart(lease.buffer, ctx.crc32);
          await send(lease.buffer, digest, crc === undefined ? undefined : crc32FromValue(crc));
        } finally {
          lease.release();
        }
      }, ctx.limits.parts, this.stopper.signal);

      await assertUnchanged(file, stats, job.source);
      const expected = multipartEtag(digests);
      const out = await this.complete(id, parts, expected);
      // Only now, with the server's word that the object exists, is the record of the upload let go.
      await writer?.remove();
      if (!etagIsContentHash(out.serverSideEncryption) || multipartEtagParts(out.etag) === undefined) {
        return { method: 'none', reason: `the server's ETag (${out.etag || 'none'}) is not an MD5 of the parts` };
      }
      if (out.etag.toLowerCase() !== expected) {
        throw new FerryError('ChecksumMismatch', `s3://${job.bucket}/${job.key}: the server's ETag ${out.etag} differs from ${expected}, computed from the parts sent.`);
      }
      return { method: 'multipart-etag', etag: out.etag, partSize: plan.partSize };
    } catch (thrown) {
      const cancelled = this.controller.signal.aborted;
      const error = cancelled ? cancelledError(thrown) : asFerryError(thrown);
      // Paused: everything done is on the server and in the journal; resuming continues from there.
      if (error.code === 'Paused' && uploadId !== undefined) {
        await writer?.flush().catch(() => undefined);
        throw error;
      }
      // A lost network or a busy server: keep the upload and its journal, the next run resumes it.
      // (Also a create whose answer was lost: the record of the attempt finds that upload next time.)
      if (writer && error.retryable && !cancelled) {
        await writer.flush().catch(() => undefined);
        throw new FerryError(error.code, `${error.message} The upload is kept: run it again to resume.`, { cause: error, retryable: true });
      }
      // Anything else (cancel, a changed file, denied access) aborts it, so no parts are left to pay for.
      if (uploadId === undefined) {
        await writer?.remove().catch(() => undefined);
        throw error;
      }
      throw await this.abandon(uploadId, writer, error);
    }
  }

  /** MD5 (and CRC32) of a byte range of the file, read in budgeted chunks. */
  private async hashRange(file: FileHandle, range: { offset: number; length: number }, signal: AbortSignal): Promise<{ digest: Buffer; crc32?: string }> {
    const hash = createHash('md5');
    let crc = 0;
    const lease = await this.ctx.buffers.acquire(STREAM_CHUNK_BYTES, signal);
    try {
      for (let done = 0; done < range.length; ) {
        if (signal.aborted) throw cancelledError(signal.reason);
        const chunk = lease.buffer.subarray(0, Math.min(STREAM_CHUNK_BYTES, range.length - done));
        await readExactly(file, chunk, range.offset + done, this.job.source);
        hash.update(chunk);
        if (this.ctx.crc32) crc = zlibCrc32(chunk, crc);
        done += chunk.byteLength;
      }
    } finally {
      lease.release();
    }
    return { digest: hash.digest(), crc32: this.ctx.crc32 ? crc32FromValue(crc) : undefined };
  }

  /**
   * Parts in flight for this file: as many as the memory budget holds at this part size, at most
   * the engine's parts in flight. Said once when the part size is what holds it back.
   */
  private partsInFlight(partSize: number): number {
    const { ctx, meter } = this;
    // A part streamed from the file holds one chunk, not the part: the budget does not limit those.
    if (partSize > ctx.buffers.capacity) return ctx.settings.partsInFlight;
    const fit = Math.max(1, Math.floor(ctx.buffers.capacity / partSize));
    if (fit < ctx.settings.partsInFlight) {
      ctx.hub.emit({
        type: 'notice',
        transferId: meter.id,
        message: `${this.job.source}: parts of ${formatMiB(partSize)} MiB, so ${fit} in flight (the part buffers hold ${formatMiB(ctx.buffers.capacity)} MiB; raise memoryBudget for more).`,
      });
    }
    return Math.min(ctx.settings.partsInFlight, fit);
  }

  /**
   * Starts the multipart upload. The intent is on disk before the request (and the uploadId right
   * after its answer, by recordUploadId): a crash at any instant leaves a record that leads to it.
   */
  private async create(writer: JournalWriter<UploadRecord> | undefined): Promise<string> {
    const { ctx, job } = this;
    if (writer) {
      writer.update((r) => {
        r.phase = 'creating';
      });
      await writer.flush().catch((error: unknown) => {
        throw stateNotWritable(error, ctx.journal?.dir, 'nothing was sent');
      });
    }
    const startedAt = Date.now();
    let attempts = 0;
    const uploadId = await ctx.store.createMultipartUpload(
      { bucket: job.bucket, key: job.key, headers: this.headers, crc32: ctx.crc32 },
      transferCallOptions(ctx, this.meter, this.controller.signal, (attempt) => (attempts = attempt)),
    );
    if (attempts > 1) {
      // An earlier attempt's answer was lost: the server may have created an upload we never
      // heard of. It has no parts and began since startedAt; it must not stay to be paid for.
      // If this sweep fails, the upload goes on (the sweep is a courtesy, ours is not at stake).
      await abortOrphans(ctx.store, { bucket: job.bucket, key: job.key, startedAt, lastSeenAt: Date.now() }, 0, this.controller.signal, uploadId).catch(() => 0);
    }
    return uploadId;
  }

  /** The uploadId on disk before the first part goes out; the caller aborts the upload if this fails. */
  private async recordUploadId(uploadId: string, writer: JournalWriter<UploadRecord> | undefined): Promise<void> {
    if (!writer) return;
    writer.update((r) => {
      r.uploadId = uploadId;
      r.phase = 'uploading';
    });
    await writer.flush().catch((error: unknown) => {
      throw stateNotWritable(error, this.ctx.journal?.dir, 'the upload it had begun is aborted');
    });
  }

  /**
   * CompleteMultipartUpload. When its answer is lost and the retry hears NoSuchUpload, the first
   * attempt may well have completed it: the object's ETag then says so.
   */
  private async complete(uploadId: string, parts: CompletedPart[], expected: string): Promise<{ etag: string; serverSideEncryption?: string }> {
    const { ctx, job } = this;
    const signal = this.controller.signal;
    let attempts = 0;
    try {
      return await ctx.store.completeMultipartUpload(
        { bucket: job.bucket, key: job.key, uploadId, parts },
        transferCallOptions(ctx, this.meter, signal, (attempt) => (attempts = attempt)),
      );
    } catch (error) {
      if (asFerryError(error).code !== 'NoSuchUpload' || attempts < 2) throw error;
      const head = await ctx.store.headObject(job.bucket, job.key, { signal });
      if (head.etag.toLowerCase() === expected) return { etag: head.etag, serverSideEncryption: head.serverSideEncryption };
      throw error;
    }
  }

  /**
   * Aborts a multipart upload that will not be finished. The journal goes only once the server
   * confirms; if it cannot (the server is down), the record stays as "to clean up" and the next
   * run, or `ferry uploads --abort`, finishes the abort.
   */
  private async abandon(uploadId: string, writer: JournalWriter<UploadRecord> | undefined, error: FerryError): Promise<FerryError> {
    const { ctx, job } = this;
    try {
      await ctx.store.abortMultipartUpload({ bucket: job.bucket, key: job.key, uploadId }, { signal: AbortSignal.timeout(ABORT_TIMEOUT_MS), interactive: true });
    } catch (abortError) {
      if (!writer) return error;
      writer.update((r) => {
        r.phase = 'aborting';
      });
      await writer.flush().catch(() => undefined);
      const why = asFerryError(abortError).message;
      return new FerryError(error.code, `${error.message} The incomplete upload could not be aborted yet (${why}); Ferry keeps a record of it and aborts it on the next run or with \`ferry uploads s3://${job.bucket} --abort\`.`, { cause: error });
    }
    await writer?.remove().catch(() => undefined);
    return error;
  }

  /**
   * Resumes this file's own unfinished upload from the journal (never "the newest upload for this
   * key"): the file must be unchanged, the server must still hold the upload, and each part the
   * server holds is kept only if its ETag is the MD5 of the same bytes on disk now. Otherwise it
   * plans a new upload (created by the caller) and says why. A record left while starting an
   * upload, or one still to be aborted, is settled with the server first.
   */
  private async startOrResume(file: FileHandle, stats: Stats): Promise<{
    /** Absent: a new upload is to be created. */
    uploadId?: string;
    plan: PartPlan;
    parts: CompletedPart[];
    digests: Buffer[];
    writer?: JournalWriter<UploadRecord>;
    resumed: boolean;
    restartedBecause?: string;
    /** The interrupted upload had in fact completed: the object's ETag. */
    completedEtag?: string;
  }> {
    const { ctx, job } = this;
    const signal = this.controller.signal;
    let restartedBecause: string | undefined;
    const previous = ctx.journal ? await ctx.journal.findUpload(ctx.server, job.bucket, job.key, job.source) : undefined;
    if (previous && ctx.journal) {
      const phase = uploadPhase(previous);
      if (phase === 'creating' || previous.uploadId === undefined) {
        const found = await abortOrphans(
          ctx.store,
          { bucket: previous.bucket, key: previous.key, startedAt: Date.parse(previous.createdAt), lastSeenAt: Date.parse(previous.updatedAt) },
          ctx.settings.offlineWaitMs,
          signal,
        );
        if (found > 0) restartedBecause = 'an earlier run was interrupted while starting this upload; the upload it had begun was aborted';
      } else if (phase === 'aborting') {
        restartedBecause = 'an earlier run had cancelled this upload; its incomplete upload is now aborted';
      } else if (previous.size !== stats.size || previous.mtimeMs !== stats.mtimeMs) {
        restartedBecause = 'the file changed since the interrupted upload';
      } else {
        const uploadId = previous.uploadId;
        try {
          const onServer = await ctx.store.listParts({ bucket: job.bucket, key: job.key, uploadId }, transferCallOptions(ctx, this.meter, signal));
          const plan = rangePlan(stats.size, previous.partSize);
          const parts = new Array<CompletedPart>(plan.partCount);
          const digests = new Array<Buffer>(plan.partCount);
          const journaled = new Map(previous.parts.map((p) => [p.n, p]));
          for (const part of onServer) {
            const index = part.partNumber - 1;
            if (index < 0 || index >= plan.partCount) continue;
            const digest = await this.localPartDigest(file, plan, index, journaled.get(part.partNumber), part.etag);
            if (!digest) continue;
            digests[index] = digest;
            parts[index] = { partNumber: part.partNumber, etag: part.etag, crc32: part.crc32 ?? journaled.get(part.partNumber)?.crc32 };
          }
          const record: UploadRecord = {
            ...previous,
            parts: parts.filter(Boolean).map((p) => ({ n: p.partNumber, etag: p.etag, md5: (digests[p.partNumber - 1] as Buffer).toString('hex'), crc32: p.crc32 })),
          };
          const writer = new JournalWriter(ctx.journal, record);
          writer.update(() => undefined);
          return { uploadId, plan, parts, digests, writer, resumed: true };
        } catch (error) {
          if (asFerryError(error).code !== 'NoSuchUpload') throw error;
          // Completed just before the crash (the journal was not yet removed)? Then the object is
          // there with the ETag of exactly the journaled parts, and nothing needs sending.
          const plan = rangePlan(stats.size, previous.partSize);
          if (previous.parts.length === plan.partCount) {
            const sorted = [...previous.parts].sort((a, b) => a.n - b.n);
            const expected = multipartEtag(sorted.map((p) => Buffer.from(p.md5, 'hex')));
            const head = await ctx.store.headObject(job.bucket, job.key, { signal }).catch(() => undefined);
            if (head?.etag.toLowerCase() === expected) {
              await ctx.journal.remove(previous.id);
              const parts = sorted.map((p) => ({ partNumber: p.n, etag: p.etag }));
              return { uploadId, plan, parts, digests: [], resumed: true, completedEtag: expected };
            }
          }
          restartedBecause = 'the server no longer holds the interrupted upload';
        }
      }
      // Confirmed gone before its record is: a failure here leaves the record for the next run.
      if (previous.uploadId !== undefined) {
        await ctx.store.abortMultipartUpload({ bucket: job.bucket, key: job.key, uploadId: previous.uploadId }, { signal: AbortSignal.timeout(ABORT_TIMEOUT_MS) });
      }
      await ctx.journal.remove(previous.id);
    }

    const plan = partPlan(stats.size, ctx.settings.partSize);
    let writer: JournalWriter<UploadRecord> | undefined;
    if (ctx.journal) {
      const now = new Date().toISOString();
      writer = new JournalWriter<UploadRecord>(ctx.journal, {
        version: 1,
        kind: 'upload',
        id: journalId('upload', ctx.server, job.bucket, job.key, job.source),
        server: ctx.server,
        bucket: job.bucket,
        key: job.key,
        source: job.source,
        size: stats.size,
        mtimeMs: stats.mtimeMs,
        partSize: plan.partSize,
        phase: 'creating',
        headers: job.headers,
        parts: [],
        createdAt: now,
        updatedAt: now,
      });
    }
    return { plan, parts: new Array<CompletedPart>(plan.partCount), digests: new Array<Buffer>(plan.partCount), writer, resumed: false, restartedBecause };
  }

  /** The MD5 of part `index` as it is on disk now, if it matches the part's ETag on the server. */
  private async localPartDigest(file: FileHandle, plan: PartPlan, index: number, journaled: { etag: string; md5: string } | undefined, serverEtag: string): Promise<Buffer | undefined> {
    if (!isMd5Etag(serverEtag)) return journaled?.etag === serverEtag ? Buffer.from(journaled.md5, 'hex') : undefined;
    const range = partRange(plan, index);
    const lease = await this.ctx.buffers.acquire(range.length, this.controller.signal);
    try {
      await readExactly(file, lease.buffer, range.offset, this.job.source);
      const { md5: digest } = await hashPart(lease.buffer, false);
      return digest.toString('hex') === serverEtag.toLowerCase() ? digest : undefined;
    } finally {
      lease.release();
    }
  }
}

/** Fills `buffer` from `position`; a file that ends early changed since it was measured. */
async function readExactly(file: FileHandle, buffer: Buffer, position: number, path: string): Promise<void> {
  let filled = 0;
  while (filled < buffer.byteLength) {
    const { bytesRead } = await file.read(buffer, filled, buffer.byteLength - filled, position + filled).catch((error: unknown) => {
      throw fromFsError(error, path);
    });
    if (bytesRead === 0) throw sourceChanged(path, 'it became shorter');
    filled += bytesRead;
  }
}

// A streamed part is read in chunks of this size (hashing, then sending).
const STREAM_CHUNK_BYTES = 1024 * 1024;

// Start times compared across two clocks (ours in the record, the server's in the listing): S3
// refuses requests signed more than 15 minutes off, so an upload we created lies within this.
const CLOCK_TOLERANCE_MS = 15 * 60_000;

/**
 * A run killed between writing its intent and journaling the uploadId may have left an upload.
 * Ours is of this key, began after the intent (within the clocks' tolerance and the time a create
 * may have spent waiting for the server), and holds no part: parts go out only once the uploadId
 * is journaled. Those are aborted; another client's upload of the same key has parts or another
 * start time. Returns how many were aborted.
 */
async function abortOrphans(
  store: EngineContext['store'],
  upload: { bucket: string; key: string; startedAt: number; lastSeenAt: number },
  offlineWaitMs: number,
  signal: AbortSignal,
  except?: string,
): Promise<number> {
  const from = upload.startedAt - CLOCK_TOLERANCE_MS;
  const to = upload.lastSeenAt + offlineWaitMs + CLOCK_TOLERANCE_MS;
  let aborted = 0;
  for await (const found of store.listMultipartUploads(upload.bucket, upload.key, { signal })) {
    const initiated = found.initiated?.getTime();
    if (found.uploadId === except || found.key !== upload.key || initiated === undefined || initiated < from || initiated > to) continue;
    const parts = await store.listParts({ bucket: upload.bucket, key: upload.key, uploadId: found.uploadId }, { signal });
    if (parts.length > 0) continue;
    await store.abortMultipartUpload({ bucket: upload.bucket, key: upload.key, uploadId: found.uploadId }, { signal });
    aborted++;
  }
  return aborted;
}

function stateNotWritable(error: unknown, dir: string | undefined, outcome: string): FerryError {
  const cause = fromFsError(error, dir ?? 'the state folder');
  return new FerryError('LocalAccessDenied', `Ferry cannot record the upload in its state folder ${dir ?? ''} (${cause.message}), so it would not be resumable, and stopped; ${outcome}. Make the folder writable (or set FERRY_STATE_DIR) and try again.`, { cause });
}


async function assertUnchanged(file: FileHandle, before: Stats, path: string): Promise<void> {
  const now = await file.stat();
  if (now.size !== before.size) throw sourceChanged(path, `its size went from ${before.size} to ${now.size} bytes`);
  if (now.mtimeMs !== before.mtimeMs) throw sourceChanged(path, 'it was modified');
}

function sourceChanged(path: string, why: string): FerryError {
  return new FerryError('SourceChanged', `${path} changed while it was being uploaded (${why}); nothing was kept. Upload it again once it is stable.`);
}
