// `ferry sync` both ways against the real server: only what changed is sent, --delete removes
// exactly what is gone, --dry-run prints what the run then does, --checksum ignores touched
// times, a sync back restores bytes and times, names that cannot round-trip are reported.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { cliEnv, ferry as runFerry, killWhen } from '../../support/cli.js';
import { exists, treeHashes, writeRandomFile } from '../../support/files.js';
import { closeTestBed, incompleteUploads, openTestBed } from '../../support/s3.js';

const FILES = 1000;
const MiB = 1024 * 1024;

let store: S3Store;
let bucket: string;
let dir: string;
let src: string;

const ferry = (args: string[], env: Record<string, string> = {}) => runFerry(args, cliEnv(dir, env));
const keysBelow = async (prefix: string) => {
  const keys: string[] = [];
  for await (const entry of store.listAll(bucket, prefix)) keys.push(entry.key);
  return keys.sort();
};
/** The action lines a sync printed (upload, download, delete, folder, skip), sorted. */
const actions = (stdout: string, kinds = ['upload', 'download', 'delete', 'folder']) =>
  stdout
    .split('\n')
    .filter((line) => kinds.some((kind) => line.startsWith(`${kind} `)))
    .sort();
const count = (stdout: string, kind: string) => actions(stdout, [kind]).length;
const put = async (key: string, body: Buffer) =>
  store.putObject({ bucket, key, body, md5: createHash('md5').update(body).digest('base64') });

// Names a user has: unicode, spaces, +, %, #, and a dot file, in nested folders.
const ODD = ['été.txt', 'a b.txt', 'c+d.txt', '50%.txt', '#hash.txt', '.env', 'Ünïcödé folder/x y.md'];
function relativeOf(i: number): string {
  if (i < ODD.length) return `odd/${ODD[i]}`;
  return `d${i % 10}/sub${i % 3}/file-${i}.bin`;
}

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('sync'));
  src = path.join(dir, 'src');
  for (let i = 0; i < FILES; i++) {
    const file = path.join(src, relativeOf(i));
    await mkdir(path.dirname(file), { recursive: true });
    // Sizes from 0 (an empty file) up to 3 KiB; one file above the multipart threshold.
    await writeFile(file, randomBytes(i === 1 ? 0 : (i * 37) % 3072));
  }
  await mkdir(path.join(src, 'big'), { recursive: true });
  await writeRandomFile(path.join(src, 'big', 'video.bin'), 40 * MiB);
  await rm(path.join(src, relativeOf(FILES - 1)));
});

afterAll(() => closeTestBed({ store, bucket, dir }));

