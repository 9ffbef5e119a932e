import { describe, expect, it } from 'vitest';
import { LocalPathClaims, foldedName } from '../../../electron/engine/localCollisions.js';

const nfc = 'caf\u00e9.txt';
const nfd = 'cafe\u0301.txt';

/** Claims keys in listing order; the refused ones with their messages. */
function refusedOf(platform: NodeJS.Platform, keys: string[]): { key: string; code: string; message: string }[] {
  const claims = new LocalPathClaims(platform);
  const refused: { key: string; code: string; message: string }[] = [];
  for (const key of keys) {
    const temporary = key.endsWith('/') ? [] : [`.${key.slice(key.lastIndexOf('/') + 1)}.ferry-download`];
    const error = claims.claim(key, key, temporary);
    if (error) refused.push({ key, code: error.code, message: error.message });
  }
  return refused;
}

describe('foldedName', () => {
  it('keeps every name apart on Linux', () => {
    expect(foldedName('A.txt', 'linux')).not.toBe(foldedName('a.txt', 'linux'));
    expect(foldedName(nfc, 'linux')).not.toBe(foldedName(nfd, 'linux'));
    expect(foldedName('a.', 'linux')).not.toBe(foldedName('a', 'linux'));
  });

  it('folds case and Unicode normalisation on macOS', () => {
    expect(foldedName('A.txt', 'darwin')).toBe(foldedName('a.txt', 'darwin'));
    expect(foldedName(nfc, 'darwin')).toBe(foldedName(nfd, 'darwin'));
    expect(foldedName('CAF\u00c9.TXT', 'darwin')).toBe(foldedName(nfd, 'darwin'));
    expect(foldedName('a.', 'darwin')).not.toBe(foldedName('a', 'darwin'));
  });

  it('folds case and trailing dots and spaces on Windows, not normalisation', () => {
    expect(foldedName('A.txt', 'win32')).toBe(foldedName('a.txt', 'win32'));
    expect(foldedName('a.', 'win32')).toBe(foldedName('a', 'win32'));
    expect(foldedName('a . ', 'win32')).toBe(foldedName('A', 'win32'));
    expect(foldedName(nfc, 'win32')).not.toBe(foldedName(nfd, 'win32'));
    // A name of only dots or spaces is left as it is rather than folded to nothing.
    expect(foldedName('...', 'win32')).toBe('...');
  });
});

describe('LocalPathClaims', () => {
  it.each(['linux', 'darwin', 'win32'] as const)('on %s, refuses a key needing a file as a folder, and a marker of the same name', (platform) => {
    const refused = refusedOf(platform, ['a', 'a/', 'a/b', 'a/c/d']);
    expect(refused.map((r) => r.key)).toEqual(['a/', 'a/b', 'a/c/d']);
    expect(refused.every((r) => r.code === 'PathCollision')).toBe(true);
    expect(refused[1]?.message).toContain('"a/b"');
    expect(refused[1]?.message).toContain('the file of the key "a"');
  });

  it('refuses a file where an earlier key made a folder', () => {
    const refused = refusedOf('linux', ['d/x', 'd']);
    expect(refused).toEqual([{ key: 'd', code: 'PathCollision', message: expect.stringContaining('a folder for the key "d/x"') }]);
  });

  it('keeps A.txt and a.txt apart on Linux, refuses the later one on macOS and Windows', () => {
    expect(refusedOf('linux', ['A.txt', 'a.txt'])).toEqual([]);
    for (const platform of ['darwin', 'win32'] as const) {
      const refused = refusedOf(platform, ['A.txt', 'a.txt']);
      expect(refused).toEqual([{ key: 'a.txt', code: 'PathCollision', message: expect.stringContaining('the file of the key "A.txt"') }]);
      expect(refused[0]?.message).toContain(`are one name on ${platform === 'darwin' ? 'macOS' : 'Windows'}`);
    }
  });

  it('refuses NFC after NFD of one name on macOS only', () => {
    expect(refusedOf('linux', [nfd, nfc])).toEqual([]);
    expect(refusedOf('win32', [nfd, nfc])).toEqual([]);
    expect(refusedOf('darwin', [nfd, nfc]).map((r) => r.key)).toEqual([nfc]);
  });

  it('folds folders too: files of one name in two spellings of a folder collide, other files meet', () => {
    expect(refusedOf('darwin', ['Dir/a', 'dir/b', 'DIR/'])).toEqual([]);
    expect(refusedOf('darwin', ['Dir/a', 'dir/A']).map((r) => r.key)).toEqual(['dir/A']);
    expect(refusedOf('darwin', ['Dir/a', 'dir'])).toEqual([{ key: 'dir', code: 'PathCollision', message: expect.stringContaining('a folder for the key "Dir/a"') }]);
    expect(refusedOf('linux', ['Dir/a', 'dir'])).toEqual([]);
  });

  it('refuses a key whose file is another download\'s temporary file, either way round', () => {
    expect(refusedOf('linux', ['.t.ferry-download', 't'])).toEqual([
      { key: 't', code: 'PathCollision', message: expect.stringContaining('its temporary file ".t.ferry-download" would be the file of the key ".t.ferry-download"') },
    ]);
    expect(refusedOf('linux', ['t', '.t.ferry-download'])).toEqual([
      { key: '.t.ferry-download', code: 'PathCollision', message: expect.stringContaining('the temporary file of the key "t"') },
    ]);
    expect(refusedOf('linux', ['t', '.t.ferry-download/x']).map((r) => r.key)).toEqual(['.t.ferry-download/x']);
  });

  it('claims nothing for a refused key', () => {
    // "a/b" is refused, so "a/b" stays free for nobody to contest: "a/b/c" is refused for "a", not for "a/b".
    const refused = refusedOf('linux', ['a', 'a/b', 'a/b/c']);
    expect(refused[1]?.message).toContain('the file of the key "a"');
    expect(refusedOf('linux', ['x/y', 'x', 'x/z'])).toEqual([{ key: 'x', code: 'PathCollision', message: expect.any(String) }]);
  });

  it('plans 100,000 keys in linear time (a quadratic plan would take minutes)', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `d${i % 100}/e${i % 7}/file-${i}.bin`);
    const started = performance.now();
    expect(refusedOf('darwin', keys)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
