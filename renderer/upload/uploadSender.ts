// Hands an upload to the host. Electron: the local paths of what was dropped or chosen, and the main
// process reads the files itself. Browser-hosted mode: the page announces the files, then streams
// each one's bytes in chunks, a few unanswered at a time, so memory stays at a few megabytes
// whatever the files' size. How far the host got is shown by the queue, not here.
// No DOM beyond File: the sender runs, and is tested, against any FerryBridge.
import type { ChunkResult, FerryBridge } from '../../shared/api.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { MAX_CHUNK_BYTES } from '../../shared/queue.js';
import { reportError } from '../stores/uiStore.js';
import { relativePathOf, type PickedFile, type PickedItems } from './dropEntries.js';

/** Where an upload goes. */
export interface UploadPlace {
  accountId: string;
  bucket: string;
  /** The prefix dropped onto, or open when Upload… was chosen. */
  prefix: string;
}

// Unanswered chunks per file: enough to keep the socket busy while the host writes the previous
// ones to disk. Files sending at once: a second file hides the pause at the end of each file.
// At most CHUNKS_IN_FLIGHT × FILES_IN_FLIGHT × MAX_CHUNK_BYTES (8 MiB) of chunks in memory.
export const CHUNKS_IN_FLIGHT = 4;
export const FILES_IN_FLIGHT = 2;

// ---- Electron -------------------------------------------------------------------------------------

/**
 * The local paths of chosen Files, one per top-level item. A File from a `webkitdirectory` input is
 * inside the chosen folder: the folder's own path stands for all of them (the main process walks it).
 * Files not from disk ('' from pathForFile) are left out.
 */
export function localPaths(files: readonly File[], pathForFile: (file: File) => string): string[] {
  const paths = new Set<string>();
  for (const file of files) {
    const path = pathForFile(file);
    if (path === '') continue;
    const relative = relativePathOf(file);
    paths.add(relative ? folderOf(path, relative) : path);
  }
  return [...paths];
}

/** "/home/u/photos/2024/a.jpg" with relative path "photos/2024/a.jpg" → "/home/u/photos" (any separator). */
function folderOf(path: string, relativePath: string): string {
  let end = path.length;
  const below = relativePath.split('/').length - 1;
  for (let i = 0; i < below; i++) end = Math.max(path.lastIndexOf('/', end - 1), path.lastIndexOf('\\', end - 1));
  return end > 0 ? path.slice(0, end) : path;
}

/** Electron: uploads the files and folders at their paths. Answers with the batch once the host has it (null: refused, and reported). */
export async function uploadLocalFiles(bridge: FerryBridge, place: UploadPlace, files: readonly File[]): Promise<string | null> {
  const pathForFile = bridge.pathForFile?.bind(bridge);
  const paths = pathForFile ? localPaths(files, pathForFile) : [];
  if (paths.length === 0) {
    reportError({ code: 'LocalNotFound', message: 'Nothing to upload: Ferry uploads files and folders from this computer’s disks.' });
    return null;
  }
  const result = await bridge.call('transfers.upload', { ...place, paths });
  if (!result.ok) reportError(result.error);
  return result.ok ? result.value.batchId : null;
}

// ---- browser-hosted mode --------------------------------------------------------------------------

// Sends whose bytes are still leaving this page: a reload or a closed tab would cut their files
// short, so the page asks first while there are any (pageLeaveGuard.ts listens).
const sending = new Set<object>();
const sendingListeners = new Set<(sending: boolean) => void>();

function markSending(): () => void {
  const mark = {};
  sending.add(mark);
  if (sending.size === 1) for (const listener of sendingListeners) listener(true);
  return () => {
    sending.delete(mark);
    if (sending.size === 0) for (const listener of sendingListeners) listener(false);
  };
}

/** Whether some upload's bytes are still being sent from this page. */
export function isSending(): boolean {
  return sending.size > 0;
}

/** Hears when sending starts (true) and when the last send ends (false). Returns the unsubscribe. */
export function onSendingChange(listener: (sending: boolean) => void): () => void {
  sendingListeners.add(listener);
  return () => sendingListeners.delete(listener);
}

export interface SendOptions {
  /** Stops every file, and cancels the batch on the host. */
  signal?: AbortSignal;
  /** The host made the batch (before any byte goes). */
  onStarted?: (batchId: string) => void;
}

/** What the host is told of the files before their bytes: relative paths, sizes, and the empty folders. */
export function announced(picked: Pick<PickedItems, 'files' | 'emptyFolders'>): { files: { path: string; size: number; lastModified: number }[]; emptyFolders: string[] } {
  return { files: picked.files.map(({ file, path }) => ({ path, size: file.size, lastModified: file.lastModified })), emptyFolders: picked.emptyFolders };
}

