import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EtagSession, hashPart } from '../../../electron/engine/hashPool.js';
import { EtagHasher } from '../../../electron/engine/checksum.js';
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

describe('EtagSession', () => {
  it('computes on a worker the ETag EtagHasher computes on the loop: plain MD5 and multipart, chunks across part boundaries', async () => {
    const content = randomBytes(5 * MiB + 12_345);
    const shared = Buffer.from(new SharedArrayBuffer(MiB + 7));
    for (const partSize of [undefined, MiB, 2 * MiB + 3, 5 * MiB + 12_345]) {
      const session = new EtagSession(partSize);
      const loop = new EtagHasher(partSize);
      for (let at = 0; at < content.length; at += shared.length) {
        const chunk = content.subarray(at, at + shared.length);
        chunk.copy(shared);
        await session.update(shared.subarray(0, chunk.length));
        loop.update(chunk);
      }
      expect(await session.digest(), String(partSize)).toBe(loop.digest());
    }
  });

  it('several sessions at once keep their own state; a dropped one is forgotten', async () => {
    const shared = [0, 1, 2].map(() => Buffer.from(new SharedArrayBuffer(256 * 1024)));
    const sessions = shared.map(() => new EtagSession(100_000));
    const loops = shared.map(() => new EtagHasher(100_000));
    for (let round = 0; round < 4; round++) {
      await Promise.all(
        shared.map(async (buffer, i) => {
          buffer.fill(round * 3 + i);
          loops[i]?.update(buffer);
          await sessions[i]?.update(buffer);
        }),
      );
    }
    const dropped = new EtagSession();
    dropped.drop();
    expect(await Promise.all(sessions.map((s) => s.digest()))).toEqual(loops.map((l) => l.digest()));
  });
});

