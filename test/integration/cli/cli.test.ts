// The `ferry` command line as a user runs it: real files, real server, exit codes and output.

import path from 'node:path';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { exists, treeHashes, writeRandomFile } from '../../support/files.js';
import { closeTestBed, openTestBed } from '../../support/s3.js';
import { cliEnv, repoRoot, ferry as runFerry } from '../../support/cli.js';

const MiB = 1024 * 1024;

let store: S3Store;
let bucket: string;
let dir: string;

const ferry = (args: string[], env = cliEnv(dir)) => runFerry(args, env);

beforeAll(async () => ({ store, bucket, dir } = await openTestBed('cli')));

afterAll(() => closeTestBed({ store, bucket, dir }));

describe('ferry command line', () => {
  it('uploads a folder, lists it, downloads it back identical, and reports bytes, seconds and MB/s', async () => {
    const src = path.join(dir, 'photos');
    await mkdir(path.join(src, 'raw', 'empty'), { recursive: true });
    await writeRandomFile(path.join(src, 'raw', 'big.cr2'), 12 * MiB + 3);
    await writeFile(path.join(src, 'notes + ideas #1.txt'), 'ünïcødé');
    await writeFile(path.join(src, 'zero'), '');

    const up = await ferry(['upload', src, `s3://${bucket}/2024/`, '--part-size', '5MiB', '--parts', '4', '--files', '8', '--cache-control', 'max-age=60']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^Uploaded 3 files and 1 empty folder, 12582926 bytes \(12\.0 MiB\) in \d+\.\d\d s, \d+\.\d MB\/s\n$/);
    expect((await store.headObject(bucket, '2024/photos/raw/big.cr2')).headers.cacheControl).toBe('max-age=60');
    // Content-Type from each file's name; a name mime-db does not know (.cr2, none): application/octet-stream.
    expect((await store.headObject(bucket, '2024/photos/notes + ideas #1.txt')).contentType).toBe('text/plain; charset=utf-8');
    expect((await store.headObject(bucket, '2024/photos/raw/big.cr2')).contentType).toBe('application/octet-stream');
    expect((await store.headObject(bucket, '2024/photos/zero')).contentType).toBe('application/octet-stream');

    const ls = await ferry(['ls', `s3://${bucket}/2024/photos/`]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/PRE 2024\/photos\/raw\/\n/);
    expect(ls.stdout).toMatch(/ 11 2024\/photos\/notes \+ ideas #1\.txt\n/);

    const down = await ferry(['download', `s3://${bucket}/2024/photos/`, path.join(dir, 'back')]);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/^Downloaded 3 files, 12582926 bytes/);
    expect(await treeHashes(path.join(dir, 'back', 'photos'))).toEqual(await treeHashes(src));
  });

  it('lists buckets', async () => {
    const ls = await ferry(['ls']);
    expect(ls.code).toBe(0);
    expect(ls.stdout.split('\n')).toContain(bucket);
  });

  it('exits non-zero with a one-line reason on a wrong secret', async () => {
    const result = await ferry(['ls', `s3://${bucket}/`], cliEnv(dir, { AWS_SECRET_ACCESS_KEY: 'wrong' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ferry: InvalidSecret: The server rejected the request signature[^\n]*\n$/);
  });

  it('exits non-zero with a one-line reason on a missing bucket and a missing file', async () => {
    const missing = await ferry(['download', `s3://${bucket}-nope/x`, dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ferry: NoSuchBucket: [^\n]*\n$/);
    const noFile = await ferry(['upload', path.join(dir, 'does-not-exist'), `s3://${bucket}/`]);
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toMatch(/^ferry: LocalNotFound: [^\n]*does-not-exist does not exist\.\n$/);
  });

  it('prints its version (from the one-file bundle bin/ferry.js builds and loads)', async () => {
    const { version } = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const result = await ferry(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await exists(path.join(repoRoot, 'dist', 'cli', 'ferry.cjs'))).toBe(true);
  });

  it('sends and keeps metadata in any language (RFC 2047, by libmime, which the bundle loads on first use)', async () => {
    const title = 'Quartalsbericht für 2026 — 报告';
    await writeFile(path.join(dir, 'report.txt'), 'q4');
    const up = await ferry(['upload', path.join(dir, 'report.txt'), `s3://${bucket}/meta/`, '--header', `x-amz-meta-title: ${title}`]);
    expect(up).toMatchObject({ code: 0, stderr: '' });
    expect((await store.headObject(bucket, 'meta/report.txt')).headers.metadata).toMatchObject({ title });
    // A change in place reads the metadata (decoded) and writes it back (encoded) with the new header.
    const change = await ferry(['set-headers', `s3://${bucket}/meta/report.txt`, '--cache-control', 'max-age=5']);
    expect(change).toMatchObject({ code: 0, stderr: '' });
    const after = await store.headObject(bucket, 'meta/report.txt');
    expect(after.headers.cacheControl).toBe('max-age=5');
    expect(after.headers.metadata).toMatchObject({ title });
  });

  it('starts from its code cache, and a damaged cache is refused and written anew, never run', async () => {
    const cacheFile = path.join(repoRoot, 'dist', 'cli', 'ferry.cjs.v8cache');
    const { version } = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    await ferry(['--version']);
    const good = await readFile(cacheFile);
    const stamp = good.subarray(0, good.indexOf(10)).toString('latin1');
    // The bundle's size and time, Node's version and CPU, and the CRC-32 of the compiled code.
    expect(stamp).toMatch(new RegExp(`^\\d+ [\\d.]+ ${process.version.replace(/\./g, '\\.')} ${process.arch} \\d+$`));
    // One byte of the compiled code flipped; then the code cut short; then no line at all.
    const flipped = Buffer.from(good);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 100) ^ 0xff, flipped.length - 100);
    for (const damaged of [flipped, good.subarray(0, good.length - 1000), Buffer.from('not a cache')]) {
      await writeFile(cacheFile, damaged);
      expect(await ferry(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
      const rewritten = await readFile(cacheFile);
      expect(rewritten.subarray(0, rewritten.indexOf(10)).toString('latin1')).toMatch(/^\d+ [\d.]+ v\S+ \S+ \d+$/);
      expect(rewritten.equals(damaged)).toBe(false);
    }
  });

  it('refuses a bad flag value with a usage message', async () => {
    const result = await ferry(['upload', dir, `s3://${bucket}/`, '--part-size', 'huge']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--part-size/);
  });

  it('--bwlimit holds an upload and a download to the limit', async () => {
    const file = path.join(dir, 'limited.bin');
    await writeRandomFile(file, 6 * MiB);
    // 6 MiB at 2 MiB/s cannot take less than 2.75 s (a quarter second of burst aside), whatever the machine.
    for (const args of [
      ['upload', file, `s3://${bucket}/limited.bin`, '--bwlimit', '2MiB'],
      ['download', `s3://${bucket}/limited.bin`, path.join(dir, 'limited-back'), '--bwlimit', '2MiB'],
    ]) {
      const run = await ferry(args);
      expect(run.code).toBe(0);
      const seconds = Number(/in (\d+\.\d\d) s/.exec(run.stdout)?.[1]);
      expect(seconds).toBeGreaterThanOrEqual(2.75);
    }
  });
});
