// How a copy or move reads on screen: where it goes, how far it got while it runs, and what it did.
import type { CopyJobEvent } from '../../shared/api.js';
import { formatBytes } from './format.js';
import { countProgress, jobSentence } from './headerChangeText.js';

/** Objects finished so far (and bytes copied), and the part of the whole (null while the listing still finds more). */
export function copyProgress(job: CopyJobEvent): { text: string; fraction: number | null } {
  return countProgress(job.copied + job.skipped + job.failed, job.objects, job.listed, job.failed, job.bytes > 0 ? ` (${formatBytes(job.bytes)})` : '');
}

/** The end, in a sentence: what was copied (and how), what was passed over, deleted, failed. */
export function copySummary(job: CopyJobEvent): string {
  const how = job.streamed ? ' through this computer' : ' on the server';
  const parts = [`${job.copied.toLocaleString('en-US')} ${job.move ? 'moved' : 'copied'}${job.copied > 0 ? how : ''}`];
  if (job.skipped > 0) parts.push(`${job.skipped.toLocaleString('en-US')} already there`);
  if (job.move && job.deleted !== job.copied + job.skipped) parts.push(`${job.deleted.toLocaleString('en-US')} removed from where they were`);
  if (job.failed > 0) parts.push(`${job.failed.toLocaleString('en-US')} failed`);
  return jobSentence(job, parts.join(', '), copyProgress(job).text);
}

/** A folder typed as a prefix: no leading slash, one trailing slash (empty: the top of the bucket). */
export function folderPrefix(text: string): string {
  const trimmed = text.trim().replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
