// Copies on the server: CopyObject up to its limit, a multipart upload of UploadPartCopy ranges
// above it, each conditional on the source's ETag. A header change copies an object onto itself;
// `ferry copy` on one account copies it to another bucket or key. The bytes never leave the server.

import type { ObjectHeaders } from '../../shared/transfer.js';
import type { EngineContext } from './context.js';
import { followSignal } from './abort.js';
import { FerryError, asFerryError, cancelledError, pausedError } from './errors.js';
import { mapInFlight } from './inFlight.js';
import { JournalWriter, journalId } from './journal.js';
import { multipartEtagParts } from './checksum.js';
import { etagCheck } from './download.js';
import { partPlan, partRange, rangePlan } from './partPlan.js';
import type { CopyExtras, ObjectInfo } from './s3/store.js';
import { S3_LIMITS } from './settings.js';

const PLAIN_MD5 = /^[0-9a-f]{32}$/;

export interface ServerCopySource {
  bucket: string;
  /** The source as a HEAD saw it: its key, size, ETag, time and headers. */
  info: ObjectInfo;
}

export interface ServerCopyTarget {
  bucket: string;
  key: string;
}

export class ServerCopier {
  /** Swift refuses CopySourceIfMatch with a multipart ETag: from then on, a time condition instead. */
  private ifMatchRefused = false;

  constructor(
    private readonly ctx: Pick<EngineContext, 'store' | 'settings' | 'journal' | 'server'>,
    /** CopyObject's limit: larger objects are copied in parts (5 GiB on S3). */
    private readonly copyObjectLimit: number,
    /** What the copy is for, in messages: "the header change", "the copy". */
    private readonly purpose: string,
    /** A multipart copy goes on from an interrupted run's parts. */
    private readonly onResumed?: (resumed: { key: string; partsDone: number; parts: number }) => void,
  ) {}

  /**
   * Copies `source` to `target` with `headers` (exactly those, MetadataDirective REPLACE), or,
   * without, the source's own (COPY; for a copy in parts, read from the HEAD). Returns the copy's ETag.
   */
  async copy(source: ServerCopySource, target: ServerCopyTarget, headers: ObjectHeaders | undefined, extras: CopyExtras, signal: AbortSignal, options: { keepParts?: boolean; pause?: AbortSignal } = {}): Promise<string> {
    // keepParts: a multipart source is copied part for part at its own part size, so the copy has
    // its ETag (CopyObject would give a plain MD5): proof of the bytes, and the mark a re-run knows.
    const multipart = (multipartEtagParts(source.info.etag) ?? 1) > 1;
    if (source.info.size <= this.copyObjectLimit && !(options.keepParts && multipart)) return this.copyWhole(source, target, headers, extras, signal);
    return this.copyInParts(source, target, headers ?? { ...source.info.headers }, extras, signal, options.pause);
  }

  private async copyWhole(source: ServerCopySource, target: ServerCopyTarget, headers: ObjectHeaders | undefined, extras: CopyExtras, signal: AbortSignal): Promise<string> {
    const { info } = source;
    const { etag } = await this.conditional(source, signal, (condition) =>
      this.ctx.store.copyObject({ bucket: target.bucket, key: target.key, sourceBucket: source.bucket, sourceKey: info.key, ...condition, headers, extras }, { signal }),
    );
    if (PLAIN_MD5.test(info.etag) && info.serverSideEncryption !== 'aws:kms' && etag !== info.etag) {
      throw new FerryError('ChecksumMismatch', `s3://${target.bucket}/${target.key}: the copy's ETag ${etag} is not the original's ${info.etag}; its bytes may differ.`);
    }
    return etag;
  }

