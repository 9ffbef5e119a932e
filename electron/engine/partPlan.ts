// How a size is cut into parts or ranges: a pure function of the size and the settings.

import { FerryError } from './errors.js';
import { S3_LIMITS } from './settings.js';

export interface PartPlan {
  /** Size of every part but the last. */
  partSize: number;
  partCount: number;
  /** Size of the last part (equal to partSize when the size divides evenly; 0 only for an empty file). */
  lastPartSize: number;
}

const MiB = 1024 * 1024;

/**
 * Plans the multipart upload of `size` bytes with the preferred part size: parts never below
 * S3's 5 MiB minimum, and grown in whole MiB so the file never needs more than 10,000 parts.
 */
export function partPlan(size: number, preferredPartSize: number): PartPlan {
  if (!Number.isSafeInteger(size) || size < 0) throw new FerryError('InvalidInput', `Invalid size ${size}.`);
  if (size > S3_LIMITS.maxObjectSize) {
    throw new FerryError('InvalidInput', `${size} bytes is more than S3's largest object (5 TiB).`);
  }
  let partSize = Math.max(preferredPartSize, S3_LIMITS.minPartSize);
  if (Math.ceil(size / partSize) > S3_LIMITS.maxParts) {
    partSize = Math.ceil(size / S3_LIMITS.maxParts / MiB) * MiB;
  }
  partSize = Math.min(partSize, S3_LIMITS.maxPartSize);
  return rangePlan(size, partSize);
}

/** Cuts `size` bytes into ranges of `rangeSize` (downloads have no part-count limit). */
export function rangePlan(size: number, rangeSize: number): PartPlan {
  if (size === 0) return { partSize: rangeSize, partCount: 0, lastPartSize: 0 };
  const partCount = Math.ceil(size / rangeSize);
  return { partSize: rangeSize, partCount, lastPartSize: size - (partCount - 1) * rangeSize };
}

/** The [offset, length] of part `index` (0-based) in a plan. */
export function partRange(plan: PartPlan, index: number): { offset: number; length: number } {
  const offset = index * plan.partSize;
  const length = index === plan.partCount - 1 ? plan.lastPartSize : plan.partSize;
  return { offset, length };
}
