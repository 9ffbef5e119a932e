// The S3 adapter: the few calls transfers and the browser make, each translated to Ferry's errors.

import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ObjectCannedACL,
  type ServerSideEncryption,
  type S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import type { ObjectHeaders } from '../../../shared/transfer.js';
import type { S3Endpoint } from '../../../shared/account.js';
import { anySignal } from '../abort.js';
import { FerryError } from '../errors.js';
import { decodeMetadata, requestHeaders, responseMetadata, wireHeaders } from '../headerValues.js';
import { listInParallel } from './parallelList.js';
import { withRetry, type RetryNotice, type RetryPolicy } from '../retry.js';
import type { DataPath } from '../settings.js';
import type { AddressBook } from './addresses.js';
import { createS3Client, type S3Credentials } from './client.js';
import { DirectPath, UseSdkPath, type DirectRoute } from './directPath.js';
import { translateS3Error, type ErrorContext } from './errorMap.js';
import { TimeSlice } from '../timeSlice.js';
import { bareEtag, listObjectsInput, toListPage, type ListEntry, type ListPage, type ListPageInput } from './listOutput.js';
import { ListWorker } from './listWorker.js';

/** Which listing pages the listing worker reads: all but a listing's first, all, or none. */
export type ListWorkerUse = 'after-first' | 'all' | 'off';

export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified?: Date;
  contentType?: string;
  storageClass?: string;
  headers: ObjectHeaders;
  serverSideEncryption?: string;
  /** The KMS key of an aws:kms object, which a copy must name again. */
  sseKmsKeyId?: string;
  websiteRedirectLocation?: string;
  /** With `partNumber` (AWS): the object's part count; ContentLength is then that part's size. */
  partsCount?: number;
}

/**
 * What an object carries besides its headers that a REPLACE copy must send again or lose: its
 * storage class (else STANDARD), its encryption, its website redirect. Tags and object-lock
 * settings are kept by the copy itself (TaggingDirective COPY is the default).
 */
export interface CopyExtras {
  storageClass?: string;
  serverSideEncryption?: string;
  sseKmsKeyId?: string;
  websiteRedirectLocation?: string;
}

function extrasInput(extras: CopyExtras | undefined) {
  if (!extras) return {};
  return {
    StorageClass: extras.storageClass as StorageClass | undefined,
    ServerSideEncryption: extras.serverSideEncryption as ServerSideEncryption | undefined,
    SSEKMSKeyId: extras.serverSideEncryption === 'aws:kms' ? extras.sseKmsKeyId : undefined,
    WebsiteRedirectLocation: extras.websiteRedirectLocation,
  };
}

/** x-amz-copy-source: the bucket, then the key URL-encoded segment by segment (#, ?, +, % and spaces included). */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

export type { ListEntry, ListPage } from './listOutput.js';

export interface CompletedPart {
  partNumber: number;
  etag: string;
  crc32?: string;
  /** Bytes, as ListParts reports them. */
  size?: number;
}

export interface MultipartUploadInfo {
  key: string;
  uploadId: string;
  initiated?: Date;
}

export interface CallOptions {
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
  /** Bytes of the request body handed to the network (negative: an attempt failed and its bytes are taken back). */
  onBytes?: (bytes: number) => void;
  /** Called before each attempt (1, 2, …). */
  onAttempt?: (attempt: number) => void;
  /** The bandwidth limit: takes a body slice's bytes and says how many ms to wait before sending them. */
  throttle?: (bytes: number) => number;
  /**
   * A call a person is waiting on (a listing, a HEAD, a share link): it gives up within about
   * 15 seconds with the reason, instead of waiting out an unreachable server as transfers do.
   */
  interactive?: boolean;
}

