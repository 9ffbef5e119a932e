import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinKey, keyForPath, lastName, parseS3Url, safeLocalPath } from '../../../electron/engine/keyPath.js';

const root = path.resolve('/tmp/ferry-root');

describe('safeLocalPath', () => {
  it('maps ordinary keys inside the folder', () => {
    expect(safeLocalPath(root, 'a/b/c.txt')).toBe(path.join(root, 'a', 'b', 'c.txt'));
    expect(safeLocalPath(root, 'ünï cødé + 100% #1 ?.txt')).toBe(path.join(root, 'ünï cødé + 100% #1 ?.txt'));
    expect(safeLocalPath(root, 'folder/')).toBe(path.join(root, 'folder'));
    expect(safeLocalPath(root, '..foo/bar..')).toBe(path.join(root, '..foo', 'bar..'));
  });

  it.each([
    ['../escape.txt', '".." segment'],
    ['a/../../escape.txt', '".." segment'],
    ['a/..', '".." segment'],
    ['./a', '"." segment'],
    ['/etc/passwd', 'absolute'],
    ['a\\..\\..\\escape', 'backslash'],
    ['C:/Windows/x', 'drive letter'],
    ['a//b', 'empty path segment'],
    ['a\0b', 'NUL'],
    ['', 'empty'],
  ])('refuses %j (%s)', (key, why) => {
    expect(() => safeLocalPath(root, key)).toThrow(expect.objectContaining({ code: 'PathOutsideTarget' }));
    expect(() => safeLocalPath(root, key)).toThrow(new RegExp(why.replace(/[.*+?^${}()|[\]\\"]/g, '\\$&')));
  });
});

describe('key helpers', () => {
  it('joins prefixes and names with one slash', () => {
    expect(joinKey('', 'a')).toBe('a');
    expect(joinKey('p', 'a')).toBe('p/a');
    expect(joinKey('p/', 'a')).toBe('p/a');
    expect(keyForPath('p/', path.join('x', 'y.txt'))).toBe('p/x/y.txt');
  });

  it('names the last segment of keys and prefixes', () => {
    expect(lastName('a/b/c.txt')).toBe('c.txt');
    expect(lastName('a/b/')).toBe('b');
    expect(lastName('top')).toBe('top');
  });

  it('parses s3 addresses', () => {
    expect(parseS3Url('s3://bucket')).toEqual({ bucket: 'bucket', key: '' });
    expect(parseS3Url('s3://bucket/')).toEqual({ bucket: 'bucket', key: '' });
    expect(parseS3Url('s3://bucket/a b/#c?')).toEqual({ bucket: 'bucket', key: 'a b/#c?' });
    expect(() => parseS3Url('bucket/key')).toThrow(/not an S3 address/);
  });
});
