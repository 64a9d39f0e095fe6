// `npx tsx bench/profile.ts --db bench.db --only get,participants`: where a request's CPU time goes. Starts the
// compiled server (as `npm run bench` does) on a database holding the benchmark tenant, loads each scenario with
// autocannon, and reports the server's CPU time per request (from /proc, so it holds under a loaded machine, where
// requests per second do not) beside the bare server's for the same bytes. With `--sequential` the requests go one
// after another on one keep-alive connection instead, each URL `--passes` times after a warm pass (the least
// sensitive to the machine's load); `--accept-encoding identity,gzip` measures each coding in turn. With
// `--cpu-prof DIR` the server runs under V8's sampling profiler during each scenario's load (not while the URL sets
// are built) and the top functions by self time are printed, grouped by package; the profiler itself adds CPU
// time, so measure without it.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileEntries } from './build.js';
import { buildScenarios, capture, Client, type Scenario } from './collect.js';
import { appToken, registerApp } from './generate.js';
import { cpuMs, load, startChild, type Child } from './load.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const { values: a } = parseArgs({
  options: {
    db: { type: 'string' },
    only: { type: 'string', default: 'get,participants' },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    samples: { type: 'string', default: '300' },
    'max-walk': { type: 'string', default: '1000' },
    'log-level': { type: 'string', default: 'info' },
    'cpu-prof': { type: 'string' },
    perf: { type: 'string' },
    top: { type: 'string', default: '40' },
    /** Another checkout whose server is loaded in turn with this one's, on the same database (before/after). */
    against: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    /** One request at a time on one keep-alive connection instead of autocannon's connections and duration. */
    sequential: { type: 'boolean', default: false },
    passes: { type: 'string', default: '3' },
    'accept-encoding': { type: 'string', default: 'identity' },
  },
});
if (!a.db)
  throw new Error('--db: a database holding the benchmark tenant (e.g. from `npm run bench -- --keep`)');
const log = (s: string) => process.stderr.write(`[profile] ${s}\n`);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Self time by function and by package of a .cpuprofile file, as shares of the samples that were not idle. */
function summarize(file: string, top: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)' || f.functionName === '(program)') continue;
    busy += us;
    const url = f.url.replace(/^file:\/\//, '');
    const nm = /node_modules\/((?:@[^/]+\/)?[^/.][^/]*)\//.exec(url);
    const own = /\/callrecords-bench[^/]*\/((?:src|bench)\/[^/]+)/.exec(url);
    const group = nm ? nm[1]! : own ? own[1]! : url ? 'node' : f.functionName;
    pkg.set(group, (pkg.get(group) ?? 0) + us);
    const where = url
      ? `${url.replace(/^.*\/(node_modules|callrecords-bench[^/]*)\//, '')}:${f.lineNumber + 1}`
      : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  process.stdout.write(`\n${path.basename(file)}: ${(busy / 1000).toFixed(0)} ms busy\n  by package:\n`);
  for (const [k, us] of [...pkg].sort((x, y) => y[1] - x[1]).slice(0, 15))
    process.stdout.write(`  ${pct(us)}  ${k}\n`);
  process.stdout.write('  by function (self time):\n');
  for (const [k, us] of [...fn].sort((x, y) => y[1] - x[1]).slice(0, top))
    process.stdout.write(`  ${pct(us)}  ${k}\n`);
}

