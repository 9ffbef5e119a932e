// Changing headers in place: `ferry set-headers` on a prefix of 500 objects (every other header,
// the metadata and the bytes kept), --dry-run, a refused edit, and an object above 5 GiB (a sparse
// file) changed by a multipart copy that is killed midway and resumed, against the real server.

import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapInFlight } from '../../../electron/engine/inFlight.js';
import type { CopyRecord } from '../../../electron/engine/journal.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import type { ObjectHeaders } from '../../../shared/transfer.js';
import { cliEnv, killWhen, ferry as runFerry } from '../../support/cli.js';
import { sha256File, writeRandomFile } from '../../support/files.js';
import { closeTestBed, incompleteUploads, openTestBed, remoteSha256 } from '../../support/s3.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

let store: S3Store;
let bucket: string;
let dir: string;

const ferry = (args: string[]) => runFerry([...args, '-q'], cliEnv(dir));

interface Seen {
  etag: string;
  size: number;
  headers: ObjectHeaders;
}

async function headAll(prefix: string): Promise<Map<string, Seen>> {
  const keys: string[] = [];
  for await (const entry of store.listAll(bucket, prefix)) keys.push(entry.key);
  const seen = new Map<string, Seen>();
  await mapInFlight(keys, 16, async (key) => {
    const info = await store.headObject(bucket, key);
    seen.set(key, { etag: info.etag, size: info.size, headers: info.headers });
  });
  return seen;
}

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('set-headers'));
});

afterAll(() => closeTestBed({ store, bucket, dir }));

