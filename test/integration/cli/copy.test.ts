// `ferry copy` and `ferry mv`: a prefix of 1,000 objects and one of 200 MiB to a second account
// (streamed through this machine), killed midway and run again; a move on the server, killed and
// run again; what a wrong copy says.

import { createHash } from 'node:crypto';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { cliEnv, ferry, killWhen } from '../../support/cli.js';
import { writeRandomFile } from '../../support/files.js';
import { closeOtherBucket, closeTestBed, incompleteUploads, openOtherBucket, openTestBed, testAccount } from '../../support/s3.js';

const MiB = 1024 * 1024;
const SMALL = 1000;

let store: S3Store;
let bucket: string;
let dir: string;
let otherStore: S3Store;
let otherBucket: string;

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('copy'));
  ({ store: otherStore, bucket: otherBucket } = await openOtherBucket('copy-other'));
  // The second account as a profile of ~/.aws, as a user would name it (HOME is the test's folder).
  const other = testAccount('other').credentials;
  await mkdir(path.join(dir, '.aws'), { recursive: true });
  await writeFile(path.join(dir, '.aws', 'credentials'), `[other]\naws_access_key_id = ${other.accessKeyId}\naws_secret_access_key = ${other.secretAccessKey}\n`);
  const data = path.join(dir, 'data');
  await mkdir(path.join(data, 'small'), { recursive: true });
  for (let i = 0; i < SMALL; i++) await writeRandomFile(path.join(data, 'small', `${String(i).padStart(4, '0')} ü+#.txt`), 1 + ((i * 797) % 6000));
  await writeRandomFile(path.join(data, 'big.bin'), 200 * MiB);
  const up = await ferry(['upload', data, `s3://${bucket}/`, '--part-size', '5MiB', '--cache-control', 'max-age=99', '--header', 'x-amz-meta-origin: tëst', '-q'], cliEnv(dir));
  expect(up.code).toBe(0);
}, 300_000);

afterAll(async () => {
  try {
    await closeOtherBucket({ store: otherStore, bucket: otherBucket });
  } finally {
    await closeTestBed({ store, bucket, dir });
  }
});

async function listing(s3: S3Store, name: string, prefix: string): Promise<Map<string, { size: number; etag?: string }>> {
  const found = new Map<string, { size: number; etag?: string }>();
  for await (const entry of s3.listAll(name, prefix)) found.set(entry.key.slice(prefix.length), { size: entry.size, etag: entry.etag });
  return found;
}

/** Parts the target holds of the one multipart upload in flight for `key`, or 0. */
async function partsOnServer(s3: S3Store, name: string, key: string): Promise<number> {
  for await (const upload of s3.listMultipartUploads(name, key)) {
    if (upload.key === key) return (await s3.listParts({ bucket: name, key, uploadId: upload.uploadId })).length;
  }
  return 0;
}

