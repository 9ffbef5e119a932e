// How a copy or move reads in the queue: its name (what goes where), and how far it got.
import type { CopyRowInfo } from '../../shared/queue.js';
import { formatCount } from './format.js';

/** "assets/ → Backup: b/mirror/": what is copied and where it goes. */
export function copyRoute(copy: Pick<CopyRowInfo, 'what' | 'targetName'>, bucket: string, key: string): string {
  return `${copy.what} → ${copy.targetName}: ${bucket}/${key}`;
}

/** Objects finished so far, and what else happened: "4 of 10 objects · 1 already there · 3 removed from where they were · 1 failed". */
export function copyCounts(copy: CopyRowInfo): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const finished = copy.copied + copy.skipped + copy.failed;
  const parts = [copy.listed ? `${n(finished)} of ${formatCount(copy.objects, 'object', 'objects')}` : `${n(finished)} done, ${formatCount(copy.objects, 'object', 'objects')} found so far`];
  if (copy.skipped > 0) parts.push(`${n(copy.skipped)} already there`);
  if (copy.move && copy.deleted > 0) parts.push(`${n(copy.deleted)} removed from where ${copy.deleted === 1 ? 'it was' : 'they were'}`);
  if (copy.failed > 0) parts.push(`${n(copy.failed)} failed`);
  return parts.join(' · ');
}

/** A folder typed as a prefix: no leading slash, one trailing slash (empty: the top of the bucket). */
export function folderPrefix(text: string): string {
  const trimmed = text.trim().replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
