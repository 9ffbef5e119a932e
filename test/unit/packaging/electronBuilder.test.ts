// electron-builder cannot package here (no Electron download), so its configuration is checked the
// way electron-builder itself checks it before building: its own loader and schema validator.

import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../../..');

interface BuilderConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
}
const builder = require('app-builder-lib/out/util/config/config.js') as BuilderConfigModule;
const logger = { isEnabled: false, add() {} };

describe('electron-builder.yml', () => {
  it('passes electron-builder\'s own schema validation, and the check can fail', async () => {
    const config = await builder.getConfig(root, null, null);
    await expect(builder.validateConfiguration(config, logger)).resolves.toBeUndefined();
    await expect(builder.validateConfiguration({ ...config, linux: { notAnOption: true } }, logger)).rejects.toThrow(/does not match the API schema/);
  });

  it('builds installers for Linux, macOS and Windows, with the keychain module outside the archive', async () => {
    const config = (await builder.getConfig(root, null, null)) as { linux: { target: string[] }; mac: { target: string }; win: { target: string }; asarUnpack: string[]; files: unknown };
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    expect(config.asarUnpack).toContain('**/node_modules/keytar/**');
    expect(JSON.stringify(config.files)).toContain('dist/**/*');
  });
});