export interface StoreOptions {
  endpoint: S3Endpoint;
  credentials?: S3Credentials;
  retry: RetryPolicy;
  /** How long a call a person waits on may take, retries included (default 15 s). */
  interactiveMs?: number;
  maxSockets: number;
  idleTimeoutMs: number;
  /** List requests in flight for one listing (key ranges side by side); default 1. */
  listsInFlight?: number;
  /**
   * How object PUTs, part uploads, ranged GETs and HEADs are sent: 'direct' (undici, signed by the
   * SDK's signer; directPath.ts) or 'sdk' (the SDK client, as every other call). Default 'direct'.
   */
  dataPath?: DataPath;
  /**
   * Listing pages read on a worker thread (listWorker.ts): 'after-first' (default) every page but a
   * listing's first; 'all' every page, the worker started with the store; 'off' none.
   */
  listWorker?: ListWorkerUse;
  /** Spreads new connections over the endpoint name's addresses (the listing worker's own connections are not). */
  addresses?: AddressBook;
}

// Upload bodies go out in slices this big, so progress moves within a part, not only at its end.
const BODY_SLICE_BYTES = 256 * 1024;

/**
 * A part's bytes as a stream of slices that reports each slice as it is handed to the socket.
 * A stream body also spares the SDK from hashing the payload with SHA-256 for the signature:
 * integrity is already covered by Content-MD5.
 */
function sliceStream(data: Uint8Array, onBytes: (bytes: number) => void, throttle?: (bytes: number) => number): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= data.byteLength) {
        this.push(null);
        return;
      }
      const end = Math.min(offset + BODY_SLICE_BYTES, data.byteLength);
      const slice = data.subarray(offset, end);
      offset = end;
      const wait = throttle?.(slice.byteLength) ?? 0;
      const send = () => {
        onBytes(slice.byteLength);
        this.push(slice);
      };
      if (wait > 0) setTimeout(send, wait);
      else send();
    },
  });
}

/** A stream's chunks, each passed on once the bandwidth limit allows. */
function throttled(source: Readable, throttle: (bytes: number) => number): Readable {
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const wait = throttle(chunk.byteLength);
      if (wait > 0) setTimeout(() => done(null, chunk), wait);
      else done(null, chunk);
    },
  });
  source.on('error', (error) => out.destroy(error));
  out.on('close', () => source.destroy());
  return source.pipe(out);
}

/**
 * A part too large to hold in memory: each attempt opens a fresh stream of its bytes (from the
 * file), whose checksums the caller computed in a pass before.
 */
export interface StreamedBody {
  length: number;
  open(): Readable;
}

export type PartBody = Uint8Array | StreamedBody;

function bodyLength(body: PartBody): number {
  return body instanceof Uint8Array ? body.byteLength : body.length;
}

/** Counts a stream's bytes as they pass to the socket. */
function countedStream(source: Readable, onBytes: (bytes: number) => void): Readable {
  source.on('data', (chunk: Buffer) => onBytes(chunk.byteLength));
  return source;
}

/** Runs one attempt with a fresh counted body; takes the attempt's bytes back from progress if it fails. */
async function withCountedBody<T>(
  data: PartBody,
  onBytes: ((bytes: number) => void) | undefined,
  send: (body: Readable | Uint8Array) => Promise<T>,
  throttle?: (bytes: number) => number,
): Promise<T> {
  if (!(data instanceof Uint8Array)) {
    let sent = 0;
    const stream = throttle ? throttled(data.open(), throttle) : data.open();
    try {
      return await send(countedStream(stream, (bytes) => {
        sent += bytes;
        onBytes?.(bytes);
      }));
    } catch (error) {
      onBytes?.(-sent);
      throw error;
    } finally {
      stream.destroy();
    }
  }
  if ((!onBytes && !throttle) || data.byteLength === 0) return send(data);
  let sent = 0;
  try {
    return await send(
      sliceStream(
        data,
        (bytes) => {
          sent += bytes;
          onBytes?.(bytes);
        },
        throttle,
      ),
    );
  } catch (error) {
    onBytes?.(-sent);
    throw error;
  }
}

export { bareEtag };

