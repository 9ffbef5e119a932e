// What Ferry knows of objects' stored modification times, so a sync reads them without a HEAD per object.

import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LineLog } from './journal.js';

/**
 * An object's `mtime` metadata is not in a listing: only a HEAD reads it. What a HEAD (or Ferry's
 * own upload or download) found is kept here, valid while the object is the same one: same ETag
 * and size, and the same LastModified once one is known (an upload learns it at the next listing).
 */
interface Known {
  etag: string;
  size: number;
  lastModified?: number;
  /** The time the object stands for (ms): its metadata's, else its LastModified; null: neither. */
  modTime: number | null;
}

type Line = { k: string; e: string; s: number; l?: number; m: number | null };

/**
 * One append-only log per server, bucket and prefix in the state folder: a line per object
 * learned, the last line for a key wins; rewritten whole when it has grown to twice its keys.
 * Losing it costs HEAD requests, never a wrong answer.
 */
export class ObjectTimes {
  private readonly log: LineLog;

  private constructor(
    private readonly file: string,
    private readonly known: Map<string, Known>,
  ) {
    this.log = new LineLog(file);
  }

  static async open(dir: string, identity: { server: string; bucket: string; prefix: string }): Promise<ObjectTimes> {
    const name = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
    const file = path.join(dir, `times-${name}.log`);
    const known = new Map<string, Known>();
    const lines = await LineLog.read(file);
    for (const entry of lines as Line[]) {
      if (typeof entry?.k === 'string' && typeof entry.e === 'string' && typeof entry.s === 'number') {
        known.set(entry.k, { etag: entry.e, size: entry.s, lastModified: entry.l, modTime: entry.m ?? null });
      }
    }
    await mkdir(dir, { recursive: true });
    const times = new ObjectTimes(file, known);
    if (lines.length > 2 * known.size + 100) await times.compact();
    return times;
  }

  /** The stored time of the object with this ETag, size and LastModified, if known; undefined: unknown (a HEAD tells). */
  get(key: string, etag: string | undefined, size: number, lastModified: Date | undefined): { modTime: number | null } | undefined {
    const known = this.known.get(key);
    if (!known || !etag || known.etag !== etag || known.size !== size) return undefined;
    const listed = lastModified?.getTime();
    if (known.lastModified !== undefined && listed !== undefined && known.lastModified !== listed) return undefined;
    // An upload's entry learns its LastModified from the first listing that shows it.
    if (known.lastModified === undefined && listed !== undefined) this.set(key, { ...known, lastModified: listed });
    return { modTime: known.modTime };
  }

  set(key: string, known: Known): void {
    this.known.set(key, known);
    const line: Line = { k: key, e: known.etag, s: known.size, l: known.lastModified, m: known.modTime };
    void this.log.add(line);
  }

  forget(key: string): void {
    if (this.known.delete(key)) void this.log.add({ k: key, e: '', s: -1, m: null });
  }

  /** Settles once everything learned is on disk. Without the log the next sync asks the server again: slower, never wrong. */
  async flush(): Promise<void> {
    await this.log.flush();
  }

  private async compact(): Promise<void> {
    const text = [...this.known].map(([k, v]) => `${JSON.stringify({ k, e: v.etag, s: v.size, l: v.lastModified, m: v.modTime } satisfies Line)}\n`).join('');
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(temp, text);
      await rename(temp, this.file);
    } catch {
      // Kept as it was: it only grows.
    }
  }
}
