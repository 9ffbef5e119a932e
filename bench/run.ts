// `npm run bench`: Ferry beside the AWS CLI, rclone and lib-storage, same data, same run, same
// machine; against the local Swift and a discarding endpoint; on loopback, with 50 ms each way,
// and with 50 ms plus a 100 MiB/s cap. Prints a table and writes bench/results/latest.json; a full
// run (all tools and servers, >= 3 runs) also writes docs/benchmarks.md. `--quick` uses smaller
// data and one latency profile (a few minutes).
// `--relay`: the relay against a direct upload across 100 ms each way (bench/relay.ts).
// `--memory`: only Ferry's peak RSS on three uploads, each against base + memory budget (see memoryRun).

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { framesRun } from './frames.js';
import { relayRun } from './relay.js';
import { commandFor, type Command, type Direction, type Endpoint, type Tool } from './clients.js';
import { ensureManyObjects, manyBucketName, MANY_PREFIX } from './manyObjects.js';
import { S3Store } from '../electron/engine/s3/store.js';
import { startLatencyProxy, type LinkShape } from './latencyProxy.js';
import { keepParts, keptTable, type BenchRow } from './fullRun.js';

// The SDK's notice that its 2027 releases need Node 22: versions are pinned, so it is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const root = path.resolve(import.meta.dirname, '..', import.meta.dirname.includes('dist-bench') ? '..' : '.');
const MiB = 1024 * 1024;
const COMMAND_LIMIT_S = 300;
const ALL_TOOLS: Tool[] = ['ferry', 'awscli', 'rclone', 'lib-storage', 'ceiling'];
const ALL_SERVERS = ['swift', 'discard'];

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    tools: { type: 'string', default: ALL_TOOLS.join(',') },
    servers: { type: 'string', default: ALL_SERVERS.join(',') },
    // Only this: Ferry uploads a sparse file of N GiB to the discarding endpoint; peak RSS must not grow with N.
    'rss-gib': { type: 'string' },
    // Only this: Ferry's peak RSS on three uploads (300 files, 10 GiB, 30 s of 200 GiB) against base + memory budget.
    memory: { type: 'boolean', default: false },
    // Only this: the queue's frame time in Chromium with 10,000 rows while 16 parts stream progress.
    frames: { type: 'boolean', default: false },
    // How long the 200 GiB upload runs before Ctrl-C (default 30).
    'memory-seconds': { type: 'string' },
    // With --memory: only these workloads (comma-separated: folder, 10gib, 200gib), base still measured.
    'memory-only': { type: 'string' },
    // Only this: a second sync of N unchanged files (default 20,000) to the local Swift, Ferry beside `aws s3 sync` and `rclone sync`.
    sync: { type: 'boolean', default: false },
    'sync-files': { type: 'string' },
    // Only this: a prefix of N objects (default 100,000) listed complete by Ferry, the AWS CLI and rclone.
    list: { type: 'boolean', default: false },
    'list-objects': { type: 'string' },
    // Only this: the relay against a direct upload across the same delay (bench/relay.ts).
    relay: { type: 'boolean', default: false },
    'relay-server': { type: 'string' },
    'relay-files': { type: 'string' },
    'relay-mib': { type: 'string' },
    'relay-delay-ms': { type: 'string' },
    // Only this: docs/benchmarks.md written again from the full run's parts kept in bench/results.
    'write-doc': { type: 'boolean', default: false },
  },
});
const quick = flags.quick ?? false;
const runs = Number(flags.runs ?? (quick ? 1 : 3));
const tools = (flags.tools ?? '').split(',') as Tool[];
const servers = (flags.servers ?? '').split(',');

const BIG = quick ? 256 * MiB : 1024 * MiB;
const SMALL_COUNT = quick ? 200 : 1000;
const profiles: { name: string; shape?: LinkShape }[] = quick
  ? [{ name: 'loopback' }, { name: '50ms' , shape: { delayMs: 50, bytesPerSecond: 0 } }]
  : [
      { name: 'loopback' },
      { name: '50ms', shape: { delayMs: 50, bytesPerSecond: 0 } },
      { name: '50ms+100MiB/s', shape: { delayMs: 50, bytesPerSecond: 100 * MiB } },
    ];

interface Row extends BenchRow {
  tool: Tool;
}

const work = path.join(root, '.tmp', 'bench');
const invocation = Date.now().toString(36);
const data = path.join(work, 'data');
const out = path.join(work, 'out');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Pins this process (and so the proxy it runs) to core 1 with the server; clients get core 0. */
function pin(pid: number, core: number): void {
  if (os.cpus().length < 2) return;
  spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}

async function makeData(): Promise<{ bigFile: string; smallDir: string; bytesSmall: number }> {
  await mkdir(data, { recursive: true });
  const bigFile = path.join(data, `big-${BIG}.bin`);
  if (!existsSync(bigFile)) execFileSync('head', ['-c', String(BIG), '/dev/urandom'], { stdio: ['ignore', (await import('node:fs')).openSync(bigFile, 'w'), 'inherit'] });
  const smallDir = path.join(data, `small-${SMALL_COUNT}`);
  let bytesSmall = 0;
  if (!existsSync(smallDir)) {
    await mkdir(smallDir, { recursive: true });
    const { randomBytes } = await import('node:crypto');
    for (let i = 0; i < SMALL_COUNT; i++) {
      // 4–256 KiB, spread evenly so every run moves the same bytes.
      const size = 4096 + Math.floor(((i * 7919) % SMALL_COUNT) / SMALL_COUNT * (252 * 1024));
      await writeFile(path.join(smallDir, `f${String(i).padStart(5, '0')}.bin`), randomBytes(size));
    }
  }
  for (const name of await readdir(smallDir)) bytesSmall += (await stat(path.join(smallDir, name))).size;
  return { bigFile, smallDir, bytesSmall };
}

