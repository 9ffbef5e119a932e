import { describe, expect, it } from 'vitest';
import type { BatchEvent } from '../../../../shared/api.js';
import type { QueueBatch, QueueRow } from '../../../../shared/queue.js';
import type { SegmentProgress, TransferSummary } from '../../../../shared/transfer.js';
import { QueueModel } from '../../../../renderer/model/queueModel.js';

const NOW = 1_700_000_000_000;

function row(id: string, over: Partial<QueueRow> = {}): QueueRow {
  return { id, kind: 'download', accountId: 'acc', bucket: 'b', key: `k/${id}`, localPath: `/d/${id}`, size: 1000, state: 'queued', bytesDone: 0, batchId: 'batch', addedAt: NOW, ...over };
}

function batch(batchId: string, over: Partial<QueueBatch> = {}): QueueBatch {
  return { batchId, kind: 'download', label: 'photos/', accountId: 'acc', bucket: 'b', target: '/d', createdAt: NOW, planning: false, refused: [], skipped: [], ...over };
}

function progress(id: string, bytesDone: number, over: Partial<TransferSummary> = {}, segments: SegmentProgress[] = []) {
  const transfer: TransferSummary = { id, kind: 'download', bucket: 'b', key: `k/${id}`, localPath: `/d/${id}`, status: 'active', bytesTotal: 1000, bytesDone, rate: 100, segmentCount: 4, segmentSize: 250, ...over };
  return { type: 'progress' as const, transfer, segments };
}

function loaded(rows: QueueRow[], batches: QueueBatch[] = [batch('batch')]): QueueModel {
  const model = new QueueModel();
  model.load({ rows, batches });
  return model;
}

