// Transfers through a misbehaving network (resets, stalls, 503 SlowDown) and across a restart of
// the S3 server itself still complete, byte-identical, and leave no multipart upload behind.

import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import type { TransferEvent } from '../../../shared/transfer.js';
import { repoRoot } from '../../support/cli.js';
import { startFaultProxy } from '../../support/faultProxy.js';
import { sha256File, treeHashes, writeRandomFile } from '../../support/files.js';
import { incompleteUploads, testAccount, testEngine, closeTestBed, openTestBed } from '../../support/s3.js';

const MiB = 1024 * 1024;

let store: S3Store;
let bucket: string;
let dir: string;

beforeAll(async () => ({ store, bucket, dir } = await openTestBed('faults')));

afterAll(() => closeTestBed({ store, bucket, dir }));

// A deterministic stream of "random" numbers, so a failing run can be repeated exactly.
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const endpoint = testAccount().endpoint.endpoint;

describe.skipIf(!endpoint)('through a faulty network', () => {
  it('uploads and downloads a large file and a folder byte-identical despite resets, stalls and SlowDown', async () => {
    const proxy = await startFaultProxy(new URL(endpoint as string), { pattern: ['reset', 'none', 'slowDown', 'stall', 'none', 'reset', 'slowDown'], maxBytesBeforeFault: 6 * MiB, maxFaults: 15 }, seeded(42));
    const account = testAccount();
    const retries: TransferEvent[] = [];
    const engine = testEngine(
      { settings: { partSize: 5 * MiB, partsInFlight: 4, filesInFlight: 8, maxAttempts: 10, idleTimeoutMs: 2_000 }, onEvent: (e) => e.type === 'retry' && retries.push(e) },
      { ...account, endpoint: { ...account.endpoint, endpoint: proxy.url, forcePathStyle: true } },
    );
    try {
      const big = path.join(dir, 'big.bin');
      await writeRandomFile(big, 48 * MiB + 7);
      await engine.upload({ source: big, bucket, key: 'faulty/big.bin' });
      await engine.download({ bucket, key: 'faulty/big.bin', target: path.join(dir, 'back', 'big.bin') });
      expect(await sha256File(path.join(dir, 'back', 'big.bin'))).toBe(await sha256File(big));

      const folder = path.join(dir, 'many');
      await mkdir(folder, { recursive: true });
      for (let i = 0; i < 60; i++) await writeRandomFile(path.join(folder, `f${i}.bin`), 10_000 + i * 3_001);
      const up = await engine.runUploads(await engine.planUploads([folder], bucket, 'faulty/'));
      expect(up.failures).toEqual([]);
      const down = await engine.runDownloads(await engine.planDownloads(bucket, 'faulty/many/', path.join(dir, 'back')));
      expect(down.failures).toEqual([]);
      expect(await treeHashes(path.join(dir, 'back', 'many'))).toEqual(await treeHashes(folder));

      // The faults really happened, and were retried, not silently absent.
      expect(proxy.counts.resets).toBeGreaterThan(0);
      expect(proxy.counts.stalls).toBeGreaterThan(0);
      expect(proxy.counts.slowDowns).toBeGreaterThan(0);
      expect(retries.length).toBeGreaterThan(0);
      expect(await incompleteUploads(store, bucket)).toEqual([]);
    } finally {
      engine.close();
      await proxy.close();
    }
  });
});

const run = promisify(execFile);
const OUTAGE_CODES: string[] = ['EndpointUnreachable', 'NetworkError', 'Timeout'];

/** Polls until the condition holds, or fails after the deadline. */
async function until(condition: () => boolean, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`condition not met within ${deadlineMs} ms`);
    await sleep(50);
  }
}
const serverScript = (verb: 'stop' | 'start') => run('bash', [path.join(repoRoot, 'scripts/s3-server.sh'), verb]);

// Only the project's own local server can be restarted by a test.
const localServer = !process.env.FERRY_TEST_ENDPOINT_EXTERNAL && endpoint === 'http://127.0.0.1:18080';

describe.skipIf(!localServer)('across a restart of the S3 server', () => {
  it('an upload waits while the server is down, then completes by itself', async () => {
    const source = path.join(dir, 'restart.bin');
    await writeRandomFile(source, 60 * MiB);
    // Held to 4 MiB/s (15 s for the file): stopping the server takes several seconds, and the
    // upload must still be running when it is down, however fast this machine is.
    const engine = testEngine({ settings: { partSize: 5 * MiB, partsInFlight: 2, maxAttempts: 3, maxRetryDelayMs: 1_000, offlineWaitMs: 60_000, bandwidthLimit: 4 * MiB } });
    const retries: TransferEvent[] = [];
    engine.on((e) => e.type === 'retry' && retries.push(e));
    let restarted = false;
    let restart: Promise<void> | undefined;
    engine.on((e) => {
      if (!restarted && e.type === 'progress' && e.segments.some((s) => s.status === 'done')) {
        restarted = true;
        // Asynchronously, so the engine keeps running while the server is down; started again only
        // once the engine has met the outage (a retry for a refused or dropped connection).
        restart = (async () => {
          await serverScript('stop');
          try {
            await until(() => retries.some((e) => e.type === 'retry' && OUTAGE_CODES.includes(e.error.code)), 30_000);
          } finally {
            // Started again whatever happened: every later test needs the server.
            await serverScript('start');
          }
        })();
      }
    });
    try {
      const verified = await engine.upload({ source, bucket, key: 'restart.bin' });
      await restart;
      expect(restarted).toBe(true);
      expect(verified.method).toBe('multipart-etag');
      const codes = retries.map((e) => (e.type === 'retry' ? e.error.code : ''));
      expect(codes.some((c) => OUTAGE_CODES.includes(c)), `retry codes: ${codes.join(', ')}`).toBe(true);
      const out = path.join(dir, 'restart-out', 'restart.bin');
      await engine.download({ bucket, key: 'restart.bin', target: out });
      expect(await sha256File(out)).toBe(await sha256File(source));
      expect(await incompleteUploads(store, bucket)).toEqual([]);
    } finally {
      engine.close();
    }
  });
});
