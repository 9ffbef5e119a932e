// Readies where downloads write: each folder made and checked once per batch (never through a link), no link at a temporary file.

import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { FerryError, fromFsError } from './errors.js';
import { assertInsideReal, realFolder } from './localLinks.js';

export class FolderCache {
  private readonly made = new Map<string, Promise<void>>();
  private readonly realRoots = new Map<string, Promise<string>>();

  /**
   * Creates `dir` (and its parents) unless this batch already did; a failure is not remembered,
   * except a refusal. With `root` (the folder the user chose), every folder below root down to
   * `dir` is looked at once per batch and must be a real folder whose real path lies inside root's:
   * a symbolic link already there is refused, never followed. Root itself and what lies above it
   * are the user's choice, links included.
   */
  ensure(dir: string, root?: string): Promise<void> {
    if (root === undefined) {
      return this.remember(dir, () =>
        mkdir(dir, { recursive: true }).then(
          () => undefined,
          (error: unknown) => {
            throw fromFsError(error, dir);
          },
        ),
      );
    }
    const top = path.resolve(root);
    const below = path.resolve(dir);
    if (below === top) return this.ensure(top);
    const relative = path.relative(top, below);
    if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
      return Promise.reject(new FerryError('PathOutsideTarget', `Refused to save into ${below}: it is not inside the chosen folder ${top}.`));
    }
    // Keyed by root too: the same folder reached without a root was made, not checked.
    return this.remember(`${top}\0${below}`, async () => {
      await this.ensure(path.dirname(below), top);
      if ((await realFolder(below, top)) === 'found') await assertInsideReal(below, top, await this.realRoot(top));
    });
  }

  /**
   * Readies the folder of `file`, which is then opened for writing without following a link at its
   * name (O_NOFOLLOW: download.ts openTemp removes a planted one).
   */
  async prepareFolder(file: string, root?: string): Promise<void> {
    await this.ensure(path.dirname(file), root);
  }

  /** A new batch checks again: the user may have removed a folder in between. */
  forget(): void {
    this.made.clear();
    this.realRoots.clear();
  }

  private remember(id: string, make: () => Promise<void>): Promise<void> {
    let made = this.made.get(id);
    if (!made) {
      made = make().catch((error: unknown) => {
        // A refused link stays refused for the batch, so its 100,000 files do not each look again.
        if (!(error instanceof FerryError && error.code === 'PathOutsideTarget')) this.made.delete(id);
        throw error;
      });
      this.made.set(id, made);
    }
    return made;
  }

  private realRoot(root: string): Promise<string> {
    let real = this.realRoots.get(root);
    if (!real) {
      real = realpath(root).catch((error: unknown) => {
        this.realRoots.delete(root);
        throw fromFsError(error, root);
      });
      this.realRoots.set(root, real);
    }
    return real;
  }
}
