// Synchronize… as a person uses it, in the real renderer in Chromium against the browser-hosted
// mode and the real S3 server: a folder of the host's download folder and a prefix compared (the
// plan's table, its changes first and the unchanged a filter away, the deletion spelled out), the
// sync queued and its report in the queue; the other way into a new folder; and refusals shown in
// the dialog.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BatchEvent } from '../../shared/api.js';
import { treeHashes } from '../support/files.js';
import { browserNeeds, closeBrowserApp, openBrowserApp, screenshot, type BrowserApp } from '../support/browserApp.js';
import { describeNeeding } from '../support/requirements.js';

// Enough unchanged files that they would drown the changes if the table showed them first.
const UNCHANGED = 300;

let app: BrowserApp;
let page: Page;
let site: string;

const shot = (name: string) => screenshot(page, name);
const objectRow = (key: string) => page.locator(`[data-testid="object-row"][data-key="${key}"]`);
const planRow = (dialog: Locator, relative: string) => dialog.locator(`[data-testid="sync-row"][data-path="${relative}"]`);

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of app.store.listAll(app.bucket, prefix)) out.push(entry.key);
  return out.sort();
}

/** Opens Synchronize… on a folder of the listing, from its context menu. */
async function synchronizeFolder(key: string): Promise<Locator> {
  await objectRow(key).click({ button: 'right' });
  await page.locator('[data-action="sync-folder"]').click();
  const dialog = page.getByTestId('sync-dialog');
  await dialog.waitFor();
  return dialog;
}

