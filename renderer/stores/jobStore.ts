// Jobs the host runs and reports by events (header changes): each job as its latest event,
// the ones shown as cards in the corner (started from this page), and starting and cancelling them.
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { CallName, CallRequest, CallResult } from '../../shared/api.js';
import { call } from '../bridge.js';
import { reportError } from './uiStore.js';

export interface JobEvent {
  jobId: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
}

export interface JobStore<E extends JobEvent, Start extends CallName> {
  /** The latest event of each job. */
  jobs: ReadonlyMap<string, E>;
  /** Jobs shown in the corner, oldest first, until dismissed. */
  shown: readonly string[];
  /** `show`: a card in the corner follows it. Refusals come back to show in place. */
  start: (request: CallRequest<Start>, show: boolean) => Promise<CallResult<Start>>;
  receive: (event: E) => void;
  cancel: (jobId: string) => Promise<void>;
  /** Forgets an ended job (its card goes). */
  dismiss: (jobId: string) => void;
}

// Ended jobs nobody follows (started in another window) are forgotten beyond this many.
const KEPT_JOBS = 100;

/**
 * A store of one kind of job: `startCall` starts one (answering `{ jobId }`), `cancelCall` stops
 * it; `onEnded` runs when a job this page started ends (a view may need reading again).
 */
export function createJobStore<E extends JobEvent, Start extends 'objects.changeHeaders'>(
  startCall: Start,
  cancelCall: 'objects.cancelHeaderChange',
  onEnded: (job: E) => void,
): UseBoundStore<StoreApi<JobStore<E, Start>>> {
  // Jobs this page started.
  const startedHere = new Set<string>();
  return create<JobStore<E, Start>>()((set, get) => ({
    jobs: new Map(),
    shown: [],

    start: async (request, show) => {
      const result = await call<Start>(startCall, request);
      if (result.ok) {
        const { jobId } = result.value;
        startedHere.add(jobId);
        if (show) set((s) => ({ shown: [...s.shown, jobId] }));
        // The job may have ended before its id came back.
        const job = get().jobs.get(jobId);
        if (job && job.status !== 'running') onEnded(job);
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
      if (event.status !== 'running' && startedHere.has(event.jobId)) onEnded(event);
    },

    cancel: async (jobId) => {
      const result = await call(cancelCall, { jobId });
      if (!result.ok) reportError(result.error);
    },

    dismiss: (jobId) => {
      startedHere.delete(jobId);
      const jobs = new Map(get().jobs);
      jobs.delete(jobId);
      set((s) => ({ jobs, shown: s.shown.filter((id) => id !== jobId) }));
    },
  }));
}
