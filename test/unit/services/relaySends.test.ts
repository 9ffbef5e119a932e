// Relayed rows and their sends (relaySends.ts): a batch's waiting rows share one send, each row's
// outcome is its file's line, and files the host answered nothing about are told apart.

import { describe, expect, it } from 'vitest';
import type { RelayFile, RelayOptions, RelayResult, RelayTarget } from '../../../electron/relay/sender.js';
import { RelaySends, type RelayedRow } from '../../../electron/services/relaySends.js';

const target: RelayTarget = { url: 'http://127.0.0.1:9/?token=s3cr3t', bucket: 'b', prefix: 'p/', batch: 'batch-1' };

const row = (name: string): RelayedRow => ({ id: `row-${name}`, file: { path: `/local/${name}`, name, size: 1 } });

/** A relay that answers as each test says: the sends made, and their files and onLine to answer with. */
function fakeRelay() {
  const sends: { files: RelayFile[]; options: RelayOptions; end: (result: Partial<RelayResult> | Error) => void }[] = [];
  const send = (_target: RelayTarget, files: RelayFile[], options: RelayOptions = {}) =>
    new Promise<RelayResult>((resolve, reject) => {
      sends.push({
        files,
        options,
        end: (result) => (result instanceof Error ? reject(result) : resolve({ files: files.length, sent: 0, failed: [], alreadyDone: 0, ...result })),
      });
    });
  return { sends, relay: new RelaySends(send) };
}

describe('RelaySends', () => {
  it('sends a row with its batch’s waiting rows at once, and gives each row its own file’s line', async () => {
    const { sends, relay } = fakeRelay();
    const [a, b, c] = [row('a.txt'), row('b.txt'), row('c.txt')];
    const outcomeA = relay.outcome(a, target, () => [a, b, c]);
    const outcomeB = relay.outcome(b, target, () => [a, b, c]);
    expect(sends).toHaveLength(1);
    expect(sends[0]?.files.map((f) => f.name)).toEqual(['a.txt', 'b.txt', 'c.txt']);
    sends[0]?.options.onLine?.({ name: 'b.txt', key: 'p/b.txt', ok: false, error: { code: 'AccessDenied', message: 'No.' } });
    sends[0]?.options.onLine?.({ name: 'a.txt', key: 'p/a.txt', ok: true, bytes: 1 });
    expect(await outcomeA).toEqual({ ok: true, earlier: false });
    expect(await outcomeB).toEqual({ ok: false, error: { code: 'AccessDenied', message: 'No.' } });
    sends[0]?.options.onLine?.({ name: 'c.txt', key: 'p/c.txt', ok: true, bytes: 1 });
    sends[0]?.end({});
    // A row that starts later takes the outcome kept for it.
    expect(await relay.outcome(c, target, () => [c])).toEqual({ ok: true, earlier: false });
    expect(sends).toHaveLength(1);
  });

  it('a row whose outcome was forgotten (failed, retried) goes in a new send, without rows another send carries', async () => {
    const { sends, relay } = fakeRelay();
    const [a, b] = [row('a.txt'), row('b.txt')];
    void relay.outcome(a, target, () => [a]);
    relay.forget(a.id);
    void relay.outcome(b, target, () => [a, b]);
    expect(sends.map((s) => s.files.map((f) => f.name))).toEqual([['a.txt'], ['b.txt', 'a.txt']]);
    void relay.outcome(a, target, () => [a, b]);
    expect(sends).toHaveLength(2);
  });

  it('files without a line were finished by an earlier send when the host’s log counts them all; else they fail, to be retried', async () => {
    const { sends, relay } = fakeRelay();
    const [a, b] = [row('a.txt'), row('b.txt')];
    const outcomes = [relay.outcome(a, target, () => [a, b]), relay.outcome(b, target, () => [a, b])];
    sends[0]?.end({ alreadyDone: 2 });
    expect(await Promise.all(outcomes)).toEqual([
      { ok: true, earlier: true },
      { ok: true, earlier: true },
    ]);

    const [c, d] = [row('c.txt'), row('d.txt')];
    const more = [relay.outcome(c, target, () => [c, d]), relay.outcome(d, target, () => [c, d])];
    sends[1]?.end({ alreadyDone: 1 });
    for (const outcome of await Promise.all(more)) expect(outcome).toMatchObject({ ok: false, error: { code: 'ServerError', message: expect.stringMatching(/without a word about this file/) } });
  });

  it('a send that fails fails the files not yet answered, its message without the relay’s token', async () => {
    const { sends, relay } = fakeRelay();
    const [a, b] = [row('a.txt'), row('b.txt')];
    const outcomes = [relay.outcome(a, target, () => [a, b]), relay.outcome(b, target, () => [a, b])];
    sends[0]?.options.onLine?.({ name: 'a.txt', key: 'p/a.txt', ok: true, bytes: 1 });
    sends[0]?.end(new Error('connect ECONNREFUSED http://127.0.0.1:9/relay/done?token=s3cr3t'));
    expect(await Promise.all(outcomes)).toEqual([
      { ok: true, earlier: false },
      { ok: false, error: { code: 'Unknown', message: 'connect ECONNREFUSED http://127.0.0.1:9/relay/done?token=…' } },
    ]);
  });
});
