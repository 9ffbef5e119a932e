// The app as a user drives it: the real renderer in Debian's Chromium, against the browser-hosted
// mode (the same services as Electron's main process), the real S3 server and a real keychain.
// Screenshots of the main screens go to test/artifacts/screens/.

import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FerryService } from '../../electron/services/ferryService.js';
import { KeytarSecretStore } from '../../electron/services/secretStore.js';
import { startHost, type RunningHost } from '../../electron/host/server.js';
import type { S3Store } from '../../electron/engine/s3/store.js';
import { removeDir, tempDir, treeHashes, writeRandomFile } from '../support/files.js';
import { ensureManyObjects, manyBucketName, manyKey, MANY_PREFIX } from '../support/manyObjects.js';
import { createTestBucket, removeTestBucket, testAccount, testStore } from '../support/s3.js';
import { describeNeeding, hasSecretService, SECRET_SERVICE } from '../support/requirements.js';

const root = path.resolve(import.meta.dirname, '../..');
const rendererDir = path.join(root, 'dist', 'renderer');
const screens = path.join(root, 'test', 'artifacts', 'screens');
const CHROMIUM = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';
const MANY = Number(process.env.FERRY_E2E_OBJECTS ?? 100_000);

let dir: string;
let downloads: string;
let service: FerryService;
let host: RunningHost;
let store: S3Store;
let bucket: string;
let browser: Browser;
let page: Page;
const manyBucket = manyBucketName(MANY);

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(screens, `${name}.png`) });
}

const needs = {
  [SECRET_SERVICE]: hasSecretService,
  [`Chromium at ${CHROMIUM} (FERRY_CHROMIUM; scripts/install-system-deps.sh installs it)`]: existsSync(CHROMIUM),
};

