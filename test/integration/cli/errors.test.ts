// Errors that say what happened, at once: a clock that is off, a header in another script, a
// server that cannot be reached, a full disk. Run through the real `ferry` command against the real server.

import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { cliEnv, ferry, repoRoot } from '../../support/cli.js';
import { writeRandomFile } from '../../support/files.js';
import { testEngine, closeTestBed, openTestBed } from '../../support/s3.js';

const MiB = 1024 * 1024;

let store: S3Store;
let bucket: string;
let dir: string;

beforeAll(async () => ({ store, bucket, dir } = await openTestBed('errors')));

afterAll(() => closeTestBed({ store, bucket, dir }));

function env(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cliEnv(dir, { FERRY_STATE_DIR: path.join(dir, 'state'), ...overrides });
}

/** `ferry` under faketime, its clock `offset` off (monotonic time left alone, so timers behave). */
async function ferryWithClock(offset: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = path.join(repoRoot, 'bin/ferry.js');
  return new Promise((resolve) => {
    const child = spawn('faketime', ['-f', offset, process.execPath, bin, ...args, '--path-style'], {
      env: { ...env(), FAKETIME_DONT_FAKE_MONOTONIC: '1' },
      cwd: repoRoot,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('a clock 20 minutes off', () => {
  it('is corrected from the server\'s Date: listing, a single PUT and a multipart upload succeed', async () => {
    // The server refuses requests signed more than 15 minutes off (RequestTimeTooSkewed).
    const check = await ferryWithClock('+20m', ['ls']);
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain(bucket);
    const small = path.join(dir, 'small.txt');
    await writeFile(small, 'on time\n');
    const big = path.join(dir, 'big.bin');
    await writeRandomFile(big, 20 * MiB + 5);
    const up = await ferryWithClock('-20m', ['upload', small, big, `s3://${bucket}/skewed/`, '--part-size', '5MiB', '--files', '1']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect((await store.headObject(bucket, 'skewed/big.bin')).etag).toMatch(/-5$/);
  });
});

describe('headers in any language', () => {
  it('a non-ASCII Content-Disposition file name is sent as RFC 6266 filename*, at once', async () => {
    const file = path.join(dir, 'report.pdf');
    await writeFile(file, '%PDF-1.4\n');
    const started = Date.now();
    const run = await ferry(['upload', file, `s3://${bucket}/reports/`, '--content-disposition', 'attachment; filename="报告.pdf"'], env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const head = await store.headObject(bucket, 'reports/report.pdf');
    expect(head.headers.contentDisposition).toBe(`attachment; filename="??.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf`);
  });

  it('a header that must be ASCII is refused in under a few seconds, saying how to write it, and nothing is uploaded', async () => {
    const file = path.join(dir, 'page.html');
    await writeFile(file, '<p>hi</p>');
    const started = Date.now();
    const run = await ferry(['upload', file, `s3://${bucket}/refused/`, '--cache-control', 'max-age=60 – public'], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ferry: InvalidInput: Cache-Control must be plain ASCII text, but "max-age=60 – public" has "–"');
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(store.headObject(bucket, 'refused/page.html')).rejects.toMatchObject({ code: 'NoSuchKey' });
  });

  it('metadata values in any language round-trip (RFC 2047 on the wire)', async () => {
    const file = path.join(dir, 'meta.txt');
    await writeFile(file, 'x');
    const engine = testEngine();
    try {
      await engine.upload({ source: file, bucket, key: 'meta.txt', headers: { metadata: { title: 'Quartalsbericht für 2026 — 报告' } } });
      expect((await engine.headObject(bucket, 'meta.txt')).headers.metadata).toEqual({ title: 'Quartalsbericht für 2026 — 报告', mtime: expect.stringMatching(/^\d+\.\d{9}$/) });
    } finally {
      engine.close();
    }
  });
});

describe('a server that cannot be reached', () => {
  const closed = 'http://127.0.0.1:9';

  it('ls gives up within about 15 seconds and says why', async () => {
    const started = Date.now();
    const run = await ferry(['ls', `s3://${bucket}/`, '--endpoint', closed], env());
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ferry: EndpointUnreachable: The server http:\/\/127\.0\.0\.1:9 refused the connection while listing\. \(gave up after \d+ attempts over 1?\d s\)/);
  }, 40_000);

  it('an upload says at once that it cannot reach it and until when it retries; Ctrl-C stops it', async () => {
    const file = path.join(dir, 'waiting.txt');
    await writeFile(file, 'waiting');
    const bin = path.join(repoRoot, 'bin/ferry.js');
    const child = spawn(process.execPath, [bin, 'upload', file, `s3://${bucket}/waiting.txt`, '--endpoint', closed, '--path-style'], { env: env(), cwd: repoRoot });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 15_000;
    while (!stderr.includes('retrying until')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no word of the wait: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(stderr).toMatch(/ferry: cannot reach 127\.0\.0\.1:9 \(connection refused\); retrying until \d\d:\d\d, Ctrl-C to stop/);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
  });
});

describe('local failures never wait for the network', () => {
  it('a full disk fails the download at once with DiskFull and leaves no partial file', async () => {
    await writeRandomFile(path.join(dir, 'six.bin'), 6 * MiB);
    const up = await ferry(['upload', path.join(dir, 'six.bin'), `s3://${bucket}/six.bin`], env());
    expect(up.code).toBe(0);
    const small = path.join(dir, 'small-disk');
    await mkdir(small, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', small]);
    try {
      const started = Date.now();
      const run = await ferry(['download', `s3://${bucket}/six.bin`, small], env());
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('The disk is full while writing');
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(await readdir(small)).toEqual([]);
    } finally {
      execFileSync('umount', [small]);
    }
  });
});
