// The Info panel's data: one object's details from `browse.info`, for the file the user is on.
import { create } from 'zustand';
import type { ObjectDetails } from '../../shared/api.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { call } from '../bridge.js';

interface ObjectInfoStore {
  /** `accountId bucket key` of what is shown or loading, so a repeat request is skipped. */
  target: string | null;
  details: ObjectDetails | null;
  loading: boolean;
  error: ErrorInfo | null;
  show: (accountId: string, bucket: string, key: string) => Promise<void>;
  /** Reads the shown object again (its headers changed); the details stay on screen meanwhile. */
  reload: () => Promise<void>;
  clear: () => void;
}

// The object behind `target`, as the call wants it.
let shown: { accountId: string; bucket: string; key: string } | null = null;

export const useObjectInfoStore = create<ObjectInfoStore>()((set, get) => {
  async function read(loading: boolean): Promise<void> {
    if (!shown) return;
    const target = get().target;
    if (loading) set({ details: null, loading: true, error: null });
    const result = await call('browse.info', shown);
    // Arrow keys move faster than HEAD requests: only the last request's answer is shown.
    if (get().target !== target) return;
    if (result.ok) set({ details: result.value, loading: false, error: null });
    else set({ error: result.error, loading: false });
  }

  return {
    target: null,
    details: null,
    loading: false,
    error: null,
    show: async (accountId, bucket, key) => {
      const target = `${accountId} ${bucket} ${key}`;
      if (get().target === target) return;
      shown = { accountId, bucket, key };
      set({ target });
      await read(true);
    },
    reload: () => read(false),
    clear: () => {
      shown = null;
      set({ target: null, details: null, loading: false, error: null });
    },
  };
});
