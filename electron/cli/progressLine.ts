// The one line of progress a terminal shows during a transfer, redrawn a few times a second.

import type { TransferEvent } from '../../shared/transfer.js';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** MB/s in decimal megabytes, as network speeds are usually given. */
export function formatRate(bytes: number, seconds: number): string {
  return `${(seconds > 0 ? bytes / seconds / 1e6 : 0).toFixed(1)} MB/s`;
}

export class ProgressLine {
  private readonly out: NodeJS.WriteStream;
  private readonly verb: string;
  private readonly totalBytes: number;
  private readonly totalFiles: number;
  private readonly perTransfer = new Map<string, number>();
  private filesDone = 0;
  private retries = 0;
  private bytesDone = 0;
  private readonly started = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private shown = false;

  constructor(out: NodeJS.WriteStream, verb: string, totalBytes: number, totalFiles: number) {
    this.out = out;
    this.verb = verb;
    this.totalBytes = totalBytes;
    this.totalFiles = totalFiles;
    if (out.isTTY) {
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
    } else if (event.type === 'retry') {
      this.retries++;
    }
  }

  private draw(): void {
    const seconds = (performance.now() - this.started) / 1000;
    const percent = this.totalBytes > 0 ? Math.min(100, (this.bytesDone / this.totalBytes) * 100) : 0;
    const files = this.totalFiles > 1 ? `  ${this.filesDone}/${this.totalFiles} files` : '';
    const retries = this.retries > 0 ? `  ${this.retries} retries` : '';
    const line = `${this.verb} ${percent.toFixed(0).padStart(3)}%  ${formatBytes(this.bytesDone)} / ${formatBytes(this.totalBytes)}  ${formatRate(this.bytesDone, seconds)}${files}${retries}`;
    this.out.write(`\r\x1b[2K${line}`);
    this.shown = true;
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
