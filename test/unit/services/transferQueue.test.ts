import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FerryError } from '../../../electron/engine/errors.js';
import { JsonListFile, TransferQueue, type NewRow, type QueueRow, type QueueStorage, type RunRow } from '../../../electron/services/transferQueue.js';

/** A runner whose transfers end when the test says, and that behaves on pause and cancel as the engine does. */
function controlledRunner() {
  const started: string[] = [];
  const pending = new Map<string, { finish: () => void; fail: (error: Error) => void }>();
  const run: RunRow = (row, { cancel, pause }) =>
    new Promise<void>((resolve, reject) => {
      started.push(row.id);
      pending.set(row.id, { finish: resolve, fail: reject });
      pause.addEventListener('abort', () => reject(new FerryError('Paused', 'paused')));
      cancel.addEventListener('abort', () => reject(new FerryError('Cancelled', 'cancelled')));
    });
  const end = async (id: string, error?: Error) => {
    const p = pending.get(id);
    if (!p) throw new Error(`${id} is not running`);
    pending.delete(id);
    if (error) p.fail(error);
    else p.finish();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { run, started, end };
}

function memoryStorage(initial: QueueRow[] = []): QueueStorage & { saved: QueueRow[] } {
  const storage = {
    saved: initial,
    load: () => Promise.resolve(structuredClone(storage.saved)),
    save: (rows: readonly QueueRow[]) => {
      storage.saved = structuredClone([...rows]);
      return Promise.resolve();
    },
  };
  return storage;
}

const row = (id: string): NewRow => ({ id, kind: 'upload', accountId: 'acc', batchId: 'batch', bucket: 'b', key: `k/${id}`, localPath: `/f/${id}`, size: 10 });
const states = (queue: TransferQueue) => Object.fromEntries(queue.list().map((r) => [r.id, r.state]));
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('TransferQueue', () => {
  it('starts rows in order, no more than in flight, the next when one ends', async () => {
    const runner = controlledRunner();
    const queue = await TransferQueue.open({ storage: memoryStorage(), run: runner.run, inFlight: 2 });
    queue.add(['a', 'b', 'c', 'd'].map(row));
    expect(runner.started).toEqual(['a', 'b']);
    await runner.end('b');
    expect(runner.started).toEqual(['a', 'b', 'c']);
    await runner.end('a', new FerryError('AccessDenied', 'denied'));
    expect(states(queue)).toEqual({ a: 'failed', b: 'done', c: 'active', d: 'active' });
    expect(queue.list()[0]?.error).toEqual({ code: 'AccessDenied', message: 'denied' });
  });

  it('queues a row that met an outage again, out of the way until its wait ends; a pause and resume tries it at once', async () => {
    const runner = controlledRunner();
    const outage = (error: FerryError) => error.code === 'EndpointUnreachable';
    const queue = await TransferQueue.open({ storage: memoryStorage(), run: runner.run, inFlight: 1, outage, outageRetryMs: 60 });
    queue.add(['a', 'b'].map(row));
    await runner.end('a', new FerryError('EndpointUnreachable', 'The server refused the connection.'));
    // a waits (saying why); b, behind it, goes meanwhile.
    expect(states(queue)).toEqual({ a: 'queued', b: 'active' });
    expect(queue.get('a')?.note).toBe('Waiting for the server: The server refused the connection.');
    expect(queue.get('a')?.error).toBeUndefined();
    expect(queue.get('a')?.waitUntil).toBeGreaterThan(Date.now());
    await runner.end('b');
    expect(runner.started).toEqual(['a', 'b']);
    await new Promise((r) => setTimeout(r, 80));
    // Its wait is over: it runs again, its note gone.
    expect(runner.started).toEqual(['a', 'b', 'a']);
    expect(queue.get('a')).toMatchObject({ state: 'active', note: undefined, waitUntil: undefined });
    await runner.end('a', new FerryError('EndpointUnreachable', 'again'));
    queue.pause(['a']);
    queue.resume(['a']);
    expect(runner.started).toEqual(['a', 'b', 'a', 'a']);
    // Any other error fails it as before.
    await runner.end('a', new FerryError('AccessDenied', 'denied'));
    expect(states(queue)).toEqual({ a: 'failed', b: 'done' });
  });

  it('pauses a waiting row without starting it, and an active one through its pause signal; resume runs it again', async () => {
    const runner = controlledRunner();
    const queue = await TransferQueue.open({ storage: memoryStorage(), run: runner.run, inFlight: 1 });
    queue.add(['a', 'b'].map(row));
    queue.pause(['b']);
    queue.pause(['a']);
    await tick();
    expect(states(queue)).toEqual({ a: 'paused', b: 'paused' });
    expect(runner.started).toEqual(['a']);
    queue.resume(['a']);
    expect(runner.started).toEqual(['a', 'a']);
    await runner.end('a');
    expect(states(queue)).toEqual({ a: 'done', b: 'paused' });
  });

  it('cancels a running row through the engine, and a paused one by discarding what it left', async () => {
    const runner = controlledRunner();
    const discarded: string[] = [];
    const queue = await TransferQueue.open({
      storage: memoryStorage(),
      run: runner.run,
      inFlight: 1,
      discard: (r) => {
        discarded.push(r.id);
        return Promise.resolve();
      },
    });
    queue.add(['a', 'b'].map(row));
    queue.pause(['b']);
    await queue.cancel(['a', 'b']);
    expect(states(queue)).toEqual({ a: 'cancelled', b: 'cancelled' });
    expect(discarded).toEqual(['b']);
  });

  it('retries failed rows and moves chosen rows to the top', async () => {
    const runner = controlledRunner();
    const queue = await TransferQueue.open({ storage: memoryStorage(), run: runner.run, inFlight: 1 });
    queue.add(['a', 'b', 'c'].map(row));
    await runner.end('a', new FerryError('ServerError', 'boom'));
    expect(runner.started).toEqual(['a', 'b']);
    queue.moveToTop(['c']);
    queue.retry(['a']);
    await runner.end('b');
    // c was moved ahead of the retried a.
    expect(runner.started).toEqual(['a', 'b', 'c']);
    await runner.end('c');
    expect(runner.started).toEqual(['a', 'b', 'c', 'a']);
    expect(queue.list().find((r) => r.id === 'a')?.error).toBeUndefined();
    expect(queue.clearFinished()).toEqual(['c', 'b']);
  });

  it('tells only the rows that changed, batched', async () => {
    const runner = controlledRunner();
    const batches: string[][] = [];
    const queue = await TransferQueue.open({ storage: memoryStorage(), run: runner.run, inFlight: 1, onChange: (rows) => batches.push(rows.map((r) => r.id)), changeIntervalMs: 10_000 });
    queue.add(Array.from({ length: 1000 }, (_, i) => row(`r${i}`)));
    queue.flushChanges();
    expect(batches).toHaveLength(1);
    for (let i = 0; i < 100; i++) queue.progress('r0', i);
    queue.flushChanges();
    expect(batches[1]).toEqual(['r0']);
  });

  it('tells where rows moved: two moves before an event add up, the latest first', async () => {
    const moves: string[][] = [];
    const queue = await TransferQueue.open({ storage: memoryStorage(), run: controlledRunner().run, inFlight: 1, onChange: (_rows, _removed, moved) => moves.push(moved), changeIntervalMs: 10_000 });
    queue.add(['a', 'b', 'c', 'd'].map(row));
    queue.flushChanges();
    queue.moveToTop(['c']);
    queue.moveToTop(['d', 'b']);
    queue.flushChanges();
    // The chosen rows keep their order among themselves.
    expect(moves).toEqual([[], ['b', 'd', 'c']]);
    expect(queue.list().map((r) => r.id)).toEqual(['b', 'd', 'c', 'a']);
  });

  it('comes back from disk after a restart: what ran or waited is paused, interrupted command-line transfers join paused', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-queue-'));
    try {
      const storage = new JsonListFile<QueueRow>(path.join(dir, 'queue.json'));
      const runner = controlledRunner();
      const first = await TransferQueue.open({ storage, run: runner.run, inFlight: 1 });
      first.add(['a', 'b', 'c'].map(row));
      await runner.end('a');
      await tick();
      while ((await storage.load()).find((r) => r.id === 'b')?.state !== 'active') await tick();

      const again = await TransferQueue.open({ storage, run: controlledRunner().run, inFlight: 1 }, [row('b'), row('cli')]);
      expect(states(again)).toEqual({ a: 'done', b: 'paused', c: 'paused', cli: 'paused' });
      await again.idle();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
