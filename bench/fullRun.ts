// A full benchmark run, kept one server at a time: a full run takes about two hours here, so it may
// be made in parts (`--servers swift`, then `--servers discard`). Each server's part is kept in
// bench/results/full-<server>.json, and docs/benchmarks.md is written from the parts once every
// server has one measured from the same build.

import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface BenchRow {
  workload: string;
  server: string;
  profile: string;
  tool: string;
  mibps: number;
  cpuSecPerGiB: number;
  rssMiB: number;
  loopDelayP99Ms?: number;
  runs: number;
  failures: number;
}

/** One server's share of a full run. */
export interface FullPart {
  server: string;
  /** The commit measured, "+changes" when the tree differed from it. */
  build: string;
  at: string;
  machine: string;
  runs: number;
  rows: BenchRow[];
}

/**
 * Keeps `parts` (one per server measured now) in `resultsDir`; returns the table for
 * docs/benchmarks.md when every one of `servers` has a part of `build`, else the servers that lack one.
 */
export async function keepParts(resultsDir: string, servers: readonly string[], parts: FullPart[]): Promise<{ markdown: string } | { missing: string[] }> {
  await mkdir(resultsDir, { recursive: true });
  for (const part of parts) await writeFile(path.join(resultsDir, `full-${part.server}.json`), JSON.stringify(part, null, 2));
  const build = parts[0]?.build;
  const kept = servers.map((server) => readPart(path.join(resultsDir, `full-${server}.json`))).filter((p): p is FullPart => p !== undefined && p.build === build);
  const missing = servers.filter((server) => !kept.some((p) => p.server === server));
  return missing.length > 0 ? { missing } : { markdown: markdown(kept) };
}

function readPart(file: string): FullPart | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as FullPart;
  } catch {
    return undefined;
  }
}

function markdown(parts: FullPart[]): string {
  const rows = parts.flatMap((p) => p.rows);
  const lines = [
    '# Benchmarks',
    '',
    `Full run of build ${parts[0]?.build ?? '?'}: ${parts.map((p) => `${p.server} at ${p.at.slice(0, 16).replace('T', ' ')} UTC on ${p.machine}, ${p.runs} runs each`).join('; ')} (medians; lib-storage's folders with latency: one run).`,
    "Clients pinned to core 0, the server (and the latency proxy) to core 1. Wall time of the whole command, start-up included. Ratio: Ferry ÷ tool; for the ceiling (a plain parallel client that only moves bytes, on the discarding endpoint only) it is Ferry's share of it.",
    '',
    '| server | link | workload | tool | MiB/s | Ferry ÷ tool | CPU-s/GiB | peak RSS MiB | Ferry loop p99 ms | failed runs |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const ferry = rows.find((r) => r.tool === 'ferry' && r.server === row.server && r.profile === row.profile && r.workload === row.workload);
    const ratio = ferry && row.mibps > 0 ? (ferry.mibps / row.mibps).toFixed(2) : '';
    const failed = row.runs === 0 ? 'all' : String(row.failures);
    lines.push(`| ${row.server} | ${row.profile} | ${row.workload} | ${row.tool} | ${row.runs === 0 ? '—' : row.mibps} | ${row.runs === 0 ? '' : ratio} | ${row.cpuSecPerGiB} | ${row.rssMiB} | ${row.loopDelayP99Ms ?? ''} | ${failed} |`);
  }
  return `${lines.join('\n')}\n`;
}
