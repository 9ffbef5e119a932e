import { describe, expect, it } from 'vitest';
import { copyFailure, copyLabel, copyWhat } from '../../../electron/services/copyRows.js';

describe('a copy as a row of the queue', () => {
  it('names one item below the folder shown, or counts several', () => {
    expect(copyLabel({ keys: ['site/a.html'], prefixes: [], base: 'site/', move: false }, 'Backup', 'b', 'mirror/')).toBe('Copy a.html to Backup: b/mirror/');
    expect(copyLabel({ keys: ['x'], prefixes: ['site/'], base: '', move: true }, 'test', 'b', '')).toBe('Move 2 items to test: b/');
    expect(copyLabel({ keys: ['p/x', 'p/y'], prefixes: ['p/q/'], base: 'p/', move: false }, 'A', 'b', 'c/')).toBe('Copy 3 items from p/ to A: b/c/');
    expect(copyWhat({ keys: [], prefixes: ['site/assets/'], base: 'site/' })).toBe('assets/');
  });

  it('fails its row when objects failed: one named, or counted with the first', () => {
    const denied = { item: 's3://a/k 1', error: { code: 'AccessDenied' as const, message: 'Access denied.' } };
    expect(copyFailure({ objects: 5, failures: [] })).toBeUndefined();
    expect(copyFailure({ objects: 5, failures: [denied] })?.toInfo()).toEqual({ code: 'AccessDenied', message: 's3://a/k 1: Access denied.' });
    const two = copyFailure({ objects: 1200, failures: [denied, { ...denied, item: 's3://a/k 2' }] });
    expect(two?.toInfo()).toEqual({ code: 'AccessDenied', message: '2 of 1,200 objects failed; the first, s3://a/k 1: Access denied.' });
  });
});
