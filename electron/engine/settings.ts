// Transfer settings in one typed place: defaults, limits, and the validation of user overrides.

import { FerryError } from './errors.js';
import type { RetryPolicy } from './retry.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Limits S3 itself sets (AWS docs "Amazon S3 multipart upload limits"). */
export const S3_LIMITS = {
  minPartSize: 5 * MiB,
  maxPartSize: 5 * GiB,
  maxParts: 10_000,
  maxObjectSize: 5 * 1024 * GiB,
  maxSinglePut: 5 * GiB,
} as const;

export interface TransferSettings {
  /** Preferred part (upload) and range (download) size in bytes; grown when a file would need more than 10,000 parts. */
  partSize: number;
  /**
   * The memory transfers may use beyond the process's own: part buffers (in use or kept for
   * reuse) across every file of the engine, plus 0.75 MiB of working memory per file in flight
   * kept aside from it. A file's parts in flight are as many buffers as fit (at most
   * partsInFlight); a part larger than all the buffers is streamed from the file instead.
   */
  memoryBudget: number;
  /** Parts or ranges in flight at once (with `adaptive`, the most it may grow to). */
  partsInFlight: number;
  /** Files in flight at once in a folder or queue (with `adaptive`, the most it may grow to). */
  filesInFlight: number;
  /** Tune parts and files in flight to the measured throughput, up to the two limits above; false: always use the limits. */
  adaptive: boolean;
  /** Files up to this size go up in a single PUT. */
  multipartThreshold: number;
  /** Attempts per request before the transfer fails (1 = no retry). */
  maxAttempts: number;
  /** First backoff delay; doubles each attempt, with full jitter, up to maxRetryDelayMs. */
  baseRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** How long a transfer waits for an unreachable server (lost network, restart) before it fails, resumable. */
  offlineWaitMs: number;
  /** How long a call a person waits on (a listing, a HEAD, a share link) may take, retries included. */
  interactiveTimeoutMs: number;
  /** A request that sends or receives nothing for this long is dropped and retried. */
  idleTimeoutMs: number;
  /** Most bytes per second, up and down together, for every transfer of the engine; 0: no limit. */
  bandwidthLimit: number;
  /** Minimum interval between progress events of one transfer. */
  progressIntervalMs: number;
  /** Add an x-amz-checksum-crc32 to every part besides Content-MD5 ('auto': only on AWS endpoints). */
  crc32: 'auto' | 'on' | 'off';
  /** Objects up to this size are copied in one CopyObject (S3's limit, 5 GiB); larger ones part by part. */
  copyObjectLimit: number;
  /** List requests in flight for one listing: key ranges listed side by side (1: page after page). */
  listsInFlight: number;
  /**
   * How object PUTs, part uploads, ranged GETs and HEADs are sent: 'direct' (undici, signed by the
   * SDK's signer) or 'sdk' (through the SDK client, as every other call). The environment variable
   * FERRY_DATA_PATH sets the default.
   */
  dataPath: DataPath;
}

export type DataPath = 'direct' | 'sdk';
const DATA_PATHS: readonly DataPath[] = ['direct', 'sdk'];

/** The data path FERRY_DATA_PATH names (read once, at start), else 'direct'; any other value is refused when settings resolve. */
function defaultDataPath(): DataPath {
  const given = process.env.FERRY_DATA_PATH;
  return given === undefined || given === '' ? 'direct' : (given as DataPath);
}

// Defaults chosen to beat the usual tools' (rclone 4 × 5 MiB, AWS CLI 10 × 8 MB): more parts in flight
// for high bandwidth-delay paths, many files in flight for small files. Buffers: 16 × 8 MiB = 128 MiB
// in use at the default part size; the budget of 256 MiB also keeps 12 parts of 21 MiB (a 200 GiB
// file) in flight.
export const DEFAULT_SETTINGS: TransferSettings = {
  partSize: 8 * MiB,
  memoryBudget: 256 * MiB,
  partsInFlight: 16,
  filesInFlight: 64,
  adaptive: true,
  multipartThreshold: 16 * MiB,
  maxAttempts: 8,
  baseRetryDelayMs: 200,
  maxRetryDelayMs: 20_000,
  offlineWaitMs: 300_000,
  interactiveTimeoutMs: 15_000,
  idleTimeoutMs: 60_000,
  bandwidthLimit: 0,
  progressIntervalMs: 250,
  crc32: 'auto',
  copyObjectLimit: S3_LIMITS.maxSinglePut,
  listsInFlight: 4,
  dataPath: defaultDataPath(),
};

