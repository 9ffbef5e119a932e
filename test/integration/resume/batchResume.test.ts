// A folder upload or a prefix download killed midway, run again: the files it had finished are
// not sent again, the rest are, and the result is identical.

import path from 'node:path';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { cliEnv, ferry, killWhen } from '../../support/cli.js';
import { treeHashes, writeRandomFile } from '../../support/files.js';
import { closeTestBed, openTestBed } from '../../support/s3.js';

const FILES = 300;

let store: S3Store;
let bucket: string;
let dir: string;
let folder: string;

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('resume-batch'));
  folder = path.join(dir, 'docs');
  for (let i = 0; i < FILES; i++) {
    const sub = path.join(folder, `part-${i % 5}`);
    await mkdir(sub, { recursive: true });
    await writeRandomFile(path.join(sub, `doc-${i}.txt`), 2_000 + i * 37);
  }
});

afterAll(() => closeTestBed({ store, bucket, dir }));

async function loggedFiles(stateDir: string): Promise<number> {
  const journal = path.join(stateDir, 'journal');
  const names = (await readdir(journal).catch(() => [] as string[])).filter((n) => n.startsWith('batch-'));
  let lines = 0;
  for (const name of names) lines += (await readFile(path.join(journal, name), 'utf8')).split('\n').filter(Boolean).length;
  return lines;
}

async function killAfterFiles(args: string[], stateDir: string, files: number): Promise<number> {
  await killWhen([...args, '--files', '2', '-q'], cliEnv(dir, { FERRY_STATE_DIR: stateDir }), async () => (await loggedFiles(stateDir)) >= files);
  return loggedFiles(stateDir);
}

function resumedCount(stderr: string): number {
  const match = /resuming: (\d+) of (\d+) files were done before the interruption/.exec(stderr);
  if (!match) throw new Error(`no resume message in: ${stderr}`);
  expect(Number(match[2])).toBe(FILES);
  return Number(match[1]);
}

/**
 * The files logged are skipped; so are those the killed run finished but had not logged yet (at
 * most the 2 in flight), which the rerun finds on the other side with the same content.
 */
function expectResumed(stderr: string, logged: number): void {
  const count = resumedCount(stderr);
  expect(count).toBeGreaterThanOrEqual(logged);
  expect(count).toBeLessThanOrEqual(logged + 2);
}

describe('folder and prefix resume after SIGKILL', () => {
  it('a folder upload skips the files it had finished', async () => {
    const stateDir = path.join(dir, 'state-up');
    const args = ['upload', folder, `s3://${bucket}/backup/`];
    const logged = await killAfterFiles(args, stateDir, 60);
    const again = await ferry(args, cliEnv(dir, { FERRY_STATE_DIR: stateDir }));
    expect(again.code).toBe(0);
    expectResumed(again.stderr, logged);
    expect(await loggedFiles(stateDir)).toBe(0);

    const out = path.join(dir, 'check-up');
    expect((await ferry(['download', `s3://${bucket}/backup/docs/`, out], cliEnv(dir, { FERRY_STATE_DIR: path.join(dir, 'state-check') }))).code).toBe(0);
    expect(await treeHashes(path.join(out, 'docs'))).toEqual(await treeHashes(folder));
  });

  it('a prefix download skips the files it had finished', async () => {
    const stateDir = path.join(dir, 'state-down');
    const out = path.join(dir, 'out-down');
    const args = ['download', `s3://${bucket}/backup/docs/`, out];
    const logged = await killAfterFiles(args, stateDir, 60);
    const again = await ferry(args, cliEnv(dir, { FERRY_STATE_DIR: stateDir }));
    expect(again.code).toBe(0);
    expectResumed(again.stderr, logged);
    expect(await treeHashes(path.join(out, 'docs'))).toEqual(await treeHashes(folder));
    expect(await loggedFiles(stateDir)).toBe(0);
  });
});
