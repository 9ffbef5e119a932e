// The upload sender against a fake of Ferry's own bridge (never of S3): Electron's local paths, and
// the browser-hosted mode's chunks — their order and sizes, the window of unanswered chunks per
// file and of files at once, and stopping on an error answer, a cancelled row or an abort.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallName, CallRequest, CallResult, ChunkResult, FerryBridge } from '../../../../shared/api.js';
import type { ErrorInfo } from '../../../../shared/errors.js';
import { MAX_CHUNK_BYTES, type ChunkHeader } from '../../../../shared/queue.js';
import type { PickedFile } from '../../../../renderer/upload/dropEntries.js';
import { CHUNKS_IN_FLIGHT, FILES_IN_FLIGHT, isSending, localPaths, sendFromBrowser, uploadLocalFiles } from '../../../../renderer/upload/uploadSender.js';
import { useUiStore } from '../../../../renderer/stores/uiStore.js';

const place = { accountId: 'acc', bucket: 'bkt', prefix: 'in/' };
const MiB = MAX_CHUNK_BYTES;

interface Chunk {
  header: Omit<ChunkHeader, 'id'>;
  bytes: Uint8Array;
  answer: (result: ChunkResult) => void;
  answered: boolean;
}

/**
 * The host as the sender sees it: answers calls at once, and holds each chunk until the test
 * answers it (or answers it at once with `autoAnswer`). Records what it saw at every step.
 */
class FakeHost implements FerryBridge {
  calls: { name: CallName; request: unknown }[] = [];
  chunks: Chunk[] = [];
  /** Streams the host asks for: by default every file's, as s0, s1… */
  streams: ((count: number) => { index: number; streamId: string }[]) | null = null;
  refuse: ErrorInfo | null = null;
  autoAnswer: ((header: Omit<ChunkHeader, 'id'>) => ChunkResult) | null = null;
  log: string[] = [];
  maxPerStream = 0;
  maxStreams = 0;

  call<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResult<N>> {
    this.calls.push({ name, request });
    let result: CallResult<CallName>;
    if (name === 'transfers.uploadFromBrowser') {
      const count = (request as CallRequest<'transfers.uploadFromBrowser'>).files.length;
      const streams = this.streams ? this.streams(count) : Array.from({ length: count }, (_, index) => ({ index, streamId: `s${index}` }));
      result = this.refuse ? { ok: false, error: this.refuse } : { ok: true, value: { batchId: 'batch-1', streams } };
    } else if (name === 'transfers.upload') result = { ok: true, value: { batchId: 'batch-2' } };
    else if (name === 'transfers.cancel') result = { ok: true, value: { cancelled: true } };
    else if (name === 'transfers.streamFailed') result = { ok: true, value: { failed: true } };
    else throw new Error(`unexpected call ${name}`);
    return Promise.resolve(result as CallResult<N>);
  }

  onEvent(): () => void {
    return () => undefined;
  }

  sendChunk(header: Omit<ChunkHeader, 'id'>, bytes: ArrayBuffer): Promise<ChunkResult> {
    this.log.push(`send ${header.streamId} ${header.offset}`);
    return new Promise<ChunkResult>((resolve) => {
      const chunk: Chunk = {
        header,
        bytes: new Uint8Array(bytes),
        answered: false,
        answer: (result) => {
          chunk.answered = true;
          this.log.push(`answer ${header.streamId} ${header.offset} ${result.ok ? 'ok' : result.error.code}`);
          resolve(result);
        },
      };
      this.chunks.push(chunk);
      this.maxPerStream = Math.max(this.maxPerStream, this.unanswered().filter((c) => c.header.streamId === header.streamId).length);
      this.maxStreams = Math.max(this.maxStreams, new Set(this.unanswered().map((c) => c.header.streamId)).size);
      if (this.autoAnswer) chunk.answer(this.autoAnswer(header));
    });
  }

  unanswered(): Chunk[] {
    return this.chunks.filter((c) => !c.answered);
  }

  of(streamId: string): Chunk[] {
    return this.chunks.filter((c) => c.header.streamId === streamId);
  }
}

const ok = (): ChunkResult => ({ ok: true, value: { received: 0 } });

function fileOf(name: string, size: number): PickedFile {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + name.length) % 256;
  return { file: new File([bytes], name, { lastModified: 1_700_000_000_000 }), path: `dir/${name}` };
}

async function contentOf(file: File): Promise<Buffer> {
  return Buffer.from(await file.arrayBuffer());
}