interface Measured {
  ok: boolean;
  seconds: number;
  cpu: number;
  rssKiB: number;
  loopP99?: number;
  stderr: string;
}

/** Starts one command pinned to core 0 under /usr/bin/time (GNU time: its child is the command itself, taskset execs it). */
function spawnTimed(file: string, args: string[], env: Record<string, string>, stdout: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  const timeArgs = ['-f', 'BENCH %e %U %S %M', ...(os.cpus().length > 1 ? ['taskset', '-c', '0'] : []), file, ...args];
  return spawn('/usr/bin/time', timeArgs, { env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), FERRY_REPORT_LOOP_DELAY: '1', ...env }, stdio: ['ignore', stdout, 'pipe'] });
}

/** What /usr/bin/time (and Ferry's loop-delay report) wrote to stderr. */
function parseTimed(status: number | null, stderr: string): Measured {
  const line = /BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  const loop = /ferry-loop-delay-p99-ms: ([\d.]+)/.exec(stderr);
  return {
    ok: status === 0 && !!line,
    seconds: Number(line?.[1] ?? 0),
    cpu: Number(line?.[2] ?? 0) + Number(line?.[3] ?? 0),
    rssKiB: Number(line?.[4] ?? 0),
    loopP99: loop ? Number(loop[1]) : undefined,
    stderr: stderr.split('\n').filter((l) => l && !l.startsWith('BENCH') && !l.startsWith('ferry-loop')).slice(-3).join(' | '),
  };
}

/**
 * Runs one command pinned to core 0 under /usr/bin/time: wall seconds, CPU seconds, peak RSS.
 * Asynchronous on purpose: the latency proxy lives in this process and must keep forwarding.
 */
async function measure(file: string, args: string[], env: Record<string, string>, limitS = COMMAND_LIMIT_S, onStdout?: (chunk: Buffer) => void): Promise<Measured> {
  const child = spawnTimed(file, args, env, onStdout ? 'pipe' : 'ignore');
  if (onStdout) child.stdout?.on('data', onStdout);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-64 * 1024);
  });
  // A client that hangs must not hang the benchmark: it is stopped and counted as a failed run.
  const limit = setTimeout(() => {
    stderr += `\nstopped after ${limitS} s`;
    child.kill('SIGKILL');
  }, limitS * 1000);
  const status = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  clearTimeout(limit);
  return parseTimed(status, stderr);
}

/** Bytes under a prefix (the discarding server generates its small files). */
async function listedBytes(endpoint: Endpoint, bucket: string, prefix: string): Promise<number> {
  const { S3Client, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const client = new S3Client({ endpoint: endpoint.url, forcePathStyle: true, region: endpoint.region, credentials: { accessKeyId: endpoint.accessKey, secretAccessKey: endpoint.secretKey } });
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) bytes += o.Size ?? 0;
    token = page.NextContinuationToken;
  } while (token);
  client.destroy();
  return bytes;
}

async function startDiscard(options = ['--small-files', `${SMALL_COUNT}:4096:262144`, '--warm', String(BIG)]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(root, 'dist-bench', 'bench', 'discardServer.js'), '--port', '18090', ...options], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(chunk.toString());
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`discard server exited ${code}`)));
  });
  if (child.pid) pin(child.pid, 1);
  return { url, child };
}

/** Peak RSS of Ferry uploading a sparse file of `gib` GiB (and of 1 GiB, to compare) to the discarding endpoint. */
async function rssRun(gib: number): Promise<void> {
  await mkdir(data, { recursive: true });
  const discard = await startDiscard();
  const endpoint = { url: discard.url, accessKey: 'bench', secretKey: 'bench', region: 'us-east-1' };
  for (const size of [1, gib]) {
    const file = path.join(data, `sparse-${size}GiB.bin`);
    execFileSync('truncate', ['-s', `${size}G`, file]);
    const c = commandFor('ferry', 'up', endpoint, file, 'bench', `rss/${size}.bin`, false);
    const r = await measure(c.file, c.args, c.env);
    process.stdout.write(`ferry upload ${size} GiB (sparse file, discarding endpoint): ${r.ok ? 'ok' : `failed: ${r.stderr}`}, ${(size * 1024 / r.seconds).toFixed(1)} MiB/s, peak RSS ${Math.round(r.rssKiB / 1024)} MiB\n`);
    await rm(file, { force: true });
  }
  discard.child.kill('SIGTERM');
}

// ---- --memory: Ferry's peak RSS against base + memory budget (issue 10)

interface MemoryRow {
  workload: string;
  ok: boolean;
  peakMiB: number;
  baseMiB: number;
  budgetMiB: number;
  limitMiB: number;
  within: boolean;
  /** Only for the sampled workload: the largest VmRSS seen, and how the Ctrl-C went. */
  sampledPeakMiB?: number;
  samples?: number;
  readGiB?: number;
  cancel?: { exitCode: number | null; seconds: number; multipartUploadsBefore: number; multipartUploadsLeft: number; peakWholeRunMiB: number };
  seconds: number;
  mibps: number;
  note?: string;
}

/** The memory budget of the defaults the measured build runs with: `memoryBudget` if the settings have one, else partsInFlight × partSize. */
async function memoryBudget(): Promise<{ bytes: number; source: string }> {
  const url = pathToFileURL(path.join(root, 'dist-bench', 'electron', 'engine', 'settings.js')).href;
  const { DEFAULT_SETTINGS: defaults } = (await import(url)) as { DEFAULT_SETTINGS: Record<string, unknown> };
  if (typeof defaults.memoryBudget === 'number') return { bytes: defaults.memoryBudget, source: 'memoryBudget' };
  const parts = Number(defaults.partsInFlight);
  const partSize = Number(defaults.partSize);
  return { bytes: parts * partSize, source: `partsInFlight × partSize (${parts} × ${partSize / MiB} MiB)` };
}

