// The typed contract between the UI and the main process (or the browser-hosted mode's Node host):
// every call with its request schema and response type, and every event. Both transports (Electron
// IPC and the token-guarded WebSocket) carry exactly this; the main side validates each request
// against its schema before anything else sees it.

import { z } from 'zod';
import type { ErrorInfo } from './errors.js';
import type { PublishRules } from './publishRules.js';
import type { AppSettings, ChunkHeader, QueueBatch, QueueKind, QueueRow, SyncBatch } from './queue.js';
import type { ObjectHeaders, TransferConflict, TransferEvent } from './transfer.js';

// ---- plain data ----------------------------------------------------------------------------

/** Where an account's credentials come from. Secrets themselves never cross to the UI. */
export type CredentialSource = 'keychain' | 'aws-profile' | 'environment';

export interface Account {
  id: string;
  name: string;
  kind: 'aws' | 's3-compatible';
  /** S3-compatible only: the service's URL. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  source: CredentialSource;
  /** The access key id is not a secret; shown so a user can tell keys apart. */
  accessKeyId?: string;
  /** For source 'aws-profile': the profile in ~/.aws/config or ~/.aws/credentials. */
  profile?: string;
  /**
   * Uploads go through a relay (a Ferry host near the bucket): its host and port. The address
   * itself carries the relay's token, a secret kept with the account's secret, never sent here.
   */
  relayHost?: string;
}

/** Where a bucket's objects are kept in step, read when its endpoint is down: another account's bucket and prefix. */
export interface BucketReplica {
  replicaAccountId: string;
  replicaBucket: string;
  /** Empty or ending in "/": key K of the bucket is prefix + K there. */
  prefix: string;
}

export interface KeychainStatus {
  available: boolean;
  /** Why not, in a sentence, when it is not. */
  message?: string;
}

export interface AppInfo {
  version: string;
  mode: 'electron' | 'browser';
  keychain: KeychainStatus;
  /** The folder downloads land in (browser-hosted mode: the host's, chosen at start). */
  downloadFolder: string;
}

export interface BucketInfo {
  name: string;
  created?: string;
}

export interface ObjectRow {
  key: string;
  size: number;
  lastModified?: string;
  storageClass?: string;
  etag?: string;
}

/** An object's details for the info panel: its published headers, and what the server says of it. */
export interface ObjectDetails extends Omit<ObjectHeaders, 'metadata'> {
  bucket: string;
  key: string;
  size: number;
  etag?: string;
  lastModified?: string;
  storageClass?: string;
  metadata: Record<string, string>;
  /** x-amz-server-side-encryption (AES256, aws:kms…), shown; kept by a header change. */
  serverSideEncryption?: string;
  /** x-amz-website-redirect-location, shown; kept by a header change. */
  websiteRedirectLocation?: string;
}

/** The publishing rules kept for one account and bucket, and the presets to start from. */
export interface PublishRulesInfo {
  rules: PublishRules;
  presets: { name: string; description: string; rules: PublishRules }[];
}

/** What an upload would send: each file's key and the headers it would get (`Name: value` lines). */
export interface PublishPreview {
  rows: { key: string; size: number; headers: string[]; /** Index of the rule that matched, if any. */ rule?: number }[];
  /** Every file of the upload (rows stop at 5,000: `truncated`). */
  files: number;
  bytes: number;
  truncated: boolean;
  /** Empty folders that would be kept as `name/` markers. */
  folders: number;
}

/** One thing a sync would do (or, `skip`, leave as it is), with why: a row of Synchronize…'s table. */
export interface SyncPlanRow {
  kind: 'upload' | 'download' | 'delete' | 'folder' | 'skip';
  /** Below the folder and the prefix, names joined by '/'; a folder's ends in '/'. */
  path: string;
  /** A transfer's: a new file or one that differs. */
  change?: 'create' | 'update';
  /** The command line's words: "new", "size differs (…)", "not in the folder", "same size and time"… */
  reason: string;
  /** Bytes sent (upload, download), removed (delete) or left (skip); 0 for a folder. */
  size: number;
}

