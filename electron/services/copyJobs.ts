// The app's copies and moves between buckets and accounts (`objects.copy`): each a job on the
// target account's engine (copy.ts) that reports through `copyJob` events and stops when cancelled.

import type { AppEvent, CopyJobEvent } from '../../shared/api.js';
import type { CopyInput, CopyProgress } from '../engine/copy.js';
import type { TransferEngine } from '../engine/engine.js';
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

export class CopyJobs extends JobSet {
  constructor(private readonly emit: (event: AppEvent) => void) {
    super();
  }

  /** Starts the copy into `target`'s account; from `from`'s account when it is another one. */
  start(target: TransferEngine, from: TransferEngine | undefined, input: CopyInput, label: string): { jobId: string } {
    let last: CopyProgress = { listed: false, objects: 0, copied: 0, skipped: 0, failed: 0, deleted: 0, bytes: 0, totalBytes: 0 };
    let send = (_status: CopyJobEvent['status'], _progress: CopyProgress, _failures: CopyJobEvent['failures'] = []): void => undefined;
    const jobId = this.launch(
      (id, signal) => {
        send = (status, progress, failures = []) =>
          this.emit({ type: 'copyJob', jobId: id, move: input.move === true, label, ...progress, streamed: from !== undefined, failures: failures.slice(0, FAILURES_SHOWN), status });
        send('running', last);
        return target.copy(input, { signal, onProgress: (progress) => ((last = progress), signal.aborted || send('running', progress)) }, from);
      },
      {
        done: (result) => {
          const counts = { ...last, listed: true, objects: result.objects, copied: result.copied, skipped: result.skipped, deleted: result.deleted, bytes: result.bytes, failed: result.failures.length };
          send(result.failures.length > 0 ? 'failed' : 'done', counts, result.failures);
        },
        failed: (error) => send('failed', last, [{ item: `s3://${input.sourceBucket}/${[...input.prefixes, ...input.keys][0] ?? ''}`, error }]),
        cancelled: () => send('cancelled', last),
      },
    );
    return { jobId };
  }
}