/** A small seeded generator (mulberry32), so every run makes the same file sizes. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A sparse file: no disk blocks, reads as zeros (the discarding endpoint only counts and hashes bytes). */
async function sparseFile(file: string, bytes: number): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.truncate(bytes);
  } finally {
    await handle.close();
  }
}

/** The process /usr/bin/time started (taskset has exec'd into it once its executable is `file`). */
async function timedChild(timePid: number, file: string, waitMs = 5000): Promise<number | undefined> {
  const want = realpathSync(file);
  const until = Date.now() + waitMs;
  while (Date.now() < until) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === timePid && readlinkSync(`/proc/${entry}/exe`) === want) return Number(entry);
      } catch {
        // The process ended while we looked.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

/**
 * CPU seconds (user + system, its finished children included) the processes `roots` and everything
 * below them have used so far: what a server spent, read before and after a command.
 */
function treeCpuSeconds(roots: number[]): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      // Fields 14-17 of stat (utime, stime, cutime, cstime), counted from field 3 here.
      ticks.set(Number(entry), [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0));
    } catch {
      // The process ended while we looked.
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) if (roots.includes(p)) return true;
    return false;
  };
  let total = 0;
  for (const [pid, t] of ticks) if (inTree(pid)) total += t;
  return total / 100;
}

/** The local Swift's processes (proxy, object, container, account servers, memcached). */
function swiftPids(): number[] {
  const run = path.join(root, '.s3-server', 'run');
  return ['proxy', 'object', 'container', 'account', 'memcached']
    .map((name) => path.join(run, `${name}.pid`))
    .filter((file) => existsSync(file))
    .map((file) => Number(readFileSync(file, 'utf8').trim()));
}

/** VmRSS and VmHWM (peak so far) of a process, in KiB, and the bytes it has read (rchar); undefined once it is gone. */
function procMemory(pid: number): { rssKiB: number; hwmKiB: number; readBytes: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const io = (() => {
      try {
        return Number(/rchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
      } catch {
        return 0;
      }
    })();
    return { rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0), hwmKiB: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0), readBytes: io };
  } catch {
    return undefined;
  }
}

