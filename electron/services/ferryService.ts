// The API both transports serve (Electron IPC and the browser-hosted mode's WebSocket): validates
// each request against shared/api.ts, then browses buckets through the engine, runs transfers
// and copies through the queue (queueService.ts), keeps publishing rules (publishRules.ts), changes headers
// in place (headerChanges.ts) and compares syncs before the queue runs them (syncPlans.ts). Plain
// Node: nothing here knows about windows or sockets.

import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { calls, type Account, type AppEvent, type AppInfo, type CallName, type CallRequest, type CallResponse, type CallResult, type ChunkResult, type ListingServed, type ObjectDetails, type ObjectRow, type PublishPreview } from '../../shared/api.js';
import type { ChunkHeader } from '../../shared/queue.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { ListingCache, MAX_CACHED_ENTRIES, asSentence, primaryDown, primaryKey, replicaKey, type CachedListing } from '../engine/failover.js';
import type { ListEntry } from '../engine/s3/listOutput.js';
import { ReplicaSettings } from './replicas.js';
import { planUploads } from '../engine/batchPlan.js';
import { FerryError, asFerryError } from '../engine/errors.js';
import { TransferEngine } from '../engine/engine.js';
import { Journal } from '../engine/journal.js';
import { compileRules } from '../engine/publishRules.js';
import type { TransferSettings } from '../engine/settings.js';
import { AccountService } from './accounts.js';
import { browserUploadPlan } from './browserUploadPlan.js';
import { HeaderChangeJobs, headersToSet } from './headerChanges.js';
import { publishPreview } from './publishPreview.js';
import { PublishRulesFile } from './publishRules.js';
import { QueueService } from './queueService.js';
import type { SecretStore } from './secretStore.js';
import { SyncPlans } from './syncPlans.js';

export interface FerryServiceOptions {
  version: string;
  mode: AppInfo['mode'];
  configDir: string;
  /** Where the engine keeps journals of unfinished transfers, for resume. */
  stateDir: string;
  /** Downloads land here and nowhere else (below it, by the objects' names). */
  downloadFolder: string;
  secrets: SecretStore;
  env?: NodeJS.ProcessEnv;
  settings?: Partial<TransferSettings>;
  /** How long a queue row that met an outage waits before it starts again (default 30 s). */
  outageRetryMs?: number;
  /** Electron only: the native folder dialog, titled as asked. */
  chooseFolder?: (title: string) => Promise<string | null>;
}

/** A listing entry as the UI gets it. */
function objectRow(o: ListEntry): ObjectRow {
  return { key: o.key, size: o.size, etag: o.etag, lastModified: o.lastModified?.toISOString(), storageClass: o.storageClass };
}

type Handlers = { [N in CallName]: (request: CallRequest<N>) => Promise<CallResponse<N>> };

/** Aborts the operation under `id`; false when there is none (finished already, or never was). */
function abortIn(running: Map<string, AbortController>, id: string): boolean {
  const controller = running.get(id);
  controller?.abort();
  return controller !== undefined;
}

/** Where a path really is: its nearest existing folder with links resolved, and the rest (to be made) after it. */
async function realLocation(folder: string): Promise<string> {
  const rest: string[] = [];
  let at = folder;
  for (;;) {
    const real = await realpath(at).catch(() => undefined);
    if (real !== undefined) return path.join(real, ...rest.reverse());
    const parent = path.dirname(at);
    if (parent === at) return folder;
    rest.push(path.basename(at));
    at = parent;
  }
}

