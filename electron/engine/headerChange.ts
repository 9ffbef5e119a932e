// Changing headers in place: each object is copied onto itself with new headers (CopyObject with
// MetadataDirective REPLACE, or a multipart copy of ranges above CopyObject's limit), keeping every
// header and metadata entry not being changed. A REPLACE copy keeps nothing by itself, so each
// object's headers are read first (HEAD), and the copy is conditional on the ETag read then. The
// object's bytes never leave the server.

import type { ErrorInfo } from '../../shared/errors.js';
import type { ObjectHeaders } from '../../shared/transfer.js';
import type { EngineContext } from './context.js';
import { followSignal } from './abort.js';
import { FerryError, asFerryError, cancelledError } from './errors.js';
import { wireHeaders } from './headerValues.js';
import { mapInFlight } from './inFlight.js';
import { WIRE_NAMES, clearHeader, type HeaderField, type RuleSet } from './publishRules.js';
import type { CopyExtras, ObjectInfo } from './s3/store.js';
import { ServerCopier } from './serverCopy.js';

/** What to change: rules first, then `set` over them, then `remove`. */
export interface HeaderEdit {
  /** Headers to set; metadata entries are merged into the object's. */
  set?: ObjectHeaders;
  /** Headers to drop, by wire name, any case: cache-control, expires, x-amz-meta-build. */
  remove?: string[];
  /** Publishing rules: the first match on the key below `rulesBase` sets its headers. */
  rules?: RuleSet;
  /** The prefix rules match below ('' or absent: the whole key). */
  rulesBase?: string;
}

/** One object's change as planned: its headers now and after (for --dry-run and the app's table). */
export interface PlannedHeaderChange {
  key: string;
  size: number;
  before: ObjectHeaders;
  after: ObjectHeaders;
  /** False when the object already has these headers: nothing is copied. */
  changes: boolean;
}

export interface HeaderChangeProgress {
  /** Objects found so far; final once `listed`. */
  objects: number;
  listed: boolean;
  changed: number;
  unchanged: number;
  failed: number;
  /** Bytes copied on the server so far. */
  bytes: number;
}

export interface HeaderChangeResult {
  objects: number;
  changed: number;
  unchanged: number;
  failures: { item: string; error: ErrorInfo }[];
  /** Bytes copied on the server (never through this machine). */
  bytes: number;
  seconds: number;
}

export interface HeaderChangeInput {
  bucket: string;
  /** Exact keys. */
  keys: string[];
  /** Every object below each (recursive). */
  prefixes: string[];
  edit: HeaderEdit;
  /** One key only: refuse if its ETag is no longer this (it changed since a person looked at it). */
  ifEtag?: string;
  /** Read and plan only: nothing is copied. */
  dryRun?: boolean;
}

export interface HeaderChangeOptions {
  signal?: AbortSignal;
  /** A few times a second, and once at the end. */
  onProgress?: (progress: HeaderChangeProgress) => void;
  /** Each object once its new headers are known (before its copy). */
  onPlanned?: (planned: PlannedHeaderChange) => void;
  /** A multipart copy goes on from an interrupted run's parts. */
  onResumed?: (resumed: { key: string; partsDone: number; parts: number }) => void;
}

// ---- planning: an object's headers after the edit --------------------------------------------

const FIELDS = Object.keys(WIRE_NAMES) as HeaderField[];

/** The headers a HEAD gave, as a header change keeps them (storage class included, STANDARD as absent). */
export function currentHeaders(info: ObjectInfo): ObjectHeaders {
  const headers: ObjectHeaders = { ...info.headers };
  if (info.storageClass && info.storageClass !== 'STANDARD') headers.storageClass = info.storageClass;
  return tidy(headers);
}

function tidy(headers: ObjectHeaders): ObjectHeaders {
  for (const field of FIELDS) if (headers[field] === undefined) delete headers[field];
  if (headers.metadata && Object.keys(headers.metadata).length === 0) delete headers.metadata;
  return headers;
}

/** Rules, then `set`, then `remove`, over what the object has: metadata entries merged, not replaced. */
export function editedHeaders(before: ObjectHeaders, key: string, edit: HeaderEdit): ObjectHeaders {
  const after: ObjectHeaders = { ...before, metadata: { ...before.metadata } };
  const base = edit.rulesBase ?? '';
  const rule = edit.rules?.headersFor(key.startsWith(base) ? key.slice(base.length) : key);
  for (const given of [rule, edit.set]) {
    if (!given) continue;
    for (const field of FIELDS) if (given[field] !== undefined) after[field] = given[field];
    Object.assign(after.metadata ?? {}, given.metadata);
  }
  for (const name of edit.remove ?? []) clearHeader(after, name);
  return tidy(after);
}

/** Same headers and metadata (metadata names in any order). A canned ACL cannot be read back by HEAD: asking for one always copies. */
export function sameHeaders(a: ObjectHeaders, b: ObjectHeaders): boolean {
  if (b.acl !== undefined) return false;
  if (FIELDS.some((field) => a[field] !== b[field])) return false;
  const am = a.metadata ?? {};
  const bm = b.metadata ?? {};
  const names = Object.keys(am);
  return names.length === Object.keys(bm).length && names.every((name) => am[name] === bm[name]);
}

