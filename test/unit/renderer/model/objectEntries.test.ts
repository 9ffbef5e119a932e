import { describe, expect, it } from 'vitest';
import { entriesFromPage, entryComparator, matchesFilter, mergeSorted, naturalSortKey, type Entry } from '../../../../renderer/model/objectEntries.js';

const byName = entryComparator({ column: 'name', descending: false });

describe('entriesFromPage', () => {
  it('names rows by their last segment, folders keep their slash, the folder marker is hidden', () => {
    const rows = entriesFromPage('a/', [{ key: 'a/', size: 0 }, { key: 'a/x y+%#.txt', size: 3, lastModified: '2026-01-02T03:04:05.000Z' }], ['a/sub/']);
    expect(rows.map((r) => [r.kind, r.name])).toEqual([
      ['folder', 'sub/'],
      ['file', 'x y+%#.txt'],
    ]);
    expect(rows[1]?.modified).toBe(Date.parse('2026-01-02T03:04:05.000Z'));
  });
});

describe('natural order', () => {
  it('sorts numbers by value, folders first, and descending by the column', () => {
    const names = ['file10', 'file2', 'File1', 'file02', 'file100000000000'];
    expect([...names].sort((a, b) => (naturalSortKey(a) < naturalSortKey(b) ? -1 : naturalSortKey(a) > naturalSortKey(b) ? 1 : 0))).toEqual(['File1', 'file2', 'file02', 'file10', 'file100000000000']);
    const rows = entriesFromPage('', [{ key: 'b', size: 1 }, { key: 'a', size: 5 }], ['z/']);
    expect([...rows].sort(byName).map((r) => r.key)).toEqual(['z/', 'a', 'b']);
    expect([...rows].sort(entryComparator({ column: 'size', descending: true })).map((r) => r.key)).toEqual(['z/', 'a', 'b']);
  });
});

describe('mergeSorted', () => {
  const entries = (keys: string[]): Entry[] => entriesFromPage('', keys.map((key) => ({ key, size: 0 })), []);

  it('appends a page that sorts after everything (the usual listing case)', () => {
    const first = entries(['a', 'b']);
    expect(mergeSorted(first, entries(['c', 'd']), byName).map((e) => e.key)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('interleaves a page that does not, and matches a full sort', () => {
    const sorted = entries(['a2', 'a4', 'a6', 'a8']);
    const page = entries(['a1', 'a5', 'a9']);
    const merged = mergeSorted(sorted, page, byName).map((e) => e.key);
    expect(merged).toEqual(['a1', 'a2', 'a4', 'a5', 'a6', 'a8', 'a9']);
    expect(merged).toEqual([...sorted, ...page].sort(byName).map((e) => e.key));
  });
});

it('filters by a case-insensitive substring of the name', () => {
  const [row] = entriesFromPage('p/', [{ key: 'p/Holiday Photo.JPG', size: 1 }], []);
  expect(matchesFilter(row as Entry, 'photo.jpg')).toBe(true);
  expect(matchesFilter(row as Entry, 'p/')).toBe(false);
  expect(matchesFilter(row as Entry, '')).toBe(true);
});
