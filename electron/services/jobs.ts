// Jobs the app starts and reports by events (header changes, copies): each has an id and can be
// cancelled until it ends; closing the service cancels what still runs.

import { randomUUID } from 'node:crypto';

export class JobSet {
  private readonly running = new Map<string, AbortController>();

  /** A new job: its id, and the signal that cancels it. */
  begin(): { jobId: string; signal: AbortSignal } {
    const jobId = randomUUID();
    const controller = new AbortController();
    this.running.set(jobId, controller);
    return { jobId, signal: controller.signal };
  }

  end(jobId: string): void {
    this.running.delete(jobId);
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