describe('ferry sync up and back', () => {
  const total = FILES; // FILES - 1 removed + the big file
  let changed: string[] = [];
  let deleted: string[] = [];
  let added: string[] = [];

  it('mirrors a folder to an empty prefix: the folder\'s contents become the keys below it', async () => {
    const first = await ferry(['sync', src, `s3://${bucket}/mirror`, '-q']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Synced: ${total} created, 0 updated, 0 deleted, 0 unchanged`);
    const keys = await keysBelow('mirror/');
    expect(keys).toHaveLength(total);
    expect(keys).toContain('mirror/odd/Ünïcödé folder/x y.md');
    expect(keys).toContain('mirror/odd/50%.txt');
    expect(keys).toContain('mirror/big/video.bin');
    // The file's time is kept with the object, as rclone keeps it.
    const info = await store.headObject(bucket, 'mirror/odd/c+d.txt');
    const local = await stat(path.join(src, 'odd/c+d.txt'));
    expect(Math.abs(Number(info.headers.metadata?.mtime) * 1000 - local.mtimeMs)).toBeLessThan(1);
  });

  it('sends exactly the 13 changed or added files and, with --delete, removes exactly the 5 gone; --dry-run prints the same actions and changes nothing', async () => {
    changed = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map(relativeOf);
    deleted = [11, 21, 31, 41, 51].map(relativeOf);
    added = ['new/one.txt', 'new/two.txt', 'd1/three.txt'];
    for (const [n, relative] of changed.entries()) {
      const file = path.join(src, relative);
      const before = await stat(file);
      // Half keep their size (only the time tells), half change it.
      await writeFile(file, randomBytes(n % 2 === 0 ? before.size : before.size + 1));
      await utimes(file, new Date(), new Date(before.mtimeMs + 60_000 + n));
    }
    for (const relative of deleted) await rm(path.join(src, relative));
    for (const relative of added) {
      await mkdir(path.dirname(path.join(src, relative)), { recursive: true });
      await writeFile(path.join(src, relative), `added ${relative}`);
    }
    const before = await keysBelow('mirror/');

    const dry = await ferry(['sync', src, `s3://${bucket}/mirror/`, '--delete', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(count(dry.stdout, 'upload')).toBe(13);
    expect(count(dry.stdout, 'delete')).toBe(5);
    expect(count(dry.stdout, 'skip')).toBe(total - 5 - 10);
    expect(dry.stdout).toContain('Would create 3, update 10 and delete 5;');
    expect(dry.stdout).toContain('nothing was changed (--dry-run)');
    // Every object was known from the first sync: no HEAD to read a time.
    expect(dry.stdout).not.toContain('read with HEAD');
    expect(await keysBelow('mirror/')).toEqual(before);

    const real = await ferry(['sync', src, `s3://${bucket}/mirror/`, '--delete']);
    expect(real.code).toBe(0);
    expect(actions(real.stdout)).toEqual(actions(dry.stdout));
    expect(real.stdout).toContain(`Synced: 3 created, 10 updated, 5 deleted, ${total - 15} unchanged`);
    const after = await keysBelow('mirror/');
    expect(after).toHaveLength(total - 5 + 3);
    for (const relative of deleted) expect(after).not.toContain(`mirror/${relative}`);
    for (const relative of added) expect(after).toContain(`mirror/${relative}`);
  });

  it('sends nothing the third time', async () => {
    const third = await ferry(['sync', src, `s3://${bucket}/mirror/`, '--delete']);
    expect(third.code).toBe(0);
    expect(actions(third.stdout)).toEqual([]);
    expect(third.stdout).toContain(`Synced: 0 created, 0 updated, 0 deleted, ${total - 5 + 3} unchanged`);
  });

  it('syncs back into an empty folder: byte-identical, modification times restored; a second sync back moves nothing', async () => {
    const back = path.join(dir, 'back');
    const down = await ferry(['sync', `s3://${bucket}/mirror/`, back, '-q']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(await treeHashes(back)).toEqual(await treeHashes(src));
    for (const relative of [...changed, ...added, relativeOf(0), relativeOf(6), 'big/video.bin']) {
      const [a, b] = await Promise.all([stat(path.join(src, relative)), stat(path.join(back, relative))]);
      expect(Math.abs(a.mtimeMs - b.mtimeMs), relative).toBeLessThan(1);
    }
    const again = await ferry(['sync', `s3://${bucket}/mirror/`, back, '--dry-run']);
    expect(count(again.stdout, 'download')).toBe(0);
    expect(again.stdout).not.toContain('read with HEAD');
    // And up from there: the times match the objects', so nothing to send either.
    const up = await ferry(['sync', back, `s3://${bucket}/mirror/`, '--dry-run']);
    expect(count(up.stdout, 'upload')).toBe(0);
  });

  it('with --checksum, sends nothing after 20 files\' times were touched (a plain sync would send them)', async () => {
    const touched = Array.from({ length: 20 }, (_, i) => relativeOf(200 + i * 7));
    const later = new Date(Date.now() + 3_600_000);
    for (const relative of touched) await utimes(path.join(src, relative), later, later);
    const plain = await ferry(['sync', src, `s3://${bucket}/mirror/`, '--dry-run']);
    expect(count(plain.stdout, 'upload')).toBe(20);
    const checksum = await ferry(['sync', src, `s3://${bucket}/mirror/`, '--checksum']);
    expect(checksum.code).toBe(0);
    expect(actions(checksum.stdout)).toEqual([]);
    expect(checksum.stdout).toContain('0 created, 0 updated, 0 deleted');
    // A content change of the same size is found by --checksum, whatever the time says.
    const file = path.join(src, touched[0] as string);
    const { size, mtimeMs } = await stat(file);
    await writeFile(file, randomBytes(size));
    await utimes(file, new Date(mtimeMs), new Date(mtimeMs));
    const found = await ferry(['sync', src, `s3://${bucket}/mirror/`, '--checksum', '--dry-run']);
    expect(actions(found.stdout)).toEqual([expect.stringMatching(/^upload {4}\S+ {2}→ .*\(contents differ\)$/)]);
  });

  it('without --delete removes nothing and says what it kept', async () => {
    await rm(path.join(src, relativeOf(12)));
    const result = await ferry(['sync', src, `s3://${bucket}/mirror/`, '--checksum']);
    expect(result.code).toBe(0);
    expect(count(result.stdout, 'delete')).toBe(0);
    expect(result.stderr).toContain('1 item is on the target but not on the source; kept (--delete removes them).');
    expect(await keysBelow('mirror/')).toContain(`mirror/${relativeOf(12)}`);
  });
});

describe('ferry sync: what it refuses', () => {
  it('reports keys that cannot be local files and downloads the rest', async () => {
    await put('odd-keys/ok.txt', Buffer.from('ok'));
    await put('odd-keys/bad//key.txt', Buffer.from('empty segment'));
    await put('odd-keys/../escape.txt', Buffer.from('dot dot'));
    await put('odd-keys/holds/', Buffer.from('a folder name with bytes'));
    await put('odd-keys/a', Buffer.from('file a'));
    await put('odd-keys/a/b.txt', Buffer.from('needs a folder a'));
    const target = path.join(dir, 'odd-down');
    const result = await ferry(['sync', `s3://${bucket}/odd-keys/`, target, '-q']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`refused s3://${bucket}/odd-keys/bad//key.txt`);
    expect(result.stderr).toContain(`refused s3://${bucket}/odd-keys/holds/: The key ends with "/" but holds 24 bytes`);
    expect(result.stderr).toMatch(/refused s3:\/\/\S+\/odd-keys\/a\/b\.txt|refused s3:\/\/\S+\/odd-keys\/a:/);
    expect(result.stderr).toContain('cannot make the round trip');
    expect(await readFile(path.join(target, 'ok.txt'), 'utf8')).toBe('ok');
    expect(await exists(path.join(dir, 'escape.txt'))).toBe(false);
    // Swift keeps "odd-keys/../escape.txt" as it is; either way nothing lands outside the folder.
    expect(await treeHashes(target)).toEqual(new Map([['a', expect.any(String)], ['ok.txt', expect.any(String)]]));
  });

  it('refuses --delete from an empty source (a mistyped path) and changes nothing', async () => {
    const empty = path.join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    const before = await keysBelow('mirror/');
    const result = await ferry(['sync', empty, `s3://${bucket}/mirror/`, '--delete']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('holds nothing, so --delete would remove all');
    expect(await keysBelow('mirror/')).toEqual(before);
    const nowhere = await ferry(['sync', `s3://${bucket}/no-such-prefix/`, path.join(dir, 'back'), '--delete']);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('holds nothing');
    expect(await exists(path.join(dir, 'back', 'big', 'video.bin'))).toBe(true);
  });

  it('leaves out --exclude matches on both sides: not sent, not deleted', async () => {
    const site = path.join(dir, 'site');
    await mkdir(path.join(site, 'node_modules', 'x'), { recursive: true });
    await writeFile(path.join(site, 'index.html'), 'hi');
    await writeFile(path.join(site, 'debug.log'), 'log');
    await writeFile(path.join(site, 'node_modules', 'x', 'index.js'), 'x');
    await put('site/keep.log', Buffer.from('remote log'));
    const result = await ferry(['sync', site, `s3://${bucket}/site/`, '--delete', '--exclude', '*.log', '--exclude', 'node_modules', '-q']);
    expect(result.code).toBe(0);
    expect(await keysBelow('site/')).toEqual(['site/index.html', 'site/keep.log']);
    expect(result.stderr).toContain('left out by --exclude');
  });

  it('says which argument is wrong', async () => {
    const both = await ferry(['sync', `s3://${bucket}/a/`, `s3://${bucket}/b/`]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('a sync needs one local folder');
    const missing = await ferry(['sync', path.join(dir, 'no-such-folder'), `s3://${bucket}/x/`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-such-folder/);
    const noBucket = await ferry(['sync', path.join(dir, 'site'), `s3://${bucket}-missing/x/`]);
    expect(noBucket.code).toBe(1);
    expect(noBucket.stderr).toContain('NoSuchBucket');
  });
});

describe('ferry sync after an interruption', () => {
  it('a killed sync, run again, resumes the large upload where it stopped and sends only what is left', async () => {
    const folder = path.join(dir, 'resume');
    await mkdir(folder, { recursive: true });
    await writeRandomFile(path.join(folder, 'large.bin'), 60 * MiB);
    for (let i = 0; i < 20; i++) await writeFile(path.join(folder, `small-${i}.txt`), `small ${i}`);
    const stateDir = path.join(dir, 'resume-state');
    const env = { FERRY_STATE_DIR: stateDir };
    const journaled = async () => {
      const names = await readdir(path.join(stateDir, 'journal')).catch(() => [] as string[]);
      for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
        const text = await readFile(path.join(stateDir, 'journal', name), 'utf8').catch(() => '');
        try {
          const record = JSON.parse(text) as { kind?: string; parts?: unknown[] };
          if (record.kind === 'upload' && (record.parts?.length ?? 0) >= 2) return true;
        } catch {
          // being written
        }
      }
      return false;
    };
    await killWhen(['sync', folder, `s3://${bucket}/resume/`, '--parts', '2', '--part-size', '5MiB', '-q'], cliEnv(dir, env), journaled);
    const again = await ferry(['sync', folder, `s3://${bucket}/resume/`, '--parts', '2', '--part-size', '5MiB'], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/resuming the upload of s3:\/\/\S+\/resume\/large\.bin: \d+ of 12 parts were already on the server/);
    const third = await ferry(['sync', folder, `s3://${bucket}/resume/`, '--dry-run'], env);
    expect(count(third.stdout, 'upload')).toBe(0);
    expect(await incompleteUploads(store, bucket)).toEqual([]);
  });
});
