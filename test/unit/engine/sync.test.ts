import { describe, expect, it } from 'vitest';
import { actionLine, excluder, localNameProblem, syncPrefix } from '../../../electron/engine/sync.js';

describe('sync --exclude', () => {
  it('a glob without "/" matches a name at any depth, with everything below a folder so named', () => {
    const out = excluder(['*.tmp', 'node_modules', '.DS_Store']);
    expect(out('a.tmp')).toBe(true);
    expect(out('deep/er/b.tmp')).toBe(true);
    expect(out('node_modules/x/index.js')).toBe(true);
    expect(out('pkg/node_modules/y.js')).toBe(true);
    expect(out('photos/.DS_Store')).toBe(true);
    expect(out('a.tmp.txt')).toBe(false);
    expect(out('my_node_modules/x')).toBe(false);
  });

  it('a glob with "/" matches the path from the top; a folder it names leaves out what is below', () => {
    const out = excluder(['build/**', 'docs/*.pdf', '/cache']);
    expect(out('build/app.js')).toBe(true);
    expect(out('src/build/app.js')).toBe(false);
    expect(out('docs/a.pdf')).toBe(true);
    expect(out('docs/old/a.pdf')).toBe(false);
    expect(out('cache/x/y')).toBe(true);
    expect(out('src/cache/x')).toBe(false);
    expect(out('empty/')).toBe(false);
  });

  it('leaves everything in without globs', () => {
    expect(excluder(undefined)('anything')).toBe(false);
    expect(excluder([])('a/b')).toBe(false);
  });
});

describe('local names a key cannot become', () => {
  it('on Windows: reserved characters, device names (with an extension too), a trailing dot or space', () => {
    expect(localNameProblem('a:b.txt', 'win32')).toMatch(/character Windows does not allow/);
    expect(localNameProblem('what?.txt', 'win32')).toMatch(/character/);
    expect(localNameProblem('CON', 'win32')).toMatch(/device name/);
    expect(localNameProblem('nul.tar.gz', 'win32')).toMatch(/device name/);
    expect(localNameProblem('report.', 'win32')).toMatch(/ends with a dot or a space/);
    expect(localNameProblem('report ', 'win32')).toMatch(/ends with a dot or a space/);
    expect(localNameProblem('console.txt', 'win32')).toBeUndefined();
    expect(localNameProblem('été 50% #1 +.txt', 'win32')).toBeUndefined();
  });

  it('elsewhere only the length: more than 255 bytes', () => {
    expect(localNameProblem('a:b?.txt', 'linux')).toBeUndefined();
    expect(localNameProblem('CON', 'darwin')).toBeUndefined();
    expect(localNameProblem('é'.repeat(128), 'linux')).toMatch(/255 bytes/);
    expect(localNameProblem('e'.repeat(255), 'linux')).toBeUndefined();
  });
});

describe('sync prefixes and action lines', () => {
  it('a prefix is a folder: the bucket, or ending in "/"', () => {
    expect(syncPrefix('')).toBe('');
    expect(syncPrefix('www')).toBe('www/');
    expect(syncPrefix('www/')).toBe('www/');
  });

  it('prints the same words for a dry run and a real one', () => {
    const sides = { relative: 'a b.txt', key: 'www/a b.txt', local: '/tmp/site/a b.txt' };
    expect(actionLine({ ...sides, kind: 'upload', change: 'create', size: 3, reason: 'new' }, 'b')).toBe('upload    a b.txt  → s3://b/www/a b.txt  (new)');
    expect(actionLine({ ...sides, kind: 'download', change: 'update', size: 3, reason: 'size differs' }, 'b')).toBe('download  s3://b/www/a b.txt  → a b.txt  (size differs)');
    expect(actionLine({ ...sides, kind: 'delete', side: 'remote', size: 3, reason: 'not in the folder' }, 'b')).toBe('delete    s3://b/www/a b.txt  (not in the folder)');
    expect(actionLine({ ...sides, kind: 'delete', side: 'local', size: 3, reason: 'gone' }, 'b')).toBe('delete    /tmp/site/a b.txt  (gone)');
    expect(actionLine({ ...sides, kind: 'skip', size: 3, reason: 'same size and time' }, 'b')).toBe('skip      a b.txt  (same size and time)');
  });
});
