// Folders both ways: 1,000 small files and nested empty folders, byte for byte; hostile keys refused.

import path from 'node:path';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferEngine } from '../../../electron/engine/engine.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { exists, treeHashes, writeRandomFile } from '../../support/files.js';
import { testEngine, closeTestBed, openTestBed } from '../../support/s3.js';

let store: S3Store;
let engine: TransferEngine;
let bucket: string;
let dir: string;

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('folders'));
  engine = testEngine();
});

afterAll(async () => {
  engine?.close();
  await closeTestBed({ store, bucket, dir });
});

describe('folders', () => {
  it('round-trips 1,000 small files and nested empty folders byte for byte', async () => {
    const source = path.join(dir, 'site');
    for (let i = 0; i < 1000; i++) {
      const sub = path.join(source, `d${i % 10}`, `e${i % 7}`);
      await mkdir(sub, { recursive: true });
      await writeRandomFile(path.join(sub, `file-${i}.bin`), 1 + ((i * 7919) % 65536));
    }
    await writeFile(path.join(source, 'empty-file'), '');
    await mkdir(path.join(source, 'empty', 'nested', 'deeper'), { recursive: true });
    await mkdir(path.join(source, 'also-empty'), { recursive: true });

    // A caller's signal shared by every file in flight must not trip Node's listener-leak warning.
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const caller = new AbortController();

    const plan = await engine.planUploads([source], bucket, 'backup/');
    expect(plan.files).toHaveLength(1001);
    expect(plan.folderMarkers.sort()).toEqual(['backup/site/also-empty/', 'backup/site/empty/nested/deeper/']);
    const up = await engine.runUploads(plan, caller.signal);
    expect(up.failures).toEqual([]);
    expect(up.done).toBe(1001);
    expect(up.folders).toBe(2);

    const target = path.join(dir, 'restored');
    const downPlan = await engine.planDownloads(bucket, 'backup/site/', target);
    const down = await engine.runDownloads(downPlan, caller.signal);
    expect(down.failures).toEqual([]);
    expect(down.done).toBe(1001);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(warnings).toEqual([]);

    const before = await treeHashes(source);
    const after = await treeHashes(path.join(target, 'site'));
    expect(after.size).toBe(before.size);
    expect(after).toEqual(before);
  });

  it('downloads a prefix given without its trailing slash as a folder', async () => {
    const target = path.join(dir, 'no-slash');
    const plan = await engine.planDownloads(bucket, 'backup/site/d3/e2', target);
    expect(plan.files.length).toBeGreaterThan(0);
    expect(plan.files.every((f) => f.target.startsWith(path.join(target, 'e2') + path.sep))).toBe(true);
  });

  it('refuses keys that would write outside the folder, and writes nothing outside it', async () => {
    const hostile = ['trap/../../escaped.txt', 'trap/a/../../../escaped2.txt', 'trap/..\\..\\escaped3.txt', 'trap//double.txt'];
    for (const key of hostile) await store.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
    await store.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'trap/fine.txt', Body: 'fine' }));

    const outer = path.join(dir, 'jail');
    const target = path.join(outer, 'inside');
    await mkdir(target, { recursive: true });
    const plan = await engine.planDownloads(bucket, 'trap/', target);
    expect(plan.refused.map((r) => r.key).sort()).toEqual([...hostile].sort());
    expect(plan.refused.every((r) => r.error.code === 'PathOutsideTarget')).toBe(true);
    const result = await engine.runDownloads(plan);
    expect(result.done).toBe(1);
    expect(result.failures).toHaveLength(hostile.length);
    expect(await readdir(outer)).toEqual(['inside']);
    expect(await readdir(path.join(target, 'trap'))).toEqual(['fine.txt']);
    expect(await exists(path.join(dir, 'escaped.txt'))).toBe(false);
  });

  it('refuses a single key whose own name is ".."', async () => {
    await store.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'up/..', Body: 'x' }));
    await expect(engine.planDownloads(bucket, 'up/..', path.join(dir, 'single'))).rejects.toMatchObject({ code: 'PathOutsideTarget' });
  });
});
