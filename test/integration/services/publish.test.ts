// Publishing from the app on the real server, through the service's calls and events as the UI
// uses them: rules kept per account and bucket (a bad one refused with its number), Publish…'s
// preview, uploads into a bucket with rules getting their headers (local paths and a browser's
// streamed files), and headers changed in place on a prefix with everything else kept.

import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchEvent, HeaderChangeEvent } from '../../../shared/api.js';
import { PRESETS, type PublishRules } from '../../../shared/publishRules.js';
import { mapInFlight } from '../../../electron/engine/inFlight.js';
import { PublishRulesFile } from '../../../electron/services/publishRules.js';
import { testAccount } from '../../support/s3.js';
import { closeServiceTestBed, openServiceTestBed, type ServiceTestBed } from '../../support/service.js';

const RULES: PublishRules = {
  rules: [
    { match: '**/*.html', headers: { 'Cache-Control': 'no-cache' } },
    { match: '**/assets/**', headers: { 'Cache-Control': 'public, max-age=31536000, immutable', 'x-amz-meta-team': 'web' } },
    { match: '**', headers: { 'Cache-Control': 'public, max-age=3600' } },
  ],
};

let t: ServiceTestBed;

beforeAll(async () => {
  t = await openServiceTestBed('publish');
});

afterAll(() => closeServiceTestBed(t));

/** The account and bucket the calls here name. */
const here = () => ({ accountId: t.accountId, bucket: t.bucket });

const batchEnd = (batchId: string) => () => t.bed.events.find((e): e is BatchEvent => e.type === 'batch' && e.batchId === batchId);
const jobEvents = (jobId: string) => t.bed.events.filter((e): e is HeaderChangeEvent => e.type === 'headerChange' && e.jobId === jobId);
const jobEnd = (jobId: string) => () => jobEvents(jobId).find((e) => e.status !== 'running');

/** A small site on disk: html, a fingerprinted script, json, a file without extension, an empty folder. */
async function makeSite(): Promise<string> {
  const site = path.join(t.dir, 'site');
  await mkdir(path.join(site, 'assets'), { recursive: true });
  await mkdir(path.join(site, 'empty'), { recursive: true });
  await writeFile(path.join(site, 'index.html'), '<h1>hi</h1>');
  await writeFile(path.join(site, 'assets', 'app.3f9a1c2b.js'), 'console.log(1)');
  await writeFile(path.join(site, 'data.json'), '{}');
  await writeFile(path.join(site, 'LICENSE'), 'MIT');
  return site;
}

