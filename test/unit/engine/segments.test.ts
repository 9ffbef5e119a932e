import { describe, expect, it } from 'vitest';
import { FerryError } from '../../../electron/engine/errors.js';
import { runSegments } from '../../../electron/engine/segments.js';
import type { TransferMeter } from '../../../electron/engine/progress.js';

const meter = { segmentStatus() {} } as unknown as TransferMeter;

describe('runSegments', () => {
  it('throws the failure that stopped the others, not the cancellation it caused in an earlier segment', async () => {
    const cause = new FerryError('ChecksumMismatch', 'part 2 arrived damaged');
    const run = runSegments([0, 1], 2, meter, new AbortController().signal, async (index, signal) => {
      if (index === 1) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw cause;
      }
      // Segment 0 runs until the failure of segment 1 cancels it.
      await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new FerryError('Cancelled', 'The transfer was cancelled.'))));
    });
    await expect(run).rejects.toBe(cause);
  });
});
