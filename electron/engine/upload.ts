// One file to one key: a single PUT for small files, otherwise a multipart upload with parts in flight.

import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { ObjectHeaders, VerifyResult } from '../../shared/transfer.js';
import { crc32Base64, etagIsContentHash, isMd5Etag, md5, multipartEtag, multipartEtagParts } from './checksum.js';
import { segmentCallOptions } from './context.js';
import { FerryError, asFerryError, fromFsError } from './errors.js';
import { JournalWriter, journalId, type UploadRecord } from './journal.js';
import { partPlan, partRange, rangePlan, type PartPlan } from './partPlan.js';
import { runSegments } from './segments.js';
import { Transfer } from './transfer.js';
import type { CompletedPart } from './s3/store.js';

export interface UploadJob {
  source: string;
  bucket: string;
  key: string;
  headers?: ObjectHeaders;
  /** Carried into progress events, so a UI can tell which of its batches a transfer belongs to. */
  batchId?: string;
}

// Aborting a multipart upload must not depend on the signal that cancelled it.
const ABORT_TIMEOUT_MS = 30_000;

export class UploadTransfer extends Transfer<UploadJob> {
  protected async transfer(): Promise<VerifyResult> {
    const file = await open(this.job.source, 'r').catch((error: unknown) => {
      throw fromFsError(error, this.job.source);
    });
    try {
      const stats = await file.stat();
      if (!stats.isFile()) throw new FerryError('InvalidInput', `${this.job.source} is not a regular file.`);
      return stats.size <= this.ctx.settings.multipartThreshold ? await this.single(file, stats) : await this.multipart(file, stats);
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
        const digest = md5(lease.buffer);
        const out = await ctx.store.putObject(
          {
            bucket: job.bucket,
            key: job.key,
            body: lease.buffer,
            md5: digest.toString('base64'),
            crc32: ctx.crc32 ? crc32Base64(lease.buffer) : undefined,
            headers: job.headers,
          },
          segmentCallOptions(ctx, meter, index, signal, true),
        );
        sent = { md5: digest.toString('hex'), ...out };
      } finally {
        lease.release();
      }
    });
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
    const { uploadId, plan, parts, digests } = start;
    const ranges = Array.from({ length: plan.partCount }, (_, i) => partRange(plan, i));
    meter.plan(stats.size, ranges);
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
    const writer = start.writer;
    const todo = ranges.map((_, i) => i).filter((i) => !parts[i]);
    try {
      // The upload is aborted (on failure) only once no part is in flight, so none lands after it.
      await runSegments(todo, ctx.settings.partsInFlight, meter, this.controller.signal, async (index, signal) => {
        const range = ranges[index] as { offset: number; length: number };
        const lease = await ctx.buffers.acquire(range.length, signal);
        try {
          await readExactly(file, lease.buffer, range.offset, job.source);
          const digest = md5(lease.buffer);
          const crc32 = ctx.crc32 ? crc32Base64(lease.buffer) : undefined;
          const etag = await ctx.store.uploadPart(
            { bucket: job.bucket, key: job.key, uploadId, partNumber: index + 1, body: lease.buffer, md5: digest.toString('base64'), crc32 },
            segmentCallOptions(ctx, meter, index, signal, true),
          );
          digests[index] = digest;
          parts[index] = { partNumber: index + 1, etag, crc32 };
          writer?.update((r) => r.parts.push({ n: index + 1, etag, md5: digest.toString('hex'), crc32 }));
        } finally {
          lease.release();
        }
      }, ctx.limits.parts);

      await assertUnchanged(file, stats, job.source);
      const out = await ctx.store.completeMultipartUpload(
        { bucket: job.bucket, key: job.key, uploadId, parts },
        { signal: this.controller.signal },
      );
      await writer?.remove();
      const expected = multipartEtag(digests);
      if (!etagIsContentHash(out.serverSideEncryption) || multipartEtagParts(out.etag) === undefined) {
        return { method: 'none', reason: `the server's ETag (${out.etag || 'none'}) is not an MD5 of the parts` };
      }
      if (out.etag.toLowerCase() !== expected) {
        throw new FerryError('ChecksumMismatch', `s3://${job.bucket}/${job.key}: the server's ETag ${out.etag} differs from ${expected}, computed from the parts sent.`);
      }
      return { method: 'multipart-etag', etag: out.etag, partSize: plan.partSize };
    } catch (thrown) {
      const error = asFerryError(thrown);
      // A lost network or a busy server: keep the upload and its journal, the next run resumes it.
      // Anything else (cancel, a changed file, denied access) aborts it, so no parts are left to pay for.
      if (writer && error.retryable && !this.controller.signal.aborted) {
        await writer.flush().catch(() => undefined);
        throw new FerryError(error.code, `${error.message} The upload is kept: run it again to resume.`, { cause: error, retryable: true });
      }
      await ctx.store
        .abortMultipartUpload({ bucket: job.bucket, key: job.key, uploadId }, { signal: AbortSignal.timeout(ABORT_TIMEOUT_MS) })
        .catch(() => undefined);
      await writer?.remove().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Resumes this file's own unfinished upload from the journal (never "the newest upload for this
   * key"): the file must be unchanged, the server must still hold the upload, and each part the
   * server holds is kept only if its ETag is the MD5 of the same bytes on disk now. Otherwise it
   * starts a new upload and says why.
   */
  private async startOrResume(file: FileHandle, stats: Stats): Promise<{
    uploadId: string;
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
      if (previous.size !== stats.size || previous.mtimeMs !== stats.mtimeMs) {
        restartedBecause = 'the file changed since the interrupted upload';
      } else {
        try {
          const onServer = await ctx.store.listParts({ bucket: job.bucket, key: job.key, uploadId: previous.uploadId }, { signal });
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
          return { uploadId: previous.uploadId, plan, parts, digests, writer, resumed: true };
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
              return { uploadId: previous.uploadId, plan, parts, digests: [], resumed: true, completedEtag: expected };
            }
          }
          restartedBecause = 'the server no longer holds the interrupted upload';
        }
      }
      await ctx.store
        .abortMultipartUpload({ bucket: job.bucket, key: job.key, uploadId: previous.uploadId }, { signal: AbortSignal.timeout(ABORT_TIMEOUT_MS) })
        .catch(() => undefined);
      await ctx.journal.remove(previous.id);
    }

    const plan = partPlan(stats.size, ctx.settings.partSize);
    const uploadId = await ctx.store.createMultipartUpload({ bucket: job.bucket, key: job.key, headers: job.headers, crc32: ctx.crc32 }, { signal });
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
        uploadId,
        headers: job.headers,
        parts: [],
        createdAt: now,
        updatedAt: now,
      });
      // On disk before the first part goes out: a crash from here on leaves a resumable upload.
      writer.update(() => undefined);
      await writer.flush();
    }
    return { uploadId, plan, parts: new Array<CompletedPart>(plan.partCount), digests: new Array<Buffer>(plan.partCount), writer, resumed: false, restartedBecause };
  }

  /** The MD5 of part `index` as it is on disk now, if it matches the part's ETag on the server. */
  private async localPartDigest(file: FileHandle, plan: PartPlan, index: number, journaled: { etag: string; md5: string } | undefined, serverEtag: string): Promise<Buffer | undefined> {
    if (!isMd5Etag(serverEtag)) return journaled?.etag === serverEtag ? Buffer.from(journaled.md5, 'hex') : undefined;
    const range = partRange(plan, index);
    const lease = await this.ctx.buffers.acquire(range.length, this.controller.signal);
    try {
      await readExactly(file, lease.buffer, range.offset, this.job.source);
      const digest = md5(lease.buffer);
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

async function assertUnchanged(file: FileHandle, before: Stats, path: string): Promise<void> {
  const now = await file.stat();
  if (now.size !== before.size) throw sourceChanged(path, `its size went from ${before.size} to ${now.size} bytes`);
  if (now.mtimeMs !== before.mtimeMs) throw sourceChanged(path, 'it was modified');
}

function sourceChanged(path: string, why: string): FerryError {
  return new FerryError('SourceChanged', `${path} changed while it was being uploaded (${why}); nothing was kept. Upload it again once it is stable.`);
}
