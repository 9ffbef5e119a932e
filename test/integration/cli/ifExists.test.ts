// `--if-exists`: what `ferry upload` and `ferry download` do with a target that already exists.

import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { cliEnv, ferry as runFerry } from '../../support/cli.js';
import { exists, writeRandomFile } from '../../support/files.js';
import { closeTestBed, openTestBed } from '../../support/s3.js';

const MiB = 1024 * 1024;

let store: S3Store;
let bucket: string;
let dir: string;

// Without a terminal (execFile gives the command pipes), so `ask` cannot ask.
const ferry = (args: string[]) => runFerry([...args, '-q'], cliEnv(dir));
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const etagOf = async (key: string) => (await store.headObject(bucket, key)).etag;
const keysBelow = async (prefix: string) => {
  const keys: string[] = [];
  for await (const entry of store.listAll(bucket, prefix)) keys.push(entry.key);
  return keys.sort();
};

beforeAll(async () => ({ store, bucket, dir } = await openTestBed('ifexists')));

afterAll(() => closeTestBed({ store, bucket, dir }));

describe('ferry upload --if-exists', () => {
  it('skip keeps the object; rename adds "name (1).ext"; overwrite replaces it', async () => {
    const file = path.join(dir, 'a.txt');
    await writeFile(file, 'one');
    expect((await ferry(['upload', file, `s3://${bucket}/up/`])).code).toBe(0);

    await writeFile(file, 'two, longer');
    const skip = await ferry(['upload', file, `s3://${bucket}/up/`, '--if-exists', 'skip']);
    expect(skip.code).toBe(0);
    expect(skip.stderr).toBe(`ferry: skipped ${file}: exists (--if-exists skip)\n`);
    expect(skip.stdout).toMatch(/^Uploaded 0 files, 0 bytes/);
    expect(await etagOf('up/a.txt')).toBe(md5('one'));

    const rename = await ferry(['upload', file, `s3://${bucket}/up/`, '--if-exists', 'rename']);
    expect(rename.code).toBe(0);
    expect(rename.stderr).toBe(`ferry: ${file} → s3://${bucket}/up/a (1).txt (renamed: the target exists)\n`);
    const again = await ferry(['upload', file, `s3://${bucket}/up/`, '--if-exists', 'rename']);
    expect(again.code).toBe(0);
    expect(await keysBelow('up/')).toEqual(['up/a (1).txt', 'up/a (2).txt', 'up/a.txt']);
    expect(await etagOf('up/a.txt')).toBe(md5('one'));
    expect(await etagOf('up/a (1).txt')).toBe(md5('two, longer'));

    const overwrite = await ferry(['upload', file, `s3://${bucket}/up/`, '--if-exists', 'overwrite']);
    expect(overwrite.code).toBe(0);
    expect(overwrite.stderr).toBe('');
    expect(await etagOf('up/a.txt')).toBe(md5('two, longer'));
  });

  it('different skips the same content and overwrites changed content of the same size', async () => {
    const file = path.join(dir, 'same.txt');
    await writeFile(file, 'abc');
    expect((await ferry(['upload', file, `s3://${bucket}/diff/`])).code).toBe(0);

    const same = await ferry(['upload', file, `s3://${bucket}/diff/`, '--if-exists', 'different']);
    expect(same.code).toBe(0);
    expect(same.stderr).toBe(`ferry: skipped ${file}: exists (same size and checksum)\n`);
    expect(same.stdout).toMatch(/^Uploaded 0 files/);

    await writeFile(file, 'xyz');
    const changed = await ferry(['upload', file, `s3://${bucket}/diff/`, '--if-exists', 'different']);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(/^Uploaded 1 file, 3 bytes/);
    expect(await etagOf('diff/same.txt')).toBe(md5('xyz'));
  });

  it('different finds a multipart object the same with the part size its ETag was made with', async () => {
    const file = path.join(dir, 'big.bin');
    await writeRandomFile(file, 17 * MiB + 1);
    // 5 MiB parts: 4 parts, which Ferry's 8 MiB default would not give (3).
    expect((await ferry(['upload', file, `s3://${bucket}/multi/`, '--part-size', '5MiB'])).code).toBe(0);
    const etag = await etagOf('multi/big.bin');
    expect(etag).toMatch(/-4$/);

    const same = await ferry(['upload', file, `s3://${bucket}/multi/`, '--if-exists', 'different']);
    expect(same.stderr).toBe(`ferry: skipped ${file}: exists (same size and checksum)\n`);
    expect(await etagOf('multi/big.bin')).toBe(etag);
  });

  it('a folder upload looks its keys up in one listing, and renames inside the folder', async () => {
    const folder = path.join(dir, 'site');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'index.html'), '<h1>1</h1>');
    expect((await ferry(['upload', folder, `s3://${bucket}/web/`])).code).toBe(0);
    await writeFile(path.join(folder, 'index.html'), '<h1>2</h1>');
    await writeFile(path.join(folder, 'new.css'), 'p{}');

    const rename = await ferry(['upload', folder, `s3://${bucket}/web/`, '--if-exists', 'rename']);
    expect(rename.code).toBe(0);
    expect(rename.stdout).toMatch(/^Uploaded 2 files/);
    expect(await keysBelow('web/')).toEqual(['web/site/index (1).html', 'web/site/index.html', 'web/site/new.css']);
    expect(await etagOf('web/site/index (1).html')).toBe(md5('<h1>2</h1>'));
  });

  it('ask without a terminal fails the existing item with TargetExists (exit 1) and uploads the others', async () => {
    const folder = path.join(dir, 'docs');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'old.txt'), 'old');
    expect((await ferry(['upload', folder, `s3://${bucket}/ask/`])).code).toBe(0);
    await writeFile(path.join(folder, 'old.txt'), 'changed');
    await writeFile(path.join(folder, 'fresh.txt'), 'fresh');

    const result = await ferry(['upload', folder, `s3://${bucket}/ask/`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `ferry: failed ${path.join(folder, 'old.txt')}: TargetExists: s3://${bucket}/ask/docs/old.txt exists; choose with --if-exists overwrite|skip|rename|different.\n`,
    );
    expect(result.stdout).toMatch(/^Uploaded 1 file, 5 bytes/);
    expect(await etagOf('ask/docs/fresh.txt')).toBe(md5('fresh'));
    expect(await etagOf('ask/docs/old.txt')).toBe(md5('old'));
  });
});