const tmp = path.join(os.tmpdir(), `callrecords-profile-${process.pid}`);
const children: Child[] = [];
try {
  const db = path.resolve(a.db);
  const app = await registerApp(db);
  log('compiling the server and the bare server');
  const entries = compileEntries(path.dirname(here));
  const profDir = a['cpu-prof'] ? path.resolve(a['cpu-prof']) : undefined;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const perfDir = a.perf ? path.resolve(a.perf) : undefined;
  if (perfDir) mkdirSync(perfDir, { recursive: true });
  // perf samples on-CPU time only, so it is not misled by a loaded machine as the V8 profiler's wall-clock samples
  // are; the perf map names the JIT-compiled JavaScript functions.
  const server = await startChild(
    entries.server,
    { BENCH_DB: db, BENCH_LOG_LEVEL: a['log-level'] ?? 'info' },
    perfDir ? ['--perf-basic-prof-only-functions'] : [],
  );
  children.push(server);
  const token = await appToken(server.url, app);
  const client = new Client(server.url, token);
  const only = (a.only ?? '').split(',');
  const scenarios = (
    await buildScenarios(client, { samples: Number(a.samples), maxWalk: Number(a['max-walk']), log })
  ).filter((s) => only.includes(s.name));
  const encodings = (a['accept-encoding'] ?? 'identity').split(',');
  /** The coding a request asks for: none named for identity, as the server's default. */
  const asked = (enc: string) => (enc === 'identity' ? undefined : enc);
  // A bare server per coding, replaying the bytes the real server gave for it.
  const bares = new Map<string, Child>();
  for (const enc of encodings) {
    const dir = path.join(tmp, `samples-${enc}`);
    await capture(new Client(server.url, token, asked(enc)), scenarios, dir);
    const bare = await startChild(entries.bare, { BENCH_SAMPLES: dir });
    children.push(bare);
    bares.set(enc, bare);
  }
  const run = { connections: Number(a.connections), token };
  const duration = Number(a.duration);
  const passes = Number(a.passes);
  const loadAverage = () =>
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  /** One request on the one keep-alive connection to `base`; settles once the whole body has arrived. */
  const get = (base: string, url: string, enc: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        base + url,
        { agent, headers: { authorization: `Bearer ${token}`, 'accept-encoding': enc } },
        (res) => {
          res.resume();
          res.on('error', reject);
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`GET ${url}: ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  /**
   * One measurement of a scenario on one server: requests per second and the server's CPU time per request (us).
   * Loaded: autocannon's connections for the duration. Sequential: a warm pass, then `passes` passes one request
   * at a time, where requests per second is the inverse of the wall time a request took.
   */
  const measure = async (child: Child, urls: string[], enc: string) => {
    if (a.sequential) {
      for (const u of urls) await get(child.url, u, enc);
      const c0 = cpuMs(child.pid);
      const t0 = performance.now();
      for (let p = 0; p < passes; p++) for (const u of urls) await get(child.url, u, enc);
      const n = urls.length * passes;
      const cpu = Math.round(((cpuMs(child.pid) - c0) * 1000) / Math.max(n, 1));
      return { rps: Math.round((n * 1000) / (performance.now() - t0)), cpu, bad: '' };
    }
    const c0 = cpuMs(child.pid);
    const acceptEncoding = asked(enc);
    const r = await load(child.url, urls, {
      ...run,
      duration,
      ...(acceptEncoding ? { acceptEncoding } : {}),
    });
    const cpu = Math.round(((cpuMs(child.pid) - c0) * 1000) / Math.max(r.requests, 1));
    const bad = r.non2xx + r.errors > 0 ? ` (${r.non2xx} non-2xx, ${r.errors} errors)` : '';
    return { rps: r.rps, cpu, bad };
  };
  const other =
    a.against &&
    (await startChild(compileEntries(path.resolve(a.against)).server, {
      BENCH_DB: db,
      BENCH_LOG_LEVEL: a['log-level'] ?? 'info',
    }));
  if (other) children.push(other);
  // A loaded run warms each server up once; a sequential measurement warms itself, scenario by scenario.
  if (!a.sequential && scenarios[0]) {
    for (const c of other ? [server, other] : [server])
      await load(c.url, scenarios[0].urls, { ...run, duration: 2 });
  }
  process.stdout.write(`${loadAverage()}\n`);
  const files: string[] = [];
  const label = (s: Scenario, enc: string) =>
    encodings.length > 1 || enc !== 'identity' ? `${s.name}-${enc}` : s.name;
  const width = Math.max(14, ...scenarios.flatMap((s) => encodings.map((enc) => label(s, enc).length)));
  for (const s of scenarios) {
    for (const enc of encodings) {
      const name = label(s, enc);
      const bareRun = await measure(bares.get(enc)!, s.urls, enc);
      const line = (who: string, m: { rps: number; cpu: number; bad: string }) =>
        process.stdout.write(
          `${name.padEnd(width)} ${who.padEnd(8)} ${String(m.rps).padStart(7)} req/s ${String(m.cpu).padStart(5)} us CPU/req` +
            `  ratio ${(m.rps / Math.max(bareRun.rps, 1)).toFixed(2)} (req/s) ${(bareRun.cpu / Math.max(m.cpu, 1)).toFixed(2)} (CPU)${m.bad}\n`,
        );
      line('bare', bareRun);
      const runs: Record<'server' | 'against', { rps: number; cpu: number }[]> = { server: [], against: [] };
      for (let round = 0; round < Number(a.rounds); round++) {
        if (other) {
          const m = await measure(other, s.urls, enc);
          runs.against.push(m);
          line('against', m);
        }
        const file = profDir && path.join(profDir, `${name}-${Date.now()}.cpuprofile`);
        if (file) await server.ask({ profile: 'start' });
        const perf =
          perfDir &&
          spawn(
            'perf',
            [
              'record',
              '-F',
              '1999',
              '-g',
              '-p',
              String(server.pid),
              '-o',
              path.join(perfDir, `${name}.data`),
            ],
            { stdio: 'ignore' },
          );
        const m = await measure(server, s.urls, enc);
        if (perf) {
          const stopped = new Promise((done) => perf.once('exit', done));
          perf.kill('SIGINT');
          await stopped;
        }
        if (file) {
          await server.ask({ profile: 'stop', file });
          files.push(file);
        }
        runs.server.push(m);
        line('server', m);
      }
      if (Number(a.rounds) > 1) {
        const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
        for (const who of ['against', 'server'] as const) {
          if (runs[who].length === 0) continue;
          const m = {
            rps: median(runs[who].map((r) => r.rps)),
            cpu: median(runs[who].map((r) => r.cpu)),
            bad: '',
          };
          line(`${who === 'server' ? 'this' : 'against'} med`, m);
        }
      }
    }
  }
  agent.destroy();
  process.stdout.write(`${loadAverage()}\n`);
  for (const f of files) summarize(f, Number(a.top));
} finally {
  for (const c of children.reverse()) await c.stop();
  rmSync(tmp, { recursive: true, force: true });
}
