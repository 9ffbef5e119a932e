import { expect, it } from 'vitest';
import { mapInFlight } from '../../../electron/engine/inFlight.js';

it('runs every item, never more than the limit at once, and returns results in order', async () => {
  let running = 0;
  let most = 0;
  const items = Array.from({ length: 50 }, (_, i) => i);
  const out = await mapInFlight(items, 7, async (n) => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, (n * 7) % 5));
    running--;
    return n * 2;
  });
  expect(out).toEqual(items.map((n) => n * 2));
  expect(most).toBe(7);
  expect(await mapInFlight([], 4, () => Promise.resolve(1))).toEqual([]);
});
