// The app as an end-to-end test drives it: the built renderer served by the browser-hosted mode's
// host over a service of the test's own (its bucket, the test account), in Chromium at 1280 px,
// opened at the bucket's top level; and screenshots into test/artifacts/screens/.

import type { TransferSettings } from '../../electron/engine/settings.js';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHost, type RunningHost } from '../../electron/host/server.js';
import { closeServiceTestBed, openServiceTestBed, type ServiceTestBed } from './service.js';

const root = path.resolve(import.meta.dirname, '../..');
const rendererDir = path.join(root, 'dist', 'renderer');
const screens = path.join(root, 'test', 'artifacts', 'screens');
const CHROMIUM = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';

/** What the tests need from the machine, for describeNeeding. */
export const browserNeeds = { [`Chromium at ${CHROMIUM} (FERRY_CHROMIUM; scripts/install-system-deps.sh installs it)`]: existsSync(CHROMIUM) };

export interface BrowserApp extends ServiceTestBed {
  host: RunningHost;
  browser: Browser;
  page: Page;
}

export async function openBrowserApp(label: string, settings: Partial<TransferSettings> = {}): Promise<BrowserApp> {
  if (!existsSync(path.join(rendererDir, 'index.html'))) throw new Error('Build the renderer first: npm run build:renderer');
  await mkdir(screens, { recursive: true });
  const testBed = await openServiceTestBed(label, settings);
  const host = await startHost({ service: testBed.bed.service, rendererDir, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(host.url);
  await page.getByTestId('account-item').first().click();
  await page.locator(`[data-testid="bucket-row"][data-bucket="${testBed.bucket}"]`).dblclick();
  await page.getByTestId('object-list').waitFor();
  return { ...testBed, host, browser, page };
}

export async function closeBrowserApp(app: BrowserApp | undefined): Promise<void> {
  if (!app) return;
  await app.browser.close();
  await app.host.close();
  await closeServiceTestBed(app);
}

/** The page as it is now, as test/artifacts/screens/<name>.png: look at it. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screens, `${name}.png`) });
}
