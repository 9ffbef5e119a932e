// The relay against the real server: a host with a relay receiver (its own engine and journal),
// files sent by relayUpload (small ones bundled, a large one streamed) and sent again (nothing
// twice); TLS with a self-signed certificate pinned by its fingerprint; `npm run serve` beyond
// loopback (127.0.0.2) with --public-url and the Environment account, driven by `ferry upload
// --via`, killed mid-batch and run again.

import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../../electron/engine/journal.js';
import { startHost, type RunningHost } from '../../../electron/host/server.js';
import { RelayReceiver } from '../../../electron/relay/receiver.js';
import { relayUpload, type RelayFile } from '../../../electron/relay/sender.js';
import { hostTls } from '../../../electron/relay/tls.js';
import { cliEnv, ferry, repoRoot } from '../../support/cli.js';
import { closeServiceTestBed, openServiceTestBed, type ServiceTestBed } from '../../support/service.js';
import { testEngine } from '../../support/s3.js';
import { startTcpRelay, type TcpRelay } from '../../support/tcpRelay.js';
import { freePort } from '../../support/ports.js';

let t: ServiceTestBed;
let host: RunningHost;
const engine = testEngine({ settings: { partSize: 5 * 1024 * 1024 } });
const files: (RelayFile & { md5: string })[] = [];
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

async function writeFiles(root: string, count: number, label: string): Promise<(RelayFile & { md5: string })[]> {
  const made: (RelayFile & { md5: string })[] = [];
  for (let i = 0; i < count; i++) {
    const name = `small/${String(i).padStart(4, '0')} ü+#${label}.txt`;
    const data = randomBytes(4096 + ((i * 977) % 60_000));
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), data);
    made.push({ path: path.join(root, name), name, size: data.length, md5: md5(data) });
  }
  return made;
}

/** Every object below `prefix`, by its name below it, with the MD5 of its bytes. */
async function contentsBelow(prefix: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const entry of t.store.listAll(t.bucket, prefix)) {
    const { body } = await t.store.getRange({ bucket: t.bucket, key: entry.key, start: 0, end: Math.max(0, entry.size - 1) });
    const hash = createHash('md5');
    if (entry.size > 0) for await (const chunk of body) hash.update(chunk as Buffer);
    else for await (const chunk of body) void chunk;
    found.set(entry.key.slice(prefix.length), hash.digest('hex'));
  }
  return found;
}

beforeAll(async () => {
  t = await openServiceTestBed('relay');
  const receiver = new RelayReceiver(engine, new Journal(path.join(t.dir, 'relay-state')));
  host = await startHost({ service: t.bed.service, rendererDir: path.join(t.dir, 'no-renderer'), port: 0, relay: receiver });
  const src = path.join(t.dir, 'src');
  files.push(...(await writeFiles(src, 300, '')));
  const big = randomBytes(24 * 1024 * 1024);
  await writeFile(path.join(src, 'big.bin'), big);
  files.push({ path: path.join(src, 'big.bin'), name: 'big.bin', size: big.length, md5: md5(big) });
});

afterAll(async () => {
  await host?.close();
  engine.close();
  await closeServiceTestBed(t);
});

