// The relay's host side (the write-proxy pattern): a Ferry host near the bucket takes files from a
// desktop far away in few large streams and writes them to the bucket over its own short path,
// with its own account. Small files come bundled, one tar stream per batch, unpacked entry by entry
// as they arrive and put in parallel; a large file comes as one stream of its own and goes up as a
// parallel multipart upload. Each answer is NDJSON, one line per file as it ends, so the desktop
// shows progress and results. A per-batch log of finished keys answers "what is done?", so a
// re-run sends only the rest.

import { setMaxListeners } from 'node:events';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import type { ErrorInfo } from '../../shared/errors.js';
import type { ObjectHeaders } from '../../shared/transfer.js';
import { contentTypeFor } from '../engine/contentType.js';
import type { TransferEngine } from '../engine/engine.js';
import { asFerryError } from '../engine/errors.js';
import { BatchLog, Journal } from '../engine/journal.js';

/** One line of a relay answer. */
export type RelayLine = { name: string; key: string; ok: true; bytes: number } | { name: string; key: string; ok: false; error: ErrorInfo } | { end: true; files: number; failed: number };

/** The pax record of a bundled file that carries its object's headers (JSON). */
export const HEADERS_PAX = 'FERRY.headers';

// A bundled file is held in memory until it is put: bundles carry small files only.
export const MAX_BUNDLED_FILE_BYTES = 16 * 1024 * 1024;
// Bundled files put at once; reading the tar waits beyond this (backpressure to the sender).
const BUNDLE_PUTS_IN_FLIGHT = 32;

export interface RelayPlace {
  bucket: string;
  /** Empty or ending in "/": a file named a/b.txt in the batch goes to prefix + a/b.txt. */
  prefix: string;
  /** Names the batch across runs (the sender's choice): its log of finished keys. */
  batch: string;
}

export class RelayReceiver {
  constructor(
    private readonly engine: TransferEngine,
    private readonly journal: Journal,
  ) {}

  /** The keys a batch has finished (what a re-run leaves out). */
  async done(place: RelayPlace): Promise<string[]> {
    const log = await this.log(place);
    return log.keys();
  }

  /** A tar stream of small files: each entry put as it arrives, a line per file as it ends. */
  async bundle(place: RelayPlace, body: Readable, write: (line: RelayLine) => void, signal?: AbortSignal): Promise<void> {
    const log = await this.log(place);
    const unpack = extract();
    const puts = new Set<Promise<void>>();
    let files = 0;
    let failed = 0;
    const finished = (line: RelayLine) => {
      if ('ok' in line && !line.ok) failed++;
      write(line);
    };
    unpack.on('entry', (header, stream, next) => {
      void (async () => {
        if (header.type !== 'file') {
          stream.resume();
          return;
        }
        files++;
        const name = header.name;
        const key = keyFor(place, name);
        if (typeof key !== 'string') {
          stream.resume();
          finished({ name, key: '', ok: false, error: key });
          return;
        }
        if ((header.size ?? 0) > MAX_BUNDLED_FILE_BYTES) {
          stream.resume();
          finished({ name, key, ok: false, error: { code: 'InvalidInput', message: `${name} is too large to come bundled (${header.size} bytes); send it on its own.` } });
          return;
        }
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        const data = Buffer.concat(chunks);
        const put = this.engine
          .uploadStream({ input: Readable.from([data]), name, bucket: place.bucket, key, size: data.length, headers: headersFrom((header.pax as Record<string, string> | undefined)?.[HEADERS_PAX], name) }, signal)
          .then(
            async () => {
              await log.add({ id: key, key, size: data.length });
              finished({ name, key, ok: true, bytes: data.length });
            },
            (error: unknown) => finished({ name, key, ok: false, error: asFerryError(error).toInfo() }),
          )
          .finally(() => puts.delete(put));
        puts.add(put);
        while (puts.size >= BUNDLE_PUTS_IN_FLIGHT) await Promise.race(puts);
      })().then(() => next(), (error: unknown) => next(error instanceof Error ? error : new Error(String(error))));
    });
    await new Promise<void>((resolve, reject) => {
      unpack.once('finish', resolve);
      unpack.once('error', reject);
      body.once('error', reject);
      body.pipe(unpack);
    });
    await Promise.all(puts);
    write({ end: true, files, failed });
  }

