// Where a listing splits into ranges that can be listed side by side: from the keys one page showed.

/**
 * A part of a listing: the keys below `prefix` after `startAfter` (all of them when absent). Its end
 * is the prefix's own end, so a range never reads past what it covers (a ListObjectsV2 request
 * has a start and a prefix, but no end).
 */
export interface ListRange {
  prefix: string;
  startAfter?: string;
}

// Sorts after every continuation of a key: S3 orders keys by their UTF-8 bytes, and U+10FFFF
// (F4 8F BF BF) is the greatest a key may hold.
export const AFTER_ALL = '\u{10FFFF}';

// A level gets a range per character only when the characters seen there span at most this many
// (digits: 10, lower-case letters: 26, hex digits "0"-"f": 55); wider ones get one range.
const MAX_SPAN = 64;

// Printable ASCII: one code unit each, and the same order in UTF-16 and in UTF-8 bytes.
const isPlainAscii = (code: number) => code >= 0x20 && code <= 0x7e;

/**
 * The rest of `range` after `last` (the last key, or common prefix, of a full page), cut into
 * ranges in key order that together hold exactly the keys of `range` after `last`, from the keys
 * the page held (`seen`, sorted). Keys tend to share a shape ("photos/2024-0117-0042.jpg",
 * "many/000123.txt"): at each position where the page's keys differ, or above it, the characters
 * seen there (a contiguous span of printable ASCII) each start a range with the key's head so far
 * ("many/001", "many/002" … "many/01" …), and what sorts after the last of them is one range more
 * ("many/00" after "many/009" + U+10FFFF). Ranges that turn out empty cost one request each.
 * With a delimiter no range prefix reaches past the first delimiter after the listing's prefix,
 * so common prefixes roll up as the whole listing's would.
 */
export function rangesAfter(range: ListRange, last: string, seen: readonly string[], delimiter?: string): ListRange[] {
  const base = range.prefix.length;
  // Where the page's later keys differ from its last: the first key may be of another shape
  // ("complete" before "many/000000.txt"), the second half shows the shape the listing goes on in.
  const probe = seen[Math.floor(seen.length / 2)] ?? last;
  let differ = base;
  while (differ < probe.length && differ < last.length && probe[differ] === last[differ]) differ++;
  // With a delimiter, a range's prefix stops before the first delimiter after the listing's prefix.
  let limit = last.length;
  if (delimiter) {
    const at = last.indexOf(delimiter, base);
    if (at >= 0) limit = at;
  }
  const deepest = Math.min(differ, limit - 1);
  // A common prefix rolled up everything below it: the next range starts after all of it.
  const after = delimiter && last.endsWith(delimiter) && last.length > base ? last + AFTER_ALL : last;
  const out: ListRange[] = [];
  // The keys that begin with the last key's head down to the deepest level, after it.
  const head = last.slice(0, Math.max(base, deepest + 1));
  out.push({ prefix: head, startAfter: after });
  // Each level from there up to the listing's prefix: a range per character after the last key's
  // (when the page shows a narrow span there), then one for what sorts after them all.
  let gap = head + AFTER_ALL;
  const varying = last.charCodeAt(Math.min(deepest, last.length - 1));
  let classRunStart = Math.min(deepest, last.length - 1);
  while (classRunStart > base && charClass(last.charCodeAt(classRunStart - 1)) === charClass(varying) && charClass(varying) !== undefined) classRunStart--;
  if (charClass(varying) === undefined) classRunStart = Number.POSITIVE_INFINITY;
  for (let j = Math.max(base, deepest + 1) - 1; j >= base; j--) {
    const parent = last.slice(0, j);
    const own = last.charCodeAt(j);
    let lo = own;
    let hi = own;
    for (const key of seen) {
      if (key.length <= j || !key.startsWith(parent)) continue;
      const code = key.charCodeAt(j);
      lo = Math.min(lo, code);
      hi = Math.max(hi, code);
    }
    // Within the run of characters of the varying one's class (the digits of "000999"), a level
    // the page shows constant ("many/00…") likely goes on over the whole class: one range per
    // character of it after the last key's (empty ones cost a request each).
    if (j >= classRunStart) hi = Math.max(hi, classEnd(own));
    const span = hi - lo + 1;
    const crossesDelimiter = delimiter !== undefined && delimiter.length === 1 && delimiter.charCodeAt(0) > own && delimiter.charCodeAt(0) <= hi;
    if (hi > own && span <= MAX_SPAN && isPlainAscii(lo) && isPlainAscii(hi) && !crossesDelimiter) {
      // What sorts after the last key's head at this level, before the first new character.
      out.push({ prefix: last.slice(0, j + 1), startAfter: gap });
      for (let code = own + 1; code <= hi; code++) out.push({ prefix: parent + String.fromCharCode(code) });
      gap = parent + String.fromCharCode(hi) + AFTER_ALL;
    }
  }
  // Everything of the range after the last level's ranges.
  out.push({ prefix: range.prefix, startAfter: maxKey(gap, range.startAfter) });
  return mergeAdjacent(out);
}

type CharClass = 'digit' | 'lower' | 'upper';

function charClass(code: number): CharClass | undefined {
  if (code >= 0x30 && code <= 0x39) return 'digit';
  if (code >= 0x61 && code <= 0x7a) return 'lower';
  if (code >= 0x41 && code <= 0x5a) return 'upper';
  return undefined;
}

/** The last character of `code`'s class ("9", "z", "Z"), or `code` itself outside them. */
function classEnd(code: number): number {
  const cls = charClass(code);
  return cls === 'digit' ? 0x39 : cls === 'lower' ? 0x7a : cls === 'upper' ? 0x5a : code;
}

function maxKey(a: string, b: string | undefined): string {
  return b !== undefined && compareKeys(b, a) > 0 ? b : a;
}

/** S3's order: by UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Two ranges in a row where the first is "after X within Q" and the second "after X' within a
 * shorter Q'" with the first's prefix inside the second's and nothing between them are one range:
 * the second's prefix after the first's start.
 */
function mergeAdjacent(ranges: ListRange[]): ListRange[] {
  const out: ListRange[] = [];
  for (const range of ranges) {
    const previous = out.at(-1);
    if (previous && previous.startAfter !== undefined && range.startAfter !== undefined && previous.prefix.startsWith(range.prefix) && coversUpTo(previous, range)) {
      out[out.length - 1] = { prefix: range.prefix, startAfter: previous.startAfter };
    } else {
      out.push(range);
    }
  }
  return out;
}

/** Whether `b` begins exactly where `a` ends: a's prefix + U+10FFFF is b's start. */
function coversUpTo(a: ListRange, b: ListRange): boolean {
  return b.startAfter === a.prefix + AFTER_ALL;
}
