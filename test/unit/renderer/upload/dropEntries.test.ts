// What a drop or a file input holds, read through fakes of the browser's entry API: folders walked
// to any depth (every batch of a reader read), empty folders kept, and the entries taken before the
// drop event ends.
import { describe, expect, it } from 'vitest';
import { carriesFiles, pickedFromFileList, readDrop, type DropData } from '../../../../renderer/upload/dropEntries.js';

type FakeEntry = { isFile: boolean; isDirectory: boolean; name: string };

function fileEntry(name: string, readable = true): FakeEntry {
  return {
    isFile: true,
    isDirectory: false,
    name,
    file: (ok: (f: File) => void, fail: (e: Error) => void) => queueMicrotask(() => (readable ? ok(new File([name], name)) : fail(new DOMException('gone', 'NotFoundError')))),
  } as FakeEntry;
}

/** A folder whose reader hands out `batch` entries at a time, then an empty batch, as Chromium's does (100 at a time). */
function dirEntry(name: string, children: FakeEntry[], options: { batch?: number; readable?: boolean } = {}): FakeEntry {
  const batch = options.batch ?? 2;
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (entries: FakeEntry[]) => void, fail: (e: Error) => void) =>
          queueMicrotask(() => {
            if (options.readable === false) return fail(new DOMException('denied', 'NotReadableError'));
            const next = children.slice(at, at + batch);
            at += next.length;
            ok(next);
          }),
      };
    },
  } as FakeEntry;
}

/** A DataTransfer whose items are gone once `endEvent` is called, as a real one's are after the drop handler. */
function dataTransfer(items: ({ entry: FakeEntry } | { file: File } | { text: string })[]) {
  let live = true;
  const list = items.map((item) => ({
    kind: 'text' in item ? 'string' : 'file',
    webkitGetAsEntry: () => (live && 'entry' in item ? item.entry : null),
    getAsFile: () => (live && 'file' in item ? item.file : null),
  }));
  const transfer: DropData = {
    get items() {
      return live ? list : [];
    },
  };
  return { transfer, endEvent: () => (live = false) };
}

describe('readDrop', () => {
  it('walks folders to any depth, reading each folder until its reader gives an empty batch', async () => {
    const tree = dirEntry('photos', [
      fileEntry('a.jpg'),
      fileEntry('b.jpg'),
      fileEntry('c.jpg'),
      dirEntry('2024', [dirEntry('june', [fileEntry('d.jpg'), dirEntry('empty', [])]), fileEntry('e.jpg')]),
      dirEntry('nothing', []),
    ]);
    const { transfer, endEvent } = dataTransfer([{ entry: tree }, { entry: fileEntry('top.txt') }]);
    const reading = readDrop(transfer);
    endEvent();
    const picked = await reading;
    expect(picked.files.map((f) => f.path).sort()).toEqual(['photos/2024/e.jpg', 'photos/2024/june/d.jpg', 'photos/a.jpg', 'photos/b.jpg', 'photos/c.jpg', 'top.txt']);
    expect(picked.files.find((f) => f.path === 'photos/2024/june/d.jpg')?.file.name).toBe('d.jpg');
    expect(picked.emptyFolders.sort()).toEqual(['photos/2024/june/empty', 'photos/nothing']);
    expect(picked.unreadable).toEqual([]);
  });

  it('reads a folder of more entries than one batch (Chromium gives 100 at a time)', async () => {
    const many = Array.from({ length: 250 }, (_, i) => fileEntry(`f${i}`));
    const { transfer } = dataTransfer([{ entry: dirEntry('many', many, { batch: 100 }) }]);
    expect((await readDrop(transfer)).files).toHaveLength(250);
  });

  it('records a dropped empty folder as its name', async () => {
    const { transfer } = dataTransfer([{ entry: dirEntry('blank', []) }]);
    expect(await readDrop(transfer)).toEqual({ files: [], emptyFolders: ['blank'], unreadable: [] });
  });

  it('takes a bare file when the browser gives no entry, and ignores items that are not files', async () => {
    const file = new File(['x'], 'loose.bin');
    const { transfer } = dataTransfer([{ file }, { text: 'https://example.com' }]);
    const picked = await readDrop(transfer);
    expect(picked.files).toEqual([{ file, path: 'loose.bin' }]);
  });

  it('leaves out what cannot be read, and says which', async () => {
    const { transfer } = dataTransfer([{ entry: dirEntry('d', [fileEntry('ok.txt'), fileEntry('gone.txt', false), dirEntry('locked', [fileEntry('x')], { readable: false })]) }]);
    const picked = await readDrop(transfer);
    expect(picked.files.map((f) => f.path)).toEqual(['d/ok.txt']);
    expect(picked.unreadable.sort()).toEqual(['d/gone.txt', 'd/locked']);
  });

  it('stops walking when aborted', async () => {
    const stop = new AbortController();
    stop.abort();
    const { transfer } = dataTransfer([{ entry: dirEntry('d', [fileEntry('a')]) }]);
    await expect(readDrop(transfer, stop.signal)).rejects.toThrow();
  });
});

describe('pickedFromFileList', () => {
  it('keeps the path under a chosen folder, or the name of a chosen file', () => {
    const inFolder = new File([], 'a.txt');
    Object.defineProperty(inFolder, 'webkitRelativePath', { value: 'docs/sub/a.txt' });
    const plain = new File([], 'b.txt');
    Object.defineProperty(plain, 'webkitRelativePath', { value: '' });
    expect(pickedFromFileList([inFolder, plain])).toEqual({
      files: [
        { file: inFolder, path: 'docs/sub/a.txt' },
        { file: plain, path: 'b.txt' },
      ],
      emptyFolders: [],
      unreadable: [],
    });
  });
});

describe('carriesFiles', () => {
  it('is true only for drags of files', () => {
    expect(carriesFiles({ dataTransfer: { types: ['Files', 'text/uri-list'] } })).toBe(true);
    expect(carriesFiles({ dataTransfer: { types: ['text/plain'] } })).toBe(false);
    expect(carriesFiles({ dataTransfer: null })).toBe(false);
  });
});