/** Multipart uploads the endpoint still holds under a prefix (a clean cancel leaves none). */
async function multipartUploadsLeft(endpoint: Endpoint, bucket: string, prefix: string): Promise<number> {
  const { S3Client, ListMultipartUploadsCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({ endpoint: endpoint.url, forcePathStyle: true, region: endpoint.region, credentials: { accessKeyId: endpoint.accessKey, secretAccessKey: endpoint.secretKey } });
  try {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
    return page.Uploads?.length ?? 0;
  } finally {
    client.destroy();
  }
}

/**
 * Ferry uploads `file` for `seconds`, its RSS read from /proc every 250 ms, then gets Ctrl-C
 * (SIGINT: Ferry cancels and aborts the multipart upload). Peak: the process's own high-water
 * mark (VmHWM) at the last sample, so a spike between samples counts too; the sampled VmRSS
 * maximum is kept beside it.
 */
async function sampledUpload(endpoint: Endpoint, file: string, key: string, seconds: number): Promise<{
  ok: boolean;
  sampledKiB: number;
  hwmKiB: number;
  samples: number;
  readBytes: number;
  uploadsBefore: number;
  exitCode: number | null;
  cancelSeconds: number;
  wholeRunKiB: number;
  stderr: string;
}> {
  const c = commandFor('ferry', 'up', endpoint, file, 'bench', key, false);
  const child = spawnTimed(c.file, c.args, c.env);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-64 * 1024);
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  try {
    const pid = await timedChild(child.pid ?? -1, c.file);
    if (pid === undefined) throw new Error(`could not find the ferry process under /usr/bin/time: ${stderr}`);
    const started = Date.now();
    let sampledKiB = 0;
    let hwmKiB = 0;
    let readBytes = 0;
    let samples = 0;
    let exitedEarly = false;
    while (Date.now() - started < seconds * 1000) {
      const m = procMemory(pid);
      if (!m || m.rssKiB === 0) {
        exitedEarly = true;
        break;
      }
      samples++;
      sampledKiB = Math.max(sampledKiB, m.rssKiB);
      hwmKiB = Math.max(hwmKiB, m.hwmKiB);
      readBytes = m.readBytes;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const m = procMemory(pid);
    if (m) {
      hwmKiB = Math.max(hwmKiB, m.hwmKiB);
      readBytes = m.readBytes;
    }
    // The multipart upload Ctrl-C has to abort (so that none left afterwards means it was aborted).
    const uploadsBefore = await multipartUploadsLeft(endpoint, 'bench', key);
    const interrupted = Date.now();
    if (!exitedEarly) process.kill(pid, 'SIGINT');
    const limit = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const exitCode = await closed;
    clearTimeout(limit);
    const whole = parseTimed(exitCode, stderr);
    return {
      ok: !exitedEarly && hwmKiB > 0,
      sampledKiB,
      hwmKiB,
      samples,
      readBytes,
      uploadsBefore,
      exitCode,
      cancelSeconds: (Date.now() - interrupted) / 1000,
      wholeRunKiB: whole.rssKiB,
      stderr: whole.stderr,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/**
 * Ferry's peak RSS (the `ferry` command, compiled, to the discarding endpoint) on three uploads,
 * each against base + budget: base is Ferry uploading one 1-byte file (median of 3), budget the
 * memory budget of the default settings. Sparse files in a temporary folder, removed afterwards.
 * Prints one line per workload and writes bench/results/memory.json. A benchmark, not a test:
 * it reports, it does not fail.
 */
async function memoryRun(seconds: number, only: Set<string>): Promise<void> {
  const began = Date.now();
  const wanted = (name: string): boolean => only.size === 0 || only.has(name);
  const budget = await memoryBudget();
  const budgetMiB = Math.round(budget.bytes / MiB);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-bench-memory-'));
  const discard = await startDiscard([]);
  const endpoint: Endpoint = { url: discard.url, accessKey: 'bench', secretKey: 'bench', region: 'us-east-1' };
  const state = path.join(root, '.tmp', 'bench-state');
  const rows: MemoryRow[] = [];
  let baseMiB = 0;
  const bases: number[] = [];
  const row = (r: Omit<MemoryRow, 'baseMiB' | 'budgetMiB' | 'limitMiB' | 'within'>): void => {
    const full: MemoryRow = { ...r, baseMiB, budgetMiB, limitMiB: baseMiB + budgetMiB, within: r.ok && r.peakMiB <= baseMiB + budgetMiB };
    rows.push(full);
    const verdict = !full.ok ? `FAILED: ${full.note ?? ''}` : full.within ? 'peak <= base + budget' : `peak > base + budget by ${full.peakMiB - full.limitMiB} MiB`;
    process.stdout.write(
      `${full.workload.padEnd(34)} peak ${String(full.peakMiB).padStart(5)} MiB  base ${String(baseMiB).padStart(4)} MiB  budget ${String(budgetMiB).padStart(4)} MiB  base+budget ${String(full.limitMiB).padStart(5)} MiB  ${verdict}\n`,
    );
    if (full.cancel) {
      process.stdout.write(
        `${''.padEnd(34)} (${full.samples} samples, sampled VmRSS max ${full.sampledPeakMiB} MiB, read ${full.readGiB} GiB; Ctrl-C: exit ${full.cancel.exitCode} after ${full.cancel.seconds} s, multipart uploads ${full.cancel.multipartUploadsBefore} before and ${full.cancel.multipartUploadsLeft} after, whole-run peak incl. cancel ${full.cancel.peakWholeRunMiB} MiB)\n`,
      );
    }
  };
  try {
    process.stdout.write(`Budget ${budgetMiB} MiB: ${budget.source}. Files in ${dir} (sparse).\n`);
    const timedUpload = async (local: string, key: string): Promise<Measured> => {
      await rm(state, { recursive: true, force: true });
      const c = commandFor('ferry', 'up', endpoint, local, 'bench', key, false);
      // Longer than the speed benchmark's limit: here the peak matters, not the time.
      return measure(c.file, c.args, c.env, 3 * COMMAND_LIMIT_S);
    };
    const rate = (bytes: number, secs: number): number => (secs > 0 ? Math.round((bytes / MiB / secs) * 10) / 10 : 0);
    const prefix = `memory/${invocation}`;

    // Base: Ferry doing almost nothing (start-up, the SDK, one PUT of 1 byte).
    const one = path.join(dir, 'one-byte.bin');
    await writeFile(one, 'x');
    for (let i = 0; i < 3; i++) {
      const r = await timedUpload(one, `${prefix}/base-${i}.bin`);
      if (!r.ok) throw new Error(`the 1-byte upload failed: ${r.stderr}`);
      bases.push(r.rssKiB);
    }
    baseMiB = Math.round(median(bases) / 1024);

    // 1. 300 files of 1–16 MiB (seed 10: the same sizes every run).
    if (wanted('folder')) {
      const folder = path.join(dir, 'files-300');
      await mkdir(folder);
      const random = seeded(10);
      let folderBytes = 0;
      for (let i = 0; i < 300; i++) {
        const bytes = MiB + Math.floor(random() * (15 * MiB + 1));
        folderBytes += bytes;
        await sparseFile(path.join(folder, `f${String(i).padStart(3, '0')}.bin`), bytes);
      }
      const r = await timedUpload(folder, `${prefix}/files/`);
      row({ workload: `300 files 1–16 MiB (${(folderBytes / 1024 ** 3).toFixed(2)} GiB)`, ok: r.ok, peakMiB: Math.round(r.rssKiB / 1024), seconds: r.seconds, mibps: rate(folderBytes, r.seconds), note: r.ok ? undefined : r.stderr });
      await rm(folder, { recursive: true, force: true });
    }

    // 2. One 10 GiB file.
    if (wanted('10gib')) {
      const ten = path.join(dir, 'sparse-10GiB.bin');
      await sparseFile(ten, 10 * 1024 * MiB);
      const r = await timedUpload(ten, `${prefix}/10GiB.bin`);
      row({ workload: '1 file 10 GiB', ok: r.ok, peakMiB: Math.round(r.rssKiB / 1024), seconds: r.seconds, mibps: rate(10 * 1024 * MiB, r.seconds), note: r.ok ? undefined : r.stderr });
      await rm(ten, { force: true });
    }

    // 3. The first `seconds` of a 200 GiB file, then Ctrl-C.
    if (wanted('200gib')) {
      const big = path.join(dir, 'sparse-200GiB.bin');
      await sparseFile(big, 200 * 1024 * MiB);
      await rm(state, { recursive: true, force: true });
      const key = `${prefix}/200GiB.bin`;
      const r = await sampledUpload(endpoint, big, key, seconds);
      const left = await multipartUploadsLeft(endpoint, 'bench', key);
      row({
        workload: `1 file 200 GiB, first ${seconds} s, Ctrl-C`,
        ok: r.ok,
        peakMiB: Math.round(r.hwmKiB / 1024),
        sampledPeakMiB: Math.round(r.sampledKiB / 1024),
        samples: r.samples,
        readGiB: Math.round((r.readBytes / 1024 ** 3) * 100) / 100,
        cancel: { exitCode: r.exitCode, seconds: Math.round(r.cancelSeconds * 10) / 10, multipartUploadsBefore: r.uploadsBefore, multipartUploadsLeft: left, peakWholeRunMiB: Math.round(r.wholeRunKiB / 1024) },
        seconds,
        mibps: rate(r.readBytes, seconds),
        note: r.ok ? undefined : `ended before ${seconds} s: ${r.stderr}`,
      });
      await rm(big, { force: true });
    }
  } finally {
    discard.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    await rm(state, { recursive: true, force: true });
  }
  await mkdir(path.join(root, 'bench', 'results'), { recursive: true });
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}`,
    budget: { bytes: budget.bytes, source: budget.source },
    baseSamplesMiB: bases.map((kib) => Math.round(kib / 1024)),
    rows,
    runSeconds: Math.round((Date.now() - began) / 1000),
  };
  // A run of some workloads only (--memory-only) leaves the full run's memory.json alone.
  const name = only.size === 0 ? 'memory.json' : 'memory-partial.json';
  await writeFile(path.join(root, 'bench', 'results', name), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\nWrote bench/results/${name} (${result.runSeconds} s).\n`);
}

async function main(): Promise<void> {
  if (flags['write-doc']) {
    const table = keptTable(path.join(root, 'bench', 'results'), ALL_SERVERS);
    if ('missing' in table) throw new Error(`no full run of one build for ${table.missing.join(' and ')} in bench/results`);
    await writeFile(path.join(root, 'docs', 'benchmarks.md'), table.markdown);
    process.stdout.write('Wrote docs/benchmarks.md from the kept parts.\n');
    return;
  }
  execFileSync('npx', ['tsc', '-p', path.join(root, 'tsconfig.bench.json')], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'bin', 'build-cli.js')], { cwd: root, stdio: 'inherit' });
  if (flags.frames) {
    await framesRun();
    return;
  }
  if (flags.memory) {
    pin(process.pid, 1);
    const only = new Set((flags['memory-only'] ?? '').split(',').map((w) => w.trim().toLowerCase()).filter(Boolean));
    for (const w of only) if (!['folder', '10gib', '200gib'].includes(w)) throw new Error(`--memory-only: unknown workload ${w} (folder, 10gib, 200gib)`);
    await memoryRun(Number(flags['memory-seconds'] ?? 30), only);
    return;
  }
  if (flags.sync) {
    pin(process.pid, 1);
    await syncRun(Number(flags['sync-files'] ?? 20_000));
    return;
  }
  if (flags.relay) {
    const server = flags['relay-server'] ?? 'swift';
    if (server !== 'swift' && server !== 'discard') throw new Error(`--relay-server: swift or discard, not ${server}`);
    await relayRun({ root, server, smallFiles: Number(flags['relay-files'] ?? 2000), bigMiB: Number(flags['relay-mib'] ?? 200), delayMs: Number(flags['relay-delay-ms'] ?? 100), runs });
    return;
  }
  if (flags.list) {
    pin(process.pid, 1);
    await listRun(Number(flags['list-objects'] ?? 100_000));
    return;
  }
  if (flags['rss-gib']) {
    pin(process.pid, 1);
    await rssRun(Number(flags['rss-gib']));
    return;
  }
  for (const tool of tools) {
    if (tool === 'awscli' && !existsSync('/usr/bin/aws')) throw new Error('AWS CLI v2 missing: apt-get install awscli');
    if (tool === 'rclone' && !existsSync('/usr/bin/rclone')) throw new Error('rclone missing: apt-get install rclone');
  }
  pin(process.pid, 1);
  const { bigFile, smallDir, bytesSmall } = await makeData();
  const rows: Row[] = [];

  for (const server of servers) {
    let base: Endpoint;
    let stop: () => void = () => undefined;
    const bucket = 'bench';
    let downBig: string;
    let downSmall: string;
    let downSmallBytes = bytesSmall;
    if (server === 'swift') {
      execFileSync('bash', [path.join(root, 'scripts/s3-server.sh'), 'start'], { stdio: 'inherit' });
      for (const name of ['proxy', 'object', 'container', 'account', 'memcached']) {
        const pidFile = path.join(root, '.s3-server', 'run', `${name}.pid`);
        if (existsSync(pidFile)) pin(Number(readFileSync(pidFile, 'utf8').trim()), 1);
      }
      base = { url: 'http://127.0.0.1:18080', accessKey: 'test:tester', secretKey: 'testing', region: 'us-east-1' };
      // Seed what the download workloads fetch, once, with Ferry.
      const seed = commandFor('ferry', 'up', base, bigFile, bucket, 'seed/big.bin', false);
      spawnSync('/usr/bin/aws', ['--endpoint-url', base.url, 's3', 'mb', `s3://${bucket}`], { env: { ...process.env, ...seed.env }, stdio: 'ignore' });
      for (const [local, key, folder] of [[bigFile, 'seed/big.bin', false], [smallDir, 'seed/', true]] as const) {
        const c = commandFor('ferry', 'up', base, local, bucket, key, folder);
        // Swift keeps the seed of an earlier run: sent again only if it differs.
        const r = await measure(c.file, [...c.args, '--if-exists', 'different'], c.env);
        if (!r.ok) throw new Error(`seeding failed: ${r.stderr}`);
      }
      downBig = 'seed/big.bin';
      downSmall = `seed/${path.basename(smallDir)}/`;
    } else {
      const discard = await startDiscard();
      stop = () => discard.child.kill('SIGTERM');
      base = { url: discard.url, accessKey: 'bench', secretKey: 'bench', region: 'us-east-1' };
      downBig = `gen/${BIG}`;
      downSmall = 'gen/small/';
      downSmallBytes = await listedBytes(base, bucket, downSmall);
    }

    for (const profile of profiles) {
      const proxy = profile.shape ? await startLatencyProxy(new URL(base.url), profile.shape) : undefined;
      const endpoint = { ...base, url: proxy?.url ?? base.url };
      const workloads: { name: string; direction: Direction; local: string; key: string; folder: boolean; bytes: number }[] = [
        { name: `1 file ${BIG / MiB} MiB up`, direction: 'up', local: bigFile, key: 'up/big.bin', folder: false, bytes: BIG },
        { name: `1 file ${BIG / MiB} MiB down`, direction: 'down', local: out, key: downBig, folder: false, bytes: BIG },
        { name: `${SMALL_COUNT} files up`, direction: 'up', local: smallDir, key: 'up/', folder: true, bytes: bytesSmall },
        { name: `${SMALL_COUNT} files down`, direction: 'down', local: out, key: downSmall, folder: true, bytes: downSmallBytes },
      ];
      for (const w of workloads) {
        for (const tool of tools) {
          // The ceiling speaks no S3 beyond what the discarding endpoint needs (no signing).
          if (tool === 'ceiling' && server !== 'discard') continue;
          const samples: Measured[] = [];
          let failures = 0;
          // lib-storage sends a folder one file after another: with latency, 1,000 files take it about
          // two minutes a run, 50 of a full run's minutes at three runs. One run there.
          const toolRuns = tool === 'lib-storage' && w.folder && profile.shape ? 1 : runs;
          for (let run = 0; run < toolRuns; run++) {
            await rm(out, { recursive: true, force: true });
            await mkdir(out, { recursive: true });
            await rm(path.join(root, '.tmp', 'bench-state'), { recursive: true, force: true });
            // The AWS CLI and rclone take a target folder for a folder download, and a file path for one object.
            const local = w.direction === 'down' && !w.folder && (tool === 'awscli' || tool === 'rclone') ? path.join(out, 'big.bin') : w.local;
            // A fresh key per upload run, and per bench invocation (Swift keeps its data between
            // invocations): a tool that finds its earlier upload may skip it (rclone does).
            const key = w.direction === 'up' ? `up/${invocation}/${server}-${profile.name.replace(/[^a-z0-9]/gi, '')}-${tool}-${run}/${w.folder ? '' : 'big.bin'}` : w.key;
            const c = commandFor(tool, w.direction, endpoint, local, bucket, key, w.folder);
            const r = await measure(c.file, c.args, c.env);
            // Swift keeps what was uploaded: a full run would leave ~40 GiB behind. Removed outside the measurement.
            if (server === 'swift' && w.direction === 'up') {
              const prefix = key.endsWith('big.bin') ? key.slice(0, -'big.bin'.length) : key;
              spawnSync('/usr/bin/aws', ['--endpoint-url', base.url, 's3', 'rm', `s3://${bucket}/${prefix}`, '--recursive', '--only-show-errors'], { env: { ...process.env, ...commandFor('awscli', 'up', base, local, bucket, key, w.folder).env }, stdio: 'ignore' });
            }
            if (r.ok) samples.push(r);
            else {
              failures++;
              process.stderr.write(`  ${tool} ${w.name} failed: ${r.stderr}\n`);
            }
          }
          if (samples.length === 0) {
            rows.push({ workload: w.name, server, profile: profile.name, tool, mibps: 0, cpuSecPerGiB: 0, rssMiB: 0, runs: 0, failures });
            continue;
          }
          const seconds = median(samples.map((s) => s.seconds));
          const cpu = median(samples.map((s) => s.cpu));
          const row: Row = {
            workload: w.name,
            server,
            profile: profile.name,
            tool,
            mibps: Math.round((w.bytes / MiB / seconds) * 10) / 10,
            cpuSecPerGiB: Math.round((cpu / (w.bytes / (1024 * MiB))) * 100) / 100,
            rssMiB: Math.round(median(samples.map((s) => s.rssKiB)) / 1024),
            loopDelayP99Ms: tool === 'ferry' || tool === 'ferry-sdk' ? median(samples.map((s) => s.loopP99 ?? 0)) : undefined,
            cpuMsPerFile: w.folder ? Math.round((cpu / SMALL_COUNT) * 1e4) / 10 : undefined,
            runs: samples.length,
            failures,
          };
          rows.push(row);
          process.stdout.write(`${server.padEnd(8)} ${profile.name.padEnd(14)} ${w.name.padEnd(22)} ${tool.padEnd(12)} ${String(row.mibps).padStart(8)} MiB/s  ${String(row.cpuSecPerGiB).padStart(6)} CPU-s/GiB  ${String(row.rssMiB).padStart(5)} MiB${row.loopDelayP99Ms !== undefined ? `  loop delay p99 ${row.loopDelayP99Ms} ms` : ''}\n`);
        }
      }
      await proxy?.close();
    }
    stop();
  }

  const results = path.join(root, 'bench', 'results');
  await mkdir(results, { recursive: true });
  await writeFile(path.join(results, 'latest.json'), JSON.stringify(rows, null, 2));
  process.stdout.write(`\nWrote bench/results/latest.json (${rows.length} rows).\n`);
  // docs/ keeps the last full run: every tool, every server, every profile, the full data, ≥ 3 runs.
  // A full run takes about two hours here, so it may be made one server at a time (--servers):
  // each server's part is kept, and docs/ is written once every server has one from this build.
  if (quick || runs < 3 || !ALL_TOOLS.every((t) => tools.includes(t))) {
    process.stdout.write('docs/benchmarks.md keeps the last full run (this one was not: it needs every tool, the full data and 3 runs).\n');
    return;
  }
  const build = buildId();
  const at = new Date().toISOString();
  const kept = await keepParts(results, ALL_SERVERS, servers.map((server) => ({ server, build, at, machine: machineLine(), runs, rows: rows.filter((r) => r.server === server), loopDelay: 'late' as const })));
  if ('missing' in kept) {
    process.stdout.write(`Kept this full run's part in bench/results/full-{${servers.join(',')}}.json; docs/benchmarks.md is written once ${kept.missing.join(' and ')} also has a full run of build ${build} (--servers ${kept.missing.join(',')}).\n`);
    return;
  }
  await writeFile(path.join(root, 'docs', 'benchmarks.md'), kept.markdown);
  process.stdout.write(`Wrote docs/benchmarks.md from the full run of build ${build}.\n`);
}

