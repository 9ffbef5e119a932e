// The settings a person changes while transfers run (parts and files in flight, bandwidth limit,
// what to do when a target exists, when to notify): the host's copy, changed through `settings.set`
// and kept current by `settings` events (another window may change them too).
import { create } from 'zustand';
import type { CallResult, SettingsEvent } from '../../shared/api.js';
import type { AppSettings } from '../../shared/queue.js';
import { call } from '../bridge.js';
import { reportError } from './uiStore.js';

interface SettingsStore {
  /** null until the host has answered. */
  settings: AppSettings | null;
  load: () => Promise<void>;
  receive: (event: SettingsEvent) => void;
  /** Applies at once, to running transfers too; the dialog shows a refusal in place. */
  update: (change: Partial<AppSettings>) => Promise<CallResult<'settings.set'>>;
}

export const useSettingsStore = create<SettingsStore>()((set) => ({
  settings: null,

  load: async () => {
    const result = await call('settings.get', {});
    if (result.ok) set({ settings: result.value });
    else reportError(result.error);
  },

  receive: (event) => set({ settings: event.settings }),

  update: async (change) => {
    const result = await call('settings.set', change);
    if (result.ok) set({ settings: result.value });
    return result;
  },
}));