describe('publishing rules', () => {
  it('keeps rules per account and bucket, refuses a bad one with its number, drops them with the account', async () => {
    expect(await t.bed.call('publish.rules', here())).toEqual({ rules: { rules: [] }, presets: [{ name: 'static-site', ...PRESETS['static-site'] }] });
    expect(await t.bed.call('publish.saveRules', { ...here(), rules: RULES })).toEqual({ rules: RULES });
    expect((await t.bed.call('publish.rules', here())).rules).toEqual(RULES);

    const bad = { rules: [RULES.rules[0], { match: '**/*.css', headers: { 'X-Frame-Options': 'DENY' } }] } as PublishRules;
    const refused = await t.bed.service.call('publish.saveRules', { ...here(), rules: bad });
    expect(refused).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    expect(!refused.ok && refused.error.message).toMatch(/^rule 2: "X-Frame-Options" is not a header Ferry sets/);
    const badClass = await t.bed.service.call('publish.saveRules', { ...here(), rules: { rules: [{ match: '**', headers: { 'x-amz-storage-class': 'COLD' } }] } });
    expect(!badClass.ok && badClass.error.message).toMatch(/^rule 1: x-amz-storage-class "COLD"/);
    // The refused rules changed nothing; what was kept is on disk for the next start.
    expect(await new PublishRulesFile(path.join(t.dir, 'config')).get(t.accountId, t.bucket)).toEqual(RULES);

    // Another account's rules for the same bucket are its own, and go when it is removed.
    const other = await t.bed.call('accounts.save', { name: 'other', kind: 's3-compatible', endpoint: testAccount().endpoint.endpoint, region: 'us-east-1', forcePathStyle: true, accessKeyId: 'other', secretAccessKey: 'other' });
    await t.bed.call('publish.saveRules', { accountId: other.id, bucket: t.bucket, rules: { rules: [{ match: '**', headers: { 'Cache-Control': 'no-store' } }] } });
    expect((await t.bed.call('publish.rules', { accountId: other.id, bucket: t.bucket })).rules.rules).toHaveLength(1);
    await t.bed.call('accounts.remove', { accountId: other.id });
    const file = JSON.parse(await readFile(path.join(t.dir, 'config', 'publish-rules.json'), 'utf8')) as { buckets: { accountId: string }[] };
    expect(file.buckets.map((b) => b.accountId)).toEqual([t.accountId]);
  });

  it('previews an upload: each key with its headers, for local paths and for a browser’s files alike', async () => {
    const site = await makeSite();
    const local = await t.bed.call('publish.preview', { ...here(), prefix: 'www/', paths: [site] });
    expect(local).toMatchObject({ files: 4, bytes: 11 + 14 + 2 + 3, truncated: false, folders: 1 });
    const byKey = new Map(local.rows.map((r) => [r.key, r]));
    expect([...byKey.keys()].sort()).toEqual(['www/site/LICENSE', 'www/site/assets/app.3f9a1c2b.js', 'www/site/data.json', 'www/site/index.html']);
    expect(byKey.get('www/site/index.html')).toMatchObject({ size: 11, rule: 0, headers: ['Cache-Control: no-cache', 'Content-Type: text/html; charset=utf-8'] });
    expect(byKey.get('www/site/assets/app.3f9a1c2b.js')?.headers).toEqual(['Cache-Control: public, max-age=31536000, immutable', 'Content-Type: text/javascript; charset=utf-8', 'x-amz-meta-team: web']);
    expect(byKey.get('www/site/LICENSE')).toMatchObject({ rule: 2, headers: ['Cache-Control: public, max-age=3600', 'Content-Type: application/octet-stream'] });

    // The browser's files make the same keys and headers as the queue would make for them.
    const files = [
      { path: 'site/index.html', size: 11 },
      { path: 'site/assets/app.3f9a1c2b.js', size: 14 },
      { path: 'site/data.json', size: 2 },
      { path: 'site/LICENSE', size: 3 },
    ];
    const browser = await t.bed.call('publish.preview', { ...here(), prefix: 'www/', files, emptyFolders: ['site/empty'] });
    expect(browser).toEqual({ ...local, rows: expect.arrayContaining(local.rows) as unknown });
    expect(browser.rows).toHaveLength(4);

    // A draft not yet saved (the preset) in place of the kept rules; the table stops at 5,000 rows, the counts do not.
    const many = Array.from({ length: 5_001 }, (_, i) => ({ path: `big/f${i}.html`, size: 2 }));
    const draft = await t.bed.call('publish.preview', { ...here(), prefix: '', files: many, rules: PRESETS['static-site']?.rules });
    expect(draft).toMatchObject({ files: 5_001, bytes: 10_002, truncated: true, folders: 0 });
    expect(draft.rows).toHaveLength(5_000);
    expect(draft.rows[0]).toEqual({ key: 'big/f0.html', size: 2, rule: 0, headers: ['Cache-Control: no-cache', 'Content-Type: text/html; charset=utf-8'] });
    const refused = await t.bed.service.call('publish.preview', { ...here(), prefix: '', files: [], rules: { rules: [{ match: '**', headers: { Server: 'x' } }] } });
    expect(!refused.ok && refused.error.message).toMatch(/^rule 1: "Server" is not a header/);
  });

  it('gives an app upload into the bucket the kept rules’ headers: local paths and a browser’s spooled files', async () => {
    const site = path.join(t.dir, 'site');
    const { batchId } = await t.bed.call('transfers.upload', { ...here(), prefix: 'www/', paths: [site] });
    expect(await t.bed.until(batchEnd(batchId))).toMatchObject({ status: 'done', files: 4, done: 4 });
    const html = await t.store.headObject(t.bucket, 'www/site/index.html');
    expect(html.headers).toMatchObject({ cacheControl: 'no-cache', contentType: 'text/html; charset=utf-8' });
    const asset = await t.store.headObject(t.bucket, 'www/site/assets/app.3f9a1c2b.js');
    expect(asset.headers).toMatchObject({ cacheControl: 'public, max-age=31536000, immutable', contentType: 'text/javascript; charset=utf-8', metadata: { team: 'web' } });
    expect((await t.store.headObject(t.bucket, 'www/site/LICENSE')).headers.cacheControl).toBe('public, max-age=3600');

    // A browser's file goes up from a spool file named by its stream: its type comes from its own path.
    const body = Buffer.from('<p>from the page</p>');
    const started = await t.bed.call('transfers.uploadFromBrowser', { ...here(), prefix: 'web/', files: [{ path: 'page/about.html', size: body.length }], emptyFolders: [] });
    const [stream] = started.streams;
    expect(await t.bed.service.receiveChunk({ id: 0, streamId: stream?.streamId ?? '', offset: 0, last: true }, body)).toEqual({ ok: true, value: { received: body.length } });
    expect(await t.bed.until(batchEnd(started.batchId))).toMatchObject({ status: 'done', done: 1 });
    expect((await t.store.headObject(t.bucket, 'web/page/about.html')).headers).toMatchObject({ cacheControl: 'no-cache', contentType: 'text/html; charset=utf-8' });
  });
});

