// Creates the folders downloads write into, once per folder per batch instead of once per file.

import { mkdir } from 'node:fs/promises';
import { fromFsError } from './errors.js';

export class FolderCache {
  private readonly made = new Map<string, Promise<void>>();

  /** Creates `dir` (and its parents) unless this batch already did; a failure is not remembered. */
  ensure(dir: string): Promise<void> {
    let made = this.made.get(dir);
    if (!made) {
      made = mkdir(dir, { recursive: true }).then(
        () => undefined,
        (error: unknown) => {
          this.made.delete(dir);
          throw fromFsError(error, dir);
        },
      );
      this.made.set(dir, made);
    }
    return made;
  }

  /** A new batch checks again: the user may have removed a folder in between. */
  forget(): void {
    this.made.clear();
  }
}
