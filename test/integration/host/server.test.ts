// The browser-hosted mode's guard and transport: a request without the token, from another origin
// or to another Host name is refused; calls are validated; a download stays inside the host's folder
// whatever the keys say. Against the real S3 server.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppEvent, CallName, CallResult, ChunkResult, ServerFrame } from '../../../shared/api.js';
import { encodeChunkFrame } from '../../../shared/chunkFrame.js';
import { MAX_CHUNK_BYTES, type ChunkHeader } from '../../../shared/queue.js';
import { FerryService } from '../../../electron/services/ferryService.js';
import { KeytarSecretStore } from '../../../electron/services/secretStore.js';
import { startHost, type RunningHost } from '../../../electron/host/server.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { exists, removeDir, tempDir, treeHashes } from '../../support/files.js';
import { createTestBucket, removeTestBucket, testAccount, testStore } from '../../support/s3.js';

let dir: string;
let downloads: string;
let host: RunningHost;
let service: FerryService;
let store: S3Store;
let bucket: string;

beforeAll(async () => {
  dir = await tempDir('host');
  downloads = path.join(dir, 'downloads');
  const renderer = path.join(dir, 'renderer');
  await mkdir(renderer);
  await writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>Ferry</title>');
  const account = testAccount();
  service = new FerryService({
    version: 'test',
    mode: 'browser',
    configDir: path.join(dir, 'config'),
    stateDir: path.join(dir, 'state'),
    downloadFolder: downloads,
    secrets: new KeytarSecretStore(),
    env: { AWS_ACCESS_KEY_ID: account.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: account.credentials.secretAccessKey, AWS_ENDPOINT_URL: account.endpoint.endpoint, AWS_REGION: account.endpoint.region },
  });
  host = await startHost({ service, rendererDir: renderer, port: 0 });
  store = testStore();
  bucket = await createTestBucket(store, 'host');
});

afterAll(async () => {
  await host?.close();
  await service?.close();
  if (bucket) await removeTestBucket(store, bucket);
  store?.destroy();
  await removeDir(dir);
});

const origin = () => `http://127.0.0.1:${host.port}`;

