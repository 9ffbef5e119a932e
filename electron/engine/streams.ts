// Pipes: a stream (standard input) up as one object, and an object down to a stream (standard
// output), through the same parts, ranges, retries, budget and checks as files.

import { fstatSync, read as readCallback } from 'node:fs';
import { Socket, type OnReadOpts, type SocketConstructorOpts } from 'node:net';
import { ReadStream, isatty } from 'node:tty';
import type { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import type { ObjectHeaders, VerifyResult } from '../../shared/transfer.js';
import { anySignal, untilAborted } from './abort.js';
import { crc32FromValue, etagIsContentHash, isMd5Etag, md5, multipartEtag, multipartEtagParts } from './checksum.js';
import { segmentCallOptions, transferCallOptions } from './context.js';
import { drainBody, etagCheck, type EtagCheck } from './download.js';
import type { EngineContext } from './context.js';
import type { CallOptions, S3Store } from './s3/store.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { FerryError, asFerryError, cancelledError } from './errors.js';
import { EtagSession, hashPart } from './hashPool.js';
import type { Lease } from './partBuffers.js';
import { partPlan, partRange, rangePlan } from './partPlan.js';
import { runSegments } from './segments.js';
import { S3_LIMITS, formatBytes, formatMiB, retryPolicy } from './settings.js';
import { Transfer } from './transfer.js';
import { withRetry } from './retry.js';
import type { CompletedPart } from './s3/store.js';

const MiB = 1024 * 1024;
const read = promisify(readCallback);
// A stream of unknown length doubles its part size after every this many parts.
const PARTS_PER_STEP = 1000;
// Aborting a multipart upload must not depend on the signal that cancelled it.
const ABORT_TIMEOUT_MS = 30_000;

/**
 * The largest part a stream uses: half the part buffers (one part fills while another is sent),
 * in whole MiB, within S3's limit, and never below the starting size.
 */
export function streamMaxPartSize(start: number, capacity: number): number {
  const half = Math.floor(capacity / 2 / MiB) * MiB;
  return Math.max(start, Math.min(S3_LIMITS.maxPartSize, half));
}

/** Part `index` (from 0) of a stream of unknown length: `start`, doubled every 1,000 parts, at most `max`. */
export function streamPartSize(index: number, start: number, max: number): number {
  const step = Math.floor(index / PARTS_PER_STEP);
  return Math.max(start, Math.min(max, start * 2 ** Math.min(step, 40)));
}

/** The most bytes a stream of unknown length can carry in S3's 10,000 parts with these sizes. */
export function largestStream(start: number, max: number): number {
  let total = 0;
  for (let first = 0; first < S3_LIMITS.maxParts; first += PARTS_PER_STEP) {
    total += Math.min(PARTS_PER_STEP, S3_LIMITS.maxParts - first) * streamPartSize(first, start, max);
  }
  return total;
}

/** What a stream upload reads: fills caller-given buffers, whole but for the last. */
interface Filler {
  /** Fills `target`; fewer bytes than its length only at the input's end. */
  fill(target: Buffer): Promise<number>;
  /** Whether the input has more bytes (waits for the next, or the end). */
  more(): Promise<boolean>;
  /** Lets go of the input (the stream filler leaves its stream to its owner). */
  close(): void;
}

/** Reads a stream into caller-given buffers, whole, keeping what did not fit for the next one. */
class StreamFiller implements Filler {
  private readonly chunks: AsyncIterator<Buffer | string>;
  private rest: Buffer | undefined;
  private ended = false;

  constructor(input: Readable) {
    this.chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  }

  /** Fills `target` from the stream; fewer bytes than its length only at the stream's end. */
  async fill(target: Buffer): Promise<number> {
    let filled = 0;
    while (filled < target.byteLength) {
      const chunk = this.rest ?? (await this.next());
      this.rest = undefined;
      if (!chunk) break;
      const take = Math.min(chunk.byteLength, target.byteLength - filled);
      chunk.copy(target, filled, 0, take);
      filled += take;
      if (take < chunk.byteLength) this.rest = chunk.subarray(take);
    }
    return filled;
  }

  /** Whether the stream has more bytes (waits for the next chunk, or the end). */
  async more(): Promise<boolean> {
    this.rest ??= await this.next();
    return this.rest !== undefined;
  }

  close(): void {}

  private async next(): Promise<Buffer | undefined> {
    while (!this.ended) {
      const step = await this.chunks.next();
      if (step.done) {
        this.ended = true;
        break;
      }
      const chunk = typeof step.value === 'string' ? Buffer.from(step.value) : step.value;
      if (chunk.byteLength > 0) return chunk;
    }
    return undefined;
  }
}

/**
 * A file descriptor read without a new buffer for every read (standard input on the command line).
 * A Readable of a pipe hands over a new 64 KiB buffer for every read, and V8 frees those only once
 * their garbage is large: found as peaks up to 100 MiB above the usual ones in `ferry put -` of
 * 2 GiB, beyond the memory budget. A pipe or socket is read into one reused buffer (net.Socket's
 * `onread`), a file or device with read(2) straight into the part buffers; a terminal as a stream.
 */
export interface DescriptorInput {
  fd: number;
}

// What one read of a pipe or socket takes at most (a Linux pipe holds 64 KiB).
const READ_CHUNK_BYTES = 64 * 1024;

/** A pipe or socket: reads copied from one reused buffer into the caller's, paused in between. */
class SocketFiller implements Filler {
  private readonly socket: Socket;
  private rest: Buffer | undefined;
  private ended = false;
  private failure: Error | undefined;
  private pending: { target: Buffer | undefined; filled: number; resolve: (filled: number) => void; reject: (error: Error) => void } | undefined;

  constructor(fd: number) {
    // `onread` is a documented option of net.Socket's constructor that @types/node gives only to net.connect.
    const options: SocketConstructorOpts & { onread: OnReadOpts } = {
      fd,
      readable: true,
      writable: false,
      onread: { buffer: Buffer.allocUnsafe(READ_CHUNK_BYTES), callback: (bytes, chunk) => this.arrived(Buffer.from(chunk.buffer, chunk.byteOffset, bytes)) },
    };
    this.socket = new Socket(options);
    this.socket.pause();
    this.socket.on('end', () => {
      this.ended = true;
      this.settle();
    });
    this.socket.on('error', (error) => {
      this.failure = error;
      this.settle();
    });
  }

  fill(target: Buffer): Promise<number> {
    const filled = this.takeRest(target, 0);
    if (filled === target.byteLength || this.ended) return Promise.resolve(filled);
    return this.wait(target, filled);
  }

  async more(): Promise<boolean> {
    if (this.rest) return true;
    if (!this.ended) await this.wait(undefined, 0);
    return this.rest !== undefined;
  }

  close(): void {
    this.socket.destroy();
  }

  private wait(target: Buffer | undefined, filled: number): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { target, filled, resolve, reject };
      this.socket.resume();
    });
  }

  /** A read: into the waiting buffer, what does not fit kept; false pauses the socket. */
  private arrived(chunk: Buffer): boolean {
    const pending = this.pending;
    if (!pending?.target) {
      this.rest = Buffer.from(chunk);
      this.settle();
      return false;
    }
    const take = Math.min(chunk.byteLength, pending.target.byteLength - pending.filled);
    chunk.copy(pending.target, pending.filled, 0, take);
    pending.filled += take;
    if (take < chunk.byteLength) this.rest = Buffer.from(chunk.subarray(take));
    if (pending.filled < pending.target.byteLength) return true;
    this.settle();
    return false;
  }

  private settle(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.socket.pause();
    if (this.failure) pending.reject(this.failure);
    else pending.resolve(pending.filled);
  }

  private takeRest(target: Buffer, filled: number): number {
    if (!this.rest) return filled;
    const take = Math.min(this.rest.byteLength, target.byteLength - filled);
    this.rest.copy(target, filled, 0, take);
    this.rest = take < this.rest.byteLength ? this.rest.subarray(take) : undefined;
    return filled + take;
  }
}

