// Reads from a replica when the primary is down, and listings kept on disk for when both are.
// A replica is another bucket and prefix (on another endpoint, with its own keys) holding the
// primary bucket's objects under the same names: key K of the primary is prefix + K there.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { asFerryError } from './errors.js';
import { OFFLINE_CODES } from './retry.js';
import type { ListEntry } from './s3/listOutput.js';

/** Where a primary bucket's objects are kept in step: a bucket and a prefix (empty or ending in "/"). */
export interface ReplicaPlace {
  bucket: string;
  prefix: string;
}

// What says the primary cannot serve a read now: it cannot be reached, does not answer in time, or
// keeps failing on its side. Anything else (no such key, access denied) is its answer, not an outage.
// That is an outage as the retry policy knows it, or a server failing on its side (5xx after retries, TLS).
const DOWN_CODES: ReadonlySet<string> = new Set([...OFFLINE_CODES, 'ServerError', 'TlsError']);

export function primaryDown(error: unknown): boolean {
  return DOWN_CODES.has(asFerryError(error).code);
}

/** An error's message as one sentence among others: "… refused the connection (gave up after 4 attempts over 0 s)." */
export function asSentence(message: string): string {
  const text = message.replace(/\. \(/g, ' (').trim();
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** A primary key's place in the replica. */
export function replicaKey(replica: ReplicaPlace, key: string): string {
  return replica.prefix + key;
}

/** A replica listing entry's key as the primary names it. */
export function primaryKey(replica: ReplicaPlace, key: string): string {
  return key.startsWith(replica.prefix) ? key.slice(replica.prefix.length) : key;
}

/** One level of a listing as it was seen: folders, objects, and when. */
export interface CachedListing {
  /** ms since the epoch. */
  at: number;
  prefixes: string[];
  objects: ListEntry[];
}

interface StoredListing {
  version: 1;
  server: string;
  bucket: string;
  prefix: string;
  at: number;
  prefixes: string[];
  objects: (Omit<ListEntry, 'lastModified'> & { lastModified?: number })[];
}

// A level bigger than this is not kept (its file would cost more to write than a listing is worth offline).
export const MAX_CACHED_ENTRIES = 100_000;

/**
 * One level of each listing seen (per server, bucket and prefix), in a file of its own under
 * `<state>/listings/`, replaced whole (temporary file + rename); read back when neither the
 * primary nor a replica answers.
 */
export class ListingCache {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'listings');
  }

  private file(server: string, bucket: string, prefix: string): string {
    return path.join(this.dir, `${createHash('sha256').update(JSON.stringify([server, bucket, prefix])).digest('hex').slice(0, 32)}.json`);
  }

  /** Keeps a complete level; false when it is too big to keep. A failed write loses only the cache. */
  async save(server: string, bucket: string, prefix: string, listing: Omit<CachedListing, 'at'>, at = Date.now()): Promise<boolean> {
    if (listing.objects.length + listing.prefixes.length > MAX_CACHED_ENTRIES) return false;
    const stored: StoredListing = {
      version: 1,
      server,
      bucket,
      prefix,
      at,
      prefixes: listing.prefixes,
      objects: listing.objects.map((o) => ({ ...o, lastModified: o.lastModified?.getTime() })),
    };
    try {
      await mkdir(this.dir, { recursive: true });
      const file = this.file(server, bucket, prefix);
      const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temp, JSON.stringify(stored));
      await rename(temp, file);
      return true;
    } catch {
      return false;
    }
  }

  async load(server: string, bucket: string, prefix: string): Promise<CachedListing | undefined> {
    try {
      const stored = JSON.parse(await readFile(this.file(server, bucket, prefix), 'utf8')) as StoredListing;
      if (stored.version !== 1 || stored.server !== server || stored.bucket !== bucket || stored.prefix !== prefix) return undefined;
      return { at: stored.at, prefixes: stored.prefixes, objects: stored.objects.map((o) => ({ ...o, lastModified: o.lastModified === undefined ? undefined : new Date(o.lastModified) })) };
    } catch {
      return undefined;
    }
  }
}