describeNeeding(needs)('Ferry in a browser', () => {
  beforeAll(async () => {
    if (!existsSync(path.join(rendererDir, 'index.html'))) throw new Error('Build the renderer first: npm run build:renderer');
    await mkdir(screens, { recursive: true });
    dir = await tempDir('e2e');
    downloads = path.join(dir, 'downloads');
    store = testStore();
    bucket = await createTestBucket(store, 'e2e');
    // A folder to download: odd names, a nested folder, a file of several parts.
    const photos = path.join(dir, 'photos');
    await mkdir(path.join(photos, '2024 trip'), { recursive: true });
    await writeRandomFile(path.join(photos, 'a b+c%#.jpg'), 70_000);
    await writeRandomFile(path.join(photos, 'ünïcødé.png'), 1_000);
    await writeRandomFile(path.join(photos, '2024 trip', 'big.raw'), 20 * 1024 * 1024);
    await writeRandomFile(path.join(dir, 'notes.txt'), 500);
    service = new FerryService({
      version: 'e2e',
      mode: 'browser',
      configDir: path.join(dir, 'config'),
      stateDir: path.join(dir, 'state'),
      downloadFolder: downloads,
      secrets: new KeytarSecretStore(),
      env: {},
    });
    const { TransferEngine } = await import('../../electron/engine/engine.js');
    const account = testAccount();
    const engine = new TransferEngine({ endpoint: account.endpoint, credentials: account.credentials });
    try {
      const up = await engine.runUploads(await engine.planUploads([photos, path.join(dir, 'notes.txt')], bucket, ''));
      expect(up.failures).toEqual([]);
    } finally {
      engine.close();
    }
    await ensureManyObjects(store, manyBucket, MANY);
    host = await startHost({ service, rendererDir, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(host.url);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await service?.close();
    if (bucket) await removeTestBucket(store, bucket);
    store?.destroy();
    if (dir) await removeDir(dir);
  });

  it('adds an account: a wrong secret is named, the right one connects and goes to the keychain only', async () => {
    const account = testAccount();
    await page.getByRole('button', { name: 'Add account' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Local Swift');
    await dialog.getByLabel('Kind').selectOption('s3-compatible');
    await dialog.getByLabel('Endpoint URL').fill(account.endpoint.endpoint ?? '');
    await dialog.getByLabel('Region').fill(account.endpoint.region);
    await dialog.getByLabel('Path-style').setChecked(account.endpoint.forcePathStyle);
    await dialog.getByLabel('Access key ID').fill(account.credentials.accessKeyId);
    await dialog.getByLabel('Secret access key').fill('not-the-secret');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const result = dialog.getByTestId('connection-result');
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toMatch(/secret access key is wrong/);
    await shot('account-wrong-secret');

    await dialog.getByLabel('Secret access key').fill(account.credentials.secretAccessKey);
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => result.textContent(), { timeout: 20_000 }).toMatch(/Connected/);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('account-item').filter({ hasText: 'Local Swift' }).waitFor();

    const saved = (await service.accounts.list()).find((a) => a.name === 'Local Swift');
    expect(saved?.source).toBe('keychain');
    expect(await readFile(path.join(dir, 'config', 'accounts.json'), 'utf8')).not.toContain(account.credentials.secretAccessKey);
    expect(await new KeytarSecretStore().get(saved?.id ?? '')).toBe(account.credentials.secretAccessKey);
  });

  it('browses buckets, then into a folder', async () => {
    await page.getByTestId('account-item').filter({ hasText: 'Local Swift' }).click();
    await page.locator(`[data-testid="bucket-row"][data-bucket="${bucket}"]`).dblclick();
    await page.locator('[data-testid="object-row"][data-key="photos/"]').waitFor();
    await expect.poll(() => page.getByTestId('listing-status').textContent()).toMatch(/\b2 items/);
    await page.locator('[data-testid="object-row"][data-key="photos/"]').dblclick();
    await page.locator('[data-testid="object-row"][data-key="photos/a b+c%#.jpg"]').waitFor();
    expect(await page.getByTestId('breadcrumbs').textContent()).toContain('photos');
    await shot('browser-folder');
    await page.getByRole('button', { name: 'Back' }).click();
    await page.locator('[data-testid="object-row"][data-key="notes.txt"]').waitFor();
  });

  it('selects with the keyboard, filters by typing, and offers the actions in a context menu', async () => {
    await page.locator('[data-testid="object-row"][data-key="photos/"]').dblclick();
    await page.locator('[data-testid="object-row"][data-key="photos/a b+c%#.jpg"]').click();
    await page.keyboard.press('ControlOrMeta+a');
    await expect.poll(() => page.locator('[data-testid="object-row"][aria-selected="true"]').count()).toBe(3);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator('[data-testid="object-row"][aria-selected="true"]').count()).toBe(1);
    await page.locator('[data-testid="object-row"][data-key="photos/ünïcødé.png"]').click({ button: 'right' });
    const menu = page.getByRole('menu');
    for (const item of ['Download', 'Delete', 'Info']) expect(await menu.getByRole('menuitem', { name: new RegExp(item) }).count(), item).toBeGreaterThan(0);
    await shot('context-menu');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    await page.getByLabel('Filter').fill('JPG');
    await expect.poll(() => page.getByTestId('object-row').count()).toBe(1);
    await page.getByLabel('Filter').fill('');
    await page.getByRole('button', { name: 'Back' }).click();
    await page.locator('[data-testid="object-row"][data-key="notes.txt"]').waitFor();
  });

  it('downloads a folder into the chosen folder, byte for byte', async () => {
    await page.locator('[data-testid="object-row"][data-key="photos/"]').click();
    await page.getByRole('button', { name: 'Download' }).click();
    // The queue panel shows the selection as a group row (the newest is last) with a row per file.
    const batch = page.locator('[data-testid="queue-group"][data-kind="download"]').last();
    await expect.poll(() => batch.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    expect(await batch.textContent()).toContain('3 of 3 files');
    await shot('downloads-done');
    expect(await treeHashes(path.join(downloads, 'photos'))).toEqual(await treeHashes(path.join(dir, 'photos')));
  });

  it('makes a folder, shows an object\'s headers, and shares a link that works', async () => {
    await page.getByRole('button', { name: 'New folder' }).click();
    const prompt = page.getByRole('dialog');
    await prompt.getByLabel('Folder name').fill('new stuff');
    await prompt.getByRole('button', { name: 'Create' }).click();
    await page.locator('[data-testid="object-row"][data-key="new stuff/"]').waitFor();
    expect((await store.headObject(bucket, 'new stuff/')).size).toBe(0);

    // Headers published on the server show in the info panel.
    const body = new TextEncoder().encode('shared text');
    const { md5 } = await import('../../electron/engine/checksum.js');
    await store.putObject({ bucket, key: 'shared.txt', body, md5: md5(body).toString('base64'), headers: { contentType: 'text/plain', cacheControl: 'public, max-age=600', metadata: { owner: 'e2e' } } });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('[data-testid="object-row"][data-key="shared.txt"]').click();
    await page.getByRole('button', { name: 'Info' }).click();
    const info = page.getByTestId('info-panel');
    await expect.poll(() => info.textContent(), { timeout: 20_000 }).toContain('public, max-age=600');
    expect(await info.textContent()).toContain('text/plain');
    expect(await info.textContent()).toContain('owner');
    await shot('info-panel');

    await page.getByRole('button', { name: 'Share link' }).click();
    const share = page.getByRole('dialog');
    const link = share.getByLabel('Link');
    await expect.poll(() => link.inputValue(), { timeout: 20_000 }).toMatch(/^http/);
    await shot('share-link');
    const response = await fetch(await link.inputValue());
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('shared text');
    await page.keyboard.press('Escape');
    await share.waitFor({ state: 'detached' });
  });

  it('deletes after confirmation', async () => {
    await page.locator('[data-testid="object-row"][data-key="notes.txt"]').click();
    await page.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog');
    await shot('delete-confirm');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.locator('[data-testid="object-row"][data-key="notes.txt"]').waitFor({ state: 'detached' });
    await expect(store.headObject(bucket, 'notes.txt')).rejects.toMatchObject({ code: 'NoSuchKey' });
  });

  it('sets an account to upload through a relay: the address goes to the keychain, the page sees only its host', async () => {
    const token = 'relay-token-never-in-the-page';
    await page.getByTestId('account-item').filter({ hasText: 'Local Swift' }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Edit…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Upload through relay').fill('ftp://relay.example.test/');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.getByRole('alert').first().textContent()).toMatch(/http:\/\/ or https:\/\//);
    await dialog.getByLabel('Upload through relay').fill(`https://relay.example.test:7413/?token=${token}&pin=${'ab'.repeat(32)}`);
    await shot('account-relay');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const saved = (await service.accounts.list()).find((a) => a.name === 'Local Swift');
    expect(saved?.relayHost).toBe('relay.example.test:7413');
    expect(await readFile(path.join(dir, 'config', 'accounts.json'), 'utf8')).not.toContain(token);
    expect(await page.content()).not.toContain(token);

    // Edited again: the saved relay shown by its host, and "Upload directly" removes it.
    await page.getByTestId('account-item').filter({ hasText: 'Local Swift' }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Edit…' }).click();
    expect(await dialog.getByLabel('Upload through relay').getAttribute('placeholder')).toBe('Through relay.example.test:7413; leave empty to keep it');
    await shot('account-relay-saved');
    await dialog.getByLabel('Upload directly').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await service.accounts.list()).find((a) => a.name === 'Local Swift')?.relayHost).toBeUndefined();
  });

  it(`lists ${MANY.toLocaleString('en-US')} objects in one folder, first rows early, and scrolls to the last`, async () => {
    // Back to the account's buckets, then the big bucket.
    await page.getByTestId('account-item').filter({ hasText: 'Local Swift' }).click();
    await page.locator(`[data-testid="bucket-row"][data-bucket="${manyBucket}"]`).dblclick();
    await page.locator(`[data-testid="object-row"][data-key="${MANY_PREFIX}"]`).dblclick();
    const started = Date.now();
    await page.locator(`[data-testid="object-row"][data-key="${manyKey(0)}"]`).waitFor({ timeout: 60_000 });
    const firstRowMs = Date.now() - started;
    const statusAtFirstRow = await page.getByTestId('listing-status').textContent();
    await expect.poll(() => page.getByTestId('listing-status').textContent(), { timeout: 240_000 }).toContain(`${MANY.toLocaleString('en-US')} items`);
    const allMs = Date.now() - started;
    process.stdout.write(`e2e: first row after ${firstRowMs} ms, all ${MANY} after ${allMs} ms\n`);
    // The first rows showed while later pages were still coming.
    if (MANY > 5_000) expect(statusAtFirstRow).toMatch(/Listing/);
    // Virtualized: only a screenful of rows is in the page.
    expect(await page.getByTestId('object-row').count()).toBeLessThan(200);
    // Runs in the page; tests are type-checked without the DOM library, so the two members used are named here.
    await page.getByTestId('object-list').evaluate((el: { scrollHeight: number; scrollTo(options: { top: number }): void }) => el.scrollTo({ top: el.scrollHeight }));
    await page.locator(`[data-testid="object-row"][data-key="${manyKey(MANY - 1)}"]`).waitFor({ timeout: 10_000 });
    await shot('listing-100k-end');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('listing-100k-end-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