/** Whether `folder` is `root` or below it (both resolved). */
function inside(root: string, folder: string): boolean {
  const relative = path.relative(root, folder);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export class FerryService {
  readonly accounts: AccountService;
  private readonly rules: PublishRulesFile;
  private readonly replicas: ReplicaSettings;
  private readonly listingCache: ListingCache;
  private readonly headerChanges: HeaderChangeJobs;
  private readonly syncPlans = new SyncPlans();
  /** Folders a person chose in the folder dialog for a sync (Electron): allowed besides the download folder. */
  private readonly chosenFolders = new Set<string>();
  private readonly engines = new Map<string, Promise<TransferEngine>>();
  private readonly listings = new Map<string, AbortController>();
  private readonly listeners = new Set<(event: AppEvent) => void>();
  private downloadFolder: string;
  private readonly handlers: Handlers;
  /** The transfer queue, opened from disk (its interrupted rows found) once at start. */
  readonly queue: Promise<QueueService>;

  constructor(private readonly options: FerryServiceOptions) {
    this.accounts = new AccountService(options.configDir, options.secrets, options.env);
    this.downloadFolder = options.downloadFolder;
    this.rules = new PublishRulesFile(options.configDir);
    this.replicas = new ReplicaSettings(options.configDir);
    this.listingCache = new ListingCache(options.stateDir);
    this.headerChanges = new HeaderChangeJobs((event) => this.emit(event));
    const journal = new Journal(options.stateDir);
    this.queue = QueueService.open({
      stateDir: options.stateDir,
      configDir: options.configDir,
      journal,
      engineFor: (accountId) => this.engine(accountId),
      accountForServer: async (server) => {
        for (const account of await this.accounts.list()) {
          const endpoint = AccountService.endpointOf(account);
          if ((endpoint.endpoint ?? `aws:${endpoint.region}`) === server) return account.id;
        }
        return undefined;
      },
      emit: (event) => this.emit(event),
      outageRetryMs: options.outageRetryMs,
      rulesFor: (accountId, bucket) => this.rules.ruleSet(accountId, bucket),
      relayFor: (accountId) => this.accounts.relayUrl(accountId),
      replicaFor: (accountId, bucket) => this.replicas.get(accountId, bucket),
    });
    // A queue that cannot open fails each call that needs it with its reason; nothing else waits on it.
    this.queue.catch(() => undefined);
    this.handlers = {
      'app.info': async () => ({ version: options.version, mode: options.mode, keychain: await options.secrets.status(), downloadFolder: this.downloadFolder }),
      'app.chooseDownloadFolder': async () => {
        if (!options.chooseFolder) throw new FerryError('InvalidInput', 'In the browser-hosted mode, downloads go to the folder the host was started with.');
        const folder = await options.chooseFolder('Download to');
        if (folder !== null) this.downloadFolder = folder;
        return { folder };
      },
      'accounts.list': () => this.accounts.list(),
      'accounts.save': async (r) => {
        const saved = await this.accounts.save(r);
        this.forgetEngine(saved.id);
        return saved;
      },
      'accounts.remove': async (r) => {
        this.forgetEngine(r.accountId);
        const removed = await this.accounts.remove(r.accountId);
        await this.rules.removeAccount(r.accountId);
        await this.replicas.removeAccount(r.accountId);
        return { removed };
      },
      'replica.get': async (r) => ({ replica: (await this.replicas.get(r.accountId, r.bucket)) ?? null }),
      'replica.set': async (r) => {
        await this.accounts.get(r.accountId);
        if (r.replica) {
          await this.accounts.get(r.replica.replicaAccountId);
          if (r.replica.replicaAccountId === r.accountId && r.replica.replicaBucket === r.bucket) throw new FerryError('InvalidInput', 'A bucket cannot be its own replica: name another bucket, or another account’s.');
        }
        await this.replicas.set(r.accountId, r.bucket, r.replica);
        return { replica: r.replica };
      },
      'accounts.test': (r) => this.accounts.test('accountId' in r ? { accountId: r.accountId } : r),
      'accounts.importAwsProfiles': async () => ({ added: await this.accounts.importAwsProfiles() }),
      'browse.buckets': async (r) => {
        const buckets = await (await this.engine(r.accountId)).listBuckets();
        return buckets.map((b) => ({ name: b.name, created: b.created?.toISOString() }));
      },
      'browse.list': async (r) => {
        const engine = await this.engine(r.accountId);
        this.startListing(engine, r.accountId, r.listingId, r.bucket, r.prefix);
        return { listingId: r.listingId };
      },
      'browse.cancelListing': (r) => Promise.resolve({ cancelled: abortIn(this.listings, r.listingId) }),
      'browse.info': async (r) => this.info(r.accountId, r.bucket, r.key),
      'browse.delete': async (r) => ({ deleted: await (await this.engine(r.accountId)).deleteObjects(r.bucket, r.keys, r.prefixes) }),
      'browse.createFolder': async (r) => {
        await (await this.engine(r.accountId)).newFolder(r.bucket, r.prefix);
        return { created: r.prefix };
      },
      'browse.shareUrl': async (r) => {
        const url = await (await this.engine(r.accountId)).presignGet(r.bucket, r.key, r.expiresSeconds);
        return { url, expires: new Date(Date.now() + r.expiresSeconds * 1000).toISOString() };
      },
      'transfers.download': async (r) => (await this.queue).download(r.accountId, r.bucket, r.keys, r.prefixes, this.downloadFolder),
      'transfers.cancel': async (r) => ({ cancelled: await (await this.queue).cancelBatch(r.batchId) }),
      'transfers.upload': async (r) => {
        await this.accounts.get(r.accountId);
        return (await this.queue).upload(r.accountId, r.bucket, r.prefix, r.paths);
      },
      'transfers.uploadFromBrowser': async (r) => (await this.queue).uploadFromBrowser(r.accountId, r.bucket, r.prefix, r.files, r.emptyFolders),
      'transfers.streamFailed': async (r) => ({ failed: (await this.queue).browserUploads.senderFailed(r.streamId, r.message) }),
      'transfers.answerConflict': async (r) => ({ answered: (await this.queue).answerConflict(r.conflictId, { action: r.action, applyToAll: r.applyToAll }) }),
      'publish.rules': (r) => this.rules.info(r.accountId, r.bucket),
      'publish.saveRules': async (r) => {
        await this.accounts.get(r.accountId);
        return { rules: await this.rules.save(r.accountId, r.bucket, r.rules) };
      },
      'publish.preview': (r) => this.preview(r),
      'objects.changeHeaders': async (r) => {
        const rules = r.rules ? await this.rules.ruleSet(r.accountId, r.bucket) : undefined;
        if (r.rules && !rules) throw new FerryError('InvalidInput', `No publishing rules are kept for ${r.bucket}: add them in Publishing rules… first.`);
        const edit = { set: headersToSet(r.set), remove: r.remove, rules, rulesBase: r.rulesBase };
        return this.headerChanges.start(await this.engine(r.accountId), { bucket: r.bucket, keys: r.keys, prefixes: r.prefixes, edit, ifEtag: r.ifEtag });
      },
      'objects.cancelHeaderChange': (r) => Promise.resolve({ cancelled: this.headerChanges.cancel(r.jobId) }),
      'objects.copy': async (r) => {
        const targetAccount = (await this.accounts.list()).find((a) => a.id === r.target.accountId);
        if (!targetAccount) throw new FerryError('NoSuchAccount', 'The target account no longer exists.');
        const input = { sourceBucket: r.bucket, keys: r.keys, prefixes: r.prefixes, base: r.base, targetBucket: r.target.bucket, targetPrefix: r.target.prefix, ifExists: r.ifExists, move: r.move };
        return (await this.queue).copy(r.accountId, { accountId: targetAccount.id, name: targetAccount.name }, input);
      },
      'sync.plan': async (r) => {
        await this.accounts.get(r.accountId);
        const folder = await this.syncFolder(r.folder);
        // Uploads get the bucket's kept rules, as every upload from the app does.
        const rules = r.direction === 'up' ? await this.rules.ruleSet(r.accountId, r.bucket) : undefined;
        const input = { direction: r.direction, folder, bucket: r.bucket, prefix: r.prefix, compare: r.compare, delete: r.delete, exclude: r.exclude, rules };
        return this.syncPlans.compare(await this.engine(r.accountId), r.accountId, r.planId, input);
      },
      'sync.start': async (r) => {
        const { accountId, plan } = this.syncPlans.take(r.planId);
        return (await this.queue).sync(accountId, plan);
      },
      'sync.discard': (r) => Promise.resolve({ discarded: this.syncPlans.discard(r.planId) }),
      'sync.chooseFolder': async () => {
        if (!options.chooseFolder) throw new FerryError('InvalidInput', `In the browser-hosted mode, a sync's folder is inside ${this.downloadFolder}, the folder the host was started with: give its name.`);
        const folder = await options.chooseFolder('Synchronize with');
        if (folder !== null) this.chosenFolders.add(path.resolve(folder));
        return { folder };
      },
      'queue.list': async () => (await this.queue).snapshot(),
      'queue.pause': async (r) => ({ changed: (await this.queue).pause(r.ids) }),
      'queue.resume': async (r) => ({ changed: (await this.queue).resume(r.ids) }),
      'queue.cancel': async (r) => ({ changed: await (await this.queue).cancel(r.ids) }),
      'queue.retry': async (r) => ({ changed: (await this.queue).retry(r.ids) }),
      'queue.moveToTop': async (r) => ({ changed: (await this.queue).moveToTop(r.ids) }),
      'queue.clearFinished': async () => ({ removed: (await this.queue).clearFinished() }),
      'settings.get': async () => (await this.queue).settings(),
      'settings.set': async (r) => (await this.queue).updateSettings(r, this.engines.values()),
    };
  }

  onEvent(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: AppEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Validates an untrusted request, runs it, and never throws: errors come back as ErrorInfo. */
  async call(name: unknown, request: unknown): Promise<CallResult<CallName>> {
    if (typeof name !== 'string' || !Object.hasOwn(calls, name)) {
      return { ok: false, error: { code: 'InvalidInput', message: `Unknown call: ${String(name).slice(0, 100)}` } };
    }
    const call = name as CallName;
    const parsed = calls[call].safeParse(request ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return { ok: false, error: { code: 'InvalidInput', message: `${field}${issue?.message ?? 'invalid request'}` } };
    }
    try {
      const handler = this.handlers[call] as (r: unknown) => Promise<CallResponse<CallName>>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      return { ok: false, error: asFerryError(error).toInfo() };
    }
  }

  /** One chunk of a browser's dropped file (the browser-hosted mode's binary frames). */
  async receiveChunk(header: ChunkHeader, bytes: Buffer): Promise<ChunkResult> {
    try {
      return await (await this.queue).receiveChunk(header, bytes);
    } catch (error) {
      return { ok: false, error: asFerryError(error).toInfo() };
    }
  }

  /** Stops listings, pauses running transfers (their journals resume them on the next start), closes connections. */
  async close(): Promise<void> {
    for (const c of this.listings.values()) c.abort();
    this.headerChanges.close();
    this.syncPlans.close();
    await this.queue.then((q) => q.close(), () => undefined);
    for (const engine of this.engines.values()) void engine.then((e) => e.close(), () => undefined);
    this.engines.clear();
  }

  private forgetEngine(accountId: string): void {
    const engine = this.engines.get(accountId);
    this.engines.delete(accountId);
    void engine?.then((e) => e.close(), () => undefined);
  }

  /** One engine (and so one connection pool) per account, made on first use. */
  private engine(accountId: string): Promise<TransferEngine> {
    let engine = this.engines.get(accountId);
    if (!engine) {
      engine = (async () => {
        const account: Account = await this.accounts.get(accountId);
        const queue = await this.queue;
        const { partsInFlight, filesInFlight, bandwidthLimit } = queue.settings();
        const created = new TransferEngine({
          endpoint: AccountService.endpointOf(account),
          credentials: await this.accounts.credentialsOf(account),
          settings: { partsInFlight, filesInFlight, bandwidthLimit, ...this.options.settings },
          journal: new Journal(this.options.stateDir),
          // The app's event loop is the window's: every listing page is parsed on the worker.
          listWorker: 'all',
        });
        created.on((event) => {
          queue.onTransferEvent(event);
          this.emit(event);
        });
        return created;
      })();
      this.engines.set(accountId, engine);
      engine.catch(() => this.engines.delete(accountId));
    }
    return engine;
  }

  /**
   * A sync's local folder: a name or path inside the download folder (where the app writes), or
   * one the person chose in the folder dialog. A sync may write and delete there, so no other.
   */
  private async syncFolder(folder: string): Promise<string> {
    const resolved = path.resolve(this.downloadFolder, folder);
    // Judged where it really is: a link inside the download folder to a folder elsewhere is elsewhere.
    const [real, ...roots] = await Promise.all([resolved, this.downloadFolder, ...this.chosenFolders].map(realLocation));
    if (real !== undefined && roots.some((root) => inside(root, real))) return resolved;
    const how = this.options.chooseFolder ? 'choose it with Choose… to synchronize with it' : 'name a folder inside it (the host’s --downloads)';
    throw new FerryError('PathOutsideTarget', `${resolved} is outside ${this.downloadFolder}, the folder Ferry writes in: ${how}.`);
  }

  /**
   * Pages go out as events as they arrive, so the first rows show before the last page is fetched.
   * When the bucket's endpoint cannot be reached: its replica's listing (keys as the bucket names
   * them), else the level as last listed (kept in the listing cache), said so on the last event.
   */
  private startListing(engine: TransferEngine, accountId: string, listingId: string, bucket: string, prefix: string): void {
    this.listings.get(listingId)?.abort();
    const controller = new AbortController();
    this.listings.set(listingId, controller);
    const { signal } = controller;
    let sent = false;
    const list = async (from: TransferEngine, listBucket: string, listPrefix: string, name: (key: string) => string) => {
      const seen: CachedListing = { at: Date.now(), prefixes: [], objects: [] };
      // Key ranges listed side by side (settings.listsInFlight), pages handed on in key order.
      for await (const page of from.listPages({ bucket: listBucket, prefix: listPrefix, delimiter: '/' }, signal)) {
        const entries = page.objects.map((o) => ({ ...o, key: name(o.key) }));
        const prefixes = page.prefixes.map(name);
        // Everything S3 lists, the folder's own marker object included: the UI decides what to show.
        if (signal.aborted) return;
        this.emit({ type: 'listing', listingId, objects: entries.map(objectRow), prefixes, done: false });
        sent = true;
        if (seen.objects.length + seen.prefixes.length <= MAX_CACHED_ENTRIES) {
          seen.objects.push(...entries);
          seen.prefixes.push(...prefixes);
        }
      }
      await this.listingCache.save(engine.server, bucket, prefix, seen);
    };
    const done = (extra: { error?: ErrorInfo; served?: ListingServed } = {}) => {
      if (!signal.aborted) this.emit({ type: 'listing', listingId, objects: [], prefixes: [], done: true, ...extra });
    };
    void (async () => {
      try {
        await list(engine, bucket, prefix, (key) => key);
        return done();
      } catch (error) {
        if (signal.aborted) return;
        if (sent || !primaryDown(error)) return done({ error: asFerryError(error).toInfo() });
        const because = asSentence(asFerryError(error).message);
        const replica = await this.replicas.get(accountId, bucket).catch(() => undefined);
        const fromCache = async (also?: string) => {
          const cached = await this.listingCache.load(engine.server, bucket, prefix);
          if (!cached) return done({ error: asFerryError(error).toInfo() });
          this.emit({ type: 'listing', listingId, objects: cached.objects.map(objectRow), prefixes: cached.prefixes, done: false });
          done({ served: { by: 'cache', at: cached.at, because: also ? `${because} ${also}` : because } });
        };
        if (!replica) return fromCache();
        const location = `s3://${replica.replicaBucket}/${replica.prefix}${prefix}`;
        try {
          const place = { bucket: replica.replicaBucket, prefix: replica.prefix };
          await list(await this.engine(replica.replicaAccountId), replica.replicaBucket, replicaKey(place, prefix), (key) => primaryKey(place, key));
          done({ served: { by: 'replica', location, because } });
        } catch (replicaError) {
          if (signal.aborted) return;
          if (sent || !primaryDown(replicaError)) return done({ error: asFerryError(replicaError).toInfo() });
          await fromCache(`The replica ${location} cannot be reached either: ${asSentence(asFerryError(replicaError).message)}`);
        }
      } finally {
        this.listings.delete(listingId);
      }
    })();
  }

  private async info(accountId: string, bucket: string, key: string): Promise<ObjectDetails> {
    const info = await (await this.engine(accountId)).headObject(bucket, key);
    return {
      ...info.headers,
      bucket,
      key,
      size: info.size,
      etag: info.etag,
      lastModified: info.lastModified?.toISOString(),
      storageClass: info.storageClass,
      metadata: info.headers.metadata ?? {},
      serverSideEncryption: info.serverSideEncryption,
      websiteRedirectLocation: info.websiteRedirectLocation,
    };
  }

  /** Publish…'s table: the kept rules (or a draft) over the files an upload of the paths or the browser's files would send. */
  private async preview(r: CallRequest<'publish.preview'>): Promise<PublishPreview> {
    if ((r.paths === undefined) === (r.files === undefined)) throw new FerryError('InvalidInput', 'A preview is of local paths or of a browser\'s files, one of the two.');
    const rules = r.rules ? compileRules(r.rules) : await this.rules.ruleSet(r.accountId, r.bucket);
    const files = r.files ?? [];
    // Files only read for their names and sizes here: their relative path stands for the source.
    const plan = r.paths ? await planUploads(r.paths, r.bucket, r.prefix) : browserUploadPlan(r.bucket, r.prefix, files, r.emptyFolders ?? [], (index) => files[index]?.path ?? '');
    return publishPreview(plan, rules);
  }
}
