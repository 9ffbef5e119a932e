// Publishing with rules: `ferry upload --rules` (a preset or a file), the single flags and
// --header over them, --dry-run, and a refused rules file, against the real server.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { cliEnv, ferry as runFerry } from '../../support/cli.js';
import { writeRandomFile } from '../../support/files.js';
import { closeTestBed, openTestBed } from '../../support/s3.js';

const MiB = 1024 * 1024;
const YEAR = 'public, max-age=31536000, immutable';

let store: S3Store;
let bucket: string;
let dir: string;
let site: string;

const ferry = (args: string[]) => runFerry([...args, '-q'], cliEnv(dir));
const head = async (key: string) => {
  const info = await store.headObject(bucket, key);
  return { cacheControl: info.headers.cacheControl, contentType: info.headers.contentType };
};
const keysBelow = async (prefix: string) => {
  const keys: string[] = [];
  for await (const entry of store.listAll(bucket, prefix)) keys.push(entry.key);
  return keys;
};

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('publish'));
  site = path.join(dir, 'site');
  await mkdir(path.join(site, 'assets', 'fonts'), { recursive: true });
  await writeFile(path.join(site, 'index.html'), '<!doctype html><title>x</title>');
  await writeFile(path.join(site, 'assets', 'style.5d41402a.css'), 'body{}');
  await writeFile(path.join(site, 'assets', 'app.3f9a1c2b.js'), 'console.log(1)');
  await writeFile(path.join(site, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeRandomFile(path.join(site, 'assets', 'photo.png'), 2000);
  await writeRandomFile(path.join(site, 'assets', 'fonts', 'inter.0123abcd.woff2'), 3000);
  await writeFile(path.join(site, 'manifest.json'), '{}');
  await writeFile(path.join(site, 'CNAME'), 'example.com');
  // Above the single-PUT size: a multipart upload carries the headers too.
  await writeRandomFile(path.join(site, 'assets', 'video.0a1b2c3d.mp4'), 20 * MiB);
});

afterAll(() => closeTestBed({ store, bucket, dir }));

describe('ferry upload --rules', () => {
  it('publishes a site with the static-site preset: each object has the expected Cache-Control and Content-Type', async () => {
    const result = await ferry(['upload', site, `s3://${bucket}/www/`, '--rules', 'static-site']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await head('www/site/index.html')).toEqual({ cacheControl: 'no-cache', contentType: 'text/html; charset=utf-8' });
    expect(await head('www/site/manifest.json')).toEqual({ cacheControl: 'no-cache', contentType: 'application/json; charset=utf-8' });
    expect(await head('www/site/assets/style.5d41402a.css')).toEqual({ cacheControl: YEAR, contentType: 'text/css; charset=utf-8' });
    expect(await head('www/site/assets/app.3f9a1c2b.js')).toEqual({ cacheControl: YEAR, contentType: 'text/javascript; charset=utf-8' });
    expect(await head('www/site/assets/fonts/inter.0123abcd.woff2')).toEqual({ cacheControl: YEAR, contentType: 'font/woff2' });
    expect(await head('www/site/assets/video.0a1b2c3d.mp4')).toEqual({ cacheControl: YEAR, contentType: 'video/mp4' });
    expect(await head('www/site/assets/logo.svg')).toEqual({ cacheControl: 'public, max-age=3600', contentType: 'image/svg+xml' });
    expect(await head('www/site/assets/photo.png')).toEqual({ cacheControl: 'public, max-age=3600', contentType: 'image/png' });
    expect(await head('www/site/CNAME')).toEqual({ cacheControl: 'public, max-age=3600', contentType: 'application/octet-stream' });
  });

  it('reads a rules file; --cache-control and --header win over it; --dry-run prints and sends nothing', async () => {
    const rules = path.join(dir, 'rules.json');
    await writeFile(rules, JSON.stringify({ rules: [{ match: '**/*.html', headers: { 'Cache-Control': 'max-age=60', 'x-amz-meta-from': 'rule' } }] }));
    const dry = await ferry(['upload', path.join(site, 'index.html'), `s3://${bucket}/file/`, '--rules', rules, '--header', 'x-amz-meta-build: 7', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      `s3://${bucket}/file/index.html\n  Cache-Control: max-age=60\n  Content-Type: text/html; charset=utf-8\n  x-amz-meta-from: rule\n  x-amz-meta-build: 7\n1 file would be uploaded; nothing was sent (--dry-run).\n`,
    );
    expect(await keysBelow('file/')).toEqual([]);

    const sent = await ferry(['upload', path.join(site, 'index.html'), `s3://${bucket}/file/`, '--rules', rules, '--cache-control', 'no-store', '--header', 'x-amz-meta-build: 7']);
    expect(sent.code).toBe(0);
    const info = await store.headObject(bucket, 'file/index.html');
    expect(info.headers.cacheControl).toBe('no-store');
    // The file's time goes with every upload (a sync compares it, a download restores it).
    expect(info.headers.metadata).toEqual({ from: 'rule', build: '7', mtime: expect.stringMatching(/^\d+\.\d{9}$/) });
  });

  it('refuses a rules file it cannot use with the line and the reason, before anything is sent', async () => {
    const rules = path.join(dir, 'bad.json');
    await writeFile(rules, '{"rules": [\n  {"match": "**",\n   "headers": {"X-Frame-Options": "DENY"}}\n]}');
    const result = await ferry(['upload', site, `s3://${bucket}/bad/`, '--rules', rules]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`${rules}:3: "X-Frame-Options" is not a header Ferry sets`);
    expect(await keysBelow('bad/')).toEqual([]);
  });
});
