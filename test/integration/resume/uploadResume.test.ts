// Kill the process running an upload (SIGKILL), run the same command again: it resumes its own
// multipart upload, sends only what the server lacks, and the object is byte-identical.

import path from 'node:path';
import { mkdir, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { md5 } from '../../../electron/engine/checksum.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { journalId, type UploadRecord } from '../../../electron/engine/journal.js';
import { cliEnv, ferry, killWhen } from '../../support/cli.js';
import { sha256File, writeRandomFile } from '../../support/files.js';
import { incompleteUploads, testAccount, closeTestBed, openTestBed } from '../../support/s3.js';

const MiB = 1024 * 1024;
const PARTS_IN_FLIGHT = 2;
const PART_COUNT = 30;

let store: S3Store;
let bucket: string;
let dir: string;
let source: string;

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('resume-up'));
  source = path.join(dir, 'video.bin');
  await writeRandomFile(source, PART_COUNT * 5 * MiB - 1234);
});

afterAll(() => closeTestBed({ store, bucket, dir }));

async function journalRecords(stateDir: string): Promise<UploadRecord[]> {
  const folder = path.join(stateDir, 'journal');
  const names = await readdir(folder).catch(() => [] as string[]);
  const records: UploadRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
    records.push(JSON.parse(await readFile(path.join(folder, name), 'utf8')) as UploadRecord);
  }
  return records;
}

/** Starts the upload and SIGKILLs it once the journal records `partsDone` finished parts. */
async function killAfterParts(key: string, stateDir: string, partsDone: number): Promise<number> {
  const args = ['upload', source, `s3://${bucket}/${key}`, '--part-size', '5MiB', '--parts', String(PARTS_IN_FLIGHT), '-q'];
  await killWhen(args, cliEnv(dir, { FERRY_STATE_DIR: stateDir }), async () => ((await journalRecords(stateDir))[0]?.parts.length ?? 0) >= partsDone);
  const [record] = await journalRecords(stateDir);
  return record?.parts.length ?? 0;
}

async function settledPartCount(uploadId: string, key: string): Promise<number> {
  const deadline = Date.now() + 20_000;
  let last = -1;
  for (;;) {
    const count = (await store.listParts({ bucket, key, uploadId })).length;
    if (count === last) return count;
    if (Date.now() > deadline) throw new Error('the part list kept changing');
    last = count;
    await new Promise((r) => setTimeout(r, 750));
  }
}