/** A file or device: read(2) into the caller's buffer (they never wait for a writer). */
class FileFiller implements Filler {
  private peeked: Buffer | undefined;
  private ended = false;

  constructor(private readonly fd: number) {}

  async fill(target: Buffer): Promise<number> {
    let filled = 0;
    if (this.peeked && target.byteLength > 0) {
      this.peeked.copy(target, 0);
      filled = this.peeked.byteLength;
      this.peeked = undefined;
    }
    while (filled < target.byteLength && !this.ended) {
      const { bytesRead } = await read(this.fd, target, filled, target.byteLength - filled, null);
      if (bytesRead === 0) this.ended = true;
      filled += bytesRead;
    }
    return filled;
  }

  async more(): Promise<boolean> {
    if (this.peeked) return true;
    if (this.ended) return false;
    const one = Buffer.allocUnsafe(1);
    const { bytesRead } = await read(this.fd, one, 0, 1, null);
    if (bytesRead === 0) this.ended = true;
    else this.peeked = one;
    return bytesRead > 0;
  }

  close(): void {}
}

function descriptorFiller(fd: number): Filler {
  if (isatty(fd)) return new StreamFiller(new ReadStream(fd));
  return fstatSync(fd).isFile() || fstatSync(fd).isCharacterDevice() ? new FileFiller(fd) : new SocketFiller(fd);
}

