// Uploads from the app as a person makes them: files and folders dropped on the object list of the
// real renderer in Chromium (a real drag of real paths, through the DevTools protocol, so folders
// come through webkitGetAsEntry as from a desktop), their bytes streamed to the browser-hosted
// mode's host and uploaded to the real S3 server; the queue's pause, resume, cancel, conflicts and
// segment map; and a command-line upload killed mid-way that the app shows and resumes.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../electron/host/server.js';
import { Journal } from '../../electron/engine/journal.js';
import type { S3Store } from '../../electron/engine/s3/store.js';
import { cliEnv, killWhen } from '../support/cli.js';
import { sha256File, writeRandomFile } from '../support/files.js';
import { describeNeeding } from '../support/requirements.js';
import { closeTestBed, incompleteUploads, openTestBed, remoteSha256 } from '../support/s3.js';
import { MemorySecrets, addTestAccount, openService, type ServiceBed } from '../support/service.js';

const root = path.resolve(import.meta.dirname, '../..');
const rendererDir = path.join(root, 'dist', 'renderer');
const screens = path.join(root, 'test', 'artifacts', 'screens');
const CHROMIUM = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';
const MiB = 1024 * 1024;

let store: S3Store;
let bucket: string;
let dir: string;
let bed: ServiceBed;
let host: RunningHost;
let browser: Browser;
let page: Page;
const secrets = new MemorySecrets();

const needs = { [`Chromium at ${CHROMIUM} (FERRY_CHROMIUM; scripts/install-system-deps.sh installs it)`]: existsSync(CHROMIUM) };

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(screens, `${name}.png`) });
}

/** Opens the app at the bucket's top level. */
async function openBucket(): Promise<void> {
  await page.goto(host.url);
  await page.getByTestId('account-item').first().click();
  await page.locator(`[data-testid="bucket-row"][data-bucket="${bucket}"]`).dblclick();
  await page.getByTestId('object-list').waitFor();
}

/** Drags local files and folders from "the desktop" onto `target`, as a person does (paths, not bytes, cross the boundary). */
async function dropPaths(target: Locator, paths: string[]): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error('drop target not visible');
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  // A folder row takes a drop into that folder: the list's own drop lands below its rows.
  const onList = (await target.getAttribute('data-testid')) === 'object-list';
  const at = { x: box.x + box.width / 2, y: onList ? box.y + box.height - 8 : box.y + box.height / 2 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
  await cdp.detach();
}

/** Clears finished rows, as a person tidies the queue: the list is virtualized, so only rows in view are on the page. */
async function clearFinished(): Promise<void> {
  const button = page.locator('[data-action="clear-finished"]');
  if (await button.isEnabled()) await button.click();
  await expect.poll(() => button.isEnabled()).toBe(false);
}

const row = (key: string) => page.locator(`[data-testid="queue-row"][data-key="${key}"]`);

async function rowState(key: string): Promise<string | null> {
  return (await row(key).count()) > 0 ? row(key).first().getAttribute('data-state') : null;
}

const remoteHash = (key: string) => remoteSha256(bucket, key, dir);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function parts(key: string): Promise<number> {
  const [record] = (await new Journal(path.join(dir, 'state')).list()).filter((r) => r.kind === 'upload' && r.key === key);
  if (record?.kind !== 'upload' || !record.uploadId) return 0;
  return (await store.listParts({ bucket, key, uploadId: record.uploadId })).length;
}

