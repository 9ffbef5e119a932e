// A multipart upload's life against the real server: whatever happens (a kill at any point, a lost
// answer, a state folder that cannot be written, a server gone at cancel), no upload is left that
// Ferry does not know of, and the next run finishes or cleans up what the last one began.

import { execFileSync, spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5, multipartEtag } from '../../../electron/engine/checksum.js';
import { Journal, uploadPhase, type UploadRecord } from '../../../electron/engine/journal.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { cliEnv, ferry, killWhen, repoRoot } from '../../support/cli.js';
import { writeRandomFile } from '../../support/files.js';
import { startHttpFaultProxy, type HttpFaultProxy } from '../../support/httpFaultProxy.js';
import { incompleteUploads, testAccount, testEngine, closeTestBed, openTestBed } from '../../support/s3.js';

const MiB = 1024 * 1024;
const PART_COUNT = 12;

let store: S3Store;
let bucket: string;
let dir: string;
let source: string;
let expectedEtag: string;
const endpoint = testAccount().endpoint.endpoint as string;

const isCreate = (method: string, url: string) => method === 'POST' && /[?&]uploads(=|&|$)/.test(url);
const isComplete = (method: string, url: string) => method === 'POST' && /[?&]uploadId=/.test(url) && !/[?&]partNumber=/.test(url);

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('lifecycle'));
  source = path.join(dir, 'video.bin');
  await writeRandomFile(source, PART_COUNT * 5 * MiB - 4321);
  const bytes = await readFile(source);
  expectedEtag = multipartEtag(Array.from({ length: PART_COUNT }, (_, i) => md5(bytes.subarray(i * 5 * MiB, (i + 1) * 5 * MiB))));
});

afterAll(() => closeTestBed({ store, bucket, dir }));

async function records(stateDir: string): Promise<UploadRecord[]> {
  return (await new Journal(stateDir).list()).filter((r): r is UploadRecord => r.kind === 'upload');
}

function uploadArgs(key: string, ...more: string[]): string[] {
  return ['upload', source, `s3://${bucket}/${key}`, '--part-size', '5MiB', '--parts', '2', ...more];
}

/** The command line's environment, through the proxy at `via` if given (cliEnv sets the endpoint last). */
function envFor(stateDir: string, via?: string): NodeJS.ProcessEnv {
  const env = cliEnv(dir, { FERRY_STATE_DIR: stateDir });
  if (via) env.AWS_ENDPOINT_URL = via;
  return env;
}

async function expectUploaded(key: string): Promise<void> {
  expect((await store.headObject(bucket, key)).etag).toBe(expectedEtag);
  expect(await incompleteUploads(store, bucket)).toEqual([]);
}

describe('a multipart upload killed at any point', () => {
  it('while creating the upload, after answers were lost: the next run aborts what that create left', async () => {
    const stateDir = path.join(dir, 'state-creating');
    // Every CreateMultipartUpload reaches the server, which starts an upload, but its answer is
    // dropped: the process keeps retrying (a lost network) and is killed in the middle.
    const proxy = await startHttpFaultProxy(new URL(endpoint), { rules: [{ dropResponse: { match: isCreate, times: Number.POSITIVE_INFINITY } }] });
    try {
      await killWhen(uploadArgs('creating.bin', '-q'), envFor(stateDir, proxy.url), () => Promise.resolve(proxy.counts.dropped >= 2));
      const [record] = await records(stateDir);
      expect(record && uploadPhase(record)).toBe('creating');
      expect((await incompleteUploads(store, bucket)).length).toBeGreaterThanOrEqual(2);
      proxy.rules.length = 0;
      const again = await ferry(uploadArgs('creating.bin'), envFor(stateDir, proxy.url));
      expect(again.stderr).toContain('an earlier run was interrupted while starting this upload; the upload it had begun was aborted');
      expect(again.code).toBe(0);
    } finally {
      await proxy.close();
    }
    await expectUploaded('creating.bin');
    expect(await records(stateDir)).toEqual([]);
  });

  it.each([
    ['its uploadId is journaled', (r: UploadRecord) => r.uploadId !== undefined],
    ['1 part', (r: UploadRecord) => r.parts.length >= 1],
    ['half the parts', (r: UploadRecord) => r.parts.length >= PART_COUNT / 2],
    ['every part', (r: UploadRecord) => r.parts.length >= PART_COUNT],
  ])('killed once %s: the same command finishes it, nothing left on the server', async (label, reached) => {
    const key = `killed-${label.replace(/\W+/g, '-')}.bin`;
    const stateDir = path.join(dir, `state-${key}`);
    await killWhen(uploadArgs(key, '-q'), envFor(stateDir), async () => {
      const [record] = await records(stateDir);
      return record !== undefined && reached(record);
    });
    const again = await ferry(uploadArgs(key), envFor(stateDir));
    expect(again.code).toBe(0);
    await expectUploaded(key);
    expect(await records(stateDir)).toEqual([]);
  });

  it('an answer to CreateMultipartUpload lost once: the upload that answer spoke of is aborted', async () => {
    const proxy = await startHttpFaultProxy(new URL(endpoint), { rules: [{ dropResponse: { match: isCreate, times: 1 } }] });
    const account = testAccount();
    const engine = testEngine(
      { settings: { partSize: 5 * MiB }, journal: new Journal(path.join(dir, 'state-lost-create')) },
      { ...account, endpoint: { ...account.endpoint, endpoint: proxy.url, forcePathStyle: true } },
    );
    try {
      await engine.upload({ source, bucket, key: 'lost-create.bin' });
      expect(proxy.counts.dropped).toBe(1);
    } finally {
      engine.close();
      await proxy.close();
    }
    await expectUploaded('lost-create.bin');
  });
});

