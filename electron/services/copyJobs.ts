// The app's copies and moves between buckets and accounts (`objects.copy`): each a job on the
// target account's engine (copy.ts) that reports through `copyJob` events and stops when cancelled.

import type { AppEvent, CopyJobEvent } from '../../shared/api.js';
import type { CopyInput, CopyProgress } from '../engine/copy.js';
import type { TransferEngine } from '../engine/engine.js';
import { asFerryError } from '../engine/errors.js';
import { JobSet } from './jobs.js';

// An event carries this many failures at most; the count says how many there were.
const FAILURES_SHOWN = 100;

/** What is asked, for a person: "Copy photo.jpg to Backup: archive/", "Move 3 items from photos/ to Backup: archive/2024/". */
export function copyJobLabel(input: Pick<CopyInput, 'keys' | 'prefixes' | 'base' | 'move'>, targetName: string, targetBucket: string, targetPrefix: string): string {
  const items = [...input.prefixes, ...input.keys];
  const verb = input.move ? 'Move' : 'Copy';
  const what = items.length === 1 ? (items[0] ?? '').slice(input.base.length) : `${items.length} items${input.base ? ` from ${input.base}` : ''}`;
  return `${verb} ${what} to ${targetName}: ${targetBucket}/${targetPrefix}`;
}

export class CopyJobs {
  private readonly jobs = new JobSet();

  constructor(private readonly emit: (event: AppEvent) => void) {}

  /** Starts the copy into `target`'s account; from `from`'s account when it is another one. */
  start(target: TransferEngine, from: TransferEngine | undefined, input: CopyInput, label: string): { jobId: string } {
    const { jobId, signal } = this.jobs.begin();
    let last: CopyProgress = { listed: false, objects: 0, copied: 0, skipped: 0, failed: 0, deleted: 0, bytes: 0 };
    const send = (status: CopyJobEvent['status'], progress: CopyProgress, failures: CopyJobEvent['failures'] = []) => {
      this.emit({ type: 'copyJob', jobId, move: input.move === true, label, ...progress, streamed: from !== undefined, failures: failures.slice(0, FAILURES_SHOWN), status });
    };
    send('running', last);
    void target
      .copy(input, { signal, onProgress: (progress) => ((last = progress), signal.aborted || send('running', progress)) }, from)
      .then(
        (result) => {
          const counts = { ...last, listed: true, objects: result.objects, copied: result.copied, skipped: result.skipped, deleted: result.deleted, bytes: result.bytes, failed: result.failures.length };
          send(result.failures.length > 0 ? 'failed' : 'done', counts, result.failures);
        },
        (error: unknown) => {
          const info = asFerryError(error).toInfo();
          if (info.code === 'Cancelled') send('cancelled', last);
          else send('failed', last, [{ item: `s3://${input.sourceBucket}/${[...input.prefixes, ...input.keys][0] ?? ''}`, error: info }]);
        },
      )
      .finally(() => this.jobs.end(jobId));
    return { jobId };
  }

  cancel(jobId: string): boolean {
    return this.jobs.cancel(jobId);
  }

  close(): void {
    this.jobs.close();
  }
}
