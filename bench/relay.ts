// `npm run bench -- --relay`: the relay (issue 16) against a direct upload, both by the command line
// and both across the same delaying proxy (100 ms each way: the desktop far from the bucket), the
// relay host beside the server with no delay between them. Small files (2,000 of 4–64 KiB) and one
// large file (200 MiB) are timed apart. Against the local Swift the objects are compared after
// (each ETag the same either way: MD5s, and the large file's multipart ETag from the same parts);
// against the discarding endpoint (`--relay-server discard`) the server costs nothing per object.
// The host (bench/relayHost.ts) and the discarding endpoint run in processes of their own.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { S3Store } from '../electron/engine/s3/store.js';
import { startLatencyProxy } from './latencyProxy.js';
import { freePort } from '../test/support/ports.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;

export interface RelayBenchOptions {
  root: string;
  server: 'swift' | 'discard';
  smallFiles: number;
  bigMiB: number;
  delayMs: number;
  runs: number;
}

export async function relayRun(options: RelayBenchOptions): Promise<void> {
  const env = process.env;
  const credentials = { accessKeyId: env.FERRY_TEST_ACCESS_KEY ?? 'test:tester', secretAccessKey: env.FERRY_TEST_SECRET_KEY ?? 'testing' };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-bench-relay-'));
  const children: ChildProcess[] = [];
  const firstLine = async (child: ChildProcess): Promise<string> => {
    children.push(child);
    for await (const line of createInterface({ input: child.stdout as Readable })) return line;
    throw new Error('the child printed nothing');
  };
  try {
    const small = path.join(dir, 'small');
    for (let i = 0; i < options.smallFiles; i++) {
      const file = path.join(small, String(Math.floor(i / 100)), `${i}.bin`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, randomBytes(4096 + Math.floor(Math.random() * 60 * 1024)));
    }
    const big = path.join(dir, 'big');
    await mkdir(big);
    await writeFile(path.join(big, 'big.bin'), randomBytes(options.bigMiB * MiB));

    let endpoint = env.FERRY_TEST_ENDPOINT ?? 'http://127.0.0.1:18080';
    if (options.server === 'discard') endpoint = await firstLine(spawn(process.execPath, ['--import', 'tsx', path.join(options.root, 'bench', 'discardServer.ts')], { stdio: ['ignore', 'pipe', 'inherit'] }));
    const bucket = options.server === 'discard' ? 'bench' : `ferry-bench-relay-${randomBytes(3).toString('hex')}`;
    const store = new S3Store({ endpoint: { endpoint, region: 'us-east-1', forcePathStyle: true }, credentials, retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 }, maxSockets: 4, idleTimeoutMs: 30_000 });
    if (options.server === 'swift') await store.createBucket(bucket);

    // The desktop reaches the host, and (directly) the server, across the same delay.
    const proxyPort = await freePort();
    const hostInfo = JSON.parse(await firstLine(spawn(process.execPath, ['--import', 'tsx', path.join(options.root, 'bench', 'relayHost.ts'), endpoint, `http://127.0.0.1:${proxyPort}`, path.join(dir, 'host')], { stdio: ['ignore', 'pipe', 'inherit'] }))) as { port: number; token: string };
    const toHost = await startLatencyProxy(new URL(`http://127.0.0.1:${hostInfo.port}`), { delayMs: options.delayMs, bytesPerSecond: 0 }, proxyPort);
    const toServer = await startLatencyProxy(new URL(endpoint), { delayMs: options.delayMs, bytesPerSecond: 0 });
    const via = `http://127.0.0.1:${proxyPort}/?token=${hostInfo.token}`;
    const cliEnv = { ...env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_REGION: 'us-east-1', HOME: dir, FERRY_STATE_DIR: path.join(dir, 'desktop-state') };
    const ferry = async (args: string[]): Promise<number> => {
      const started = performance.now();
      await run(process.execPath, [path.join(options.root, 'bin', 'ferry.js'), ...args, '-q'], { env: cliEnv, maxBuffer: 1 << 24 });
      return (performance.now() - started) / 1000;
    };

    process.stdout.write(`relay bench: ${options.smallFiles} files of 4–64 KiB and one of ${options.bigMiB} MiB, ${options.delayMs} ms each way to the host and to the server (direct), server ${options.server}\n`);
    const rows: { what: string; relay: number[]; direct: number[] }[] = [
      { what: `${options.smallFiles} small files`, relay: [], direct: [] },
      { what: `one ${options.bigMiB} MiB file`, relay: [], direct: [] },
    ];
    for (let r = 0; r < options.runs; r++) {
      for (const [row, folder] of [[rows[0], small], [rows[1], big]] as const) {
        if (!row) continue;
        // Each run to prefixes of its own: nothing is passed over as already there.
        row.relay.push(await ferry(['upload', folder, `s3://${bucket}/run${r}/relayed/`, '--via', via]));
        row.direct.push(await ferry(['upload', folder, `s3://${bucket}/run${r}/direct/`, '--endpoint', toServer.url, '--path-style']));
        process.stdout.write(`  run ${r + 1}: ${row.what}: relay ${row.relay.at(-1)?.toFixed(2)} s, direct ${row.direct.at(-1)?.toFixed(2)} s\n`);
      }
      if (options.server === 'swift') await compare(store, bucket, `run${r}/`);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
    process.stdout.write('\n| what | relay (s) | direct (s) | relay faster by |\n|---|---|---|---|\n');
    for (const row of rows) {
      process.stdout.write(`| ${row.what} | ${median(row.relay).toFixed(2)} | ${median(row.direct).toFixed(2)} | ${(median(row.direct) / median(row.relay)).toFixed(2)}× |\n`);
    }
    await toHost.close();
    await toServer.close();
  } finally {
    for (const child of children) child.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The relayed objects are the directly uploaded ones: every ETag the same, and as many. */
async function compare(store: S3Store, bucket: string, prefix: string): Promise<void> {
  const etags = async (below: string) => {
    const found = new Map<string, string | undefined>();
    for await (const entry of store.listAll(bucket, below)) found.set(entry.key.slice(below.length), entry.etag);
    return found;
  };
  const relayed = await etags(`${prefix}relayed/`);
  const direct = await etags(`${prefix}direct/`);
  const differing = [...direct].filter(([key, etag]) => relayed.get(key) !== etag).map(([key]) => key);
  if (differing.length > 0 || relayed.size !== direct.size) throw new Error(`relayed and direct objects differ: ${relayed.size} vs ${direct.size} objects, ${differing.length} ETags differ (${differing.slice(0, 3).join(', ')})`);
  process.stdout.write(`  compared: ${relayed.size} objects, every ETag the same relayed and direct\n`);
}
