// Kill the process running a segmented download (SIGKILL), run it again: it keeps the ranges on
// disk, fetches only the missing ones, and the file is byte-identical; a changed object starts over.

import path from 'node:path';
import { readFile, readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import type { DownloadRecord } from '../../../electron/engine/journal.js';
import { cliEnv, ferry, killWhen } from '../../support/cli.js';
import { sha256File, writeRandomFile } from '../../support/files.js';
import { testEngine, closeTestBed, openTestBed } from '../../support/s3.js';

const MiB = 1024 * 1024;
const RANGE_COUNT = 30;

let store: S3Store;
let bucket: string;
let dir: string;
let source: string;

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('resume-down'));
  source = path.join(dir, 'disk.img');
  await writeRandomFile(source, RANGE_COUNT * 5 * MiB - 999);
  const engine = testEngine({ settings: { partSize: 5 * MiB } });
  await engine.upload({ source, bucket, key: 'disk.img' });
  await engine.upload({ source, bucket, key: 'changing.img' });
  engine.close();
});

afterAll(() => closeTestBed({ store, bucket, dir }));

async function journal(stateDir: string): Promise<DownloadRecord[]> {
  const folder = path.join(stateDir, 'journal');
  const names = await readdir(folder).catch(() => [] as string[]);
  return Promise.all(names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map(async (n) => JSON.parse(await readFile(path.join(folder, n), 'utf8')) as DownloadRecord));
}

async function killAfterRanges(key: string, out: string, stateDir: string, rangesDone: number): Promise<number> {
  const args = ['download', `s3://${bucket}/${key}`, out, '--part-size', '5MiB', '--parts', '2', '-q'];
  await killWhen(args, cliEnv(dir, { FERRY_STATE_DIR: stateDir }), async () => ((await journal(stateDir))[0]?.ranges.length ?? 0) >= rangesDone);
  const [record] = await journal(stateDir);
  return record?.ranges.length ?? 0;
}

describe('download resume after SIGKILL', () => {
  it.each([2, 25])('killed after %i ranges: fetches only the missing ranges, byte-identical', async (rangesDone) => {
    const out = path.join(dir, `out-${rangesDone}`);
    const stateDir = path.join(dir, `state-${rangesDone}`);
    const kept = await killAfterRanges('disk.img', out, stateDir, rangesDone);
    expect(await readdir(out)).toEqual(['.disk.img.ferry-download']);

    const again = await ferry(['download', `s3://${bucket}/disk.img`, out, '--part-size', '5MiB'], cliEnv(dir, { FERRY_STATE_DIR: stateDir }));
    expect(again.code).toBe(0);
    // The ranges recorded before the kill are not fetched again; only the rest are.
    expect(again.stderr).toContain(`resuming the download of s3://${bucket}/disk.img: ${kept} of ${RANGE_COUNT} ranges were already on disk`);
    expect(await sha256File(path.join(out, 'disk.img'))).toBe(await sha256File(source));
    expect(await readdir(out)).toEqual(['disk.img']);
    expect(await journal(stateDir)).toEqual([]);
  });

  it('starts over when the object changed on the server since the interruption', async () => {
    const out = path.join(dir, 'out-changed');
    const stateDir = path.join(dir, 'state-changed');
    await killAfterRanges('changing.img', out, stateDir, 3);
    const replacement = path.join(dir, 'replacement.img');
    await writeRandomFile(replacement, 12 * MiB);
    const engine = testEngine();
    await engine.upload({ source: replacement, bucket, key: 'changing.img' });
    engine.close();

    const again = await ferry(['download', `s3://${bucket}/changing.img`, out], cliEnv(dir, { FERRY_STATE_DIR: stateDir }));
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('starting the download of');
    expect(again.stderr).toContain('the object changed on the server since the interrupted download');
    expect(await sha256File(path.join(out, 'changing.img'))).toBe(await sha256File(replacement));
    expect(await readdir(out)).toEqual(['changing.img']);
  });
});
