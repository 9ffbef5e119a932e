// Walks a local folder: every file with its size, and the folders that hold nothing (kept as markers).

import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { cancelledError, fromFsError } from './errors.js';

export interface WalkedFile {
  absolute: string;
  /** Relative to the walked folder, in the OS's separators. */
  relative: string;
  size: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: WalkedFile[];
  /** Folders (relative, OS separators; '' for the root) with no files or folders inside. */
  emptyFolders: string[];
  /** Entries passed over, with the reason (symlinked folders, sockets, unreadable entries). */
  skipped: { path: string; reason: string }[];
}

/** Depth-first walk; symlinks to files are followed, symlinks to folders are not (they can loop). */
export async function walkFolder(root: string, signal?: AbortSignal): Promise<WalkResult> {
  const result: WalkResult = { files: [], emptyFolders: [], skipped: [] };
  const visit = async (relative: string): Promise<void> => {
    if (signal?.aborted) throw cancelledError(signal.reason);
    const folder = path.join(root, relative);
    const dir = await opendir(folder).catch((error: unknown) => {
      throw fromFsError(error, folder);
    });
    let entries = 0;
    for await (const entry of dir) {
      entries++;
      const childRelative = path.join(relative, entry.name);
      const absolute = path.join(root, childRelative);
      if (entry.isDirectory()) {
        await visit(childRelative);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        const stats = await stat(absolute).catch(() => undefined);
        if (!stats) result.skipped.push({ path: absolute, reason: 'a broken symbolic link' });
        else if (stats.isFile()) result.files.push({ absolute, relative: childRelative, size: stats.size, mtimeMs: stats.mtimeMs });
        else if (stats.isDirectory()) result.skipped.push({ path: absolute, reason: 'a symbolic link to a folder' });
        else result.skipped.push({ path: absolute, reason: 'not a regular file' });
      } else {
        result.skipped.push({ path: absolute, reason: 'not a regular file' });
      }
    }
    if (entries === 0) result.emptyFolders.push(relative);
  };
  await visit('');
  return result;
}
