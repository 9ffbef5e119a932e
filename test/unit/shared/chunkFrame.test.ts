// A browser-mode upload's chunk frame: what the page encodes the host decodes, and whatever else
// arrives is refused with a reason.
import { describe, expect, it } from 'vitest';
import { decodeChunkFrame, encodeChunkFrame, MAX_CHUNK_HEADER_BYTES } from '../../../shared/chunkFrame.js';
import { MAX_CHUNK_BYTES, type ChunkHeader } from '../../../shared/queue.js';

const header: ChunkHeader = { id: 7, streamId: 'stream-1', offset: 3 * MAX_CHUNK_BYTES, last: false };

/** A frame from its parts, as a sender that does not follow the rules might make it. */
function rawFrame(headerText: string, bytes = new Uint8Array(), declaredLength?: number): Uint8Array {
  const headerBytes = new TextEncoder().encode(headerText);
  const frame = new Uint8Array(4 + headerBytes.length + bytes.length);
  new DataView(frame.buffer).setUint32(0, declaredLength ?? headerBytes.length, false);
  frame.set(headerBytes, 4);
  frame.set(bytes, 4 + headerBytes.length);
  return frame;
}

function refusal(frame: Uint8Array): string {
  const decoded = decodeChunkFrame(frame);
  if (decoded.ok) throw new Error('the frame was accepted');
  return decoded.reason;
}

describe('chunk frames', () => {
  it('round-trips a header and its bytes', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    const decoded = decodeChunkFrame(encodeChunkFrame(header, bytes));
    expect(decoded).toEqual({ ok: true, header, bytes });
  });

  it('starts with the header length, big-endian, then the header as JSON', () => {
    const frame = encodeChunkFrame({ ...header, last: true }, new Uint8Array([1, 2, 3]));
    const length = (frame[0]! << 24) | (frame[1]! << 16) | (frame[2]! << 8) | frame[3]!;
    expect(JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + length)))).toEqual({ ...header, last: true });
    expect([...frame.subarray(4 + length)]).toEqual([1, 2, 3]);
  });

  it('carries an empty last chunk (a zero-byte file)', () => {
    const decoded = decodeChunkFrame(encodeChunkFrame({ ...header, offset: 0, last: true }, new Uint8Array()));
    expect(decoded.ok && decoded.bytes.length).toBe(0);
  });

  it('decodes a frame that is a view into a larger buffer (as a Node Buffer from a pool is)', () => {
    const frame = encodeChunkFrame(header, new Uint8Array([9, 8, 7]));
    const pool = new Uint8Array(frame.length + 20);
    pool.set(frame, 10);
    const decoded = decodeChunkFrame(pool.subarray(10, 10 + frame.length));
    expect(decoded.ok && [...decoded.bytes]).toEqual([9, 8, 7]);
    expect(decoded.ok && decoded.header).toEqual(header);
  });

  it('takes a chunk of MAX_CHUNK_BYTES, and refuses one byte more', () => {
    expect(decodeChunkFrame(encodeChunkFrame(header, new Uint8Array(MAX_CHUNK_BYTES))).ok).toBe(true);
    expect(refusal(encodeChunkFrame(header, new Uint8Array(MAX_CHUNK_BYTES + 1)))).toMatch(/larger/);
  });

  it('refuses a header length that is zero, too large, or past the frame', () => {
    expect(refusal(new Uint8Array([0, 0, 1]))).toMatch(/4-byte/);
    expect(refusal(rawFrame(JSON.stringify(header), undefined, 0))).toMatch(/length/);
    expect(refusal(rawFrame(JSON.stringify(header), undefined, MAX_CHUNK_HEADER_BYTES + 1))).toMatch(/length/);
    expect(refusal(rawFrame(JSON.stringify(header), undefined, 500))).toMatch(/length/);
    expect(refusal(rawFrame(JSON.stringify(header), undefined, 0xffffffff))).toMatch(/length/);
  });

  it('refuses a header that is not a JSON object, or not UTF-8', () => {
    expect(refusal(rawFrame('{"id":1,'))).toMatch(/JSON/);
    expect(refusal(rawFrame('null'))).toMatch(/object/);
    const frame = rawFrame('{"id":1}');
    frame[5] = 0xff;
    expect(refusal(frame)).toMatch(/UTF-8/);
  });

  it.each([
    ['no id', { ...header, id: undefined }, /id/],
    ['a string id', { ...header, id: '7' }, /id/],
    ['no stream id', { ...header, streamId: undefined }, /streamId/],
    ['an empty stream id', { ...header, streamId: '' }, /streamId/],
    ['a stream id of 201 characters', { ...header, streamId: 'x'.repeat(201) }, /streamId/],
    ['a negative offset', { ...header, offset: -1 }, /offset/],
    ['a fractional offset', { ...header, offset: 1.5 }, /offset/],
    ['an offset past 2^53', { ...header, offset: 2 ** 53 }, /offset/],
    ['a string offset', { ...header, offset: '0' }, /offset/],
    ['last as a number', { ...header, last: 1 }, /last/],
  ])('refuses a header with %s', (_, fields, reason) => {
    expect(refusal(rawFrame(JSON.stringify(fields)))).toMatch(reason);
  });

  it('takes a stream id of 200 characters', () => {
    expect(decodeChunkFrame(encodeChunkFrame({ ...header, streamId: 'x'.repeat(200) }, new Uint8Array(1))).ok).toBe(true);
  });

  it('gives reasons short enough for a WebSocket close frame (123 bytes)', () => {
    const reasons = [new Uint8Array(2), rawFrame('{'), rawFrame('1'), rawFrame('{}'), rawFrame(JSON.stringify({ id: 1 })), rawFrame(JSON.stringify({ id: 1, streamId: 's' })), rawFrame(JSON.stringify({ id: 1, streamId: 's', offset: 0 })), encodeChunkFrame(header, new Uint8Array(MAX_CHUNK_BYTES + 1))].map(refusal);
    for (const reason of reasons) expect(new TextEncoder().encode(reason).length).toBeLessThanOrEqual(123);
  });
});
