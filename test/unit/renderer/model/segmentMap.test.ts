import { describe, expect, it } from 'vitest';
import type { SegmentProgress } from '../../../../shared/transfer.js';
import { SEGMENT_BLOCK, applySegments, isNewRun, segmentCell, segmentCounts } from '../../../../renderer/model/segmentMap.js';

const seg = (index: number, status: SegmentProgress['status'], bytesDone = 0, length = 100): SegmentProgress => ({ index, offset: index * length, length, bytesDone, status, attempts: 1 });
const plan = { segmentCount: 10_000, segmentSize: 100 };

describe('segment map', () => {
  it('holds only reported segments; the rest are queued', () => {
    const map = applySegments(undefined, plan, [seg(3, 'active', 25), seg(9_999, 'done', 100)], false);
    expect(map.reported.size).toBe(2);
    expect(segmentCell(map.reported, 3)).toEqual({ status: 'active', fill: 0.25 });
    expect(segmentCell(map.reported, 9_999)).toEqual({ status: 'done', fill: 1 });
    expect(segmentCell(map.reported, 4)).toEqual({ status: 'queued', fill: 0 });
    expect(segmentCounts(map)).toMatchObject({ queued: 9_998, active: 1, done: 1 });
  });

  it('moves the stamp of only the blocks an event touched, and is unchanged by an event without segments', () => {
    const first = applySegments(undefined, plan, [seg(0, 'active')], false);
    expect(first.stamps).toHaveLength(Math.ceil(10_000 / SEGMENT_BLOCK));
    const second = applySegments(first, plan, [seg(SEGMENT_BLOCK + 1, 'active'), seg(SEGMENT_BLOCK + 2, 'active')], false);
    expect(second.stamps[0]).toBe(first.stamps[0]);
    expect(second.stamps[1]).not.toBe(first.stamps[1]);
    expect(second.reported).toBe(first.reported);
    expect(applySegments(second, plan, [], false)).toBe(second);
  });

  it('starts over for a new run or a different plan', () => {
    const old = applySegments(undefined, plan, [seg(0, 'failed')], false);
    expect(applySegments(old, plan, [], true).reported.size).toBe(0);
    expect(applySegments(old, { segmentCount: 5, segmentSize: 200 }, [], false).count).toBe(5);
    expect(isNewRun('paused', 'active')).toBe(true);
    expect(isNewRun('failed', 'queued')).toBe(true);
    expect(isNewRun('active', 'retrying')).toBe(false);
    expect(isNewRun(undefined, 'active')).toBe(false);
  });
});
