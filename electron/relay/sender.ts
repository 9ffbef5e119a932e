// The relay's desktop side: files sent to a Ferry host near the bucket (receiver.ts), small ones
// bundled into tar streams (few round trips across a long path), large ones each as a stream of
// its own. What the host's log says is done is not sent again.

import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, request as undiciRequest } from 'undici';
import { normalPin } from './tls.js';
import type { ObjectHeaders } from '../../shared/transfer.js';
import { FerryError } from '../engine/errors.js';
import { mapInFlight } from '../engine/inFlight.js';
import { HEADERS_PAX, type RelayLine } from './receiver.js';

export interface RelayFile {
  /** The file on this machine. */
  path: string;
  /** Its name in the batch ("photos/2024/a.jpg"): the key below the prefix. */
  name: string;
  size: number;
  /** The object's headers (Content-Type, Cache-Control, metadata…), as for a direct upload. */
  headers?: ObjectHeaders;
}

export interface RelayTarget {
  /** The host's address as it printed it (its token included). */
  url: string;
  bucket: string;
  prefix: string;
  /** Names the batch across runs: a re-run with the same name sends only what the host has not finished. */
  batch: string;
}

export interface RelayOptions {
  /** Files below this size go bundled. */
  smallBelow?: number;
  /** A bundle closes at this many bytes or files. */
  bundleBytes?: number;
  bundleFiles?: number;
  /** Bundles and large files in flight at once. */
  streams?: number;
  onLine?: (line: Extract<RelayLine, { name: string }>) => void;
  /** Stops sending (Ctrl-C): what the host finished stays finished, and its log says so next time. */
  signal?: AbortSignal;
}

export interface RelayResult {
  files: number;
  sent: number;
  failed: Extract<RelayLine, { ok: false }>[];
  /** Finished by an earlier run of the batch (the host's log), not sent again. */
  alreadyDone: number;
}

/**
 * Where requests to the host go: plain HTTP only on loopback; HTTPS checked as usual, or, when the
 * URL carries `pin=` (a host's self-signed certificate), against that SHA-256 fingerprint alone.
 */
export function relayDispatcher(url: URL): Agent {
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || /^127\./.test(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    throw new FerryError('InvalidInput', `A relay beyond this machine is reached over HTTPS only (${url.host} was given with http://): use the address the host printed.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FerryError('InvalidInput', `A relay's address is an http(s) URL, not ${url.protocol}`);
  const pinned = url.searchParams.get('pin');
  if (pinned === null || url.protocol !== 'https:') return new Agent({ connections: CONNECTIONS_PER_HOST });
  const pin = normalPin(pinned);
  // No session resumption: a resumed session shows no certificate to check.
  const connect = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });
  return new Agent({
    connections: CONNECTIONS_PER_HOST,
    connect: (options, callback) =>
      connect(options, (error, socket) => {
        if (error) return callback(error, null);
        const fingerprint = (socket as TLSSocket).getPeerCertificate().fingerprint256;
        if (fingerprint === pin) return callback(null, socket);
        socket.destroy();
        callback(new FerryError('AccessDenied', `The relay at ${url.host} presented a certificate whose fingerprint (${fingerprint}) is not the one pinned in its address (${pin}); nothing was sent.`), null);
      }),
  });
}

// Bundles and large files in flight, and the calls beside them.
const CONNECTIONS_PER_HOST = 16;

export async function relayUpload(target: RelayTarget, files: RelayFile[], options: RelayOptions = {}): Promise<RelayResult> {
  const dispatcher = relayDispatcher(new URL(target.url));
  try {
    return await send(target, files, options, dispatcher);
  } finally {
    await dispatcher.close();
  }
}

