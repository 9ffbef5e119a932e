// A minimal local S3 endpoint that discards uploads and serves generated downloads, so benchmarks measure S3 clients, not the server.
//
// Path-style only (http://127.0.0.1:PORT/bucket/key), no signature checks. Enough of the REST API
// for the AWS SDK v3, AWS CLI v2 and rclone to upload and download through it:
//
// - Uploads (PutObject, UploadPart) are read and thrown away, but MD5 is computed as they stream so
//   ETags are real, and aws-chunked bodies are de-framed first. Per object only metadata is kept
//   (size, ETag, content type, x-amz-meta-*), never bytes: HEAD of an uploaded object works, GET of it
//   answers 404 NoSuchKey, because there is nothing to send back.
// - Keys `gen/<bytes>` and `gen/<name>-<bytes>` always exist, in every bucket, with deterministic
//   content (see patternByte) and a real, plain MD5 ETag, computed on first use and cached per size
//   (up to 8 GiB; see MD5_ETAG_LIMIT).
//   Those keys always serve the generated object, even after an upload to the same key.
// - With `smallFiles`, listings also contain `gen/small/<index>-<bytes>` keys (gettable like any
//   gen key), so listing-heavy and many-small-files benchmarks have something to walk.
//
// Run as a script: `npx tsx bench/discardServer.ts --port 18090 [--small-files 1000:1024:65536]
// [--warm 1073741824] [--no-md5]` prints the URL and runs until SIGTERM/SIGINT.