/** A compared sync (`sync.plan`), kept on the host until started, discarded or expired. */
export interface SyncPlanSummary {
  planId: string;
  direction: 'up' | 'down';
  accountId: string;
  bucket: string;
  /** '' or ending in '/'. */
  prefix: string;
  /** The local folder as the host resolved it. */
  folder: string;
  compare: 'time' | 'checksum';
  delete: boolean;
  /** Changes first (in the order of their paths), then the unchanged; both stop at a limit (`rowsLeftOut`). */
  rows: SyncPlanRow[];
  /** Rows beyond the limits, not sent (the counts cover every item). */
  rowsLeftOut: { changes: number; unchanged: number };
  counts: { create: number; update: number; delete: number; unchanged: number; excluded: number; refused: number; folders: number };
  /** Bytes the transfers move, and bytes the deletions remove. */
  bytes: { send: number; delete: number };
  /** Names that cannot make the round trip: left as they are. */
  refused: { item: string; error: ErrorInfo }[];
  /** Local entries that are not files (a link to a folder, a socket) or could not be read. */
  skipped: { path: string; reason: string }[];
  /** Items on the target only, kept because deleting was not asked for. */
  extra: number;
  /** Objects whose stored time was read with a HEAD; local files hashed (checksum). */
  heads: number;
  hashed: number;
  seconds: number;
  /** After this (ISO time) the plan is forgotten: compare again. */
  expiresAt: string;
}

export type ConnectionTest = { ok: true; buckets: number } | { ok: false; error: ErrorInfo };

export interface QueueSnapshot {
  rows: QueueRow[];
  batches: QueueBatch[];
}

export interface DownloadStarted {
  batchId: string;
  /** Where the files land, as the host sees it. */
  folder: string;
  files: number;
  bytes: number;
  /** The bucket's endpoint could not be reached: the files come from its replica (Replica…). */
  served?: Extract<ListingServed, { by: 'replica' }>;
}

// ---- requests ------------------------------------------------------------------------------

const id = z.string().min(1).max(200);
const bucket = z.string().min(1).max(255);
// S3 keys are at most 1,024 bytes of UTF-8; a prefix is a key's beginning.
const key = z.string().min(1).max(1024);
const prefix = z.string().max(1024);

/** A relay's address as its Ferry host printed it: http(s), with the token that opens it. */
const relayUrl = z
  .url({ protocol: /^https?$/, error: 'The relay address must be an http:// or https:// URL: paste the address the Ferry host printed.' })
  .max(4096)
  .refine((url) => new URL(url).searchParams.get('token'), 'The relay address has no token: paste the whole address the Ferry host printed (it ends with ?token=…).');

export const accountInput = z
  .object({
    /** Present when editing an account. */
    id: id.optional(),
    name: z.string().trim().min(1, 'Give the account a name.').max(100),
    kind: z.enum(['aws', 's3-compatible']),
    endpoint: z.url({ protocol: /^https?$/, error: 'The endpoint must be an http:// or https:// URL.' }).optional(),
    region: z.string().trim().min(1, 'A region is needed (us-east-1 for most S3-compatible services).').max(64),
    forcePathStyle: z.boolean(),
    accessKeyId: z.string().trim().min(1, 'An access key id is needed.').max(256),
    /** Omitted when editing: the secret in the keychain stays as it is. */
    secretAccessKey: z.string().min(1).max(1024).optional(),
    /** Upload through this relay; null: no relay; omitted when editing: the saved one stays as it is. */
    relayUrl: relayUrl.nullable().optional(),
  })
  .refine((a) => a.kind === 'aws' || a.endpoint !== undefined, { message: 'An S3-compatible account needs an endpoint URL.', path: ['endpoint'] });
export type AccountInput = z.infer<typeof accountInput>;

