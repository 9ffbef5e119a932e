// The binary WebSocket frame that carries one chunk of a browser-mode upload (see ChunkHeader in
// queue.ts): encoded by the page, decoded and checked by the host before anything else sees it.

import { MAX_CHUNK_BYTES, type ChunkHeader } from './queue.js';

/** The 4-byte big-endian length of the header that starts every chunk frame. */
const LENGTH_BYTES = 4;
// A header is an id, a stream id of at most 200 characters, an offset and a flag: well under 1 KiB
// even with every character escaped. A longer one is not a header.
export const MAX_CHUNK_HEADER_BYTES = 1024;
const MAX_STREAM_ID = 200;

/** The largest frame a well-behaved sender makes. */
export const MAX_CHUNK_FRAME_BYTES = LENGTH_BYTES + MAX_CHUNK_HEADER_BYTES + MAX_CHUNK_BYTES;

export type DecodedChunkFrame = { ok: true; header: ChunkHeader; bytes: Uint8Array } | { ok: false; reason: string };

/** Length, header, bytes, in one buffer ready for WebSocket.send. */
export function encodeChunkFrame(header: ChunkHeader, bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const headerBytes = new TextEncoder().encode(JSON.stringify({ id: header.id, streamId: header.streamId, offset: header.offset, last: header.last }));
  const frame = new Uint8Array(LENGTH_BYTES + headerBytes.length + bytes.length);
  new DataView(frame.buffer).setUint32(0, headerBytes.length, false);
  frame.set(headerBytes, LENGTH_BYTES);
  frame.set(bytes, LENGTH_BYTES + headerBytes.length);
  return frame;
}

/**
 * Reads a frame from an untrusted sender. The bytes are a view into `frame`, not a copy. Every
 * refusal says why in a sentence short enough for a WebSocket close reason (at most 123 bytes).
 */
export function decodeChunkFrame(frame: Uint8Array): DecodedChunkFrame {
  if (frame.length < LENGTH_BYTES) return { ok: false, reason: 'A chunk frame starts with a 4-byte header length.' };
  const headerLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, false);
  if (headerLength === 0 || headerLength > MAX_CHUNK_HEADER_BYTES || LENGTH_BYTES + headerLength > frame.length) {
    return { ok: false, reason: 'A chunk header length is out of range.' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(frame.subarray(LENGTH_BYTES, LENGTH_BYTES + headerLength)));
  } catch {
    return { ok: false, reason: 'A chunk header is not UTF-8 JSON.' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, reason: 'A chunk header is a JSON object.' };
  const { id, streamId, offset, last } = parsed as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isFinite(id)) return { ok: false, reason: 'A chunk header needs a numeric id.' };
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > MAX_STREAM_ID) return { ok: false, reason: 'A chunk header needs a streamId of 1 to 200 characters.' };
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return { ok: false, reason: 'A chunk header needs an integer offset of 0 or more.' };
  if (typeof last !== 'boolean') return { ok: false, reason: 'A chunk header needs a boolean last.' };
  const bytes = frame.subarray(LENGTH_BYTES + headerLength);
  if (bytes.length > MAX_CHUNK_BYTES) return { ok: false, reason: 'A chunk is larger than MAX_CHUNK_BYTES.' };
  return { ok: true, header: { id, streamId, offset, last }, bytes };
}
