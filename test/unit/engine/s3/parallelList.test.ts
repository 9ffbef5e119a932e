// Key ranges for parallel listing: cut where a page shows the keys' shape, they hold exactly the
// keys after the page, and the pages come out complete and in order. Checked against an in-memory
// key list that answers as ListObjectsV2 does (prefix, start-after, continuation, delimiter, 1,000 a page).

import { describe, expect, it } from 'vitest';
import { AFTER_ALL, compareKeys, rangesAfter } from '../../../../electron/engine/s3/listRanges.js';
import { listInParallel, type PageLister } from '../../../../electron/engine/s3/parallelList.js';
import type { ListPage } from '../../../../electron/engine/s3/store.js';

const PAGE = 1000;

/** ListObjectsV2 over a sorted key list: keys in prefix after start-after (or the token), delimiter roll-up. */
function bucketOf(keys: string[], delimiter?: string): { list: PageLister; requests: () => number } {
  const sorted = [...new Set(keys)].sort(compareKeys);
  let requests = 0;
  const list: PageLister = async ({ prefix, startAfter, token }) => {
    requests++;
    await new Promise((resolve) => setImmediate(resolve));
    const after = token ?? startAfter;
    const objects: ListPage['objects'] = [];
    const prefixes: string[] = [];
    let lastReturned: string | undefined;
    for (const key of sorted) {
      if (!key.startsWith(prefix)) continue;
      if (after !== undefined && compareKeys(key, after) <= 0) continue;
      if (objects.length + prefixes.length === PAGE) return { objects, prefixes, nextToken: lastReturned };
      const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const common = key.slice(0, cut + delimiter!.length);
        if (prefixes.at(-1) !== common) prefixes.push(common);
        // The token skips the whole rolled-up prefix, as S3's does.
        lastReturned = common + AFTER_ALL;
      } else {
        objects.push({ key, size: 0 });
        lastReturned = key;
      }
    }
    return { objects, prefixes };
  };
  return { list, requests: () => requests };
}

async function listed(list: PageLister, prefix: string, inFlight: number, delimiter?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const page of listInParallel(list, prefix, inFlight, delimiter)) {
    out.push(...[...page.objects.map((o) => o.key), ...page.prefixes].sort(compareKeys));
  }
  return out;
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const numbered = (n: number, head = 'many/') => Array.from({ length: n }, (_, i) => `${head}${String(i).padStart(6, '0')}.txt`);

describe('rangesAfter', () => {
  it('cuts numbered keys at each digit after the last key, and the ranges hold exactly the keys after it', () => {
    const keys = numbered(30_000);
    const page = keys.slice(0, PAGE);
    const ranges = rangesAfter({ prefix: '' }, page.at(-1) as string, page);
    expect(ranges.map((r) => r.prefix)).toContain('many/001');
    expect(ranges.map((r) => r.prefix)).toContain('many/09');
    // ASCII keys: string order is S3's byte order (U+10FFFF, a surrogate pair, sorts after them too).
    const inRange = (key: string, r: { prefix: string; startAfter?: string }) => key.startsWith(r.prefix) && (r.startAfter === undefined || key > r.startAfter);
    for (const key of keys.slice(PAGE)) expect(ranges.filter((r) => inRange(key, r)), key).toHaveLength(1);
    for (const key of page) expect(ranges.some((r) => inRange(key, r)), key).toBe(false);
  });

  it('makes one range of what follows when the keys show no shape to cut at', () => {
    const page = ['a', 'b!', 'c~', 'é'];
    expect(rangesAfter({ prefix: '' }, 'é', page)).toEqual([{ prefix: '', startAfter: 'é' }]);
  });
});

describe('listInParallel', () => {
  const shapes: Record<string, string[]> = {
    numbered: numbered(12_345),
    'other keys around them': ['complete', ...numbered(5_000), ...numbered(2_500, 'x/'), 'zzz'],
    'hex names': Array.from({ length: 6_000 }, (_, i) => `blobs/${(i * 2654435761 % 2 ** 32).toString(16).padStart(8, '0')}`),
    'words, case, unicode and odd characters': (() => {
      const random = seeded(3);
      const alphabet = ['a', 'b', 'Z', '0', '9', ' ', '+', '%', '#', '-', '~', 'é', '日', '😀', '/'];
      return Array.from({ length: 7_000 }, () => Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
    })(),
    'keys that extend others': Array.from({ length: 3_000 }, (_, i) => 'k'.repeat(1 + (i % 40)) + String(i)),
  };

  for (const [name, keys] of Object.entries(shapes)) {
    it(`lists ${name} complete and in order, side by side as page after page`, async () => {
      const expected = [...new Set(keys)].sort(compareKeys);
      const parallel = bucketOf(keys);
      expect(await listed(parallel.list, '', 8)).toEqual(expected);
      const sequential = bucketOf(keys);
      expect(await listed(sequential.list, '', 1)).toEqual(expected);
      expect(sequential.requests()).toBe(Math.max(1, Math.ceil(expected.length / PAGE)));
    });
  }

  it('numbered keys are cut into ranges, so requests run side by side', async () => {
    const keys = numbered(50_000);
    const bucket = bucketOf(keys);
    let inFlight = 0;
    let most = 0;
    const counting: PageLister = async (input) => {
      most = Math.max(most, ++inFlight);
      try {
        return await bucket.list(input);
      } finally {
        inFlight--;
      }
    };
    expect(await listed(counting, 'many/', 4)).toEqual(keys);
    expect(most).toBe(4);
    // Empty ranges cost a request each: a bounded number more than the 50 pages.
    expect(bucket.requests()).toBeLessThan(50 * 2);
  });

  it('with a delimiter, folders roll up as in one listing and each comes once', async () => {
    const keys = [...numbered(3_000, 'a/'), ...Array.from({ length: 2_500 }, (_, i) => `d${String(i).padStart(5, '0')}/x/y`), ...numbered(1_200, '')];
    const one = bucketOf(keys, '/');
    const expected = await listed(one.list, '', 1, '/');
    expect(expected).toContain('a/');
    expect(expected.filter((k) => k === 'a/')).toHaveLength(1);
    const many = bucketOf(keys, '/');
    expect(await listed(many.list, '', 8, '/')).toEqual(expected);
  });

  it('hands the first failure to the reader', async () => {
    const bucket = bucketOf(numbered(5_000));
    let calls = 0;
    const failing: PageLister = async (input) => {
      if (++calls === 3) throw new Error('refused');
      return bucket.list(input);
    };
    await expect(listed(failing, '', 4)).rejects.toThrow('refused');
  });
});
