// Sync: a local folder and a prefix compared file by file; only what differs is sent, and, when asked, what is extra removed.

import { randomUUID } from 'node:crypto';
import { lstat, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import filenameReservedRegex, { windowsReservedNameRegex } from 'filename-reserved-regex';
import type { ErrorInfo } from '../../shared/errors.js';
import type { ObjectHeaders, TransferEvent, VerifyResult } from '../../shared/transfer.js';
import type { DownloadPlan, UploadPlan } from './batchPlan.js';
import { contentTypeFor } from './contentType.js';
import { FerryError, asFerryError, cancelledError, fromFsError } from './errors.js';
import { sameContent } from './existingTargets.js';
import { walkFolder } from './folderWalk.js';
import { mapInFlight } from './inFlight.js';
import { safeLocalPath } from './keyPath.js';
import { LocalPathClaims } from './localCollisions.js';
import { objectModTime, sameModTime } from './modTime.js';
import { ObjectTimes } from './objectTimes.js';
import { applyRules, type RuleSet } from './publishRules.js';
import type { ListEntry, S3Store } from './s3/store.js';

export type SyncDirection = 'up' | 'down';

export interface SyncInput {
  /** up: the folder to the prefix; down: the prefix to the folder. */
  direction: SyncDirection;
  folder: string;
  bucket: string;
  /** The folder's contents mirror what is below it: '' (the bucket) or ending in '/' (one is added). */
  prefix: string;
  /** `time` (default): size and modification time; `checksum`: size and content (MD5 or multipart ETag). */
  compare?: 'time' | 'checksum';
  /** Remove what is on the target but not on the source (never what is excluded or refused). */
  delete?: boolean;
  /** Globs of paths left out on both sides: a glob without '/' matches a name at any depth, one with '/' the path from the top. */
  exclude?: string[];
  /** Uploads: publishing rules, then these headers over them. */
  rules?: RuleSet;
  headers?: ObjectHeaders;
}

interface Sides {
  relative: string;
  key: string;
  local: string;
}

/** One thing a sync does (or, for `skip`, leaves as it is), with why. */
export type SyncAction =
  | (Sides & { kind: 'upload' | 'download'; change: 'create' | 'update'; size: number; reason: string })
  | (Sides & { kind: 'delete'; side: 'remote' | 'local'; size: number; reason: string })
  | (Sides & { kind: 'folder'; side: 'remote' | 'local'; reason: string })
  | (Sides & { kind: 'skip'; size: number; reason: string });

export interface SyncPlan {
  input: Required<Pick<SyncInput, 'direction' | 'folder' | 'bucket' | 'prefix' | 'compare' | 'delete'>> & Pick<SyncInput, 'rules' | 'headers' | 'exclude'>;
  /** In the order of their paths. */
  actions: SyncAction[];
  /** Names that cannot make the round trip (a key no local file can be, two keys for one file): reported, never touched. */
  refused: { item: string; error: ErrorInfo }[];
  /** Local entries that are not files (a link to a folder, a socket) or could not be read. */
  skipped: { path: string; reason: string }[];
  counts: { create: number; update: number; delete: number; unchanged: number; excluded: number; refused: number; folders: number };
  /** Bytes the transfers will move; bytes the deletions remove. */
  bytes: { send: number; delete: number };
  /** Objects on the target side left alone because --delete was not given. */
  extra: number;
  /** HEAD requests made to read objects' stored times (those not known from an earlier sync). */
  heads: number;
  /** Local files hashed to compare contents (--checksum). */
  hashed: number;
  seconds: number;
  /** For the run: what the plan learned of objects' modification times, and the listing's LastModified of each. */
  remote: Map<string, { etag?: string; size: number; lastModified?: Date; modTime?: number }>;
  local: Map<string, { size: number; mtimeMs: number }>;
}

export interface SyncResult {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  folders: number;
  bytes: number;
  seconds: number;
  failures: { item: string; error: ErrorInfo }[];
  refused: { item: string; error: ErrorInfo }[];
  skipped: { path: string; reason: string }[];
  /** Deletions not made because a transfer failed (a sync that could not send everything removes nothing). */
  deletionsHeld: number;
  /** Of the transfers, files an interrupted run had finished (counted, not sent again). */
  alreadyDone: number;
}

/** What a sync needs of the engine: its store, settings and state folder, and the two batch runners. */
export interface SyncEngine {
  store: S3Store;
  server: string;
  filesInFlight: number;
  partSize: number;
  stateDir?: string;
  on(listener: (event: TransferEvent) => void): () => void;
  runUploads(plan: UploadPlan, signal?: AbortSignal): Promise<{ done: number; alreadyDone: number; folders: number; bytes: number; failures: { item: string; error: ErrorInfo }[] }>;
  runDownloads(plan: DownloadPlan, signal?: AbortSignal): Promise<{ done: number; alreadyDone: number; folders: number; bytes: number; failures: { item: string; error: ErrorInfo }[] }>;
}

/** The prefix as a folder: '' or ending in '/'. */
export function syncPrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/**
 * Whether a path is left out: each glob is matched against the path from the top (`build/**`),
 * and a glob without '/' also against every name along it (`*.tmp`, `.DS_Store`, `node_modules`
 * leave those out at any depth, with everything below a folder so named).
 */
export function excluder(globs: string[] | undefined): (relative: string) => boolean {
  if (!globs || globs.length === 0) return () => false;
  const whole = globs.map((glob) => picomatch(glob.replace(/^\/+/, ''), { dot: true }));
  const names = globs.filter((glob) => !glob.includes('/')).map((glob) => picomatch(glob, { dot: true }));
  return (relative) => {
    const bare = relative.endsWith('/') ? relative.slice(0, -1) : relative;
    if (whole.some((test) => test(bare))) return true;
    // A folder matched by a path glob ("build" or "build/") leaves out everything below it.
    const segments = bare.split('/');
    for (let i = 1; i < segments.length; i++) {
      const folder = segments.slice(0, i).join('/');
      if (whole.some((test) => test(folder) || test(`${folder}/`))) return true;
    }
    return names.length > 0 && segments.some((name) => names.some((test) => test(name)));
  };
}

/**
 * Why a name cannot be a file's name on `platform`, or undefined when it can. Every platform: more
 * than 255 bytes. Windows: the characters <>:"|?* and control characters, device names (CON,
 * NUL.txt…), a trailing dot or space (Windows drops them, so the file would get another name).
 */
export function localNameProblem(name: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (Buffer.byteLength(name) > 255) return 'it is longer than the 255 bytes a file name may have';
  if (platform !== 'win32') return undefined;
  if (/[. ]$/.test(name)) return 'it ends with a dot or a space, which Windows drops';
  if (windowsReservedNameRegex().test(name)) return 'it is a device name on Windows';
  if (filenameReservedRegex().test(name)) return 'it has a character Windows does not allow in a file name (<>:"|?* or a control character)';
  return undefined;
}

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.(\d{3})Z$/, '.$1');

