import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, parseSize, resolveSettings } from '../../../electron/engine/settings.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('settings', () => {
  it('beats the usual tools defaults (rclone 4 × 5 MiB, AWS CLI 10 × 8 MB)', () => {
    expect(DEFAULT_SETTINGS.partsInFlight * DEFAULT_SETTINGS.partSize).toBeGreaterThan(10 * 8e6);
    expect(DEFAULT_SETTINGS.filesInFlight).toBeGreaterThan(10);
  });

  it('overlays user choices and refuses values outside the limits', () => {
    expect(resolveSettings({ partsInFlight: 4 }).partsInFlight).toBe(4);
    expect(() => resolveSettings({ partSize: 1024 })).toThrow(/partSize must be a whole number from 5242880/);
    expect(() => resolveSettings({ partsInFlight: 0 })).toThrow(/partsInFlight/);
    expect(() => resolveSettings({ crc32: 'maybe' as 'on' })).toThrow(/crc32/);
  });

  it('takes the data path from FERRY_DATA_PATH at start, an override over it, and refuses any other', async () => {
    expect(resolveSettings({ dataPath: 'sdk' }).dataPath).toBe('sdk');
    expect(() => resolveSettings({ dataPath: 'fast' as 'sdk' })).toThrow(/dataPath must be direct or sdk, not "fast"/);
    vi.stubEnv('FERRY_DATA_PATH', 'sdk');
    vi.resetModules();
    expect((await import('../../../electron/engine/settings.js')).resolveSettings().dataPath).toBe('sdk');
    vi.stubEnv('FERRY_DATA_PATH', 'bogus');
    vi.resetModules();
    const fresh = await import('../../../electron/engine/settings.js');
    expect(() => fresh.resolveSettings({ dataPath: 'direct' })).toThrow(/FERRY_DATA_PATH must be direct or sdk, not "bogus"/);
  });

  it('parses human sizes', () => {
    expect(parseSize('8MiB')).toBe(8 * 1024 * 1024);
    expect(parseSize('16M')).toBe(16 * 1024 * 1024);
    expect(parseSize('1g')).toBe(1024 ** 3);
    expect(parseSize('5242880')).toBe(5242880);
    expect(() => parseSize('lots')).toThrow(/not a size/);
  });
});