export interface StreamUploadJob {
  input: Readable | DescriptorInput;
  /** What progress and messages call the input, e.g. "standard input". */
  name: string;
  bucket: string;
  key: string;
  headers?: ObjectHeaders;
  /** The stream's length when the caller knows it: parts planned as for a file, and a stream that ends early or runs long fails. */
  size?: number;
  batchId?: string;
  id?: string;
}

/**
 * A stream up as one object. Parts are read in turn into the part buffers and sent as they fill,
 * several in flight; reading waits while the buffers are full, so memory stays within the budget
 * whatever the stream's length. A stream that fits the first part goes in one PUT (an empty
 * stream makes an empty object). Nothing can be resumed (the stream's bytes are gone), so any
 * failure or cancellation aborts the multipart upload.
 */
export class StreamUploadTransfer extends Transfer<StreamUploadJob> {
  protected async transfer(): Promise<VerifyResult> {
    const { ctx, job } = this;
    const capacity = ctx.buffers.capacity;
    const start = job.size === undefined ? ctx.settings.partSize : partPlan(job.size, ctx.settings.partSize).partSize;
    if (start > capacity) {
      throw new FerryError('InvalidInput', `Parts of this stream are ${formatMiB(start)} MiB, more than the part buffers hold (${formatMiB(capacity)} MiB)${job.size === undefined ? ': lower --part-size' : ', for 10,000 parts of a stream this long'}; the memory budget is not a setting of the command line yet.`);
    }
    const max = job.size === undefined ? streamMaxPartSize(start, capacity) : start;
    const filler: Filler = 'fd' in job.input ? descriptorFiller(job.input.fd) : new StreamFiller(job.input);
    try {
      return await this.upload(filler, start, max);
    } finally {
      filler.close();
    }
  }

  private async upload(filler: Filler, start: number, max: number): Promise<VerifyResult> {
    const { ctx, meter } = this;
    const signal = this.controller.signal;
    meter.plan(this.job.size ?? 0, [], start);

    const first = await ctx.buffers.acquire(start, signal);
    let firstLength: number;
    let more: boolean;
    try {
      firstLength = await this.read(filler, first.buffer);
      more = firstLength === start && (await this.readOr(filler.more()));
    } catch (error) {
      first.release();
      throw error;
    }
    if (!more) {
      try {
        return await this.single(first.buffer.subarray(0, firstLength));
      } finally {
        first.release();
      }
    }
    return this.multipart(filler, first, start, max);
  }

