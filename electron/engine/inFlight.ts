// Runs work over a list with a fixed number in flight: the pool batches, plans and seeding share.

/**
 * Calls `work` for every item, at most `inFlight` at once, with no promise made per waiting item;
 * results come back in the items' order.
 */
export async function mapInFlight<T, R>(items: readonly T[], inFlight: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(inFlight, items.length)) }, worker));
  return results;
}
