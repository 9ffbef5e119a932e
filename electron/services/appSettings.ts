// The settings a person changes in the app (shared/queue.ts AppSettings): their defaults, and one
// JSON file in the config folder that keeps them across restarts.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calls } from '../../shared/api.js';
import type { AppSettings } from '../../shared/queue.js';
import { DEFAULT_SETTINGS } from '../engine/settings.js';

export const DEFAULT_APP_SETTINGS: AppSettings = {
  partsInFlight: DEFAULT_SETTINGS.partsInFlight,
  filesInFlight: DEFAULT_SETTINGS.filesInFlight,
  bandwidthLimit: DEFAULT_SETTINGS.bandwidthLimit,
  // The app can ask, unlike a script: a person decides what happens to what is already there.
  ifExists: 'ask',
  // Long enough that a quick drop does not notify; a batch a person may have walked away from does.
  notifyAfterSeconds: 30,
};

export class AppSettingsFile {
  private readonly file: string;
  private current: AppSettings = { ...DEFAULT_APP_SETTINGS };

  constructor(configDir: string) {
    this.file = path.join(configDir, 'settings.json');
  }

  /** The saved settings over the defaults; a missing or damaged file gives the defaults (each value checked as a call's would be). */
  async load(): Promise<AppSettings> {
    try {
      const parsed = calls['settings.set'].safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      if (parsed.success) this.current = { ...DEFAULT_APP_SETTINGS, ...parsed.data };
    } catch {
      // None saved yet.
    }
    return { ...this.current };
  }

  get(): AppSettings {
    return { ...this.current };
  }

  async set(changes: Partial<AppSettings>): Promise<AppSettings> {
    this.current = { ...this.current, ...changes };
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(this.current, null, 2));
    await rename(temp, this.file);
    return { ...this.current };
  }
}
