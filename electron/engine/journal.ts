// What each unfinished transfer has done, on disk, so it can resume after a crash or a restart.

import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ObjectHeaders } from '../../shared/transfer.js';

export interface UploadRecord {
  version: 1;
  kind: 'upload';
  id: string;
  /** Which server: endpoint URL or "aws:<region>", so a journal never resumes on another one. */
  server: string;
  bucket: string;
  key: string;
  source: string;
  size: number;
  mtimeMs: number;
  partSize: number;
  /**
   * Where the multipart upload stands: 'creating' is written before CreateMultipartUpload (no
   * uploadId yet), so a crash during it leaves a record that finds the upload on the next run;
   * 'aborting' when an abort could not be confirmed: the upload is still to be cleaned up.
   * Absent in records of earlier versions: 'uploading'.
   */
  phase?: UploadPhase;
  /** Absent only while 'creating'. */
  uploadId?: string;
  headers?: ObjectHeaders;
  /** Finished parts: number, ETag and the MD5 (hex) of the bytes sent. */
  parts: { n: number; etag: string; md5: string; crc32?: string }[];
  createdAt: string;
  updatedAt: string;
}

export type UploadPhase = 'creating' | 'uploading' | 'aborting';

export function uploadPhase(record: UploadRecord): UploadPhase {
  return record.phase ?? (record.uploadId ? 'uploading' : 'creating');
}

export interface DownloadRecord {
  version: 1;
  kind: 'download';
  id: string;
  server: string;
  bucket: string;
  key: string;
  target: string;
  size: number;
  etag: string;
  rangeSize: number;
  /** Indexes of the ranges already written to the temporary file. */
  ranges: number[];
  createdAt: string;
  updatedAt: string;
}

export type JournalRecord = UploadRecord | DownloadRecord;

/**
 * A multipart copy of an object onto itself (a header change above CopyObject's 5 GiB): the upload
 * and the parts copied, so an interrupted change goes on from them. Not a transfer of local bytes:
 * `list()` leaves these out.
 */
export interface CopyRecord {
  version: 1;
  kind: 'copy';
  id: string;
  server: string;
  bucket: string;
  key: string;
  /** The ETag of the object being copied: a record for another version of it is not resumed. */
  sourceEtag: string;
  size: number;
  partSize: number;
  uploadId: string;
  headers: ObjectHeaders;
  parts: { n: number; etag: string }[];
  createdAt: string;
  updatedAt: string;
}

/** The per-user folder for Ferry's state (XDG on Linux, Application Support on macOS, LOCALAPPDATA on Windows). */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FERRY_STATE_DIR) return env.FERRY_STATE_DIR;
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Ferry');
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'Ferry');
  return path.join(env.XDG_STATE_HOME ?? path.join(home, '.local', 'state'), 'ferry');
}

/** A transfer's journal id: the same for the same server, bucket, key and local path, so the next run finds it. */
export function journalId(kind: (JournalRecord | CopyRecord)['kind'], server: string, bucket: string, key: string, local: string): string {
  return `${kind}-${createHash('sha256').update(JSON.stringify([server, bucket, key, local])).digest('hex').slice(0, 32)}`;
}

/**
 * One JSON file per transfer under `<dir>/journal/`. A write goes to a temporary file that is then
 * renamed over the old one, so a crash mid-write leaves the previous version, never a torn one.
 * No fsync per write: resume reconciles with the server (ListParts) and re-checks the bytes.
 */
// How long a listing of the journal folder answers "is there a record for this transfer?": a batch
// of many small files asks once per file, and a failed open per file costs more than the transfer's
// own file-system work. Records written by other processes are seen within this time.
const NAMES_FRESH_MS = 2_000;

export class Journal {
  readonly dir: string;
  private names: { at: number; list: Promise<Set<string>> } | undefined;
  /** Records this journal wrote that its last listing may not show. */
  private readonly written = new Set<string>();

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'journal');
  }

  /** Whether a record of this id may exist: false only when the folder's listing (or this process) says it does not. */
  private async mayExist(id: string): Promise<boolean> {
    const name = `${id}.json`;
    if (this.written.has(name)) return true;
    const now = Date.now();
    if (!this.names || now - this.names.at > NAMES_FRESH_MS) {
      this.names = {
        at: now,
        list: readdir(this.dir).then(
          (names) => {
            const listed = new Set(names);
            for (const own of this.written) if (listed.has(own)) this.written.delete(own);
            return listed;
          },
          () => new Set<string>(),
        ),
      };
    }
    return (await this.names.list).has(name);
  }

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  async write(record: JournalRecord | CopyRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = path.join(this.dir, `.${record.id}.${randomBytes(4).toString('hex')}.tmp`);
    await writeFile(temp, JSON.stringify(record));
    await rename(temp, this.file(record.id));
    this.written.add(`${record.id}.json`);
  }

  async remove(id: string): Promise<void> {
    await rm(this.file(id), { force: true });
    this.written.delete(`${id}.json`);
  }

  /** Every readable transfer record (uploads and downloads); unreadable files (another version's, or damaged) are passed over. */
  async list(): Promise<JournalRecord[]> {
    return (await this.readAll()).filter((r): r is JournalRecord => r.kind === 'upload' || r.kind === 'download');
  }

  /** The records of multipart copies (copies in parts, header changes above CopyObject's limit) kept to resume. */
  async listCopies(): Promise<CopyRecord[]> {
    return (await this.readAll()).filter((r): r is CopyRecord => r.kind === 'copy');
  }

  private async readAll(): Promise<(JournalRecord | CopyRecord)[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const records: (JournalRecord | CopyRecord)[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      try {
        const record = JSON.parse(await readFile(path.join(this.dir, name), 'utf8')) as JournalRecord | CopyRecord;
        if (record.version === 1) records.push(record);
      } catch {
        // A file from a newer Ferry, or damaged by hand: not ours to resume.
      }
    }
    return records;
  }

  private async read(id: string): Promise<JournalRecord | CopyRecord | undefined> {
    if (!(await this.mayExist(id))) return undefined;
    try {
      const record = JSON.parse(await readFile(this.file(id), 'utf8')) as JournalRecord | CopyRecord;
      return record.version === 1 ? record : undefined;
    } catch {
      return undefined; // none, or unreadable: nothing to resume
    }
  }

  /** The journal of this upload, found with one read (its file is named by what it transfers). */
  async findUpload(server: string, bucket: string, key: string, source: string): Promise<UploadRecord | undefined> {
    const record = await this.read(journalId('upload', server, bucket, key, source));
    return record?.kind === 'upload' && record.source === source && record.key === key ? record : undefined;
  }

  /** The record of an interrupted multipart copy of this version (ETag) of the object. */
  async findCopy(server: string, bucket: string, key: string, sourceEtag: string): Promise<CopyRecord | undefined> {
    const record = await this.read(journalId('copy', server, bucket, key, sourceEtag));
    return record?.kind === 'copy' && record.key === key && record.sourceEtag === sourceEtag ? record : undefined;
  }

  async findDownload(server: string, bucket: string, key: string, target: string): Promise<DownloadRecord | undefined> {
    const record = await this.read(journalId('download', server, bucket, key, target));
    return record?.kind === 'download' && record.target === target && record.key === key ? record : undefined;
  }
}

