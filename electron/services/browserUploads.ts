// The browser-hosted mode's uploads: a dropped file's bytes arrive in chunks over the WebSocket and
// are written to a spool file on the host, from which the file goes up like any other (a parallel
// multipart upload). A chunk is answered once it is on disk, which is the sender's backpressure.

import { mkdir, open, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { ChunkResult } from '../../shared/api.js';
import { MAX_CHUNK_BYTES, type ChunkHeader } from '../../shared/queue.js';
import { FerryError, asFerryError, cancelledError, fromFsError, pausedError } from '../engine/errors.js';

// A browser that sends nothing for this long has gone (closed tab, lost connection): its file fails.
const STALL_MS = 120_000;

interface Spool {
  file: string;
  size: number;
  received: number;
  handle?: FileHandle;
  /** Chunks are written one after another, in the order they came. */
  writing: Promise<unknown>;
  complete: boolean;
  failed?: FerryError;
  waiters: Set<() => void>;
  stall?: NodeJS.Timeout;
  onReceived: (received: number) => void;
}

export class BrowserUploads {
  private readonly spools = new Map<string, Spool>();
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'spool');
  }

  /** The spool file a stream's bytes go to. */
  fileOf(streamId: string): string {
    return path.join(this.dir, streamId);
  }

  /** Expects a file of `size` bytes under `streamId`; `onReceived` hears of each chunk on disk. */
  expect(streamId: string, size: number, onReceived: (received: number) => void): void {
    this.spools.set(streamId, { file: this.fileOf(streamId), size, received: 0, writing: Promise.resolve(), complete: false, waiters: new Set(), onReceived });
    this.arm(streamId);
  }

  async receive(header: ChunkHeader, bytes: Buffer): Promise<ChunkResult> {
    const spool = this.spools.get(header.streamId);
    if (!spool) return { ok: false, error: cancelledError().toInfo() };
    if (spool.failed) return { ok: false, error: spool.failed.toInfo() };
    const write = spool.writing.then(async () => {
      if (spool.failed) throw spool.failed;
      if (bytes.length > MAX_CHUNK_BYTES) throw new FerryError('InvalidInput', `A chunk holds at most ${MAX_CHUNK_BYTES} bytes.`);
      if (header.offset !== spool.received) throw new FerryError('InvalidInput', `Chunks must come in order: expected offset ${spool.received}, got ${header.offset}.`);
      if (spool.received + bytes.length > spool.size) throw new FerryError('SourceChanged', `The file is larger than the ${spool.size} bytes announced; it changed while it was read. Drop it again.`);
      if (!spool.handle) {
        await mkdir(this.dir, { recursive: true });
        spool.handle = await open(spool.file, 'w').catch((error: unknown) => {
          throw fromFsError(error, spool.file);
        });
      }
      let written = 0;
      while (written < bytes.length) {
        const { bytesWritten } = await spool.handle.write(bytes, written, bytes.length - written, spool.received + written).catch((error: unknown) => {
          throw fromFsError(error, spool.file);
        });
        written += bytesWritten;
      }
      spool.received += bytes.length;
      if (header.last) {
        if (spool.received !== spool.size) throw new FerryError('SourceChanged', `The browser sent ${spool.received} of the ${spool.size} bytes announced; the file changed while it was read. Drop it again.`);
        await spool.handle.close();
        spool.handle = undefined;
        await writeFile(this.completeMarker(header.streamId), '');
        spool.complete = true;
        clearTimeout(spool.stall);
      } else {
        this.arm(header.streamId);
      }
      spool.onReceived(spool.received);
      this.wake(spool);
    });
    spool.writing = write.catch(() => undefined);
    try {
      await write;
      return { ok: true, value: { received: spool.received } };
    } catch (error) {
      const failed = asFerryError(error);
      this.fail(header.streamId, failed);
      return { ok: false, error: failed.toInfo() };
    }
  }

  /**
   * Resolves once the stream's file is all on disk (at once for a spool completed before a
   * restart); rejects when it failed, or Cancelled / Paused when a signal fires first.
   */
  async ready(streamId: string, size: number, cancel: AbortSignal, pause: AbortSignal): Promise<void> {
    const spool = this.spools.get(streamId);
    if (!spool) {
      // Not expected by this run: a spool a previous run finished receiving is still usable.
      const info = await stat(this.fileOf(streamId)).catch(() => undefined);
      if (info?.size === size && (await this.completedBefore(streamId))) return;
      throw new FerryError('LocalNotFound', 'The browser stopped sending this file before all of it arrived (Ferry or the page was closed). Drop it again.');
    }
    while (!spool.complete) {
      if (spool.failed) throw spool.failed;
      if (cancel.aborted) throw cancelledError(cancel.reason);
      if (pause.aborted) throw pausedError();
      await new Promise<void>((resolve) => {
        const done = () => {
          spool.waiters.delete(done);
          cancel.removeEventListener('abort', done);
          pause.removeEventListener('abort', done);
          resolve();
        };
        spool.waiters.add(done);
        cancel.addEventListener('abort', done, { once: true });
        pause.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** The sender could not read its file: the row fails with the sender's reason. False for a stream not (or no longer) expected. */
  senderFailed(streamId: string, message: string): boolean {
    const spool = this.spools.get(streamId);
    if (!spool || spool.complete) return false;
    this.fail(streamId, new FerryError('LocalNotFound', message));
    return true;
  }

  /** Stops a stream (its row was cancelled, or it failed): the sender's next chunk hears so, and the file goes. */
  async discard(streamId: string): Promise<void> {
    const spool = this.spools.get(streamId);
    if (spool) {
      this.fail(streamId, cancelledError());
      await spool.writing;
      await spool.handle?.close().catch(() => undefined);
      spool.handle = undefined;
    }
    this.spools.delete(streamId);
    await rm(this.fileOf(streamId), { force: true });
    await rm(this.completeMarker(streamId), { force: true });
  }

  /** A completed spool leaves a marker, so a restart can tell a whole file from a cut one of the same size. */
  private completeMarker(streamId: string): string {
    return `${this.fileOf(streamId)}.complete`;
  }

  private async completedBefore(streamId: string): Promise<boolean> {
    return stat(this.completeMarker(streamId)).then(
      () => true,
      () => false,
    );
  }

  private fail(streamId: string, error: FerryError): void {
    const spool = this.spools.get(streamId);
    if (!spool || spool.complete) return;
    spool.failed ??= error;
    clearTimeout(spool.stall);
    this.wake(spool);
  }

  private wake(spool: Spool): void {
    for (const waiter of [...spool.waiters]) waiter();
  }

  /** (Re)starts the stream's stall timer. */
  private arm(streamId: string): void {
    const spool = this.spools.get(streamId);
    if (!spool) return;
    clearTimeout(spool.stall);
    spool.stall = setTimeout(() => this.fail(streamId, new FerryError('NetworkError', 'The browser stopped sending this file (the page was closed or lost its connection). Drop it again.')), STALL_MS);
    spool.stall.unref();
  }
}
