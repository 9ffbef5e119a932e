// The listing worker: a thread with its own SDK client (built by client.ts, as the store's) that
// reads listing pages, so the SDK's XML parsing of 1,000 keys (20–150 ms a page) never holds the
// event loop, which in the app is the window's. The store sends it the pages after a listing's
// first (a continuation token or a key range's start), so a short listing never starts it; the
// app's stores send it every page, and start it with the store.
// Credentials stay the store's: the worker asks for them (the store's provider, with its cache and
// refresh) and keeps them in memory only. Errors come back as plain fields, read by errorMap.ts as
// on the loop. A worker that cannot start (or stops) leaves the listing to the loop, as before.

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Endpoint } from '../../../shared/account.js';
import { createS3Client } from './client.js';
import { nestedCode } from './errorMap.js';
import { listObjectsInput, toListPage, type ListPage, type ListPageInput } from './listOutput.js';

const ROLE = 'ferry-list-worker';

export interface ListWorkerOptions {
  endpoint: S3Endpoint;
  maxSockets: number;
  idleTimeoutMs: number;
}

type ToWorker =
  | { op: 'list'; id: number; input: ListPageInput }
  | { op: 'abort'; id: number }
  | { op: 'credentials'; id: number; identity?: AwsCredentialIdentity; error?: PlainError };

type FromWorker =
  | { op: 'page'; id: number; page: ListPage }
  | { op: 'error'; id: number; error: PlainError }
  | { op: 'credentials'; id: number };

/** What errorMap.ts reads of an SDK or network error, as plain data that crosses threads. */
export interface PlainError {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  ServerTime?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
  $response?: { headers?: Record<string, string | undefined> };
}

export function plainError(thrown: unknown): PlainError {
  const e = (thrown ?? {}) as PlainError;
  return {
    name: typeof e.name === 'string' ? e.name : undefined,
    message: typeof e.message === 'string' ? e.message : String(thrown),
    code: nestedCode(e),
    Code: typeof e.Code === 'string' ? e.Code : undefined,
    ServerTime: typeof e.ServerTime === 'string' ? e.ServerTime : undefined,
    $fault: typeof e.$fault === 'string' ? e.$fault : undefined,
    $metadata: e.$metadata ? { httpStatusCode: e.$metadata.httpStatusCode, clockSkewCorrected: e.$metadata.clockSkewCorrected } : undefined,
    $response: e.$response?.headers ? { headers: { ...e.$response.headers } } : undefined,
  };
}

/** An Error carrying a plain error's fields, as errorMap.ts reads them. */
export function fromPlain(plain: PlainError): Error {
  return Object.assign(new Error(plain.message ?? ''), plain);
}

function stopped(): Error {
  return Object.assign(new Error('The listing was stopped.'), { name: 'AbortError' });
}

/**
 * Where the worker's program is: in the command line's bundle, as compiled JavaScript (the app), or
 * as this TypeScript file (tsx and the tests), loaded through tsx's loader registered in the worker
 * (Node 20 does not apply an --import given to a worker).
 */
export function workerScript(): { file: URL } | { code: string } {
  const here = import.meta.url;
  if (here.endsWith('.cjs')) {
    // The command line's bundle: the worker's own bundle, compiled with its code cache by the
    // command line's loader (bin/load-bundle.cjs; the cache is written once the program is in).
    const bundle = fileURLToPath(new URL('./list-worker.cjs', here));
    const loader = fileURLToPath(new URL('../../bin/load-bundle.cjs', here));
    if (!existsSync(loader)) return { file: pathToFileURL(bundle) };
    return { code: `require(${JSON.stringify(loader)}).loadBundle(${JSON.stringify(bundle)}).save();` };
  }
  if (!here.endsWith('.ts')) return { file: new URL('./listWorker.js', here) };
  // tsx's ES-module API (its package exports name index.mjs for import, index.cjs for require).
  const tsx = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return { code: `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(here)}); });` };
}

interface Pending {
  resolve: (page: ListPage) => void;
  reject: (error: Error) => void;
  /** The same page read on the event loop, if the worker goes away before answering. */
  onLoop: () => Promise<ListPage>;
}

/** The store's side: started on first use, stopped by close(); each call a page. */
export class ListWorker {
  private worker: Worker | undefined;
  private broken = false;
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  /** Pages the worker answered (for tests and the note in the README). */
  served = 0;

  constructor(
    private readonly options: ListWorkerOptions,
    private readonly credentials: () => Promise<AwsCredentialIdentity>,
    /** The worker's program (default: workerScript(), found when the worker starts); tests give one that cannot start. */
    private readonly script?: ReturnType<typeof workerScript>,
  ) {}