const accountRef = z.object({ accountId: id });
// Rows of the queue; omitted: every row.
const rowIds = z.object({ ids: z.array(id).max(1_000_000).optional() });
const ifExists = z.enum(['overwrite', 'skip', 'rename', 'different', 'ask']);
// A path inside a dropped folder, as the browser gives it ("photos/2024/a.jpg"): the engine maps it to a key.
const relativePath = z.string().min(1).max(4096);
const bucketRef = accountRef.extend({ bucket });
const headerValue = z.string().max(4096);
/** Headers to set on objects (ObjectHeaders); absent fields are left as they are. */
const headerFields = z.object({
  contentType: headerValue.optional(),
  cacheControl: headerValue.optional(),
  contentDisposition: headerValue.optional(),
  contentEncoding: headerValue.optional(),
  contentLanguage: headerValue.optional(),
  expires: headerValue.optional(),
  storageClass: headerValue.optional(),
  acl: headerValue.optional(),
  metadata: z.record(z.string().min(1).max(256), headerValue).optional(),
});
export const publishRulesSchema = z.object({
  rules: z.array(z.object({ match: z.string().trim().min(1, 'A rule needs a glob to match.').max(1024), headers: z.record(z.string().min(1).max(256), headerValue) })).max(1000),
});
/** A sync's local folder: a name or path inside the download folder, or a folder chosen with `sync.chooseFolder`. */
const localFolder = z.string().trim().min(1, 'Name the local folder.').max(4096);
// The command line's --exclude: a glob without '/' matches a name at any depth.
const excludeGlob = z.string().trim().min(1).max(1024);
const browserFile = z.object({ path: relativePath, size: z.number().int().min(0).max(5 * 1024 ** 4), lastModified: z.number().optional() });

