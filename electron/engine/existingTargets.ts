// Which targets of a batch already exist (one listing per uploaded folder, a one-key listing per
// single file, a stat per download) and what the batch's conflict policy makes of each item; and the checksum
// comparison that "overwrite if different" needs.

import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { TransferConflict } from '../../shared/transfer.js';
import type { DownloadPlan, UploadPlan } from './batchPlan.js';
import { EtagHasher } from './checksum.js';
import { ConflictPolicy, conflictOutcome, etagComparison, renamedName, renamedNamesPrefix, type ConflictOptions } from './conflicts.js';
import type { DownloadJob } from './download.js';
import { FerryError, asFerryError, fromFsError } from './errors.js';
import { mapInFlight } from './inFlight.js';
import { foldedName } from './localCollisions.js';
import type { RetryNotice } from './retry.js';
import type { ListEntry, S3Store } from './s3/store.js';
import type { UploadJob } from './upload.js';

/** What is already at a target. */
interface Existing {
  size: number;
  modified?: number;
  /** The object's ETag (uploads). */
  etag?: string;
  /** A symbolic link (downloads): never read through, so never compared. */
  link?: boolean;
}

/** One item after its target was looked up: transferred (perhaps to a new name), compared first, skipped or failed. */
export type PreparedItem<J> =
  | { kind: 'transfer'; job: J; renamedTo?: string }
  /** Transferred unless `file` has the checksum `etag` (then skipped with SKIPPED_SAME). */
  | { kind: 'compare'; job: J; file: string; etag?: string }
  | { kind: 'skip'; reason: string }
  /** Already at the target: a resumed batch's run finished it but was stopped before it could log it. */
  | { kind: 'done' }
  | { kind: 'fail'; error: FerryError };

interface Targets<J> {
  lookUp(job: J): Promise<Existing | undefined>;
  conflict(job: J, existing: Existing): TransferConflict;
  /** The job sent to the first free name, which it claims. */
  renamed(job: J): Promise<{ job: J; to: string }>;
  /** The local file and the ETag "overwrite if different" compares. */
  compared(job: J, existing: Existing): { file: string; etag?: string } | undefined;
}

interface Limits<J> {
  inFlight: number;
  signal: AbortSignal;
  /** The part size asked for: the first tried to reproduce a multipart ETag. */
  partSize: number;
  /** An interrupted run of this batch left a log: a target with the same content is its work, not a conflict. */
  resumedBatch?: boolean;
  /** A transfer of Ferry's own was interrupted here (its journal): it resumes, and reconciles the target itself. */
  interrupted?: (job: J) => boolean;
  /** Lookups wait out an unreachable server as transfers do, and say so the same way. */
  onRetry?: (notice: RetryNotice) => void;
}

/**
 * Looks every target up (`inFlight` at once), then decides item by item in the batch's order, so
 * questions come one at a time in that order and each rename claims its name before the next
 * looks. Cancelling rejects; any other failure fails only its item.
 */
async function prepareItems<J extends { size: number }>(jobs: J[], policy: ConflictPolicy, targets: Targets<J>, limits: Limits<J>): Promise<PreparedItem<J>[]> {
  if (!policy.looksUp) return jobs.map((job) => ({ kind: 'transfer', job }));
  type Lookup = { existing?: Existing } | { done: true } | { error: FerryError };
  const found = await mapInFlight(jobs, limits.inFlight, async (job): Promise<Lookup> => {
    try {
      if (limits.interrupted?.(job)) return { existing: undefined };
      const existing = await targets.lookUp(job);
      const compared = existing && limits.resumedBatch && existing.size === job.size ? targets.compared(job, existing) : undefined;
      if (compared && (await sameContent(compared.file, compared.etag, job.size, limits.partSize, limits.signal))) return { done: true };
      return { existing };
    } catch (error) {
      return { error: asFerryError(error) };
    }
  });
  if (limits.signal.aborted) throw limits.signal.reason;
  const out: PreparedItem<J>[] = [];
  for (const [index, job] of jobs.entries()) {
    const lookup = found[index] ?? { existing: undefined };
    if ('error' in lookup) out.push({ kind: 'fail', error: lookup.error });
    else if ('done' in lookup) out.push({ kind: 'done' });
    else if (!lookup.existing) out.push({ kind: 'transfer', job });
    else {
      try {
        out.push(await decide(job, lookup.existing, policy, targets, limits.signal));
      } catch (error) {
        if (limits.signal.aborted) throw error;
        out.push({ kind: 'fail', error: asFerryError(error) });
      }
    }
  }
  return out;
}

