// What a drop or a file input holds, in the shape a browser-mode upload sends: each file with its
// path relative to where it was picked ("photos/2024/a.jpg"), and each empty folder ("photos/empty").

export interface PickedFile {
  file: File;
  /** Relative, '/'-separated, starting with the dropped or chosen item's own name. */
  path: string;
}

export interface PickedItems {
  files: PickedFile[];
  /** Folders with nothing inside, by relative path: S3 has no folders, so these need saying. */
  emptyFolders: string[];
  /** Items the browser would not read (a folder without permission, a file gone since the drop). */
  unreadable: string[];
}

/** Whether a drag carries files or folders (not text, a link, or a row of this page). */
export function carriesFiles(event: { dataTransfer: { readonly types: readonly string[] } | null }): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

// The members of the browser's DataTransfer and FileSystemEntry a walk uses, typed here so the walk
// also runs (and is tested) outside a browser. The DOM's own types fit them.
export interface DroppedEntry {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
}

interface DroppedFileEntry extends DroppedEntry {
  file(success: (file: File) => void, failure?: (error: unknown) => void): void;
}

interface DroppedFolderReader {
  readEntries(success: (entries: DroppedEntry[]) => void, failure?: (error: unknown) => void): void;
}

interface DroppedFolderEntry extends DroppedEntry {
  createReader(): DroppedFolderReader;
}

/** A drop's DataTransfer, as far as reading it goes. */
export interface DropData {
  readonly items: ArrayLike<{ readonly kind: string; webkitGetAsEntry(): DroppedEntry | null; getAsFile(): File | null }>;
}

/** A dropped item as taken from the event: a walkable entry, or a bare file when the browser gives no entry. */
type DroppedRoot = { entry: DroppedEntry } | { file: File };

function isFileEntry(entry: DroppedEntry): entry is DroppedFileEntry {
  return entry.isFile;
}

function isFolderEntry(entry: DroppedEntry): entry is DroppedFolderEntry {
  return entry.isDirectory;
}

/**
 * The files and folders of a drop, nested folders walked to any depth. The entries are taken before
 * the first await: a DataTransfer's items are emptied once the drop event's handler returns.
 */
export function readDrop(dataTransfer: DropData, signal?: AbortSignal): Promise<PickedItems> {
  return walkRoots(takeRoots(dataTransfer), signal);
}

/** Synchronous: must run inside the drop event. */
function takeRoots(dataTransfer: DropData): DroppedRoot[] {
  const roots: DroppedRoot[] = [];
  for (const item of Array.from(dataTransfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) roots.push({ entry });
    else {
      const file = item.getAsFile();
      if (file) roots.push({ file });
    }
  }
  return roots;
}

async function walkRoots(roots: DroppedRoot[], signal: AbortSignal | undefined): Promise<PickedItems> {
  const picked: PickedItems = { files: [], emptyFolders: [], unreadable: [] };
  for (const root of roots) {
    signal?.throwIfAborted();
    if ('file' in root) picked.files.push({ file: root.file, path: root.file.name });
    else await walkEntry(root.entry, root.entry.name, picked, signal);
  }
  return picked;
}

async function walkEntry(entry: DroppedEntry, path: string, picked: PickedItems, signal: AbortSignal | undefined): Promise<void> {
  if (isFileEntry(entry)) {
    const file = await fileOf(entry).catch(() => null);
    if (file) picked.files.push({ file, path });
    else picked.unreadable.push(path);
    return;
  }
  if (!isFolderEntry(entry)) return;
  let children: DroppedEntry[];
  try {
    children = await readAllEntries(entry.createReader(), signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    picked.unreadable.push(path);
    return;
  }
  if (children.length === 0) {
    picked.emptyFolders.push(path);
    return;
  }
  // A folder's files are asked for together (each ask is a round trip inside the browser); its
  // subfolders one after another, so a deep tree does not open every folder at once.
  const files = children.filter(isFileEntry);
  const opened = await Promise.all(files.map((f) => fileOf(f).catch(() => null)));
  files.forEach((f, i) => {
    const file = opened[i];
    if (file) picked.files.push({ file, path: `${path}/${f.name}` });
    else picked.unreadable.push(`${path}/${f.name}`);
  });
  for (const child of children) {
    signal?.throwIfAborted();
    if (isFolderEntry(child)) await walkEntry(child, `${path}/${child.name}`, picked, signal);
  }
}

/** Every entry of a folder: readEntries gives them in batches (100 at a time in Chromium) and an empty batch at the end. */
async function readAllEntries(reader: DroppedFolderReader, signal: AbortSignal | undefined): Promise<DroppedEntry[]> {
  const all: DroppedEntry[] = [];
  for (;;) {
    signal?.throwIfAborted();
    const batch = await new Promise<DroppedEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    for (const entry of batch) all.push(entry);
  }
}

function fileOf(entry: DroppedFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/**
 * The files of an `<input type=file>`: with `webkitdirectory`, each carries its path under the
 * chosen folder (which starts with the folder's name). Such an input never lists empty folders.
 */
export function pickedFromFileList(list: ArrayLike<File>): PickedItems {
  return {
    files: Array.from(list, (file) => ({ file, path: relativePathOf(file) || file.name })),
    emptyFolders: [],
    unreadable: [],
  };
}

/** A File's path under the folder a `webkitdirectory` input was given; '' for any other File. */
export function relativePathOf(file: File): string {
  // Browsers only: Node's File (in tests) has no such property.
  return (file as { webkitRelativePath?: string }).webkitRelativePath ?? '';
}
