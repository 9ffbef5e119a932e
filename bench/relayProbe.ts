// WIP probe (not yet part of `npm run bench`): the relay against a direct upload, both across the
// same delaying proxy (100 ms each way), the host beside the server with no delay between them.
// Run with the S3 server's environment (scripts/s3-server.sh env):
//   npx tsx bench/relayProbe.ts [smallFiles=2000] [bigMiB=200]

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { planUploads } from '../electron/engine/batchPlan.js';
import { S3Store } from '../electron/engine/s3/store.js';
import { relayUpload } from '../electron/relay/sender.js';
import { startLatencyProxy } from './latencyProxy.js';

const run = promisify(execFile);
const env = process.env;
let endpoint = env.FERRY_TEST_ENDPOINT ?? 'http://127.0.0.1:18080';
const credentials = { accessKeyId: env.FERRY_TEST_ACCESS_KEY ?? 'test:tester', secretAccessKey: env.FERRY_TEST_SECRET_KEY ?? 'testing' };
const smallFiles = Number(process.argv[2] ?? 2000);
const bigMiB = Number(process.argv[3] ?? 200);
const DELAY_MS = Number(env.RELAY_DELAY_MS ?? 100);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-relay-probe-'));
  const src = path.join(dir, 'src');
  for (let i = 0; i < smallFiles; i++) {
    const file = path.join(src, 'small', String(Math.floor(i / 100)), `${i}.bin`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, randomBytes(4096 + Math.floor(Math.random() * 60 * 1024)));
  }
  if (bigMiB > 0) await writeFile(path.join(src, 'big.bin'), randomBytes(bigMiB * 1024 * 1024));
  // RELAY_DISCARD=1: the bucket is the discarding endpoint's (no server cost per object), in a
  // process of its own, as the host is: one process for all three would measure its event loop.
  const children: ChildProcess[] = [];
  const firstLine = async (child: ChildProcess): Promise<string> => {
    children.push(child);
    for await (const line of createInterface({ input: child.stdout as Readable })) return line;
    throw new Error('the child printed nothing');
  };
  const discard = env.RELAY_DISCARD === '1';
  if (discard) endpoint = await firstLine(spawn(process.execPath, ['--import', 'tsx', 'bench/discardServer.ts'], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const bucket = discard ? 'bench' : `ferry-relay-probe-${randomBytes(3).toString('hex')}`;
  if (!discard) await new S3Store({ endpoint: { endpoint, region: 'us-east-1', forcePathStyle: true }, credentials, retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 }, maxSockets: 4, idleTimeoutMs: 30_000 }).createBucket(bucket);
  const proxyPort = await freePort();
  const hostInfo = JSON.parse(await firstLine(spawn(process.execPath, ['--import', 'tsx', 'bench/relayHost.ts', endpoint, `http://127.0.0.1:${proxyPort}`, path.join(dir, 'host')], { stdio: ['ignore', 'pipe', 'inherit'] }))) as { port: number; token: string };
  const host = { port: hostInfo.port, token: hostInfo.token };
  const toHost = await startLatencyProxy(new URL(`http://127.0.0.1:${host.port}`), { delayMs: DELAY_MS, bytesPerSecond: 0 }, proxyPort);
  const toServer = await startLatencyProxy(new URL(endpoint), { delayMs: DELAY_MS, bytesPerSecond: 0 });

  const plan = await planUploads([src], bucket, 'relayed/');
  const files = plan.files.map((f) => ({ path: f.source, name: f.key.slice('relayed/'.length), size: f.size, headers: f.headers }));
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  let t = performance.now();
  const relayed = await relayUpload({ url: `http://127.0.0.1:${proxyPort}/?token=${host.token}`, bucket, prefix: 'relayed/', batch: 'probe' }, files, { bundleFiles: Number(env.RELAY_BUNDLE_FILES ?? 2000), streams: Number(env.RELAY_STREAMS ?? 4) });
  const relaySeconds = (performance.now() - t) / 1000;
  console.log(`relay: ${relayed.sent} files, ${(bytes / 1048576).toFixed(1)} MiB in ${relaySeconds.toFixed(2)} s (${relayed.failed.length} failed)`);

  t = performance.now();
  const direct = await run(process.execPath, ['bin/ferry.js', 'upload', src, `s3://${bucket}/direct/`, '--endpoint', toServer.url, '--path-style', '-q'], { env: { ...env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, HOME: dir }, maxBuffer: 1 << 24 });
  const directSeconds = (performance.now() - t) / 1000;
  console.log(`direct: ${direct.stdout.trim()} (wall ${directSeconds.toFixed(2)} s)`);
  console.log(`relay ${(directSeconds / relaySeconds).toFixed(2)}x faster`);
  await toHost.close();
  await toServer.close();
  for (const child of children) child.kill();
}

void main();