describe('ferry download --if-exists', () => {
  const out = () => path.join(dir, 'out');
  const local = () => path.join(out(), 'd.txt');

  beforeAll(async () => {
    const file = path.join(dir, 'd.txt');
    await writeFile(file, 'remote');
    expect((await ferry(['upload', file, `s3://${bucket}/down/`])).code).toBe(0);
    await mkdir(out(), { recursive: true });
    await writeFile(local(), 'local!');
  });

  it('skip keeps the local bytes', async () => {
    const result = await ferry(['download', `s3://${bucket}/down/d.txt`, out(), '--if-exists', 'skip']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`ferry: skipped s3://${bucket}/down/d.txt: exists (--if-exists skip)\n`);
    expect(await readFile(local(), 'utf8')).toBe('local!');
  });

  it('rename downloads to "name (1).ext" beside the local file', async () => {
    const result = await ferry(['download', `s3://${bucket}/down/d.txt`, out(), '--if-exists', 'rename']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`ferry: s3://${bucket}/down/d.txt → ${path.join(out(), 'd (1).txt')} (renamed: the target exists)\n`);
    expect(await readFile(path.join(out(), 'd (1).txt'), 'utf8')).toBe('remote');
    expect(await readFile(local(), 'utf8')).toBe('local!');
  });

  it('different replaces other content of the same size, then skips the same content', async () => {
    const changed = await ferry(['download', `s3://${bucket}/down/d.txt`, out(), '--if-exists', 'different']);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toMatch(/^Downloaded 1 file, 6 bytes/);
    expect(await readFile(local(), 'utf8')).toBe('remote');

    const same = await ferry(['download', `s3://${bucket}/down/d.txt`, out(), '--if-exists', 'different']);
    expect(same.stderr).toBe(`ferry: skipped s3://${bucket}/down/d.txt: exists (same size and checksum)\n`);
    expect(same.stdout).toMatch(/^Downloaded 0 files/);
  });

  it('overwrite replaces the local file', async () => {
    await writeFile(local(), 'local, edited');
    const result = await ferry(['download', `s3://${bucket}/down/d.txt`, out(), '--if-exists', 'overwrite']);
    expect(result.code).toBe(0);
    expect(await readFile(local(), 'utf8')).toBe('remote');
  });

  it('ask without a terminal fails the existing file with TargetExists (exit 1) and downloads the others', async () => {
    const fresh = path.join(dir, 'e.txt');
    await writeFile(fresh, 'other');
    expect((await ferry(['upload', fresh, `s3://${bucket}/down/`])).code).toBe(0);
    const into = path.join(dir, 'prefix-out');
    await mkdir(path.join(into, 'down'), { recursive: true });
    await writeFile(path.join(into, 'down', 'd.txt'), 'mine');

    const result = await ferry(['download', `s3://${bucket}/down/`, into]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `ferry: failed s3://${bucket}/down/d.txt: TargetExists: ${path.join(into, 'down', 'd.txt')} exists; choose with --if-exists overwrite|skip|rename|different.\n`,
    );
    expect(result.stdout).toMatch(/^Downloaded 1 file, 5 bytes/);
    expect(await readFile(path.join(into, 'down', 'd.txt'), 'utf8')).toBe('mine');
    expect(await readFile(path.join(into, 'down', 'e.txt'), 'utf8')).toBe('other');
    expect(await exists(path.join(into, 'down', 'd (1).txt'))).toBe(false);
  });
});