/**
 * Browser-hosted mode: announces the files, then sends each file the host asks for (the rest it
 * skipped as existing) in chunks. Resolves when every file is sent, stopped or refused; errors go
 * to the toasts. An abort stops every file and cancels the batch on the host.
 */
export async function sendFromBrowser(bridge: FerryBridge, place: UploadPlace, picked: Pick<PickedItems, 'files' | 'emptyFolders'>, { signal, onStarted }: SendOptions = {}): Promise<void> {
  const sendChunk = bridge.sendChunk?.bind(bridge);
  if (!sendChunk) {
    reportError({ code: 'NotImplemented', message: 'This window cannot send files to the host.' });
    return;
  }
  const done = markSending();
  try {
    const started = await bridge.call('transfers.uploadFromBrowser', { ...place, ...announced(picked) });
    if (!started.ok) {
      reportError(started.error);
      return;
    }
    const { batchId, streams } = started.value;
    onStarted?.(batchId);
    // The host answers with a stream for each file it wants (by index into `files`), not those skipped.
    const waiting = streams.flatMap(({ index, streamId }) => {
      const file = picked.files[index];
      return file ? [{ file, streamId }] : [];
    });
    const stop = signal ?? new AbortController().signal;
    const stopped = whenAborted(stop);
    const sendNext = async () => {
      for (let next = waiting.shift(); next && !stop.aborted; next = waiting.shift()) {
        const error = await sendFile(sendChunk, next.file, next.streamId, stop, stopped);
        // Cancelled: the user cancelled the file's row, which they know.
        if (error && error.code !== 'Cancelled') reportError(error);
        // A file this page could not read: the host's row would wait for bytes that never come, so it fails now, with the reason.
        if (error && READ_FAILURES.has(error.code)) await bridge.call('transfers.streamFailed', { streamId: next.streamId, message: error.message });
      }
    };
    await Promise.all(Array.from({ length: FILES_IN_FLIGHT }, sendNext));
    if (stop.aborted) {
      const cancelled = await bridge.call('transfers.cancel', { batchId });
      if (!cancelled.ok) reportError(cancelled.error);
    }
  } finally {
    done();
  }
}

/** Resolves when the signal fires; never rejects. One per send, not per file: a listener stays until the signal fires. */
function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** One file as chunks: returns why it stopped, or null once the host has all of it. `aborted` resolves when `signal` fires. */
async function sendFile(sendChunk: NonNullable<FerryBridge['sendChunk']>, { file, path }: PickedFile, streamId: string, signal: AbortSignal, aborted: Promise<void>): Promise<ErrorInfo | null> {
  // A zero-byte file is one empty last chunk.
  const count = Math.max(1, Math.ceil(file.size / MAX_CHUNK_BYTES));
  const unanswered = new Set<Promise<void>>();
  let failure: ErrorInfo | null = null;
  for (let index = 0; index < count && failure === null && !signal.aborted; index++) {
    const offset = index * MAX_CHUNK_BYTES;
    let bytes: ArrayBuffer;
    try {
      // The next chunk is read while earlier ones are in flight; never the whole file.
      bytes = await file.slice(offset, Math.min(file.size, offset + MAX_CHUNK_BYTES)).arrayBuffer();
    } catch (error) {
      failure = unreadable(path, error);
      break;
    }
    while (unanswered.size >= CHUNKS_IN_FLIGHT && !signal.aborted) await Promise.race([...unanswered, aborted]);
    if (failure !== null || signal.aborted) break;
    const answered: Promise<void> = sendChunk({ streamId, offset, last: index === count - 1 }, bytes)
      .catch((error: unknown): ChunkResult => ({ ok: false, error: { code: 'Unknown', message: error instanceof Error ? error.message : String(error) } }))
      .then((result) => {
        unanswered.delete(answered);
        if (!result.ok) failure ??= result.error;
      });
    unanswered.add(answered);
  }
  // Aborted: the host hears of it from the batch's cancel; the answers still on their way do not matter.
  await Promise.race([Promise.all(unanswered), aborted]);
  if (failure !== null) return failure;
  return signal.aborted ? { code: 'Cancelled', message: 'The upload was stopped.' } : null;
}

// The codes unreadable() gives.
const READ_FAILURES = new Set<ErrorInfo['code']>(['LocalNotFound', 'LocalAccessDenied']);

function unreadable(path: string, error: unknown): ErrorInfo {
  // Chromium: NotFoundError for a file deleted since it was picked, NotReadableError for one changed or locked.
  const gone = error instanceof DOMException && error.name === 'NotFoundError';
  return gone ? { code: 'LocalNotFound', message: `${path} is gone since it was picked; it was not uploaded.` } : { code: 'LocalAccessDenied', message: `${path} could not be read (changed or locked since it was picked); it was not uploaded.` };
}
