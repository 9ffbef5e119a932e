// MD5s (and CRC32s) on worker threads, so hashing never stalls the event loop: a part buffer's at
// once, or a download's content chunk by chunk into its ETag.

import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { md5 } from './checksum.js';

/**
 * The worker's whole program, run as an eval'd CommonJS script: one file for the source, tsx and
 * the command line's bundle alike. It hashes bytes where they are, in shared memory (nothing is
 * copied). `part`: one buffer's MD5 (and CRC32). A session (`open`, `update`, `digest`) keeps an
 * ETag's state between chunks, as checksum.ts's EtagHasher does on the loop: a plain MD5, or with
 * a part size S3's multipart ETag (the MD5 of each part's MD5, then "-" and the count).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const sessions = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'part') {
    const view = Buffer.from(m.memory, m.offset, m.length);
    parentPort.postMessage({ id: m.id, md5: createHash('md5').update(view).digest(), crc: m.withCrc ? crc32(view) : undefined });
  } else if (m.op === 'open') {
    sessions.set(m.session, { partSize: m.partSize, hash: createHash('md5'), inPart: 0, parts: [] });
    parentPort.postMessage({ id: m.id });
  } else if (m.op === 'update') {
    const s = sessions.get(m.session);
    if (!s) return parentPort.postMessage({ id: m.id });
    let rest = Buffer.from(m.memory, m.offset, m.length);
    while (s.partSize !== undefined && s.inPart + rest.length >= s.partSize) {
      const take = s.partSize - s.inPart;
      s.hash.update(rest.subarray(0, take));
      s.parts.push(s.hash.digest());
      s.hash = createHash('md5');
      s.inPart = 0;
      rest = rest.subarray(take);
    }
    if (rest.length > 0) {
      s.hash.update(rest);
      s.inPart += rest.length;
    }
    parentPort.postMessage({ id: m.id });
  } else if (m.op === 'digest') {
    const s = sessions.get(m.session);
    sessions.delete(m.session);
    if (!s) return parentPort.postMessage({ id: m.id });
    let etag;
    if (s.partSize === undefined) etag = s.hash.digest('hex');
    else {
      if (s.inPart > 0 || s.parts.length === 0) s.parts.push(s.hash.digest());
      etag = createHash('md5').update(Buffer.concat(s.parts)).digest('hex') + '-' + s.parts.length;
    }
    parentPort.postMessage({ id: m.id, etag });
  } else if (m.op === 'drop') {
    sessions.delete(m.session);
  }
});
`;

// Below this a message costs more than hashing where the bytes are (about 0.1 ms for 64 KiB).
const OFF_LOOP_BYTES = 256 * 1024;

interface Answer {
  md5?: Uint8Array;
  crc?: number;
  etag?: string;
}

interface Slot {
  worker: Worker;
  busy: number;
  sessions: number;
}

class HashPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void; slot: Slot }>();
  private next = 1;

  constructor(private readonly size: number) {}

  /** The least busy worker (a new one while there are fewer than `size` and all are busy). */
  pick(): Slot {
    if (this.slots.length < this.size && this.slots.every((s) => s.busy + s.sessions > 0)) this.slots.push(this.spawn());
    return this.slots.reduce((a, b) => (b.busy + b.sessions < a.busy + a.sessions ? b : a));
  }

  request(slot: Slot, message: Record<string, unknown>): Promise<Answer> {
    const id = this.next++;
    if (slot.busy++ === 0) slot.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ ...message, id });
    });
  }

  /** A message with no answer (a session dropped). */
  tell(slot: Slot, message: Record<string, unknown>): void {
    slot.worker.postMessage(message);
  }

  private settle(id: number, answer: Answer | Error): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    // An idle worker never keeps the process alive.
    if (--pending.slot.busy === 0) pending.slot.worker.unref();
    if (answer instanceof Error) pending.reject(answer);
    else pending.resolve(answer);
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'ferry-hash' });
    const slot: Slot = { worker, busy: 0, sessions: 0 };
    worker.unref();
    worker.on('message', (answer: Answer & { id: number }) => this.settle(answer.id, answer));
    worker.on('error', (error: Error) => {
      // A worker that died fails what it held; the next hash starts a new one.
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots.splice(at, 1);
      for (const [id, pending] of this.pending) if (pending.slot === slot) this.settle(id, error);
    });
    return slot;
  }
}

let pool: HashPool | undefined;

/** Workers: every core but the one the event loop runs on, at most four (MD5 runs ~600 MB/s a core). */
function sharedPool(): HashPool {
  pool ??= new HashPool(Math.max(1, Math.min(4, os.availableParallelism() - 1)));
  return pool;
}

/**
 * The MD5 (and, asked, the CRC32) of `data`: on a worker when the bytes live in shared memory (the
 * part buffers) and are worth the message, where they are otherwise.
 */
export async function hashPart(data: Buffer, withCrc: boolean): Promise<{ md5: Buffer; crc?: number }> {
  if (data.buffer instanceof SharedArrayBuffer && data.byteLength >= OFF_LOOP_BYTES) {
    const shared = sharedPool();
    const answer = await shared.request(shared.pick(), { op: 'part', memory: data.buffer, offset: data.byteOffset, length: data.byteLength, withCrc });
    return { md5: Buffer.from(answer.md5 as Uint8Array), crc: answer.crc };
  }
  return { md5: md5(data), crc: withCrc ? crc32(data) : undefined };
}

let sessions = 0;

/**
 * Content fed in order and hashed into its ETag on a worker (the state stays there): a plain MD5,
 * or with `partSize` the multipart ETag. `update` takes bytes in shared memory and settles once
 * they are hashed, so the buffer may be filled again.
 */
export class EtagSession {
  private readonly pool = sharedPool();
  private readonly slot: Slot;
  private readonly session = ++sessions;
  private ended = false;

  constructor(partSize?: number) {
    this.slot = this.pool.pick();
    this.slot.sessions++;
    void this.pool.request(this.slot, { op: 'open', session: this.session, partSize }).catch(() => undefined);
  }

  async update(data: Buffer): Promise<void> {
    if (!(data.buffer instanceof SharedArrayBuffer)) throw new Error('EtagSession.update takes bytes in shared memory.');
    await this.pool.request(this.slot, { op: 'update', session: this.session, memory: data.buffer, offset: data.byteOffset, length: data.byteLength });
  }

  /** The ETag of everything fed (call once; the session ends). */
  async digest(): Promise<string> {
    this.end();
    return (await this.pool.request(this.slot, { op: 'digest', session: this.session })).etag as string;
  }

  /** Ends the session without a digest (a failed or cancelled download). */
  drop(): void {
    if (this.ended) return;
    this.end();
    this.pool.tell(this.slot, { op: 'drop', session: this.session });
  }

  private end(): void {
    if (!this.ended) this.slot.sessions--;
    this.ended = true;
  }
}
