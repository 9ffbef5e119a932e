import { describe, expect, it } from 'vitest';
import type { CopyRowInfo } from '../../../../shared/queue.js';
import { copyCounts, copyRoute, folderPrefix } from '../../../../renderer/model/copyRowText.js';

const copy = (over: Partial<CopyRowInfo>): CopyRowInfo => ({
  move: false,
  sourceAccountId: 'a',
  sourceBucket: 'src',
  what: 'site/',
  targetName: 'Backup',
  listed: true,
  objects: 10,
  copied: 0,
  skipped: 0,
  failed: 0,
  deleted: 0,
  ...over,
});

describe('copies in the queue', () => {
  it('reads a typed folder as a prefix', () => {
    expect(['', '  ', 'a', '/a', 'a/', '//a/b', ' a/b '].map(folderPrefix)).toEqual(['', '', 'a/', 'a/', 'a/', 'a/b/', 'a/b/']);
  });

  it('names what goes where', () => {
    expect(copyRoute(copy({}), 'b', 'mirror/')).toBe('site/ → Backup: b/mirror/');
  });

  it('counts what is done, while the listing goes on and after', () => {
    expect(copyCounts(copy({ copied: 3, skipped: 1 }))).toBe('4 of 10 objects · 1 already there');
    expect(copyCounts(copy({ listed: false, objects: 7, copied: 2, failed: 1 }))).toBe('3 done, 7 objects found so far · 1 failed');
    expect(copyCounts(copy({ move: true, copied: 10, deleted: 10 }))).toBe('10 of 10 objects · 10 removed from where they were');
    expect(copyCounts(copy({ move: true, objects: 1, copied: 1, deleted: 1 }))).toBe('1 of 1 object · 1 removed from where it was');
  });
});