/**
 * Lists both sides (at once) and compares every path. Nothing is changed. The times of objects
 * with the same size as their file come from what earlier syncs learned, else from a HEAD each
 * (in parallel); --checksum hashes local files instead and reads no object.
 */
export async function planSync(engine: SyncEngine, input: SyncInput, signal?: AbortSignal, platform: NodeJS.Platform = process.platform): Promise<SyncPlan> {
  const started = performance.now();
  const root = path.resolve(input.folder);
  const prefix = syncPrefix(input.prefix);
  const compare = input.compare ?? 'time';
  const plan: SyncPlan = {
    input: { direction: input.direction, folder: root, bucket: input.bucket, prefix, compare, delete: input.delete ?? false, rules: input.rules, headers: input.headers, exclude: input.exclude },
    actions: [],
    refused: [],
    skipped: [],
    counts: { create: 0, update: 0, delete: 0, unchanged: 0, excluded: 0, refused: 0, folders: 0 },
    bytes: { send: 0, delete: 0 },
    extra: 0,
    heads: 0,
    hashed: 0,
    seconds: 0,
    remote: new Map(),
    local: new Map(),
  };
  const excluded = excluder(input.exclude);
  const up = input.direction === 'up';

  const [walked, listed] = await Promise.all([localSide(root, up, signal), remoteSide(engine.store, input.bucket, prefix, signal)]);
  plan.skipped.push(...walked.skipped);

  // Local files and folders by their path below the folder, as keys spell it ('/').
  const localFiles = new Map<string, { absolute: string; size: number; mtimeMs: number }>();
  const localFolders = new Set<string>();
  const emptyLocalFolders = new Set<string>();
  for (const file of walked.files) {
    const relative = file.relative.split(path.sep).join('/');
    if (excluded(relative)) {
      plan.counts.excluded++;
      continue;
    }
    localFiles.set(relative, file);
    plan.local.set(relative, { size: file.size, mtimeMs: file.mtimeMs });
    const parts = relative.split('/');
    for (let i = 1; i < parts.length; i++) localFolders.add(parts.slice(0, i).join('/'));
  }
  for (const folder of walked.emptyFolders) {
    const relative = folder.split(path.sep).join('/');
    if (relative === '' || excluded(`${relative}/`)) continue;
    emptyLocalFolders.add(relative);
    const parts = relative.split('/');
    for (let i = 1; i <= parts.length; i++) localFolders.add(parts.slice(0, i).join('/'));
  }

  // Objects by their path below the prefix; folder markers apart; what cannot be a local path refused.
  const objects = new Map<string, ListEntry>();
  const markers = new Set<string>();
  const claims = new LocalPathClaims(platform);
  const url = (key: string) => `s3://${input.bucket}/${key}`;
  const refuse = (key: string, error: FerryError) => {
    plan.refused.push({ item: url(key), error: error.toInfo() });
    plan.counts.refused++;
  };
  for (const entry of listed) {
    const relative = entry.key.slice(prefix.length);
    if (relative === '') continue;
    if (excluded(relative)) {
      plan.counts.excluded++;
      continue;
    }
    plan.remote.set(relative, { etag: entry.etag, size: entry.size, lastModified: entry.lastModified });
    // Only what a download would write, or a deletion on the way up would remove, must have a local name.
    const matters = !up || plan.input.delete;
    if (relative.endsWith('/')) {
      if (entry.size > 0) {
        if (matters) refuse(entry.key, new FerryError('InvalidInput', `The key ends with "/" but holds ${entry.size} bytes: no local file can have that name, so it is left as it is.`));
        continue;
      }
      const folder = relative.slice(0, -1);
      if (matters) {
        const problem = localPathProblem(root, relative, claims, entry.key, platform);
        if (problem) {
          refuse(entry.key, problem);
          continue;
        }
      }
      markers.add(folder);
      continue;
    }
    if (matters) {
      const problem = localPathProblem(root, relative, claims, entry.key, platform);
      if (problem) {
        refuse(entry.key, problem);
        continue;
      }
    }
    objects.set(relative, entry);
  }

  const source = up ? localFiles : objects;
  const target = up ? objects : localFiles;
  const sourceFolders = up ? emptyLocalFolders : markers;

  // --delete with nothing on the source would empty the target: most often a mistyped path.
  if (plan.input.delete && source.size === 0 && sourceFolders.size === 0 && (target.size > 0 || (up ? markers.size : 0) > 0)) {
    const from = up ? root : url(prefix);
    throw new FerryError(
      'InvalidInput',
      `${from} holds nothing${input.exclude?.length ? ' that is not excluded' : ''}, so --delete would remove all ${target.size} files of the target. Nothing was changed; check the path.`,
    );
  }

  const times = engine.stateDir && compare === 'time' ? await ObjectTimes.open(engine.stateDir, { server: engine.server, bucket: input.bucket, prefix }) : undefined;
  const paths = [...new Set([...source.keys(), ...target.keys()])].sort();
  const decided = await mapInFlight(paths, engine.filesInFlight, async (relative): Promise<SyncAction | undefined> => {
    if (signal?.aborted) throw cancelledError(signal.reason);
    const file = localFiles.get(relative);
    const object = objects.get(relative);
    const key = prefix + relative;
    const local = path.join(root, ...relative.split('/'));
    const sides = { relative, key, local };
    const kind = up ? 'upload' : 'download';
    if (up ? !file : !object) {
      // On the target only.
      const size = (up ? object?.size : file?.size) ?? 0;
      if (!plan.input.delete) {
        plan.extra++;
        return undefined;
      }
      return { ...sides, kind: 'delete', side: up ? 'remote' : 'local', size, reason: up ? 'not in the folder' : `not below ${url(prefix)}` };
    }
    if (!file || !object) return { ...sides, kind, change: 'create', size: (file?.size ?? object?.size) as number, reason: 'new' };
    const size = up ? file.size : object.size;
    if (file.size !== object.size) return { ...sides, kind, change: 'update', size, reason: `size differs (${up ? `${file.size} bytes here, ${object.size} there` : `${object.size} bytes there, ${file.size} here`})` };
    if (compare === 'checksum') {
      plan.hashed++;
      const same = await sameContent(file.absolute, object.etag, file.size, engine.partSize, signal).catch((error: unknown) => {
        if (signal?.aborted) throw error;
        throw asFerryError(error);
      });
      if (same) return { ...sides, kind: 'skip', size, reason: 'same size and checksum' };
      return { ...sides, kind, change: 'update', size, reason: object.etag && /^[0-9a-f]{32}(-\d+)?$/i.test(object.etag) ? 'contents differ' : 'contents cannot be compared (no MD5 ETag): sent' };
    }
    const remoteTime = await objectTime(engine.store, times, input.bucket, key, object, signal, () => plan.heads++);
    const remote = plan.remote.get(relative);
    if (remote) remote.modTime = remoteTime;
    if (remoteTime !== undefined && sameModTime(file.mtimeMs, remoteTime)) return { ...sides, kind: 'skip', size, reason: 'same size and time' };
    const times2 = remoteTime === undefined ? 'the object has no time' : up ? `modified ${when(file.mtimeMs)}, the object has ${when(remoteTime)}` : `modified ${when(remoteTime)}, the file has ${when(file.mtimeMs)}`;
    return { ...sides, kind, change: 'update', size, reason: times2 };
  });
  await times?.flush();

  for (const action of decided) {
    if (!action) continue;
    plan.actions.push(action);
    if (action.kind === 'skip') plan.counts.unchanged++;
    else if (action.kind === 'delete') {
      plan.counts.delete++;
      plan.bytes.delete += action.size;
    } else if (action.kind === 'upload' || action.kind === 'download') {
      plan.counts[action.change]++;
      plan.bytes.send += action.size;
    }
  }

  // Empty folders: a marker object for each empty local folder (up), a local folder for each marker (down).
  const folderActions: SyncAction[] = [];
  for (const folder of [...sourceFolders].sort()) {
    const there = up ? markers.has(folder) || [...objects.keys()].some((r) => r.startsWith(`${folder}/`)) : localFolders.has(folder);
    if (!there) folderActions.push({ relative: `${folder}/`, key: `${prefix}${folder}/`, local: path.join(root, ...folder.split('/')), kind: 'folder', side: up ? 'remote' : 'local', reason: 'empty folder' });
  }
  // A marker for a folder that is gone from the source (up, --delete): removed like the files below it.
  if (up && plan.input.delete) {
    for (const folder of [...markers].sort()) {
      if (!localFolders.has(folder)) {
        folderActions.push({ relative: `${folder}/`, key: `${prefix}${folder}/`, local: path.join(root, ...folder.split('/')), kind: 'delete', side: 'remote', size: 0, reason: 'folder not in the folder' });
        plan.counts.delete++;
      }
    }
  }
  plan.counts.folders = folderActions.filter((a) => a.kind === 'folder').length;
  plan.actions.push(...folderActions);
  plan.actions.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  plan.seconds = (performance.now() - started) / 1000;
  return plan;
}

