// Symbolic links inside a download's folder: never followed, so no key writes outside the folder the user chose.

import { lstat, mkdir, open, realpath, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { FerryError, fromFsError } from './errors.js';

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

/**
 * Makes the folder `dir` (its parent exists and was checked) or finds it, and refuses it unless it
 * is a real folder: a link there (or a Windows junction, which lstat also reports as a link) could
 * lead anywhere. Says whether the folder was already there.
 */
export async function realFolder(dir: string, root: string): Promise<'made' | 'found'> {
  let stats = await lstat(dir).catch((error: unknown) => {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw fromFsError(error, dir);
  });
  if (!stats) {
    try {
      await mkdir(dir);
      return 'made';
    } catch (error) {
      // Made meanwhile by another file of the batch (or by someone else: looked at again below).
      if (codeOf(error) !== 'EEXIST') throw fromFsError(error, dir);
    }
    stats = await lstat(dir).catch((error: unknown) => {
      throw fromFsError(error, dir);
    });
  }
  if (stats.isSymbolicLink()) {
    throw new FerryError('PathOutsideTarget', `Refused to save into ${dir}: it is a symbolic link, and links inside the chosen folder ${root} are not followed (one could lead outside it).`);
  }
  if (!stats.isDirectory()) throw new FerryError('InvalidInput', `${dir} is a file, not a folder, so nothing can be saved inside it.`);
  return 'found';
}

/** Refuses `dir` when its real path (every link resolved) is not below the real path of `root`. */
export async function assertInsideReal(dir: string, root: string, realRoot: string): Promise<void> {
  const real = await realpath(dir).catch((error: unknown) => {
    throw fromFsError(error, dir);
  });
  const relative = path.relative(realRoot, real);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw new FerryError('PathOutsideTarget', `Refused to save into ${dir}: it leads to ${real}, which is not inside the chosen folder ${root}.`);
  }
}

/**
 * Removes a symbolic link at `file`, the name of a download's temporary file: that name is Ferry's
 * own, so a link there was planted, and opening it would write the object wherever it points. A
 * link at the target itself is harmless: the finished file is renamed over the link, not through it.
 */
export async function removeLinkAt(file: string): Promise<void> {
  const stats = await lstat(file).catch((error: unknown) => {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw fromFsError(error, file);
  });
  if (!stats?.isSymbolicLink()) return;
  await unlink(file).catch((error: unknown) => {
    if (codeOf(error) !== 'ENOENT') throw fromFsError(error, file);
  });
}

/**
 * Opens a download's temporary file, never through a symbolic link: the name is Ferry's own, so a
 * link there was planted, and writing through it would put the object wherever it points.
 * O_NOFOLLOW refuses it (ELOOP); the link is removed and the open tried once more. One call per
 * file in the usual case, instead of an lstat before every open.
 */
export async function openTemp(temp: string, flags: number): Promise<FileHandle> {
  try {
    return await open(temp, flags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw fromFsError(error, temp);
  }
  await removeLinkAt(temp);
  return open(temp, flags).catch((error: unknown) => {
    throw fromFsError(error, temp);
  });
}
