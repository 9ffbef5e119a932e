// The one line of progress a terminal shows during a transfer, redrawn a few times a second.

import type { TransferEvent } from '../../shared/transfer.js';
import { waitingSentence } from '../../shared/waiting.js';

import { formatBytes } from '../engine/settings.js';

export { formatBytes };

/** MB/s in decimal megabytes, as network speeds are usually given. */
export function formatRate(bytes: number, seconds: number): string {
  return `${(seconds > 0 ? bytes / seconds / 1e6 : 0).toFixed(1)} MB/s`;
}

export class ProgressLine {
  private readonly out: NodeJS.WriteStream;
  private readonly verb: string;
  private readonly totalBytes: number | undefined;
  private readonly totalFiles: number;
  private readonly perTransfer = new Map<string, number>();
  private filesDone = 0;
  private retries = 0;
  private bytesDone = 0;
  private readonly started = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private shown = false;
  /** While the server cannot be reached: what the line says instead of the rate. */
  private waiting: string | undefined;
  private bytesWhenWaiting = 0;

  private readonly quiet: boolean;

  /** `quiet`: no progress, only what a person must hear (waiting for the server, notices). */
  /** `totalBytes` undefined: a stream of unknown length (the line shows bytes so far, no percentage). */
  constructor(out: NodeJS.WriteStream, verb: string, totalBytes: number | undefined, totalFiles: number, quiet = false) {
    this.out = out;
    this.quiet = quiet;
    this.verb = verb;
    this.totalBytes = totalBytes;
    this.totalFiles = totalFiles;
    if (out.isTTY && !quiet) {
      this.timer = setInterval(() => this.draw(), 200);
      this.timer.unref();
    }
  }

  onEvent(event: TransferEvent): void {
    if (event.type === 'progress') {
      const before = this.perTransfer.get(event.transfer.id) ?? 0;
      this.perTransfer.set(event.transfer.id, event.transfer.bytesDone);
      this.bytesDone += event.transfer.bytesDone - before;
      if (event.transfer.status === 'done' || event.transfer.status === 'failed' || event.transfer.status === 'cancelled') {
        this.perTransfer.delete(event.transfer.id);
        if (event.transfer.status === 'done') this.filesDone++;
      }
      // Bytes move again: the server is back.
      if (this.waiting !== undefined && this.bytesDone > this.bytesWhenWaiting) this.waiting = undefined;
    } else if (event.type === 'retry') {
      this.retries++;
      this.onRetry(event);
    } else if (event.type === 'notice') {
      this.clear();
      this.out.write(`ferry: ${event.message}\n`);
    }
  }

  /**
   * Nothing waits silently: the moment the server cannot be reached the line says so and until
   * when; without a terminal, a line is printed each time the waiting starts.
   */
  private onRetry(event: Extract<TransferEvent, { type: 'retry' }>): void {
    if (event.waitingUntil === undefined) return;
    const sentence = waitingSentence(event.server, event.error, event.waitingUntil, 'Ctrl-C to stop');
    const started = this.waiting === undefined;
    this.waiting = sentence;
    this.bytesWhenWaiting = this.bytesDone;
    if (this.out.isTTY && !this.quiet) this.draw();
    else if (started) this.out.write(`ferry: ${sentence}\n`);
  }

  private draw(): void {
    const seconds = (performance.now() - this.started) / 1000;
    const total = this.totalBytes;
    const files = this.totalFiles > 1 ? `  ${this.filesDone}/${this.totalFiles} files` : '';
    const retries = this.retries > 0 ? `  ${this.retries} retries` : '';
    const state = this.waiting ?? `${formatRate(this.bytesDone, seconds)}${files}${retries}`;
    const percent = total === undefined ? '' : ` ${(total > 0 ? Math.min(100, (this.bytesDone / total) * 100) : 0).toFixed(0).padStart(3)}%`;
    const amount = total === undefined ? formatBytes(this.bytesDone) : `${formatBytes(this.bytesDone)} / ${formatBytes(total)}`;
    const line = `${this.verb}${percent}  ${amount}  ${state}`;
    this.out.write(`\r\x1b[2K${line}`);
    this.shown = true;
  }

  /** Bytes moved so far, by the progress events heard. */
  get bytes(): number {
    return this.bytesDone;
  }

  /** Wipes the line so a message can be printed; the next tick draws it again. */
  clear(): void {
    if (this.shown) this.out.write('\r\x1b[2K');
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.shown) this.out.write('\r\x1b[2K');
  }
}