  /**
   * Above CopyObject's limit: a multipart upload onto the target whose parts are copied from the
   * source's ranges, each conditional on its ETag. Its record in the journal lets an interrupted
   * copy go on from the parts already copied.
   */
  private async copyInParts(source: ServerCopySource, target: ServerCopyTarget, headers: ObjectHeaders, extras: CopyExtras, signal: AbortSignal, pause?: AbortSignal): Promise<string> {
    const { store, journal, server, settings } = this.ctx;
    const { info } = source;
    const { bucket, key } = target;
    let record = await journal?.findCopy(server, bucket, key, info.etag);
    let done = new Map<number, string>();
    if (record && record.size === info.size) {
      try {
        const parts = await store.listParts({ bucket, key, uploadId: record.uploadId }, { signal });
        done = new Map(parts.map((p) => [p.partNumber, p.etag]));
        this.onResumed?.({ key, partsDone: done.size, parts: Math.ceil(info.size / record.partSize) });
      } catch (error) {
        if (asFerryError(error).code !== 'NoSuchUpload') throw error;
        record = undefined;
      }
    } else record = undefined;
    if (!record) {
      const partSize = await this.copyPartSize(source, signal);
      const uploadId = await store.createMultipartUpload({ bucket, key, headers, crc32: false, extras }, { signal });
      const now = new Date().toISOString();
      record = { version: 1, kind: 'copy', id: journalId('copy', server, bucket, key, info.etag), server, bucket, key, sourceEtag: info.etag, size: info.size, partSize, uploadId, headers, parts: [], createdAt: now, updatedAt: now };
    }
    const writer = journal ? new JournalWriter(journal, record) : undefined;
    writer?.update(() => undefined);
    const { uploadId, partSize } = record;
    const plan = rangePlan(info.size, partSize);
    const todo = Array.from({ length: plan.partCount }, (_, i) => i + 1).filter((n) => !done.has(n));
    // The first part that fails stops the others, and nothing is cleaned up until every one has settled.
    const stop = followSignal(signal);
    let failure: unknown;
    try {
      // A pause starts no more parts; those in flight finish and the upload is kept for the next run.
      await mapInFlight(todo, settings.partsInFlight, async (n) => {
        if (stop.controller.signal.aborted || pause?.aborted) return;
        const { offset, length } = partRange(plan, n - 1);
        try {
          const etag = await this.conditional(source, stop.controller.signal, (condition) =>
            store.uploadPartCopy({ bucket, key, uploadId, partNumber: n, sourceBucket: source.bucket, sourceKey: info.key, start: offset, end: offset + length - 1, ...condition }, { signal: stop.controller.signal }),
          );
          done.set(n, etag);
          writer?.update((r) => r.parts.push({ n, etag }));
        } catch (error) {
          failure ??= error;
          stop.controller.abort();
        }
      });
      stop.dispose();
      if (signal.aborted) throw cancelledError();
      if (failure !== undefined) throw failure;
      if (done.size < plan.partCount) throw pausedError();
      const parts = [...done].sort((a, b) => a[0] - b[0]).map(([partNumber, etag]) => ({ partNumber, etag }));
      // Copied under the weaker, time-based condition: one last look that the object is the one read.
      if (this.ifMatchRefused && (await store.headObject(source.bucket, info.key, { signal })).etag !== info.etag) {
        throw new FerryError('RemoteChanged', `s3://${source.bucket}/${info.key} changed on the server during ${this.purpose}.`);
      }
      const { etag } = await store.completeMultipartUpload({ bucket, key, uploadId, parts }, { signal });
      await writer?.remove();
      // Cut at the object's own part size, the same bytes give the same multipart ETag: proof nothing changed.
      if (info.etag.endsWith(`-${parts.length}`) && info.serverSideEncryption !== 'aws:kms' && etag !== info.etag) {
        throw new FerryError('ChecksumMismatch', `s3://${bucket}/${key}: the copy's ETag ${etag} is not the original's ${info.etag}; its bytes may differ.`);
      }
      return etag;
    } catch (error) {
      const code = asFerryError(error).code;
      // Cancelled, or the object changed under the copy: this upload will never complete. Otherwise (a pause too) it is kept to resume.
      if (signal.aborted || code === 'RemoteChanged' || code === 'Cancelled') {
        await store.abortMultipartUpload({ bucket, key, uploadId }).catch(() => undefined);
        await writer?.remove();
      } else await writer?.flush().catch(() => undefined);
      throw error;
    }
  }

  private condition(info: ObjectInfo): { ifMatch?: string; ifUnmodifiedSince?: Date } {
    return this.ifMatchRefused && info.etag.includes('-') ? { ifUnmodifiedSince: info.lastModified } : { ifMatch: info.etag };
  }

  /**
   * Runs a copy under the source condition. Swift answers 412 to CopySourceIfMatch with the
   * multipart ETag it itself reports; when a HEAD shows the object unchanged, the copy goes on
   * with CopySourceIfUnmodifiedSince (the object's Last-Modified) instead, for the rest of the run.
   */
  private async conditional<T>(source: ServerCopySource, signal: AbortSignal, copy: (condition: { ifMatch?: string; ifUnmodifiedSince?: Date }) => Promise<T>): Promise<T> {
    const { info } = source;
    const condition = this.condition(info);
    try {
      return await copy(condition);
    } catch (error) {
      if (condition.ifMatch === undefined || asFerryError(error).code !== 'RemoteChanged' || !info.etag.includes('-') || !info.lastModified) throw error;
      if (!this.ifMatchRefused) {
        const now = await this.ctx.store.headObject(source.bucket, info.key, { signal });
        if (now.etag !== info.etag || now.lastModified?.getTime() !== info.lastModified.getTime()) throw error;
        this.ifMatchRefused = true;
      }
      return copy(this.condition(info));
    }
  }

  /**
   * The object's own part size, so the copy's ETag is the same: where the server tells it (AWS:
   * HEAD with partNumber=1), else the first of the usual uploaders' sizes that gives its part
   * count; failing both, the size Ferry would upload it with.
   */
  private async copyPartSize(source: ServerCopySource, signal: AbortSignal): Promise<number> {
    const check = await etagCheck(this.ctx, source.bucket, source.info.key, source.info, signal);
    if (check.kind === 'multipart' && check.partSize >= S3_LIMITS.minPartSize) return check.partSize;
    return partPlan(source.info.size, this.ctx.settings.partSize).partSize;
  }
}