describe('changing headers in place', () => {
  const PREFIX = 'inplace/';
  const COUNT = 120;
  const keyOf = (i: number) => `${PREFIX}${i % 2 === 0 ? 'docs' : 'img'}/f${String(i).padStart(3, '0')}.txt`;

  beforeAll(async () => {
    await mapInFlight(
      Array.from({ length: COUNT }, (_, i) => i),
      16,
      async (i) => {
        const body = Buffer.from(`object ${i}`);
        const md5 = createHash('md5').update(body).digest('base64');
        await t.store.putObject({ bucket: t.bucket, key: keyOf(i), body, md5, headers: { contentType: 'text/plain', contentDisposition: 'attachment; filename="f.txt"', cacheControl: 'max-age=10', metadata: { build: String(i) } } });
      },
    );
  });

  it('changes Cache-Control on a prefix: events to the end, the new header, every other header and metadata kept', async () => {
    const before = await Promise.all(Array.from({ length: COUNT }, (_, i) => t.store.headObject(t.bucket, keyOf(i))));
    const { jobId } = await t.bed.call('objects.changeHeaders', { ...here(), keys: [], prefixes: [PREFIX], set: { cacheControl: 'public, max-age=60' }, remove: [] });
    const end = await t.bed.until(jobEnd(jobId));
    expect(end).toMatchObject({ status: 'done', bucket: t.bucket, objects: COUNT, listed: true, changed: COUNT, unchanged: 0, failed: 0, failures: [], label: `Cache-Control on ${COUNT} objects in ${PREFIX}` });
    const events = jobEvents(jobId);
    expect(events[0]).toMatchObject({ status: 'running', label: `Cache-Control on objects in ${PREFIX}` });
    expect(events.filter((e) => e.status !== 'running')).toHaveLength(1);
    expect(events.at(-1)).toBe(end);
    // A few a second: 120 objects do not make 120 events.
    expect(events.length).toBeLessThan(COUNT / 2);
    for (const [i, was] of before.entries()) {
      const now = await t.store.headObject(t.bucket, keyOf(i));
      expect(now.headers).toEqual({ ...was.headers, cacheControl: 'public, max-age=60' });
      expect([now.size, now.etag]).toEqual([was.size, was.etag]);
    }

    // Again: nothing to change, so nothing is copied.
    const again = await t.bed.call('objects.changeHeaders', { ...here(), keys: [], prefixes: [PREFIX], set: { cacheControl: 'public, max-age=60' }, remove: [] });
    expect(await t.bed.until(jobEnd(again.jobId))).toMatchObject({ status: 'done', changed: 0, unchanged: COUNT });
  });

  it('applies the kept rules below a base, removes a header, and refuses an object changed since it was shown', async () => {
    const key = keyOf(0);
    const { jobId } = await t.bed.call('objects.changeHeaders', { ...here(), keys: [key], prefixes: [], set: { metadata: { Reviewed: 'yes' } }, remove: ['content-disposition'], rules: true, rulesBase: PREFIX });
    expect(await t.bed.until(jobEnd(jobId))).toMatchObject({ status: 'done', changed: 1, label: `Publishing rules, x-amz-meta-reviewed and Content-Disposition on ${key}` });
    const info = await t.bed.call('browse.info', { ...here(), key });
    expect(info).toMatchObject({ cacheControl: 'public, max-age=3600', contentType: 'text/plain', metadata: { build: '0', reviewed: 'yes' } });
    expect(info.contentDisposition).toBeUndefined();

    const stale = await t.bed.call('objects.changeHeaders', { ...here(), keys: [key], prefixes: [], set: { cacheControl: 'no-store' }, remove: [], ifEtag: '0123456789abcdef0123456789abcdef' });
    const end = await t.bed.until(jobEnd(stale.jobId));
    expect(end).toMatchObject({ status: 'failed', failed: 1, changed: 0 });
    expect(end.failures[0]?.error.code).toBe('RemoteChanged');
    expect((await t.store.headObject(t.bucket, key)).headers.cacheControl).toBe('public, max-age=3600');
  });

  it('refuses what cannot run before it starts, and cancels a running change', async () => {
    const none = await t.bed.service.call('objects.changeHeaders', { accountId: t.accountId, bucket: 'no-rules-here', keys: ['a'], prefixes: [], set: {}, remove: [], rules: true });
    expect(!none.ok && none.error.message).toMatch(/No publishing rules are kept for no-rules-here/);
    const nothing = await t.bed.service.call('objects.changeHeaders', { ...here(), keys: ['a'], prefixes: [], set: {}, remove: [] });
    expect(nothing).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    const badName = await t.bed.service.call('objects.changeHeaders', { ...here(), keys: ['a'], prefixes: [], set: {}, remove: ['x-frame-options'] });
    expect(!badName.ok && badName.error.message).toMatch(/"x-frame-options" is not a header Ferry changes/);

    const { jobId } = await t.bed.call('objects.changeHeaders', { ...here(), keys: [], prefixes: [PREFIX], set: { contentLanguage: 'en' }, remove: [] });
    expect(await t.bed.call('objects.cancelHeaderChange', { jobId })).toEqual({ cancelled: true });
    const end = await t.bed.until(jobEnd(jobId));
    expect(end.status).toBe('cancelled');
    expect(end.changed).toBeLessThan(COUNT);
    expect(await t.bed.call('objects.cancelHeaderChange', { jobId })).toEqual({ cancelled: false });
  });
});