function headerInput(given: ObjectHeaders | undefined) {
  const headers = wireHeaders(given);
  if (!headers) return {};
  return {
    ContentType: headers.contentType,
    CacheControl: headers.cacheControl,
    ContentDisposition: headers.contentDisposition,
    ContentEncoding: headers.contentEncoding,
    ContentLanguage: headers.contentLanguage,
    Expires: headers.expires ? new Date(headers.expires) : undefined,
    StorageClass: headers.storageClass as StorageClass | undefined,
    ACL: headers.acl as ObjectCannedACL | undefined,
    Metadata: headers.metadata,
  };
}

/**
 * An object or a part PUT through the direct path with its length and checksums (Content-MD5, and
 * the CRC32 where one is sent); the answer's headers, once its (empty) body is read.
 */
async function directPut(
  direct: DirectPath,
  route: DirectRoute,
  input: { bucket: string; key: string; query?: Record<string, string>; headers?: Record<string, string>; length: number; md5: string; crc32?: string },
  body: Readable | Uint8Array,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const response = await direct.send(route, {
    method: 'PUT',
    bucket: input.bucket,
    key: input.key,
    query: input.query,
    headers: {
      ...input.headers,
      'content-length': String(input.length),
      'content-md5': input.md5,
      ...(input.crc32 ? { 'x-amz-checksum-crc32': input.crc32 } : {}),
    },
    body,
    signal,
  });
  await response.body.dump();
  return response.headers;
}

/** HeadObject's answer, read from the response headers as the SDK's deserializer reads them. */
function objectInfoFromHeaders(key: string, headers: Record<string, string>): ObjectInfo {
  const lastModified = headers['last-modified'] ? new Date(headers['last-modified']) : undefined;
  const partsCount = headers['x-amz-mp-parts-count'];
  return {
    key,
    size: Number(headers['content-length'] ?? 0),
    etag: bareEtag(headers.etag),
    lastModified: lastModified && !Number.isNaN(lastModified.getTime()) ? lastModified : undefined,
    contentType: headers['content-type'],
    serverSideEncryption: headers['x-amz-server-side-encryption'],
    sseKmsKeyId: headers['x-amz-server-side-encryption-aws-kms-key-id'],
    websiteRedirectLocation: headers['x-amz-website-redirect-location'],
    partsCount: partsCount === undefined ? undefined : Number(partsCount),
    storageClass: headers['x-amz-storage-class'],
    headers: {
      contentType: headers['content-type'],
      cacheControl: headers['cache-control'],
      contentDisposition: headers['content-disposition'],
      contentEncoding: headers['content-encoding'],
      contentLanguage: headers['content-language'],
      expires: headers.expires,
      metadata: decodeMetadata(responseMetadata(headers)),
    },
  };
}

const EMPTY = new Uint8Array(0);
const EMPTY_MD5 = createHash('md5').digest('base64');

export class S3Store {
  readonly client: S3Client;
  readonly endpoint: S3Endpoint;
  private readonly retry: RetryPolicy;
  private readonly interactiveMs: number;
  private readonly listsInFlight: number;
  private readonly direct?: DirectPath;
  private readonly listWorker?: ListWorker;
  private readonly listWorkerUse: ListWorkerUse;

  constructor(options: StoreOptions) {
    this.endpoint = options.endpoint;
    this.retry = options.retry;
    this.interactiveMs = options.interactiveMs ?? 15_000;
    this.listsInFlight = options.listsInFlight ?? 1;
    this.client = createS3Client({
      endpoint: options.endpoint,
      credentials: options.credentials,
      maxSockets: options.maxSockets,
      idleTimeoutMs: options.idleTimeoutMs,
      addresses: options.addresses,
    });
    if (options.dataPath !== 'sdk') this.direct = new DirectPath(this.client, { connections: options.maxSockets, idleTimeoutMs: options.idleTimeoutMs, addresses: options.addresses });
    this.listWorkerUse = options.listWorker ?? 'after-first';
    if (this.listWorkerUse !== 'off') {
      const { credentials } = this.client.config;
      this.listWorker = new ListWorker({ endpoint: options.endpoint, maxSockets: options.maxSockets, idleTimeoutMs: options.idleTimeoutMs }, () => credentials());
      if (this.listWorkerUse === 'all') this.listWorker.start();
    }
  }

