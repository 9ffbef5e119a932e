// A browser's drop as an upload plan: the relative paths it gives checked, each file's key made
// below the prefix, and its Content-Type taken from that path (the file itself is read from a
// spool file whose name says nothing). The queue uploads by this plan; Publish… previews it.

import type { UploadPlan } from '../engine/batchPlan.js';
import { contentTypeFor } from '../engine/contentType.js';
import { FerryError } from '../engine/errors.js';
import { joinKey } from '../engine/keyPath.js';

export interface BrowserFile {
  /** Relative, '/'-separated, starting with the dropped item's name: "photos/2024/a.jpg". */
  path: string;
  size: number;
  lastModified?: number;
}

/** `sourceOf(index)`: where the file's bytes will be read from. `sources` are the dropped items (a folder with its '/'). */
export function browserUploadPlan(bucket: string, prefix: string, files: BrowserFile[], emptyFolders: string[], sourceOf: (index: number) => string): UploadPlan {
  for (const relative of [...files.map((f) => f.path), ...emptyFolders]) {
    const names = relative.split('/');
    if (names.some((n) => n === '' || n === '.' || n === '..')) throw new FerryError('InvalidInput', `"${relative}" is not a path inside the dropped items.`);
  }
  const tops = [...new Set([...files.map((f) => f.path), ...emptyFolders].map((p) => p.split('/')[0] + (p.includes('/') ? '/' : '')))];
  return {
    bucket,
    sources: tops,
    destination: prefix,
    files: files.map((file, index) => ({
      source: sourceOf(index),
      bucket,
      key: joinKey(prefix, file.path),
      headers: { contentType: contentTypeFor(file.path) },
      size: file.size,
      mtimeMs: file.lastModified ?? Date.now(),
    })),
    folderMarkers: emptyFolders.map((folder) => `${joinKey(prefix, folder)}/`),
    folderPrefixes: tops.filter((t) => t.endsWith('/')).map((t) => joinKey(prefix, t)),
    skipped: [],
  };
}
