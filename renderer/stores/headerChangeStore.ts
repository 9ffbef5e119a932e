// Header changes in place (`objects.changeHeaders`): each job as its latest `headerChange` event,
// the ones shown in the corner (started by Change headers…), and starting and cancelling them.
import { create } from 'zustand';
import type { CallRequest, CallResult, HeaderChangeEvent } from '../../shared/api.js';
import { call } from '../bridge.js';
import { useObjectInfoStore } from './objectInfoStore.js';
import { reportError } from './uiStore.js';

interface HeaderChangeStore {
  /** The latest event of each job. */
  jobs: ReadonlyMap<string, HeaderChangeEvent>;
  /** Jobs shown in the corner, oldest first, until dismissed. */
  shown: readonly string[];
  /** `show`: a card in the corner follows it (the info panel follows its own). Refusals come back to show in place. */
  start: (request: CallRequest<'objects.changeHeaders'>, show: boolean) => Promise<CallResult<'objects.changeHeaders'>>;
  receive: (event: HeaderChangeEvent) => void;
  cancel: (jobId: string) => Promise<void>;
  /** Forgets an ended job (its card goes). */
  dismiss: (jobId: string) => void;
}

// Ended jobs nobody follows (started in another window) are forgotten beyond this many.
const KEPT_JOBS = 100;

// Jobs this page started: when one ends, the info panel reads its object again (it may be one of them).
const startedHere = new Set<string>();

export const useHeaderChangeStore = create<HeaderChangeStore>()((set, get) => ({
  jobs: new Map(),
  shown: [],

  start: async (request, show) => {
    const result = await call('objects.changeHeaders', request);
    if (result.ok) {
      startedHere.add(result.value.jobId);
      if (show) set((s) => ({ shown: [...s.shown, result.value.jobId] }));
      // The job may have ended before its id came back.
      const job = get().jobs.get(result.value.jobId);
      if (job && job.status !== 'running') void useObjectInfoStore.getState().reload();
    }
    return result;
  },

  receive: (event) => {
    const jobs = new Map(get().jobs);
    jobs.set(event.jobId, event);
    if (jobs.size > KEPT_JOBS) {
      const { shown } = get();
      for (const [jobId, job] of jobs) if (job.status !== 'running' && !shown.includes(jobId) && !startedHere.has(jobId)) jobs.delete(jobId);
    }
    set({ jobs });
    if (event.status !== 'running' && startedHere.has(event.jobId)) void useObjectInfoStore.getState().reload();
  },

  cancel: async (jobId) => {
    const result = await call('objects.cancelHeaderChange', { jobId });
    if (!result.ok) reportError(result.error);
  },

  dismiss: (jobId) => {
    startedHere.delete(jobId);
    const jobs = new Map(get().jobs);
    jobs.delete(jobId);
    set((s) => ({ jobs, shown: s.shown.filter((id) => id !== jobId) }));
  },
}));