async function decide<J extends { size: number }>(job: J, existing: Existing, policy: ConflictPolicy, targets: Targets<J>, signal: AbortSignal): Promise<PreparedItem<J>> {
  const { action, asked } = await policy.actionFor(targets.conflict(job, existing), signal);
  const outcome = conflictOutcome(action, existing.size, job.size, asked);
  switch (outcome.kind) {
    case 'transfer':
      return { kind: 'transfer', job };
    case 'skip':
      return outcome;
    case 'rename': {
      const { job: renamed, to } = await targets.renamed(job);
      return { kind: 'transfer', job: renamed, renamedTo: to };
    }
    case 'compare': {
      const compared = targets.compared(job, existing);
      // Nothing to compare with (no ETag, a link): treated as different.
      return compared ? { kind: 'compare', job, ...compared } : { kind: 'transfer', job };
    }
  }
}

/**
 * For a folder upload, one listing of its prefix; for a single file, a listing of at most one key
 * from the key itself: as cheap as a HEAD, and unlike a HEAD's bodiless 403 its refusal says why
 * (a clock that is off is corrected, an expired token refreshed, not taken for access denied).
 */
export function prepareUploads<J extends UploadJob & { size: number; mtimeMs: number }>(
  store: S3Store,
  plan: UploadPlan,
  jobs: J[],
  options: ConflictOptions,
  limits: Limits<J>,
): Promise<PreparedItem<J>[]> {
  const { bucket } = plan;
  const call = { signal: limits.signal, onRetry: limits.onRetry };
  const listings = new Map<string, Promise<Map<string, ListEntry>>>();
  const listingOf = (prefix: string) => {
    let listing = listings.get(prefix);
    if (!listing) {
      listing = (async () => {
        const keys = new Map<string, ListEntry>();
        for await (const entry of store.listAll(bucket, prefix, call)) keys.set(entry.key, entry);
        return keys;
      })();
      listings.set(prefix, listing);
    }
    return listing;
  };
  const folderOf = (key: string) => plan.folderPrefixes.find((prefix) => key.startsWith(prefix));
  const planned = new Set(plan.files.map((f) => f.key));
  const claimed = new Set<string>();
  const url = (key: string) => `s3://${bucket}/${key}`;
  const cannotTell = (key: string, error: unknown) => {
    const e = asFerryError(error);
    return new FerryError(e.code, `Cannot tell whether ${url(key)} exists: ${e.message} (--if-exists overwrite uploads without looking.)`, { cause: error });
  };

  return prepareItems(jobs, new ConflictPolicy(options), {
    async lookUp(job) {
      const folder = folderOf(job.key);
      try {
        if (folder) {
          const entry = (await listingOf(folder)).get(job.key);
          return entry && { size: entry.size, etag: entry.etag, modified: entry.lastModified?.getTime() };
        }
        // The key itself sorts first of all the keys it begins.
        const page = await store.listPage({ bucket, prefix: job.key, maxKeys: 1 }, call);
        const entry = page.objects[0]?.key === job.key ? page.objects[0] : undefined;
        return entry && { size: entry.size, etag: entry.etag, modified: entry.lastModified?.getTime() };
      } catch (error) {
        throw cannotTell(job.key, error);
      }
    },
    conflict: (job, existing) => ({
      kind: 'upload',
      bucket,
      key: job.key,
      localPath: job.source,
      target: url(job.key),
      existing: { size: existing.size, modified: existing.modified },
      incoming: { size: job.size, modified: job.mtimeMs },
    }),
    async renamed(job) {
      const folder = folderOf(job.key);
      // A single file's candidates: one listing of the keys its new names begin with.
      const keys = folder ? await listingOf(folder) : await listingOf(renamedNamesPrefix(job.key));
      const key = renamedName(job.key, (candidate) => keys.has(candidate) || planned.has(candidate) || claimed.has(candidate));
      claimed.add(key);
      return { job: { ...job, key }, to: url(key) };
    },
    compared: (job, existing) => (existing.etag ? { file: job.source, etag: existing.etag } : undefined),
  }, limits);
}