/** The object's stored time: known from an earlier sync (same ETag, size and LastModified), else read with a HEAD. */
async function objectTime(store: S3Store, times: ObjectTimes | undefined, bucket: string, key: string, entry: ListEntry, signal: AbortSignal | undefined, counted: () => void): Promise<number | undefined> {
  const known = times?.get(key, entry.etag, entry.size, entry.lastModified);
  if (known) return known.modTime ?? undefined;
  counted();
  const info = await store.headObject(bucket, key, { signal });
  const modTime = objectModTime(info.headers.metadata, info.lastModified ?? entry.lastModified);
  if (entry.etag) times?.set(key, { etag: entry.etag, size: entry.size, lastModified: entry.lastModified?.getTime(), modTime: modTime ?? null });
  return modTime;
}

/** Why the key below the prefix cannot be this local path (outside the folder, an invalid name, a second key for one file). */
function localPathProblem(root: string, relative: string, claims: LocalPathClaims, key: string, platform: NodeJS.Platform): FerryError | undefined {
  try {
    safeLocalPath(root, relative);
  } catch (error) {
    return asFerryError(error);
  }
  const names = relative.split('/').filter((name) => name !== '');
  for (const name of names) {
    const problem = localNameProblem(name, platform);
    if (problem) return new FerryError('InvalidInput', `The key cannot be a local file: "${name}": ${problem}. It is left as it is.`);
  }
  return claims.claim(key, relative);
}