/** Refuses, before anything is read, an edit that could not be sent (a bad name, a value HTTP cannot carry). */
export function checkEdit(edit: HeaderEdit): void {
  wireHeaders(edit.set);
  for (const name of edit.remove ?? []) clearHeader({}, name);
}

// ---- running ---------------------------------------------------------------------------------

const PROGRESS_MS = 250;

/** A 32-hex-digit ETag is the MD5 of the bytes (a single PUT without KMS): a copy must give the same. */


export class HeaderChanger {
  private readonly counts: HeaderChangeProgress = { objects: 0, listed: false, changed: 0, unchanged: 0, failed: 0, bytes: 0 };
  private readonly failures: { item: string; error: ErrorInfo }[] = [];
  private lastProgress = 0;
  private readonly copier: ServerCopier;

  constructor(
    private readonly ctx: Pick<EngineContext, 'store' | 'settings' | 'journal' | 'server'>,
    private readonly input: HeaderChangeInput,
    private readonly options: HeaderChangeOptions,
    /** CopyObject's limit: larger objects are copied in parts (5 GiB on S3). */
    copyObjectLimit: number,
  ) {
    this.copier = new ServerCopier(ctx, copyObjectLimit, 'the header change', options.onResumed);
  }

  async run(): Promise<HeaderChangeResult> {
    const started = performance.now();
    const { input, options } = this;
    checkEdit(input.edit);
    if (input.ifEtag !== undefined && (input.keys.length !== 1 || input.prefixes.length > 0)) {
      throw new FerryError('InvalidInput', 'A header change with an expected ETag is for one object.');
    }
    // Every request listens to the signal: one follower, with Node's listener warning lifted.
    const { controller, dispose } = followSignal(options.signal);
    const signal = controller.signal;
    try {
      return await this.runAll(signal, started);
    } finally {
      dispose();
    }
  }

  private async runAll(signal: AbortSignal, started: number): Promise<HeaderChangeResult> {
    const { input } = this;
    const keys = await this.listKeys(signal);
    await mapInFlight(keys, this.ctx.settings.filesInFlight, async (key) => {
      if (signal.aborted) return;
      try {
        await this.changeOne(key, signal);
      } catch (error) {
        if (signal.aborted) return;
        this.counts.failed++;
        this.failures.push({ item: `s3://${input.bucket}/${key}`, error: asFerryError(error).toInfo() });
      }
      this.progress();
    });
    if (signal.aborted) throw cancelledError();
    this.progress(true);
    const { objects, changed, unchanged, bytes } = this.counts;
    return { objects, changed, unchanged, failures: this.failures, bytes, seconds: (performance.now() - started) / 1000 };
  }

  private progress(force = false): void {
    const now = performance.now();
    if (!force && now - this.lastProgress < PROGRESS_MS) return;
    this.lastProgress = now;
    this.options.onProgress?.({ ...this.counts });
  }

  /** The keys, then every object below each prefix; folder markers (`name/`, empty) have no headers worth changing. */
  private async listKeys(signal: AbortSignal): Promise<string[]> {
    const keys = new Set(this.input.keys);
    this.counts.objects = keys.size;
    for (const prefix of this.input.prefixes) {
      for await (const entry of this.ctx.store.listAll(this.input.bucket, prefix, { signal })) {
        if (entry.key.endsWith('/') && entry.size === 0) continue;
        keys.add(entry.key);
        this.counts.objects = keys.size;
        this.progress();
      }
    }
    this.counts.listed = true;
    this.progress(true);
    return [...keys];
  }

  private async changeOne(key: string, signal: AbortSignal): Promise<void> {
    const { store } = this.ctx;
    const { bucket, edit, ifEtag, dryRun } = this.input;
    const info = await store.headObject(bucket, key, { signal });
    if (ifEtag !== undefined && info.etag !== ifEtag) {
      throw new FerryError('RemoteChanged', `s3://${bucket}/${key} changed since it was shown (its ETag is now ${info.etag}); nothing was changed. Look again and retry.`);
    }
    const before = currentHeaders(info);
    const after = editedHeaders(before, key, edit);
    const changes = !sameHeaders(before, after);
    this.options.onPlanned?.({ key, size: info.size, before, after, changes });
    if (!changes) {
      this.counts.unchanged++;
      return;
    }
    if (!dryRun) {
      const extras: CopyExtras = {
        storageClass: after.storageClass ?? info.storageClass,
        serverSideEncryption: info.serverSideEncryption,
        sseKmsKeyId: info.sseKmsKeyId,
        websiteRedirectLocation: info.websiteRedirectLocation,
      };
      const headers = { ...after, storageClass: undefined };
      await this.copier.copy({ bucket, info }, { bucket, key }, headers, extras, signal);
      this.counts.bytes += info.size;
    }
    this.counts.changed++;
  }
}
