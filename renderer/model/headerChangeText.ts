// How a header change in place reads on screen: how far it got while it runs, and what it did.
import type { HeaderChangeEvent } from '../../shared/api.js';
import { formatCount } from './format.js';

/** Objects finished so far, and the part of the whole (null while the listing still finds more). */
export function jobProgress(job: HeaderChangeEvent): { text: string; fraction: number | null } {
  const done = job.changed + job.unchanged + job.failed;
  const failed = job.failed > 0 ? `, ${job.failed.toLocaleString('en-US')} failed` : '';
  if (!job.listed) return { text: `${done.toLocaleString('en-US')} done, ${formatCount(job.objects, 'object', 'objects')} found so far${failed}`, fraction: null };
  return { text: `${done.toLocaleString('en-US')} of ${formatCount(job.objects, 'object', 'objects')}${failed}`, fraction: job.objects === 0 ? 1 : done / job.objects };
}

/** The end, in a sentence: what changed, what already had the headers, what failed. */
export function jobSummary(job: HeaderChangeEvent): string {
  const parts = [`${job.changed.toLocaleString('en-US')} changed`];
  if (job.unchanged > 0) parts.push(`${job.unchanged.toLocaleString('en-US')} already had these headers`);
  if (job.failed > 0) parts.push(`${job.failed.toLocaleString('en-US')} failed`);
  const counts = parts.join(', ');
  switch (job.status) {
    case 'running':
      return jobProgress(job).text;
    case 'done':
      return job.objects === 0 ? 'Done: no objects were found there.' : `Done: ${counts}.`;
    case 'cancelled':
      return `Cancelled: ${counts}.`;
    case 'failed':
      return job.failed === 0 && job.failures[0] ? `Failed: ${job.failures[0].error.message}` : `Ended: ${counts}.`;
  }
}