async function localSide(root: string, up: boolean, signal?: AbortSignal): Promise<Awaited<ReturnType<typeof walkFolder>>> {
  const stats = await stat(root).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    // Down into a folder that does not exist yet: it is made.
    if (!up && code === 'ENOENT') return undefined;
    throw fromFsError(error, root);
  });
  if (!stats) return { files: [], emptyFolders: [], skipped: [] };
  if (!stats.isDirectory()) throw new FerryError('InvalidInput', `${root} is not a folder: a sync mirrors a folder and a prefix.`);
  const walked = await walkFolder(root, signal);
  // The root itself is the prefix, not an empty folder below it.
  return { ...walked, emptyFolders: walked.emptyFolders.filter((f) => f !== '') };
}

async function remoteSide(store: S3Store, bucket: string, prefix: string, signal?: AbortSignal): Promise<ListEntry[]> {
  const out: ListEntry[] = [];
  for await (const entry of store.listAll(bucket, prefix, { signal })) out.push(entry);
  return out;
}

type TransferAction = Extract<SyncAction, { kind: 'upload' | 'download' }>;
type FolderAction = Extract<SyncAction, { kind: 'folder' }>;
type DeleteAction = Extract<SyncAction, { kind: 'delete' }>;

/**
 * A sync being carried out: its transfers as one batch (jobs tagged with `batchId`, for the
 * command line's batch runner or the app's queue), what each finished transfer teaches of its
 * object's time (so the next sync needs no HEAD for it), and the deletions, made last and only
 * when every transfer succeeded. `close()` stops listening.
 */
