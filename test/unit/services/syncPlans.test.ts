import { describe, expect, it } from 'vitest';
import type { TransferEngine } from '../../../electron/engine/engine.js';
import { cancelledError } from '../../../electron/engine/errors.js';
import type { SyncInput, SyncPlan } from '../../../electron/engine/sync.js';
import { SyncPlans } from '../../../electron/services/syncPlans.js';

const input: SyncInput = { direction: 'up', folder: '/d/site', bucket: 'b', prefix: 'site/' };

function emptyPlan(): SyncPlan {
  return {
    input: { ...input, compare: 'time', delete: false },
    actions: [],
    refused: [],
    skipped: [],
    counts: { create: 0, update: 0, delete: 0, unchanged: 0, excluded: 0, refused: 0, folders: 0 },
    bytes: { send: 0, delete: 0 },
    extra: 0,
    heads: 0,
    hashed: 0,
    seconds: 0,
    remote: new Map(),
    local: new Map(),
  };
}

/** The one engine call the keeper makes: planSync, answering at once or when its signal aborts. */
function engineThat(answer: 'plans' | 'waits'): TransferEngine {
  const planSync = (_input: SyncInput, signal?: AbortSignal) =>
    answer === 'plans' ? Promise.resolve(emptyPlan()) : new Promise<SyncPlan>((_resolve, reject) => signal?.addEventListener('abort', () => reject(cancelledError())));
  return { planSync } as unknown as TransferEngine;
}

describe('the kept sync plans', () => {
  it('gives a plan once, and refuses it after it expired', async () => {
    const plans = new SyncPlans(60_000, 4);
    await plans.compare(engineThat('plans'), 'acc', 'p1', input);
    expect(plans.take('p1')).toMatchObject({ accountId: 'acc' });
    expect(() => plans.take('p1')).toThrow(/no longer kept \(one is kept for 1 minute,/);

    const short = new SyncPlans(20, 4);
    const summary = await short.compare(engineThat('plans'), 'acc', 'p2', input);
    expect(Date.parse(summary.expiresAt) - Date.now()).toBeLessThanOrEqual(20);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(short.size).toBe(0);
    expect(() => short.take('p2')).toThrow(/no longer kept/);
  });

  it('keeps a few, dropping the oldest, and refuses an id in use', async () => {
    const plans = new SyncPlans(60_000, 2);
    for (const id of ['a', 'b', 'c']) await plans.compare(engineThat('plans'), 'acc', id, input);
    expect(plans.size).toBe(2);
    expect(() => plans.take('a')).toThrow(/no longer kept/);
    await expect(plans.compare(engineThat('plans'), 'acc', 'b', input)).rejects.toMatchObject({ code: 'InvalidInput' });
    plans.close();
    expect(plans.size).toBe(0);
  });

  it('stops a comparison when it is discarded', async () => {
    const plans = new SyncPlans();
    const comparing = plans.compare(engineThat('waits'), 'acc', 'slow', input);
    expect(plans.discard('slow')).toBe(true);
    await expect(comparing).rejects.toMatchObject({ code: 'Cancelled' });
    expect(plans.size).toBe(0);
    expect(plans.discard('slow')).toBe(false);
  });
});