/**
 * The last commit that changed what is measured, with "+changes" when the tree differs from it.
 * Results, docs and the README are left out of both, so committing one server's figures (or the
 * README's) does not part it from the other server's run of the same code.
 */
function buildId(): string {
  const git = (args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const measured = ['--', '.', ':(exclude)bench/results', ':(exclude)docs', ':(exclude)README.md'];
  const changed = git(['status', '--porcelain', ...measured]) !== '';
  return `${git(['log', '-1', '--format=%h', ...measured])}${changed ? '+changes' : ''}`;
}

function machineLine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}, ${os.release()}`;
}

/**
 * A second sync of `count` unchanged files: the folder is synced once with Ferry (which stores each
 * file's time as rclone does), then each tool syncs the same folder to the same prefix again and
 * must find nothing to send. Ferry twice: with what its first sync learned of the objects' times,
 * and "cold", its state folder emptied, reading each time with a HEAD as rclone does. Each tool's
 * run is checked to have sent nothing (its own dry run or output), so a tool that re-sends is seen.
 */
async function syncRun(count: number): Promise<void> {
  const folder = path.join(work, `sync-${count}`);
  if (!existsSync(path.join(folder, '.complete'))) {
    await rm(folder, { recursive: true, force: true });
    const random = seeded(7);
    for (let i = 0; i < count; i++) {
      const file = path.join(folder, `d${i % 100}`, `f${i}.txt`);
      if (i < 100) await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, `file ${i} `.repeat(1 + Math.floor(random() * 200)));
    }
    await writeFile(path.join(folder, '.complete'), '');
  }
  const env = swiftEnv();
  const base: Endpoint = { url: env.FERRY_TEST_ENDPOINT ?? 'http://127.0.0.1:18080', accessKey: 'test:tester', secretKey: 'testing', region: 'us-east-1' };
  const bucket = 'bench';
  const prefix = `sync-${count}/`;
  const state = path.join(root, '.tmp', 'bench-sync-state');
  const c = (tool: Tool, extra: string[] = []) => {
    const cmd = commandFor(tool, 'up', base, folder, bucket, prefix, true);
    if (tool === 'ferry') return { ...cmd, args: [cmd.args[0] as string, 'sync', folder, `s3://${bucket}/${prefix}`, '--endpoint', base.url, '--path-style', '-q', ...extra], env: { ...cmd.env, FERRY_STATE_DIR: state } };
    if (tool === 'awscli') return { ...cmd, args: ['--endpoint-url', base.url, 's3', 'sync', folder, `s3://${bucket}/${prefix}`, ...extra] };
    return { ...cmd, args: ['sync', folder, `bench:${bucket}/${prefix}`, '--config', '/dev/null', '--stats-one-line', '-v', ...extra] };
  };
  spawnSync('/usr/bin/aws', ['--endpoint-url', base.url, 's3', 'mb', `s3://${bucket}`], { env: { ...process.env, ...c('awscli').env }, stdio: 'ignore' });
  const first = c('ferry');
  const seeded0 = await measure(first.file, first.args, first.env, 3600);
  if (!seeded0.ok) throw new Error(`the first sync failed: ${seeded0.stderr}`);
  process.stdout.write(`first sync of ${count} files with Ferry: ${seeded0.seconds.toFixed(1)} s\n`);
  const rows: { tool: string; seconds: number[]; cpu: number[]; rssMiB: number; sent: string }[] = [];
  for (const [label, tool] of [['ferry', 'ferry'], ['ferry (cold: times read with HEAD)', 'ferry'], ['aws s3 sync', 'awscli'], ['rclone sync', 'rclone']] as const) {
    const samples: Measured[] = [];
    for (let run = 0; run < Math.max(1, runs); run++) {
      if (label.startsWith('ferry (cold')) await rm(state, { recursive: true, force: true });
      const cmd = c(tool);
      const r = await measure(cmd.file, cmd.args, cmd.env, 1800);
      if (!r.ok) throw new Error(`${label} failed: ${r.stderr}`);
      samples.push(r);
    }
    // What the tool would still send after its run: nothing, or the comparison is not like for like.
    const check = tool === 'ferry' ? c('ferry', ['--dry-run']) : tool === 'awscli' ? c('awscli', ['--dryrun']) : c('rclone', ['--dry-run']);
    const dry = spawnSync(check.file, check.args, { env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), ...check.env }, encoding: 'utf8' });
    const sent =
      tool === 'ferry'
        ? (/Would create (\d+), update (\d+)/.exec(dry.stdout)?.slice(1, 3).join(' + ') ?? '?')
        : tool === 'awscli'
          ? String(dry.stdout.split('\n').filter((l) => l.includes('(dryrun)')).length)
          : String((dry.stderr.match(/as --dry-run is set/g) ?? []).length);
    rows.push({ tool: label, seconds: samples.map((s) => s.seconds), cpu: samples.map((s) => s.cpu), rssMiB: Math.round(median(samples.map((s) => s.rssKiB)) / 1024), sent });
    process.stdout.write(`second sync of ${count} unchanged files  ${label.padEnd(36)} ${median(samples.map((s) => s.seconds)).toFixed(2).padStart(7)} s wall  ${median(samples.map((s) => s.cpu)).toFixed(2).padStart(6)} CPU-s  ${String(rows.at(-1)?.rssMiB).padStart(4)} MiB  would still send: ${sent}\n`);
  }
  await mkdir(path.join(root, 'bench', 'results'), { recursive: true });
  await writeFile(path.join(root, 'bench', 'results', 'sync.json'), JSON.stringify({ files: count, firstSyncSeconds: seeded0.seconds, server: base.url, runs, rows, at: new Date().toISOString() }, null, 2));
  process.stdout.write('\nWrote bench/results/sync.json.\n');
}

