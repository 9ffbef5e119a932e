import { describe, expect, it } from 'vitest';
import { copyJobLabel } from '../../../electron/services/copyJobs.js';

describe('a copy job’s label', () => {
  it('names one item below the folder shown, or counts several', () => {
    expect(copyJobLabel({ keys: ['site/a.html'], prefixes: [], base: 'site/', move: false }, 'Backup', 'b', 'mirror/')).toBe('Copy a.html to Backup: b/mirror/');
    expect(copyJobLabel({ keys: ['x'], prefixes: ['site/'], base: '', move: true }, 'test', 'b', '')).toBe('Move 2 items to test: b/');
    expect(copyJobLabel({ keys: ['p/x', 'p/y'], prefixes: ['p/q/'], base: 'p/', move: false }, 'A', 'b', 'c/')).toBe('Copy 3 items from p/ to A: b/c/');
  });
});