/** Polls (each turn of the event loop) until `done` holds, or fails at the deadline. */
async function until(done: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Answers the oldest unanswered chunk each time one is waiting, until the send ends. */
async function answerAll(host: FakeHost, sending: Promise<void>, result: (c: Chunk) => ChunkResult = ok): Promise<void> {
  let finished = false;
  void sending.then(() => (finished = true));
  while (!finished) {
    await until(() => finished || host.unanswered().length > 0, 'a chunk or the end');
    host.unanswered()[0]?.answer(result(host.unanswered()[0]!));
  }
}

function toasts(): string[] {
  return useUiStore.getState().toasts.map((t) => t.message);
}

beforeEach(() => useUiStore.setState({ toasts: [] }));
afterEach(() => expect(isSending()).toBe(false));

describe('browser mode: chunks', () => {
  it('announces the files, then sends each in order in chunks of MAX_CHUNK_BYTES, the last flagged', async () => {
    const host = new FakeHost();
    host.autoAnswer = ok;
    const files = [fileOf('big', 2 * MiB + 512), fileOf('empty', 0), fileOf('exact', 2 * MiB), fileOf('tiny', 1)];
    await sendFromBrowser(host, place, { files, emptyFolders: ['dir/nothing'] });

    expect(host.calls[0]).toEqual({
      name: 'transfers.uploadFromBrowser',
      request: { ...place, files: files.map((f) => ({ path: f.path, size: f.file.size, lastModified: 1_700_000_000_000 })), emptyFolders: ['dir/nothing'] },
    });
    const expected: Record<string, [number, number, boolean][]> = {
      s0: [[0, MiB, false], [MiB, MiB, false], [2 * MiB, 512, true]],
      // A zero-byte file: one empty last chunk.
      s1: [[0, 0, true]],
      // Exactly two chunks' worth: no empty third.
      s2: [[0, MiB, false], [MiB, MiB, true]],
      s3: [[0, 1, true]],
    };
    for (const [index, [streamId, shape]] of Object.entries(expected).entries()) {
      const chunks = host.of(streamId);
      expect(chunks.map((c) => [c.header.offset, c.bytes.length, c.header.last])).toEqual(shape);
      // Compared as one verdict: a diff of megabytes would take the test's time.
      expect(Buffer.compare(Buffer.concat(chunks.map((c) => c.bytes)), await contentOf(files[index]!.file))).toBe(0);
    }
    expect(toasts()).toEqual([]);
  });

  it(`keeps at most ${CHUNKS_IN_FLIGHT} chunks of a file and ${FILES_IN_FLIGHT} files unanswered, and fills both`, async () => {
    const host = new FakeHost();
    const files = [fileOf('a', 6 * MiB), fileOf('b', 6 * MiB), fileOf('c', 6 * MiB)];
    const sending = sendFromBrowser(host, place, { files, emptyFolders: [] });

    // With nothing answered, the windows fill and then nothing more goes.
    await until(() => host.unanswered().length >= CHUNKS_IN_FLIGHT * FILES_IN_FLIGHT, 'both windows to fill');
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(host.chunks).toHaveLength(CHUNKS_IN_FLIGHT * FILES_IN_FLIGHT);
    expect(new Set(host.chunks.map((c) => c.header.streamId))).toEqual(new Set(['s0', 's1']));

    await answerAll(host, sending);
    expect(host.maxPerStream).toBe(CHUNKS_IN_FLIGHT);
    expect(host.maxStreams).toBe(FILES_IN_FLIGHT);
    // The third file starts once one of the first two is all answered.
    const firstOfC = host.log.indexOf('send s2 0');
    const endOfA = host.log.indexOf(`answer s0 ${5 * MiB} ok`);
    const endOfB = host.log.indexOf(`answer s1 ${5 * MiB} ok`);
    expect(firstOfC).toBeGreaterThan(Math.min(endOfA, endOfB));
    expect(host.of('s2')).toHaveLength(6);
  });

  it('stops a file at an error answer, reports it, and sends the others', async () => {
    const host = new FakeHost();
    const error: ErrorInfo = { code: 'SourceChanged', message: 'dir/a changed while it was read.' };
    const files = [fileOf('a', 8 * MiB), fileOf('b', 3 * MiB)];
    await answerAll(host, sendFromBrowser(host, place, { files, emptyFolders: [] }), (c) => (c.header.streamId === 's0' && c.header.offset === MiB ? { ok: false, error } : ok()));

    const failedAt = host.log.indexOf(`answer s0 ${MiB} SourceChanged`);
    expect(failedAt).toBeGreaterThan(-1);
    // At most the chunk already read when the answer came goes after it; then the file stops.
    expect(host.log.slice(failedAt).filter((line) => line.startsWith('send s0')).length).toBeLessThanOrEqual(1);
    expect(host.of('s0').length).toBeLessThanOrEqual(2 + CHUNKS_IN_FLIGHT);
    expect(host.of('s1').map((c) => c.header.last)).toEqual([false, false, true]);
    expect(toasts()).toEqual([error.message]);
  });

  it('a file the page cannot read any more fails its row on the host with the reason', async () => {
    const host = new FakeHost();
    host.autoAnswer = ok;
    const gone = fileOf('gone', 3 * MiB);
    // Chromium's answer for a file deleted since it was dropped.
    gone.file.slice = () => Object.assign(new Blob([]), { arrayBuffer: () => Promise.reject(new DOMException('gone', 'NotFoundError')) });
    await sendFromBrowser(host, place, { files: [gone], emptyFolders: [] });
    expect(host.calls.at(-1)).toEqual({ name: 'transfers.streamFailed', request: { streamId: 's0', message: 'dir/gone is gone since it was picked; it was not uploaded.' } });
    expect(toasts()).toEqual(['dir/gone is gone since it was picked; it was not uploaded.']);
  });

  it('stops a cancelled file quietly (the user cancelled its row)', async () => {
    const host = new FakeHost();
    host.autoAnswer = (h) => (h.offset >= MiB ? { ok: false, error: { code: 'Cancelled', message: 'Cancelled.' } } : ok());
    await sendFromBrowser(host, place, { files: [fileOf('a', 10 * MiB)], emptyFolders: [] });
    expect(host.chunks.length).toBeLessThanOrEqual(2);
    expect(toasts()).toEqual([]);
  });

  it('on an abort, stops every file at once and cancels the batch on the host', async () => {
    const host = new FakeHost();
    const stop = new AbortController();
    const sending = sendFromBrowser(host, place, { files: [fileOf('a', 6 * MiB), fileOf('b', 6 * MiB), fileOf('c', 1)], emptyFolders: [] }, { signal: stop.signal });
    await until(() => host.unanswered().length >= CHUNKS_IN_FLIGHT * FILES_IN_FLIGHT, 'both windows to fill');
    expect(isSending()).toBe(true);
    stop.abort();
    // Resolves without the held chunks ever being answered.
    await sending;
    expect(host.chunks).toHaveLength(CHUNKS_IN_FLIGHT * FILES_IN_FLIGHT);
    expect(host.calls.at(-1)).toEqual({ name: 'transfers.cancel', request: { batchId: 'batch-1' } });
    expect(toasts()).toEqual([]);
  });

  it('sends only the files the host asks for (the others it skipped as existing)', async () => {
    const host = new FakeHost();
    host.autoAnswer = ok;
    host.streams = () => [{ index: 2, streamId: 'only' }];
    const files = [fileOf('a', 10), fileOf('b', 20), fileOf('c', 30)];
    await sendFromBrowser(host, place, { files, emptyFolders: [] });
    expect(host.chunks.map((c) => [c.header.streamId, c.bytes.length])).toEqual([['only', 30]]);
  });

  it('reports a refused upload and sends nothing', async () => {
    const host = new FakeHost();
    host.refuse = { code: 'AccessDenied', message: 'No permission to write to bkt.' };
    await sendFromBrowser(host, place, { files: [fileOf('a', 10)], emptyFolders: [] });
    expect(host.chunks).toEqual([]);
    expect(toasts()).toEqual(['No permission to write to bkt.']);
  });

  it('reports a lost connection once, however many files it stops', async () => {
    const host = new FakeHost();
    host.autoAnswer = () => ({ ok: false, error: { code: 'NetworkError', message: 'The connection was lost.' } });
    await sendFromBrowser(host, place, { files: [fileOf('a', 3 * MiB), fileOf('b', 3 * MiB), fileOf('c', 3 * MiB)], emptyFolders: [] });
    expect(toasts()).toEqual(['The connection was lost.']);
  });
});

describe('Electron: local paths', () => {
  /** A File as a `webkitdirectory` input gives it: its path under the chosen folder. */
  function inFolder(name: string, relativePath: string): File {
    const file = new File([], name);
    Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
    return file;
  }

  it('gives a dropped or chosen file its own path, and the files of a chosen folder the folder’s', () => {
    const where = new Map<File, string>();
    const plain = new File([], 'a.txt');
    where.set(plain, '/home/u/a.txt');
    const deep = inFolder('x.jpg', 'photos/2024/x.jpg');
    where.set(deep, '/home/u/photos/2024/x.jpg');
    const top = inFolder('y.jpg', 'photos/y.jpg');
    where.set(top, '/home/u/photos/y.jpg');
    const windows = inFolder('z.txt', 'docs/z.txt');
    where.set(windows, 'C:\\Users\\u\\docs\\z.txt');
    const notOnDisk = new File([], 'pasted.png');
    where.set(notOnDisk, '');
    expect(localPaths([plain, deep, top, windows, notOnDisk], (f) => where.get(f) ?? '')).toEqual(['/home/u/a.txt', '/home/u/photos', 'C:\\Users\\u\\docs']);
  });

  it('calls transfers.upload with the paths, and reports when none is on disk', async () => {
    const host = new FakeHost();
    const file = new File([], 'a.txt');
    const withPaths = Object.assign(host, { pathForFile: (f: object) => (f === file ? '/tmp/a.txt' : '') });
    await uploadLocalFiles(withPaths, place, [file]);
    expect(host.calls).toEqual([{ name: 'transfers.upload', request: { ...place, paths: ['/tmp/a.txt'] } }]);

    await uploadLocalFiles(withPaths, place, [new File([], 'b.txt')]);
    expect(host.calls).toHaveLength(1);
    expect(toasts()).toHaveLength(1);
  });
});
