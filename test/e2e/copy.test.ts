// Copy to… and Move to… as a person does them, in the real renderer in Chromium against the
// browser-hosted mode and the real S3 server: a folder copied to a second account's bucket (the
// bytes through the host), then moved to another folder of its own bucket (on the server), each a
// row of the transfer queue.

import { Readable } from 'node:stream';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { S3Store } from '../../electron/engine/s3/store.js';
import { browserNeeds, closeBrowserApp, openBrowserApp, screenshot, type BrowserApp } from '../support/browserApp.js';
import { describeNeeding } from '../support/requirements.js';
import { closeOtherBucket, openOtherBucket, testEngine } from '../support/s3.js';
import { addTestAccount } from '../support/service.js';

let app: BrowserApp;
let page: Page;
let otherStore: S3Store;
let otherBucket: string;

const shot = (name: string) => screenshot(page, name);
const objectRow = (key: string) => page.locator(`[data-testid="object-row"][data-key="${key}"]`);
/** A copy's row in the queue, by its target prefix. */
const copyRow = (target: string) => page.locator(`[data-testid="queue-row"][data-kind="copy"][data-key="${target}"]`);
const KEYS = ['site/index.html', 'site/assets/app.js', 'site/assets/style.css', 'site/assets/img/logo.svg'];

async function keysOf(store: S3Store, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of store.listAll(bucket, '')) keys.push(entry.key);
  return keys.sort();
}

describeNeeding(browserNeeds)('copy and move in the app', () => {
  beforeAll(async () => {
    app = await openBrowserApp('e2e-copy');
    page = app.page;
    ({ store: otherStore, bucket: otherBucket } = await openOtherBucket('e2e-copy-other'));
    await addTestAccount(app.bed, 'other', 'Backup');
    const engine = testEngine();
    try {
      for (const key of KEYS) await engine.uploadStream({ input: Readable.from([Buffer.from(`<!-- ${key} -->`)]), name: key, bucket: app.bucket, key, headers: { cacheControl: 'max-age=60' } });
    } finally {
      engine.close();
    }
    // The page learns of the second account and the new objects.
    await page.reload();
    await page.getByTestId('account-item').filter({ hasText: 'test' }).click();
    await page.locator(`[data-testid="bucket-row"][data-bucket="${app.bucket}"]`).dblclick();
    await objectRow('site/').waitFor();
  });

  afterAll(async () => {
    await closeBrowserApp(app);
    await closeOtherBucket({ store: otherStore, bucket: otherBucket });
  });

  it('copies a folder to another account’s bucket, as a row of the queue', async () => {
    await objectRow('site/').click({ button: 'right' });
    await page.locator('[data-action="copy-to"]').click();
    const dialog = page.getByTestId('copy-dialog');
    await dialog.getByLabel('Account').selectOption({ label: 'Backup' });
    await expect.poll(() => dialog.getByLabel('Bucket').locator('option').allTextContents()).toContain(otherBucket);
    await dialog.getByLabel('Bucket').selectOption(otherBucket);
    await dialog.getByLabel('Folder').fill('mirror');
    await shot('copy-dialog');
    await dialog.locator('[data-action="start-copy"]').click();
    await dialog.waitFor({ state: 'detached' });
    const row = copyRow('mirror/');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await row.locator('.queue-title').textContent()).toBe(`site/ → Backup: ${otherBucket}/mirror/`);
    expect(await row.locator('.queue-notes').textContent()).toBe('4 of 4 objects');
    expect(await page.locator('[data-testid="queue-group"]').filter({ hasText: `Copy site/ to Backup: ${otherBucket}/mirror/` }).count()).toBe(1);
    await shot('copy-done');
    expect(await keysOf(otherStore, otherBucket)).toEqual(KEYS.map((k) => k.replace(/^site\//, 'mirror/site/')).sort());
    expect((await otherStore.headObject(otherBucket, 'mirror/site/assets/app.js')).headers.cacheControl).toBe('max-age=60');
  });

  it('opens Copy to… with the account chosen when rows are dragged onto it', async () => {
    // The page's own drag events, with one DataTransfer carried from the row to the account (Playwright's
    // mouse-driven drag starts none in headless Chromium here).
    const dataTransfer = await page.evaluateHandle('new DataTransfer()');
    const account = page.getByTestId('account-drop').filter({ hasText: 'Backup' });
    await objectRow('site/').dispatchEvent('dragstart', { dataTransfer });
    await account.dispatchEvent('dragenter', { dataTransfer });
    await account.dispatchEvent('dragover', { dataTransfer });
    await account.dispatchEvent('drop', { dataTransfer });
    const dialog = page.getByTestId('copy-dialog');
    await dialog.waitFor();
    expect(await dialog.getByLabel('Account').locator('option:checked').textContent()).toBe('Backup');
    await expect.poll(() => dialog.getByLabel('Bucket').inputValue()).toBe(otherBucket);
    await shot('copy-dropped-on-account');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('moves the folder within its bucket on the server, and the listing shows it gone', async () => {
    await objectRow('site/').click({ button: 'right' });
    await page.locator('[data-action="move-to"]').click();
    const dialog = page.getByTestId('copy-dialog');
    // Where it is now: refused in place until another folder is named.
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/would land where the items are/);
    await dialog.getByLabel('Folder').fill('archive/2026');
    await dialog.locator('[data-action="start-move"]').click();
    const row = copyRow('archive/2026/');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await row.locator('.queue-notes').textContent()).toBe('4 of 4 objects · 4 removed from where they were');
    expect(await row.locator('.direction').getAttribute('title')).toBe('Move');
    await objectRow('archive/').waitFor();
    await expect.poll(() => objectRow('site/').count()).toBe(0);
    await shot('move-done');
    expect(await keysOf(app.store, app.bucket)).toEqual(KEYS.map((k) => `archive/2026/${k}`).sort());
  });
});
