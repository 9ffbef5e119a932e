import { describe, expect, it } from 'vitest';
import type { HeaderChangeEvent } from '../../../../shared/api.js';
import { jobProgress, jobSummary } from '../../../../renderer/model/headerChangeText.js';

const job = (over: Partial<HeaderChangeEvent> = {}): HeaderChangeEvent => ({
  type: 'headerChange',
  jobId: 'j',
  bucket: 'b',
  label: 'Cache-Control on 500 objects in www/',
  objects: 500,
  listed: true,
  changed: 0,
  unchanged: 0,
  failed: 0,
  failures: [],
  status: 'running',
  ...over,
});

describe('a header change on screen', () => {
  it('counts objects done of those found, with no fraction while the listing goes on', () => {
    expect(jobProgress(job({ listed: false, objects: 1200, changed: 300 }))).toEqual({ text: '300 done, 1,200 objects found so far', fraction: null });
    expect(jobProgress(job({ changed: 240, unchanged: 8, failed: 2 }))).toEqual({ text: '250 of 500 objects, 2 failed', fraction: 0.5 });
    expect(jobProgress(job({ objects: 0 })).fraction).toBe(1);
  });

  it('says what it did at the end', () => {
    expect(jobSummary(job({ status: 'done', changed: 500 }))).toBe('Done: 500 changed.');
    expect(jobSummary(job({ status: 'done', changed: 1, unchanged: 499 }))).toBe('Done: 1 changed, 499 already had these headers.');
    expect(jobSummary(job({ status: 'done', objects: 0 }))).toBe('Done: no objects were found there.');
    expect(jobSummary(job({ status: 'cancelled', changed: 20 }))).toBe('Cancelled: 20 changed.');
    const error = { code: 'AccessDenied' as const, message: 'Access denied.' };
    expect(jobSummary(job({ status: 'failed', changed: 498, failed: 2, failures: [{ item: 's3://b/x', error }] }))).toBe('Ended: 498 changed, 2 failed.');
    // The whole job failed (no object did): its reason.
    expect(jobSummary(job({ status: 'failed', failures: [{ item: 's3://b/www/', error: { code: 'NoSuchBucket', message: 'No bucket b.' } }] }))).toBe('Failed: No bucket b.');
    expect(jobSummary(job({ changed: 5 }))).toBe('5 of 500 objects');
  });
});
