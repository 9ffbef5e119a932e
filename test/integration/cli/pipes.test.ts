// `ferry put -` and `ferry get … -`: standard input up as one object, an object down to standard
// output, through the real command line and the real server.

import { spawn } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { DEFAULT_SETTINGS } from '../../../electron/engine/settings.js';
import { closeTestBed, incompleteUploads, openTestBed, testAccount } from '../../support/s3.js';
import { cliEnv, ferry as runFerry, repoRoot } from '../../support/cli.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

let store: S3Store;
let bucket: string;
let dir: string;

beforeAll(async () => ({ store, bucket, dir } = await openTestBed('pipes')));

afterAll(() => closeTestBed({ store, bucket, dir }));

const ferry = (args: string[]) => runFerry(args, cliEnv(dir));

/** `length` bytes that look random (AES-CTR's keystream over zeros, fast), from a seed. */
function pseudoRandom(length: number, seed: string): Readable {
  const cipher = createCipheriv('aes-128-ctr', createHash('md5').update(seed).digest(), Buffer.alloc(16));
  const zeros = Buffer.alloc(MiB);
  let left = length;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(left, zeros.length);
      left -= n;
      this.push(cipher.update(zeros.subarray(0, n)));
    },
  });
}

interface Run {
  code: number | null;
  stderr: string;
  /** SHA-256 of what the command wrote to standard output, and how many bytes. */
  stdoutSha256: string;
  stdoutBytes: number;
  /** The first 64 KiB of it as text (for commands that print a summary there). */
  stdoutText: string;
  /** Peak resident memory (VmHWM), read while it ran. */
  peakRssBytes: number;
}

/**
 * Runs the command line with `input` piped to its standard input (or none), hashing its standard
 * output as it arrives, and keeps its peak resident memory.
 */
async function pipeFerry(args: string[], input?: Readable, readOutput: (out: Readable) => Promise<void> = drain): Promise<Run> {
  const path = testAccount().endpoint.forcePathStyle ? ['--path-style'] : [];
  const child = spawn(process.execPath, [`${repoRoot}/bin/ferry.js`, ...args, ...path], { env: cliEnv(dir), cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let peakRssBytes = 0;
  const sample = async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    peakRssBytes = Math.max(peakRssBytes, kib * 1024);
  };
  const poll = setInterval(() => void sample(), 50);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const hash = createHash('sha256');
  let stdoutBytes = 0;
  let stdoutText = '';
  const counted = new Readable({ read() {} });
  child.stdout.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    if (stdoutText.length < 65536) stdoutText += chunk.toString('utf8', 0, Math.min(chunk.byteLength, 65536));
    stdoutBytes += chunk.byteLength;
    counted.push(chunk);
  });
  child.stdout.on('end', () => counted.push(null));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A command that stops reading early closes its stdin: that EPIPE is the test's to ignore.
  child.stdin.on('error', () => undefined);
  if (input) void pipeline(input, child.stdin).catch(() => undefined);
  else child.stdin.end();
  await readOutput(counted);
  const code = await exited;
  clearInterval(poll);
  return { code, stderr, stdoutSha256: hash.digest('hex'), stdoutBytes, stdoutText, peakRssBytes };
}