/**
 * Keeps one record on disk as it changes: at most one write in flight, and the newest state
 * written next, so a burst of finished parts costs a couple of writes, not one each.
 */
export class JournalWriter<R extends JournalRecord | CopyRecord> {
  private readonly journal: Journal;
  readonly record: R;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private failure: unknown;

  constructor(journal: Journal, record: R) {
    this.journal = journal;
    this.record = record;
  }

  update(change: (record: R) => void): void {
    change(this.record);
    this.record.updatedAt = new Date().toISOString();
    this.dirty = true;
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await this.journal.write(this.record);
      }
    } catch (error) {
      this.failure ??= error;
    } finally {
      this.writing = undefined;
    }
  }

  /** Waits until the latest state is on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.dirty) await this.drain();
    if (this.failure) throw this.failure;
  }

  async remove(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.journal.remove(this.record.id);
  }
}

/** One finished file of a batch (a folder upload or a prefix download). */
export interface BatchEntry {
  /** The local path (upload) or the key (download). */
  id: string;
  key: string;
  size: number;
  mtimeMs?: number;
  etag?: string;
}

/**
 * An append-only file of JSON lines, written in the background: lines added while one append runs
 * go out together in the next. Losing it costs work, never a wrong answer, so a failed append is
 * dropped. Used by the batch logs and by what a sync learns of objects' times (objectTimes.ts).
 */
export class LineLog {
  private pending: string[] = [];
  private appending: Promise<void> | undefined;

  constructor(readonly file: string) {}

  /** Every line of the file that parses as JSON (the last one of a crashed run may be torn). */
  static async read(file: string): Promise<unknown[]> {
    const text = await readFile(file, 'utf8').catch(() => '');
    const out: unknown[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        // torn
      }
    }
    return out;
  }

  /** Settles once the line is on disk (or its append failed). */
  add(value: unknown): Promise<void> {
    this.pending.push(`${JSON.stringify(value)}\n`);
    this.appending ??= this.drain();
    return this.appending;
  }

  /** Settles once everything added is on disk. */
  async flush(): Promise<void> {
    while (this.appending) await this.appending;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const text = this.pending.join('');
        this.pending = [];
        await appendFile(this.file, text);
      }
    } catch {
      this.pending = [];
    } finally {
      this.appending = undefined;
    }
  }
}

/**
 * The files a batch has finished, so running the same folder upload or prefix download again
 * skips them. Append-only (one JSON line per file): a million files cost a million short appends,
 * not a million rewrites; a line torn by a crash is ignored, and that file is simply sent again.
 */
export class BatchLog {
  private readonly log: LineLog;
  private readonly entries: Map<string, BatchEntry>;

  private constructor(file: string, entries: Map<string, BatchEntry>) {
    this.log = new LineLog(file);
    this.entries = entries;
  }

  /** The log of the batch with this identity (what was asked: server, bucket, paths, prefix). */
  static async open(journal: Journal, identity: unknown): Promise<BatchLog> {
    const name = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
    const file = path.join(journal.dir, `batch-${name}.log`);
    const entries = new Map<string, BatchEntry>();
    for (const entry of (await LineLog.read(file)) as BatchEntry[]) if (typeof entry?.id === 'string') entries.set(entry.id, entry);
    await mkdir(journal.dir, { recursive: true });
    return new BatchLog(file, entries);
  }

  /** The ids of every entry (a relay batch's finished keys). */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  get(id: string): BatchEntry | undefined {
    return this.entries.get(id);
  }

  /** Settles once the entry is on disk. Without the log, a rerun sends these files again: slower, never wrong. */
  add(entry: BatchEntry): Promise<void> {
    this.entries.set(entry.id, entry);
    return this.log.add(entry);
  }

  /** Settles once every entry added is on disk (a paused run's, before the next run reads them). */
  flush(): Promise<void> {
    return this.log.flush();
  }

  async remove(): Promise<void> {
    await this.log.flush();
    await rm(this.log.file, { force: true });
  }
}