  /** Listing pages read on the listing worker so far. */
  get pagesFromWorker(): number {
    return this.listWorker?.served ?? 0;
  }

  destroy(): void {
    this.client.destroy();
    void this.direct?.close();
    this.listWorker?.close();
  }

  /**
   * A data request through the direct path when the bucket has a route there, else (or when the
   * server answers with a redirect) through the SDK client.
   */
  private async dataRequest<T>(bucket: string, direct: (route: DirectRoute, path: DirectPath) => Promise<T>, sdk: () => Promise<T>): Promise<T> {
    const route = this.direct ? await this.direct.route(bucket) : undefined;
    if (!route || !this.direct) return sdk();
    try {
      return await direct(route, this.direct);
    } catch (error) {
      if (error instanceof UseSdkPath) return sdk();
      throw error;
    }
  }

  /**
   * One request with the retry policy, its errors translated. An interactive call has a deadline:
   * no waiting out an unreachable server, and a request still unanswered then is cut.
   */
  private async call<T>(ctx: ErrorContext, options: CallOptions, request: (signal?: AbortSignal) => Promise<T>): Promise<T> {
    const fullCtx = { ...ctx, endpoint: this.endpoint.endpoint ?? `AWS S3 (${this.endpoint.region})` };
    const deadlineMs = options.interactive ? this.interactiveMs : undefined;
    const deadline = deadlineMs === undefined ? undefined : AbortSignal.timeout(deadlineMs);
    const signal = deadline ? anySignal(options.signal ? [options.signal, deadline] : [deadline]) : options.signal;
    try {
      return await withRetry(
        async (attempt) => {
          options.onAttempt?.(attempt);
          try {
            return await request(signal);
          } catch (error) {
            throw translateS3Error(error, fullCtx);
          }
        },
        deadlineMs === undefined ? this.retry : { ...this.retry, offlineWaitMs: 0, deadlineMs },
        { signal, onRetry: options.onRetry },
      );
    } catch (error) {
      if (deadline?.aborted && !options.signal?.aborted) {
        const last = error instanceof FerryError && error.code !== 'Cancelled' ? ` (${error.message})` : '';
        throw new FerryError('Timeout', `${fullCtx.endpoint} did not answer within ${Math.round((deadlineMs ?? 0) / 1000)} s${fullCtx.action ? ` while ${fullCtx.action}` : ''}${last}.`, { cause: error, retryable: true });
      }
      throw error;
    }
  }

  async listBuckets(options: CallOptions = {}): Promise<{ name: string; created?: Date }[]> {
    const out = await this.call({ action: 'listing buckets' }, options, (abortSignal) =>
      this.client.send(new ListBucketsCommand({}), { abortSignal }),
    );
    return (out.Buckets ?? []).map((b) => ({ name: b.Name ?? '', created: b.CreationDate }));
  }

  async createBucket(bucket: string, options: CallOptions = {}): Promise<void> {
    await this.call({ bucket, action: 'creating the bucket' }, options, (abortSignal) =>
      this.client.send(new CreateBucketCommand({ Bucket: bucket }), { abortSignal }),
    );
  }

  async deleteBucket(bucket: string, options: CallOptions = {}): Promise<void> {
    await this.call({ bucket, action: 'deleting the bucket' }, options, (abortSignal) =>
      this.client.send(new DeleteBucketCommand({ Bucket: bucket }), { abortSignal }),
    );
  }