describe('ferry copy and ferry mv', () => {
  it('copies 1,000 objects and one of 200 MiB to another account, killed midway and run again: nothing copied twice, all equal, headers kept', async () => {
    const args = ['copy', `s3://${bucket}/data/`, `s3://${otherBucket}/backup/`, '--to-profile', 'other', '--part-size', '5MiB'];
    const env = cliEnv(dir);
    let partsAtKill = 0;
    // Killed once the 200 MiB object has a few parts across and some small objects are done.
    await killWhen([...args, '--files', '4', '--parts', '2', '--fixed', '-q'], env, async () => {
      partsAtKill = await partsOnServer(otherStore, otherBucket, 'backup/big.bin');
      return partsAtKill >= 4 && (await listing(otherStore, otherBucket, 'backup/')).size >= 20;
    });
    const atKill = await listing(otherStore, otherBucket, 'backup/');
    expect(atKill.has('big.bin')).toBe(false);
    // The journal holds the large object's copy, with the parts it had sent.
    const interrupted = await ferry(['transfers'], env);
    expect(interrupted.stdout).toMatch(new RegExp(`  copy +200\\.0 MiB  \\d+ of 40 parts  → s3://${otherBucket}/backup/big\\.bin\n`));

    const again = await ferry([...args], env);
    expect(again.code).toBe(0);
    // The objects the killed run finished are passed over: those its log names as done before the
    // interruption, and any it finished but had not logged yet (the same size and ETag at the target).
    const earlier = /ferry: resuming: (\d+) of 1001 objects were done before the interruption and were not copied again\./.exec(again.stderr);
    expect(earlier, again.stderr).not.toBeNull();
    const logged = Number(earlier?.[1]);
    expect(logged).toBeGreaterThanOrEqual(1);
    expect(logged).toBeLessThanOrEqual(atKill.size);
    const unlogged = atKill.size - logged;
    expect(again.stdout).toMatch(new RegExp(`^Copied ${SMALL + 1 - atKill.size} objects, \\d+ bytes \\(.*\\), streamed through this machine${unlogged > 0 ? `; ${unlogged} skipped \\(the target held the same object\\)` : ''} in `));
    // The 200 MiB object goes on from the parts the target held.
    const resumed = /resuming the copy to s3:\/\/\S+\/backup\/big\.bin: (\d+) of 40 parts were already copied/.exec(again.stderr);
    expect(resumed, again.stderr).not.toBeNull();
    expect(Number(resumed?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(resumed?.[1])).toBeLessThanOrEqual(partsAtKill + 2);

    // Keys, sizes and ETags equal: the multipart one too, cut at the source's 5 MiB parts.
    const source = await listing(store, bucket, 'data/');
    const target = await listing(otherStore, otherBucket, 'backup/');
    expect(target.size).toBe(SMALL + 1);
    expect(target).toEqual(source);
    expect(source.get('big.bin')?.etag).toMatch(/-40$/);
    const bigHead = await otherStore.headObject(otherBucket, 'backup/big.bin');
    expect(bigHead.headers.cacheControl).toBe('max-age=99');
    expect(bigHead.headers.metadata).toMatchObject({ origin: 'tëst' });
    const smallHead = await otherStore.headObject(otherBucket, 'backup/small/0007 ü+#.txt');
    expect(smallHead.headers.cacheControl).toBe('max-age=99');
    expect(smallHead.contentType).toBe('text/plain; charset=utf-8');
    expect(await incompleteUploads(otherStore, otherBucket)).toEqual([]);

    expect((await ferry(['transfers'], env)).stdout).toBe('No interrupted transfers.\n');
    // Once more: everything is there already.
    const third = await ferry([...args], env);
    expect(third.stdout).toMatch(new RegExp(`^Copied 0 objects, 0 bytes \\(0 B\\), streamed through this machine; ${SMALL + 1} skipped`));
  }, 600_000);

  it('moves 1,000 objects within the bucket on the server, killed midway and run again: the new prefix complete, the old one empty', async () => {
    const before = await listing(store, bucket, 'data/small/');
    expect(before.size).toBe(SMALL);
    const args = ['mv', `s3://${bucket}/data/small/`, `s3://${bucket}/moved/`];
    const env = cliEnv(dir);
    await killWhen([...args, '--files', '4', '--fixed', '-q'], env, async () => (await listing(store, bucket, 'moved/')).size >= 100);
    const again = await ferry(args, env);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/^ferry: resuming: \d+ of \d+ objects were done before the interruption and were not copied again\.$/m);
    expect(again.stdout).toMatch(/^Moved \d+ objects, \d+ bytes \(.*\), on the server(; \d+ skipped \(the target held the same object\))?; \d+ sources deleted in /);
    expect(await listing(store, bucket, 'moved/')).toEqual(before);
    expect((await listing(store, bucket, 'data/small/')).size).toBe(0);
    // The copies kept their headers.
    expect((await store.headObject(bucket, 'moved/0999 ü+#.txt')).headers.cacheControl).toBe('max-age=99');
  }, 300_000);

  it('copies a multipart object on the server part for part, so the copy has its ETag', async () => {
    const copy = await ferry(['copy', `s3://${bucket}/data/big.bin`, `s3://${bucket}/one/`], cliEnv(dir));
    expect(copy.stderr).toBe('');
    expect(copy.stdout).toMatch(/^Copied 1 object, 209715200 bytes \(200\.0 MiB\), on the server in /);
    const [original, copied] = await Promise.all([store.headObject(bucket, 'data/big.bin'), store.headObject(bucket, 'one/big.bin')]);
    expect(copied.etag).toBe(original.etag);
    expect(copied.headers.metadata).toEqual(original.headers.metadata);
    const mv = await ferry(['mv', `s3://${bucket}/one/big.bin`, `s3://${bucket}/one/renamed.bin`], cliEnv(dir));
    expect(mv.stdout).toMatch(/^Moved 1 object, .*; 1 source deleted in /);
    expect([...(await listing(store, bucket, 'one/')).keys()]).toEqual(['renamed.bin']);
  });

  it('keeps a replica in step with --only-newer: a target changed there is left, a source changed since is copied', async () => {
    const env = cliEnv(dir);
    const put = (to: S3Store, name: string, key: string, body: string) => to.putObject({ bucket: name, key, body: Buffer.from(body), md5: createHash('md5').update(body).digest('base64') });
    await put(store, bucket, 'step/a.txt', 'a, first');
    await put(store, bucket, 'step/b.txt', 'b, first');
    const args = ['copy', `s3://${bucket}/step/`, `s3://${otherBucket}/step/`, '--to-profile', 'other', '--only-newer'];
    expect((await ferry(args, env)).stdout).toMatch(/^Copied 2 objects, /);
    // Times on the server are whole seconds: a change is a second later.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await put(otherStore, otherBucket, 'step/a.txt', 'a, changed in the replica');
    await put(store, bucket, 'step/b.txt', 'b, changed at the source');
    const again = await ferry(args, env);
    expect(again.stdout).toMatch(/^Copied 1 object, 24 bytes .*; 1 skipped \(the target held the same object or a newer one\) in /);
    const read = async (key: string) => Buffer.concat((await (await otherStore.getRange({ bucket: otherBucket, key, start: 0, end: 99 })).body.toArray()) as Buffer[]).toString();
    expect(await read('step/a.txt')).toBe('a, changed in the replica');
    expect(await read('step/b.txt')).toBe('b, changed at the source');
  });

  it('says what is wrong: a missing source, a copy onto itself, overlapping prefixes', async () => {
    const env = cliEnv(dir);
    const missing = await ferry(['copy', `s3://${bucket}/nope`, `s3://${bucket}/x/`], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`ferry: NoSuchKey: s3://${bucket}/nope does not exist.\n`);
    const self = await ferry(['copy', `s3://${bucket}/data/big.bin`, `s3://${bucket}/data/`], env);
    expect(self.stderr).toBe(`ferry: InvalidInput: s3://${bucket}/data/big.bin would be copied onto itself; give another key.\n`);
    const overlap = await ferry(['mv', `s3://${bucket}/data/`, `s3://${bucket}/data/inner/`], env);
    expect(overlap.stderr).toBe(`ferry: InvalidInput: s3://${bucket}/data/inner/ and s3://${bucket}/data/ overlap: copy to a prefix outside the source.\n`);
  });
});
