// Browsing while a bucket's endpoint is down, in the real renderer in Chromium against the
// browser-hosted mode and the real S3 server: an account reaches its bucket through a relay that is
// then closed (its endpoint refuses connections). With the bucket's replica set (a prefix of the
// second account's bucket), the folder lists from the replica and a banner says so; with the
// replica down too, the folder shows as last listed, marked stale with its age.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { S3Store } from '../../electron/engine/s3/store.js';
import { browserNeeds, closeBrowserApp, openBrowserApp, screenshot, type BrowserApp } from '../support/browserApp.js';
import { describeNeeding } from '../support/requirements.js';
import { closeOtherBucket, openOtherBucket, testAccount } from '../support/s3.js';
import { addTestAccount } from '../support/service.js';
import { startTcpRelay, type TcpRelay } from '../support/tcpRelay.js';

let app: BrowserApp;
let page: Page;
let otherStore: S3Store;
let otherBucket: string;
let relay: TcpRelay;
let primaryId: string;
let backupId: string;
let deadId: string;

const FILES: Record<string, string> = { 'docs/a.txt': 'alpha', 'docs/report ü+.pdf': 'a report', 'docs/sub/b.txt': 'beta' };
const objectRow = (key: string) => page.locator(`[data-testid="object-row"][data-key="${key}"]`);
const banner = () => page.getByTestId('listing-served');
const md5 = (body: string) => createHash('md5').update(body).digest('base64');

async function saveAccount(name: string, endpoint: string, role: 'owner' | 'other' = 'owner'): Promise<string> {
  const account = testAccount(role);
  const saved = await app.bed.call('accounts.save', { name, kind: 's3-compatible', endpoint, region: account.endpoint.region, forcePathStyle: true, accessKeyId: account.credentials.accessKeyId, secretAccessKey: account.credentials.secretAccessKey });
  return saved.id;
}

describeNeeding(browserNeeds)('browsing while the endpoint is down', () => {
  beforeAll(async () => {
    // The bucket's endpoint is given up on after 3 s, not the usual 15.
    app = await openBrowserApp('e2e-failover', { interactiveTimeoutMs: 3_000 });
    page = app.page;
    ({ store: otherStore, bucket: otherBucket } = await openOtherBucket('e2e-failover-replica'));
    for (const [key, body] of Object.entries(FILES)) {
      await app.store.putObject({ bucket: app.bucket, key, body: Buffer.from(body), md5: md5(body) });
      await otherStore.putObject({ bucket: otherBucket, key: `mirror/${key}`, body: Buffer.from(body), md5: md5(body) });
    }
    relay = await startTcpRelay('127.0.0.1', 0, new URL(testAccount().endpoint.endpoint ?? 'http://127.0.0.1:18080'));
    primaryId = await saveAccount('Primary', `http://127.0.0.1:${relay.port}`);
    backupId = await addTestAccount(app.bed, 'other', 'Backup');
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    deadId = await saveAccount('Gone', `http://127.0.0.1:${deadPort}`, 'other');
    await page.reload();
    await page.getByTestId('account-item').filter({ hasText: 'Primary' }).click();
    // The replica, set as a person does: Replica… on the bucket.
    const bucketRow = page.locator(`[data-testid="bucket-row"][data-bucket="${app.bucket}"]`);
    await bucketRow.click({ button: 'right' });
    await page.locator('[data-action="replica"]').click();
    const dialog = page.getByTestId('replica-dialog');
    await dialog.getByLabel('Account').selectOption({ label: 'Backup' });
    await dialog.getByLabel('Bucket').fill(otherBucket);
    await dialog.getByLabel('Folder').fill('mirror');
    expect(await dialog.locator('.hint').textContent()).toBe(`An object ${app.bucket}/photos/a.jpg is read from ${otherBucket}/mirror/photos/a.jpg.`);
    await screenshot(page, 'replica-dialog');
    await dialog.locator('[data-action="save-replica"]').click();
    await dialog.waitFor({ state: 'detached' });
    expect((await app.bed.call('replica.get', { accountId: primaryId, bucket: app.bucket })).replica).toEqual({ replicaAccountId: backupId, replicaBucket: otherBucket, prefix: 'mirror/' });
    await bucketRow.dblclick();
    await objectRow('docs/').dblclick();
    await objectRow('docs/a.txt').waitFor();
    expect(await banner().count()).toBe(0);
  });

  afterAll(async () => {
    await relay?.close().catch(() => undefined);
    await closeBrowserApp(app);
    await closeOtherBucket({ store: otherStore, bucket: otherBucket });
  });

  it('lists the folder from the replica when the bucket’s endpoint refuses connections, and says so', async () => {
    await relay.close();
    await page.keyboard.press('F5');
    await banner().waitFor({ timeout: 30_000 });
    expect(await banner().getAttribute('data-by')).toBe('replica');
    expect(await banner().textContent()).toMatch(new RegExp(`refused the connection.*Showing the replica, s3://${otherBucket}/mirror/docs/\\.$`));
    // The bucket's own names, from the replica.
    await objectRow('docs/report ü+.pdf').waitFor();
    await objectRow('docs/sub/').waitFor();
    await screenshot(page, 'failover-replica');
  }, 60_000);

  it('downloads from the replica when the bucket’s endpoint refuses connections, and says so', async () => {
    await objectRow('docs/sub/').click();
    await objectRow('docs/report ü+.pdf').click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Download' }).click();
    const notice = page.locator('.toast').filter({ hasText: 'Downloading from the replica' });
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.textContent()).toMatch(new RegExp(`refused the connection.*Downloading from the replica s3://${otherBucket}/mirror/ instead\\.`));
    const batch = page.locator('[data-testid="queue-group"][data-kind="download"]').last();
    await expect.poll(() => batch.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    await screenshot(page, 'failover-download');
    // The same local names as from the bucket itself: the file, and the folder with its file.
    const downloads = path.join(app.dir, 'downloads');
    expect(await readFile(path.join(downloads, 'report ü+.pdf'), 'utf8')).toBe(FILES['docs/report ü+.pdf']);
    expect(await readFile(path.join(downloads, 'sub', 'b.txt'), 'utf8')).toBe(FILES['docs/sub/b.txt']);
  }, 90_000);

  it('shows the folder as last listed, marked stale, when the replica is down too', async () => {
    await app.bed.call('replica.set', { accountId: primaryId, bucket: app.bucket, replica: { replicaAccountId: deadId, replicaBucket: otherBucket, prefix: 'mirror/' } });
    await page.keyboard.press('F5');
    await expect.poll(() => banner().getAttribute('data-by'), { timeout: 30_000 }).toBe('cache');
    expect(await banner().textContent()).toMatch(/The replica s3:\/\/\S+ cannot be reached either: .*Showing this folder as it was listed \d+ s ago \(.*\); it may have changed since\.$/);
    await objectRow('docs/a.txt').waitFor();
    await objectRow('docs/sub/').waitFor();
    await screenshot(page, 'failover-stale');
  }, 60_000);
});