  async headBucket(bucket: string, options: CallOptions = {}): Promise<void> {
    await this.call({ bucket, action: 'opening the bucket' }, options, (abortSignal) =>
      this.client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal }),
    );
  }

  /** The object's size, ETag and headers; `partNumber` asks for the size of that part (AWS only). */
  async headObject(bucket: string, key: string, options: CallOptions & { partNumber?: number } = {}): Promise<ObjectInfo> {
    return this.call({ bucket, key, action: 'reading object details' }, options, (abortSignal) =>
      this.dataRequest<ObjectInfo>(
        bucket,
        async (route, direct) => {
          const response = await direct.send(route, {
            method: 'HEAD',
            bucket,
            key,
            query: options.partNumber === undefined ? undefined : { partNumber: String(options.partNumber) },
            headers: {},
            signal: abortSignal,
          });
          await response.body.dump();
          return objectInfoFromHeaders(key, response.headers);
        },
        async () => {
          const out = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: options.partNumber }), { abortSignal });
          return {
            key,
            size: out.ContentLength ?? 0,
            etag: bareEtag(out.ETag),
            lastModified: out.LastModified,
            contentType: out.ContentType,
            serverSideEncryption: out.ServerSideEncryption,
            sseKmsKeyId: out.SSEKMSKeyId,
            websiteRedirectLocation: out.WebsiteRedirectLocation,
            partsCount: out.PartsCount,
            storageClass: out.StorageClass,
            headers: {
              contentType: out.ContentType,
              cacheControl: out.CacheControl,
              contentDisposition: out.ContentDisposition,
              contentEncoding: out.ContentEncoding,
              contentLanguage: out.ContentLanguage,
              expires: out.ExpiresString ?? out.Expires?.toUTCString(),
              metadata: decodeMetadata(out.Metadata),
            },
          };
        },
      ),
    );
  }

  /** A zero-byte object whose key ends in '/': how S3 tools show an empty folder. */
  async putFolderMarker(bucket: string, key: string, options: CallOptions = {}): Promise<void> {
    await this.putObject({ bucket, key, body: EMPTY, md5: EMPTY_MD5 }, options);
  }

  async putObject(
    input: { bucket: string; key: string; body: Uint8Array; md5: string; crc32?: string; headers?: ObjectHeaders },
    options: CallOptions = {},
  ): Promise<{ etag: string; serverSideEncryption?: string }> {
    return this.call({ bucket: input.bucket, key: input.key, action: 'uploading' }, options, (abortSignal) =>
      this.dataRequest(
        input.bucket,
        (route, direct) =>
          withCountedBody(input.body, options.onBytes, async (body) => {
            const headers = await directPut(direct, route, { ...input, length: input.body.byteLength, headers: requestHeaders(input.headers) }, body, abortSignal);
            return { etag: bareEtag(headers.etag), serverSideEncryption: headers['x-amz-server-side-encryption'] };
          }, options.throttle),
        async () => {
          const out = await withCountedBody(input.body, options.onBytes, (Body) => this.client.send(
            new PutObjectCommand({
              Bucket: input.bucket,
              Key: input.key,
              Body,
              ContentLength: input.body.byteLength,
              ContentMD5: input.md5,
              ChecksumCRC32: input.crc32,
              ...headerInput(input.headers),
            }),
            { abortSignal },
          ), options.throttle);
          return { etag: bareEtag(out.ETag), serverSideEncryption: out.ServerSideEncryption };
        },
      ),
    );
  }

  async createMultipartUpload(
    input: { bucket: string; key: string; headers?: ObjectHeaders; crc32: boolean; extras?: CopyExtras },
    options: CallOptions = {},
  ): Promise<string> {
    const out = await this.call({ bucket: input.bucket, key: input.key, action: 'starting a multipart upload' }, options, (abortSignal) =>
      this.client.send(
        new CreateMultipartUploadCommand({
          Bucket: input.bucket,
          Key: input.key,
          ChecksumAlgorithm: input.crc32 ? 'CRC32' : undefined,
          ...headerInput(input.headers),
          ...extrasInput(input.extras),
        }),
        { abortSignal },
      ),
    );
    if (!out.UploadId) throw translateS3Error(new Error('The server returned no upload id.'), input);
    return out.UploadId;
  }

  async uploadPart(
    input: { bucket: string; key: string; uploadId: string; partNumber: number; body: PartBody; md5: string; crc32?: string },
    options: CallOptions = {},
  ): Promise<string> {
    return this.call(
      { bucket: input.bucket, key: input.key, action: `uploading part ${input.partNumber}` },
      options,
      (abortSignal) =>
        this.dataRequest(
          input.bucket,
          (route, direct) =>
            withCountedBody(input.body, options.onBytes, async (body) => {
              const query = { partNumber: String(input.partNumber), uploadId: input.uploadId };
              return bareEtag((await directPut(direct, route, { ...input, query, length: bodyLength(input.body) }, body, abortSignal)).etag);
            }, options.throttle),
          async () => {
            const out = await withCountedBody(input.body, options.onBytes, (Body) =>
              this.client.send(
                new UploadPartCommand({
                  Bucket: input.bucket,
                  Key: input.key,
                  UploadId: input.uploadId,
                  PartNumber: input.partNumber,
                  Body,
                  ContentLength: bodyLength(input.body),
                  ContentMD5: input.md5,
                  ChecksumCRC32: input.crc32,
                }),
                { abortSignal },
              ),
              options.throttle,
            );
            return bareEtag(out.ETag);
          },
        ),
    );
  }

  /**
   * A server-side copy, conditional on the source's ETag (412 PreconditionFailed if it changed).
   * With `headers`, the target gets exactly those (MetadataDirective REPLACE, which keeps nothing
   * by itself); without, the source's (COPY). Up to 5 GiB: above it, uploadPartCopy.
   */
  async copyObject(
    input: { bucket: string; key: string; sourceBucket: string; sourceKey: string; ifMatch?: string; ifUnmodifiedSince?: Date; headers?: ObjectHeaders; extras?: CopyExtras },
    options: CallOptions = {},
  ): Promise<{ etag: string }> {
    const out = await this.call({ bucket: input.bucket, key: input.key, action: 'copying on the server' }, options, (abortSignal) =>
      this.client.send(
        new CopyObjectCommand({
          Bucket: input.bucket,
          Key: input.key,
          CopySource: copySource(input.sourceBucket, input.sourceKey),
          CopySourceIfMatch: input.ifMatch ? `"${input.ifMatch}"` : undefined,
          CopySourceIfUnmodifiedSince: input.ifUnmodifiedSince,
          MetadataDirective: input.headers ? 'REPLACE' : 'COPY',
          ...headerInput(input.headers),
          ...extrasInput(input.extras),
        }),
        { abortSignal },
      ),
    );
    return { etag: bareEtag(out.CopyObjectResult?.ETag) };
  }

  /** One part of a multipart upload copied on the server from a byte range of another object. */
  async uploadPartCopy(
    input: { bucket: string; key: string; uploadId: string; partNumber: number; sourceBucket: string; sourceKey: string; start: number; end: number; ifMatch?: string; ifUnmodifiedSince?: Date },
    options: CallOptions = {},
  ): Promise<string> {
    const out = await this.call({ bucket: input.bucket, key: input.key, action: `copying part ${input.partNumber} on the server` }, options, (abortSignal) =>
      this.client.send(
        new UploadPartCopyCommand({
          Bucket: input.bucket,
          Key: input.key,
          UploadId: input.uploadId,
          PartNumber: input.partNumber,
          CopySource: copySource(input.sourceBucket, input.sourceKey),
          CopySourceRange: `bytes=${input.start}-${input.end}`,
          CopySourceIfMatch: input.ifMatch ? `"${input.ifMatch}"` : undefined,
          CopySourceIfUnmodifiedSince: input.ifUnmodifiedSince,
        }),
        { abortSignal },
      ),
    );
    return bareEtag(out.CopyPartResult?.ETag);
  }

  async completeMultipartUpload(
    input: { bucket: string; key: string; uploadId: string; parts: CompletedPart[] },
    options: CallOptions = {},
  ): Promise<{ etag: string; serverSideEncryption?: string }> {
    const out = await this.call({ bucket: input.bucket, key: input.key, action: 'completing the upload' }, options, (abortSignal) =>
      this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: input.bucket,
          Key: input.key,
          UploadId: input.uploadId,
          MultipartUpload: {
            Parts: input.parts.map((p) => ({ PartNumber: p.partNumber, ETag: `"${p.etag}"`, ChecksumCRC32: p.crc32 })),
          },
        }),
        { abortSignal },
      ),
    );
    return { etag: bareEtag(out.ETag), serverSideEncryption: out.ServerSideEncryption };
  }

  async abortMultipartUpload(input: { bucket: string; key: string; uploadId: string }, options: CallOptions = {}): Promise<void> {
    try {
      await this.call({ bucket: input.bucket, key: input.key, action: 'aborting the upload' }, options, (abortSignal) =>
        this.client.send(new AbortMultipartUploadCommand({ Bucket: input.bucket, Key: input.key, UploadId: input.uploadId }), { abortSignal }),
      );
    } catch (error) {
      // Already gone is what we wanted.
      if ((error as { code?: string }).code !== 'NoSuchUpload') throw error;
    }
  }

  /** Every part the server holds for an upload, following pages (a listing returns at most 1,000). */
  async listParts(input: { bucket: string; key: string; uploadId: string; pageSize?: number }, options: CallOptions = {}): Promise<CompletedPart[]> {
    const parts: CompletedPart[] = [];
    let marker: string | undefined;
    for (;;) {
      const out = await this.call({ bucket: input.bucket, key: input.key, action: 'listing uploaded parts' }, options, (abortSignal) =>
        this.client.send(
          new ListPartsCommand({ Bucket: input.bucket, Key: input.key, UploadId: input.uploadId, PartNumberMarker: marker, MaxParts: input.pageSize }),
          { abortSignal },
        ),
      );
      for (const p of out.Parts ?? []) {
        parts.push({ partNumber: p.PartNumber ?? 0, etag: bareEtag(p.ETag), crc32: p.ChecksumCRC32, size: p.Size });
      }
      if (!out.IsTruncated || !out.NextPartNumberMarker) return parts;
      marker = out.NextPartNumberMarker;
    }
  }

  async *listMultipartUploads(bucket: string, prefix = '', options: CallOptions = {}): AsyncGenerator<MultipartUploadInfo> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const out = await this.call({ bucket, action: 'listing incomplete uploads' }, options, (abortSignal) =>
        this.client.send(
          new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix || undefined, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
          { abortSignal },
        ),
      );
      for (const u of out.Uploads ?? []) {
        yield { key: u.Key ?? '', uploadId: u.UploadId ?? '', initiated: u.Initiated };
      }
      if (!out.IsTruncated) return;
      keyMarker = out.NextKeyMarker;
      uploadIdMarker = out.NextUploadIdMarker;
    }
  }

  /**
   * One page of a listing. A listing's first page is read on the event loop; the pages after it (a
   * continuation token here; every request after the first in listPages) on the listing worker,
   * when there is one (listWorker.ts): parsing 1,000 keys' XML holds a thread for 20–150 ms, and
   * in the app the event loop is the window's. A listing of one page never starts the worker.
   */
  listPage(input: ListPageInput, options: CallOptions = {}): Promise<ListPage> {
    return this.readPage(input, options, input.token === undefined);
  }

  /** A page on the listing worker, unless it is a listing's first and the worker takes only later ones. */
  private readPage(input: ListPageInput, options: CallOptions, firstOfListing: boolean): Promise<ListPage> {
    const worker = firstOfListing && this.listWorkerUse === 'after-first' ? undefined : this.listWorker;
    const onLoop = async (abortSignal?: AbortSignal) => toListPage(await this.client.send(new ListObjectsV2Command(listObjectsInput(input)), { abortSignal }));
    return this.call({ bucket: input.bucket, action: 'listing' }, options, (abortSignal) => (worker ? worker.list(input, abortSignal, onLoop) : onLoop(abortSignal)));
  }

  /**
   * Every object under a prefix, in key order (key ranges listed side by side). What the reader
   * does with each entry runs between two of them, so the event loop is handed back every few
   * milliseconds (timeSlice.ts): planning over a long listing never holds it for long.
   */
  async *listAll(bucket: string, prefix: string, options: CallOptions = {}): AsyncGenerator<ListEntry> {
    const slice = new TimeSlice();
    for await (const page of this.listPages(bucket, prefix, undefined, options)) {
      for (const entry of page.objects) {
        if (slice.due()) await slice.yield();
        yield entry;
      }
    }
  }

  /**
   * A listing's pages in key order, `listsInFlight` requests at a time over key ranges cut where
   * the first page shows the keys' shape (parallelList.ts); with a delimiter, its common prefixes too.
   */
  listPages(bucket: string, prefix: string, delimiter: string | undefined, options: CallOptions = {}): AsyncGenerator<ListPage> {
    let first = true;
    return listInParallel(
      (range) => {
        const firstOfListing = first;
        first = false;
        return this.readPage({ bucket, prefix: range.prefix, delimiter, startAfter: range.startAfter, token: range.token }, options, firstOfListing);
      },
      prefix,
      this.listsInFlight,
      delimiter,
    );
  }

  /** Deletes up to 1,000 keys per request. */
  async deleteObjects(bucket: string, keys: string[], options: CallOptions = {}): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const out = await this.call({ bucket, action: 'deleting' }, options, (abortSignal) =>
        this.client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
          { abortSignal },
        ),
      );
      const failed = out.Errors?.[0];
      if (failed) throw translateS3Error({ name: failed.Code, message: failed.Message }, { bucket, key: failed.Key, action: 'deleting' });
    }
  }

  /**
   * Opens a byte range of an object as a stream, with the object's metadata (every response carries
   * it). `ifMatch` makes the server refuse (412) when the object changed since the transfer began.
   * Not retried here: the caller resumes mid-range.
   */
  async getRange(
    input: { bucket: string; key: string; start: number; end: number; ifMatch?: string },
    signal?: AbortSignal,
  ): Promise<{ body: Readable; metadata?: Record<string, string> }> {
    try {
      return await this.dataRequest<{ body: Readable; metadata?: Record<string, string> }>(
        input.bucket,
        async (route, direct) => {
          const response = await direct.send(route, {
            method: 'GET',
            bucket: input.bucket,
            key: input.key,
            headers: { range: `bytes=${input.start}-${input.end}`, ...(input.ifMatch ? { 'if-match': `"${input.ifMatch}"` } : {}) },
            signal,
          });
          return { body: response.body, metadata: responseMetadata(response.headers) };
        },
        async () => {
          const out = await this.client.send(
            new GetObjectCommand({
              Bucket: input.bucket,
              Key: input.key,
              Range: `bytes=${input.start}-${input.end}`,
              IfMatch: input.ifMatch ? `"${input.ifMatch}"` : undefined,
            }),
            { abortSignal: signal },
          );
          // In Node the SDK's body is the response stream itself (an IncomingMessage).
          if (!(out.Body instanceof Readable)) throw new Error('The server sent no body.');
          return { body: out.Body, metadata: out.Metadata };
        },
      );
    } catch (error) {
      throw translateS3Error(error, {
        bucket: input.bucket,
        key: input.key,
        action: `downloading bytes ${input.start}-${input.end}`,
        endpoint: this.endpoint.endpoint,
      });
    }
  }

  /**
   * A link anyone may GET the object with until it expires, signed here with this store's keys
   * (no request is made: a wrong key or a missing object shows only when the link is opened).
   */
  async presignGet(bucket: string, key: string, expiresSeconds: number): Promise<string> {
    try {
      // Loaded on first use: a share link is rare, and the presigner's start-up cost is not.
      const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
      return await getSignedUrl(this.client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresSeconds });
    } catch (error) {
      throw translateS3Error(error, { bucket, key, action: 'making a share link', endpoint: this.endpoint.endpoint });
    }
  }
}
