// Keys to local paths and back; a key can never lead a download outside the folder the user chose.

import path from 'node:path';
import { FerryError } from './errors.js';

/**
 * Maps the part of a key below the downloaded prefix to a path inside `root`. Refused: `..` and `.`
 * segments, empty segments (`a//b`), absolute keys, backslashes (a separator on Windows), drive
 * letters and NUL. The resolved path is checked to lie under root as a last guard.
 */
export function safeLocalPath(root: string, relativeKey: string): string {
  const refuse = (why: string) =>
    new FerryError('PathOutsideTarget', `Refused the key "${relativeKey}": ${why}; it could write outside the chosen folder.`);
  if (relativeKey.length === 0) throw refuse('it is empty');
  if (relativeKey.includes('\0')) throw refuse('it contains a NUL character');
  if (relativeKey.includes('\\')) throw refuse('it contains a backslash');
  if (relativeKey.startsWith('/')) throw refuse('it is an absolute path');
  if (/^[a-zA-Z]:/.test(relativeKey)) throw refuse('it starts with a drive letter');
  const segments = relativeKey.split('/');
  // A trailing slash names a folder; every other segment must be a real name.
  const names = segments.at(-1) === '' ? segments.slice(0, -1) : segments;
  for (const name of names) {
    if (name === '') throw refuse('it has an empty path segment');
    if (name === '.' || name === '..') throw refuse(`it has a "${name}" segment`);
  }
  const resolvedRoot = path.resolve(root);
  const target = path.resolve(resolvedRoot, ...names);
  if (target !== resolvedRoot && !target.startsWith(resolvedRoot + path.sep)) throw refuse('it resolves outside the folder');
  return target;
}

/** The key for a file `relativePath` (in the OS's separators) below `prefix`. */
export function keyForPath(prefix: string, relativePath: string): string {
  const posix = relativePath.split(path.sep).join('/');
  return joinKey(prefix, posix);
}

/** Joins a prefix and a name with exactly one slash between (the prefix may be empty). */
export function joinKey(prefix: string, name: string): string {
  if (!prefix) return name;
  return prefix.endsWith('/') ? prefix + name : `${prefix}/${name}`;
}

/** The last name of a key or prefix: "a/b/c.txt" → "c.txt", "a/b/" → "b". */
export function lastName(keyOrPrefix: string): string {
  const trimmed = keyOrPrefix.endsWith('/') ? keyOrPrefix.slice(0, -1) : keyOrPrefix;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export interface S3Url {
  bucket: string;
  key: string;
}

/** Parses s3://bucket/key (the key may be empty or end with '/'). */
export function parseS3Url(url: string): S3Url {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/s.exec(url);
  if (!match?.[1]) throw new FerryError('InvalidInput', `"${url}" is not an S3 address; write s3://bucket/key or s3://bucket/prefix/.`);
  return { bucket: match[1], key: match[2] ?? '' };
}
