// `npm run bench`: Ferry beside the AWS CLI, rclone and lib-storage, same data, same run, same
// machine; against the local Swift and a discarding endpoint; on loopback, with 50 ms each way,
// and with 50 ms plus a 100 MiB/s cap. Prints a table and writes bench/results/latest.json; a full
// run (all tools and servers, >= 3 runs) also writes docs/benchmarks.md. `--quick` uses smaller
// data and one latency profile (a few minutes).

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { commandFor, type Direction, type Endpoint, type Tool } from './clients.js';
import { startLatencyProxy, type LinkShape } from './latencyProxy.js';

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

interface Row {
  workload: string;
  server: string;
  profile: string;
  tool: Tool;
  mibps: number;
  cpuSecPerGiB: number;
  rssMiB: number;
  loopDelayP99Ms?: number;
  runs: number;
  failures: number;
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

/**
 * Runs one command pinned to core 0 under /usr/bin/time: wall seconds, CPU seconds, peak RSS.
 * Asynchronous on purpose: the latency proxy lives in this process and must keep forwarding.
 */
async function measure(file: string, args: string[], env: Record<string, string>): Promise<Measured> {
  const timeArgs = ['-f', 'BENCH %e %U %S %M', ...(os.cpus().length > 1 ? ['taskset', '-c', '0'] : []), file, ...args];
  const child = spawn('/usr/bin/time', timeArgs, { env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), FERRY_REPORT_LOOP_DELAY: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-64 * 1024);
  });
  // A client that hangs must not hang the benchmark: it is stopped and counted as a failed run.
  const limit = setTimeout(() => {
    stderr += `\nstopped after ${COMMAND_LIMIT_S} s`;
    child.kill('SIGKILL');
  }, COMMAND_LIMIT_S * 1000);
  const status = await new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  clearTimeout(limit);
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

async function startDiscard(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(root, 'dist-bench', 'bench', 'discardServer.js'), '--port', '18090', '--small-files', `${SMALL_COUNT}:4096:262144`, '--warm', String(BIG)], { stdio: ['ignore', 'pipe', 'inherit'] });
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

async function main(): Promise<void> {
  execFileSync('npx', ['tsc', '-p', path.join(root, 'tsconfig.bench.json')], { cwd: root, stdio: 'inherit' });
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
        const r = await measure(c.file, c.args, c.env);
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
          for (let run = 0; run < runs; run++) {
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
          const row: Row = {
            workload: w.name,
            server,
            profile: profile.name,
            tool,
            mibps: Math.round((w.bytes / MiB / seconds) * 10) / 10,
            cpuSecPerGiB: Math.round((median(samples.map((s) => s.cpu)) / (w.bytes / (1024 * MiB))) * 100) / 100,
            rssMiB: Math.round(median(samples.map((s) => s.rssKiB)) / 1024),
            loopDelayP99Ms: tool === 'ferry' ? median(samples.map((s) => s.loopP99 ?? 0)) : undefined,
            runs: samples.length,
            failures,
          };
          rows.push(row);
          process.stdout.write(`${server.padEnd(8)} ${profile.name.padEnd(14)} ${w.name.padEnd(22)} ${tool.padEnd(12)} ${String(row.mibps).padStart(8)} MiB/s  ${String(row.cpuSecPerGiB).padStart(6)} CPU-s/GiB  ${String(row.rssMiB).padStart(5)} MiB${row.loopDelayP99Ms !== undefined ? `  loop p99 ${row.loopDelayP99Ms} ms` : ''}\n`);
        }
      }
      await proxy?.close();
    }
    stop();
  }

  await mkdir(path.join(root, 'bench', 'results'), { recursive: true });
  await writeFile(path.join(root, 'bench', 'results', 'latest.json'), JSON.stringify(rows, null, 2));
  // docs/ keeps the last full run: every tool, every server, every profile, the full data, ≥ 3 runs.
  const full = !quick && runs >= 3 && ALL_TOOLS.every((t) => tools.includes(t)) && ALL_SERVERS.every((s) => servers.includes(s));
  if (full) await writeFile(path.join(root, 'docs', 'benchmarks.md'), markdown(rows));
  process.stdout.write(`\nWrote bench/results/latest.json${full ? ' and docs/benchmarks.md' : ' (docs/benchmarks.md keeps the last full run)'} (${rows.length} rows).\n`);
}

function markdown(rows: Row[]): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Benchmarks',
    '',
    `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${quick ? '`--quick`' : 'full'}, ${runs} run(s) each (median), on ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}.`,
    'Clients pinned to core 0, the server (and the latency proxy) to core 1. Wall time of the whole command, start-up included. Ratio: Ferry ÷ tool; for the ceiling (a plain parallel client that only moves bytes, on the discarding endpoint only) it is Ferry\'s share of it.',
    '',
    '| server | link | workload | tool | MiB/s | Ferry ÷ tool | CPU-s/GiB | peak RSS MiB | Ferry loop p99 ms | failed runs |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const ferry = rows.find((r) => r.tool === 'ferry' && r.server === row.server && r.profile === row.profile && r.workload === row.workload);
    const ratio = ferry && row.mibps > 0 ? (ferry.mibps / row.mibps).toFixed(2) : '';
    const failed = row.runs === 0 ? 'all' : String(row.failures);
    lines.push(`| ${row.server} | ${row.profile} | ${row.workload} | ${row.tool} | ${row.runs === 0 ? '—' : row.mibps} | ${row.runs === 0 ? '' : ratio} | ${row.cpuSecPerGiB} | ${row.rssMiB} | ${row.loopDelayP99Ms ?? ''} | ${failed} |`);
  }
  return `${lines.join('\n')}\n`;
}

await main();