export class SyncSession {
  readonly batchId = randomUUID();
  readonly transfers: TransferAction[];
  readonly folders: FolderAction[];
  readonly deletions: DeleteAction[];
  /** Creates and updates finished so far (by 'finished' events of this batch). */
  readonly finished = { created: 0, updated: 0 };
  private readonly byKey: Map<string, TransferAction>;
  private readonly learning: Promise<void>[] = [];
  private readonly stop: () => void;

  private constructor(
    private readonly engine: SyncEngine,
    readonly plan: SyncPlan,
    private readonly times: ObjectTimes | undefined,
    private readonly onAction?: (action: SyncAction, error?: ErrorInfo) => void,
  ) {
    this.transfers = plan.actions.filter((a): a is TransferAction => a.kind === 'upload' || a.kind === 'download');
    this.folders = plan.actions.filter((a): a is FolderAction => a.kind === 'folder');
    this.deletions = plan.actions.filter((a): a is DeleteAction => a.kind === 'delete');
    this.byKey = new Map(this.transfers.map((a) => [a.key, a]));
    this.stop = engine.on((event) => {
      if (event.type === 'finished' && event.transfer.batchId === this.batchId) this.transferred(event.transfer.key, event.verified);
    });
  }

  static async start(engine: SyncEngine, plan: SyncPlan, onAction?: (action: SyncAction, error?: ErrorInfo) => void): Promise<SyncSession> {
    const { input } = plan;
    const times = engine.stateDir ? await ObjectTimes.open(engine.stateDir, { server: engine.server, bucket: input.bucket, prefix: input.prefix }) : undefined;
    return new SyncSession(engine, plan, times, onAction);
  }

  /** The transfer action of a batch item (a local path for uploads, s3://bucket/key for downloads), for its failure. */
  actionFor(item: string): SyncAction | undefined {
    const bucketUrl = `s3://${this.plan.input.bucket}/`;
    if (item.startsWith(bucketUrl)) return this.byKey.get(item.slice(bucketUrl.length)) ?? this.folders.find((f) => f.key === item.slice(bucketUrl.length));
    return this.transfers.find((a) => a.local === item) ?? this.folders.find((f) => f.key === item || f.local === item);
  }