/** Every call: its request schema, and (as a type) its response. */
export const calls = {
  'app.info': z.object({}),
  /** Electron: opens the folder dialog and makes the choice the download folder. Browser mode: refused. */
  'app.chooseDownloadFolder': z.object({}),
  'accounts.list': z.object({}),
  'accounts.save': accountInput,
  'accounts.remove': accountRef,
  /** The bucket's replica (null: none): read from when the bucket's endpoint cannot be reached. */
  'replica.get': bucketRef,
  'replica.set': bucketRef.extend({
    replica: z
      .object({ replicaAccountId: id, replicaBucket: bucket, prefix: prefix.refine((p) => p === '' || p.endsWith('/'), 'A replica prefix is empty or ends with "/".') })
      .nullable(),
  }),
  /** Tests a saved account, or an unsaved form (whose secret is then required). */
  'accounts.test': z.union([accountRef, accountInput]),
  /** Adds an account per profile in ~/.aws/config and ~/.aws/credentials not yet added. */
  'accounts.importAwsProfiles': z.object({}),
  'browse.buckets': accountRef,
  /** Starts a listing; its pages arrive as `listing` events under the returned id. */
  'browse.list': bucketRef.extend({ prefix, listingId: id }),
  'browse.cancelListing': z.object({ listingId: id }),
  'browse.info': bucketRef.extend({ key }),
  /** Deletes the keys, and everything under the prefixes. */
  'browse.delete': bucketRef.extend({ keys: z.array(key).max(100_000), prefixes: z.array(key).max(1_000) }),
  'browse.createFolder': bucketRef.extend({ prefix: key.refine((p) => p.endsWith('/'), 'A folder name ends with /.') }),
  /** A link anyone can use to GET the object until it expires (S3 allows at most 7 days). */
  'browse.shareUrl': bucketRef.extend({ key, expiresSeconds: z.number().int().min(1).max(604_800) }),
  /**
   * Downloads the keys and prefixes into the download folder: a key as a file named like its last
   * segment, a prefix as a folder named like its last segment (as `cp -r` does). The engine refuses
   * any name that would leave the folder.
   */
  'transfers.download': bucketRef.extend({ keys: z.array(key).max(100_000), prefixes: z.array(key).max(1_000) }),
  /** Cancels every row of a batch (and its planning, if it is still finding files). */
  'transfers.cancel': z.object({ batchId: id }),
  /**
   * Uploads local files and folders (as `cp -r` does) into the prefix. Returns at once: the folders
   * are walked and the rows arrive as `queue` events. Electron: the paths of a drop or a dialog.
   */
  'transfers.upload': bucketRef.extend({ prefix, paths: z.array(z.string().min(1).max(4096)).min(1).max(100_000) }),
  /**
   * The browser-hosted mode's drop: the files' relative paths and sizes. Answers once the targets
   * that exist are settled (questions answered) with a stream per file to send; the bytes then
   * come as chunk frames (ChunkHeader) into a spool file on the host, and each file goes up from
   * there like any other.
   */
  'transfers.uploadFromBrowser': bucketRef.extend({
    prefix,
    files: z.array(browserFile).max(100_000),
    emptyFolders: z.array(relativePath).max(100_000),
  }),
  /** The page could not read a file it was sending (deleted or changed since the drop): its row fails with this reason. */
  'transfers.streamFailed': z.object({ streamId: id, message: z.string().min(1).max(1000) }),
  /** The answer to a `conflict` event. */
  'transfers.answerConflict': z.object({ conflictId: id, action: z.enum(['overwrite', 'skip', 'rename', 'different']), applyToAll: z.boolean().optional() }),
  /** The publishing rules kept for this account and bucket (none: an empty list), and the presets. */
  'publish.rules': bucketRef,
  /** Keeps the rules; refused with the rule and the reason (`rule 2: "X-Foo" is not a header Ferry sets…`). */
  'publish.saveRules': bucketRef.extend({ rules: publishRulesSchema }),
  /**
   * What uploading these into the prefix would send, with the bucket's kept rules (or `rules`, a
   * draft not yet saved): each key and its headers. Electron: `paths`; browser mode: `files` (and
   * `emptyFolders`) as for `transfers.uploadFromBrowser`. Sends nothing.
   */
  'publish.preview': bucketRef.extend({
    prefix,
    paths: z.array(z.string().min(1).max(4096)).max(100_000).optional(),
    files: z.array(browserFile).max(100_000).optional(),
    emptyFolders: z.array(relativePath).max(100_000).optional(),
    rules: publishRulesSchema.optional(),
  }),
  /**
   * Changes headers in place on the keys and every object under the prefixes: each object is copied
   * onto itself with its headers and metadata kept but for `set` (merged; metadata entries too),
   * `remove` (wire names: cache-control, x-amz-meta-build…) and, with `rules`, the bucket's kept
   * rules (matched on the key below `rulesBase`). `ifEtag` (one key only): refused if the object
   * changed since it was shown. Returns at once; `headerChange` events report progress.
   */
  'objects.changeHeaders': bucketRef.extend({
    keys: z.array(key).max(100_000),
    prefixes: z.array(key).max(1_000),
    set: headerFields,
    remove: z.array(z.string().min(1).max(256)).max(256),
    rules: z.boolean().optional(),
    rulesBase: prefix.optional(),
    ifEtag: z.string().min(1).max(200).optional(),
  })
  .refine((r) => r.keys.length + r.prefixes.length > 0, { message: 'Name the objects: a key or a prefix.', path: ['keys'] })
  .refine((r) => r.ifEtag === undefined || (r.keys.length === 1 && r.prefixes.length === 0), { message: 'An expected ETag is for one key.', path: ['ifEtag'] }),
  'objects.cancelHeaderChange': z.object({ jobId: id }),
  /**
   * Copies (with `move`, moves) the keys and every object under the prefixes to the target
   * account, bucket and prefix, each named there as it is below `base` (the folder shown). One
   * account: the server copies; another: the bytes stream through the main process (never its
   * disk). `ifExists`: different (pass over a target of the same size and ETag), overwrite, skip.
   * The copy is one row of the queue (its batch returned at once): paused, resumed, cancelled and
   * kept across restarts as any row; a resumed copy passes over what it had copied.
   */
  'objects.copy': bucketRef
    .extend({
      keys: z.array(key).max(100_000),
      prefixes: z.array(key).max(1_000),
      base: prefix,
      target: z.object({ accountId: id, bucket, prefix: prefix.refine((p) => p === '' || p.endsWith('/'), 'A target prefix is empty or ends with "/".') }),
      move: z.boolean(),
      ifExists: z.enum(['different', 'overwrite', 'skip']),
    })
    .refine((r) => r.keys.length + r.prefixes.length > 0, { message: 'Name the objects: a key or a prefix.', path: ['keys'] })
    .refine((r) => [...r.keys, ...r.prefixes].every((k) => k.startsWith(r.base) && k !== r.base), { message: 'Every key and prefix lies below the base.', path: ['base'] }),
  /**
   * Compares the local folder and the prefix (both listed; times read or files hashed) and keeps
   * the plan under `planId` (the caller's, so `sync.discard` can stop a long comparison). Nothing
   * is changed. Refused when the folder is outside the download folder and not one chosen with
   * `sync.chooseFolder`. Uploads get the bucket's kept publishing rules.
   */
  'sync.plan': bucketRef.extend({
    planId: id,
    prefix,
    folder: localFolder,
    direction: z.enum(['up', 'down']),
    compare: z.enum(['time', 'checksum']),
    delete: z.boolean(),
    exclude: z.array(excludeGlob).max(1000),
  }),
  /** Runs a kept plan through the queue as one batch (its rows: the transfers); the deletions follow once they all succeed. */
  'sync.start': z.object({ planId: id }),
  /** Forgets a plan, or stops its comparison. */
  'sync.discard': z.object({ planId: id }),
  /** Electron: the folder dialog, for a sync's local folder anywhere. Browser mode: refused (the folder is inside the download folder). */
  'sync.chooseFolder': z.object({}),
  'queue.list': z.object({}),
  'queue.pause': rowIds,
  'queue.resume': rowIds,
  'queue.cancel': rowIds,
  'queue.retry': rowIds,
  'queue.moveToTop': z.object({ ids: z.array(id).min(1).max(1_000_000) }),
  'queue.clearFinished': z.object({}),
  'settings.get': z.object({}),
  'settings.set': z
    .object({
      partsInFlight: z.number().int().min(1).max(64),
      filesInFlight: z.number().int().min(1).max(256),
      bandwidthLimit: z.number().int().min(0).max(100 * 1024 ** 3),
      ifExists,
      notifyAfterSeconds: z.number().int().min(0).max(86_400),
    })
    .partial(),
} as const;

