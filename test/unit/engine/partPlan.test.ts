import { describe, expect, it } from 'vitest';
import { partPlan, partRange, rangePlan } from '../../../electron/engine/partPlan.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

describe('partPlan', () => {
  it('plans no part for an empty file', () => {
    expect(partPlan(0, 8 * MiB)).toEqual({ partSize: 8 * MiB, partCount: 0, lastPartSize: 0 });
  });

  it('keeps one part for a file up to one part size', () => {
    expect(partPlan(1, 8 * MiB)).toMatchObject({ partCount: 1, lastPartSize: 1 });
    expect(partPlan(8 * MiB, 8 * MiB)).toMatchObject({ partCount: 1, lastPartSize: 8 * MiB });
  });

  it('adds a one-byte last part at part size + 1', () => {
    expect(partPlan(8 * MiB + 1, 8 * MiB)).toEqual({ partSize: 8 * MiB, partCount: 2, lastPartSize: 1 });
  });

  it('never goes below S3 minimum of 5 MiB', () => {
    expect(partPlan(100 * MiB, 1 * MiB).partSize).toBe(5 * MiB);
  });

  it('grows the part size in whole MiB to stay within 10,000 parts', () => {
    const exactly = partPlan(10_000 * 8 * MiB, 8 * MiB);
    expect(exactly.partCount).toBe(10_000);
    const over = partPlan(10_000 * 8 * MiB + 1, 8 * MiB);
    expect(over.partCount).toBeLessThanOrEqual(10_000);
    expect(over.partSize % MiB).toBe(0);
    expect(over.partSize).toBe(9 * MiB);
  });

  it('plans the largest object S3 allows (5 TiB) in at most 10,000 parts', () => {
    const plan = partPlan(5 * TiB, 8 * MiB);
    expect(plan.partCount).toBeLessThanOrEqual(10_000);
    expect(plan.partSize).toBeLessThanOrEqual(5 * GiB);
    expect((plan.partCount - 1) * plan.partSize + plan.lastPartSize).toBe(5 * TiB);
  });

  it('refuses more than 5 TiB and negative sizes', () => {
    expect(() => partPlan(5 * TiB + 1, 8 * MiB)).toThrow(/5 TiB/);
    expect(() => partPlan(-1, 8 * MiB)).toThrow(/Invalid size/);
  });

  it('covers every byte exactly once', () => {
    for (const size of [1, 5 * MiB - 1, 5 * MiB, 5 * MiB + 1, 17 * MiB + 3]) {
      const plan = partPlan(size, 5 * MiB);
      let next = 0;
      for (let i = 0; i < plan.partCount; i++) {
        const { offset, length } = partRange(plan, i);
        expect(offset).toBe(next);
        expect(length).toBeGreaterThan(0);
        next = offset + length;
      }
      expect(next).toBe(size);
    }
  });
});

describe('rangePlan', () => {
  it('has no part-count limit for downloads', () => {
    expect(rangePlan(20_000 * MiB, MiB).partCount).toBe(20_000);
  });
});
