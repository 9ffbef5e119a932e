// Synchronize…: the place it was opened on, the options, the comparison (kept on the host as a
// plan until started or discarded), and starting it through the queue. Errors stay in the dialog.
import { create } from 'zustand';
import type { SyncPlanSummary } from '../../shared/api.js';
import { call } from '../bridge.js';
import { defaultFolderName, excludeGlobs, firstFilter, type PlanFilter, type SyncOptions } from '../model/syncPlanView.js';
import { newRequestId } from '../requestIds.js';

export interface SyncPlace {
  accountId: string;
  bucket: string;
  /** '' (the bucket) or ending in '/'. */
  prefix: string;
}

/** options: being set; comparing: the host lists both sides; plan: shown, waiting for Synchronize; starting. */
export type SyncStep = 'options' | 'comparing' | 'plan' | 'starting';

interface SyncStore {
  place: SyncPlace | null;
  options: SyncOptions;
  step: SyncStep;
  /** The comparison under way or shown: its id on the host. */
  planId: string | null;
  plan: SyncPlanSummary | null;
  filter: PlanFilter;
  error: string | null;
  open: (place: SyncPlace) => void;
  setOptions: (changes: Partial<SyncOptions>) => void;
  /** Electron: the folder dialog; the choice becomes the folder. */
  chooseFolder: () => Promise<void>;
  compare: () => Promise<void>;
  /** Back to the options (the plan is discarded). */
  back: () => void;
  /** Starts the plan through the queue; true once it is queued. */
  start: () => Promise<boolean>;
  setFilter: (filter: PlanFilter) => void;
  /** The dialog closes: a comparison stops, a plan not started is discarded. */
  close: () => void;
}

const initialOptions: SyncOptions = { direction: 'up', folder: '', checksum: false, delete: false, exclude: '' };

/** Tells the host a plan (or a comparison) is no longer wanted; nothing waits on the answer. */
function discard(planId: string | null): void {
  if (planId !== null) void call('sync.discard', { planId });
}

export const useSyncStore = create<SyncStore>()((set, get) => ({
  place: null,
  options: initialOptions,
  step: 'options',
  planId: null,
  plan: null,
  filter: 'changes',
  error: null,

  open: (place) => {
    discard(get().planId);
    set({ place, options: { ...initialOptions, folder: defaultFolderName(place.bucket, place.prefix) }, step: 'options', planId: null, plan: null, error: null });
  },

  setOptions: (changes) => set((s) => ({ options: { ...s.options, ...changes }, error: null })),

  chooseFolder: async () => {
    const result = await call('sync.chooseFolder', {});
    if (!result.ok) set({ error: result.error.message });
    else if (result.value.folder !== null) get().setOptions({ folder: result.value.folder });
  },

  compare: async () => {
    const { place, options } = get();
    if (!place) return;
    const planId = newRequestId();
    set({ step: 'comparing', planId, plan: null, error: null });
    const result = await call('sync.plan', {
      ...place,
      planId,
      folder: options.folder,
      direction: options.direction,
      compare: options.checksum ? 'checksum' : 'time',
      delete: options.delete,
      exclude: excludeGlobs(options.exclude),
    });
    // Closed, or another comparison begun, meanwhile: this one's answer is no one's.
    if (get().planId !== planId) {
      if (result.ok) discard(planId);
      return;
    }
    if (result.ok) set({ step: 'plan', plan: result.value, filter: firstFilter(result.value) });
    else set({ step: 'options', planId: null, error: result.error.message });
  },

  back: () => {
    discard(get().planId);
    set({ step: 'options', planId: null, plan: null, error: null });
  },

  start: async () => {
    const { plan } = get();
    if (!plan) return false;
    set({ step: 'starting', error: null });
    const result = await call('sync.start', { planId: plan.planId });
    if (result.ok) {
      // Started: the host took the plan; the dialog closes showing it.
      set({ planId: null });
      return true;
    }
    // A plan that is gone (expired) must be compared again; the options are still there.
    set({ step: 'plan', error: result.error.message });
    return false;
  },

  setFilter: (filter) => set({ filter }),

  close: () => {
    discard(get().planId);
    set({ place: null, step: 'options', planId: null, plan: null, error: null });
  },
}));