export type CallName = keyof typeof calls;
export type CallRequest<N extends CallName> = z.input<(typeof calls)[N]>;

export interface CallResponses {
  'app.info': AppInfo;
  'app.chooseDownloadFolder': { folder: string | null };
  'accounts.list': Account[];
  'accounts.save': Account;
  'accounts.remove': { removed: boolean };
  'replica.get': { replica: BucketReplica | null };
  'replica.set': { replica: BucketReplica | null };
  'accounts.test': ConnectionTest;
  'accounts.importAwsProfiles': { added: Account[] };
  'browse.buckets': BucketInfo[];
  'browse.list': { listingId: string };
  'browse.cancelListing': { cancelled: boolean };
  'browse.info': ObjectDetails;
  'browse.delete': { deleted: number };
  'browse.createFolder': { created: string };
  'browse.shareUrl': { url: string; expires: string };
  'transfers.download': DownloadStarted;
  'transfers.cancel': { cancelled: boolean };
  'transfers.upload': { batchId: string };
  'transfers.uploadFromBrowser': { batchId: string; streams: { index: number; streamId: string }[] };
  'transfers.streamFailed': { failed: boolean };
  'transfers.answerConflict': { answered: boolean };
  'publish.rules': PublishRulesInfo;
  'publish.saveRules': { rules: PublishRules };
  'publish.preview': PublishPreview;
  'objects.changeHeaders': { jobId: string };
  'objects.cancelHeaderChange': { cancelled: boolean };
  'objects.copy': { batchId: string };
  'sync.plan': SyncPlanSummary;
  'sync.start': { batchId: string };
  'sync.discard': { discarded: boolean };
  'sync.chooseFolder': { folder: string | null };
  'queue.list': QueueSnapshot;
  'queue.pause': { changed: number };
  'queue.resume': { changed: number };
  'queue.cancel': { changed: number };
  'queue.retry': { changed: number };
  'queue.moveToTop': { changed: number };
  'queue.clearFinished': { removed: number };
  'settings.get': AppSettings;
  'settings.set': AppSettings;
}
export type CallResponse<N extends CallName> = CallResponses[N];

/** The host's answer to one chunk: the stream's bytes on disk so far, or why it stopped (Cancelled: stop sending). */
export type ChunkResult = { ok: true; value: { received: number } } | { ok: false; error: ErrorInfo };

/** What a transport carries back for one call. */
export type CallResult<N extends CallName> = { ok: true; value: CallResponse<N> } | { ok: false; error: ErrorInfo };

