// Local paths: keys that would share one local path are refused when planned; links in the folder are never followed out of it.

import path from 'node:path';
import { lstat, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDownloads } from '../../../electron/engine/batchPlan.js';
import type { TransferEngine } from '../../../electron/engine/engine.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { removeDir, tempDir } from '../../support/files.js';
import { createTestBucket, incompleteUploads, removeTestBucket, testEngine, testStore } from '../../support/s3.js';

const NFC = 'caf\u00e9.txt';
const NFD = 'cafe\u0301.txt';

let store: S3Store;
let engine: TransferEngine;
let bucket: string;
let dir: string;
let outside: string;
const bodies = new Map<string, Buffer>();

async function put(key: string, body: Buffer | string): Promise<void> {
  const bytes = Buffer.from(body);
  bodies.set(key, bytes);
  await store.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
}

/** Whether `file` holds exactly the bytes uploaded under `key` (compared whole: toEqual on MiBs is slow). */
async function holdsObject(file: string, key: string): Promise<boolean> {
  const expected = bodies.get(key);
  return expected !== undefined && (await readFile(file)).equals(expected);
}

/** The keys under `prefix` in the server's listing order, the order that decides who keeps a name. */
async function listed(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of store.listAll(bucket, prefix)) keys.push(entry.key);
  return keys;
}

beforeAll(async () => {
  store = testStore();
  bucket = await createTestBucket(store, 'localpaths');
  dir = await tempDir('localpaths');
  // A folder beside the download folder, where nothing may ever be written.
  outside = await tempDir('localpaths-outside');
  engine = testEngine();
});

afterAll(async () => {
  engine?.close();
  if (store) expect(await incompleteUploads(store, bucket)).toEqual([]);
  await removeTestBucket(store, bucket);
  store?.destroy();
  await removeDir(dir);
  await removeDir(outside);
});

describe('keys that share one local path', () => {
  it('refuses a key needing a file as a folder, and a folder marker of the same name, on every platform', async () => {
    await put('c/dir/file', randomBytes(3000));
    await put('c/dir/file/', '');
    await put('c/dir/file/child', randomBytes(2000));
    await put('c/ok.txt', 'ok');
    const target = path.join(dir, 'clash');
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const plan = await planDownloads(store, bucket, 'c/', target, undefined, platform);
      expect(plan.refused.map((r) => r.key)).toEqual(['c/dir/file/', 'c/dir/file/child']);
      for (const refused of plan.refused) expect(refused.error).toMatchObject({ code: 'PathCollision', message: expect.stringContaining('the key "c/dir/file"') });
    }

    const plan = await engine.planDownloads(bucket, 'c/', target);
    const result = await engine.runDownloads(plan);
    expect(result.done).toBe(2);
    expect(result.failures.map((f) => [f.item, f.error.code])).toEqual([
      ['c/dir/file/', 'PathCollision'],
      ['c/dir/file/child', 'PathCollision'],
    ]);
    expect(await holdsObject(path.join(target, 'c', 'dir', 'file'), 'c/dir/file')).toBe(true);
    expect((await readdir(path.join(target, 'c'))).sort()).toEqual(['dir', 'ok.txt']);
    expect(await readdir(path.join(target, 'c', 'dir'))).toEqual(['file']);
  });

  it('refuses names that macOS or Windows fold to one, keeping the first in the listing', async () => {
    await put('f/X.txt', randomBytes(1500));
    await put('f/x.txt', randomBytes(1600));
    await put(`f/${NFD}`, randomBytes(1700));
    await put(`f/${NFC}`, randomBytes(1800));
    const order = await listed('f/');
    // The server keeps all four keys apart (it does not normalise names).
    expect(order).toHaveLength(4);
    const later = (a: string, b: string) => (order.indexOf(a) < order.indexOf(b) ? b : a);
    const caseLoser = later('f/X.txt', 'f/x.txt');
    const formLoser = later(`f/${NFC}`, `f/${NFD}`);

    const linux = await planDownloads(store, bucket, 'f/', path.join(dir, 'linux'), undefined, 'linux');
    expect(linux.refused).toEqual([]);
    expect(linux.files).toHaveLength(4);
    const windows = await planDownloads(store, bucket, 'f/', path.join(dir, 'windows'), undefined, 'win32');
    expect(windows.refused.map((r) => r.key)).toEqual([caseLoser]);

    const target = path.join(dir, 'mac');
    const mac = await planDownloads(store, bucket, 'f/', target, undefined, 'darwin');
    expect(mac.refused.map((r) => r.key).sort()).toEqual([caseLoser, formLoser].sort());
    expect(mac.refused.every((r) => r.error.code === 'PathCollision' && r.error.message.includes('are one name on macOS'))).toBe(true);
    const result = await engine.runDownloads(mac);
    expect(result.done).toBe(2);
    expect(result.failures).toHaveLength(2);
    // Byte for byte the first key of each pair, and no temporary file left behind.
    const kept = order.filter((key) => key !== caseLoser && key !== formLoser);
    const onDisk = await readdir(path.join(target, 'f'));
    expect(onDisk.sort()).toEqual(kept.map((key) => key.slice('f/'.length)).sort());
    for (const key of kept) expect(await holdsObject(path.join(target, key), key)).toBe(true);
  });
});

