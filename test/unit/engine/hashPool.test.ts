import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hashPart } from '../../../electron/engine/hashPool.js';
import { PartBuffers } from '../../../electron/engine/partBuffers.js';

const MiB = 1024 * 1024;

describe('hashPart', () => {
  it('gives the MD5 and CRC32 of a part buffer (shared memory, hashed on a worker) and of any other buffer', async () => {
    const buffers = new PartBuffers(64 * MiB);
    const lease = await buffers.acquire(8 * MiB + 5);
    try {
      expect(lease.buffer.buffer).toBeInstanceOf(SharedArrayBuffer);
      randomBytes(lease.buffer.length).copy(lease.buffer);
      const out = await hashPart(lease.buffer, true);
      expect(out.md5.toString('hex')).toBe(createHash('md5').update(lease.buffer).digest('hex'));
      expect(out.crc).toBe(crc32(lease.buffer));
      const plain = randomBytes(3 * MiB);
      expect((await hashPart(plain, false)).md5).toEqual(createHash('md5').update(plain).digest());
      expect((await hashPart(plain, false)).crc).toBeUndefined();
    } finally {
      lease.release();
    }
  });

  it('hashes many parts at once, each its own', async () => {
    const buffers = new PartBuffers(128 * MiB);
    const leases = await Promise.all(Array.from({ length: 12 }, () => buffers.acquire(8 * MiB)));
    leases.forEach((lease, i) => lease.buffer.fill(i));
    const digests = await Promise.all(leases.map((lease) => hashPart(lease.buffer, false)));
    leases.forEach((lease, i) => expect(digests[i]?.md5).toEqual(createHash('md5').update(lease.buffer).digest()));
    for (const lease of leases) lease.release();
  });
});