describe('upload resume after SIGKILL', () => {
  it.each([1, 12, 24])('killed after %i parts: resumes its own upload and sends only the missing parts', async (partsDone) => {
    const key = `killed-after-${partsDone}.bin`;
    const stateDir = path.join(dir, `state-${partsDone}`);
    const journaled = await killAfterParts(key, stateDir, partsDone);
    const [record] = await journalRecords(stateDir);
    if (!record?.uploadId) throw new Error('no journal with an uploadId left by the killed upload');
    // A killed process's last bytes may still reach the server after it died: wait until the
    // server's part list stops changing before counting.
    const onServer = await settledPartCount(record.uploadId, key);
    // Parts that finished between the last journal write and the kill are on the server but not in
    // the journal: at most the parts in flight. Resume trusts the server (after checking each MD5).
    expect(onServer).toBeGreaterThanOrEqual(journaled);
    expect(onServer - journaled).toBeLessThanOrEqual(PARTS_IN_FLIGHT);

    // Another upload of the same key must not be mistaken for ours.
    const other = await store.createMultipartUpload({ bucket, key, crc32: false });
    try {
      const again = await ferry(['upload', source, `s3://${bucket}/${key}`, '--part-size', '5MiB', '--parts', String(PARTS_IN_FLIGHT)], cliEnv(dir, { FERRY_STATE_DIR: stateDir }));
      expect(again.code).toBe(0);
      // Sent again: exactly the parts the server lacked, so nothing beyond what was in flight is redone.
      expect(again.stderr).toContain(`resuming the upload of s3://${bucket}/${key}: ${onServer} of ${PART_COUNT} parts were already on the server`);
      expect(again.stdout).toContain(`; ${(onServer * 5).toFixed(1)} MiB of it moved before the interruption) in`);
      expect(await journalRecords(stateDir)).toEqual([]);

      const out = path.join(dir, `out-${partsDone}`);
      const down = await ferry(['download', `s3://${bucket}/${key}`, out], cliEnv(dir, { FERRY_STATE_DIR: stateDir }));
      expect(down.code).toBe(0);
      expect(await sha256File(path.join(out, key))).toBe(await sha256File(source));
      expect(await incompleteUploads(store, bucket)).toEqual([key]);
    } finally {
      await store.abortMultipartUpload({ bucket, key, uploadId: other });
    }
  });

  it('sends nothing when the interrupted upload had in fact completed (crash before the journal was removed)', async () => {
    const key = 'completed.bin';
    const stateDir = path.join(dir, 'state-completed');
    const env = cliEnv(dir, { FERRY_STATE_DIR: stateDir });
    expect((await ferry(['upload', source, `s3://${bucket}/${key}`, '--part-size', '5MiB'], env)).code).toBe(0);
    // The journal as it stood just before its removal: every part recorded, the upload id now gone.
    const stats = await stat(source);
    const content = await readFile(source);
    const parts = Array.from({ length: PART_COUNT }, (_, i) => {
      const digest = md5(content.subarray(i * 5 * MiB, (i + 1) * 5 * MiB)).toString('hex');
      return { n: i + 1, etag: digest, md5: digest };
    });
    const server = testAccount().endpoint.endpoint ?? `aws:${testAccount().endpoint.region}`;
    const id = journalId('upload', server, bucket, key, source);
    const record: UploadRecord = {
      version: 1, kind: 'upload', id, server,
      bucket, key, source, size: stats.size, mtimeMs: stats.mtimeMs, partSize: 5 * MiB, uploadId: 'no-longer-exists', parts,
      createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
    };
    await mkdir(path.join(stateDir, 'journal'), { recursive: true });
    await writeFile(path.join(stateDir, 'journal', `${id}.json`), JSON.stringify(record));

    const again = await ferry(['upload', source, `s3://${bucket}/${key}`, '--part-size', '5MiB'], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`${PART_COUNT} of ${PART_COUNT} parts were already on the server`);
    expect(again.stdout).toContain(`of it moved before the interruption`);
    expect(await journalRecords(stateDir)).toEqual([]);
  });

  it('starts over, and aborts the old upload, when the file changed since the interruption', async () => {
    const key = 'changed.bin';
    const stateDir = path.join(dir, 'state-changed');
    await killAfterParts(key, stateDir, 3);
    const later = new Date(Date.now() + 5000);
    await utimes(source, later, later);
    const again = await ferry(['upload', source, `s3://${bucket}/${key}`, '--part-size', '5MiB'], cliEnv(dir, { FERRY_STATE_DIR: stateDir }));
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('starting the upload of');
    expect(again.stderr).toContain('the file changed since the interrupted upload');
    expect(await incompleteUploads(store, bucket)).toEqual([]);
  });

  it('lists interrupted transfers and incomplete uploads, and aborts them on request', async () => {
    const key = 'listed.bin';
    const stateDir = path.join(dir, 'state-listed');
    await killAfterParts(key, stateDir, 2);
    const env = cliEnv(dir, { FERRY_STATE_DIR: stateDir });
    const transfers = await ferry(['transfers'], env);
    expect(transfers.stdout).toMatch(new RegExp(`upload .* of ${PART_COUNT} parts  .*video\\.bin → s3://${bucket}/listed\\.bin`));
    const uploads = await ferry(['uploads', `s3://${bucket}`], env);
    expect(uploads.stdout).toMatch(/\d+ parts +[\d.]+ MiB +listed\.bin/);
    const aborted = await ferry(['uploads', `s3://${bucket}`, '--abort'], env);
    expect(aborted.stdout).toContain('Aborted 1 upload.');
    expect(await incompleteUploads(store, bucket)).toEqual([]);
    expect((await ferry(['transfers'], env)).stdout).toBe('No interrupted transfers.\n');
  });
});
