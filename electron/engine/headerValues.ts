// Object headers as HTTP can carry them: non-ASCII encoded by the standards S3 follows, or refused with how to write it.

import { createRequire } from 'node:module';
import { create as createDisposition, format as formatDisposition, parse as parseDisposition } from 'content-disposition';
import type Libmime from 'libmime';
import type { ObjectHeaders } from '../../shared/transfer.js';
import { FerryError } from './errors.js';

export type HeaderField = Exclude<keyof ObjectHeaders, 'metadata'>;

/** Each header field and its name on the wire (in ObjectHeaders' order); the one table of the two. */
export const WIRE_NAMES: Record<HeaderField, string> = {
  contentType: 'Content-Type',
  cacheControl: 'Cache-Control',
  contentDisposition: 'Content-Disposition',
  contentEncoding: 'Content-Encoding',
  contentLanguage: 'Content-Language',
  expires: 'Expires',
  storageClass: 'x-amz-storage-class',
  acl: 'x-amz-acl',
};

// HTTP header values are visible ASCII, space and tab; Node refuses anything else before sending.
const HEADER_SAFE = /^[\t\x20-\x7e]*$/;
// A metadata name becomes part of a header name (x-amz-meta-NAME): an HTTP token.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// S3 decodes RFC 2047 encoded words in metadata values and returns them encoded; 52 bytes of
// UTF-8 per word keep each encoded word within RFC 2047's 75 characters.
const ENCODED_WORD_BYTES = 52;

// libmime, when loaded, loads iconv-lite's code tables and builds a GBK codec: about 20 ms of every
// start of the command line, for the few transfers whose metadata is not ASCII. So it is loaded on
// first use, with require (synchronous, as its callers are), and the command line's bundle leaves it
// out and loads it from node_modules then.
let libmimeModule: typeof Libmime | undefined;
function libmime(): typeof Libmime {
  libmimeModule ??= createRequire(import.meta.url)('libmime') as typeof Libmime;
  return libmimeModule;
}

function invalid(message: string): FerryError {
  return new FerryError('InvalidInput', message);
}

function firstUnsafe(value: string): string {
  const char = [...value].find((c) => !HEADER_SAFE.test(c)) ?? '';
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `a control character (U+${code.toString(16).padStart(4, '0').toUpperCase()})` : `"${char}"`;
}

/** A header that must be plain ASCII (Cache-Control, Content-Type, Content-Encoding, Content-Language). */
function asciiOnly(name: string, value: string | undefined): string | undefined {
  if (value === undefined || HEADER_SAFE.test(value)) return value;
  throw invalid(`${name} must be plain ASCII text, but "${value}" has ${firstUnsafe(value)}. Write it with ASCII characters only (standard ${name} values always are).`);
}

/**
 * Content-Disposition with a non-ASCII file name becomes RFC 6266's `filename*=UTF-8''…` with an
 * ASCII fallback `filename="…"` for old browsers; anything it cannot parse is refused.
 */
export function encodeContentDisposition(value: string | undefined): string | undefined {
  if (value === undefined || HEADER_SAFE.test(value)) return value;
  if (/[\r\n\0]/.test(value)) throw invalid(`Content-Disposition cannot contain ${firstUnsafe(value)}.`);
  try {
    const parsed = parseDisposition(value);
    const filename = parsed.parameters.filename;
    if (filename !== undefined && Object.keys(parsed.parameters).length === 1) return createDisposition(filename, { type: parsed.type });
    return formatDisposition(parsed);
  } catch (error) {
    throw new FerryError(
      'InvalidInput',
      `Content-Disposition "${value}" is not valid (${(error as Error).message}). Write it as: attachment; filename="name.pdf" — a name in any language is encoded for you.`,
      { cause: error },
    );
  }
}

/** Metadata names must be HTTP tokens; values in any language go as RFC 2047 encoded words (as AWS documents). */
export function encodeMetadata(metadata: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!metadata) return metadata;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (!TOKEN.test(name)) {
      throw invalid(`The metadata name "${name}" cannot be sent: use letters, digits and - _ . only (it becomes the header x-amz-meta-${name}).`);
    }
    if (/[\r\n\0]/.test(value)) throw invalid(`The metadata value of "${name}" cannot contain ${firstUnsafe(value)}.`);
    out[name] = HEADER_SAFE.test(value) ? value : libmime().encodeWords(value, 'B', ENCODED_WORD_BYTES).trim();
  }
  return out;
}

/** Metadata as a person wrote it: encoded words decoded. */
export function decodeMetadata(metadata: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!metadata) return metadata;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) out[name] = value.includes('=?') ? libmime().decodeWords(value) : value;
  return out;
}

/** Headers as sent on the wire; throws InvalidInput at once for what cannot be sent, saying how to write it. */
export function wireHeaders(headers: ObjectHeaders | undefined): ObjectHeaders | undefined {
  if (!headers) return headers;
  if (headers.expires !== undefined && Number.isNaN(Date.parse(headers.expires))) {
    throw invalid(`Expires must be a date, e.g. "Wed, 21 Oct 2026 07:28:00 GMT", not "${headers.expires}".`);
  }
  return {
    contentType: asciiOnly('Content-Type', headers.contentType),
    cacheControl: asciiOnly('Cache-Control', headers.cacheControl),
    contentEncoding: asciiOnly('Content-Encoding', headers.contentEncoding),
    contentLanguage: asciiOnly('Content-Language', headers.contentLanguage),
    contentDisposition: encodeContentDisposition(headers.contentDisposition),
    expires: headers.expires,
    storageClass: asciiOnly('x-amz-storage-class', headers.storageClass),
    acl: asciiOnly('x-amz-acl', headers.acl),
    metadata: encodeMetadata(headers.metadata),
  };
}

/**
 * The request headers of an upload, as the SDK would write them for PutObject and
 * CreateMultipartUpload: lower-case names, Expires as an HTTP date, metadata as x-amz-meta-NAME.
 */
export function requestHeaders(given: ObjectHeaders | undefined): Record<string, string> {
  const headers = wireHeaders(given);
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const field of Object.keys(WIRE_NAMES) as HeaderField[]) {
    const value = headers[field];
    if (value !== undefined) out[WIRE_NAMES[field].toLowerCase()] = field === 'expires' ? new Date(value).toUTCString() : value;
  }
  for (const [name, value] of Object.entries(headers.metadata ?? {})) out[`x-amz-meta-${name.toLowerCase()}`] = value;
  return out;
}

/** x-amz-meta-* response headers as the SDK returns them: names without the prefix, values as sent. */
export function responseMetadata(headers: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  }
  return metadata;
}
