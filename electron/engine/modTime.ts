// A file's modification time as an object keeps it (the `mtime` metadata entry), and when two times are the same.

import type { ObjectHeaders } from '../../shared/transfer.js';

/**
 * The metadata entry (x-amz-meta-mtime) that holds a file's modification time on its object:
 * seconds since the epoch with a fraction, "1733200000.123456789". rclone writes and reads the same
 * entry, so a time survives a round trip through either tool.
 */
export const MTIME_METADATA = 'mtime';

/** `mtimeMs` (as fs.stat gives it) as the metadata value: whole seconds, a dot, nine digits. */
export function formatModTime(mtimeMs: number): string {
  // Whole microseconds first: a double holds today's times in ms to about 0.2 µs, so digits below
  // a microsecond would be noise; integers also keep a carry error out of the seconds.
  const ns = BigInt(Math.round(mtimeMs * 1000)) * 1000n;
  const seconds = ns / 1_000_000_000n;
  const fraction = ns % 1_000_000_000n;
  if (ns < 0n) return (Math.round(mtimeMs) / 1000).toFixed(3);
  return `${seconds}.${fraction.toString().padStart(9, '0')}`;
}

/** The metadata value as ms since the epoch; undefined when absent or not a time. */
export function parseModTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(-?\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return undefined;
  // Seconds and fraction apart: Number("1733200000.708") * 1000 is 1733200000707.9998, and a
  // file given that time would be a millisecond early.
  const seconds = Number(match[1]);
  const fraction = Number(`0.${(match[2] ?? '0').slice(0, 9)}`) * 1000;
  const ms = seconds * 1000 + (seconds < 0 ? -fraction : fraction);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The modification time an object stands for: its `mtime` metadata, else when it was written (LastModified). */
export function objectModTime(metadata: Record<string, string> | undefined, lastModified: Date | undefined): number | undefined {
  return parseModTime(metadata?.[MTIME_METADATA]) ?? lastModified?.getTime();
}

/**
 * How far apart two times may be and still be the same, judged from the local file's own time:
 * a file system keeps times to its precision, and a time Ferry set on a file comes back rounded
 * to it. ext4, APFS and NTFS keep far below a millisecond (1 ms then absorbs the rounding of a
 * double); exFAT keeps 10 ms, FAT and HFS+ whole seconds (FAT rounds to 2 s). A time that falls on
 * a whole second or on 10 ms is taken as that coarse precision: a same-size edit within that
 * window of a sync is the one change missed, as on those file systems it is for every tool.
 */
export function modifyWindowMs(localMtimeMs: number): number {
  const ms = Math.round(localMtimeMs * 1000) / 1000;
  if (ms % 1000 === 0) return 2000;
  if (ms % 10 === 0) return 10;
  return 1;
}

/** Whether a local file's time and an object's time are the same, within the local file system's precision. */
export function sameModTime(localMtimeMs: number, remoteMs: number): boolean {
  return Math.abs(localMtimeMs - remoteMs) < modifyWindowMs(localMtimeMs);
}

/** The headers an upload sends: those asked for, with the file's time in the metadata unless one was given. */
export function headersWithModTime(headers: ObjectHeaders | undefined, mtimeMs: number): ObjectHeaders {
  if (headers?.metadata?.[MTIME_METADATA] !== undefined) return headers;
  return { ...headers, metadata: { ...headers?.metadata, [MTIME_METADATA]: formatModTime(mtimeMs) } };
}
