// `npm run bench -- --frames`: how smooth the queue stays under load (issue 11). The real renderer
// in Chromium, against the browser-hosted mode, with 10,000 rows queued behind one large upload
// whose 16 parts stream progress to the discarding endpoint. Frame time is the interval between
// requestAnimationFrame callbacks; it prints p50/p95/max with the queue idle on screen, with the
// large row's segment map open, and while the queue list scrolls. A benchmark: it reports, never fails.

import { mkdtemp, mkdir, open, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startDiscardServer } from './discardServer.js';
import { FerryService } from '../electron/services/ferryService.js';
import { startHost } from '../electron/host/server.js';
import { mapInFlight } from '../electron/engine/inFlight.js';
import type { SecretStore } from '../electron/services/secretStore.js';
import type { CallName, CallRequest, CallResponse } from '../shared/api.js';

const root = path.resolve(import.meta.dirname, '..');
const MiB = 1024 * 1024;
const ROWS = 10_000;
const CHROMIUM = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';

/** The bench's account comes from the environment (AWS_* variables), so no secret is stored anywhere. */
const noSecrets: SecretStore = {
  status: () => Promise.resolve({ available: false, message: 'not used by the benchmark' }),
  get: () => Promise.resolve(null),
  set: () => Promise.reject(new Error('not used')),
  delete: () => Promise.resolve(),
};

interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  /** Main-thread tasks over 50 ms (PerformanceObserver 'longtask'). */
  longTasks: number;
  /** The queue list was found and scrolled. */
  scrolled: boolean;
}

// Runs in the page (a string, as this file is compiled without the DOM's types): frame intervals
// for `seconds`, while the queue list scrolls back and forth when asked.
const MEASURE_IN_PAGE = `async (seconds, scroll) => {
  const intervals = [];
  let longTasks = 0;
  const observer = new PerformanceObserver((list) => (longTasks += list.getEntries().length));
  observer.observe({ type: 'longtask' });
  const list = document.querySelector('[data-testid="queue-list"]');
  let last = performance.now();
  const end = last + seconds * 1000;
  let direction = 1;
  await new Promise((resolve) => {
    const tick = (now) => {
      intervals.push(now - last);
      last = now;
      if (scroll && list) {
        list.scrollTop += direction * 400;
        if (list.scrollTop + list.clientHeight >= list.scrollHeight - 1 || list.scrollTop <= 0) direction = -direction;
      }
      if (now < end) requestAnimationFrame(tick);
      else resolve();
    };
    requestAnimationFrame(tick);
  });
  observer.disconnect();
  intervals.sort((a, b) => a - b);
  const at = (q) => intervals[Math.min(intervals.length - 1, Math.floor(q * intervals.length))] ?? 0;
  return { frames: intervals.length, p50: at(0.5), p95: at(0.95), max: intervals.at(-1) ?? 0, longTasks, scrolled: Boolean(scroll && list) };
}`;

async function measure(page: Page, seconds: number, scroll = false): Promise<FrameStats> {
  return page.evaluate<FrameStats>(`(${MEASURE_IN_PAGE})(${seconds}, ${scroll})`);
}

export async function framesRun(seconds = 10): Promise<void> {
  execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-bench-frames-'));
  const discard = await startDiscardServer();
  let service: FerryService | undefined;
  let host: Awaited<ReturnType<typeof startHost>> | undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    // One large sparse file first, then 10,000 one-byte files queued behind it (one file in flight).
    const big = path.join(dir, 'large.bin');
    const handle = await open(big, 'w');
    await handle.truncate(64 * 1024 * MiB);
    await handle.close();
    const many = path.join(dir, 'many');
    await mkdir(many);
    await mapInFlight(
      Array.from({ length: ROWS }, (_, i) => i),
      64,
      (i) => writeFile(path.join(many, `file-${String(i).padStart(5, '0')}.txt`), 'x'),
    );
    service = new FerryService({
      version: 'bench',
      mode: 'browser',
      configDir: path.join(dir, 'config'),
      stateDir: path.join(dir, 'state'),
      downloadFolder: path.join(dir, 'downloads'),
      secrets: noSecrets,
      env: { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_ENDPOINT_URL: discard.url, AWS_REGION: 'us-east-1' },
      settings: { adaptive: false },
    });
    const running = service;
    const ok = async <N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResponse<N>> => {
      const r = await running.call(name, request);
      if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
      return r.value as CallResponse<N>;
    };
    await ok('settings.set', { filesInFlight: 1, partsInFlight: 16, bandwidthLimit: 64 * MiB, ifExists: 'overwrite' });
    const accounts = await ok('accounts.list', {});
    const accountId = accounts[0]?.id ?? '';
    await ok('transfers.upload', { accountId, bucket: 'bench', prefix: 'frames/', paths: [big, many] });
    host = await startHost({ service, rendererDir: path.join(root, 'dist', 'renderer'), port: 0 });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(host.url);
    await page.locator('[data-testid="queue-row"]').first().waitFor({ timeout: 60_000 });
    // Wait until all rows are in, and the large file's parts are streaming.
    const snapshot = () => ok('queue.list', {});
    for (let i = 0; i < 600 && (await snapshot()).rows.length < ROWS + 1; i++) await new Promise((r) => setTimeout(r, 100));
    await page.locator('[data-testid="queue-row"][data-key="frames/large.bin"][data-state="active"]').waitFor({ timeout: 60_000 });
    const rows = (await snapshot()).rows;
    const results: Record<string, FrameStats> = {};
    results['queue on screen'] = await measure(page, seconds);
    await page.locator('[data-testid="queue-row"][data-key="frames/large.bin"] [data-action="expand"]').click();
    await page.locator('[data-testid="segment"]').first().waitFor();
    results['segment map open'] = await measure(page, seconds);
    // Counted with the map still in view (the scrolling below takes it away).
    const segments = await page.locator('[data-testid="segment"]').count();
    const activeSegments = await page.locator('[data-testid="segment"][data-state="active"]').count();
    results['queue scrolling'] = await measure(page, seconds, true);
    process.stdout.write(
      `\nQueue frame time: ${rows.length} rows (${rows.filter((r) => r.state === 'queued').length} queued); the large file's map ${segments} segments, ${activeSegments} active; scrolling 400 px a frame; Chromium ${browser.version()}\n`,
    );
    for (const [name, s] of Object.entries(results)) {
      process.stdout.write(`  ${name.padEnd(18)} frames ${String(s.frames).padStart(4)}  p50 ${s.p50.toFixed(1)} ms  p95 ${s.p95.toFixed(1)} ms  max ${s.max.toFixed(1)} ms  long tasks ${s.longTasks}\n`);
    }
    await mkdir(path.join(root, 'bench', 'results'), { recursive: true });
    await writeFile(path.join(root, 'bench', 'results', 'frames.json'), JSON.stringify({ when: new Date().toISOString(), rows: rows.length, segments, activeSegments, seconds, results }, null, 2));
    process.stdout.write('Wrote bench/results/frames.json\n');
  } finally {
    await browser.close();
    await host?.close();
    await service?.call('queue.cancel', {});
    await service?.close();
    await discard.close();
    await rm(dir, { recursive: true, force: true });
  }
}