  private async single(body: Buffer): Promise<VerifyResult> {
    const { ctx, job, meter } = this;
    this.checkLength(body.byteLength, true);
    const index = meter.addSegment(0, body.byteLength);
    const { md5: digest, crc } = await hashPart(body, ctx.crc32);
    const out = await ctx.store.putObject(
      { bucket: job.bucket, key: job.key, body, md5: digest.toString('base64'), crc32: crc === undefined ? undefined : crc32FromValue(crc), headers: job.headers },
      segmentCallOptions(ctx, meter, index, this.controller.signal, true),
    );
    meter.segmentStatus(index, 'done');
    const sent = digest.toString('hex');
    // With KMS (or a customer key) the ETag is no MD5, though it may look like one.
    if (!etagIsContentHash(out.serverSideEncryption) || !isMd5Etag(out.etag)) return { method: 'none', reason: `the server's ETag (${out.etag || 'none'}) is not an MD5 of the content` };
    if (out.etag.toLowerCase() !== sent) {
      throw new FerryError('ChecksumMismatch', `s3://${job.bucket}/${job.key}: the server stored ETag ${out.etag}, but the bytes sent have MD5 ${sent}.`);
    }
    return { method: 'md5', etag: out.etag };
  }

  private async multipart(filler: Filler, first: Lease, start: number, max: number): Promise<VerifyResult> {
    const { ctx, job, meter } = this;
    const signal = this.controller.signal;
    let uploadId: string;
    try {
      uploadId = await ctx.store.createMultipartUpload({ bucket: job.bucket, key: job.key, headers: job.headers, crc32: ctx.crc32 }, transferCallOptions(ctx, meter, signal));
    } catch (error) {
      first.release();
      throw error;
    }
    const parts: CompletedPart[] = [];
    const digests: Buffer[] = [];
    const failed = new AbortController();
    const partSignal = anySignal([signal, failed.signal]);
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    let current: { lease: Lease; length: number } | undefined = { lease: first, length: start };
    let offset = 0;
    try {
      for (let index = 0; current; index++) {
        if (index >= S3_LIMITS.maxParts) {
          throw new FerryError('InvalidInput', `${job.name} is longer than the ${formatBytes(largestStream(start, max))} a stream can carry in 10,000 parts with these settings; nothing was kept. Give --size, or raise --part-size or memoryBudget.`);
        }
        const { lease, length } = current;
        this.checkLength(offset + length, false);
        current = undefined;
        const partOffset = offset;
        offset += length;
        const segment = meter.addSegment(partOffset, length);
        let release: (() => void) | undefined;
        try {
          release = await ctx.limits.parts?.acquire(partSignal);
          while (inFlight.size >= ctx.settings.partsInFlight) await Promise.race(inFlight);
        } catch (error) {
          release?.();
          lease.release();
          throw failure ?? error;
        }
        const sending: Promise<void> = this.sendPart(uploadId, segment, lease.buffer.subarray(0, length), partSignal)
          .then(
            ({ etag, digest, crc32 }) => {
              parts[segment] = { partNumber: segment + 1, etag, crc32 };
              digests[segment] = digest;
              meter.segmentStatus(segment, 'done');
            },
            (error: unknown) => {
              meter.segmentStatus(segment, partSignal.aborted ? 'cancelled' : 'failed');
              failure ??= error;
              failed.abort(error);
            },
          )
          .finally(() => {
            release?.();
            lease.release();
            inFlight.delete(sending);
          });
        inFlight.add(sending);
        if (failure) throw failure;
        // The next part: its buffer waits for room in the budget, which is what bounds memory.
        const next = await ctx.buffers.acquire(streamPartSize(index + 1, start, max), partSignal).catch((error: unknown) => {
          throw failure ?? error;
        });
        const length2 = await this.read(filler, next.buffer).catch((error: unknown) => {
          next.release();
          throw error;
        });
        if (length2 > 0) current = { lease: next, length: length2 };
        else next.release();
      }
      await Promise.all([...inFlight]);
      if (failure) throw failure;
      this.checkLength(offset, true);
      const expected = multipartEtag(digests);
      const out = await ctx.store.completeMultipartUpload({ bucket: job.bucket, key: job.key, uploadId, parts }, transferCallOptions(ctx, meter, signal));
      if (!etagIsContentHash(out.serverSideEncryption) || multipartEtagParts(out.etag) === undefined) return { method: 'none', reason: `the server's ETag (${out.etag || 'none'}) is not an MD5 of the parts` };
      if (out.etag.toLowerCase() !== expected) {
        throw new FerryError('ChecksumMismatch', `s3://${job.bucket}/${job.key}: the server's ETag ${out.etag} differs from ${expected}, computed from the parts sent.`);
      }
      return { method: 'multipart-etag', etag: out.etag, partSize: start };
    } catch (thrown) {
      current?.lease.release();
      failed.abort(thrown);
      // No part may land after the abort: wait for those in flight to settle first.
      await Promise.allSettled([...inFlight]);
      const error = signal.aborted ? cancelledError(signal.reason) : asFerryError(thrown);
      try {
        await ctx.store.abortMultipartUpload({ bucket: job.bucket, key: job.key, uploadId }, { signal: AbortSignal.timeout(ABORT_TIMEOUT_MS), interactive: true });
      } catch (abortError) {
        throw new FerryError(error.code, `${error.message} The incomplete upload could not be aborted (${asFerryError(abortError).message}); \`ferry uploads s3://${job.bucket} --abort\` removes it.`, { cause: error });
      }
      throw error;
    }
  }