describeNeeding(needs)('uploads and the queue in a browser', () => {
  beforeAll(async () => {
    if (!existsSync(path.join(rendererDir, 'index.html'))) throw new Error('Build the renderer first: npm run build:renderer');
    await mkdir(screens, { recursive: true });
    ({ store, bucket, dir } = await openTestBed('e2e-queue'));
    bed = openService(dir, secrets);
    await addTestAccount(bed);
    host = await startHost({ service: bed.service, rendererDir, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await openBucket();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await bed?.service.close();
    if (store) await closeTestBed({ store, bucket, dir });
  });

  it('drops two files and a folder with an empty subfolder: they land byte for byte', async () => {
    const drop = path.join(dir, 'drop');
    await mkdir(path.join(drop, 'album', '2024 trip'), { recursive: true });
    await mkdir(path.join(drop, 'album', 'empty'), { recursive: true });
    await writeRandomFile(path.join(drop, 'a b+c.bin'), 300_000);
    await writeFile(path.join(drop, 'ünïcødé.txt'), 'hello');
    await writeRandomFile(path.join(drop, 'album', '2024 trip', 'photo.jpg'), 2 * MiB + 3);
    await dropPaths(page.getByTestId('object-list'), [path.join(drop, 'a b+c.bin'), path.join(drop, 'ünïcødé.txt'), path.join(drop, 'album')]);
    for (const key of ['a b+c.bin', 'ünïcødé.txt', 'album/2024 trip/photo.jpg']) await expect.poll(() => rowState(key), { timeout: 60_000 }).toBe('done');
    expect(await remoteHash('a b+c.bin')).toBe(await sha256File(path.join(drop, 'a b+c.bin')));
    expect(await remoteHash('ünïcødé.txt')).toBe(await sha256File(path.join(drop, 'ünïcødé.txt')));
    expect(await remoteHash('album/2024 trip/photo.jpg')).toBe(await sha256File(path.join(drop, 'album', '2024 trip', 'photo.jpg')));
    expect((await store.headObject(bucket, 'album/empty/')).size).toBe(0);
    expect((await store.headObject(bucket, 'album/2024 trip/photo.jpg')).headers.contentType).toBe('image/jpeg');
    // The listing shows what landed.
    await page.locator('[data-testid="object-row"][data-key="album/"]').waitFor();
    await page.locator('[data-testid="object-row"][data-key="a b+c.bin"]').waitFor();
  });

  it('drops onto a folder row into that folder', async () => {
    const file = path.join(dir, 'drop', 'into-folder.txt');
    await writeFile(file, 'in the folder');
    await dropPaths(page.locator('[data-testid="object-row"][data-key="album/"]'), [file]);
    await expect.poll(() => rowState('album/into-folder.txt'), { timeout: 60_000 }).toBe('done');
    expect(await remoteHash('album/into-folder.txt')).toBe(await sha256File(file));
  });

  it('uploads a folder chosen with Upload… › Folder…', async () => {
    await clearFinished();
    const chosen = path.join(dir, 'chosen');
    await mkdir(path.join(chosen, 'sub'), { recursive: true });
    await writeFile(path.join(chosen, 'a.txt'), 'chosen a');
    await writeRandomFile(path.join(chosen, 'sub', 'b.bin'), 123_456);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload…' }).click();
    await page.getByRole('menuitem', { name: /Folder/ }).click();
    await (await chooser).setFiles(chosen);
    await expect.poll(() => rowState('chosen/sub/b.bin'), { timeout: 60_000 }).toBe('done');
    await expect.poll(() => rowState('chosen/a.txt'), { timeout: 60_000 }).toBe('done');
    expect(await remoteHash('chosen/sub/b.bin')).toBe(await sha256File(path.join(chosen, 'sub', 'b.bin')));
    expect(await remoteHash('chosen/a.txt')).toBe(sha256('chosen a'));
  });

  it('shows several parts active at once, pauses a 200 MiB upload with no new part, resumes it identical', async () => {
    const file = path.join(dir, 'film.bin');
    await writeRandomFile(file, 200 * MiB);
    await bed.call('settings.set', { partsInFlight: 4, bandwidthLimit: 40 * MiB });
    await clearFinished();
    await dropPaths(page.getByTestId('object-list'), [file]);
    await expect.poll(() => rowState('film.bin'), { timeout: 60_000 }).toBe('active');
    await row('film.bin').locator('[data-action="expand"]').click();
    const activeCells = page.locator('[data-testid="segment"][data-state="active"]');
    await expect.poll(() => activeCells.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator('[data-testid="segment"][data-state="done"]').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    await shot('queue-segment-map');
    await row('film.bin').locator('[data-action="pause"]').click();
    await expect.poll(() => rowState('film.bin'), { timeout: 30_000 }).toBe('paused');
    const atPause = await parts('film.bin');
    expect(atPause).toBeGreaterThan(0);
    expect(atPause).toBeLessThan(25);
    // While paused, no part is sent: the server's part count stays put for two seconds.
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      expect(await parts('film.bin')).toBe(atPause);
    }
    await shot('queue-paused');
    await bed.call('settings.set', { bandwidthLimit: 0, partsInFlight: 16 });
    await row('film.bin').locator('[data-action="resume"]').click();
    await expect.poll(() => rowState('film.bin'), { timeout: 120_000 }).toBe('done');
    expect(await remoteHash('film.bin')).toBe(await sha256File(file));
    expect(await incompleteUploads(store, bucket)).toEqual([]);
  });

  it('cancels an upload: no incomplete multipart upload is left', async () => {
    const file = path.join(dir, 'cancel-me.bin');
    await writeRandomFile(file, 60 * MiB);
    await bed.call('settings.set', { partsInFlight: 2, bandwidthLimit: 10 * MiB });
    try {
      await clearFinished();
      await dropPaths(page.getByTestId('object-list'), [file]);
      await expect.poll(async () => (await rowState('cancel-me.bin')) === 'active' && (await parts('cancel-me.bin')) > 0, { timeout: 60_000 }).toBe(true);
      expect(await incompleteUploads(store, bucket)).toEqual(['cancel-me.bin']);
      await row('cancel-me.bin').locator('[data-action="cancel"]').click();
      await expect.poll(() => rowState('cancel-me.bin'), { timeout: 30_000 }).toBe('cancelled');
      expect(await incompleteUploads(store, bucket)).toEqual([]);
    } finally {
      await bed.call('settings.set', { bandwidthLimit: 0, partsInFlight: 16 });
    }
  });

  it('asks when a key exists; each answer does what it says, and "apply to all" answers the rest', async () => {
    const drop = path.join(dir, 'again');
    await mkdir(drop, { recursive: true });
    const dialog = page.getByTestId('conflict-dialog');
    await clearFinished();
    const again = async (name: string, content: string, action: string, applyToAll = false) => {
      await clearFinished();
      await writeFile(path.join(drop, name), content);
      await dropPaths(page.getByTestId('object-list'), [path.join(drop, name)]);
      await dialog.waitFor({ timeout: 30_000 });
      expect(await dialog.textContent()).toContain(name);
      if (applyToAll) await dialog.getByTestId('apply-to-all').check();
      await dialog.locator(`[data-action="${action}"]`).click();
      await dialog.waitFor({ state: 'hidden' });
    };
    await writeFile(path.join(drop, 'x.txt'), 'one');
    await dropPaths(page.getByTestId('object-list'), [path.join(drop, 'x.txt')]);
    await expect.poll(() => rowState('x.txt'), { timeout: 30_000 }).toBe('done');

    await writeFile(path.join(drop, 'x.txt'), 'two');
    await dropPaths(page.getByTestId('object-list'), [path.join(drop, 'x.txt')]);
    await dialog.waitFor({ timeout: 30_000 });
    await shot('queue-conflict');
    await dialog.locator('[data-action="skip"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await store.headObject(bucket, 'x.txt')).size).toBe(3);
    expect(await remoteHash('x.txt')).toBe(sha256('one'));

    await again('x.txt', 'three', 'rename');
    await expect.poll(() => rowState('x (1).txt'), { timeout: 30_000 }).toBe('done');
    await again('x.txt', 'four', 'overwrite');
    await expect.poll(async () => (await store.headObject(bucket, 'x.txt')).size, { timeout: 30_000 }).toBe(4);
    await again('x.txt', 'four', 'different');
    await expect.poll(() => page.getByTestId('queue-note').filter({ hasText: /same size and checksum/ }).count(), { timeout: 30_000 }).toBeGreaterThan(0);

    // Two names that exist, one answer for both.
    await clearFinished();
    await writeFile(path.join(drop, 'y.txt'), 'y');
    await writeFile(path.join(drop, 'z.txt'), 'z');
    await dropPaths(page.getByTestId('object-list'), [path.join(drop, 'y.txt'), path.join(drop, 'z.txt')]);
    await expect.poll(async () => (await rowState('y.txt')) === 'done' && (await rowState('z.txt')) === 'done', { timeout: 30_000 }).toBe(true);
    await writeFile(path.join(drop, 'y.txt'), 'Y2');
    await writeFile(path.join(drop, 'z.txt'), 'Z2');
    await dropPaths(page.getByTestId('object-list'), [path.join(drop, 'y.txt'), path.join(drop, 'z.txt')]);
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.getByTestId('apply-to-all').check();
    await dialog.locator('[data-action="overwrite"]').click();
    await expect.poll(async () => [(await store.headObject(bucket, 'y.txt')).size, (await store.headObject(bucket, 'z.txt')).size], { timeout: 30_000 }).toEqual([2, 2]);
    expect(await dialog.isVisible()).toBe(false);
  });

  it('shows an upload the command line left when it was killed, as paused, and resumes it', async () => {
    await host.close();
    await bed.service.close();
    const file = path.join(dir, 'from-cli.bin');
    await writeRandomFile(file, 40 * MiB);
    const env = cliEnv(path.join(dir, 'home'), { FERRY_STATE_DIR: path.join(dir, 'state') });
    await killWhen(['upload', file, `s3://${bucket}/cli/`, '--bwlimit', '8MiB', '--part-size', '5MiB', '--parts', '2', '--fixed', '-q'], env, async () => (await parts('cli/from-cli.bin')) >= 2);
    expect(await incompleteUploads(store, bucket)).toEqual(['cli/from-cli.bin']);

    bed = openService(dir, secrets);
    host = await startHost({ service: bed.service, rendererDir, port: 0 });
    await openBucket();
    await expect.poll(() => rowState('cli/from-cli.bin'), { timeout: 30_000 }).toBe('paused');
    await shot('queue-interrupted');
    await row('cli/from-cli.bin').locator('[data-action="resume"]').click();
    await expect.poll(() => rowState('cli/from-cli.bin'), { timeout: 60_000 }).toBe('done');
    expect(await remoteHash('cli/from-cli.bin')).toBe(await sha256File(file));
    expect(await incompleteUploads(store, bucket)).toEqual([]);
  });
});