/**
 * `--list`: one prefix of `count` objects listed complete (every key, recursively) by Ferry's
 * `ls`, `aws s3 ls` and `rclone ls`, each printing a line per object (counted: a listing that
 * stops short fails the run). On the discarding endpoint the keys are generated; on the local Swift
 * the bucket the end-to-end tests browse (bench/manyObjects.ts), seeded once and kept.
 */
async function listRun(count: number): Promise<void> {
  const rows: { server: string; tool: Tool; seconds: number[]; cpu: number[]; serverCpu: number[]; rssMiB: number; loopP99?: number; lines: number[] }[] = [];
  const listServers = servers.filter((s) => ALL_SERVERS.includes(s));
  for (const server of listServers) {
    let base: Endpoint;
    let bucket: string;
    let prefix: string;
    let stop = () => undefined as void;
    let serverPids: () => number[];
    if (server === 'discard') {
      const discard = await startDiscard(['--small-files', `${count}:0:4096`]);
      stop = () => discard.child.kill('SIGTERM');
      serverPids = () => (discard.child.pid === undefined ? [] : [discard.child.pid]);
      base = { url: discard.url, accessKey: 'bench', secretKey: 'bench', region: 'us-east-1' };
      bucket = 'bench';
      prefix = 'gen/small/';
    } else {
      const env = swiftEnv();
      base = { url: env.FERRY_TEST_ENDPOINT ?? 'http://127.0.0.1:18080', accessKey: 'test:tester', secretKey: 'testing', region: 'us-east-1' };
      bucket = manyBucketName(count);
      prefix = MANY_PREFIX;
      serverPids = swiftPids;
      const store = new S3Store({ endpoint: { endpoint: base.url, region: base.region, forcePathStyle: true }, credentials: { accessKeyId: base.accessKey, secretAccessKey: base.secretKey }, retry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 }, maxSockets: 64, idleTimeoutMs: 60_000 });
      const began = Date.now();
      await ensureManyObjects(store, bucket, count);
      process.stdout.write(`swift: ${count} objects in s3://${bucket}/${prefix} (${Math.round((Date.now() - began) / 1000)} s to check or seed)\n`);
    }
    for (const tool of tools.filter((t) => t === 'ferry' || t === 'awscli' || t === 'rclone')) {
      const samples: Measured[] = [];
      const lines: number[] = [];
      const serverCpu: number[] = [];
      for (let run = 0; run < runs; run++) {
        const c = listCommand(tool, base, bucket, prefix);
        let counted = 0;
        const serverBefore = treeCpuSeconds(serverPids());
        const r = await measure(c.file, c.args, c.env, COMMAND_LIMIT_S, (chunk) => {
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) counted++;
        });
        serverCpu.push(Math.round((treeCpuSeconds(serverPids()) - serverBefore) * 100) / 100);
        lines.push(counted);
        if (!r.ok || counted !== count) throw new Error(`${tool} listed ${counted} of ${count} objects on ${server}${r.ok ? '' : `: ${r.stderr}`}`);
        samples.push(r);
      }
      const loops = samples.map((s) => s.loopP99).filter((v): v is number => v !== undefined);
      rows.push({ server, tool, seconds: samples.map((s) => s.seconds), cpu: samples.map((s) => s.cpu), serverCpu, rssMiB: Math.round(median(samples.map((s) => s.rssKiB)) / 1024), loopP99: loops.length ? median(loops) : undefined, lines });
      const row = rows.at(-1);
      process.stdout.write(`${server.padEnd(8)} list ${count} objects  ${tool.padEnd(8)} ${row?.seconds.map((v) => v.toFixed(2)).join(' / ')} s wall  ${row?.cpu.map((v) => v.toFixed(2)).join(' / ')} CPU-s  server ${row?.serverCpu.map((v) => v.toFixed(2)).join(' / ')} CPU-s  ${row?.rssMiB} MiB${row?.loopP99 !== undefined ? `  loop p99 ${row.loopP99} ms` : ''}\n`);
    }
    stop();
  }
  for (const server of listServers) {
    const ferry = rows.find((r) => r.server === server && r.tool === 'ferry');
    const rclone = rows.find((r) => r.server === server && r.tool === 'rclone');
    if (ferry && rclone) process.stdout.write(`${server}: Ferry's time ÷ rclone's (medians): ${(median(ferry.seconds) / median(rclone.seconds)).toFixed(2)}\n`);
  }
  await mkdir(path.join(root, 'bench', 'results'), { recursive: true });
  await writeFile(path.join(root, 'bench', 'results', 'list.json'), JSON.stringify({ objects: count, runs, rows, at: new Date().toISOString() }, null, 2));
  process.stdout.write('\nWrote bench/results/list.json.\n');
}

