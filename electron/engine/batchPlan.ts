// Turns what the user picked (local files and folders, or a key or prefix) into one job per file.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectHeaders } from '../../shared/transfer.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { temporaryPathFor, type DownloadJob } from './download.js';
import { FerryError, asFerryError, fromFsError } from './errors.js';
import { contentTypeFor } from './contentType.js';
import { walkFolder } from './folderWalk.js';
import { joinKey, keyForPath, lastName, safeLocalPath } from './keyPath.js';
import { LocalPathClaims } from './localCollisions.js';
import type { S3Store } from './s3/store.js';
import type { UploadJob } from './upload.js';

export interface UploadPlan {
  bucket: string;
  /** What was asked, as the batch's identity for resume. */
  sources: string[];
  destination: string;
  files: (UploadJob & { size: number; mtimeMs: number })[];
  /** Keys ending in '/' for empty folders, created as zero-byte marker objects. */
  folderMarkers: string[];
  /** The key prefix each uploaded folder goes to (`2024/photos/`): one listing of it finds which of its keys exist. */
  folderPrefixes: string[];
  skipped: { path: string; reason: string }[];
  /** A sync's transfers: their finished-files log is the sync's, apart from an upload of the same folder. */
  sync?: true;
}

/** The headers asked for, with the Content-Type of the file's name unless one was asked for. */
function withType(headers: ObjectHeaders | undefined, file: string): ObjectHeaders {
  return headers?.contentType ? headers : { ...headers, contentType: contentTypeFor(file) };
}

/**
 * Files go to `prefix` + their name; folders go in whole, as `cp -r` does: `photos/` uploaded to
 * `s3://b/2024/` becomes `2024/photos/…`. A single file to a destination not ending in '/' is
 * uploaded under exactly that key.
 */
export async function planUploads(sources: string[], bucket: string, destination: string, headers?: ObjectHeaders, signal?: AbortSignal): Promise<UploadPlan> {
  const plan: UploadPlan = { bucket, sources: sources.map((s) => path.resolve(s)), destination, files: [], folderMarkers: [], folderPrefixes: [], skipped: [] };
  const asPrefix = destination === '' || destination.endsWith('/') || sources.length > 1;
  for (const source of sources) {
    const absolute = path.resolve(source);
    const stats = await stat(absolute).catch((error: unknown) => {
      throw fromFsError(error, source);
    });
    if (stats.isFile()) {
      const key = asPrefix ? joinKey(destination, path.basename(absolute)) : destination;
      plan.files.push({ source: absolute, bucket, key, headers: withType(headers, absolute), size: stats.size, mtimeMs: stats.mtimeMs });
    } else if (stats.isDirectory()) {
      const base = joinKey(destination, path.basename(absolute));
      plan.folderPrefixes.push(`${base}/`);
      const walked = await walkFolder(absolute, signal);
      for (const file of walked.files) {
        plan.files.push({ source: file.absolute, bucket, key: keyForPath(base, file.relative), headers: withType(headers, file.absolute), size: file.size, mtimeMs: file.mtimeMs });
      }
      for (const folder of walked.emptyFolders) plan.folderMarkers.push(`${folder ? keyForPath(base, folder) : base}/`);
      plan.skipped.push(...walked.skipped);
    } else {
      plan.skipped.push({ path: absolute, reason: 'not a regular file or folder' });
    }
  }
  return plan;
}

export interface DownloadPlan {
  bucket: string;
  /** What was asked, as the batch's identity for resume. */
  keyOrPrefix: string;
  folder: string;
  files: (DownloadJob & { size: number })[];
  /** Local folders to create (from marker objects and the downloaded prefix itself). */
  folders: string[];
  /** Keys refused (they would write outside the folder) or otherwise not downloadable. */
  refused: { key: string; error: ErrorInfo }[];
  /** A sync's transfers (as for UploadPlan). */
  sync?: true;
}

/**
 * A key downloads to `folder/<its name>`; a prefix (ending in '/', or a name with objects below it)
 * downloads as a folder named like its last segment, as `cp -r` does; the bucket's root as a
 * folder named like the bucket. Keys that would share a local path on `platform`'s file system (case,
 * Unicode normalisation, a file where another key needs a folder) are refused with PathCollision;
 * the first in the listing keeps the path.
 */
export async function planDownloads(
  store: S3Store,
  bucket: string,
  keyOrPrefix: string,
  folder: string,
  signal?: AbortSignal,
  platform: NodeJS.Platform = process.platform,
): Promise<DownloadPlan> {
  const root = path.resolve(folder);
  const plan: DownloadPlan = { bucket, keyOrPrefix, folder: root, files: [], folders: [], refused: [] };
  if (keyOrPrefix !== '' && !keyOrPrefix.endsWith('/')) {
    try {
      // Planning is waited on by a person: it gives up within the interactive limit, with the reason.
      const info = await store.headObject(bucket, keyOrPrefix, { signal, interactive: true });
      const listed = { size: info.size, etag: info.etag, lastModified: info.lastModified };
      plan.files.push({ bucket, key: keyOrPrefix, target: safeLocalPath(root, lastName(keyOrPrefix)), root, size: info.size, listed });
      return plan;
    } catch (error) {
      if (asFerryError(error).code !== 'NoSuchKey') throw error;
      keyOrPrefix += '/';
    }
  }
  const prefix = keyOrPrefix;
  const base = safeLocalPath(root, prefix === '' ? bucket : lastName(prefix));
  plan.folders.push(base);
  const claims = new LocalPathClaims(platform);
  let any = false;
  for await (const entry of store.listAll(bucket, prefix, { signal, interactive: true })) {
    any = true;
    const relative = entry.key.slice(prefix.length);
    if (relative === '') continue;
    try {
      const target = safeLocalPath(base, relative);
      // Two downloads sharing one path would write into one temporary file at once: refused while planning.
      const collision = claims.claim(entry.key, relative, relative.endsWith('/') ? [] : [path.basename(temporaryPathFor(target))]);
      if (collision) throw collision;
      if (relative.endsWith('/')) plan.folders.push(target);
      else plan.files.push({ bucket, key: entry.key, target, root, size: entry.size, listed: entry.etag === undefined ? undefined : { size: entry.size, etag: entry.etag, lastModified: entry.lastModified } });
    } catch (error) {
      plan.refused.push({ key: entry.key, error: asFerryError(error).toInfo() });
    }
  }
  if (!any) throw new FerryError('NoSuchKey', `Nothing at s3://${bucket}/${prefix}: no such key, and no objects below it.`);
  return plan;
}