describe('ferry set-headers', () => {
  it('changes Cache-Control on a prefix of 500 objects in place, keeping bytes, Content-Type, Content-Disposition and metadata', async () => {
    // Keys a person's files really have, beside plain ones; types, dispositions and metadata that differ per object.
    const odd = ['ünïcödé ファイル.txt', 'with space.css', 'plus+sign.js', 'per%cent.json', 'hash#tag.html', 'dots/../up.txt', 'deep/a/b/c/d.svg'];
    const keys = Array.from({ length: 498 }, (_, i) => (i < odd.length ? `p/${odd[i]}` : `p/file-${String(i).padStart(3, '0')}.bin`));
    await mapInFlight(keys, 16, async (key, i) => {
      const body = randomBytes(200 + (i % 7) * 300);
      const headers: ObjectHeaders = {
        contentType: i % 3 === 0 ? 'text/plain; charset=utf-8' : 'application/x-ferry-test',
        contentDisposition: i % 2 === 0 ? `attachment; filename="f${i}.bin"` : undefined,
        cacheControl: i % 5 === 0 ? 'no-cache' : undefined,
        metadata: { index: String(i), owner: i % 4 === 0 ? 'Zoë Ünal' : 'ann' },
      };
      await store.putObject({ bucket, key, body, md5: createHash('md5').update(body).digest('base64'), headers });
    });
    // One object uploaded in parts and one empty one: both kinds keep their bytes too.
    const big = path.join(dir, 'video.mp4');
    await writeRandomFile(big, 20 * MiB);
    await writeFile(path.join(dir, 'empty.txt'), '');
    const upload = await ferry(['upload', big, path.join(dir, 'empty.txt'), `s3://${bucket}/p/media/`, '--content-disposition', 'inline', '--header', 'x-amz-meta-camera: X100']);
    expect(upload.code, upload.stderr).toBe(0);

    const before = await headAll('p/');
    expect(before.size).toBe(500);
    expect(before.get('p/media/video.mp4')?.etag).toMatch(/-\d+$/);

    const dry = await ferry(['set-headers', `s3://${bucket}/p/`, '--cache-control', 'max-age=60', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Would change the headers of 500 objects');
    expect(dry.stdout).toContain(`s3://${bucket}/p/hash#tag.html`);
    expect(dry.stdout).toMatch(/~ Cache-Control: max-age=60 {2}\(was: no-cache\)/);
    expect(await headAll('p/')).toEqual(before);

    const result = await ferry(['set-headers', `s3://${bucket}/p/`, '--cache-control', 'max-age=60']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Changed the headers of 500 objects \(500 found\)/);

    const after = await headAll('p/');
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, was] of before) {
      const now = after.get(key);
      expect(now, key).toEqual({ ...was, headers: { ...was.headers, cacheControl: 'max-age=60' } });
    }
    expect(await remoteSha256(bucket, 'p/media/video.mp4', dir)).toBe(await sha256File(big));

    // Run again (as after an interruption): what already has the headers is passed over.
    const again = await ferry(['set-headers', `s3://${bucket}/p/`, '--cache-control', 'max-age=60']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Changed the headers of 0 objects; 500 already had these headers/);
  });

  it('removes a header and a metadata entry, and refuses an edit it cannot send before reading anything', async () => {
    const key = 'q/page.html';
    const body = Buffer.from('<p>hi</p>');
    await store.putObject({ bucket, key, body, md5: createHash('md5').update(body).digest('base64'), headers: { contentType: 'text/html', expires: 'Wed, 21 Oct 2037 07:28:00 GMT', metadata: { a: '1', b: '2' } } });
    const result = await ferry(['set-headers', `s3://${bucket}/${key}`, '--remove', 'Expires', '--remove', 'x-amz-meta-a', '--header', 'Content-Language: de']);
    expect(result.code, result.stderr).toBe(0);
    const info = await store.headObject(bucket, key);
    expect(info.headers).toMatchObject({ contentType: 'text/html', contentLanguage: 'de', expires: undefined, metadata: { b: '2' } });

    const refused = await ferry(['set-headers', `s3://${bucket}/${key}`, '--header', 'X-Frame-Options: DENY']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('"X-Frame-Options" is not a header Ferry sets');
    const missing = await ferry(['set-headers', `s3://${bucket}/q/nothing`, '--cache-control', 'no-cache']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`For every object below it, write s3://${bucket}/q/nothing/.`);
  });

  it('changes an object above 5 GiB through a multipart copy, resumed after a kill, with its bytes and ETag kept', async () => {
    // A sparse file: 5 GiB + 1 MiB that costs no disk here; the server stores it (and its copy) for real.
    const file = path.join(dir, 'huge.bin');
    await writeFile(file, '');
    await truncate(file, 5 * GiB + MiB);
    const upload = await ferry(['upload', file, `s3://${bucket}/huge/`, '--header', 'x-amz-meta-kind: sparse', '--content-type', 'application/x-raw']);
    expect(upload.code, upload.stderr).toBe(0);
    const before = await store.headObject(bucket, 'huge/huge.bin');
    const parts = Number(/-(\d+)$/.exec(before.etag)?.[1]);
    expect(parts).toBeGreaterThan(600);

    // Killed once a tenth of the parts are copied (the journal says so), as a crash would stop it.
    const journalDir = path.join(dir, '.local', 'state', 'ferry', 'journal');
    const copied = async () => {
      const names = (await readdir(journalDir).catch(() => [])).filter((n) => n.startsWith('copy-') && n.endsWith('.json'));
      const record = names[0] ? (JSON.parse(await readFile(path.join(journalDir, names[0]), 'utf8').catch(() => '{}')) as Partial<CopyRecord>) : undefined;
      return (record?.parts?.length ?? 0) >= parts / 10;
    };
    const args = ['set-headers', `s3://${bucket}/huge/huge.bin`, '--cache-control', 'public, max-age=86400'];
    await killWhen(args, cliEnv(dir), copied);
    expect((await store.headObject(bucket, 'huge/huge.bin')).headers.cacheControl).toBeUndefined();

    const resumed = await runFerry(args, cliEnv(dir));
    expect(resumed.code, resumed.stderr).toBe(0);
    const said = /resuming the header change of .*: (\d+) of (\d+) parts were already copied/.exec(resumed.stderr);
    expect(said, resumed.stderr).not.toBeNull();
    expect(Number(said?.[1])).toBeGreaterThanOrEqual(parts / 10);
    expect(Number(said?.[2])).toBe(parts);

    const after = await store.headObject(bucket, 'huge/huge.bin');
    expect(after.headers).toEqual({ ...before.headers, cacheControl: 'public, max-age=86400' });
    expect(after.headers.metadata).toEqual({ kind: 'sparse', mtime: expect.stringMatching(/^\d+\.\d{9}$/) });
    // Cut at the object's own part size, the same bytes give the same multipart ETag.
    expect(after.etag).toBe(before.etag);
    expect(after.size).toBe(5 * GiB + MiB);
    expect(await incompleteUploads(store, bucket)).toEqual([]);
    expect((await readdir(journalDir)).filter((n) => n.startsWith('copy-'))).toEqual([]);
    await store.deleteObjects(bucket, ['huge/huge.bin']);
  });
});