  private async sendPart(uploadId: string, index: number, body: Buffer, signal: AbortSignal): Promise<{ etag: string; digest: Buffer; crc32?: string }> {
    const { ctx, job, meter } = this;
    const { md5: digest, crc } = await hashPart(body, ctx.crc32);
    const crc32 = crc === undefined ? undefined : crc32FromValue(crc);
    const etag = await ctx.store.uploadPart(
      { bucket: job.bucket, key: job.key, uploadId, partNumber: index + 1, body, md5: digest.toString('base64'), crc32 },
      segmentCallOptions(ctx, meter, index, signal, true),
    );
    return { etag, digest, crc32 };
  }

  /** A read of the stream; a stream that fails says so as the stream's failure. */
  private read(filler: Filler, target: Buffer): Promise<number> {
    return this.readOr(filler.fill(target));
  }

  private readOr<T>(reading: Promise<T>): Promise<T> {
    // A cancel does not wait for an input that has nothing to give.
    return untilAborted(reading, this.controller.signal).catch((error: unknown) => {
      if (this.controller.signal.aborted) throw cancelledError(this.controller.signal.reason);
      throw new FerryError('SourceChanged', `Reading ${this.job.name} failed (${(error as Error).message ?? String(error)}); nothing was kept.`, { cause: error });
    });
  }

  /** With a declared size: more bytes than it fail at once, fewer at the end. */
  private checkLength(bytes: number, atEnd: boolean): void {
    const { size, name } = this.job;
    if (size === undefined) return;
    if (bytes > size || (atEnd && bytes < size)) {
      throw new FerryError('SourceChanged', `${name} ${bytes > size ? 'ran past' : `ended after ${bytes} bytes, short of`} the ${size} bytes --size gave; nothing was kept.`);
    }
  }
}

export interface StreamDownloadJob {
  bucket: string;
  key: string;
  output: Writable;
  /** What progress and messages call the output, e.g. "standard output". */
  name: string;
  batchId?: string;
  id?: string;
}

