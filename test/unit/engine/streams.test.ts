import { describe, expect, it } from 'vitest';
import { largestStream, streamMaxPartSize, streamPartSize } from '../../../electron/engine/streams.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('the part sizes of a stream of unknown length', () => {
  it('tops out at half the part buffers, never below the starting size, never above S3 5 GiB', () => {
    expect(streamMaxPartSize(8 * MiB, 256 * MiB)).toBe(128 * MiB);
    expect(streamMaxPartSize(8 * MiB, 16 * MiB)).toBe(8 * MiB);
    expect(streamMaxPartSize(8 * MiB, 12 * MiB)).toBe(8 * MiB);
    expect(streamMaxPartSize(8 * MiB, 300 * MiB)).toBe(150 * MiB);
    expect(streamMaxPartSize(8 * MiB, 64 * GiB)).toBe(5 * GiB);
  });

  it('doubles after every 1,000 parts up to the top size', () => {
    const max = 128 * MiB;
    expect([0, 999, 1000, 1999, 2000, 3000, 4000, 5000, 9999].map((i) => streamPartSize(i, 8 * MiB, max) / MiB)).toEqual([8, 8, 16, 16, 32, 64, 128, 128, 128]);
  });

  it('says the largest stream the settings allow', () => {
    // Defaults (8 MiB parts, a 256 MiB budget): 1,000 parts each of 8, 16, 32, 64 MiB, then 6,000 of 128 MiB.
    expect(largestStream(8 * MiB, 128 * MiB)).toBe((1000 * (8 + 16 + 32 + 64) + 6000 * 128) * MiB);
    expect(largestStream(8 * MiB, 8 * MiB)).toBe(10_000 * 8 * MiB);
    // With room for 5 GiB parts the last thousand are 4 GiB (8 MiB doubled nine times).
    expect(largestStream(8 * MiB, 5 * GiB)).toBe(1000 * 8 * MiB * (2 ** 10 - 1));
  });
});