async function drain(out: Readable): Promise<void> {
  for await (const chunk of out) void chunk;
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('ferry put - and ferry get … -', () => {
  it('carries a 2 GiB stream each way byte-identical, with memory within the budget', async () => {
    const size = 2 * GiB;
    const expected = await sha256Of(pseudoRandom(size, 'two'));
    // What the command needs without any transfer (the runtime, the bundle, the SDK): a 1-byte stream each way.
    const baseUp = await pipeFerry(['put', '-', `s3://${bucket}/one-byte`, '-q'], Readable.from([Buffer.from('x')]));
    expect(baseUp.code).toBe(0);
    const baseDown = await pipeFerry(['get', `s3://${bucket}/one-byte`, '-', '-q']);
    expect(baseDown.code).toBe(0);

    const up = await pipeFerry(['put', '-', `s3://${bucket}/big.bin`, '-q'], pseudoRandom(size, 'two'));
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const head = await store.headObject(bucket, 'big.bin');
    expect(head.size).toBe(size);
    expect(head.etag).toMatch(/-256"?$/); // 8 MiB parts
    expect(up.peakRssBytes).toBeLessThanOrEqual(baseUp.peakRssBytes + DEFAULT_SETTINGS.memoryBudget);

    const down = await pipeFerry(['get', `s3://${bucket}/big.bin`, '-', '-q']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(down.stdoutBytes).toBe(size);
    expect(down.stdoutSha256).toBe(expected);
    expect(down.peakRssBytes).toBeLessThanOrEqual(baseDown.peakRssBytes + DEFAULT_SETTINGS.memoryBudget);
    await store.deleteObjects(bucket, ['big.bin']);
  }, 600_000);

  it('uploads a 300 MiB stream of unknown length in many parts, whose ETag is the MD5 of those parts', async () => {
    const size = 300 * MiB;
    const partSize = 5 * MiB;
    const chunks: Buffer[] = [];
    for await (const chunk of pseudoRandom(size, 'three')) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    const up = await pipeFerry(['put', '-', `s3://${bucket}/streamed`, '--part-size', '5MiB', '--content-type', 'application/x-tar', '--cache-control', 'no-cache'], Readable.from([data]));
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    // The summary goes to stdout (put leaves it free), with the bytes read.
    expect(up.stdoutText).toMatch(/^Uploaded standard input to s3:\/\/\S+\/streamed, 314572800 bytes \(300\.0 MiB\) in \d+\.\d\d s, \d+\.\d MB\/s\n$/);
    const parts: Buffer[] = [];
    for (let offset = 0; offset < size; offset += partSize) parts.push(createHash('md5').update(data.subarray(offset, offset + partSize)).digest());
    const expectedEtag = `${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-${parts.length}`;
    const head = await store.headObject(bucket, 'streamed');
    expect(head.etag.replaceAll('"', '')).toBe(expectedEtag);
    expect(head.contentType).toBe('application/x-tar');
    expect(head.headers.cacheControl).toBe('no-cache');

    const down = await pipeFerry(['get', `s3://${bucket}/streamed`, '-', '--part-size', '7MiB']);
    expect(down.code).toBe(0);
    expect(down.stdoutSha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('makes an empty object of an empty stream, and writes it back as nothing', async () => {
    const up = await pipeFerry(['put', '-', `s3://${bucket}/dir/empty`]);
    expect(up.code).toBe(0);
    expect(up.stdoutText).toMatch(/^Uploaded standard input to s3:\/\/\S+\/dir\/empty, 0 bytes \(0 B\) in \d+\.\d\d s/);
    expect((await store.headObject(bucket, 'dir/empty')).size).toBe(0);
    const down = await pipeFerry(['get', `s3://${bucket}/dir/empty`, '-']);
    expect(down.code).toBe(0);
    expect(down.stdoutBytes).toBe(0);
  });

  it('reads standard input redirected from a file (< file) as well as from a pipe', async () => {
    // A file on standard input is read with read(2), a pipe through one reused buffer: both carry the bytes.
    const data = await readAll(pseudoRandom(12 * MiB + 5, 'file'));
    const file = path.join(dir, 'stdin.bin');
    await writeFile(file, data);
    const pathStyle = testAccount().endpoint.forcePathStyle ? ['--path-style'] : [];
    const handle = await open(file, 'r');
    try {
      const child = spawn(process.execPath, [`${repoRoot}/bin/ferry.js`, 'put', '-', `s3://${bucket}/from-file`, '--part-size', '5MiB', '-q', ...pathStyle], { env: cliEnv(dir), cwd: repoRoot, stdio: [handle.fd, 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      expect(await new Promise<number | null>((resolve) => child.once('exit', resolve))).toBe(0);
      expect(stderr).toBe('');
    } finally {
      await handle.close();
    }
    const head = await store.headObject(bucket, 'from-file');
    expect(head.size).toBe(data.byteLength);
    expect(head.etag).toMatch(/-3"?$/);
    const down = await pipeFerry(['get', `s3://${bucket}/from-file`, '-']);
    expect(down.stdoutSha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('fails a stream shorter than --size, keeps nothing and leaves no incomplete upload', async () => {
    const run = await pipeFerry(['put', '-', `s3://${bucket}/short`, '--size', '20MiB', '--part-size', '5MiB'], pseudoRandom(12 * MiB, 'short'));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`ferry: SourceChanged: standard input ended after ${12 * MiB} bytes, short of the ${20 * MiB} bytes --size gave; nothing was kept.\n`);
    await expect(store.headObject(bucket, 'short')).rejects.toMatchObject({ code: 'NoSuchKey' });
    expect(await incompleteUploads(store, bucket)).toEqual([]);
  });

  it('fails a stream longer than --size the moment it runs past it', async () => {
    const run = await pipeFerry(['put', '-', `s3://${bucket}/long`, '--size', '6MiB', '--part-size', '5MiB'], pseudoRandom(40 * MiB, 'long'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/SourceChanged: standard input ran past the 6291456 bytes --size gave; nothing was kept\./);
    expect(await incompleteUploads(store, bucket)).toEqual([]);
  });

  it('aborts the multipart upload when interrupted mid-stream (Ctrl-C)', async () => {
    const pathStyle = testAccount().endpoint.forcePathStyle ? ['--path-style'] : [];
    const child = spawn(process.execPath, [`${repoRoot}/bin/ferry.js`, 'put', '-', `s3://${bucket}/interrupted`, '--part-size', '5MiB', ...pathStyle], { env: cliEnv(dir), cwd: repoRoot, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin.on('error', () => undefined);
    // 30 MiB sent, then the pipe stays open (more may come): a multipart upload is under way.
    child.stdin.write(await readAll(pseudoRandom(30 * MiB, 'int')));
    const deadline = Date.now() + 30_000;
    while ((await incompleteUploads(store, bucket)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await incompleteUploads(store, bucket)).toEqual(['interrupted']);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/Cancelled/);
    expect(await incompleteUploads(store, bucket)).toEqual([]);
    await expect(store.headObject(bucket, 'interrupted')).rejects.toMatchObject({ code: 'NoSuchKey' });
  });

  it('stops quietly when the reader closes the pipe early (| head -c 1)', async () => {
    await pipeline(pseudoRandom(64 * MiB, 'head'), createWriteStream(path.join(dir, 'head.bin')));
    expect((await ferry(['upload', path.join(dir, 'head.bin'), `s3://${bucket}/`])).code).toBe(0);
    const run = await pipeFerry(['get', `s3://${bucket}/head.bin`, '-'], undefined, async (out) => {
      // Read one chunk, then close the pipe as `head -c 1` does.
      for await (const chunk of out) {
        void chunk;
        break;
      }
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('says what is wrong: a missing key, a prefix, a file given to put', async () => {
    const missing = await pipeFerry(['get', `s3://${bucket}/no-such-key`, '-']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ferry: NoSuchKey: /);
    expect(missing.stdoutBytes).toBe(0);
    const prefix = await ferry(['get', `s3://${bucket}/dir/`, '-']);
    expect(prefix.stderr).toBe(`ferry: InvalidInput: "s3://${bucket}/dir/" names a prefix; give the object's key, s3://bucket/key.\n`);
    const file = await ferry(['put', 'README.md', `s3://${bucket}/readme`]);
    expect(file.stderr).toBe('ferry: InvalidInput: ferry put reads standard input ("-"); to upload README.md, use ferry upload.\n');
  });
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
