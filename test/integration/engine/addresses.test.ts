// Connections spread over an endpoint name's addresses: a name the engine resolves (through the
// resolver the tests may set) to 127.0.0.2 and 127.0.0.3, each a relay to the real S3 server on the
// same port. Sixteen parts in flight use both; with one address gone, the transfer still ends,
// through the other.

import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolve } from '../../../electron/engine/s3/addresses.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { closeTestBed, openTestBed, testAccount, testEngine } from '../../support/s3.js';
import { startTcpRelay, type TcpRelay } from '../../support/tcpRelay.js';

const MiB = 1024 * 1024;
const NAME = 'spread.ferry.test';

let store: S3Store;
let bucket: string;
let dir: string;
let relays: TcpRelay[] = [];
let resolved = 0;

// The name's two addresses, as a DNS answer would give them.
const resolve: Resolve = async (hostname) => {
  resolved++;
  if (hostname !== NAME) throw Object.assign(new Error(`unknown name ${hostname}`), { code: 'ENOTFOUND' });
  return { addresses: relays.map((r) => ({ address: r.host, family: 4 as const })) };
};

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('addresses'));
  const target = new URL(testAccount().endpoint.endpoint ?? 'http://127.0.0.1:18080');
  // One port on both addresses: the endpoint URL names one.
  const first = await startTcpRelay('127.0.0.2', 0, target);
  relays = [first, await startTcpRelay('127.0.0.3', first.port, target)];
});

afterAll(async () => {
  await Promise.all(relays.map((r) => r.close().catch(() => undefined)));
  await closeTestBed({ store, bucket, dir });
});

function spreadEngine() {
  const account = testAccount();
  const endpoint = { ...account.endpoint, endpoint: `http://${NAME}:${relays[0]?.port}`, forcePathStyle: true };
  return testEngine({ resolve, settings: { partSize: 5 * MiB, partsInFlight: 16, adaptive: false } }, { ...account, endpoint });
}

describe('connections spread over addresses', () => {
  it('sends 16 parts in flight over both addresses of the name', async () => {
    const data = randomBytes(80 * MiB);
    const file = path.join(dir, 'spread.bin');
    await writeFile(file, data);
    const engine = spreadEngine();
    try {
      await engine.upload({ source: file, bucket, key: 'spread.bin' });
      const used = Object.fromEntries(engine.connectionsByAddress());
      // The spread, as measured: connections begun per address.
      console.log(`connections by address: ${JSON.stringify(used)}; relays accepted ${relays.map((r) => `${r.host} ${r.connections}`).join(', ')}`);
      const [a, b] = relays;
      expect(a?.connections).toBeGreaterThanOrEqual(3);
      expect(b?.connections).toBeGreaterThanOrEqual(3);
      expect(Math.abs((a?.connections ?? 0) - (b?.connections ?? 0))).toBeLessThanOrEqual(2);
      expect(used['127.0.0.2']).toBe(a?.connections);
      expect(used['127.0.0.3']).toBe(b?.connections);
    } finally {
      engine.close();
    }
    const head = await store.headObject(bucket, 'spread.bin');
    expect(head.size).toBe(data.length);
    expect(head.etag).toMatch(/-16$/);
  });

  it('sets an address that cannot be reached aside, and ends the transfer through the other', async () => {
    const engine = spreadEngine();
    const data = randomBytes(40 * MiB);
    const file = path.join(dir, 'one-left.bin');
    await writeFile(file, data);
    const gone = relays[1];
    await gone?.close();
    const before = { ...Object.fromEntries(relays.map((r) => [r.host, r.connections])) };
    const resolvedBefore = resolved;
    try {
      await engine.upload({ source: file, bucket, key: 'one-left.bin' });
      const used = engine.connectionsByAddress();
      // The closed address was tried at most a few times before it was set aside (and the name resolved again).
      expect(used.get('127.0.0.3') ?? 0).toBeLessThanOrEqual(3);
      expect(relays[0]?.connections ?? 0).toBeGreaterThan(before['127.0.0.2'] ?? 0);
      expect(resolved).toBeGreaterThan(resolvedBefore);
    } finally {
      engine.close();
    }
    const back = await store.getRange({ bucket, key: 'one-left.bin', start: 0, end: data.length - 1 });
    const hash = createHash('sha256');
    for await (const chunk of back.body) hash.update(chunk as Buffer);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  });
});
