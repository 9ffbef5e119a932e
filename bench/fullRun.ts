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
  /** Folder workloads: the command's CPU milliseconds per file, start-up included. */
  cpuMsPerFile?: number;
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
  /**
   * 'late': the loop delay is how late the loop ran a 10 ms timer. Absent (runs before 2026-12-03
   * 19:00): the sample as monitorEventLoopDelay gives it, its 10 ms interval included, so 10 ms
   * more; the table takes the interval off.
   */
  loopDelay?: 'late';
}

/**
 * monitorEventLoopDelay's interval: the one Ferry's report uses (electron/cli/main.ts), and the one
 * older parts' samples include.
 */
const LOOP_SAMPLE_MS = 10;

/**
 * Keeps `parts` (one per server measured now) in `resultsDir`; returns the table for
 * docs/benchmarks.md when every one of `servers` has a part of `build`, else the servers that lack one.
 */
export async function keepParts(resultsDir: string, servers: readonly string[], parts: FullPart[]): Promise<{ markdown: string } | { missing: string[] }> {
  await mkdir(resultsDir, { recursive: true });
  for (const part of parts) await writeFile(path.join(resultsDir, `full-${part.server}.json`), JSON.stringify(part, null, 2));
  return keptTable(resultsDir, servers, parts[0]?.build);
}

/**
 * The table of the parts kept in `resultsDir`, when every one of `servers` has a part of `build`
 * (by default the build of the first server's part), else the servers that lack one.
 */
export function keptTable(resultsDir: string, servers: readonly string[], build?: string): { markdown: string } | { missing: string[] } {
  const all = servers.map((server) => readPart(path.join(resultsDir, `full-${server}.json`)));
  const wanted = build ?? all[0]?.build;
  const kept = all.filter((p): p is FullPart => p !== undefined && p.build === wanted);
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
  const rows = parts.flatMap((p) => p.rows.map((row) => ({ ...row, loopDelayP99Ms: loopLate(p, row.loopDelayP99Ms) })));
  // Runs before 2026-12-03 21:00 did not record CPU per file: the column is left out of their table.
  const perFile = rows.some((r) => r.cpuMsPerFile !== undefined);
  const lines = [
    '# Benchmarks',
    '',
    `Full run of build ${parts[0]?.build ?? '?'}: ${parts.map((p) => `${p.server} finished at ${p.at.slice(0, 16).replace('T', ' ')} UTC on ${p.machine}, ${p.runs} runs each`).join('; ')} (medians; lib-storage's folders with latency: one run).`,
    "Clients pinned to core 0, the server (and the latency proxy) to core 1. Wall time of the whole command, start-up included. Ratio: Ferry ÷ tool; for the ceiling (a plain parallel client that only moves bytes, on the discarding endpoint only) it is Ferry's share of it.",
    `${perFile ? "CPU ms/file: the whole command's CPU (start-up included) per file, for the folder workloads. " : ''}Loop delay: how late Ferry's event loop ran a ${LOOP_SAMPLE_MS} ms timer, p99 (\`monitorEventLoopDelay\`'s samples less its ${LOOP_SAMPLE_MS} ms interval; an idle loop reads 0–1 ms).`,
    '',
    `| server | link | workload | tool | MiB/s | Ferry ÷ tool | CPU-s/GiB |${perFile ? ' CPU ms/file |' : ''} peak RSS MiB | Ferry loop delay p99 ms | failed runs |`,
    `| --- | --- | --- | --- | ---: | ---: | ---: |${perFile ? ' ---: |' : ''} ---: | ---: | ---: |`,
  ];
  for (const row of rows) {
    const ferry = rows.find((r) => r.tool === 'ferry' && r.server === row.server && r.profile === row.profile && r.workload === row.workload);
    const ratio = ferry && row.mibps > 0 ? (ferry.mibps / row.mibps).toFixed(2) : '';
    const failed = row.runs === 0 ? 'all' : String(row.failures);
    lines.push(`| ${row.server} | ${row.profile} | ${row.workload} | ${row.tool} | ${row.runs === 0 ? '—' : row.mibps} | ${row.runs === 0 ? '' : ratio} | ${row.cpuSecPerGiB} |${perFile ? ` ${row.cpuMsPerFile ?? ''} |` : ''} ${row.rssMiB} | ${row.loopDelayP99Ms ?? ''} | ${failed} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** The loop delay as the table gives it: how late the timer ran (older parts kept the interval in). */
function loopLate(part: FullPart, value: number | undefined): number | undefined {
  if (value === undefined || part.loopDelay === 'late') return value;
  return Math.round(Math.max(0, value - LOOP_SAMPLE_MS) * 10) / 10;
}
