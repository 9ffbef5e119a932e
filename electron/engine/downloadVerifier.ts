// Hashes a download's file in order as its ranges complete, to compare with the object's ETag.

import type { FileHandle } from 'node:fs/promises';
import { EtagSession } from './hashPool.js';
import { fromFsError } from './errors.js';

const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Ranges finish out of order; the contiguous prefix that is on disk is read back (from the page
 * cache) and hashed while later ranges still download, so little hashing is left at the end.
 * With `partSize` it computes S3's multipart ETag (MD5 of the parts' MD5s), else a plain MD5.
 */
export class SequentialVerifier {
  private readonly file: FileHandle;
  private readonly path: string;
  private readonly size: number;
  private readonly finished = new Map<number, number>();
  private contiguous = 0;
  private hashed = 0;
  // Hashed on a worker (hashPool.ts): the event loop only reads the file back.
  private readonly hasher: EtagSession;
  private running: Promise<void> | undefined;
  private failure: unknown;
  // In shared memory, where the worker hashes it.
  private readonly buffer = Buffer.from(new SharedArrayBuffer(READ_CHUNK_BYTES));

  constructor(file: FileHandle, path: string, size: number, partSize?: number) {
    this.file = file;
    this.path = path;
    this.size = size;
    this.hasher = new EtagSession(partSize);
  }

  /** Bytes [offset, offset + length) are written. */
  rangeDone(offset: number, length: number): void {
    this.finished.set(offset, offset + length);
    let end = this.finished.get(this.contiguous);
    while (end !== undefined) {
      this.finished.delete(this.contiguous);
      this.contiguous = end;
      end = this.finished.get(this.contiguous);
    }
    this.running ??= this.drain()
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.running = undefined;
      });
  }

  /** The ETag the content has (after every range was reported done). */
  async result(): Promise<string> {
    while (this.running) await this.running;
    if (this.failure) throw this.failure;
    if (this.hashed < this.size) await this.drain();
    return this.hasher.digest();
  }

  /** Lets the worker forget the content (the download failed or was cancelled). */
  dispose(): void {
    this.hasher.drop();
  }

  private async drain(): Promise<void> {
    while (this.hashed < this.contiguous) {
      const length = Math.min(this.contiguous - this.hashed, READ_CHUNK_BYTES);
      const { bytesRead } = await this.file.read(this.buffer, 0, length, this.hashed).catch((error: unknown) => {
        throw fromFsError(error, this.path);
      });
      if (bytesRead !== length) throw fromFsError(new Error(`short read at ${this.hashed}`), this.path);
      await this.hasher.update(this.buffer.subarray(0, length));
      this.hashed += length;
    }
  }
}
