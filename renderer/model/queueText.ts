// What queue rows and group rows say in words: their state, time left, the notes under a name,
// and what a group did. Plain functions of the rows, so the components only lay them out.
import type { QueueKind, QueueState, SyncBatch } from '../../shared/queue.js';
import { excludedLine, extraLine, heldLine, syncedLine } from '../../shared/syncText.js';
import { copyCounts, copyRoute } from './copyRowText.js';
import { formatCount } from './format.js';
import type { QueueGroup, QueueRowView } from './queueModel.js';
import type { GroupState } from './queueTotals.js';

/** The last segment of a key or path: what a row is called. */
export function baseName(keyOrPath: string): string {
  const trimmed = keyOrPath.replace(/[/\\]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return trimmed.slice(cut + 1) || keyOrPath;
}

const MOVING: Record<QueueKind, string> = { upload: 'Uploading', download: 'Downloading', copy: 'Copying' };

const STATE_TEXT: Record<Exclude<QueueState, 'active'>, string> = { queued: 'Queued', paused: 'Paused', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' };

/** A browser's file still on its way to the host: 0..1 received, else undefined. */
export function receivingFraction(row: Pick<QueueRowView, 'received' | 'size'>): number | undefined {
  if (row.received === undefined || row.received >= row.size) return undefined;
  return row.size > 0 ? row.received / row.size : 0;
}

export function rowStateText(row: QueueRowView): string {
  if (row.state !== 'active') return STATE_TEXT[row.state];
  if (row.transferStatus === 'retrying') return 'Retrying';
  return row.copy?.move ? 'Moving' : MOVING[row.kind];
}

/** Seconds until a running row is done at its present rate; undefined when it is not running or not moving. */
export function secondsLeft(bytesLeft: number, rate: number, running: boolean): number | undefined {
  if (!running || rate <= 0 || bytesLeft <= 0) return undefined;
  return bytesLeft / rate;
}

export interface RowNote {
  tone: 'error' | 'warning' | 'info';
  text: string;
}

/** What a row says under its name besides where it goes: its error, why it retries, how much of it the host has, notes. */
export function rowNotes(row: QueueRowView): RowNote[] {
  const notes: RowNote[] = [];
  if (row.state === 'failed' && row.error) notes.push({ tone: 'error', text: row.error.message });
  if (row.state === 'active' && row.retryNote) notes.push({ tone: 'warning', text: row.retryNote });
  const receiving = receivingFraction(row);
  if (receiving !== undefined && row.state !== 'done' && row.state !== 'cancelled') notes.push({ tone: 'info', text: `Receiving ${Math.floor(receiving * 100)}%…` });
  if (row.note) notes.push({ tone: 'info', text: row.note });
  if (row.state === 'active' && row.notice) notes.push({ tone: 'info', text: row.notice });
  // A copy's counts once it has begun (the route is its name).
  if (row.copy && row.state !== 'failed' && (row.copy.objects > 0 || row.copy.listed)) notes.push({ tone: 'info', text: copyCounts(row.copy) });
  return notes;
}

/** What a row is called: a file's name, or what a copy copies and where. */
export function rowName(row: Pick<QueueRowView, 'key' | 'bucket' | 'copy'>): string {
  return row.copy ? copyRoute(row.copy, row.bucket, row.key) : baseName(row.key);
}

/** Where a row's bytes go: "photos/a.jpg → s3://b/photos/a.jpg"; a copy's source and target. */
export function rowRoute(row: Pick<QueueRowView, 'kind' | 'bucket' | 'key' | 'localPath' | 'copy'>): string {
  const remote = `s3://${row.bucket}/${row.key}`;
  if (row.copy) return `s3://${row.copy.sourceBucket}/${row.copy.what} → ${row.copy.targetName}: ${remote}`;
  return row.kind === 'upload' ? `${row.localPath} → ${remote}` : `${remote} → ${row.localPath}`;
}

const GROUP_STATE_TEXT: Record<Exclude<GroupState, 'active'>, string> = { planning: 'Finding files…', ...STATE_TEXT };

/** `sync`: a sync's batch, whose deletions come after its rows. */
export function groupStateText(state: GroupState, kind: QueueKind, sync?: SyncBatch): string {
  if (sync?.phase === 'deleting' && state !== 'active') return 'Deleting…';
  return state === 'active' ? MOVING[kind] : GROUP_STATE_TEXT[state];
}

/** Where a sync's deletions stand: "3 to delete", "deleting 3", "3 deleted", "3 deletions held". */
export function syncDeletionsText(sync: SyncBatch): string {
  const n = (value: number) => value.toLocaleString('en-US');
  switch (sync.phase) {
    case 'transferring':
      return `${n(sync.deletions)} to delete`;
    case 'deleting':
      return `deleting ${n(sync.deletions)}`;
    case 'done':
      return `${n(sync.deleted)} deleted`;
    case 'held':
      return `${formatCount(sync.deletions - sync.deleted, 'deletion', 'deletions')} held`;
  }
}

/** "12 of 40 files", with what else the batch did: "… · 3 skipped · 1 refused". */
export function groupFilesText(group: QueueGroup): string {
  const { totals, batch } = group;
  const [one, many] = group.kind === 'copy' ? ['copy', 'copies'] : ['file', 'files'];
  const parts = [`${totals.states.done.toLocaleString('en-US')} of ${formatCount(totals.files, one, many)}`];
  if (totals.states.failed > 0) parts.push(`${totals.states.failed.toLocaleString('en-US')} failed`);
  if (batch && batch.skipped.length > 0) parts.push(`${batch.skipped.length.toLocaleString('en-US')} skipped`);
  if (batch && batch.refused.length > 0) parts.push(`${batch.refused.length.toLocaleString('en-US')} refused`);
  if (batch?.sync && batch.sync.unchanged > 0) parts.push(`${batch.sync.unchanged.toLocaleString('en-US')} unchanged`);
  if (batch?.sync && batch.sync.deletions > 0) parts.push(syncDeletionsText(batch.sync));
  return parts.join(' · ');
}

/** Where a group's files go: a download's folder, an upload's bucket and prefix, a copy's account, bucket and prefix. */
export function groupTarget(group: QueueGroup): string {
  const batch = group.batch;
  if (!batch) return '';
  if (batch.kind === 'copy') return `to ${batch.target}`;
  return batch.kind === 'download' ? `to ${batch.target}` : `into s3://${batch.bucket}/${batch.target}`;
}

export interface GroupProblem {
  /** '' for a line about the whole batch (a sync's report). */
  item: string;
  text: string;
  tone: 'error' | 'info';
}

/** A sync's lines: its report once it ended (the command line's words), or why its deletions are held. */
function syncLines(group: QueueGroup): GroupProblem[] {
  const report = group.ended?.sync;
  const sync = group.batch?.sync;
  const line = (text: string, tone: GroupProblem['tone']): GroupProblem => ({ item: '', text, tone });
  if (!report) return sync?.phase === 'held' ? [line(heldLine(sync.deletions - sync.deleted, sync.heldBecause), 'error')] : [];
  const lines = [line(`${syncedLine(report)}.`, 'info')];
  if (report.deletionsHeld > 0) lines.push(line(heldLine(report.deletionsHeld, report.heldBecause), 'error'));
  if (report.extra > 0) lines.push(line(extraLine(report.extra), 'info'));
  if (report.excluded > 0) lines.push(line(excludedLine(report.excluded), 'info'));
  return lines;
}

/** A group's items that did not go as asked: a sync's report first, failures (its `batch` event's, or the refusals known so far), then skips. */
export function groupProblems(group: QueueGroup): GroupProblem[] {
  const failures = group.ended?.failures ?? group.batch?.refused ?? [];
  const problems: GroupProblem[] = [...syncLines(group), ...failures.map((f): GroupProblem => ({ item: f.item, text: f.error.message, tone: 'error' }))];
  for (const s of group.batch?.skipped ?? []) problems.push({ item: s.item, text: `skipped: ${s.reason}`, tone: 'info' });
  return problems;
}
