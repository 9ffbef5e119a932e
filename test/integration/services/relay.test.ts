// An account set to "upload through relay", through the service's calls and events as the UI uses
// them: its uploads go to a Ferry host near the bucket (a second service on loopback, with a relay
// receiver over its own engine), rows end as the host's lines say, a retry after a restart sends
// only what the host did not finish, and the relay's token never reaches the UI.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccountInput, BatchEvent } from '../../../shared/api.js';
import { FerryError } from '../../../electron/engine/errors.js';
import { Journal } from '../../../electron/engine/journal.js';
import { startHost, type RunningHost } from '../../../electron/host/server.js';
import { RelayReceiver } from '../../../electron/relay/receiver.js';
import { sha256File, writeRandomFile } from '../../support/files.js';
import { incompleteUploads, remoteSha256, testAccount, testEngine } from '../../support/s3.js';
import { MemorySecrets, closeServiceTestBed, openService, openServiceTestBed, type ServiceBed, type ServiceTestBed } from '../../support/service.js';

const MiB = 1024 * 1024;

const secrets = new MemorySecrets();
let t: ServiceTestBed;
let hostBed: ServiceBed;
let host: RunningHost;
let receiver: RelayReceiver;
const hostEngine = testEngine({ settings: { partSize: 5 * MiB } });

/** The test account's fields as the account dialog sends them (the secret kept as saved). */
function accountFields(): Omit<AccountInput, 'secretAccessKey' | 'relayUrl'> {
  const account = testAccount();
  return {
    id: t.accountId,
    name: 'test',
    kind: account.endpoint.endpoint ? 's3-compatible' : 'aws',
    endpoint: account.endpoint.endpoint,
    region: account.endpoint.region,
    forcePathStyle: account.endpoint.forcePathStyle,
    accessKeyId: account.credentials.accessKeyId,
  };
}