/**
 * An object down to a stream, in order, from ranged GETs in flight side by side. Each range is
 * received whole into a part buffer and written once every range before it is: a slow range
 * holds the ones after it in memory, within the budget. Every range asks If-Match the ETag, so
 * the object cannot change in the middle; the whole is hashed as it is written and compared with
 * the ETag at the end (bytes already written cannot be taken back, so a mismatch is an error).
 * A closed output (a reader that stopped, like `head`) ends the transfer with OutputClosed.
 */
export class StreamDownloadTransfer extends Transfer<StreamDownloadJob> {
  protected async transfer(): Promise<VerifyResult> {
    const { ctx, job, meter } = this;
    const signal = this.controller.signal;
    const info = await ctx.store.headObject(job.bucket, job.key, transferCallOptions(ctx, meter, signal));
    const check = await etagCheck(ctx, job.bucket, job.key, info, signal);
    const capacity = ctx.buffers.capacity;
    const rangeSize = Math.min(partPlan(info.size, ctx.settings.partSize).partSize, streamMaxPartSize(Math.min(ctx.settings.partSize, capacity), capacity));
    const plan = rangePlan(info.size, rangeSize);
    const ranges = Array.from({ length: plan.partCount }, (_, i) => partRange(plan, i));
    meter.plan(info.size, ranges, rangeSize);
    const output = new OrderedOutput(job.output, job.name);
    if (info.size === 0) {
      await output.finish();
      return this.compare(check, md5(new Uint8Array()).toString('hex'));
    }
    const hasher = check.kind === 'none' ? undefined : new EtagSession(check.kind === 'multipart' ? check.partSize : undefined);
    // Range i is written once range i - 1 is: each waits on the turn the one before hands on.
    let turn: Promise<void> = Promise.resolve();
    const inFlight = Math.max(1, Math.min(ctx.settings.partsInFlight, Math.floor(capacity / rangeSize)));
    try {
      await runSegments(ranges.map((_, i) => i), inFlight, meter, signal, async (index, rangeSignal) => {
        const range = ranges[index] as { offset: number; length: number };
        const before = turn;
        let handOn = () => {};
        turn = new Promise<void>((resolve) => (handOn = resolve));
        try {
          const lease = await ctx.buffers.acquire(range.length, rangeSignal);
          try {
            await this.fetchInto(lease.buffer, index, range, info.etag, rangeSignal);
            await before;
            if (rangeSignal.aborted) throw cancelledError(rangeSignal.reason);
            await Promise.all([output.write(lease.buffer, rangeSignal), hasher?.update(lease.buffer)]);
          } finally {
            lease.release();
          }
        } finally {
          handOn();
        }
      }, ctx.limits.parts);
      await output.finish();
    } catch (error) {
      hasher?.drop();
      throw output.closedError ?? error;
    }
    if (!hasher) return this.compare(check, '');
    return this.compare(check, await hasher.digest());
  }

  private compare(check: EtagCheck, actual: string): VerifyResult {
    const { job } = this;
    if (check.kind === 'none') return { method: 'size-only', reason: check.reason };
    if (actual === check.etag) return check.kind === 'md5' ? { method: 'md5', etag: actual } : { method: 'multipart-etag', etag: actual, partSize: check.partSize };
    if (check.kind === 'multipart' && !check.authoritative) {
      return { method: 'size-only', reason: `the part size of the object is unknown (a guess of ${check.partSize} bytes did not reproduce its ETag)` };
    }
    throw new FerryError('ChecksumMismatch', `s3://${job.bucket}/${job.key}: the bytes written to ${job.name} hash to ${actual}, but the object's ETag is ${check.etag}. Do not trust what was written.`);
  }

