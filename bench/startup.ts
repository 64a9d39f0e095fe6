// Start-up of the demo as a user sees it: `callrecords serve --demo` spawned from the built CLI (dist/, what
// `npm start` runs), timed from the spawn to the first 200 of /healthz and to the first 200 of a records list
// (token included), first on an empty database, then again on the database that run left.
//
//   npx tsx bench/startup.ts [--runs 3] [--keep] [--phases] [--cli path/to/dist/cli/index.js (another build)]
//
// --phases prints where each start's time went, as the server logs it (src/startup.ts): wall and CPU time per
// phase. On a loaded machine compare the CPU column (the whole process, every thread), not the wall one.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const DEMO_TENANT = 'dc368399-474c-4d40-900c-6265431fd81f';
const CLIENT = 'c0ffee00-ca11-4000-8000-000000000001';
const SECRET = 'callrecords-demo-secret';
const BUILT_CLI = new URL('../dist/cli/index.js', import.meta.url).pathname;

export interface StartupRun {
  /** Spawn to the first 200 of GET /healthz, ms. */
  healthzMs: number;
  /** Spawn to the first 200 of GET /v1.0/communications/callRecords (a token fetched first), ms. */
  listMs: number;
  /** Records on the list's first page. */
  pageRecords: number;
  /**
   * CPU time the server process (every thread) had used when the list's 200 came, ms, from /proc (Linux only):
   * unlike the wall times, the machine's load barely moves it, and it works for a build without --phases.
   */
  listCpuMs?: number;
  /**
   * Spawn to the server's log line saying the demo tenant is written in full, ms (empty database only): before the
   * server served during the seeding, this was when healthz turned 200. The same run's healthzMs against it is a
   * ratio that the machine's load moves far less than either figure.
   */
  seededMs?: number;
  /**
   * The server's own account of its start-up, from its 'ready' log line: each phase's wall time and the CPU time
   * the whole process spent in it (src/startup.ts). The CPU figures hold on a loaded machine; the wall ones do not.
   */
  phases?: { phase: string; ms: number; cpuMs: number }[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** User and system CPU time of process `pid` so far, ms; undefined where /proc is not there. */
function processCpuMs(pid: number | undefined): number | undefined {
  try {
    // Fields 14 and 15 (utime, stime) in clock ticks, counted after the command name (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
/** Linux's USER_HZ, the unit of /proc/<pid>/stat times, is 100 on every architecture Node runs on. */
const CLOCK_TICKS = 100;

async function poll(url: string, init?: RequestInit): Promise<Response> {
  for (;;) {
    try {
      const r = await fetch(url, init);
      if (r.status === 200) return r;
      await r.arrayBuffer();
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
}

/** One start of the demo on `db`; the process is stopped once both answers came. */
export async function startOnce(
  db: string,
  o: { cli: string; empty: boolean; nodeArgs?: string[] },
): Promise<StartupRun> {
  const cli = o.cli;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...(o.nodeArgs ?? []), cli, 'serve', '--demo', '--port', String(port), '--db', db],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, CALLRECORDS_LOG_LEVEL: 'info' },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let seededMs: number | undefined;
  let phases: StartupRun['phases'];
  const seeded = new Promise<void>((resolve) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (phases === undefined) {
        const line = text.split('\n').find((l) => l.includes('"msg":"ready"'));
        if (line) phases = (JSON.parse(line) as { phases?: StartupRun['phases'] }).phases ?? [];
      }
      if (seededMs === undefined && text.includes('"demo tenant created"')) {
        seededMs = Math.round(performance.now() - started);
        resolve();
      }
    });
    child.once('exit', () => resolve());
  });
  try {
    const health = poll(`${base}/healthz`).then(() => performance.now() - started);
    // A client that starts as soon as the port answers: token first, then the list until it is served.
    const list = (async () => {
      const token = (await (
        await poll(`${base}/${DEMO_TENANT}/oauth2/v2.0/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: CLIENT,
            client_secret: SECRET,
            scope: 'https://graph.microsoft.com/.default',
          }),
        })
      ).json()) as { access_token: string };
      const r = await poll(`${base}/v1.0/communications/callRecords`, {
        headers: { authorization: `Bearer ${token.access_token}` },
      });
      const ms = performance.now() - started;
      const cpuMs = processCpuMs(child.pid);
      const page = (await r.json()) as { value: unknown[] };
      return { ms, cpuMs, pageRecords: page.value.length };
    })();
    const [healthzMs, l] = await Promise.all([health, list]);
    // On an empty database, wait for the end of the seeding (a new database's first start logs it).
    if (o.empty) await seeded;
    return {
      healthzMs: Math.round(healthzMs),
      listMs: Math.round(l.ms),
      pageRecords: l.pageRecords,
      ...(l.cpuMs === undefined ? {} : { listCpuMs: Math.round(l.cpuMs) }),
      ...(seededMs === undefined ? {} : { seededMs }),
      ...(phases ? { phases } : {}),
    };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** One line a phase (wall ms, CPU ms), and their sums. */
export function phaseTable(phases: NonNullable<StartupRun['phases']>): string {
  const row = (name: string, ms: number, cpuMs: number) =>
    `    ${name.padEnd(16)} ${String(ms).padStart(6)} ms wall ${String(cpuMs).padStart(6)} ms CPU\n`;
  const sum = (k: 'ms' | 'cpuMs') => phases.reduce((a, p) => a + p[k], 0);
  return phases.map((p) => row(p.phase, p.ms, p.cpuMs)).join('') + row('total', sum('ms'), sum('cpuMs'));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      keep: { type: 'boolean' },
      phases: { type: 'boolean' },
      cli: { type: 'string' },
    },
  });
  const cli = values.cli ?? BUILT_CLI;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const runs = Number(values.runs);
  const results: { empty: StartupRun; existing: StartupRun }[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'callrecords-startup-'));
    const db = join(dir, 'demo.db');
    try {
      const empty = await startOnce(db, { cli, empty: true });
      const existing = await startOnce(db, { cli, empty: false });
      results.push({ empty, existing });
      process.stdout.write(
        `run ${i + 1}: empty database healthz ${empty.healthzMs} ms, list ${empty.listMs} ms ` +
          `(${empty.listCpuMs ?? '?'} ms CPU), all written ${empty.seededMs ?? '?'} ms; ` +
          `existing database healthz ${existing.healthzMs} ms, list ${existing.listMs} ms ` +
          `(${existing.listCpuMs ?? '?'} ms CPU)\n`,
      );
      if (values.phases)
        for (const [name, r] of [
          ['empty', empty],
          ['existing', existing],
        ] as const)
          process.stdout.write(`  ${name} database, to ready:\n${phaseTable(r.phases ?? [])}`);
    } finally {
      if (values.keep) process.stdout.write(`kept ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = {
    runs,
    emptyHealthzMs: median(results.map((r) => r.empty.healthzMs)),
    emptyListMs: median(results.map((r) => r.empty.listMs)),
    emptyListCpuMs: median(results.map((r) => r.empty.listCpuMs ?? NaN)),
    emptySeededMs: median(results.map((r) => r.empty.seededMs ?? NaN)),
    existingHealthzMs: median(results.map((r) => r.existing.healthzMs)),
    existingListMs: median(results.map((r) => r.existing.listMs)),
    existingListCpuMs: median(results.map((r) => r.existing.listCpuMs ?? NaN)),
  };
  process.stdout.write(`median of ${runs}: ${JSON.stringify(summary)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
