// How a header change in place reads on screen: how far it got while it runs, and what it did.
import type { HeaderChangeEvent } from '../../shared/api.js';
import { formatCount } from './format.js';

/**
 * A job over many objects: how many are finished (with `detail`, e.g. the bytes), and the part of
 * the whole (null while the listing still finds more).
 */
export function countProgress(done: number, objects: number, listed: boolean, failed: number, detail = ''): { text: string; fraction: number | null } {
  const failedText = failed > 0 ? `, ${failed.toLocaleString('en-US')} failed` : '';
  if (!listed) return { text: `${done.toLocaleString('en-US')} done${detail}, ${formatCount(objects, 'object', 'objects')} found so far${failedText}`, fraction: null };
  return { text: `${done.toLocaleString('en-US')} of ${formatCount(objects, 'object', 'objects')}${detail}${failedText}`, fraction: objects === 0 ? 1 : done / objects };
}

/** Objects finished so far, and the part of the whole (null while the listing still finds more). */
export function jobProgress(job: HeaderChangeEvent): { text: string; fraction: number | null } {
  return countProgress(job.changed + job.unchanged + job.failed, job.objects, job.listed, job.failed);
}

/** The end, in a sentence: what changed, what already had the headers, what failed. */
export function jobSummary(job: HeaderChangeEvent): string {
  const parts = [`${job.changed.toLocaleString('en-US')} changed`];
  if (job.unchanged > 0) parts.push(`${job.unchanged.toLocaleString('en-US')} already had these headers`);
  if (job.failed > 0) parts.push(`${job.failed.toLocaleString('en-US')} failed`);
  return jobSentence(job, parts.join(', '), jobProgress(job).text);
}

/** How a job over many objects stands, in a sentence: `running` while it runs, then the counts or the reason. */
export function jobSentence(job: { status: 'running' | 'done' | 'failed' | 'cancelled'; objects: number; failed: number; failures: { error: { message: string } }[] }, counts: string, running: string): string {
  switch (job.status) {
    case 'running':
      return running;
    case 'done':
      return job.objects === 0 ? 'Done: no objects were found there.' : `Done: ${counts}.`;
    case 'cancelled':
      return `Cancelled: ${counts}.`;
    case 'failed':
      return job.failed === 0 && job.failures[0] ? `Failed: ${job.failures[0].error.message}` : `Ended: ${counts}.`;
  }
}