  private fetchInto(target: Buffer, index: number, range: { offset: number; length: number }, etag: string, signal: AbortSignal): Promise<void> {
    const { ctx, job, meter } = this;
    const options = segmentCallOptions(ctx, meter, index, signal, false);
    return fetchRangeInto(ctx, ctx.store, { bucket: job.bucket, key: job.key, etag }, range, target, signal, { ...options, onBytes: (bytes) => meter.addBytes(index, bytes) });
  }
}

/**
 * One byte range of an object into `target`, If-Match its ETag, with the engine's retries; a
 * connection that drops mid-body resumes from the byte it reached.
 */
export async function fetchRangeInto(
  ctx: Pick<EngineContext, 'settings' | 'rate'>,
  store: S3Store,
  object: { bucket: string; key: string; etag: string },
  range: { offset: number; length: number },
  target: Buffer,
  signal: AbortSignal,
  hooks: Pick<CallOptions, 'onAttempt' | 'onRetry' | 'onBytes'> = {},
): Promise<void> {
  let done = 0;
  await withRetry(
    async (attempt) => {
      hooks.onAttempt?.(attempt);
      const { body } = await store.getRange({ bucket: object.bucket, key: object.key, start: range.offset + done, end: range.offset + range.length - 1, ifMatch: object.etag || undefined }, signal);
      try {
        await drainBody(body, MiB, async (chunks, bytes) => {
          if (done + bytes > range.length) throw new FerryError('ServerError', 'The server sent more bytes than the range asked for.');
          const wait = ctx.rate.reserve(bytes);
          if (wait > 0) await sleep(wait, undefined, { signal });
          for (const chunk of chunks) {
            chunk.copy(target, done);
            done += chunk.byteLength;
          }
          hooks.onBytes?.(bytes);
        });
      } catch (error) {
        if (error instanceof FerryError) throw error;
        throw new FerryError('NetworkError', `The connection dropped while downloading s3://${object.bucket}/${object.key}.`, { cause: error, retryable: true });
      }
      if (done < range.length) throw new FerryError('NetworkError', `The server ended a response early for s3://${object.bucket}/${object.key}.`, { retryable: true });
    },
    retryPolicy(ctx.settings),
    { signal, onRetry: hooks.onRetry },
  );
}

/** Writes to a stream with its backpressure; remembers a closed reader (EPIPE) as OutputClosed. */
class OrderedOutput {
  closedError: FerryError | undefined;
  private readonly failed: Promise<never>;

  constructor(
    private readonly out: Writable,
    private readonly name: string,
  ) {
    this.failed = new Promise<never>((_resolve, reject) => {
      const fail = (error?: Error) => {
        this.closedError ??= closedOutput(name, error);
        reject(this.closedError);
      };
      // `on`: a closed pipe may report each later write's EPIPE too, and an unheard 'error' would throw.
      out.on('error', fail);
      out.once('close', () => fail());
    });
    this.failed.catch(() => undefined);
  }

  async write(data: Buffer, signal: AbortSignal): Promise<void> {
    if (this.closedError) throw this.closedError;
    if (this.out.write(data)) return;
    const aborted = new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(cancelledError(signal.reason)), { once: true }));
    aborted.catch(() => undefined);
    await Promise.race([new Promise<void>((resolve) => this.out.once('drain', resolve)), this.failed, aborted]);
  }

  /** Everything written has been handed on (standard output is not closed: the process may still print). */
  async finish(): Promise<void> {
    if (this.closedError) throw this.closedError;
    if (!this.out.writableNeedDrain) return;
    await Promise.race([new Promise<void>((resolve) => this.out.once('drain', resolve)), this.failed]);
  }
}

function closedOutput(name: string, error?: NodeJS.ErrnoException): FerryError {
  const code = error?.code;
  const why = code === 'EPIPE' || error === undefined ? 'its reader closed it' : error.message;
  return new FerryError('OutputClosed', `${name} was closed before the object was written whole (${why}).`, { cause: error });
}