describe('relay', () => {
  it('sends small files bundled and a large one streamed, byte-identical; a second run sends nothing', async () => {
    const target = { url: host.url, bucket: t.bucket, prefix: 'relayed/', batch: 'b1' };
    const first = await relayUpload(target, files, { bundleFiles: 100 });
    expect(first).toMatchObject({ files: 301, sent: 301, failed: [], alreadyDone: 0 });
    const landed = await contentsBelow('relayed/');
    expect(landed.size).toBe(301);
    for (const f of files) expect(landed.get(f.name), f.name).toBe(f.md5);
    const again = await relayUpload(target, files);
    expect(again).toMatchObject({ sent: 0, alreadyDone: 301 });
  }, 120_000);

  it('over TLS with a self-signed certificate: the pin in the address is checked, a wrong one sends nothing', async () => {
    const tls = await hostTls({}, ['127.0.0.1']);
    expect(tls.selfSigned).toBe(true);
    const receiver = new RelayReceiver(engine, new Journal(path.join(t.dir, 'relay-tls-state')));
    const secure = await startHost({ service: t.bed.service, rendererDir: path.join(t.dir, 'no-renderer'), port: 0, relay: receiver, tls });
    try {
      const url = new URL(secure.url);
      expect(url.protocol).toBe('https:');
      expect(url.searchParams.get('pin')).toBe(tls.fingerprint.replace(/:/g, '').toLowerCase());
      const some = files.slice(0, 20);

      const wrong = new URL(url);
      wrong.searchParams.set('pin', 'ab'.repeat(32));
      await expect(relayUpload({ url: wrong.href, bucket: t.bucket, prefix: 'tls/', batch: 't1' }, some)).rejects.toThrow(/not the one pinned/);
      const unpinned = new URL(url);
      unpinned.searchParams.delete('pin');
      await expect(relayUpload({ url: unpinned.href, bucket: t.bucket, prefix: 'tls/', batch: 't1' }, some)).rejects.toThrow(/self[- ]signed/i);
      expect((await contentsBelow('tls/')).size).toBe(0);

      const sent = await relayUpload({ url: secure.url, bucket: t.bucket, prefix: 'tls/', batch: 't1' }, some);
      expect(sent).toMatchObject({ sent: 20, failed: [] });
      const landed = await contentsBelow('tls/');
      for (const f of some) expect(landed.get(f.name)).toBe(f.md5);
    } finally {
      await secure.close();
    }
  }, 60_000);

  it('ferry upload --via stops at Ctrl-C (exit 130, saying how many landed); run again it sends the rest', async () => {
    const src = path.join(t.dir, 'ctrl-c');
    await writeFiles(src, 400, 'c');
    const args = ['upload', src, `s3://${t.bucket}/ctrl-c/`, '--via', host.url];
    const env = cliEnv(path.join(t.dir, 'cli-home'), { AWS_ACCESS_KEY_ID: 'not-sent', AWS_SECRET_ACCESS_KEY: 'not-sent' });
    const child = spawn(process.execPath, [`${repoRoot}/bin/ferry.js`, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 30_000;
    let landed = 0;
    while (landed < 10 && Date.now() < deadline) {
      landed = 0;
      for await (const entry of t.store.listAll(t.bucket, 'ctrl-c/')) landed += entry.size > 0 ? 1 : 0;
    }
    child.kill('SIGINT');
    const code = await exited;
    expect(stderr).toMatch(/Cancelled: \d+ files? reached the bucket through the relay; the same command sends the rest/);
    expect(code).toBe(130);
    const again = await ferry(args, env);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/resuming: [1-9]\d* of 400 files were done/);
    expect((await contentsBelow('ctrl-c/ctrl-c/')).size).toBe(400);
  }, 120_000);

  it('refuses plain http:// to a relay beyond this machine', async () => {
    await expect(relayUpload({ url: 'http://192.0.2.1:7413/?token=x', bucket: t.bucket, prefix: 'x/', batch: 'x' }, files.slice(0, 1))).rejects.toThrow(/HTTPS only/);
  });
});

describe('npm run serve as a relay host, and ferry upload --via', () => {
  let serve: ChildProcess | undefined;
  let balancer: TcpRelay | undefined;
  afterAll(async () => {
    serve?.kill('SIGKILL');
    await balancer?.close();
  });

  it('beyond loopback: TLS only, the public URL the allowed Host; a killed batch run again resumes', async () => {
    const home = path.join(t.dir, 'serve-home');
    await mkdir(home, { recursive: true });
    // The host's own account: the Environment's (AWS_* variables where it runs).
    const env = cliEnv(home, { FERRY_CONFIG_DIR: path.join(home, 'config'), FERRY_STATE_DIR: path.join(home, 'state') });
    // The load balancer in front of the host: a TCP relay on localhost at a port chosen first, named by --public-url.
    const publicPort = await freePort();
    const publicUrl = `https://localhost:${publicPort}/`;
    serve = spawn(process.execPath, ['--import', 'tsx', 'electron/host/main.ts', '--host', '127.0.0.2', '--port', '0', '--public-url', publicUrl, '--downloads', path.join(home, 'dl')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    serve.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    serve.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const deadline = Date.now() + 30_000;
    while (!/Ctrl\+C stops/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(/Relay uploads are accepted .* written with the Environment account/);
    expect(out).toMatch(/Self-signed certificate SHA-256 fingerprint: [0-9A-F:]{95}/);
    const printed = new URL(/(https:\/\/\S+)/.exec(out)?.[1] ?? '');
    expect(printed.origin).toBe(`https://localhost:${publicPort}`);
    expect(printed.searchParams.get('pin')).toMatch(/^[0-9a-f]{64}$/);
    // Where it listens: the port is the bound one's (the public URL's is the proxy's).
    const port = Number(/listening on 127\.0\.0\.2:(\d+)/.exec(out)?.[1]);
    expect(port).toBeGreaterThan(0);
    const bound = new URL(printed);
    bound.hostname = '127.0.0.2';
    bound.port = String(port);

    // Plain HTTP is refused: the socket speaks TLS only.
    await expect(request(`http://127.0.0.2:${port}/?token=${printed.searchParams.get('token')}`, { headersTimeout: 5_000 })).rejects.toThrow();
    // The bound address's Host is not the public one: refused; with the public Host: served.
    const { Agent } = await import('undici');
    const insecure = new Agent({ connect: { rejectUnauthorized: false } });
    const asBound = await request(bound, { dispatcher: insecure });
    expect(asBound.statusCode).toBe(421);
    await asBound.body.dump();
    const asPublic = await request(new URL(`relay/done?bucket=${t.bucket}&prefix=via/&batch=none&token=${printed.searchParams.get('token')}`, bound), { dispatcher: insecure, headers: { host: `localhost:${publicPort}` } });
    expect(asPublic.statusCode).toBe(200);
    await asPublic.body.dump();
    await insecure.close();

    balancer = await startTcpRelay('127.0.0.1', publicPort, new URL(`https://127.0.0.2:${port}/`));
    const src = path.join(t.dir, 'via-src');
    const small = await writeFiles(src, 600, 'v');
    const big = randomBytes(12 * 1024 * 1024);
    await writeFile(path.join(src, 'big.bin'), big);
    // The address exactly as printed: the public URL, its token and the certificate's pin.
    const cliArgs = ['upload', src, `s3://${t.bucket}/via/`, '--via', printed.href];
    const upload = spawn(process.execPath, [`${repoRoot}/bin/ferry.js`, ...cliArgs], { cwd: repoRoot, env: cliEnv(path.join(t.dir, 'cli-home'), { AWS_ACCESS_KEY_ID: 'not-sent', AWS_SECRET_ACCESS_KEY: 'not-sent' }), stdio: 'ignore' });
    const killBy = Date.now() + 60_000;
    let landedBeforeKill = 0;
    while (Date.now() < killBy) {
      landedBeforeKill = 0;
      for await (const entry of t.store.listAll(t.bucket, 'via/')) landedBeforeKill += entry.size > 0 ? 1 : 0;
      if (landedBeforeKill >= 50) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    upload.kill('SIGKILL');
    await new Promise((r) => upload.once('exit', r));
    expect(landedBeforeKill).toBeGreaterThanOrEqual(50);
    expect(landedBeforeKill).toBeLessThan(601);

    const rerun = await ferry(cliArgs, cliEnv(path.join(t.dir, 'cli-home'), { AWS_ACCESS_KEY_ID: 'not-sent', AWS_SECRET_ACCESS_KEY: 'not-sent' }));
    expect(rerun.stderr).toMatch(/resuming: [1-9]\d* of 601 files were done before the interruption and were not sent again/);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(new RegExp(`through the relay localhost:${publicPort}`));
    const resumed = Number(/resuming: (\d+) of/.exec(rerun.stderr)?.[1]);
    expect(resumed).toBeGreaterThanOrEqual(landedBeforeKill - 64);
    // The folder goes in whole, as with a direct upload (like cp -r).
    const landed = await contentsBelow('via/via-src/');
    expect(landed.size).toBe(601);
    for (const f of small) expect(landed.get(f.name), f.name).toBe(f.md5);
    expect(landed.get('big.bin')).toBe(md5(big));
  }, 240_000);
});