import { createHash, randomUUID, type Hash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

export interface SmallFilesOptions {
  count: number;
  minBytes: number;
  maxBytes: number;
}

export interface DiscardServerOptions {
  /** 0 or absent: any free port. */
  port?: number;
  host?: '127.0.0.1';
  smallFiles?: SmallFilesOptions;
  /**
   * Generated-object sizes whose ETag is computed before the server resolves: the MD5 of 1 GiB
   * costs ~1.5–2 CPU-seconds, which would otherwise land inside the first timed download.
   */
  warmSizes?: number[];
  /**
   * Default true. False skips MD5 of uploads (~1.6 CPU-s per GiB, on the cores the client needs):
   * upload ETags are then a fixed function of the size, so clients that verify them will fail.
   * Only for measuring how much the hashing itself costs.
   */
  hashUploads?: boolean;
}

export interface DiscardServerStats {
  /** Request body bytes as received (including aws-chunked framing). */
  bytesIn: number;
  /** Response body bytes sent, object data and XML alike. */
  bytesOut: number;
  requests: number;
}

export interface DiscardServer {
  url: string;
  close(): Promise<void>;
  stats: DiscardServerStats;
}

// ---------------------------------------------------------------------------------------------
// Generated content

/**
 * The content repeats with this period. It is odd, so it is not a multiple of any power-of-two part
 * or chunk size: two parts of one object never hold the same bytes, and an off-by-some-bytes range
 * bug shows up as wrong content.
 */
export const PATTERN_PERIOD = 1024 * 1024 + 7;

// Responses are written in slices of this size; the pattern buffer is a period plus one slice long
// so that any slice, starting at any offset modulo the period, is one contiguous zero-copy view.
const SLICE = 1024 * 1024;

/** The byte at `offset` of every generated object (the content does not depend on the key). */
export function patternByte(offset: number): number {
  const j = offset % PATTERN_PERIOD;
  return (Math.imul(j, 2654435761) >>> 24) & 0xff;
}

const PATTERN: Buffer = (() => {
  const buf = Buffer.allocUnsafe(PATTERN_PERIOD + SLICE);
  for (let j = 0; j < buf.length; j++) buf[j] = patternByte(j);
  return buf;
})();

/** A read-only view of the content at [offset, offset + length), length <= 1 MiB. */
function patternView(offset: number, length: number): Buffer {
  const start = offset % PATTERN_PERIOD;
  return PATTERN.subarray(start, start + length);
}

/** Fills `buf` with the generated content starting at object offset `offset`. */
export function fillPattern(buf: Uint8Array, offset: number): void {
  for (let done = 0; done < buf.length; ) {
    const n = Math.min(SLICE, buf.length - done);
    buf.set(patternView(offset + done, n), done);
    done += n;
  }
}

/** The size of a generated key, or undefined if the key is not one. */
export function generatedSize(key: string): number | undefined {
  const m = /^gen\/(?:.+-)?(\d{1,16})$/.exec(key);
  if (!m) return undefined;
  const size = Number(m[1]);
  return Number.isSafeInteger(size) ? size : undefined;
}

// One promise per size, so concurrent first requests share one computation.
const etagCache = new Map<number, Promise<string>>();

/**
 * Above this size a generated object's ETag is not an MD5: hashing 8 GiB already takes ~13 s before
 * the first byte can be sent, and a HEAD of `gen/1000000000000` would burn half an hour of CPU.
 */
export const MD5_ETAG_LIMIT = 8 * 1024 * 1024 * 1024;

/**
 * The quoted ETag of a generated object of `size` bytes: its plain MD5 up to MD5_ETAG_LIMIT; above,
 * a multipart-looking `"<md5 of the size>-1"`, which clients (rclone, Ferry) do not check as an MD5.
 */
export function generatedEtag(size: number): Promise<string> {
  let p = etagCache.get(size);
  if (!p && size > MD5_ETAG_LIMIT) {
    p = Promise.resolve(`"${createHash('md5').update(`generated ${size}`).digest('hex')}-1"`);
    etagCache.set(size, p);
  }
  if (!p) {
    p = (async () => {
      const md5 = createHash('md5');
      for (let off = 0; off < size; ) {
        const n = Math.min(SLICE, size - off);
        md5.update(patternView(off, n));
        off += n;
        // Yield every 64 MiB so a big first computation does not freeze other connections.
        if (off % (64 * SLICE) === 0 && off < size) await new Promise((r) => setImmediate(r));
      }
      return `"${md5.digest('hex')}"`;
    })();
    etagCache.set(size, p);
  }
  return p;
}

/** Key `index` of the smallFiles listing (sizes come from a fixed hash of the index). */
export function smallFileKey(opts: SmallFilesOptions, index: number): string {
  const width = Math.max(5, String(Math.max(0, opts.count - 1)).length);
  // A 32-bit integer hash (lowbias32) of the index: deterministic, cheap, well spread.
  let h = index >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  const span = Math.max(0, opts.maxBytes - opts.minBytes) + 1;
  const size = opts.minBytes + ((h >>> 0) % span);
  return `gen/small/${String(index).padStart(width, '0')}-${size}`;
}

// ---------------------------------------------------------------------------------------------
// aws-chunked bodies

/**
 * Strips aws-chunked framing (`<hex-size>[;chunk-signature=…]\r\n<data>\r\n` … `0…\r\n`, then
 * optional trailer lines) so MD5 and size are of the real payload. Signatures are not checked.
 */
export class AwsChunkedDecoder {
  private state: 'size' | 'data' | 'crlf' | 'trailer' = 'size';
  private line = '';
  private remaining = 0;
  private crlfSeen = 0;

  constructor(private readonly onData: (data: Buffer) => void) {}

  get done(): boolean {
    return this.state === 'trailer';
  }

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case 'size': {
          const nl = chunk.indexOf(0x0a, i);
          const end = nl === -1 ? chunk.length : nl;
          this.line += chunk.toString('latin1', i, end);
          if (this.line.length > 4096) throw new Error('aws-chunked: chunk header too long');
          i = end;
          if (nl === -1) break;
          i++;
          const hex = this.line.replace(/\r$/, '').split(';')[0]!.trim();
          if (!/^[0-9a-fA-F]{1,15}$/.test(hex)) throw new Error(`aws-chunked: bad chunk size ${JSON.stringify(hex)}`);
          this.line = '';
          this.remaining = parseInt(hex, 16);
          this.state = this.remaining === 0 ? 'trailer' : 'data';
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, chunk.length - i);
          this.onData(chunk.subarray(i, i + n));
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            this.state = 'crlf';
            this.crlfSeen = 0;
          }
          break;
        }
        case 'crlf': {
          const expected = this.crlfSeen === 0 ? 0x0d : 0x0a;
          if (chunk[i] !== expected) throw new Error('aws-chunked: missing CRLF after chunk data');
          i++;
          if (++this.crlfSeen === 2) this.state = 'size';
          break;
        }
        case 'trailer':
          // Trailer lines (x-amz-checksum-*, x-amz-trailer-signature) and the final CRLF: ignored.
          return;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// State

interface StoredObject {
  size: number;
  etag: string;
  lastModified: Date;
  contentType: string;
  meta: Record<string, string>;
}

interface Part {
  etag: string;
  md5: Buffer;
  size: number;
  lastModified: Date;
}

interface Upload {
  bucket: string;
  key: string;
  initiated: Date;
  contentType: string;
  meta: Record<string, string>;
  parts: Map<number, Part>;
}

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
// Generated objects all claim to be this old; it only needs to be stable within a run.
const STARTED = new Date(Math.floor(Date.now() / 1000) * 1000);
const OWNER = '<Owner><ID>discard</ID><DisplayName>discard</DisplayName></Owner>';

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

