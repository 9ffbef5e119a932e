// Pause and resume on the real server: pause stops new parts, lets those in flight finish, keeps
// the upload (or partial download) and its journal; resuming is the same call, from the journal.

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferEvent } from '../../../shared/transfer.js';
import { md5, multipartEtag } from '../../../electron/engine/checksum.js';
import { temporaryPathFor } from '../../../electron/engine/download.js';
import { Journal } from '../../../electron/engine/journal.js';
import type { S3Store } from '../../../electron/engine/s3/store.js';
import { sha256File, writeRandomFile } from '../../support/files.js';
import { incompleteUploads, testEngine, closeTestBed, openTestBed } from '../../support/s3.js';

const MiB = 1024 * 1024;
const PARTS = 12;

let store: S3Store;
let bucket: string;
let dir: string;
let source: string;

beforeAll(async () => {
  ({ store, bucket, dir } = await openTestBed('pause'));
  source = path.join(dir, 'film.bin');
  await writeRandomFile(source, PARTS * 5 * MiB - 99);
});

afterAll(() => closeTestBed({ store, bucket, dir }));

/** An engine whose events are kept, and a pause that fires once `segmentsDone` segments are done. */
function pausingEngine(stateDir: string, segmentsDone: number) {
  const events: TransferEvent[] = [];
  const pause = new AbortController();
  const done = new Set<number>();
  const engine = testEngine({
    settings: { partSize: 5 * MiB, partsInFlight: 2, adaptive: false, progressIntervalMs: 20 },
    journal: new Journal(stateDir),
    onEvent: (event) => {
      events.push(event);
      if (event.type !== 'progress') return;
      for (const s of event.segments) if (s.status === 'done') done.add(s.index);
      if (done.size >= segmentsDone) pause.abort();
    },
  });
  return { engine, events, pause };
}

async function partCount(key: string, uploadId: string): Promise<number> {
  return (await store.listParts({ bucket, key, uploadId })).length;
}

describe('pause and resume', () => {
  it('an upload paused mid-way sends no new part, keeps its upload, and resumes from there', async () => {
    const stateDir = path.join(dir, 'state-up');
    const { engine, events, pause } = pausingEngine(stateDir, 3);
    const job = { source, bucket, key: 'paused.bin' };
    try {
      await expect(engine.upload(job, undefined, pause.signal)).rejects.toMatchObject({ code: 'Paused' });
      const [record] = await new Journal(stateDir).list();
      if (record?.kind !== 'upload' || !record.uploadId) throw new Error('no journal kept for the paused upload');
      const onServer = await partCount('paused.bin', record.uploadId);
      // Parts in flight at the pause finished and are journaled; none started after it (progress
      // events are batched, so a few more than 3 may have been done when the pause was heard).
      expect(onServer).toBeGreaterThanOrEqual(3);
      expect(onServer).toBeLessThan(PARTS);
      expect(record.parts).toHaveLength(onServer);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await partCount('paused.bin', record.uploadId)).toBe(onServer);
      expect(await incompleteUploads(store, bucket)).toEqual(['paused.bin']);
      const last = events.filter((e) => e.type === 'progress').at(-1);
      expect(last?.type === 'progress' && last.transfer.status).toBe('paused');

      const verified = await engine.upload(job);
      const resumed = events.find((e) => e.type === 'resumed');
      expect(resumed).toMatchObject({ kind: 'upload', segmentsDone: onServer, segmentCount: PARTS });
      const bytes = await readFile(source);
      const etag = multipartEtag(Array.from({ length: PARTS }, (_, i) => md5(bytes.subarray(i * 5 * MiB, (i + 1) * 5 * MiB))));
      expect(verified).toMatchObject({ method: 'multipart-etag', etag });
      expect(await incompleteUploads(store, bucket)).toEqual([]);
      expect(await new Journal(stateDir).list()).toEqual([]);
    } finally {
      engine.close();
    }
  });

  it('a download paused mid-way keeps its partial file and fetches only the rest on resume', async () => {
    const stateDir = path.join(dir, 'state-down');
    const up = testEngine({ settings: { partSize: 5 * MiB } });
    await up.upload({ source, bucket, key: 'to-pause.bin' }).finally(() => up.close());
    const { engine, events, pause } = pausingEngine(stateDir, 3);
    const target = path.join(dir, 'back', 'to-pause.bin');
    const job = { bucket, key: 'to-pause.bin', target };
    try {
      await expect(engine.download(job, undefined, pause.signal)).rejects.toMatchObject({ code: 'Paused' });
      expect((await stat(temporaryPathFor(target))).size).toBe(PARTS * 5 * MiB - 99);
      const [record] = await new Journal(stateDir).list();
      if (record?.kind !== 'download') throw new Error('no journal kept for the paused download');
      expect(record.ranges.length).toBeGreaterThanOrEqual(3);
      expect(record.ranges.length).toBeLessThan(PARTS);

      await engine.download(job);
      expect(events.find((e) => e.type === 'resumed')).toMatchObject({ kind: 'download', segmentsDone: record.ranges.length });
      expect(await sha256File(target)).toBe(await sha256File(source));
    } finally {
      engine.close();
    }
  });
});
