// A full benchmark run may be made one server at a time; docs/benchmarks.md only from parts of one build.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepParts, keptTable, type BenchRow, type FullPart } from '../../../bench/fullRun.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-fullrun-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const row = (server: string, tool: string, mibps: number): BenchRow => ({ workload: '1 file 1024 MiB up', server, profile: 'loopback', tool, mibps, cpuSecPerGiB: 4, rssMiB: 100, runs: 3, failures: 0 });
const part = (server: string, build: string, rows: BenchRow[]): FullPart => ({ server, build, at: '2026-12-03T16:14:00.000Z', machine: '2 × test CPU', runs: 3, rows });

describe('keepParts', () => {
  it('writes the table only when every server has a part of the same build', async () => {
    const servers = ['swift', 'discard'];
    expect(await keepParts(dir, servers, [part('swift', 'abc1234', [row('swift', 'ferry', 150), row('swift', 'rclone', 75)])])).toEqual({ missing: ['discard'] });
    // A part of another build does not complete it: the swift part is abc1234's.
    expect(await keepParts(dir, servers, [part('discard', 'def5678', [row('discard', 'ferry', 200)])])).toEqual({ missing: ['swift'] });
    const done = await keepParts(dir, servers, [part('discard', 'abc1234', [row('discard', 'ferry', 200), row('discard', 'ceiling', 400)])]);
    if (!('markdown' in done)) throw new Error(`expected a table, missing ${done.missing.join(', ')}`);
    const lines = done.markdown.split('\n');
    expect(lines[2]).toMatch(/^Full run of build abc1234: swift finished at 2026-12-03 16:14 UTC on 2 × test CPU, 3 runs each; discard finished at /);
    const rows = lines.filter((l) => /^\| (swift|discard) /.test(l));
    expect(rows).toEqual([
      '| swift | loopback | 1 file 1024 MiB up | ferry | 150 | 1.00 | 4 | 100 |  | 0 |',
      '| swift | loopback | 1 file 1024 MiB up | rclone | 75 | 2.00 | 4 | 100 |  | 0 |',
      '| discard | loopback | 1 file 1024 MiB up | ferry | 200 | 1.00 | 4 | 100 |  | 0 |',
      '| discard | loopback | 1 file 1024 MiB up | ceiling | 400 | 0.50 | 4 | 100 |  | 0 |',
    ]);
  });

  it('gives the loop delay as how late the timer ran: parts that kept the 10 ms interval in lose it', async () => {
    const servers = ['swift', 'discard'];
    const files = (server: string, loopDelayP99Ms: number): BenchRow => ({ ...row(server, 'ferry', 12), workload: '1000 files up', loopDelayP99Ms, cpuMsPerFile: 2.4 });
    // An older part (no loopDelay field): 24 ms sampled at a 10 ms interval is 14 ms late; an idle 9.6 is 0.
    await keepParts(dir, servers, [part('swift', 'old1234', [files('swift', 24), { ...files('swift', 9.6), workload: '1000 files down' }])]);
    const done = await keepParts(dir, servers, [{ ...part('discard', 'old1234', [files('discard', 31.5)]), loopDelay: 'late' }]);
    if (!('markdown' in done)) throw new Error('expected a table');
    expect(done.markdown.split('\n').filter((l) => l.startsWith('| swift') || l.startsWith('| discard'))).toEqual([
      '| swift | loopback | 1000 files up | ferry | 12 | 1.00 | 4 | 2.4 | 100 | 14 | 0 |',
      '| swift | loopback | 1000 files down | ferry | 12 | 1.00 | 4 | 2.4 | 100 | 0 | 0 |',
      '| discard | loopback | 1000 files up | ferry | 12 | 1.00 | 4 | 2.4 | 100 | 31.5 | 0 |',
    ]);
    // The same table again from what is kept (bench --write-doc).
    expect(keptTable(dir, servers)).toEqual(done);
  });
});