function xmlUnescape(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

/** S3 timestamps: ISO 8601 with milliseconds in XML. */
function isoDate(d: Date): string {
  return d.toISOString();
}

function unquote(etag: string): string {
  return etag.trim().replace(/^"|"$/g, '');
}

function collectMeta(req: http.IncomingMessage): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') meta[name] = value;
  }
  return meta;
}

// ---------------------------------------------------------------------------------------------
// Server

export async function startDiscardServer(options: DiscardServerOptions = {}): Promise<DiscardServer> {
  const host = options.host ?? '127.0.0.1';
  const smallFiles = options.smallFiles;
  const hashUploads = options.hashUploads ?? true;
  const stats: DiscardServerStats = { bytesIn: 0, bytesOut: 0, requests: 0 };
  const buckets = new Map<string, Map<string, StoredObject>>([['bench', new Map()]]);
  // Sorted key lists for listings, rebuilt lazily after a change.
  const sortedKeys = new Map<string, string[]>();
  const uploads = new Map<string, Upload>();

  await Promise.all((options.warmSizes ?? []).map((s) => generatedEtag(s)));

  function bucketObjects(bucket: string): Map<string, StoredObject> {
    let b = buckets.get(bucket);
    if (!b) {
      // Every bucket name exists: benchmarks should not have to create one first.
      b = new Map();
      buckets.set(bucket, b);
    }
    return b;
  }

  function putObject(bucket: string, key: string, obj: StoredObject): void {
    const b = bucketObjects(bucket);
    if (!b.has(key)) sortedKeys.delete(bucket);
    b.set(key, obj);
  }

  function deleteObject(bucket: string, key: string): void {
    if (bucketObjects(bucket).delete(key)) sortedKeys.delete(bucket);
  }

  function keysOf(bucket: string): string[] {
    let keys = sortedKeys.get(bucket);
    if (!keys) {
      keys = [...bucketObjects(bucket).keys()].sort(compareKeys);
      sortedKeys.set(bucket, keys);
    }
    return keys;
  }

  // ---- responses

  function send(res: http.ServerResponse, status: number, headers: Record<string, string | number>, body?: string): void {
    const buf = body === undefined ? undefined : Buffer.from(body, 'utf8');
    res.writeHead(status, {
      'x-amz-request-id': randomUUID(),
      ...headers,
      // An explicit length, even 0, so empty answers are not sent chunked.
      ...(buf ? { 'Content-Type': 'application/xml', 'Content-Length': buf.length } : status === 204 || status === 304 ? {} : { 'Content-Length': 0 }),
    });
    if (buf) stats.bytesOut += buf.length;
    res.end(buf);
  }

  function sendXml(res: http.ServerResponse, xml: string, status = 200): void {
    send(res, status, {}, XML_DECL + xml);
  }

  function sendError(req: http.IncomingMessage, res: http.ServerResponse, err: S3Error): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // HEAD responses carry no body; the status code is all a client gets.
    const body =
      req.method === 'HEAD'
        ? undefined
        : `${XML_DECL}<Error><Code>${err.code}</Code><Message>${xmlEscape(err.message)}</Message>` +
          `<Resource>${xmlEscape(req.url ?? '')}</Resource><RequestId>discard</RequestId></Error>`;
    send(res, err.status, err.headers, body);
  }

  // ---- request bodies

  /** Reads a request body, handing the payload (de-framed if aws-chunked) to `onData`. */
  async function readBody(req: http.IncomingMessage, onData: (b: Buffer) => void): Promise<void> {
    const sha = String(req.headers['x-amz-content-sha256'] ?? '');
    const chunked = sha.startsWith('STREAMING-') || String(req.headers['content-encoding'] ?? '').includes('aws-chunked');
    const decoder = chunked ? new AwsChunkedDecoder(onData) : undefined;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      stats.bytesIn += chunk.length;
      try {
        if (decoder) decoder.push(chunk);
        else onData(chunk);
      } catch (e) {
        throw new S3Error(400, 'IncompleteBody', (e as Error).message);
      }
    }
    if (decoder && !decoder.done) throw new S3Error(400, 'IncompleteBody', 'aws-chunked body ended before its final chunk');
  }

  /** Streams a payload through MD5; checks Content-MD5 and x-amz-decoded-content-length if sent. */
  async function hashBody(req: http.IncomingMessage): Promise<{ md5: Buffer; size: number }> {
    const md5: Hash = createHash('md5');
    let size = 0;
    await readBody(req, (b) => {
      if (hashUploads) md5.update(b);
      size += b.length;
    });
    const digest = hashUploads ? md5.digest() : md5.update(`unhashed ${size}`).digest();
    const decodedLength = req.headers['x-amz-decoded-content-length'];
    if (typeof decodedLength === 'string' && Number(decodedLength) !== size) {
      throw new S3Error(400, 'IncompleteBody', `decoded ${size} bytes, x-amz-decoded-content-length says ${decodedLength}`);
    }
    const contentMd5 = req.headers['content-md5'];
    if (hashUploads && typeof contentMd5 === 'string' && contentMd5 !== digest.toString('base64')) {
      throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    return { md5: digest, size };
  }

  async function readSmallBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    await readBody(req, (b) => {
      size += b.length;
      if (size > 16 * 1024 * 1024) throw new S3Error(400, 'MaxMessageLengthExceeded', 'request body too large');
      chunks.push(Buffer.from(b));
    });
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Error paths still read the body, so the connection stays usable for keep-alive. */
  async function drain(req: http.IncomingMessage): Promise<void> {
    if (req.readableEnded) return;
    for await (const chunk of req as AsyncIterable<Buffer>) stats.bytesIn += chunk.length;
  }

  // ---- objects

  interface Resolved {
    size: number;
    etag: string;
    lastModified: Date;
    contentType: string;
    meta: Record<string, string>;
    generated: boolean;
  }

  async function resolveObject(bucket: string, key: string): Promise<Resolved> {
    const gen = generatedSize(key);
    if (gen !== undefined) {
      return { size: gen, etag: await generatedEtag(gen), lastModified: STARTED, contentType: 'application/octet-stream', meta: {}, generated: true };
    }
    const obj = bucketObjects(bucket).get(key);
    if (!obj) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    return { ...obj, generated: false };
  }

  async function getObject(req: http.IncomingMessage, res: http.ServerResponse, bucket: string, key: string, head: boolean): Promise<void> {
    const obj = await resolveObject(bucket, key);
    const ifMatch = req.headers['if-match'];
    if (typeof ifMatch === 'string' && ifMatch.trim() !== '*' && !ifMatch.split(',').some((e) => unquote(e) === unquote(obj.etag))) {
      throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
    const ifNoneMatch = req.headers['if-none-match'];
    if (typeof ifNoneMatch === 'string' && ifNoneMatch.split(',').some((e) => e.trim() === '*' || unquote(e) === unquote(obj.etag))) {
      send(res, 304, { ETag: obj.etag, 'Last-Modified': obj.lastModified.toUTCString() });
      return;
    }

    let start = 0;
    let end = obj.size - 1;
    let status = 200;
    const range = req.headers.range;
    if (typeof range === 'string') {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      // Malformed or multi-range headers are ignored, as S3 does: the whole object is served.
      if (m && (m[1] !== '' || m[2] !== '')) {
        if (m[1] === '') {
          start = Math.max(0, obj.size - Number(m[2]));
        } else {
          start = Number(m[1]);
          if (m[2] !== '') end = Math.min(end, Number(m[2]));
        }
        if (start >= obj.size || start > end || (m[1] === '' && Number(m[2]) === 0)) {
          throw new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable', { 'Content-Range': `bytes */${obj.size}` });
        }
        status = 206;
      }
    }

    // Uploaded objects have no bytes to serve; HEAD of them works, GET does not (see the top).
    if (!head && !obj.generated) throw new S3Error(404, 'NoSuchKey', 'The discard server keeps no bytes of uploaded objects.');

    const length = obj.size === 0 ? 0 : end - start + 1;
    const headers: Record<string, string | number> = {
      'Content-Type': obj.contentType,
      'Content-Length': length,
      ETag: obj.etag,
      'Last-Modified': obj.lastModified.toUTCString(),
      'Accept-Ranges': 'bytes',
      ...obj.meta,
    };
    if (status === 206) headers['Content-Range'] = `bytes ${start}-${end}/${obj.size}`;
    res.writeHead(status, headers);
    if (head || length === 0) {
      res.end();
      return;
    }
    await streamPattern(res, start, length);
  }

  /** Writes generated bytes, waiting for 'drain' whenever the socket buffer is full. */
  async function streamPattern(res: http.ServerResponse, start: number, length: number): Promise<void> {
    let off = start;
    const end = start + length;
    // 'close' before the end means the client went away (or aborted a ranged read): stop writing.
    let closed = false;
    res.once('close', () => (closed = true));
    while (off < end) {
      if (closed || res.destroyed) return;
      const n = Math.min(SLICE, end - off);
      const ok = res.write(patternView(off, n));
      stats.bytesOut += n;
      off += n;
      if (!ok) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    }
    res.end();
  }

  async function putObjectRequest(req: http.IncomingMessage, res: http.ServerResponse, bucket: string, key: string): Promise<void> {
    if (req.headers['x-amz-copy-source']) {
      await drain(req);
      throw new S3Error(501, 'NotImplemented', 'CopyObject is not supported by the discard server');
    }
    const { md5, size } = await hashBody(req);
    const etag = `"${md5.toString('hex')}"`;
    putObject(bucket, key, {
      size,
      etag,
      lastModified: new Date(),
      contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
      meta: collectMeta(req),
    });
    send(res, 200, { ETag: etag });
  }

  // ---- multipart

  function getUpload(uploadId: string, bucket: string, key: string): Upload {
    const up = uploads.get(uploadId);
    if (!up || up.bucket !== bucket || up.key !== key) {
      throw new S3Error(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.');
    }
    return up;
  }

  async function uploadPart(req: http.IncomingMessage, res: http.ServerResponse, bucket: string, key: string, q: URLSearchParams): Promise<void> {
    const partNumber = Number(q.get('partNumber'));
    let up: Upload;
    try {
      if (req.headers['x-amz-copy-source']) throw new S3Error(501, 'NotImplemented', 'UploadPartCopy is not supported by the discard server');
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) {
        throw new S3Error(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
      }
      up = getUpload(q.get('uploadId') ?? '', bucket, key);
    } catch (e) {
      await drain(req);
      throw e;
    }
    const { md5, size } = await hashBody(req);
    const etag = `"${md5.toString('hex')}"`;
    up.parts.set(partNumber, { etag, md5, size, lastModified: new Date() });
    send(res, 200, { ETag: etag });
  }

  async function completeUpload(req: http.IncomingMessage, res: http.ServerResponse, bucket: string, key: string, uploadId: string): Promise<void> {
    const body = await readSmallBody(req);
    const up = getUpload(uploadId, bucket, key);
    const listed = [...body.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => {
      const num = /<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(m[1]!);
      const etag = /<ETag>([\s\S]*?)<\/ETag>/.exec(m[1]!);
      return { partNumber: num ? Number(num[1]) : NaN, etag: etag ? unquote(xmlUnescape(etag[1]!)) : undefined };
    });
    if (listed.length === 0) throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    const md5s: Buffer[] = [];
    let size = 0;
    let previous = 0;
    for (const { partNumber, etag } of listed) {
      if (!(partNumber > previous)) throw new S3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
      previous = partNumber;
      const part = up.parts.get(partNumber);
      if (!part || (etag !== undefined && etag !== unquote(part.etag))) {
        throw new S3Error(400, 'InvalidPart', 'One or more of the specified parts could not be found.');
      }
      md5s.push(part.md5);
      size += part.size;
    }
    const etag = `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${md5s.length}"`;
    uploads.delete(uploadId);
    putObject(bucket, key, { size, etag, lastModified: new Date(), contentType: up.contentType, meta: up.meta });
    sendXml(
      res,
      `<CompleteMultipartUploadResult xmlns="${XMLNS}"><Location>http://${xmlEscape(String(req.headers.host ?? host))}/${xmlEscape(bucket)}/${xmlEscape(key)}</Location>` +
        `<Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>${xmlEscape(etag)}</ETag></CompleteMultipartUploadResult>`,
    );
  }

  function listParts(res: http.ServerResponse, bucket: string, key: string, q: URLSearchParams): void {
    const uploadId = q.get('uploadId') ?? '';
    const up = getUpload(uploadId, bucket, key);
    const maxParts = Math.min(1000, Math.max(0, Number(q.get('max-parts') ?? 1000) || 0));
    const marker = Number(q.get('part-number-marker') ?? 0) || 0;
    const numbers = [...up.parts.keys()].filter((n) => n > marker).sort((a, b) => a - b);
    const page = numbers.slice(0, maxParts);
    const truncated = numbers.length > page.length;
    const parts = page
      .map((n) => {
        const p = up.parts.get(n)!;
        return `<Part><PartNumber>${n}</PartNumber><LastModified>${isoDate(p.lastModified)}</LastModified><ETag>${xmlEscape(p.etag)}</ETag><Size>${p.size}</Size></Part>`;
      })
      .join('');
    sendXml(
      res,
      `<ListPartsResult xmlns="${XMLNS}"><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(uploadId)}</UploadId>` +
        `<Initiator><ID>discard</ID><DisplayName>discard</DisplayName></Initiator>${OWNER}<StorageClass>STANDARD</StorageClass>` +
        `<PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${page.at(-1) ?? marker}</NextPartNumberMarker>` +
        `<MaxParts>${maxParts}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts}</ListPartsResult>`,
    );
  }

  function listUploads(res: http.ServerResponse, bucket: string, q: URLSearchParams): void {
    const prefix = q.get('prefix') ?? '';
    const ups = [...uploads.entries()]
      .filter(([, u]) => u.bucket === bucket && u.key.startsWith(prefix))
      .sort(([ia, a], [ib, b]) => compareKeys(a.key, b.key) || compareKeys(ia, ib));
    const items = ups
      .map(
        ([id, u]) =>
          `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${xmlEscape(id)}</UploadId><Initiator><ID>discard</ID><DisplayName>discard</DisplayName></Initiator>` +
          `${OWNER}<StorageClass>STANDARD</StorageClass><Initiated>${isoDate(u.initiated)}</Initiated></Upload>`,
      )
      .join('');
    // No pagination: a benchmark has a handful of uploads in flight at most.
    sendXml(
      res,
      `<ListMultipartUploadsResult xmlns="${XMLNS}"><Bucket>${xmlEscape(bucket)}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>` +
        `<Prefix>${xmlEscape(prefix)}</Prefix><MaxUploads>${Number(q.get('max-uploads') ?? 1000) || 1000}</MaxUploads><IsTruncated>false</IsTruncated>${items}</ListMultipartUploadsResult>`,
    );
  }

  // ---- listings

  interface Entry {
    key: string;
    size: number;
    etag: string;
    lastModified: Date;
  }

  /** Keys after `after` (exclusive), in order, merged from uploads and the smallFiles set. */
  function* keysAfter(bucket: string, after: string): Generator<string, void, string | undefined> {
    const stored = keysOf(bucket);
    let si = lowerBoundAfter(stored.length, (i) => stored[i]!, after);
    let gi = smallFiles ? lowerBoundAfter(smallFiles.count, (i) => smallFileKey(smallFiles, i), after) : 0;
    const gCount = smallFiles?.count ?? 0;
    while (si < stored.length || gi < gCount) {
      const s = si < stored.length ? stored[si] : undefined;
      const g = smallFiles && gi < gCount ? smallFileKey(smallFiles, gi) : undefined;
      if (g === undefined || (s !== undefined && compareKeys(s, g) <= 0)) {
        si++;
        if (s === g) gi++;
        const seek = yield s!;
        if (typeof seek === 'string') return yield* keysAfter(bucket, seek);
      } else {
        gi++;
        const seek = yield g;
        if (typeof seek === 'string') return yield* keysAfter(bucket, seek);
      }
    }
  }

  async function entryFor(bucket: string, key: string): Promise<Entry> {
    const obj = bucketObjects(bucket).get(key);
    if (obj) return { key, size: obj.size, etag: obj.etag, lastModified: obj.lastModified };
    // Otherwise it is a smallFiles key, whose size is in its name.
    const size = generatedSize(key)!;
    return { key, size, etag: await generatedEtag(size), lastModified: STARTED };
  }

  /**
   * One page: keys (and common prefixes) after `after` under `prefix`. Keys that roll up into a
   * common prefix at or before `after` are skipped, so resuming from a returned prefix works.
   */
  async function listPage(bucket: string, prefix: string, delimiter: string, after: string, maxKeys: number) {
    const contents: Entry[] = [];
    const prefixes: string[] = [];
    let last: string | undefined;
    let truncated = false;
    // Start no earlier than just before the prefix, so a listing under a prefix does not walk everything before it.
    const from = after < prefix ? prefixBefore(prefix) : after;
    const it = keysAfter(bucket, from);
    let step = it.next();
    while (!step.done) {
      const key = step.value;
      if (!key.startsWith(prefix)) {
        if (key > prefix) break;
        step = it.next();
        continue;
      }
      let rolled: string | undefined;
      if (delimiter !== '') {
        const at = key.indexOf(delimiter, prefix.length);
        if (at !== -1) rolled = key.slice(0, at + delimiter.length);
      }
      if (rolled !== undefined && rolled <= after) {
        step = it.next(rolled + '\uffff');
        continue;
      }
      if (contents.length + prefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (rolled !== undefined) {
        prefixes.push(rolled);
        last = rolled;
        // Everything else under this prefix rolls up into it: jump past it.
        step = it.next(rolled + '\uffff');
      } else {
        contents.push(await entryFor(bucket, key));
        last = key;
        step = it.next();
      }
    }
    return { contents, prefixes, truncated, last };
  }

  async function listObjects(res: http.ServerResponse, bucket: string, q: URLSearchParams): Promise<void> {
    const v2 = q.get('list-type') === '2';
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const maxKeys = Math.min(1000, Math.max(0, Number(q.get('max-keys') ?? 1000)));
    const urlEncode = q.get('encoding-type') === 'url';
    const enc = (s: string): string => xmlEscape(urlEncode ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
    const token = q.get('continuation-token');
    let after: string;
    if (v2) {
      after = token !== null ? Buffer.from(token, 'base64url').toString('utf8') : (q.get('start-after') ?? '');
    } else {
      after = q.get('marker') ?? '';
    }
    const page = await listPage(bucket, prefix, delimiter, after, Number.isFinite(maxKeys) ? maxKeys : 1000);
    const contents = page.contents
      .map(
        (e) =>
          `<Contents><Key>${enc(e.key)}</Key><LastModified>${isoDate(e.lastModified)}</LastModified><ETag>${xmlEscape(e.etag)}</ETag>` +
          `<Size>${e.size}</Size>${v2 ? '' : OWNER}<StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join('');
    const common = page.prefixes.map((p) => `<CommonPrefixes><Prefix>${enc(p)}</Prefix></CommonPrefixes>`).join('');
    let head = `<Name>${xmlEscape(bucket)}</Name><Prefix>${enc(prefix)}</Prefix>`;
    if (delimiter !== '') head += `<Delimiter>${enc(delimiter)}</Delimiter>`;
    head += `<MaxKeys>${maxKeys}</MaxKeys>`;
    if (urlEncode) head += '<EncodingType>url</EncodingType>';
    head += `<IsTruncated>${page.truncated}</IsTruncated>`;
    if (v2) {
      head += `<KeyCount>${page.contents.length + page.prefixes.length}</KeyCount>`;
      if (token !== null) head += `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>`;
      if (q.get('start-after') !== null) head += `<StartAfter>${enc(q.get('start-after')!)}</StartAfter>`;
      if (page.truncated && page.last !== undefined) {
        head += `<NextContinuationToken>${Buffer.from(page.last, 'utf8').toString('base64url')}</NextContinuationToken>`;
      }
      sendXml(res, `<ListBucketResult xmlns="${XMLNS}">${head}${contents}${common}</ListBucketResult>`);
    } else {
      head += `<Marker>${enc(after)}</Marker>`;
      // S3 sends NextMarker only with a delimiter; clients otherwise resume from the last key. Always sending it is harmless.
      if (page.truncated && page.last !== undefined) head += `<NextMarker>${enc(page.last)}</NextMarker>`;
      sendXml(res, `<ListBucketResult xmlns="${XMLNS}">${head}${contents}${common}</ListBucketResult>`);
    }
  }

  async function deleteObjects(req: http.IncomingMessage, res: http.ServerResponse, bucket: string): Promise<void> {
    const body = await readSmallBody(req);
    const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(body);
    const keys = [...body.matchAll(/<Object>[\s\S]*?<Key>([\s\S]*?)<\/Key>[\s\S]*?<\/Object>/g)].map((m) => xmlUnescape(m[1]!));
    for (const key of keys) deleteObject(bucket, key);
    const deleted = quiet ? '' : keys.map((k) => `<Deleted><Key>${xmlEscape(k)}</Key></Deleted>`).join('');
    sendXml(res, `<DeleteResult xmlns="${XMLNS}">${deleted}</DeleteResult>`);
  }

  // ---- routing

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://discard');
    const q = url.searchParams;
    const segments = url.pathname.split('/');
    let bucket: string;
    let key: string;
    try {
      bucket = decodeURIComponent(segments[1] ?? '');
      key = decodeURIComponent(segments.slice(2).join('/'));
    } catch {
      await drain(req);
      throw new S3Error(400, 'InvalidURI', 'Could not parse the specified URI.');
    }
    const method = req.method ?? 'GET';

    if (bucket === '') {
      if (method !== 'GET') {
        await drain(req);
        throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      }
      const list = [...buckets.keys()]
        .sort()
        .map((b) => `<Bucket><Name>${xmlEscape(b)}</Name><CreationDate>${isoDate(STARTED)}</CreationDate></Bucket>`)
        .join('');
      sendXml(res, `<ListAllMyBucketsResult xmlns="${XMLNS}">${OWNER}<Buckets>${list}</Buckets></ListAllMyBucketsResult>`);
      return;
    }

    if (key === '') {
      switch (method) {
        case 'PUT':
          await drain(req);
          bucketObjects(bucket);
          send(res, 200, { Location: `/${bucket}` });
          return;
        case 'HEAD':
          send(res, 200, { 'x-amz-bucket-region': 'us-east-1' });
          return;
        case 'DELETE':
          buckets.delete(bucket);
          sortedKeys.delete(bucket);
          send(res, 204, {});
          return;
        case 'POST':
          if (q.has('delete')) return deleteObjects(req, res, bucket);
          break;
        case 'GET':
          if (q.has('location')) {
            sendXml(res, `<LocationConstraint xmlns="${XMLNS}"></LocationConstraint>`);
            return;
          }
          if (q.has('uploads')) return listUploads(res, bucket, q);
          if (q.has('versioning')) {
            sendXml(res, `<VersioningConfiguration xmlns="${XMLNS}"></VersioningConfiguration>`);
            return;
          }
          if ([...q.keys()].every((k) => ['list-type', 'prefix', 'delimiter', 'max-keys', 'continuation-token', 'start-after', 'marker', 'encoding-type', 'fetch-owner', 'x-id'].includes(k))) {
            return listObjects(res, bucket, q);
          }
          break;
      }
      await drain(req);
      throw new S3Error(501, 'NotImplemented', `${method} ${url.search} on a bucket is not supported by the discard server`);
    }

    switch (method) {
      case 'GET':
        if (q.has('uploadId')) return listParts(res, bucket, key, q);
        return getObject(req, res, bucket, key, false);
      case 'HEAD':
        return getObject(req, res, bucket, key, true);
      case 'PUT':
        if (q.has('uploadId')) return uploadPart(req, res, bucket, key, q);
        return putObjectRequest(req, res, bucket, key);
      case 'POST':
        if (q.has('uploads')) {
          await drain(req);
          const uploadId = randomUUID();
          uploads.set(uploadId, {
            bucket,
            key,
            initiated: new Date(),
            contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
            meta: collectMeta(req),
            parts: new Map(),
          });
          sendXml(
            res,
            `<InitiateMultipartUploadResult xmlns="${XMLNS}"><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
          );
          return;
        }
        if (q.has('uploadId')) return completeUpload(req, res, bucket, key, q.get('uploadId')!);
        break;
      case 'DELETE':
        await drain(req);
        if (q.has('uploadId')) {
          getUpload(q.get('uploadId')!, bucket, key);
          uploads.delete(q.get('uploadId')!);
        } else {
          deleteObject(bucket, key);
        }
        send(res, 204, {});
        return;
    }
    await drain(req);
    throw new S3Error(501, 'NotImplemented', `${method} ${url.search} on an object is not supported by the discard server`);
  }

  const server = http.createServer(
    // Bigger stream buffers than the 16 KiB default: fewer 'drain' round trips per GiB.
    { highWaterMark: 1024 * 1024, keepAliveTimeout: 5000, requestTimeout: 0 },
    (req, res) => {
      stats.requests++;
      handle(req, res).catch((e: unknown) => {
        if (e instanceof S3Error) {
          // A body may still be unread (an error thrown mid-upload): the connection cannot be reused.
          if (!req.readableEnded) res.shouldKeepAlive = false;
          sendError(req, res, e);
        } else if (!res.headersSent && !req.destroyed) {
          if (!req.readableEnded) res.shouldKeepAlive = false;
          sendError(req, res, new S3Error(500, 'InternalError', e instanceof Error ? e.message : String(e)));
        } else {
          res.destroy();
        }
      });
    },
  );
  // Idle keep-alive sockets wait 5 s for the next request (clients reuse them between parts).
  server.keepAliveTimeout = 5000;
  // Must exceed keepAliveTimeout, or a request arriving on an about-to-expire socket can be cut.
  server.headersTimeout = 10_000;
  // No whole-request limit: a multi-GiB PutObject from a slow client is legitimate here.
  server.requestTimeout = 0;
  // Expect: 100-continue needs no code: without a 'checkContinue' listener, node answers
  // "100 Continue" itself and then emits 'request'. Do not add one.

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** S3 lists keys in UTF-8 byte order; UTF-16 order differs only for astral characters. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first index whose key is > `after`, in a sorted sequence of `n` keys. */
function lowerBoundAfter(n: number, keyAt: (i: number) => string, after: string): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyAt(mid) <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A string that sorts just before `prefix` (so "keys after it" starts at the prefix itself). */
function prefixBefore(prefix: string): string {
  if (prefix === '') return '';
  const lastCode = prefix.charCodeAt(prefix.length - 1);
  // Decrement the last character and pad high: greater than everything before `prefix`, less than it.
  return lastCode === 0 ? prefix.slice(0, -1) : prefix.slice(0, -1) + String.fromCharCode(lastCode - 1) + '\uffff';
}

// ---------------------------------------------------------------------------------------------
// Script entry point

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : args[i + 1];
  };
  const options: DiscardServerOptions = { port: Number(value('--port') ?? 0) };
  const small = value('--small-files');
  if (small) {
    const [count, minBytes, maxBytes] = small.split(':').map(Number);
    options.smallFiles = { count: count ?? 0, minBytes: minBytes ?? 0, maxBytes: maxBytes ?? minBytes ?? 0 };
  }
  if (args.includes('--no-md5')) options.hashUploads = false;
  const warm = value('--warm');
  if (warm) options.warmSizes = warm.split(',').map(Number);
  const server = await startDiscardServer(options);
  console.log(server.url);
  const stop = (): void => {
    void server.close().then(() => {
      console.error(`discard server: ${server.stats.requests} requests, ${server.stats.bytesIn} bytes in, ${server.stats.bytesOut} bytes out`);
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (isMain()) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
