import { describe, expect, it } from 'vitest';
import { Budget } from '../../../electron/engine/budget.js';

describe('Budget', () => {
  it('admits in order while the weights fit, then waits for releases', async () => {
    const budget = new Budget(10);
    const order: string[] = [];
    const a = await budget.acquire(6);
    const bPending = budget.acquire(6).then((release) => {
      order.push('b');
      return release;
    });
    const cPending = budget.acquire(1).then((release) => {
      order.push('c');
      return release;
    });
    await Promise.resolve();
    expect(order).toEqual([]); // c waits behind b: first come, first served
    a();
    const b = await bPending;
    const c = await cPending;
    expect(order).toEqual(['b', 'c']);
    expect(budget.inUse).toBe(7);
    b();
    c();
    expect(budget.inUse).toBe(0);
  });

  it('clamps a weight above the capacity so it still runs, alone', async () => {
    const budget = new Budget(4);
    const release = await budget.acquire(100);
    expect(budget.inUse).toBe(4);
    release();
    release(); // twice is harmless
    expect(budget.inUse).toBe(0);
  });

  it('rejects a waiter when its signal fires and lets the next one in', async () => {
    const budget = new Budget(1);
    const held = await budget.acquire(1);
    const controller = new AbortController();
    const cancelled = budget.acquire(1, controller.signal);
    const next = budget.acquire(1);
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'Cancelled' });
    held();
    (await next)();
    expect(budget.inUse).toBe(0);
  });
});
