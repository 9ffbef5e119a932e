// Publishing from the app as a person does it, in the real renderer in Chromium against the
// browser-hosted mode and the real S3 server: the bucket's rules edited in their dialog (a refusal
// shown in place), a folder published (its preview table first, then the upload), the headers read
// in the info panel and Cache-Control edited there, and Change headers… on a folder.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PRESETS } from '../../shared/publishRules.js';
import { browserNeeds, closeBrowserApp, openBrowserApp, screenshot, type BrowserApp } from '../support/browserApp.js';
import { describeNeeding } from '../support/requirements.js';

let app: BrowserApp;
let page: Page;

const shot = (name: string) => screenshot(page, name);
const objectRow = (key: string) => page.locator(`[data-testid="object-row"][data-key="${key}"]`);
const queueRow = (key: string) => page.locator(`[data-testid="queue-row"][data-key="${key}"]`);

/** A small site: html, a fingerprinted script, css, svg, json, a font and a file without extension. */
async function makeSite(): Promise<string> {
  const site = path.join(app.dir, 'site');
  await mkdir(path.join(site, 'assets'), { recursive: true });
  const files: Record<string, string> = {
    'index.html': '<h1>Ferry</h1>',
    'about.html': '<p>about</p>',
    'data.json': '{"a":1}',
    'LICENSE': 'MIT',
    'assets/app.3f9a1c2b.js': 'console.log(1)',
    'assets/style.css': 'h1{}',
    'assets/logo.svg': '<svg/>',
    'assets/font.woff2': 'wOF2',
  };
  for (const [name, body] of Object.entries(files)) await writeFile(path.join(site, name), body);
  return site;
}

