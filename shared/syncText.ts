// What a sync says when it ends, in the command line's words (`ferry sync` prints the same
// sentences): the queue's group row, the system notification and Synchronize…'s dialog use these.

import type { SyncReport } from './api.js';

/** The app's name for --delete: the option's label, and what the notes point to. */
export const DELETE_OPTION = 'Delete what is not on the source';

/** The app's name for --exclude. */
export const EXCLUDE_OPTION = 'Exclude';

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** "Synced: 2 created, 1 updated, 1 deleted, 10 unchanged", and ", 1 empty folder made" when there was one. */
export function syncedLine(report: SyncReport): string {
  const folders = report.folders > 0 ? `, ${count(report.folders, 'empty folder', 'empty folders')} made` : '';
  const n = (value: number) => value.toLocaleString('en-US');
  return `Synced: ${n(report.created)} created, ${n(report.updated)} updated, ${n(report.deleted)} deleted, ${n(report.unchanged)} unchanged${folders}`;
}

const HELD_BECAUSE: Record<NonNullable<SyncReport['heldBecause']>, string> = {
  failed: 'because a transfer failed; retry it, or synchronize again',
  cancelled: 'because the sync was cancelled',
  restarted: 'because Ferry stopped during the sync; synchronize again to make them',
};

/** "3 deletions were not made because a transfer failed; …". */
export function heldLine(held: number, because: SyncReport['heldBecause']): string {
  return `${count(held, 'deletion was', 'deletions were')} not made ${HELD_BECAUSE[because ?? 'failed']}.`;
}

/** Items the sync left on the target because deleting was not asked for. */
export function extraLine(extra: number): string {
  return `${count(extra, 'item is', 'items are')} on the target but not on the source; kept (“${DELETE_OPTION}” removes them).`;
}

export function excludedLine(excluded: number): string {
  return `${count(excluded, 'item', 'items')} left out by ${EXCLUDE_OPTION}.`;
}

/** Every sentence of a report: the Synced line, then what was held and what was left alone. */
export function reportLines(report: SyncReport): string[] {
  const lines = [`${syncedLine(report)}.`];
  if (report.deletionsHeld > 0) lines.push(heldLine(report.deletionsHeld, report.heldBecause));
  if (report.extra > 0) lines.push(extraLine(report.extra));
  if (report.excluded > 0) lines.push(excludedLine(report.excluded));
  return lines;
}