interface Bound {
  min: number;
  max: number;
}

const BOUNDS: Record<Exclude<keyof TransferSettings, 'crc32' | 'adaptive' | 'dataPath'>, Bound> = {
  partSize: { min: S3_LIMITS.minPartSize, max: S3_LIMITS.maxPartSize },
  memoryBudget: { min: 16 * MiB, max: 64 * GiB },
  partsInFlight: { min: 1, max: 256 },
  filesInFlight: { min: 1, max: 1024 },
  multipartThreshold: { min: 0, max: S3_LIMITS.maxSinglePut },
  maxAttempts: { min: 1, max: 100 },
  baseRetryDelayMs: { min: 0, max: 60_000 },
  maxRetryDelayMs: { min: 0, max: 600_000 },
  offlineWaitMs: { min: 0, max: 86_400_000 },
  interactiveTimeoutMs: { min: 1_000, max: 600_000 },
  idleTimeoutMs: { min: 1_000, max: 3_600_000 },
  bandwidthLimit: { min: 0, max: 1024 * GiB },
  progressIntervalMs: { min: 10, max: 10_000 },
  copyObjectLimit: { min: S3_LIMITS.minPartSize, max: S3_LIMITS.maxSinglePut },
  listsInFlight: { min: 1, max: 32 },
};

/** Defaults overlaid with the user's choices; a value outside its documented limits is an error. */
export function resolveSettings(overrides: Partial<TransferSettings> = {}): TransferSettings {
  const merged: TransferSettings = { ...DEFAULT_SETTINGS };
  if (!DATA_PATHS.includes(merged.dataPath)) {
    throw new FerryError('InvalidInput', `FERRY_DATA_PATH must be direct or sdk, not ${JSON.stringify(merged.dataPath)}.`);
  }
  for (const [name, value] of Object.entries(overrides) as [keyof TransferSettings, unknown][]) {
    if (value === undefined) continue;
    if (name === 'crc32') {
      if (value !== 'auto' && value !== 'on' && value !== 'off') {
        throw new FerryError('InvalidInput', `crc32 must be auto, on or off, not ${JSON.stringify(value)}.`);
      }
      merged.crc32 = value;
      continue;
    }
    if (name === 'dataPath') {
      if (!DATA_PATHS.includes(value as DataPath)) throw new FerryError('InvalidInput', `dataPath must be direct or sdk, not ${JSON.stringify(value)}.`);
      merged.dataPath = value as DataPath;
      continue;
    }
    if (name === 'adaptive') {
      if (typeof value !== 'boolean') throw new FerryError('InvalidInput', `adaptive must be true or false, not ${JSON.stringify(value)}.`);
      merged.adaptive = value;
      continue;
    }
    const bound = BOUNDS[name];
    if (!bound) throw new FerryError('InvalidInput', `Unknown setting ${name}.`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < bound.min || value > bound.max) {
      throw new FerryError('InvalidInput', `${name} must be a whole number from ${bound.min} to ${bound.max}, not ${JSON.stringify(value)}.`);
    }
    merged[name] = value;
  }
  return merged;
}

/** A size as people read it: "512 B", "8.0 MiB". */
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

/** Whole or tenths of MiB, as messages about part sizes give them: "8", "10.5". */
export function formatMiB(bytes: number): string {
  return (bytes / MiB).toFixed(bytes % MiB === 0 ? 0 : 1);
}

/** Parses sizes such as "8MiB", "16M", "1g", "5242880". */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$/i.exec(text);
  if (!match) throw new FerryError('InvalidInput', `"${text}" is not a size (try 8MiB, 64M or 1GiB).`);
  const unit = (match[2] ?? '').toLowerCase();
  const power = { '': 0, k: 1, m: 2, g: 3, t: 4 }[unit] ?? 0;
  return Math.round(Number(match[1]) * 1024 ** power);
}

export function retryPolicy(settings: TransferSettings): RetryPolicy {
  return { maxAttempts: settings.maxAttempts, baseDelayMs: settings.baseRetryDelayMs, maxDelayMs: settings.maxRetryDelayMs, offlineWaitMs: settings.offlineWaitMs };
}