/** Each tool's command for a complete, recursive listing of s3://bucket/prefix, a line per object. */
function listCommand(tool: Tool, endpoint: Endpoint, bucket: string, prefix: string): Command {
  const c = commandFor(tool, 'down', endpoint, os.tmpdir(), bucket, prefix, true);
  if (tool === 'ferry') return { ...c, args: [c.args[0] as string, 'ls', `s3://${bucket}/${prefix}`, '--recursive', '--endpoint', endpoint.url, '--path-style'] };
  if (tool === 'awscli') return { ...c, args: ['--endpoint-url', endpoint.url, 's3', 'ls', `s3://${bucket}/${prefix}`, '--recursive'] };
  return { ...c, args: ['ls', `bench:${bucket}/${prefix}`, '--config', '/dev/null'] };
}

/** The local Swift's test environment (scripts/s3-server.sh env), started if it is not running. */
function swiftEnv(): Record<string, string> {
  const script = path.join(root, 'scripts/s3-server.sh');
  const running = spawnSync('bash', [script, 'status'], { stdio: 'ignore' }).status === 0;
  if (!running) execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
  return Object.fromEntries(
    execFileSync('bash', [script, 'env'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => /^export ([A-Z0-9_]+)=(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  ) as Record<string, string>;
}

await main();
