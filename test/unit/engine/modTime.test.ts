import { describe, expect, it } from 'vitest';
import { formatModTime, headersWithModTime, modifyWindowMs, objectModTime, parseModTime, sameModTime } from '../../../electron/engine/modTime.js';

describe('the mtime metadata entry', () => {
  it('is written as rclone writes it: seconds, a dot and nine digits', () => {
    expect(formatModTime(1733200000708)).toBe('1733200000.708000000');
    expect(formatModTime(1733200000708.25)).toBe('1733200000.708250000');
    expect(formatModTime(0)).toBe('0.000000000');
  });

  it('reads back to the millisecond and below, without a float error', () => {
    expect(parseModTime('1733200000.708')).toBe(1733200000708);
    expect(parseModTime('1733200000.708000000')).toBe(1733200000708);
    expect(parseModTime(formatModTime(1796278165707.9))).toBeCloseTo(1796278165707.9, 3);
    expect(parseModTime('1733200000')).toBe(1733200000000);
    for (const bad of [undefined, '', 'yesterday', '1.2.3', '0x10', '1e9']) expect(parseModTime(bad)).toBeUndefined();
  });

  it('stands for the object\'s time; without it, LastModified', () => {
    const written = new Date('2026-01-02T03:04:05Z');
    expect(objectModTime({ mtime: '1733200000.5' }, written)).toBe(1733200000500);
    expect(objectModTime({ other: 'x' }, written)).toBe(written.getTime());
    expect(objectModTime(undefined, undefined)).toBeUndefined();
  });

  it('goes with every upload unless one was given', () => {
    expect(headersWithModTime({ cacheControl: 'no-cache', metadata: { build: '1' } }, 1733200000708)).toEqual({ cacheControl: 'no-cache', metadata: { build: '1', mtime: '1733200000.708000000' } });
    expect(headersWithModTime(undefined, 1000).metadata).toEqual({ mtime: '1.000000000' });
    const given = { metadata: { mtime: '5' } };
    expect(headersWithModTime(given, 1000)).toBe(given);
  });
});

describe('two times are the same', () => {
  it('within the precision the local file system keeps, as the file\'s own time shows it', () => {
    expect(modifyWindowMs(1733200000708.25)).toBe(1);
    expect(modifyWindowMs(1733200000710)).toBe(10);
    expect(modifyWindowMs(1733200000000)).toBe(2000);
    expect(sameModTime(1733200000708.25, 1733200000708.2505)).toBe(true);
    expect(sameModTime(1733200000708.25, 1733200000709.5)).toBe(false);
    // FAT: a whole-second file time against the object's precise one.
    expect(sameModTime(1733200000000, 1733200001300.25)).toBe(true);
    expect(sameModTime(1733200000000, 1733200003000)).toBe(false);
  });
});