/** For downloads, a stat of each local target; names for renames from one read of the folder. */
export function prepareDownloads<J extends DownloadJob & { size: number }>(
  plan: DownloadPlan,
  jobs: J[],
  options: ConflictOptions,
  limits: Limits<J>,
  platform: NodeJS.Platform = process.platform,
): Promise<PreparedItem<J>[]> {
  const folded = (file: string) => path.join(path.dirname(file), foldedName(path.basename(file), platform));
  const planned = new Set(plan.files.map((f) => folded(f.target)));
  const claimed = new Set<string>();
  const folders = new Map<string, Promise<Set<string>>>();
  const namesIn = (folder: string) => {
    let names = folders.get(folder);
    if (!names) {
      names = readdir(folder).then(
        (entries) => new Set(entries.map((name) => folded(path.join(folder, name)))),
        (error: unknown) => {
          throw fromFsError(error, folder);
        },
      );
      folders.set(folder, names);
    }
    return names;
  };

  return prepareItems(jobs, new ConflictPolicy(options), {
    async lookUp(job) {
      const stats = await lstat(job.target).catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw fromFsError(error, job.target);
      });
      // A folder in the way is no file to replace: the download says so itself.
      if (!stats || stats.isDirectory()) return undefined;
      return { size: stats.size, modified: stats.mtimeMs, link: stats.isSymbolicLink() };
    },
    conflict: (job, existing) => ({
      kind: 'download',
      bucket: job.bucket,
      key: job.key,
      localPath: job.target,
      target: job.target,
      existing: { size: existing.size, modified: existing.modified },
      incoming: { size: job.size, modified: job.listed?.lastModified?.getTime() },
    }),
    async renamed(job) {
      const folder = path.dirname(job.target);
      const names = await namesIn(folder);
      const name = renamedName(path.basename(job.target), (candidate) => {
        const file = folded(path.join(folder, candidate));
        return names.has(file) || planned.has(file) || claimed.has(file);
      });
      const target = path.join(folder, name);
      claimed.add(folded(target));
      return { job: { ...job, target }, to: target };
    },
    compared: (job, existing) => (existing.link || !job.listed?.etag ? undefined : { file: job.target, etag: job.listed.etag }),
  }, limits);
}

const READ_CHUNK = 1024 * 1024;

/**
 * Whether `file` holds what an object with `etag` holds: its MD5, or its multipart ETag with a part
 * size that gives the ETag's part count (read once, every such size hashed side by side). An ETag
 * that is no MD5 (KMS) or a part count no known size gives cannot be compared: false.
 */
export async function sameContent(file: string, etag: string | undefined, size: number, preferredPartSize: number, signal?: AbortSignal): Promise<boolean> {
  const comparison = etagComparison(size, etag, preferredPartSize);
  if (comparison.kind === 'none') return false;
  const hashers = comparison.kind === 'md5' ? [new EtagHasher()] : comparison.partSizes.map((partSize) => new EtagHasher(partSize));
  try {
    for await (const chunk of createReadStream(file, { signal, highWaterMark: READ_CHUNK })) for (const hasher of hashers) hasher.update(chunk as Buffer);
  } catch (error) {
    if (signal?.aborted) throw error;
    throw fromFsError(error, file);
  }
  return hashers.some((hasher) => hasher.digest() === comparison.etag);
}