/** A folder of four small files (one nested) and one of 3 MiB (streamed on its own, not bundled). */
async function folder(name: string): Promise<string[]> {
  const root = path.join(t.dir, name);
  await mkdir(path.join(root, 'css'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<h1>relayed</h1>');
  await writeRandomFile(path.join(root, 'a b+c.txt'), 3000);
  await writeRandomFile(path.join(root, 'css', 'site.css'), 70_000);
  await writeFile(path.join(root, 'empty.txt'), '');
  await writeRandomFile(path.join(root, 'big.bin'), 3 * MiB + 5);
  return ['index.html', 'a b+c.txt', 'css/site.css', 'empty.txt', 'big.bin'];
}

const batchEnd = (bed: ServiceBed, batchId: string) => () => bed.events.find((e): e is BatchEvent => e.type === 'batch' && e.batchId === batchId);

beforeAll(async () => {
  t = await openServiceTestBed('relay-account', {}, secrets);
  hostBed = openService(path.join(t.dir, 'host'), new MemorySecrets());
  receiver = new RelayReceiver(hostEngine, new Journal(path.join(t.dir, 'relay-state')));
  host = await startHost({ service: hostBed.service, rendererDir: path.join(t.dir, 'no-renderer'), port: 0, relay: receiver });
});

afterAll(async () => {
  await host?.close();
  await hostBed?.service.close();
  hostEngine.close();
  await closeServiceTestBed(t);
});

describe('an account that uploads through a relay', () => {
  it('keeps the relay address with the secrets: the UI sees its host, never its token', async () => {
    const saved = await t.bed.call('accounts.save', { ...accountFields(), relayUrl: host.url });
    const relayHost = new URL(host.url).host;
    expect(saved.relayHost).toBe(relayHost);
    const listed = await t.bed.call('accounts.list', {});
    expect(listed.find((a) => a.id === t.accountId)?.relayHost).toBe(relayHost);
    expect(JSON.stringify([saved, listed])).not.toContain(host.token);
    // Saving again without the field keeps it.
    expect((await t.bed.call('accounts.save', accountFields())).relayHost).toBe(relayHost);
  });

  it('uploads a folder through the relay: objects byte-identical, every row done, the host logged each', async () => {
    const names = await folder('site');
    const { batchId } = await t.bed.call('transfers.upload', { accountId: t.accountId, bucket: t.bucket, prefix: 'via/', paths: [path.join(t.dir, 'site')] });
    const end = await t.bed.until(batchEnd(t.bed, batchId));
    expect(end).toMatchObject({ status: 'done', files: 5, done: 5, failures: [] });
    const rows = [...t.bed.rows.values()].filter((r) => r.batchId === batchId);
    expect(rows.map((r) => r.state)).toEqual(['done', 'done', 'done', 'done', 'done']);
    for (const name of names) expect(await remoteSha256(t.bucket, `via/site/${name}`, t.dir)).toBe(await sha256File(path.join(t.dir, 'site', name)));
    // The host put them (its log of the batch, named by the queue's batch id), not this side's engine.
    expect((await receiver.done({ bucket: t.bucket, prefix: 'via/', batch: batchId })).sort()).toEqual(names.map((n) => `via/site/${n}`).sort());
    expect(await incompleteUploads(t.store, t.bucket)).toEqual([]);
    expect(JSON.stringify([t.bed.events, await t.bed.call('queue.list', {})])).not.toContain(host.token);
  }, 60_000);

  it('fails a row with the host’s error; retried after a restart, only that file is sent again', async () => {
    await folder('again');
    const puts: string[] = [];
    const put = hostEngine.uploadStream.bind(hostEngine);
    const spy = vi.spyOn(hostEngine, 'uploadStream').mockImplementation(async (job, signal) => {
      puts.push(job.key);
      if (job.key !== 'in/again/big.bin' || puts.filter((k) => k === job.key).length > 1) return put(job, signal);
      // The bucket refuses it once, after the bytes came (as S3 would).
      await finished((job.input as Readable).resume());
      throw new FerryError('AccessDenied', 'The host may not write big.bin (test).');
    });
    try {
      const { batchId } = await t.bed.call('transfers.upload', { accountId: t.accountId, bucket: t.bucket, prefix: 'in/', paths: [path.join(t.dir, 'again')] });
      expect(await t.bed.until(batchEnd(t.bed, batchId))).toMatchObject({ status: 'failed', files: 5, done: 4 });
      const failed = [...t.bed.rows.values()].find((r) => r.batchId === batchId && r.state === 'failed');
      expect(failed).toMatchObject({ key: 'in/again/big.bin', error: { code: 'AccessDenied', message: 'The host may not write big.bin (test).' } });

      await t.bed.service.close();
      t.bed = openService(t.dir, secrets);
      await t.bed.call('queue.retry', { ids: [failed?.id ?? ''] });
      await t.bed.until(() => t.bed.rows.get(failed?.id ?? '')?.state === 'done');
      expect(puts.filter((k) => k === 'in/again/big.bin')).toHaveLength(2);
      expect(puts.filter((k) => k !== 'in/again/big.bin').sort()).toEqual(['in/again/a b+c.txt', 'in/again/css/site.css', 'in/again/empty.txt', 'in/again/index.html']);
      expect(await remoteSha256(t.bucket, 'in/again/big.bin', t.dir)).toBe(await sha256File(path.join(t.dir, 'again', 'big.bin')));
    } finally {
      spy.mockRestore();
    }
  }, 60_000);

  it('a row paused mid-send, resumed after a restart, takes from the host’s log what it finished meanwhile', async () => {
    await folder('paused');
    const puts: string[] = [];
    let reached = false;
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const put = hostEngine.uploadStream.bind(hostEngine);
    const spy = vi.spyOn(hostEngine, 'uploadStream').mockImplementation(async (job, signal) => {
      puts.push(job.key);
      if (job.key === 'later/paused/big.bin') {
        reached = true;
        await gate;
      }
      return put(job, signal);
    });
    try {
      const { batchId } = await t.bed.call('transfers.upload', { accountId: t.accountId, bucket: t.bucket, prefix: 'later/', paths: [path.join(t.dir, 'paused')] });
      const big = await t.bed.until(() => {
        const rows = [...t.bed.rows.values()].filter((r) => r.batchId === batchId);
        return reached && rows.filter((r) => r.state === 'done').length === 4 && rows.find((r) => r.key === 'later/paused/big.bin' && r.state === 'active');
      });
      // Quitting pauses the row; the send carrying it goes on, and the host finishes the file.
      await t.bed.service.close();
      release();
      await expect.poll(async () => (await receiver.done({ bucket: t.bucket, prefix: 'later/', batch: batchId })).includes(big.key), { timeout: 30_000 }).toBe(true);

      t.bed = openService(t.dir, secrets);
      expect((await t.bed.call('queue.list', {})).rows.find((r) => r.id === big.id)?.state).toBe('paused');
      await t.bed.call('queue.resume', { ids: [big.id] });
      const done = await t.bed.until(() => (t.bed.rows.get(big.id)?.state === 'done' ? t.bed.rows.get(big.id) : undefined));
      expect(done.note).toBe('already uploaded: the relay had finished it');
      expect(puts.filter((k) => k === big.key)).toHaveLength(1);
      expect(await remoteSha256(t.bucket, big.key, t.dir)).toBe(await sha256File(path.join(t.dir, 'paused', 'big.bin')));
    } finally {
      release();
      spy.mockRestore();
    }
  }, 60_000);

  it('refuses a relay address that is not http(s) or has no token, saying why; null removes the relay', async () => {
    const refusal = async (relayUrl: string) => {
      const result = await t.bed.service.call('accounts.save', { ...accountFields(), relayUrl });
      return result.ok ? 'saved' : result.error.message;
    };
    expect(await refusal('ftp://relay.example.com/?token=abc')).toMatch(/^relayUrl: The relay address must be an http:\/\/ or https:\/\/ URL/);
    expect(await refusal('relay.example.com:8080')).toMatch(/must be an http:\/\/ or https:\/\/ URL/);
    expect(await refusal('https://relay.example.com:8080/')).toMatch(/^relayUrl: The relay address has no token/);
    expect((await t.bed.call('accounts.list', {})).find((a) => a.id === t.accountId)?.relayHost).toBe(new URL(host.url).host);

    expect((await t.bed.call('accounts.save', { ...accountFields(), relayUrl: null })).relayHost).toBeUndefined();
    expect(await secrets.get(`${t.accountId}/relay`)).toBeNull();
  });
});