// ---- events --------------------------------------------------------------------------------

export type ListingEvent =
  | { type: 'listing'; listingId: string; objects: ObjectRow[]; prefixes: string[]; done: false }
  | { type: 'listing'; listingId: string; objects: ObjectRow[]; prefixes: string[]; done: true; error?: ErrorInfo; served?: ListingServed };

/**
 * A listing not read from the bucket's own endpoint (it could not be reached, `because`): read from
 * the bucket's replica, or shown as kept from an earlier listing (`at`, ms since the epoch), stale.
 */
export type ListingServed = { by: 'replica'; location: string; because: string } | { by: 'cache'; at: number; because: string };

/** A batch whose rows have all ended (again, after a retry): what a notification tells. */
export type BatchEvent = {
  type: 'batch';
  batchId: string;
  kind: QueueKind;
  /** A copy's batch that moves (deletes its sources). */
  move?: boolean;
  label: string;
  status: 'done' | 'failed' | 'cancelled';
  files: number;
  done: number;
  bytes: number;
  /** From the batch's first row starting to its last ending. */
  seconds: number;
  failures: { item: string; error: ErrorInfo }[];
  /** A sync's batch: what it did in all (the command line's "Synced: …" line). */
  sync?: SyncReport;
};

/** What a sync did: the transfers by the rows, the deletions made or held (and why), what it left alone. */
export interface SyncReport {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  folders: number;
  deletionsHeld: number;
  heldBecause?: SyncBatch['heldBecause'];
  extra: number;
  excluded: number;
}

/**
 * Rows that changed since the last such event (a few a second at most), rows that are gone, and
 * rows moved to the top of the queue (first of all, in this order) since the last event.
 */
export type QueueEvent = { type: 'queue'; rows: QueueRow[]; removed: string[]; moved?: string[] };

/** A batch was made, or its planning moved on (done, refused or skipped items). */
export type QueueBatchEvent = { type: 'queueBatch'; batch: QueueBatch };

/** A target exists and the policy is 'ask': answer with `transfers.answerConflict`. `closed`: answered (elsewhere) or its batch cancelled. */
export type ConflictEvent =
  | { type: 'conflict'; conflictId: string; batchId: string; conflict: TransferConflict }
  | { type: 'conflictClosed'; conflictId: string };

export type SettingsEvent = { type: 'settings'; settings: AppSettings };

/** A header change in place (`objects.changeHeaders`): where it stands, a few times a second and once at the end. */
export type HeaderChangeEvent = {
  type: 'headerChange';
  jobId: string;
  bucket: string;
  /** What was asked, for a person: "Cache-Control on 500 objects in www/". */
  label: string;
  /** Objects found so far (final once `listed`). */
  objects: number;
  listed: boolean;
  /** Copied with new headers. */
  changed: number;
  /** Already had these headers (a re-run after an interruption skips what it finished). */
  unchanged: number;
  failed: number;
  /** The first 100 failures, with reasons. */
  failures: { item: string; error: ErrorInfo }[];
  status: 'running' | 'done' | 'failed' | 'cancelled';
};

export type AppEvent = ListingEvent | BatchEvent | QueueEvent | QueueBatchEvent | ConflictEvent | SettingsEvent | HeaderChangeEvent | TransferEvent;

/** The one API the renderer sees, whichever transport carries it. */
export interface FerryBridge {
  call<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResult<N>>;
  /** Returns a function that stops listening. */
  onEvent(listener: (event: AppEvent) => void): () => void;
  /** Browser-hosted mode only: one chunk of a `transfers.uploadFromBrowser` stream, answered once it is on the host's disk. */
  sendChunk?(header: Omit<ChunkHeader, 'id'>, bytes: ArrayBuffer): Promise<ChunkResult>;
  /** Electron only: the path of a dropped or chosen File (webUtils.getPathForFile); '' for one not from disk. */
  pathForFile?(file: object): string;
}

// ---- the WebSocket transport's frames --------------------------------------------------------

export type ClientFrame = { id: number; call: string; request: unknown };
export type ServerFrame = { id: number; result: CallResult<CallName> | ChunkResult } | { event: AppEvent };
