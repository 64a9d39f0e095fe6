// The benchmark's output: a table on stdout and the same numbers as JSON in bench/results/<timestamp>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GenerateStats } from './generate.js';
import type { LoadResult } from './load.js';

export interface ScenarioResult {
  name: string;
  what: string;
  urls: number;
  server: LoadResult;
  bare: LoadResult;
  /** Server req/s over bare req/s: the share of what Node.js alone serves for the same bytes. */
  ratio: number;
  /** Mean response size, bytes. */
  bytes: number;
  serverRssMb: number;
}

export interface Report {
  timestamp: string;
  machine: { node: string; cpus: number; cpuModel: string; loadAverage: number[] };
  options: Record<string, unknown>;
  generator: GenerateStats | null;
  server: { startupMs: number; idleRssMb: number; rssMb: number; peakRssMb: number };
  scenarios: ScenarioResult[];
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

export function printTable(r: Report, out: (line: string) => void): void {
  const g = r.generator;
  if (g) {
    out(
      `generator: ${g.records} records, ${g.logRows} log rows (${g.users} users x ${g.days} days) in ${g.seconds} s: ` +
        `${g.recordsPerSecond} records/s generated and written (writer busy ${g.writeSeconds} s, waiting for the generation thread ${g.waitSeconds} s), peak ${g.peakRssMb} MB`,
    );
  }
  out(
    `server: ready in ${r.server.startupMs} ms, RSS ${r.server.idleRssMb} MB idle, ${r.server.rssMb} MB at the end, ` +
      `${r.server.peakRssMb} MB peak`,
  );
  out('');
  const head = [
    'scenario'.padEnd(19),
    pad('urls', 5),
    pad('KB', 6),
    pad('req/s', 7),
    pad('p50 ms', 7),
    pad('p99 ms', 7),
    pad('bare/s', 7),
    pad('p50 ms', 7),
    pad('p99 ms', 7),
    pad('ratio', 6),
    pad('RSS MB', 7),
  ].join(' ');
  out(head);
  out('-'.repeat(head.length));
  for (const s of r.scenarios) {
    const bad = s.server.non2xx + s.server.errors + s.bare.non2xx + s.bare.errors;
    out(
      [
        s.name.padEnd(19),
        pad(s.urls, 5),
        pad((s.bytes / 1024).toFixed(1), 6),
        pad(s.server.rps, 7),
        pad(s.server.p50, 7),
        pad(s.server.p99, 7),
        pad(s.bare.rps, 7),
        pad(s.bare.p50, 7),
        pad(s.bare.p99, 7),
        pad(s.ratio.toFixed(2), 6),
        pad(s.serverRssMb, 7),
      ].join(' ') + (bad ? `  (${bad} non-2xx/errors!)` : ''),
    );
  }
}

export function writeJson(r: Report, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${r.timestamp.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  return file;
}
