// The relay's desktop side: files sent to a Ferry host near the bucket (receiver.ts), small ones
// bundled into tar streams (few round trips across a long path), large ones each as a stream of
// its own. What the host's log says is done is not sent again.
//
// WIP (branch wip/relay): not yet behind `ferry upload --via` or the app's account setting.

import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { request } from 'undici';
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
}

export interface RelayResult {
  files: number;
  sent: number;
  failed: Extract<RelayLine, { ok: false }>[];
  /** Finished by an earlier run of the batch (the host's log), not sent again. */
  alreadyDone: number;
}

export async function relayUpload(target: RelayTarget, files: RelayFile[], options: RelayOptions = {}): Promise<RelayResult> {
  const { smallBelow = 1024 * 1024, bundleBytes = 64 * 1024 * 1024, bundleFiles = 2_000, streams = 4 } = options;
  const address = (path: string, extra: Record<string, string> = {}) => {
    const url = new URL(path, target.url);
    url.searchParams.set('token', new URL(target.url).searchParams.get('token') ?? '');
    for (const [name, value] of Object.entries({ bucket: target.bucket, prefix: target.prefix, batch: target.batch, ...extra })) url.searchParams.set(name, value);
    return url;
  };
  const done = new Set(((await json(await request(address('/relay/done')))) as { keys: string[] }).keys);
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
    ...bundles.map((b) => () => sendBundle(address('/relay/bundle'), b, onLine)),
    ...large.map((f) => () => sendFile(address('/relay/file', { name: f.name, size: String(f.size), ...(f.headers ? { headers: JSON.stringify(f.headers) } : {}) }), f, onLine)),
  ];
  await mapInFlight(jobs, streams, (job) => job());
  return result;
}

/** One tar stream of small files; the host answers a line per file as it is put. */
async function sendBundle(url: URL, files: RelayFile[], onLine: (line: RelayLine) => void): Promise<void> {
  const tar = pack();
  const writing = (async () => {
    for (const file of files) {
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

async function sendFile(url: URL, file: RelayFile, onLine: (line: RelayLine) => void): Promise<void> {
  const response = await request(url, { method: 'PUT', body: createReadStream(file.path), headers: { 'content-length': String(file.size) } });
  await readLines(response, onLine);
}

async function readLines(response: Awaited<ReturnType<typeof request>>, onLine: (line: RelayLine) => void): Promise<void> {
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

async function json(response: Awaited<ReturnType<typeof request>>): Promise<unknown> {
  if (response.statusCode !== 200) throw new FerryError('ServerError', `The relay answered ${response.statusCode}: ${(await response.body.text()).trim()}`);
  return response.body.json();
}