  /** The uploads as a batch: the rules and headers applied, empty folders as markers. */
  uploadPlan(): UploadPlan {
    const { input } = this.plan;
    const plan: UploadPlan = {
      bucket: input.bucket,
      sources: [input.folder],
      destination: input.prefix,
      files: this.transfers.map((a) => {
        const local = this.plan.local.get(a.relative);
        return { source: a.local, bucket: input.bucket, key: a.key, headers: { contentType: contentTypeFor(a.local) }, size: a.size, mtimeMs: local?.mtimeMs ?? 0, batchId: this.batchId };
      }),
      folderMarkers: this.folders.map((f) => f.key),
      folderPrefixes: [input.prefix],
      skipped: [],
      sync: true,
    };
    return applyRules(plan, input.rules, input.headers);
  }

  /** The downloads as a batch: each file given its object's time; the folder and its empty folders made. */
  downloadPlan(): DownloadPlan {
    const { input } = this.plan;
    return {
      bucket: input.bucket,
      keyOrPrefix: input.prefix,
      folder: input.folder,
      files: this.transfers.map((a) => {
        const remote = this.plan.remote.get(a.relative);
        return {
          bucket: input.bucket,
          key: a.key,
          target: a.local,
          root: input.folder,
          size: a.size,
          batchId: this.batchId,
          modTime: remote?.modTime,
          listed: remote?.etag === undefined ? undefined : { size: remote.size, etag: remote.etag, lastModified: remote.lastModified },
        };
      }),
      folders: [input.folder, ...this.folders.map((f) => f.local)],
      refused: [],
      sync: true,
    };
  }

  private transferred(key: string, verified: VerifyResult): void {
    const action = this.byKey.get(key);
    if (!action) return;
    this.finished[action.change === 'create' ? 'created' : 'updated']++;
    const etag = 'etag' in verified ? verified.etag : undefined;
    const times = this.times;
    if (times && etag) {
      // On the way up the object stands for the file's time; on the way down for the time the
      // download gave the file (the object's own, as the file system keeps it).
      const local = this.plan.local.get(action.relative);
      const remote = this.plan.remote.get(action.relative);
      if (this.plan.input.direction === 'up' && local) times.set(action.key, { etag, size: action.size, modTime: local.mtimeMs });
      else if (remote) {
        this.learning.push(
          stat(action.local).then(
            (s) => times.set(action.key, { etag, size: action.size, lastModified: remote.lastModified?.getTime(), modTime: s.mtimeMs }),
            () => undefined,
          ),
        );
      }
    }
    this.onAction?.(action);
  }

  /**
   * The deletions, once the transfers are over: made only if none failed (`transfersFailed` 0),
   * otherwise held (a sync that could not send everything removes nothing).
   */
  async finish(transfersFailed: number, signal?: AbortSignal): Promise<{ deleted: number; held: number; failures: { item: string; error: ErrorInfo }[] }> {
    await Promise.all(this.learning);
    const out = { deleted: 0, held: 0, failures: [] as { item: string; error: ErrorInfo }[] };
    if (signal?.aborted) throw cancelledError(signal.reason);
    if (transfersFailed > 0) out.held = this.deletions.length;
    else if (this.deletions.length > 0) await deleteAll(this.engine, this.plan, this.deletions, out, this.times, signal, this.onAction);
    await this.times?.flush();
    return out;
  }

  close(): void {
    this.stop();
  }
}

/**
 * Runs a plan: the transfers (files in flight, each resumable), then, only if every transfer
 * succeeded, the deletions. `onAction` hears each action as it is done (or fails).
 */
