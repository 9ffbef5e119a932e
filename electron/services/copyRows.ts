// The app's copies and moves (`objects.copy`) as rows of the queue: what a row is called, and what
// a copy's result makes of its row (its counts, and the failures its batch reports).

import type { CopyCounts } from '../../shared/queue.js';
import type { CopyInput, CopyResult } from '../engine/copy.js';
import { FerryError } from '../engine/errors.js';

// A batch event carries this many of a copy's failures at most; the row's error counts them all.
export const COPY_FAILURES_KEPT = 100;

/** What is copied, for a person: one item below the folder shown, or a count ("3 items from photos/"). */
export function copyWhat(input: Pick<CopyInput, 'keys' | 'prefixes' | 'base'>): string {
  const items = [...input.prefixes, ...input.keys];
  return items.length === 1 ? (items[0] ?? '').slice(input.base.length) : `${items.length} items${input.base ? ` from ${input.base}` : ''}`;
}

/** The batch's label: "Copy photo.jpg to Backup: archive/", "Move 3 items from photos/ to Backup: archive/2024/". */
export function copyLabel(input: Pick<CopyInput, 'keys' | 'prefixes' | 'base' | 'move'>, targetName: string, targetBucket: string, targetPrefix: string): string {
  return `${input.move ? 'Move' : 'Copy'} ${copyWhat(input)} to ${targetName}: ${targetBucket}/${targetPrefix}`;
}

/** A copy's progress as its row's counts. */
export function copyCounts(progress: CopyCounts): CopyCounts {
  const { listed, objects, copied, skipped, failed, deleted } = progress;
  return { listed, objects, copied, skipped, failed, deleted };
}

/** A run with failures fails its row: the error counts them and names the first (a retry copies only what is missing). */
export function copyFailure(result: Pick<CopyResult, 'objects' | 'failures'>): FerryError | undefined {
  const first = result.failures[0];
  if (!first) return undefined;
  const count = result.failures.length;
  const what = count === 1 ? `${first.item}: ${first.error.message}` : `${count.toLocaleString('en-US')} of ${result.objects.toLocaleString('en-US')} objects failed; the first, ${first.item}: ${first.error.message}`;
  return new FerryError(first.error.code, what);
}
