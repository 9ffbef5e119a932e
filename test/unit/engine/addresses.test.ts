import { describe, expect, it } from 'vitest';
import { AddressBook, type Resolve } from '../../../electron/engine/s3/addresses.js';

function book(answers: (string[] | Error)[], ttlMs?: number) {
  let now = 0;
  let calls = 0;
  const resolve: Resolve = async () => {
    const answer = answers[Math.min(calls++, answers.length - 1)];
    if (answer instanceof Error) throw answer;
    return { addresses: (answer ?? []).map((address) => ({ address, family: 4 as const })), ttlMs };
  };
  const addresses = new AddressBook(resolve, () => now);
  return { addresses, advance: (ms: number) => (now += ms), calls: () => calls };
}

const picks = async (addresses: AddressBook, n: number) => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await addresses.pick('s3.example')).address);
  return out;
};

describe('connections spread over addresses', () => {
  it('gives each new connection the next address in turn, resolving the name once', async () => {
    const { addresses, calls } = book([['10.0.0.1', '10.0.0.2', '10.0.0.3']]);
    expect(await picks(addresses, 5)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.1', '10.0.0.2']);
    expect(calls()).toBe(1);
    expect(Object.fromEntries(addresses.connections)).toEqual({ '10.0.0.1': 2, '10.0.0.2': 2, '10.0.0.3': 1 });
  });

  it('passes over an address set aside until its time is up, and resolves the name again', async () => {
    const { addresses, advance, calls } = book([['10.0.0.1', '10.0.0.2']]);
    await picks(addresses, 1);
    addresses.setAside('10.0.0.2');
    expect(await picks(addresses, 3)).toEqual(['10.0.0.1', '10.0.0.1', '10.0.0.1']);
    expect(calls()).toBe(2);
    advance(30_001);
    expect(new Set(await picks(addresses, 2))).toEqual(new Set(['10.0.0.1', '10.0.0.2']));
  });

  it('tries every address again when all are set aside', async () => {
    const { addresses } = book([['10.0.0.1', '10.0.0.2']]);
    addresses.setAside('10.0.0.1');
    addresses.setAside('10.0.0.2');
    expect((await picks(addresses, 2)).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('resolves again once the time to live runs out, and keeps the last answer when the resolver fails', async () => {
    const { addresses, advance, calls } = book([['10.0.0.1'], ['10.0.0.9'], new Error('no DNS')], 5_000);
    expect(await picks(addresses, 1)).toEqual(['10.0.0.1']);
    advance(4_000);
    expect(await picks(addresses, 1)).toEqual(['10.0.0.1']);
    advance(2_000);
    expect(await picks(addresses, 1)).toEqual(['10.0.0.9']);
    advance(6_000);
    expect(await picks(addresses, 1)).toEqual(['10.0.0.9']);
    expect(calls()).toBe(3);
  });

  it('connects to an address given as the endpoint itself, and fails a name with no address', async () => {
    const { addresses, calls } = book([[]]);
    expect(await addresses.pick('127.0.0.1')).toEqual({ address: '127.0.0.1', family: 4 });
    expect(await addresses.pick('::1')).toEqual({ address: '::1', family: 6 });
    await expect(addresses.pick('s3.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(calls()).toBe(1);
  });

  it('answers as net.connect asks: one address, or a list of one', async () => {
    const { addresses } = book([['10.0.0.1', '10.0.0.2']]);
    const one = await new Promise((resolve) => addresses.lookup('s3.example', {}, (_e, address, family) => resolve([address, family])));
    const all = await new Promise((resolve) => addresses.lookup('s3.example', { all: true }, (_e, list) => resolve(list)));
    expect(one).toEqual(['10.0.0.1', 4]);
    expect(all).toEqual([{ address: '10.0.0.2', family: 4 }]);
  });
});