describeNeeding(browserNeeds)('publishing from the app in a browser', () => {
  beforeAll(async () => {
    app = await openBrowserApp('e2e-publish');
    page = app.page;
  });

  afterAll(() => closeBrowserApp(app));

  it('edits the bucket’s rules: a preset to start from, a rule moved and changed, a bad one refused in place', async () => {
    await page.getByRole('button', { name: 'Publishing rules…' }).click();
    const dialog = page.getByTestId('rules-dialog');
    await dialog.getByText('No rules').waitFor();
    await dialog.getByLabel('Start from preset').selectOption('static-site');
    const rules = dialog.getByTestId('publish-rule');
    await expect.poll(() => rules.count()).toBe(4);
    // JSON before HTML, and the last rule's hour made ten minutes.
    await dialog.getByRole('button', { name: 'Move rule 2 up' }).click();
    expect(await dialog.getByLabel('Rule 1: glob').inputValue()).toBe('**/*.json');
    await dialog.getByLabel('Rule 4: headers').fill('Cache-Control: public, max-age=600');
    // A header Ferry does not set: the host's refusal shows with the rule's number, nothing is kept.
    await dialog.locator('[data-action="add-rule"]').click();
    await dialog.getByLabel('Rule 5: glob').fill('**/*.txt');
    await dialog.getByLabel('Rule 5: headers').fill('X-Frame-Options: DENY');
    await dialog.locator('[data-action="save-rules"]').click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/^rule 5: "X-Frame-Options" is not a header Ferry sets/);
    await shot('publish-rules-refused');
    expect((await app.bed.call('publish.rules', { accountId: app.accountId, bucket: app.bucket })).rules.rules).toEqual([]);
    await dialog.getByRole('button', { name: 'Remove rule 5' }).click();
    await shot('publish-rules');
    await dialog.locator('[data-action="save-rules"]').click();
    await dialog.waitFor({ state: 'detached' });

    const preset = PRESETS['static-site']?.rules.rules ?? [];
    const [html, json, hashed] = preset;
    expect((await app.bed.call('publish.rules', { accountId: app.accountId, bucket: app.bucket })).rules.rules).toEqual([json, html, hashed, { match: '**', headers: { 'Cache-Control': 'public, max-age=600' } }]);
  });

  it('publishes a folder: the preview table first, then the upload with the rules’ headers', async () => {
    const site = await makeSite();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload…' }).click();
    await page.getByRole('menuitem', { name: 'Publish folder…' }).click();
    await (await chooser).setFiles(site);
    const dialog = page.getByTestId('publish-dialog');
    const preview = dialog.getByTestId('publish-preview');
    await preview.waitFor();
    const previewRow = (key: string) => preview.locator(`[data-testid="preview-row"][data-key="${key}"]`);
    expect(await previewRow('site/index.html').textContent()).toContain('Cache-Control: no-cache · Content-Type: text/html; charset=utf-8');
    expect(await previewRow('site/assets/app.3f9a1c2b.js').textContent()).toContain('Cache-Control: public, max-age=31536000, immutable');
    expect(await previewRow('site/LICENSE').textContent()).toContain('Cache-Control: public, max-age=600 · Content-Type: application/octet-stream');
    expect(await dialog.textContent()).toContain('8 files');
    await shot('publish-preview');
    await dialog.locator('[data-action="publish"]').click();
    await dialog.waitFor({ state: 'detached' });

    for (const key of ['site/index.html', 'site/assets/font.woff2', 'site/LICENSE']) await expect.poll(() => queueRow(key).first().getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    await expect.poll(async () => (await app.store.headObject(app.bucket, 'site/data.json').catch(() => undefined))?.headers.cacheControl, { timeout: 60_000 }).toBe('no-cache');
    const expected: Record<string, [string, string]> = {
      'site/index.html': ['no-cache', 'text/html; charset=utf-8'],
      'site/about.html': ['no-cache', 'text/html; charset=utf-8'],
      'site/data.json': ['no-cache', 'application/json; charset=utf-8'],
      'site/LICENSE': ['public, max-age=600', 'application/octet-stream'],
      'site/assets/app.3f9a1c2b.js': ['public, max-age=31536000, immutable', 'text/javascript; charset=utf-8'],
      'site/assets/style.css': ['public, max-age=600', 'text/css; charset=utf-8'],
      'site/assets/logo.svg': ['public, max-age=600', 'image/svg+xml'],
      'site/assets/font.woff2': ['public, max-age=600', 'font/woff2'],
    };
    for (const [key, [cacheControl, contentType]] of Object.entries(expected)) {
      const { headers } = await app.store.headObject(app.bucket, key);
      expect([key, headers.cacheControl, headers.contentType]).toEqual([key, cacheControl, contentType]);
    }
  });

  it('shows every header in the info panel and edits Cache-Control there', async () => {
    await objectRow('site/').dblclick();
    await objectRow('site/index.html').click();
    await page.getByRole('button', { name: 'Info' }).click();
    const info = page.getByTestId('info-panel');
    const headers = info.getByTestId('object-headers');
    await expect.poll(() => headers.textContent(), { timeout: 20_000 }).toContain('Cache-Controlno-cache');
    expect(await headers.textContent()).toContain('Content-Typetext/html; charset=utf-8');
    await shot('publish-info-panel');

    await info.locator('[data-action="edit-headers"]').click();
    const editor = info.getByTestId('headers-editor');
    await editor.getByLabel('Cache-Control').fill('public, max-age=120');
    await editor.locator('[data-action="add-metadata"]').click();
    // The new entry is the last: the object has one already (mtime, the file's time, sent with every upload).
    await editor.getByLabel('Metadata name').last().fill('reviewed');
    await editor.getByLabel('Value of reviewed').fill('yes');
    await shot('publish-info-edit');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => headers.textContent(), { timeout: 20_000 }).toContain('Cache-Controlpublic, max-age=120');
    expect(await headers.textContent()).toContain('x-amz-meta-reviewedyes');
    const { headers: now } = await app.store.headObject(app.bucket, 'site/index.html');
    expect(now).toMatchObject({ cacheControl: 'public, max-age=120', contentType: 'text/html; charset=utf-8', metadata: { reviewed: 'yes' } });
  });

  it('changes headers on a folder from its context menu, with its progress and report in the corner', async () => {
    await objectRow('site/assets/').click({ button: 'right' });
    await page.locator('[data-action="change-headers"]').click();
    const dialog = page.getByTestId('change-headers-dialog');
    await dialog.getByLabel('Content-Language', { exact: true }).fill('en');
    await dialog.getByLabel('Remove Cache-Control').check();
    await shot('publish-change-headers');
    await dialog.locator('[data-action="change-headers"]').click();
    await dialog.waitFor({ state: 'detached' });
    const job = page.getByTestId('header-change-job');
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await job.textContent()).toContain('Content-Language and Cache-Control on 4 objects in site/assets/');
    expect(await job.textContent()).toContain('Done: 4 changed.');
    await shot('publish-change-headers-done');
    const { headers } = await app.store.headObject(app.bucket, 'site/assets/style.css');
    expect(headers).toMatchObject({ contentLanguage: 'en', contentType: 'text/css; charset=utf-8' });
    expect(headers.cacheControl).toBeUndefined();
  });
});