describeNeeding(browserNeeds)('Synchronize… in a browser', () => {
  beforeAll(async () => {
    app = await openBrowserApp('e2e-sync');
    page = app.page;
  });

  afterAll(() => closeBrowserApp(app));

  it('compares a folder and a prefix, shows the plan, and runs it through the queue', async () => {
    // A site in the host's download folder, already sent once (through the service, as the app would).
    site = path.join(app.dir, 'downloads', 'site');
    await mkdir(path.join(site, 'assets'), { recursive: true });
    await writeFile(path.join(site, 'index.html'), '<h1>Ferry</h1>');
    await writeFile(path.join(site, 'old.html'), '<p>old</p>');
    for (let i = 0; i < UNCHANGED; i++) await writeFile(path.join(site, 'assets', `part-${String(i).padStart(3, '0')}.css`), `.p${i}{}`);
    const plan = await app.bed.call('sync.plan', { accountId: app.accountId, bucket: app.bucket, planId: 'setup', prefix: 'site/', folder: 'site', direction: 'up', compare: 'time', delete: false, exclude: [] });
    const { batchId } = await app.bed.call('sync.start', { planId: plan.planId });
    await app.bed.until(() => app.bed.events.find((e): e is BatchEvent => e.type === 'batch' && e.batchId === batchId && e.status === 'done'));
    // Its group goes, as a person tidies the queue: the sync under test is the only one shown.
    const clear = page.locator('[data-action="clear-finished"]');
    await expect.poll(() => clear.isEnabled()).toBe(true);
    await clear.click();
    await expect.poll(() => page.locator('[data-testid="queue-group"]').count()).toBe(0);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await objectRow('site/').waitFor();

    await writeFile(path.join(site, 'index.html'), '<h1>Ferry, again</h1>');
    await writeFile(path.join(site, 'new.txt'), 'new');
    await writeFile(path.join(site, 'draft.tmp'), 'scratch');
    await rm(path.join(site, 'old.html'));

    const dialog = await synchronizeFolder('site/');
    expect(await dialog.getByRole('heading').textContent()).toBe(`Synchronize s3://${app.bucket}/site/`);
    // The folder is named like the prefix, in the host's download folder, as Download would name it.
    expect(await dialog.getByLabel('Local folder').inputValue()).toBe('site');
    await dialog.getByLabel('Delete what is not on the source').check();
    expect(await dialog.getByTestId('sync-delete-warning').textContent()).toContain(`Objects below s3://${app.bucket}/site/ that are not in the folder are deleted.`);
    await dialog.getByLabel('Exclude').fill('*.tmp');
    await shot('sync-options');
    await dialog.locator('[data-action="sync-compare"]').click();

    const table = dialog.getByTestId('sync-plan');
    await table.waitFor({ timeout: 60_000 });
    expect(await dialog.getByTestId('sync-summary').textContent()).toMatch(/^Would create 1, update 1 and delete 1; 300 unchanged \(\d+ B to send\)\. Compared in/);
    expect(await dialog.getByTestId('sync-deletions').textContent()).toContain(`Deletes 1 object (10 B) below s3://${app.bucket}/site/: it is not in ${site}.`);
    expect(await dialog.textContent()).toContain('1 item left out by Exclude.');
    // The changes, and only they, until the unchanged are asked for.
    await expect.poll(() => table.getByTestId('sync-row').count()).toBe(3);
    expect(await planRow(dialog, 'index.html').textContent()).toMatch(/^uploadindex\.htmlsize differs \(21 bytes here, 14 there\)21 B$/);
    expect(await planRow(dialog, 'new.txt').textContent()).toBe('uploadnew.txtnew3 B');
    expect(await planRow(dialog, 'old.html').textContent()).toBe('deleteold.htmlnot in the folder10 B');
    expect(await dialog.locator('[data-filter="unchanged"]').textContent()).toBe('Unchanged (300)');
    await shot('sync-plan');
    await dialog.locator('[data-filter="unchanged"]').click();
    expect(await planRow(dialog, 'assets/part-000.css').textContent()).toContain('same size and time');
    expect(await planRow(dialog, 'index.html').count()).toBe(0);
    // A virtualized table: 300 rows, a screenful of them in the page.
    expect(await table.getByTestId('sync-row').count()).toBeLessThan(60);
    await dialog.locator('[data-filter="changes"]').click();

    await dialog.locator('[data-action="sync-start"]').click();
    await dialog.waitFor({ state: 'detached' });
    const group = page.locator('[data-testid="queue-group"]').last();
    await expect.poll(() => group.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    await expect.poll(() => group.getByTestId('group-problems').textContent(), { timeout: 30_000 }).toContain('Synced: 1 created, 1 updated, 1 deleted, 300 unchanged.');
    expect(await group.textContent()).toContain('Sync site/');
    expect(await group.textContent()).toContain('2 of 2 files · 300 unchanged · 1 deleted');
    // The listing shows the new object (refreshed when the batch ended).
    await objectRow('site/').dblclick();
    await objectRow('site/new.txt').waitFor();
    expect(await objectRow('site/old.html').count()).toBe(0);
    await shot('sync-done');
    const remote = await keys('site/');
    expect(remote.filter((k) => !k.startsWith('site/assets/'))).toEqual(['site/index.html', 'site/new.txt']);
    expect(remote).toHaveLength(2 + UNCHANGED);
  });

  it('mirrors the prefix into a new folder the other way, from the toolbar', async () => {
    await page.getByRole('button', { name: 'Synchronize…' }).click();
    const dialog = page.getByTestId('sync-dialog');
    await dialog.locator('input[name="sync-direction"][value="down"]').check();
    await dialog.getByLabel('Local folder').fill('site-copy');
    await dialog.locator('[data-action="sync-compare"]').click();
    await dialog.getByTestId('sync-plan').waitFor({ timeout: 60_000 });
    expect(await dialog.getByTestId('sync-summary').textContent()).toMatch(/^Would create 302, update 0 and delete 0; 0 unchanged/);
    await dialog.locator('[data-action="sync-start"]').click();
    await dialog.waitFor({ state: 'detached' });
    const group = page.locator('[data-testid="queue-group"][data-kind="download"]').last();
    await expect.poll(() => group.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    await expect.poll(() => group.getByTestId('group-problems').textContent(), { timeout: 30_000 }).toContain('Synced: 302 created, 0 updated, 0 deleted, 0 unchanged.');
    const copied = await treeHashes(path.join(app.dir, 'downloads', 'site-copy'));
    const source = await treeHashes(site);
    source.delete('draft.tmp');
    expect(copied).toEqual(source);
  });

  it('shows what the host refuses in the dialog: a folder outside the download folder, an empty source with deleting', async () => {
    await page.getByRole('button', { name: 'Synchronize…' }).click();
    const dialog = page.getByTestId('sync-dialog');
    await dialog.getByLabel('Local folder').fill('../elsewhere');
    await dialog.locator('[data-action="sync-compare"]').click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toBe(`${path.join(app.dir, 'elsewhere')} is outside ${path.join(app.dir, 'downloads')}, the folder Ferry writes in: name a folder inside it (the host’s --downloads).`);

    await mkdir(path.join(app.dir, 'downloads', 'blank'));
    await dialog.getByLabel('Local folder').fill('blank');
    await dialog.getByLabel('Delete what is not on the source').check();
    await dialog.locator('[data-action="sync-compare"]').click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toBe(
      `${path.join(app.dir, 'downloads', 'blank')} holds nothing, so --delete would remove all ${2 + UNCHANGED} files of the target. Nothing was changed; check the path.`,
    );
    await shot('sync-refused');
    expect(await keys('site/')).toHaveLength(2 + UNCHANGED);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });
});
