// The Content-Type an upload gets from its file name (mime-types, from the mime-db registry).

import { contentType } from 'mime-types';
import path from 'node:path';

// What S3 itself assumes for bytes of unknown type.
const UNKNOWN = 'application/octet-stream';

/** "text/html; charset=utf-8" for page.html, "image/jpeg" for a.JPG, application/octet-stream when unknown. */
export function contentTypeFor(file: string): string {
  return contentType(path.extname(file).toLowerCase()) || UNKNOWN;
}