describe('the end of an upload', () => {
  it('a CompleteMultipartUpload whose answer is lost, retried into NoSuchUpload, is reported as the success it was', async () => {
    const noSuchUpload = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>';
    // The first answer is dropped after the server completed the object; the retry then hears what
    // AWS says of a completed upload. (Swift would answer the retry with the ETag again.)
    const proxy = await startHttpFaultProxy(new URL(endpoint), {
      rules: [{ dropResponse: { match: isComplete, times: 1 } }, { refuse: { match: isComplete, times: 1, status: 404, body: noSuchUpload } }],
    });
    const account = testAccount();
    const stateDir = path.join(dir, 'state-complete');
    const engine = testEngine(
      { settings: { partSize: 5 * MiB }, journal: new Journal(stateDir) },
      { ...account, endpoint: { ...account.endpoint, endpoint: proxy.url, forcePathStyle: true } },
    );
    try {
      const verified = await engine.upload({ source, bucket, key: 'complete-lost.bin' });
      expect(verified).toMatchObject({ method: 'multipart-etag', etag: expectedEtag });
      expect(proxy.counts).toMatchObject({ dropped: 1, refused: 1 });
    } finally {
      engine.close();
      await proxy.close();
    }
    await expectUploaded('complete-lost.bin');
    expect(await records(stateDir)).toEqual([]);
  });

  it('a state folder that cannot be written after the create: the upload is aborted and the reason named', async () => {
    const stateDir = path.join(dir, 'state-readonly');
    const journalDir = path.join(stateDir, 'journal');
    // Root ignores permission bits; the immutable attribute stops even root from adding a file.
    const proxy = await startHttpFaultProxy(new URL(endpoint), {
      rules: [
        {
          dropResponse: {
            match: (method, url) => {
              if (isCreate(method, url)) execFileSync('chattr', ['+i', journalDir]);
              return false;
            },
            times: 1,
          },
        },
      ],
    });
    try {
      const started = Date.now();
      const run = await ferry(uploadArgs('readonly.bin', '-q'), envFor(stateDir, proxy.url));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/Ferry cannot record the upload in its state folder .*journal \(Permission denied.* the upload it had begun is aborted/);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      execFileSync('chattr', ['-i', journalDir]);
      await proxy.close();
    }
    expect(await incompleteUploads(store, bucket)).toEqual([]);
  });

  it('cancelled while the server is gone: kept "to clean up", and the next run aborts it', async () => {
    const stateDir = path.join(dir, 'state-gone');
    let proxy: HttpFaultProxy = await startHttpFaultProxy(new URL(endpoint));
    const port = Number(new URL(proxy.url).port);
    const env = envFor(stateDir, proxy.url);
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/ferry.js'), ...uploadArgs('gone.bin', '-q'), '--path-style'], { env, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (((await records(stateDir))[0]?.parts.length ?? 0) < 2) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the upload did not get going: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await proxy.close(); // the server is unreachable from here on
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('The incomplete upload could not be aborted yet');
    const [record] = await records(stateDir);
    expect(record && uploadPhase(record)).toBe('aborting');
    expect(await incompleteUploads(store, bucket)).toEqual(['gone.bin']);
    const listed = await ferry(['transfers'], env);
    expect(listed.stdout).toContain('to clean up');

    proxy = await startHttpFaultProxy(new URL(endpoint), { port });
    try {
      // The next run of any upload finishes the aborts earlier runs could not confirm, first.
      const again = await ferry(uploadArgs('gone.bin'), env);
      expect(again.code).toBe(0);
      expect((await ferry(['transfers'], env)).stdout).toContain('No interrupted transfers.');
    } finally {
      await proxy.close();
    }
    await expectUploaded('gone.bin');
    expect(await records(stateDir)).toEqual([]);
  });

  it('Ctrl-C with a journal (as the command line always has) aborts the upload and forgets it', async () => {
    const stateDir = path.join(dir, 'state-cancel');
    const env = envFor(stateDir);
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/ferry.js'), ...uploadArgs('cancelled.bin', '-q'), '--path-style'], { env, cwd: repoRoot, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (((await records(stateDir))[0]?.parts.length ?? 0) < 2) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the upload did not get going');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await incompleteUploads(store, bucket)).toEqual([]);
    expect(await readdir(path.join(stateDir, 'journal')).then((names) => names.filter((n) => n.endsWith('.json')))).toEqual([]);
  });
});
