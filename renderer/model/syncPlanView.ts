// Synchronize…'s words and table: what a compared sync would do in a sentence (the command line's
// dry-run words), what it deletes, which rows a filter shows, and the options' defaults.
import type { SyncPlanRow, SyncPlanSummary } from '../../shared/api.js';
import { formatBytes, formatCount } from './format.js';

/** Which rows the table shows: the changes (what a person checks), the unchanged files, or both. */
export type PlanFilter = 'changes' | 'unchanged' | 'all';

export const PLAN_FILTERS: readonly PlanFilter[] = ['changes', 'unchanged', 'all'];

const FILTER_LABEL: Record<PlanFilter, string> = { changes: 'Changes', unchanged: 'Unchanged', all: 'All' };

/** The options a person sets before comparing; `exclude` as typed, one glob a line. */
export interface SyncOptions {
  direction: 'up' | 'down';
  folder: string;
  checksum: boolean;
  delete: boolean;
  exclude: string;
}

/** The folder a sync starts with: named like the prefix (as Download would name it), or the bucket at its top. */
export function defaultFolderName(bucket: string, prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || bucket;
}

/** The exclusions as the host takes them: one glob a line, blank lines and surrounding spaces dropped. */
export function excludeGlobs(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

export function s3Url(bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix}`;
}

/** How many items each filter holds: every change and unchanged file, not only the rows sent. */
export function filterCounts(plan: SyncPlanSummary): Record<PlanFilter, number> {
  const { counts } = plan;
  const changes = counts.create + counts.update + counts.delete + counts.folders;
  return { changes, unchanged: counts.unchanged, all: changes + counts.unchanged };
}

export function filterLabel(filter: PlanFilter, plan: SyncPlanSummary): string {
  return `${FILTER_LABEL[filter]} (${filterCounts(plan)[filter].toLocaleString('en-US')})`;
}

/** The filter a plan opens with: its changes, or (nothing to do) its unchanged files. */
export function firstFilter(plan: SyncPlanSummary): PlanFilter {
  return filterCounts(plan).changes > 0 ? 'changes' : 'all';
}

/** The rows a filter shows, in the plan's order (changes, then unchanged). */
export function filteredRows(rows: readonly SyncPlanRow[], filter: PlanFilter): readonly SyncPlanRow[] {
  if (filter === 'all') return rows;
  const unchanged = filter === 'unchanged';
  return rows.filter((row) => (row.kind === 'skip') === unchanged);
}

/** Rows of the filter the host left out of the table (the counts cover them). */
export function rowsLeftOut(plan: SyncPlanSummary, filter: PlanFilter): number {
  const { changes, unchanged } = plan.rowsLeftOut;
  return filter === 'changes' ? changes : filter === 'unchanged' ? unchanged : changes + unchanged;
}

/** Whether starting would change anything (a transfer, a deletion or an empty folder). */
export function hasWork(plan: SyncPlanSummary): boolean {
  return filterCounts(plan).changes > 0;
}

/** "Would create 3, update 1 and delete 2, and make 1 empty folder; 20,000 unchanged (4.1 MiB to send)." */
export function planSentence(plan: SyncPlanSummary): string {
  const { counts } = plan;
  const n = (value: number) => value.toLocaleString('en-US');
  const folders = counts.folders > 0 ? `, and make ${formatCount(counts.folders, 'empty folder', 'empty folders')}` : '';
  return `Would create ${n(counts.create)}, update ${n(counts.update)} and delete ${n(counts.delete)}${folders}; ${n(counts.unchanged)} unchanged (${formatBytes(plan.bytes.send)} to send).`;
}

/** How the comparison went: "Compared in 1.20 s, 3 object times read with HEAD." */
export function comparedSentence(plan: SyncPlanSummary): string {
  const heads = plan.heads > 0 ? `, ${formatCount(plan.heads, 'object time', 'object times')} read with HEAD` : '';
  const hashed = plan.hashed > 0 ? `, ${formatCount(plan.hashed, 'local file', 'local files')} hashed` : '';
  return `Compared in ${plan.seconds.toFixed(2)} s${heads}${hashed}.`;
}

/** What the deletions remove, said before they are confirmed; undefined when there are none. */
export function deletionWarning(plan: SyncPlanSummary): string | undefined {
  const { delete: deletions } = plan.counts;
  if (deletions === 0) return undefined;
  const bytes = plan.bytes.delete > 0 ? ` (${formatBytes(plan.bytes.delete)})` : '';
  const where = s3Url(plan.bucket, plan.prefix);
  const [they, are, They] = deletions === 1 ? ['it', 'is', 'It'] : ['they', 'are', 'They'];
  const what = plan.direction === 'up' ? `${formatCount(deletions, 'object', 'objects')}${bytes} below ${where}: ${they} ${are} not in ${plan.folder}` : `${formatCount(deletions, 'file', 'files')}${bytes} in ${plan.folder}: ${they} ${are} not below ${where}`;
  return `Deletes ${what}. ${They} ${are} deleted last, and not at all if a transfer fails.`;
}
