// One file to one key: a single PUT for small files, otherwise a multipart upload with parts in flight.

import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { ObjectHeaders, VerifyResult } from '../../shared/transfer.js';
import { crc32Base64, etagIsContentHash, md5, multipartEtag } from './checksum.js';
import { segmentCallOptions } from './context.js';
import { FerryError, fromFsError } from './errors.js';
import { partPlan, partRange } from './partPlan.js';
import { runSegments } from './segments.js';
import { Transfer } from './transfer.js';
import type { CompletedPart } from './s3/store.js';

export interface UploadJob {
  source: string;
  bucket: string;
  key: string;
  headers?: ObjectHeaders;
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
    await runSegments(1, 1, meter, this.controller.signal, async (index, signal) => {
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
    if (!etagIsContentHash(sent.serverSideEncryption) || !/^[0-9a-f]{32}$/i.test(sent.etag)) {
      return { method: 'none', reason: `the server's ETag (${sent.etag || 'none'}) is not an MD5 of the content` };
    }
    if (sent.etag.toLowerCase() !== sent.md5) {
      throw new FerryError('ChecksumMismatch', `s3://${job.bucket}/${job.key}: the server stored ETag ${sent.etag}, but the bytes sent have MD5 ${sent.md5}.`);
    }
    return { method: 'md5', etag: sent.etag };
  }

  private async multipart(file: FileHandle, stats: Stats): Promise<VerifyResult> {
    const { meter, ctx, job } = this;
    const plan = partPlan(stats.size, ctx.settings.partSize);
    const ranges = Array.from({ length: plan.partCount }, (_, i) => partRange(plan, i));
    meter.plan(stats.size, ranges);

    const uploadId = await ctx.store.createMultipartUpload(
      { bucket: job.bucket, key: job.key, headers: job.headers, crc32: ctx.crc32 },
      { signal: this.controller.signal },
    );
    // The upload is aborted only once no part is in flight (runSegments), so none lands after it.
    try {
      const parts = new Array<CompletedPart>(plan.partCount);
      const digests = new Array<Buffer>(plan.partCount);
      await runSegments(plan.partCount, ctx.settings.partsInFlight, meter, this.controller.signal, async (index, signal) => {
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
        } finally {
          lease.release();
        }
      });

      await assertUnchanged(file, stats, job.source);
      const out = await ctx.store.completeMultipartUpload(
        { bucket: job.bucket, key: job.key, uploadId, parts },
        { signal: this.controller.signal },
      );
      const expected = multipartEtag(digests);
      if (!etagIsContentHash(out.serverSideEncryption) || !/^[0-9a-f]{32}-\d+$/i.test(out.etag)) {
        return { method: 'none', reason: `the server's ETag (${out.etag || 'none'}) is not an MD5 of the parts` };
      }
      if (out.etag.toLowerCase() !== expected) {
        throw new FerryError('ChecksumMismatch', `s3://${job.bucket}/${job.key}: the server's ETag ${out.etag} differs from ${expected}, computed from the parts sent.`);
      }
      return { method: 'multipart-etag', etag: out.etag, partSize: plan.partSize };
    } catch (error) {
      await ctx.store
        .abortMultipartUpload({ bucket: job.bucket, key: job.key, uploadId }, { signal: AbortSignal.timeout(ABORT_TIMEOUT_MS) })
        .catch(() => undefined);
      throw error;
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
