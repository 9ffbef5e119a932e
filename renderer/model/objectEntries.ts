// The object table's rows: folders and files of one prefix, built from listing pages and kept sorted
// as pages arrive, without re-sorting what is already there.
import type { ObjectRow } from '../../shared/api.js';

export interface Entry {
  kind: 'folder' | 'file';
  /** The full key, or for a folder the full prefix with its trailing slash. */
  key: string;
  /** The last segment; a folder's keeps its trailing slash. */
  name: string;
  /** Lower-cased name, computed once for filtering and type-ahead. */
  search: string;
  /** See naturalSortKey. */
  sortKey: string;
  size: number;
  /** Milliseconds since the epoch, parsed once so sorting compares numbers. */
  modified?: number;
  storageClass?: string;
}

export type SortColumn = 'name' | 'size' | 'modified' | 'storageClass';

export interface SortOrder {
  column: SortColumn;
  descending: boolean;
}

function lastSegment(keyOrPrefix: string, prefix: string): string {
  return keyOrPrefix.startsWith(prefix) ? keyOrPrefix.slice(prefix.length) : keyOrPrefix;
}

/** Rows for one page of a listing of `prefix`. */
export function entriesFromPage(prefix: string, objects: readonly ObjectRow[], prefixes: readonly string[]): Entry[] {
  const out: Entry[] = [];
  for (const p of prefixes) {
    const name = lastSegment(p, prefix);
    out.push({ kind: 'folder', key: p, name, search: name.toLowerCase(), sortKey: naturalSortKey(name), size: 0 });
  }
  for (const o of objects) {
    // The zero-byte "folder marker" S3 consoles create is the listed prefix itself: not a file to show.
    if (o.key === prefix) continue;
    const name = lastSegment(o.key, prefix);
    const modified = o.lastModified ? Date.parse(o.lastModified) : NaN;
    out.push({
      kind: 'file',
      key: o.key,
      name,
      search: name.toLowerCase(),
      sortKey: naturalSortKey(name),
      size: o.size,
      modified: Number.isNaN(modified) ? undefined : modified,
      storageClass: o.storageClass,
    });
  }
  return out;
}

/**
 * A key whose plain string order is natural order ("file2" before "file10", as file managers sort):
 * lower-cased, each run of digits prefixed by its length without leading zeros. The prefix is a digit
 * character ('1'…'9', with the length spelled out after '9' for runs of 9 or more), so a number still
 * sorts where a digit would against any other character. Made once per row, because comparing such
 * keys is several times faster than Intl.Collator's numeric compare over the 1.7 million comparisons
 * of sorting 100,000 rows.
 */
export function naturalSortKey(name: string): string {
  return name.toLowerCase().replace(/\d+/g, (run) => {
    const digits = run.replace(/^0+/, '');
    const n = digits.length;
    const prefix = String.fromCharCode(48 + Math.min(n, 9));
    return n >= 9 ? `${prefix}${String(n).padStart(4, '0')}${digits}` : prefix + digits;
  });
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: Entry, b: Entry): number {
  // The key breaks ties ("A" and "a", "1" and "01"), so the order is total and stable.
  return compareStrings(a.sortKey, b.sortKey) || compareStrings(a.key, b.key);
}

/** Folders first whatever the column, as file managers do; then the column, then the name. */
export function entryComparator(order: SortOrder): (a: Entry, b: Entry) => number {
  const sign = order.descending ? -1 : 1;
  const column = (a: Entry, b: Entry): number => {
    switch (order.column) {
      case 'name':
        return byName(a, b);
      case 'size':
        return a.size - b.size || byName(a, b);
      case 'modified':
        return (a.modified ?? 0) - (b.modified ?? 0) || byName(a, b);
      case 'storageClass': {
        const x = a.storageClass ?? '';
        const y = b.storageClass ?? '';
        return compareStrings(x, y) || byName(a, b);
      }
    }
  };
  return (a, b) => {
    if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
    return sign * column(a, b);
  };
}

/** First index at or after `from` whose item sorts after `item`. */
function upperBound(sorted: readonly Entry[], item: Entry, compare: (a: Entry, b: Entry) => number, from: number): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(sorted[mid] as Entry, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Merges a sorted batch into a sorted list, returning a new array. Each batch item finds its place by
 * binary search, so a page of p rows into n costs O(p log n) comparisons plus one O(n) copy, instead
 * of re-sorting all n + p rows for every page of a 100,000-object listing.
 */
export function mergeSorted(sorted: readonly Entry[], batch: readonly Entry[], compare: (a: Entry, b: Entry) => number): Entry[] {
  if (batch.length === 0) return sorted as Entry[];
  const last = sorted[sorted.length - 1];
  // The usual case: S3 lists keys in order, so in name order a new page goes after everything.
  if (last === undefined || compare(last, batch[0] as Entry) <= 0) return sorted.concat(batch);
  const out: Entry[] = new Array<Entry>(sorted.length + batch.length);
  let i = 0;
  let o = 0;
  for (const item of batch) {
    const at = upperBound(sorted, item, compare, i);
    while (i < at) out[o++] = sorted[i++] as Entry;
    out[o++] = item;
  }
  while (i < sorted.length) out[o++] = sorted[i++] as Entry;
  return out;
}

/** Case-insensitive substring match on the name; `filter` is already lower-cased. */
export function matchesFilter(entry: { search: string }, filter: string): boolean {
  return filter === '' || entry.search.includes(filter);
}

/** The rows the filter lets through, in their order; the same array when there is no filter. */
export function filterRows<T extends { search: string }>(rows: T[], filter: string): T[] {
  return filter === '' ? rows : rows.filter((row) => matchesFilter(row, filter));
}
