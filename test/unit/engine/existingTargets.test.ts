import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadPlan } from '../../../electron/engine/batchPlan.js';
import { multipartEtag } from '../../../electron/engine/checksum.js';
import { prepareDownloads, sameContent } from '../../../electron/engine/existingTargets.js';
import { removeDir, tempDir } from '../../support/files.js';

const MiB = 1024 * 1024;
let dir: string;

beforeAll(async () => {
  dir = await tempDir('existing');
});

afterAll(async () => {
  await removeDir(dir);
});

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest();

describe('sameContent', () => {
  it('compares a file with a plain MD5 ETag', async () => {
    const file = path.join(dir, 'small');
    await writeFile(file, 'hello');
    expect(await sameContent(file, md5(Buffer.from('hello')).toString('hex'), 5, 8 * MiB)).toBe(true);
    expect(await sameContent(file, md5(Buffer.from('hellO')).toString('hex'), 5, 8 * MiB)).toBe(false);
  });

  it('finds the part size that reproduces a multipart ETag (here rclone\'s 5 MiB)', async () => {
    const data = Buffer.alloc(11 * MiB, 7);
    const file = path.join(dir, 'parts');
    await writeFile(file, data);
    const etag = multipartEtag([md5(data.subarray(0, 5 * MiB)), md5(data.subarray(5 * MiB, 10 * MiB)), md5(data.subarray(10 * MiB))]);
    expect(await sameContent(file, etag, data.length, 8 * MiB)).toBe(true);
    expect(await sameContent(file, etag.replace(/^./, etag.startsWith('0') ? '1' : '0'), data.length, 8 * MiB)).toBe(false);
  });

  it('cannot compare an ETag that is no MD5: different', async () => {
    const file = path.join(dir, 'small');
    expect(await sameContent(file, 'kms-etag', 5, 8 * MiB)).toBe(false);
  });
});

describe('prepareDownloads', () => {
  it('renames to the first name neither on disk nor planned nor claimed by an earlier rename', async () => {
    const folder = path.join(dir, 'out');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'a.txt'), 'x');
    await writeFile(path.join(folder, 'a (1).txt'), 'x');
    const job = (key: string, name: string) => ({ bucket: 'b', key, target: path.join(folder, name), size: 1, listed: { size: 1, etag: md5(Buffer.from('y')).toString('hex') } });
    const files = [job('p/a.txt', 'a.txt'), job('p/a (2).txt', 'a (2).txt'), job('p/new.txt', 'new.txt')];
    const plan: DownloadPlan = { bucket: 'b', keyOrPrefix: 'p/', folder, files, folders: [], refused: [] };
    const signal = new AbortController().signal;

    const renamed = await prepareDownloads(plan, files, { ifExists: 'rename' }, { inFlight: 4, signal, partSize: 8 * MiB }, 'linux');
    expect(renamed).toEqual([
      { kind: 'transfer', job: { ...files[0], target: path.join(folder, 'a (3).txt') }, renamedTo: path.join(folder, 'a (3).txt') },
      { kind: 'transfer', job: files[1] },
      { kind: 'transfer', job: files[2] },
    ]);

    const skipped = await prepareDownloads(plan, files, { ifExists: 'skip' }, { inFlight: 4, signal, partSize: 8 * MiB }, 'linux');
    expect(skipped[0]).toEqual({ kind: 'skip', reason: 'exists (--if-exists skip)' });

    const different = await prepareDownloads(plan, files, { ifExists: 'different' }, { inFlight: 4, signal, partSize: 8 * MiB }, 'linux');
    expect(different[0]).toEqual({ kind: 'compare', job: files[0], file: files[0]?.target, etag: files[0]?.listed.etag });

    const asked = await prepareDownloads(plan, files, { ifExists: 'ask' }, { inFlight: 4, signal, partSize: 8 * MiB }, 'linux');
    expect(asked[0]).toMatchObject({ kind: 'fail', error: { code: 'TargetExists' } });
    expect(asked[2]).toEqual({ kind: 'transfer', job: files[2] });
  });

  it('a resumed batch takes a target with the same content as its own work; a journaled transfer resumes without a lookup', async () => {
    const folder = path.join(dir, 'resumed');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'same.txt'), 'y');
    await writeFile(path.join(folder, 'other.txt'), 'z');
    const etag = md5(Buffer.from('y')).toString('hex');
    const job = (name: string) => ({ bucket: 'b', key: `p/${name}`, target: path.join(folder, name), size: 1, listed: { size: 1, etag } });
    const files = [job('same.txt'), job('other.txt')];
    const plan: DownloadPlan = { bucket: 'b', keyOrPrefix: 'p/', folder, files, folders: [], refused: [] };
    const limits = { inFlight: 4, signal: new AbortController().signal, partSize: 8 * MiB };

    const resumed = await prepareDownloads(plan, files, { ifExists: 'ask' }, { ...limits, resumedBatch: true }, 'linux');
    expect(resumed[0]).toEqual({ kind: 'done' });
    expect(resumed[1]).toMatchObject({ kind: 'fail', error: { code: 'TargetExists' } });

    const journaled = await prepareDownloads(plan, files, { ifExists: 'ask' }, { ...limits, interrupted: (j) => j.key === 'p/other.txt' }, 'linux');
    expect(journaled[1]).toEqual({ kind: 'transfer', job: files[1] });
  });
});