describe('symbolic links in the download folder', () => {
  it('refuses to write through a linked folder, inside the prefix or as the prefix itself', async () => {
    await put('l/evil/x.txt', 'escaped');
    await put('l/evil/deeper/y.txt', 'escaped too');
    await put('l/fine.txt', 'fine');
    await put('m/z.txt', 'escaped again');
    const target = path.join(dir, 'links');
    await mkdir(path.join(target, 'l'), { recursive: true });
    await symlink(outside, path.join(target, 'l', 'evil'), 'dir');
    await symlink(outside, path.join(target, 'm'), 'dir');

    const result = await engine.runDownloads(await engine.planDownloads(bucket, 'l/', target));
    expect(result.done).toBe(1);
    expect(result.failures.map((f) => [f.item, f.error.code]).sort()).toEqual([
      [`s3://${bucket}/l/evil/deeper/y.txt`, 'PathOutsideTarget'],
      [`s3://${bucket}/l/evil/x.txt`, 'PathOutsideTarget'],
    ]);
    expect(result.failures[0]?.error.message).toContain('symbolic link');
    const prefixLinked = await engine.runDownloads(await engine.planDownloads(bucket, 'm/', target));
    expect(prefixLinked.done).toBe(0);
    // The prefix's own folder is refused, and so is the file below it.
    expect(prefixLinked.failures.map((f) => [f.item, f.error.code]).sort()).toEqual([
      [path.join(target, 'm'), 'PathOutsideTarget'],
      [`s3://${bucket}/m/z.txt`, 'PathOutsideTarget'],
    ]);

    expect(await readdir(outside)).toEqual([]);
    expect(await readFile(path.join(target, 'l', 'fine.txt'), 'utf8')).toBe('fine');
  });

  it('never opens a temporary file through a planted link, and renames over a link at the target', async () => {
    const big = randomBytes(3 * 1024 * 1024); // above the small-object size: written by ranges into an open file
    await put('t/small.txt', 'small');
    await put('t/empty', '');
    await put('t/big.bin', big);
    await put('t/linked.txt', 'replaces the link');
    const target = path.join(dir, 'temps');
    const folder = path.join(target, 't');
    await mkdir(folder, { recursive: true });
    const victims = ['small', 'empty', 'big', 'linked'].map((name) => path.join(outside, `victim-${name}`));
    for (const victim of victims) await writeFile(victim, 'untouched');
    await symlink(victims[0] as string, path.join(folder, '.small.txt.ferry-download'));
    await symlink(victims[1] as string, path.join(folder, '.empty.ferry-download'));
    await symlink(victims[2] as string, path.join(folder, '.big.bin.ferry-download'));
    await symlink(victims[3] as string, path.join(folder, 'linked.txt'));

    const result = await engine.runDownloads(await engine.planDownloads(bucket, 't/', target));
    expect(result.failures).toEqual([]);
    expect(result.done).toBe(4);
    for (const victim of victims) expect(await readFile(victim, 'utf8')).toBe('untouched');
    expect((await readdir(outside)).sort()).toEqual(victims.map((v) => path.basename(v)).sort());
    expect((await readdir(folder)).sort()).toEqual(['big.bin', 'empty', 'linked.txt', 'small.txt']);
    for (const name of ['big.bin', 'empty', 'linked.txt', 'small.txt']) {
      expect((await lstat(path.join(folder, name))).isFile()).toBe(true);
      expect(await holdsObject(path.join(folder, name), `t/${name}`)).toBe(true);
    }
  });
});
