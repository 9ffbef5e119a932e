import { describe, expect, it } from 'vitest';
import { emptyTotals, groupState, progressFraction, replaceRow, rowBytesDone, unfinished, type RowFigures } from '../../../../renderer/model/queueTotals.js';

const row = (state: RowFigures['state'], size: number, bytesDone: number, rate = 0): RowFigures => ({ state, size, bytesDone, rate });

describe('queue totals', () => {
  it('adds, replaces and removes rows by difference, and ends where a recount would', () => {
    const a1 = row('active', 100, 10, 5.5);
    const b = row('queued', 50, 0);
    let totals = replaceRow(replaceRow(emptyTotals, undefined, a1), undefined, b);
    expect(totals).toMatchObject({ files: 2, bytes: 150, bytesDone: 10, rate: 5.5 });
    const a2 = row('active', 100, 60, 2.25);
    totals = replaceRow(totals, a1, a2);
    expect(totals).toMatchObject({ files: 2, bytesDone: 60, rate: 2.25 });
    const a3 = row('done', 100, 90, 2.25);
    totals = replaceRow(totals, a2, a3);
    // Done counts whole, and its rate no longer counts: with nothing active the rate is exactly 0.
    expect(totals).toMatchObject({ bytesDone: 100, rate: 0, states: { done: 1, queued: 1, active: 0 } });
    totals = replaceRow(totals, b, undefined);
    expect(totals).toMatchObject({ files: 1, bytes: 100, bytesDone: 100 });
    expect(unfinished(totals)).toBe(0);
    expect(emptyTotals.files).toBe(0);
  });

  it('counts no row beyond its size, and no negative bytes', () => {
    expect(rowBytesDone(row('active', 10, 15))).toBe(10);
    expect(rowBytesDone(row('failed', 10, -3))).toBe(0);
  });

  it('measures progress by bytes, or by files when every file is empty', () => {
    expect(progressFraction(replaceRow(emptyTotals, undefined, row('active', 200, 50)))).toBe(0.25);
    const empties = replaceRow(replaceRow(emptyTotals, undefined, row('done', 0, 0)), undefined, row('queued', 0, 0));
    expect(progressFraction(empties)).toBe(0.5);
    expect(progressFraction(emptyTotals)).toBe(0);
  });

  it('says a group runs while a row runs or waits, and how its batch ended after', () => {
    const of = (...rows: RowFigures[]) => rows.reduce((t, r) => replaceRow(t, undefined, r), emptyTotals);
    expect(groupState(of(row('active', 1, 0), row('failed', 1, 0)), false, undefined)).toBe('active');
    expect(groupState(of(), true, undefined)).toBe('planning');
    expect(groupState(of(row('queued', 1, 0)), true, undefined)).toBe('planning');
    expect(groupState(of(row('queued', 1, 0), row('paused', 1, 0)), false, undefined)).toBe('queued');
    expect(groupState(of(row('paused', 1, 0), row('done', 1, 1)), false, undefined)).toBe('paused');
    // Refused items fail a batch without a failed row: the batch event says so.
    expect(groupState(of(row('done', 1, 1)), false, 'failed')).toBe('failed');
    expect(groupState(of(row('done', 1, 1), row('failed', 1, 0)), false, undefined)).toBe('failed');
    expect(groupState(of(row('cancelled', 1, 0)), false, undefined)).toBe('cancelled');
    expect(groupState(of(row('done', 1, 1)), false, undefined)).toBe('done');
    // Planning over, its rows on their way: not done before any row is.
    expect(groupState(of(), false, undefined)).toBe('queued');
    expect(groupState(of(), false, 'done')).toBe('done');
  });
});