async function send(target: RelayTarget, files: RelayFile[], options: RelayOptions, dispatcher: Agent): Promise<RelayResult> {
  const { smallBelow = 1024 * 1024, bundleBytes = 64 * 1024 * 1024, bundleFiles = 2_000, streams = 4 } = options;
  const { signal } = options;
  const request = (url: URL, init: Omit<Parameters<typeof undiciRequest>[1] & object, 'dispatcher'> = {}) => undiciRequest(url, { ...init, dispatcher });
  // Relative to the printed address: a host behind a proxy under a path keeps it.
  const address = (path: string, extra: Record<string, string> = {}) => {
    const url = new URL(path, target.url);
    url.searchParams.set('token', new URL(target.url).searchParams.get('token') ?? '');
    for (const [name, value] of Object.entries({ bucket: target.bucket, prefix: target.prefix, batch: target.batch, ...extra })) url.searchParams.set(name, value);
    return url;
  };
  const done = new Set(((await json(await request(address('relay/done')))) as { keys: string[] }).keys);
  const todo = files.filter((f) => !done.has(target.prefix + f.name));
  const result: RelayResult = { files: files.length, sent: 0, failed: [], alreadyDone: files.length - todo.length };
  const onLine = (line: RelayLine) => {
    if ('end' in line) return;
    if (line.ok) result.sent++;
    else result.failed.push(line);
    options.onLine?.(line);
  };

  const bundles: RelayFile[][] = [];
  let bundle: RelayFile[] = [];
  let bytes = 0;
  const large: RelayFile[] = [];
  for (const file of todo) {
    if (file.size >= smallBelow) {
      large.push(file);
      continue;
    }
    if (bundle.length >= bundleFiles || bytes + file.size > bundleBytes) {
      bundles.push(bundle);
      bundle = [];
      bytes = 0;
    }
    bundle.push(file);
    bytes += file.size;
  }
  if (bundle.length > 0) bundles.push(bundle);

  const jobs: (() => Promise<void>)[] = [
    ...bundles.map((b) => () => sendBundle(request, address('relay/bundle'), b, onLine, signal)),
    ...large.map((f) => () => sendFile(request, address('relay/file', { name: f.name, size: String(f.size), ...(f.headers ? { headers: JSON.stringify(f.headers) } : {}) }), f, onLine, signal)),
  ];
  await mapInFlight(jobs, streams, (job) => (signal?.aborted ? Promise.resolve() : job()));
  signal?.throwIfAborted();
  return result;
}

type Send = (url: URL, init: { method: string; body: Readable; headers: Record<string, string> }) => ReturnType<typeof undiciRequest>;

/**
 * One tar stream of small files; the host answers a line per file as it is put. A stop ends the
 * stream after the file being packed: what was sent is put and answered, nothing is cut.
 */
async function sendBundle(request: Send, url: URL, files: RelayFile[], onLine: (line: RelayLine) => void, signal?: AbortSignal): Promise<void> {
  const tar = pack();
  const writing = (async () => {
    for (const file of files) {
      if (signal?.aborted) break;
      const data = await readFile(file.path);
      const pax = file.headers ? { [HEADERS_PAX]: JSON.stringify(file.headers) } : undefined;
      await new Promise<void>((resolve, reject) => tar.entry({ name: file.name, size: data.length, pax }, data, (error) => (error ? reject(error) : resolve())));
    }
    tar.finalize();
  })();
  writing.catch((error: unknown) => tar.destroy(error instanceof Error ? error : new Error(String(error))));
  // tar-stream's pack is a streamx stream: handed to undici as a Node stream.
  const response = await request(url, { method: 'POST', body: Readable.from(tar), headers: { 'content-type': 'application/x-tar' } });
  await readLines(response, onLine);
  await writing;
}

/** A large file as a stream of its own; a stop cuts it (the host aborts its multipart upload). */
async function sendFile(request: Send, url: URL, file: RelayFile, onLine: (line: RelayLine) => void, signal?: AbortSignal): Promise<void> {
  const body = createReadStream(file.path);
  const cut = () => body.destroy(new FerryError('Cancelled', 'Cancelled.'));
  signal?.addEventListener('abort', cut, { once: true });
  try {
    const response = await request(url, { method: 'PUT', body, headers: { 'content-length': String(file.size) } });
    await readLines(response, onLine);
  } finally {
    signal?.removeEventListener('abort', cut);
  }
}

async function readLines(response: Awaited<ReturnType<typeof undiciRequest>>, onLine: (line: RelayLine) => void): Promise<void> {
  if (response.statusCode !== 200) throw new FerryError('ServerError', `The relay answered ${response.statusCode}: ${(await response.body.text()).trim()}`);
  let rest = '';
  for await (const chunk of response.body) {
    rest += (chunk as Buffer).toString('utf8');
    let newline = rest.indexOf('\n');
    while (newline >= 0) {
      const line = rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      if (line.trim() !== '') onLine(JSON.parse(line) as RelayLine);
      newline = rest.indexOf('\n');
    }
  }
}

async function json(response: Awaited<ReturnType<typeof undiciRequest>>): Promise<unknown> {
  if (response.statusCode !== 200) throw new FerryError('ServerError', `The relay answered ${response.statusCode}: ${(await response.body.text()).trim()}`);
  return response.body.json();
}
