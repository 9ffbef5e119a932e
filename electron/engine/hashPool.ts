// MD5 (and CRC32) of part buffers on worker threads, so hashing an 8 MiB part never stalls the event loop.

import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { md5 } from './checksum.js';

/**
 * The worker's whole program, run as an eval'd CommonJS script: one file for the source, tsx and
 * the command line's bundle alike. It hashes the bytes where they are, in the part buffers'
 * shared memory (nothing is copied), and answers with the 16-byte MD5 and the CRC32.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { crc32 } = require('node:zlib');
parentPort.on('message', ({ id, memory, offset, length, withCrc }) => {
  const view = Buffer.from(memory, offset, length);
  const md5 = createHash('md5').update(view).digest();
  parentPort.postMessage({ id, md5, crc: withCrc ? crc32(view) : undefined });
});
`;

// Below this a message costs more than hashing where the bytes are (about 0.1 ms for 64 KiB).
const OFF_LOOP_BYTES = 256 * 1024;

interface Pending {
  resolve: (out: { md5: Buffer; crc?: number }) => void;
  reject: (error: Error) => void;
}

class HashPool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private next = 1;

  constructor(private readonly size: number) {}

  run(memory: SharedArrayBuffer, offset: number, length: number, withCrc: boolean): Promise<{ md5: Buffer; crc?: number }> {
    const slot = this.leastBusy();
    const id = this.next++;
    slot.busy++;
    if (slot.busy === 1) slot.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: (out) => {
          this.done(slot);
          resolve(out);
        },
        reject: (error) => {
          this.done(slot);
          reject(error);
        },
      });
      slot.worker.postMessage({ id, memory, offset, length, withCrc });
    });
  }

  private done(slot: { worker: Worker; busy: number }): void {
    slot.busy--;
    // An idle worker never keeps the process alive.
    if (slot.busy === 0) slot.worker.unref();
  }

  private leastBusy(): { worker: Worker; busy: number } {
    if (this.workers.length < this.size && this.workers.every((w) => w.busy > 0)) this.workers.push(this.spawn());
    return this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private spawn(): { worker: Worker; busy: number } {
    const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'ferry-hash' });
    const slot = { worker, busy: 0 };
    worker.unref();
    worker.on('message', (out: { id: number; md5: Uint8Array; crc?: number }) => {
      const pending = this.pending.get(out.id);
      this.pending.delete(out.id);
      pending?.resolve({ md5: Buffer.from(out.md5), crc: out.crc });
    });
    worker.on('error', (error: Error) => {
      // A worker that died fails what it held; the next hash starts a new one.
      const at = this.workers.indexOf(slot);
      if (at >= 0) this.workers.splice(at, 1);
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        pending.reject(error);
      }
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
    return sharedPool().run(data.buffer, data.byteOffset, data.byteLength, withCrc);
  }
  return { md5: md5(data), crc: withCrc ? crc32(data) : undefined };
}