describe('HTTP guard', () => {
  it('serves the page with the token, and sets a cookie for the rest', async () => {
    const first = await fetch(`${origin()}/?token=${host.token}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = first.headers.get('set-cookie')?.split(';')[0] as string;
    expect(cookie).toMatch(/^ferry_token_\d+=/);
    expect((await fetch(`${origin()}/index.html`, { headers: { cookie } })).status).toBe(200);
  });

  it('refuses a request without the token, or with a wrong one', async () => {
    expect((await fetch(`${origin()}/`)).status).toBe(401);
    expect((await fetch(`${origin()}/?token=${host.token.slice(0, -1)}x`)).status).toBe(401);
  });

  it('refuses another origin and another Host name (DNS rebinding), even with the token', async () => {
    expect((await fetch(`${origin()}/?token=${host.token}`, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    const rebound = await new Promise<number>((resolve, reject) => {
      // fetch() will not let a caller set Host; node:http will.
      void import('node:http').then((http) =>
        http
          .get({ host: '127.0.0.1', port: host.port, path: `/?token=${host.token}`, headers: { host: `evil.example:${host.port}` } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject),
      );
    });
    expect(rebound).toBe(421);
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const p of ['/%2e%2e/config/accounts.json', '/..%2fconfig%2faccounts.json', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd']) {
      expect((await fetch(`${origin()}${p}?token=${host.token}`)).status, p).toBe(404);
    }
  });
});

/** A WebSocket client speaking the host's frames. */
async function connect(options: { token?: string; origin?: string } = {}) {
  const token = options.token ?? host.token;
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${encodeURIComponent(token)}`, { headers: { origin: options.origin ?? origin() } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  let next = 1;
  const pending = new Map<number, (r: CallResult<CallName>) => void>();
  const events: AppEvent[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse((data as Buffer).toString('utf8')) as ServerFrame;
    if ('event' in frame) events.push(frame.event);
    // Only calls are made here, so every answer is a call's.
    else pending.get(frame.id)?.(frame.result as CallResult<CallName>);
  });
  const call = (name: string, request: unknown) =>
    new Promise<CallResult<CallName>>((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, call: name, request }));
    });
  const chunk = (header: Omit<ChunkHeader, 'id'>, bytes: Uint8Array) =>
    new Promise<ChunkResult>((resolve) => {
      const id = next++;
      pending.set(id, (r) => resolve(r as ChunkResult));
      ws.send(encodeChunkFrame({ ...header, id }, bytes));
    });
  const until = async <T>(find: () => T | undefined, ms = 60_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > end) throw new Error('timed out waiting for an event');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { ws, call, chunk, events, until };
}

describe('WebSocket API', () => {
  it('refuses a socket without the token, or from another origin', async () => {
    await expect(connect({ token: 'nope' })).rejects.toThrow('HTTP 401');
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('answers calls, and refuses malformed or unknown ones with a reason', async () => {
    const { ws, call } = await connect();
    try {
      const info = await call('app.info', {});
      expect(info).toMatchObject({ ok: true, value: { mode: 'browser', downloadFolder: downloads } });
      expect(await call('browse.info', { accountId: 'environment', bucket })).toMatchObject({ ok: false, error: { code: 'InvalidInput', message: expect.stringContaining('key') } });
      expect(await call('fs.readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
      expect(await call('browse.buckets', { accountId: 'no-such' })).toMatchObject({ ok: false, error: { code: 'NoSuchAccount' } });
      const buckets = await call('browse.buckets', { accountId: 'environment' });
      expect(buckets.ok && (buckets.value as { name: string }[]).some((b) => b.name === bucket)).toBe(true);
    } finally {
      ws.close();
    }
  });

  it("takes a browser's file as chunk frames, and closes a socket that sends a malformed one", async () => {
    const { ws, call, chunk, events, until } = await connect();
    try {
      const bytes = Uint8Array.from({ length: MAX_CHUNK_BYTES + 1000 }, (_, i) => (i * 13) % 256);
      const started = await call('transfers.uploadFromBrowser', { accountId: 'environment', bucket, prefix: 'dropped/', files: [{ path: 'd/a.bin', size: bytes.length }], emptyFolders: [] });
      expect(started).toMatchObject({ ok: true, value: { streams: [{ index: 0 }] } });
      const { batchId, streams } = started.ok ? (started.value as { batchId: string; streams: { streamId: string }[] }) : { batchId: '', streams: [] };
      const streamId = streams[0]?.streamId ?? '';
      expect(await chunk({ streamId, offset: 0, last: false }, bytes.subarray(0, MAX_CHUNK_BYTES))).toEqual({ ok: true, value: { received: MAX_CHUNK_BYTES } });
      expect(await chunk({ streamId, offset: MAX_CHUNK_BYTES, last: true }, bytes.subarray(MAX_CHUNK_BYTES))).toEqual({ ok: true, value: { received: bytes.length } });
      expect(await until(() => events.find((e) => e.type === 'batch' && e.batchId === batchId))).toMatchObject({ kind: 'upload', status: 'done', done: 1 });
      expect((await store.headObject(bucket, 'dropped/d/a.bin')).size).toBe(bytes.length);
      // A stream the host does not know (never announced, or cancelled): stop sending.
      expect(await chunk({ streamId: 'no-such-stream', offset: 0, last: true }, new Uint8Array(1))).toMatchObject({ ok: false, error: { code: 'Cancelled' } });

      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.send(Uint8Array.from([0, 0, 0, 2, 0x7b, 0x7d]));
      expect(await closed).toBe(1003);
    } finally {
      ws.close();
    }
  });

  it('downloads a folder into the host folder, and refuses keys that would leave it', async () => {
    const body = (s: string) => new TextEncoder().encode(s);
    const { md5 } = await import('../../../electron/engine/checksum.js');
    const put = (key: string, text: string) => store.putObject({ bucket, key, body: body(text), md5: md5(body(text)).toString('base64') });
    await put('site/index.html', '<h1>hi</h1>');
    await put('site/css/a b+c%#.css', 'body{}');
    await put('site/../../escape.txt', 'outside');
    const { ws, call, events, until } = await connect();
    try {
      const started = await call('transfers.download', { accountId: 'environment', bucket, keys: [], prefixes: ['site/'] });
      expect(started).toMatchObject({ ok: true, value: { folder: downloads, files: 2 } });
      const batchId = started.ok ? (started.value as { batchId: string }).batchId : '';
      const done = await until(() => events.find((e) => e.type === 'batch' && e.batchId === batchId));
      expect(done).toMatchObject({ status: 'failed', done: 2, failures: [{ item: `s3://${bucket}/site/../../escape.txt`, error: { code: 'PathOutsideTarget' } }] });
      expect([...(await treeHashes(downloads)).keys()].sort()).toEqual(['site/css/a b+c%#.css', 'site/index.html']);
      expect(await exists(path.join(dir, 'escape.txt'))).toBe(false);
      expect(await exists(path.resolve(downloads, '..', '..', 'escape.txt'))).toBe(false);
      // A selection of keys: each lands as a file named like its last segment, planned in parallel.
      const names = Array.from({ length: 40 }, (_, i) => `loose/n${i}.txt`);
      for (const k of names) await put(k, k);
      const selected = await call('transfers.download', { accountId: 'environment', bucket, keys: names, prefixes: [] });
      expect(selected).toMatchObject({ ok: true, value: { files: 40 } });
      const selectedId = selected.ok ? (selected.value as { batchId: string }).batchId : '';
      expect(await until(() => events.find((e) => e.type === 'batch' && e.batchId === selectedId))).toMatchObject({ status: 'done', done: 40 });
      expect(await treeHashes(downloads)).toSatisfy((tree: Map<string, string>) => names.every((k) => tree.has(k.slice('loose/'.length))));
      // Progress events name their batch.
      expect(events.some((e) => e.type === 'progress' && e.transfer.batchId === selectedId)).toBe(true);
      // A listing streams pages as events; the folder's keys and sub-folders show.
      await call('browse.list', { accountId: 'environment', bucket, prefix: 'site/', listingId: 'l1' });
      await until(() => events.find((e) => e.type === 'listing' && e.listingId === 'l1' && e.done));
      // Pages as they come (key ranges are listed side by side), then the end: together, the folder.
      const pages = events.filter((e): e is Extract<typeof e, { type: 'listing' }> => e.type === 'listing' && e.listingId === 'l1');
      expect(pages.flatMap((p) => p.objects.map((o) => o.key))).toEqual(['site/index.html']);
      expect(pages.flatMap((p) => p.prefixes)).toEqual(['site/../', 'site/css/']);
      expect(pages.at(-1)?.done).toBe(true);
    } finally {
      ws.close();
    }
  });
});