export async function runSync(engine: SyncEngine, plan: SyncPlan, signal?: AbortSignal, onAction?: (action: SyncAction, error?: ErrorInfo) => void): Promise<SyncResult> {
  const started = performance.now();
  const result: SyncResult = { created: 0, updated: 0, deleted: 0, unchanged: plan.counts.unchanged, folders: 0, bytes: 0, seconds: 0, failures: [], refused: plan.refused, skipped: plan.skipped, deletionsHeld: 0, alreadyDone: 0 };
  const session = await SyncSession.start(engine, plan, onAction);
  try {
    const out = plan.input.direction === 'up' ? await engine.runUploads(session.uploadPlan(), signal) : await engine.runDownloads(session.downloadPlan(), signal);
    // A download counts the folder itself; only the empty folders are the sync's.
    if (plan.input.direction === 'down') out.folders = Math.max(0, out.folders - 1);
    result.created = session.finished.created;
    result.updated = session.finished.updated;
    collect(out, result, session, onAction);
    const deletions = await session.finish(result.failures.length, signal);
    result.deleted = deletions.deleted;
    result.deletionsHeld = deletions.held;
    result.failures.push(...deletions.failures);
  } finally {
    session.close();
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

function collect(
  out: Awaited<ReturnType<SyncEngine['runUploads']>>,
  result: SyncResult,
  session: SyncSession,
  onAction: ((action: SyncAction, error?: ErrorInfo) => void) | undefined,
): void {
  result.bytes += out.bytes;
  result.folders += out.folders;
  result.alreadyDone += out.alreadyDone;
  // Files an interrupted run had finished are done without a 'finished' event.
  const missing = out.done - (result.created + result.updated);
  if (missing > 0) {
    const creates = session.transfers.filter((a) => a.change === 'create').length;
    const createdExtra = Math.min(missing, Math.max(0, creates - result.created));
    result.created += createdExtra;
    result.updated += missing - createdExtra;
  }
  for (const failure of out.failures) {
    result.failures.push(failure);
    const action = session.actionFor(failure.item);
    if (action) onAction?.(action, failure.error);
  }
  const failed = new Set(out.failures.map((f) => f.item));
  for (const folder of session.folders) if (!failed.has(folder.key) && !failed.has(folder.local)) onAction?.(folder);
}

async function deleteAll(
  engine: SyncEngine,
  plan: SyncPlan,
  deletions: Extract<SyncAction, { kind: 'delete' }>[],
  result: { deleted: number; failures: { item: string; error: ErrorInfo }[] },
  times: ObjectTimes | undefined,
  signal: AbortSignal | undefined,
  onAction: ((action: SyncAction, error?: ErrorInfo) => void) | undefined,
): Promise<void> {
  const { input } = plan;
  if (input.direction === 'up') {
    // Up to 1,000 keys a request; a refused batch fails its keys, the others go on.
    for (let i = 0; i < deletions.length; i += 1000) {
      const batch = deletions.slice(i, i + 1000);
      try {
        await engine.store.deleteObjects(input.bucket, batch.map((d) => d.key), { signal });
        for (const d of batch) {
          result.deleted++;
          times?.forget(d.key);
          onAction?.(d);
        }
      } catch (error) {
        if (signal?.aborted) throw cancelledError(signal.reason);
        const info = asFerryError(error).toInfo();
        for (const d of batch) {
          result.failures.push({ item: `s3://${input.bucket}/${d.key}`, error: info });
          onAction?.(d, info);
        }
      }
    }
    return;
  }
  await mapInFlight(deletions, engine.filesInFlight, async (d) => {
    try {
      // The path was built inside the folder; a link is removed itself, never what it points to.
      const here = safeLocalPath(input.folder, d.relative);
      const stats = await lstat(here);
      if (stats.isDirectory()) throw new FerryError('InvalidInput', `${here} is a folder now; it was left as it is.`);
      await rm(here);
      result.deleted++;
      onAction?.(d);
    } catch (error) {
      const info = (error instanceof FerryError ? error : fromFsError(error, d.local)).toInfo();
      result.failures.push({ item: d.local, error: info });
      onAction?.(d, info);
    }
  });
}

/** The text of an action as the command line prints it: the same words for a dry run and a real one. */
export function actionLine(action: SyncAction, bucket: string): string {
  const remote = `s3://${bucket}/${action.key}`;
  switch (action.kind) {
    case 'upload':
      return `upload    ${action.relative}  → ${remote}  (${action.reason})`;
    case 'download':
      return `download  ${remote}  → ${action.relative}  (${action.reason})`;
    case 'delete':
      return `delete    ${action.side === 'remote' ? remote : action.local}  (${action.reason})`;
    case 'folder':
      return `folder    ${action.side === 'remote' ? remote : action.local}  (${action.reason})`;
    case 'skip':
      return `skip      ${action.relative}  (${action.reason})`;
  }
}