  /**
   * One page, read on the worker. `onLoop` reads it on the event loop instead: used when the worker
   * cannot start or stops before it answers.
   */
  list(input: ListPageInput, signal: AbortSignal | undefined, onLoop: (signal?: AbortSignal) => Promise<ListPage>): Promise<ListPage> {
    const worker = this.started();
    if (!worker) return onLoop(signal);
    if (signal?.aborted) return Promise.reject(stopped());
    const id = this.next++;
    return new Promise<ListPage>((resolve, reject) => {
      const onAbort = () => {
        this.settle(id);
        worker.postMessage({ op: 'abort', id } satisfies ToWorker);
        reject(stopped());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (page) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(page);
        },
        reject: (error: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        onLoop: () => onLoop(signal),
      });
      // While a page is awaited the worker keeps the process alive; idle, it does not.
      worker.ref();
      worker.postMessage({ op: 'list', id, input } satisfies ToWorker);
    });
  }

  /** Starts the worker now instead of on the first page (the app: its first listing does not wait for it). */
  start(): void {
    this.started();
  }

  close(): void {
    const worker = this.worker;
    this.worker = undefined;
    this.broken = true;
    if (worker) void worker.terminate();
    this.fallBack();
  }

  private settle(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    return entry;
  }

  private started(): Worker | undefined {
    if (this.broken) return undefined;
    if (this.worker) return this.worker;
    try {
      const script = this.script ?? workerScript();
      const workerOptions = { workerData: { role: ROLE, ...this.options }, stdout: false, stderr: false };
      const worker = 'code' in script ? new Worker(script.code, { ...workerOptions, eval: true }) : new Worker(script.file, workerOptions);
      worker.unref();
      worker.on('message', (message: FromWorker) => void this.onMessage(worker, message));
      // A worker that cannot load or dies: its pages, and every later one, are read on the loop.
      worker.once('error', () => this.stop(worker));
      worker.once('exit', () => this.stop(worker));
      this.worker = worker;
      return worker;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  private stop(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.broken = true;
    this.fallBack();
  }

  /** Pages still awaited when the worker went away are read on the loop. */
  private fallBack(): void {
    for (const [id, entry] of [...this.pending]) {
      this.pending.delete(id);
      entry.onLoop().then(entry.resolve, (error: unknown) => entry.reject(error instanceof Error ? error : new Error(String(error))));
    }
  }

  private async onMessage(worker: Worker, message: FromWorker): Promise<void> {
    if (message.op === 'credentials') {
      try {
        const identity = await this.credentials();
        worker.postMessage({ op: 'credentials', id: message.id, identity } satisfies ToWorker);
      } catch (error) {
        worker.postMessage({ op: 'credentials', id: message.id, error: plainError(error) } satisfies ToWorker);
      }
      return;
    }
    const entry = this.settle(message.id);
    if (!entry) return;
    if (message.op === 'page') {
      this.served++;
      entry.resolve(message.page);
    } else entry.reject(fromPlain(message.error));
  }
}

/** The worker's side: one SDK client, a page per request, aborted on request. */
function serve(options: ListWorkerOptions): void {
  const port = parentPort;
  if (!port) return;
  let nextAsk = 1;
  const asked = new Map<number, { resolve: (identity: AwsCredentialIdentity) => void; reject: (error: unknown) => void }>();
  const client = createS3Client({
    endpoint: options.endpoint,
    credentials: () =>
      new Promise<AwsCredentialIdentity>((resolve, reject) => {
        const id = nextAsk++;
        asked.set(id, { resolve, reject });
        port.postMessage({ op: 'credentials', id } satisfies FromWorker);
      }),
    maxSockets: options.maxSockets,
    idleTimeoutMs: options.idleTimeoutMs,
  });
  const running = new Map<number, AbortController>();
  port.on('message', (message: ToWorker) => {
    if (message.op === 'credentials') {
      const ask = asked.get(message.id);
      asked.delete(message.id);
      if (message.identity) ask?.resolve(message.identity);
      else ask?.reject(fromPlain(message.error ?? { message: 'No credentials.' }));
    } else if (message.op === 'abort') {
      running.get(message.id)?.abort();
    } else {
      const controller = new AbortController();
      running.set(message.id, controller);
      client.send(new ListObjectsV2Command(listObjectsInput(message.input)), { abortSignal: controller.signal }).then(
        (out) => port.postMessage({ op: 'page', id: message.id, page: toListPage(out) } satisfies FromWorker),
        (error: unknown) => port.postMessage({ op: 'error', id: message.id, error: plainError(error) } satisfies FromWorker),
      ).finally(() => running.delete(message.id));
    }
  });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) serve(workerData as ListWorkerOptions);