describe('QueueModel', () => {
  it('builds rows, order, groups and totals from the snapshot', () => {
    const model = loaded([row('a', { state: 'done', bytesDone: 1000 }), row('b', { state: 'paused', bytesDone: 400 }), row('c', { batchId: 'other', kind: 'upload' })], [batch('batch'), batch('other', { kind: 'upload', createdAt: NOW + 1 })]);
    expect(model.order).toEqual(['a', 'b', 'c']);
    expect(model.groupOrder).toEqual(['batch', 'other']);
    expect(model.groups.get('batch')?.totals).toMatchObject({ files: 2, bytes: 2000, bytesDone: 1400, states: { done: 1, paused: 1 } });
    expect(model.totals).toMatchObject({ files: 3, bytesDone: 1400 });
  });

  it('a progress event replaces its row and its group, and nothing else', () => {
    const model = loaded([row('a', { state: 'active' }), row('b'), row('c', { batchId: 'other' })], [batch('batch'), batch('other')]);
    const { order, groupOrder } = model;
    const b = model.rows.get('b');
    const other = model.groups.get('other');
    model.receiveTransfer(progress('a', 300), NOW);
    expect(model.rows.get('a')).toMatchObject({ bytesDone: 300, rate: 100, transferStatus: 'active' });
    expect(model.groups.get('batch')?.totals).toMatchObject({ bytesDone: 300, rate: 100 });
    expect(model.totals.bytesDone).toBe(300);
    expect(model.order).toBe(order);
    expect(model.groupOrder).toBe(groupOrder);
    expect(model.rows.get('b')).toBe(b);
    expect(model.groups.get('other')).toBe(other);
    // The same figures again change nothing.
    const a = model.rows.get('a');
    model.receiveTransfer(progress('a', 300), NOW);
    expect(model.rows.get('a')).toBe(a);
  });

  it('keeps the newer bytes of a running row when the queue copy lags, and zeroes the rate when it stops', () => {
    const model = loaded([row('a', { state: 'active' })]);
    model.receiveTransfer(progress('a', 600), NOW);
    model.receiveQueue({ type: 'queue', rows: [row('a', { state: 'active', bytesDone: 400 })], removed: [] });
    expect(model.rows.get('a')?.bytesDone).toBe(600);
    model.receiveQueue({ type: 'queue', rows: [row('a', { state: 'paused', bytesDone: 650 })], removed: [] });
    expect(model.rows.get('a')).toMatchObject({ bytesDone: 650, rate: 0, state: 'paused' });
    expect(model.totals.rate).toBe(0);
  });

  it('adds new rows at the end of the order, removes rows and the groups they leave empty', () => {
    const model = loaded([row('a')]);
    model.receiveBatch(batch('new', { createdAt: NOW + 5 }));
    model.receiveQueue({ type: 'queue', rows: [row('x', { batchId: 'new' }), row('y', { batchId: 'new' })], removed: [] });
    expect(model.order).toEqual(['a', 'x', 'y']);
    expect(model.groupOrder).toEqual(['batch', 'new']);
    const order = model.order;
    model.receiveQueue({ type: 'queue', rows: [row('x', { batchId: 'new', state: 'active' })], removed: [] });
    expect(model.order).toBe(order);
    model.receiveQueue({ type: 'queue', rows: [], removed: ['x', 'y'] });
    expect(model.order).toEqual(['a']);
    expect(model.groupOrder).toEqual(['batch']);
    expect(model.totals.files).toBe(1);
    expect(model.rows.has('x')).toBe(false);
  });

  it('keeps a planning group with no rows yet, and drops empty ended ones on request', () => {
    const model = loaded([], [batch('planning', { planning: true }), batch('skipped', { skipped: [{ item: 'a', reason: 'same' }] })]);
    expect(model.groupOrder).toEqual(['planning', 'skipped']);
    model.removeEmptyGroups();
    expect(model.groupOrder).toEqual(['planning']);
  });

  it('makes a group for rows whose batch is not known yet, and fills it in when it comes', () => {
    const model = new QueueModel();
    model.receiveQueue({ type: 'queue', rows: [row('a', { batchId: 'late' })], removed: [] });
    expect(model.groups.get('late')?.batch).toBeUndefined();
    model.receiveBatch(batch('late', { label: 'x.bin' }));
    expect(model.groups.get('late')).toMatchObject({ batch: { label: 'x.bin' }, totals: { files: 1 } });
  });

  it('keeps how a batch ended until a row of it runs again', () => {
    const model = loaded([row('a', { state: 'failed', error: { code: 'AccessDenied', message: 'denied' } })]);
    const ended: BatchEvent = { type: 'batch', batchId: 'batch', kind: 'download', label: 'photos/', status: 'failed', files: 1, done: 0, bytes: 0, seconds: 3, failures: [{ item: 'k/a', error: { code: 'AccessDenied', message: 'denied' } }] };
    model.receiveBatchEnd(ended, NOW);
    expect(model.groups.get('batch')?.ended).toBe(ended);
    model.receiveQueue({ type: 'queue', rows: [row('a', { state: 'failed', bytesDone: 10 })], removed: [] });
    expect(model.groups.get('batch')?.ended).toBe(ended);
    model.receiveQueue({ type: 'queue', rows: [row('a', { state: 'queued' })], removed: [] });
    expect(model.groups.get('batch')?.ended).toBeUndefined();
  });

  it('moves rows to the top in the order given', () => {
    const model = loaded([row('a'), row('b'), row('c')]);
    model.moveToTop(['c', 'b', 'gone']);
    expect(model.order).toEqual(['c', 'b', 'a']);
  });

  it('keeps segments by transfer id, also before the row is known, and starts them over on a new run', () => {
    const model = new QueueModel();
    const seg = (index: number, status: SegmentProgress['status']): SegmentProgress => ({ index, offset: index * 250, length: 250, bytesDone: 0, status, attempts: 1 });
    model.receiveTransfer(progress('a', 0, {}, [seg(0, 'active')]), NOW);
    model.receiveQueue({ type: 'queue', rows: [row('a', { state: 'active' })], removed: [] });
    model.receiveTransfer(progress('a', 250, {}, [seg(0, 'done'), seg(1, 'failed')]), NOW);
    expect([...(model.segments.get('a')?.reported.keys() ?? [])]).toEqual([0, 1]);
    model.receiveTransfer(progress('a', 250, { status: 'failed' }), NOW);
    model.receiveTransfer(progress('a', 250, { status: 'active' }, [seg(0, 'done')]), NOW);
    expect([...(model.segments.get('a')?.reported.keys() ?? [])]).toEqual([0]);
    model.receiveQueue({ type: 'queue', rows: [], removed: ['a'] });
    expect(model.segments.has('a')).toBe(false);
  });

  it('notes a retry and what the engine says, and clears them when the row moves on', () => {
    const model = loaded([row('a', { state: 'active' })]);
    model.receiveTransfer({ type: 'retry', transferId: 'a', segment: 2, attempt: 3, delayMs: 100, error: { code: 'ServerError', message: 'The server failed.' }, server: 'http://127.0.0.1:9' }, NOW);
    expect(model.rows.get('a')?.retryNote).toBe('Retrying range 3 (attempt 3): The server failed.');
    model.receiveTransfer({ type: 'retry', transferId: 'a', segment: -1, attempt: 4, delayMs: 100, error: { code: 'NetworkError', message: 'connect ECONNREFUSED' }, waitingUntil: NOW + 60_000, server: 'http://127.0.0.1:9' }, NOW);
    expect(model.rows.get('a')?.retryNote).toMatch(/^cannot reach 127\.0\.0\.1:9 \(connection refused\); retrying until \d\d:\d\d, Pause or Cancel to stop$/);
    model.receiveTransfer(progress('a', 10, { status: 'retrying' }), NOW);
    expect(model.rows.get('a')?.retryNote).toBeDefined();
    model.receiveTransfer(progress('a', 20, { status: 'active' }), NOW);
    expect(model.rows.get('a')?.retryNote).toBeUndefined();
    model.receiveTransfer({ type: 'notice', transferId: 'a', message: 'Fewer parts in flight than asked.' }, NOW);
    expect(model.rows.get('a')?.notice).toBe('Fewer parts in flight than asked.');
    model.receiveQueue({ type: 'queue', rows: [row('a', { state: 'done', bytesDone: 1000 })], removed: [] });
    expect(model.rows.get('a')?.notice).toBeUndefined();
  });

  it('counts throughput from progress differences, not the bytes a row brought from an earlier run', () => {
    const model = loaded([row('a', { state: 'paused', bytesDone: 500 })]);
    model.receiveTransfer(progress('a', 700), NOW);
    expect(model.throughput.queueSeries(NOW + 1000).at(-1)).toBe(200);
  });

  it('loads a snapshot again (after a reconnect) keeping what only events said', () => {
    const model = loaded([row('a', { state: 'active' }), row('b', { state: 'done' })]);
    model.receiveTransfer(progress('a', 300, {}, [{ index: 0, offset: 0, length: 250, bytesDone: 250, status: 'done', attempts: 1 }]), NOW);
    model.receiveBatchEnd({ type: 'batch', batchId: 'batch', kind: 'download', label: 'photos/', status: 'done', files: 2, done: 2, bytes: 2000, seconds: 1, failures: [] }, NOW);
    model.load({ rows: [row('a', { state: 'active', bytesDone: 200 })], batches: [batch('batch')] });
    expect(model.rows.get('a')?.bytesDone).toBe(300);
    expect(model.segments.get('a')?.reported.size).toBe(1);
    expect(model.rows.has('b')).toBe(false);
    expect(model.totals.files).toBe(1);
    expect(model.groups.get('batch')?.ended?.status).toBe('done');
  });
});
