// Listing key ranges side by side against the real server: the same keys, in the same order, as a
// listing page after page, flat and with a delimiter, for keys of many shapes.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { mapInFlight } from '../../../electron/engine/inFlight.js';
import { compareKeys } from '../../../electron/engine/s3/listRanges.js';
import { closeTestBed, openTestBed, testEngine, testStore } from '../../support/s3.js';

let store: S3Store;
let bucket: string;
let dir: string;
let keys: string[];

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('listing'));
  const numbered = Array.from({ length: 1_500 }, (_, i) => `many/${String(i).padStart(6, '0')}.txt`);
  const hex = Array.from({ length: 1_100 }, (_, i) => `blobs/${((i * 2654435761) % 2 ** 32).toString(16).padStart(8, '0')}`);
  const odd = ['été/a b.txt', 'été/c+d.txt', '50%/#1', 'Z/upper', 'a/deep/er/est/key', '~tilde', '日本/語', '😀/smile', 'x', 'x/y', 'complete'];
  const folders = Array.from({ length: 1_100 }, (_, i) => `d${String(i).padStart(4, '0')}/file`);
  keys = [...numbered, ...hex, ...odd, ...folders];
  const body = Buffer.from('x');
  const md5 = createHash('md5').update(body).digest('base64');
  await mapInFlight(keys, 64, (key) => store.putObject({ bucket, key, body, md5 }));
}, 300_000);

afterAll(() => closeTestBed({ store, bucket, dir }));

async function listing(inFlight: number, prefix: string, delimiter?: string): Promise<string[]> {
  const engine = testEngine({ settings: { listsInFlight: inFlight } });
  try {
    const out: string[] = [];
    // Keys and folders of a page in one order (S3's, by bytes), as the app's list shows them.
    for await (const page of engine.listPages({ bucket, prefix, delimiter })) {
      const entries = [...page.objects.map((o) => ({ key: o.key, shown: o.key })), ...page.prefixes.map((p) => ({ key: p, shown: `${p} (folder)` }))];
      out.push(...entries.sort((a, b) => compareKeys(a.key, b.key)).map((e) => e.shown));
    }
    return out;
  } finally {
    engine.close();
  }
}

describe('listing key ranges side by side', () => {
  it('lists the whole bucket complete and in order, as page after page does', async () => {
    const one = await listing(1, '');
    expect(one).toHaveLength(keys.length);
    expect(new Set(one)).toEqual(new Set(keys));
    expect(await listing(8, '')).toEqual(one);
  });

  it('lists a prefix, and a prefix of numbered keys', async () => {
    expect(await listing(8, 'many/')).toEqual(await listing(1, 'many/'));
    expect(await listing(4, 'blobs/')).toEqual(await listing(1, 'blobs/'));
  });

  it('with a delimiter, each folder comes once, where it would page after page', async () => {
    const one = await listing(1, '', '/');
    expect(one.filter((k) => k === 'many/ (folder)')).toHaveLength(1);
    expect(one).toContain('d0000/ (folder)');
    expect(await listing(8, '', '/')).toEqual(one);
    expect(await listing(8, 'many/', '/')).toEqual(await listing(1, 'many/', '/'));
  });

  it('hands the event loop back every few milliseconds while a reader works through a long listing', async () => {
    // A reader that spends 0.2 ms on each of many/'s 1,500 keys (the first page alone is 1,000):
    // between two runs of a timer, it may get through one slice's worth of entries, not a page.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let run = 0;
    let longest = 0;
    let seen = ticks;
    let count = 0;
    try {
      for await (const entry of store.listAll(bucket, 'many/')) {
        expect(entry.key.startsWith('many/')).toBe(true);
        count++;
        if (ticks === seen) run++;
        else [seen, run] = [ticks, 1];
        longest = Math.max(longest, run);
        const until = performance.now() + 0.2;
        while (performance.now() < until);
      }
    } finally {
      clearInterval(timer);
    }
    expect(count).toBe(1_500);
    // A 5 ms slice is 25 such entries; without slices a whole page (1,000) went by between ticks.
    expect(longest).toBeLessThan(500);
  });

  it('reads the pages after the first on a worker thread: the same keys, errors and cancelling as on the loop', async () => {
    const onLoop = testStore(undefined, undefined, { listWorker: 'off' });
    const all = async (from: S3Store) => {
      const out: string[] = [];
      for await (const entry of from.listAll(bucket, 'many/')) out.push(entry.key);
      return out;
    };
    try {
      const before = store.pagesFromWorker;
      const viaWorker = await all(store);
      expect(store.pagesFromWorker).toBeGreaterThan(before);
      expect(viaWorker).toEqual(await all(onLoop));
      expect(onLoop.pagesFromWorker).toBe(0);
      const first = await store.listPage({ bucket, prefix: 'many/', maxKeys: 100 });
      expect(first.nextToken).toBeDefined();
      // A page after the first (a token) of a bucket that is not there: the same error either way.
      const missing = { bucket: `${bucket}-missing`, prefix: 'many/', maxKeys: 100, token: first.nextToken };
      const [worker, loop] = await Promise.allSettled([store.listPage(missing), onLoop.listPage(missing)]);
      expect(worker.status).toBe('rejected');
      expect(loop.status).toBe('rejected');
      const reason = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as { code: string; message: string }) : undefined);
      expect(reason(worker)?.code).toBe('NoSuchBucket');
      expect(reason(worker)).toMatchObject({ code: reason(loop)?.code, message: reason(loop)?.message });
      // The second page, cancelled while the worker reads it.
      const controller = new AbortController();
      const second = store.listPage({ bucket, prefix: 'many/', maxKeys: 100, token: first.nextToken }, { signal: controller.signal });
      controller.abort();
      await expect(second).rejects.toMatchObject({ code: 'Cancelled' });
      const again = await store.listPage({ bucket, prefix: 'many/', maxKeys: 100, token: first.nextToken });
      expect(again.objects.map((o) => o.key)).toEqual(viaWorker.slice(100, 200));
    } finally {
      onLoop.destroy();
    }
  });

  it("with 'all' (the app's engines), every page, the first too, is read on the worker", async () => {
    const app = testStore(undefined, undefined, { listWorker: 'all' });
    try {
      const page = await app.listPage({ bucket, prefix: 'blobs/', maxKeys: 10 });
      expect(page.objects).toHaveLength(10);
      expect(app.pagesFromWorker).toBe(1);
      const keys: string[] = [];
      for await (const entry of app.listAll(bucket, 'x/')) keys.push(entry.key);
      expect(keys).toEqual(['x/y']);
      expect(app.pagesFromWorker).toBe(2);
    } finally {
      app.destroy();
    }
  });
});
