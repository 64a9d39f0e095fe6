// The benchmark's output: a table on stdout and the same numbers as JSON in bench/results/<timestamp>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GenerateStats } from './generate.js';
import type { LoadResult } from './load.js';

/** One scenario on one set of server instances (and as many bare servers), loaded together. */
export interface ScenarioResult {
  name: string;
  what: string;
  urls: number;
  /** Server processes on the one database, loaded together (load.ts); the bare servers are as many. */
  instances: number;
  /** The instances as one: requests summed, latency percentiles from one histogram over all of them. */
  server: LoadResult;
  bare: LoadResult;
  /** Server req/s over bare req/s: the share of what Node.js alone serves for the same bytes. */
  ratio: number;
  /** Mean response size, bytes. */
  bytes: number;
  /** Resident memory after the scenario, MB: all instances together, and each. */
  serverRssMb: number;
  serverRssMbEach: number[];
  /** CPU time each instance (and each bare server) used during its run, in % of one core. */
  serverCpuPercent: number[];
  bareCpuPercent: number[];
}

/** One scenario on one peer (a mock server serving the same OpenAPI document; see peers.ts). */
export interface PeerResult {
  peer: string;
  version: string;
  scenario: string;
  /** The peer's URLs, mapped from the scenario's (peers.ts, peerPath). */
  urls: number;
  /** Mean size of the peer's 2xx responses, bytes: placeholder bodies, not records. */
  bytes: number;
  /** Null when the peer answered none of the URLs with 2xx (the route does not exist in its world). */
  load: LoadResult | null;
  statuses: Record<string, number>;
  rssMb: number;
  cpuPercent: number;
}

export interface Report {
  timestamp: string;
  machine: { node: string; cpus: number; cpuModel: string; loadAverage: number[] };
  options: Record<string, unknown>;
  generator: GenerateStats | null;
  /** The first instance of the first set started. */
  server: { startupMs: number; idleRssMb: number; rssMb: number; peakRssMb: number };
  /** Every set of instances: when each instance was ready, ms, and its memory, MB. */
  serverSets: {
    instances: number;
    startupMs: number[];
    idleRssMb: number[];
    rssMb: number[];
    peakRssMb: number[];
  }[];
  scenarios: ScenarioResult[];
  peers: { name: string; version: string; readyMs: number | null; error: string | null }[];
  peerScenarios: PeerResult[];
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
  for (const set of r.serverSets) {
    out(
      `server x${set.instances}: ready in ${set.startupMs.join(' + ')} ms, RSS ${set.idleRssMb.join(' + ')} MB idle, ` +
        `${set.rssMb.join(' + ')} MB at the end, ${set.peakRssMb.join(' + ')} MB peak`,
    );
  }
  for (const p of r.peers) {
    out(
      p.error
        ? `peer ${p.name}: not run: ${p.error}`
        : `peer ${p.name} ${p.version}: answering in ${p.readyMs} ms`,
    );
  }
  out('');
  const head = [
    'scenario'.padEnd(22),
    pad('inst', 4),
    pad('urls', 5),
    pad('KB', 6),
    pad('req/s', 7),
    pad('p50 ms', 7),
    pad('p99 ms', 7),
    pad('bare/s', 7),
    pad('p50 ms', 7),
    pad('p99 ms', 7),
    pad('ratio', 6),
    pad('RSS MB', 9),
    pad('CPU %', 9),
  ].join(' ');
  out(head);
  out('-'.repeat(head.length));
  const names = [...new Set([...r.scenarios.map((s) => s.name), ...r.peerScenarios.map((p) => p.scenario)])];
  for (const name of names) {
    for (const s of r.scenarios.filter((x) => x.name === name)) {
      const bad = s.server.non2xx + s.server.errors + s.bare.non2xx + s.bare.errors;
      out(
        [
          s.name.padEnd(22),
          pad(s.instances, 4),
          pad(s.urls, 5),
          pad((s.bytes / 1024).toFixed(1), 6),
          pad(s.server.rps, 7),
          pad(s.server.p50, 7),
          pad(s.server.p99, 7),
          pad(s.bare.rps, 7),
          pad(s.bare.p50, 7),
          pad(s.bare.p99, 7),
          pad(s.ratio.toFixed(2), 6),
          pad(s.serverRssMbEach.join('+'), 9),
          pad(s.serverCpuPercent.join('+'), 9),
        ].join(' ') + (bad ? `  (${bad} non-2xx/errors!)` : ''),
      );
    }
    for (const p of r.peerScenarios.filter((x) => x.scenario === name)) {
      const label = `  ${p.peer} ${p.version}`.padEnd(22);
      if (!p.load) {
        out(`${label} ${pad(1, 4)} ${pad(p.urls, 5)}  not served (${JSON.stringify(p.statuses)})`);
        continue;
      }
      const bad = p.load.non2xx + p.load.errors;
      out(
        [
          label,
          pad(1, 4),
          pad(p.urls, 5),
          pad((p.bytes / 1024).toFixed(1), 6),
          pad(p.load.rps, 7),
          pad(p.load.p50, 7),
          pad(p.load.p99, 7),
          pad('', 7),
          pad('', 7),
          pad('', 7),
          pad('-', 6),
          pad(p.rssMb, 9),
          pad(p.cpuPercent, 9),
        ].join(' ') + (bad ? `  (${bad} non-2xx/errors!)` : ''),
      );
    }
  }
  if (r.peerScenarios.length > 0) {
    out('');
    out(
      'peers (indented) serve placeholder bodies from the OpenAPI document (KB: their mean response size), not records',
    );
  }
}

export function writeJson(r: Report, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${r.timestamp.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  return file;
}