  /** A large file as a stream of its own: a parallel multipart upload through the host's engine. */
  async file(place: RelayPlace, name: string, size: number, headers: ObjectHeaders, body: Readable, write: (line: RelayLine) => void, signal?: AbortSignal): Promise<void> {
    const key = keyFor(place, name);
    if (typeof key !== 'string') {
      body.resume();
      write({ name, key: '', ok: false, error: key });
      write({ end: true, files: 1, failed: 1 });
      return;
    }
    const log = await this.log(place);
    try {
      await this.engine.uploadStream({ input: body, name, bucket: place.bucket, key, size, headers }, signal);
      await log.add({ id: key, key, size });
      write({ name, key, ok: true, bytes: size });
      write({ end: true, files: 1, failed: 0 });
    } catch (error) {
      write({ name, key, ok: false, error: asFerryError(error).toInfo() });
      write({ end: true, files: 1, failed: 1 });
    }
  }

  private log(place: RelayPlace): Promise<BatchLog> {
    return BatchLog.open(this.journal, { kind: 'relay', server: this.engine.server, bucket: place.bucket, prefix: place.prefix, batch: place.batch });
  }
}

/**
 * A relayed file's headers: those the sender gave (a JSON object of ObjectHeaders' string fields
 * and metadata), else the Content-Type of its name, as a direct upload would have.
 */
function headersFrom(text: string | undefined, name: string): ObjectHeaders {
  let given: unknown;
  try {
    given = text === undefined ? undefined : JSON.parse(text);
  } catch {
    given = undefined;
  }
  const headers: ObjectHeaders = {};
  if (typeof given === 'object' && given !== null) {
    const g = given as Record<string, unknown>;
    for (const field of ['contentType', 'cacheControl', 'contentDisposition', 'contentEncoding', 'contentLanguage', 'expires', 'storageClass', 'acl'] as const) {
      if (typeof g[field] === 'string') headers[field] = g[field];
    }
    if (typeof g.metadata === 'object' && g.metadata !== null) {
      headers.metadata = Object.fromEntries(Object.entries(g.metadata as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  }
  headers.contentType ??= contentTypeFor(name);
  return headers;
}

/** Where a file of the batch goes: prefix + its name, refused when the name would leave the prefix or is not a key. */
function keyFor(place: RelayPlace, name: string): string | ErrorInfo {
  const clean = path.posix.normalize(name).replace(/^\.\//, '');
  if (clean.startsWith('../') || clean === '..' || clean.startsWith('/') || clean === '.' || clean === '') {
    return { code: 'PathOutsideTarget', message: `${name} would leave ${place.prefix || 'the bucket'}: refused.` };
  }
  const key = place.prefix + clean;
  // S3's limit on a key: 1,024 bytes of UTF-8.
  return Buffer.byteLength(key) > 1024 ? { code: 'KeyTooLong', message: `${key.slice(0, 60)}… is longer than the 1,024 bytes a key may have.` } : key;
}

/** Serves a relay request already past the host's token check; false when the path is not the relay's. */
export async function serveRelay(receiver: RelayReceiver, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (!url.pathname.startsWith('/relay/')) return false;
  const place = { bucket: url.searchParams.get('bucket') ?? '', prefix: url.searchParams.get('prefix') ?? '', batch: url.searchParams.get('batch') ?? '' };
  const fail = (status: number, message: string) => res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
  if (!place.bucket || !place.batch || (place.prefix !== '' && !place.prefix.endsWith('/'))) {
    fail(400, 'A relay request names bucket, batch and a prefix that is empty or ends in "/".');
    return true;
  }
  const controller = new AbortController();
  // A bundle's puts in flight each follow this signal (32 at once): not a leak.
  setMaxListeners(0, controller.signal);
  res.once('close', () => controller.abort());
  const write = (line: RelayLine) => res.write(`${JSON.stringify(line)}\n`);
  try {
    if (url.pathname === '/relay/done' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: await receiver.done(place) }));
    } else if (url.pathname === '/relay/bundle' && req.method === 'POST') {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      await receiver.bundle(place, req, write, controller.signal);
      res.end();
    } else if (url.pathname === '/relay/file' && req.method === 'PUT') {
      const name = url.searchParams.get('name') ?? '';
      const size = Number(url.searchParams.get('size'));
      if (!name || !Number.isSafeInteger(size) || size < 0) {
        fail(400, 'A relayed file names itself (name) and its size.');
        return true;
      }
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      await receiver.file(place, name, size, headersFrom(url.searchParams.get('headers') ?? undefined, name), req, write, controller.signal);
      res.end();
    } else fail(404, 'Not found.');
  } catch (error) {
    const info = asFerryError(error).toInfo();
    if (res.headersSent) res.end(`${JSON.stringify({ end: true, files: 0, failed: 0, error: info })}\n`);
    else fail(500, info.message);
  }
  return true;
}
