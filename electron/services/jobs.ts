// Jobs the app starts and reports by events (header changes): each has an id, runs its
// work with a signal that cancels it, and says how it ended; closing the service cancels what runs.

import { randomUUID } from 'node:crypto';
import type { ErrorInfo } from '../../shared/errors.js';
import { asFerryError } from '../engine/errors.js';

export interface JobEnd<R> {
  done: (result: R) => void;
  /** The work failed as a whole (not item by item): the reason. */
  failed: (error: ErrorInfo) => void;
  cancelled: () => void;
}

export class JobSet {
  private readonly running = new Map<string, AbortController>();

  /** Starts `work` as a new job and returns its id at once; `end` hears how it ended. */
  protected launch<R>(work: (jobId: string, signal: AbortSignal) => Promise<R>, end: JobEnd<R>): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    this.running.set(jobId, controller);
    void work(jobId, controller.signal)
      .then(end.done, (error: unknown) => {
        const info = asFerryError(error).toInfo();
        if (info.code === 'Cancelled') end.cancelled();
        else end.failed(info);
      })
      .finally(() => this.running.delete(jobId));
    return jobId;
  }

  /** False when the job is not running (ended already, or never was). */
  cancel(jobId: string): boolean {
    const controller = this.running.get(jobId);
    controller?.abort();
    return controller !== undefined;
  }

  close(): void {
    for (const controller of this.running.values()) controller.abort();
  }
}
