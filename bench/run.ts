// `npm run bench [-- --users 2000 --days 90 …]`: generates a tenant into a temporary SQLite file (or, with
// `--backend postgres`, a new PostgreSQL database that is dropped afterwards), starts the real
// server and a bare node:http server replaying the same responses (each in its own process), and loads both with
// autocannon, scenario by scenario. `--instances 2` runs two server processes on the one database (and two bare
// servers) loaded together; `--peers` also loads two mock servers of the same OpenAPI document. See
// bench/README.md.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileEntries } from './build.js';
import { buildScenarios, capture, Client } from './collect.js';
import { appToken, createDatabase, generateTenant, registerApp, type GenerateStats } from './generate.js';
import { isPostgresUrl } from '../src/store/index.js';
import { cpuSeconds, load, memory, startChild, type Child, type LoadResult } from './load.js';
import { PEERS, peerPath, probePeer, startPeer } from './peers.js';
import { printTable, writeJson, type PeerResult, type Report, type ScenarioResult } from './report.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const { values: a } = parseArgs({
  options: {
    users: { type: 'string', default: process.env.BENCH_USERS ?? '200' },
    days: { type: 'string', default: process.env.BENCH_DAYS ?? '30' },
    seed: { type: 'string', default: '1' },
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '8' },
    connections: { type: 'string', default: process.env.BENCH_CONNECTIONS ?? '10' },
    samples: { type: 'string', default: '300' },
    'max-walk': { type: 'string', default: '1000' },
    'log-level': { type: 'string', default: process.env.BENCH_LOG_LEVEL ?? 'info' },
    only: { type: 'string' },
    db: { type: 'string' },
    backend: { type: 'string', default: process.env.BENCH_BACKEND ?? 'sqlite' },
    'pg-url': {
      type: 'string',
      default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    instances: { type: 'string', default: process.env.BENCH_INSTANCES ?? '1' },
    'redis-url': { type: 'string', default: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
    peers: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'accept-encoding': { type: 'string', default: process.env.BENCH_ACCEPT_ENCODING },
  },
});
const num = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got '${v}'`);
  return n;
};
const opts = {
  users: num('users', a.users),
  days: num('days', a.days),
  seed: Number(a.seed),
  duration: num('duration', a.duration),
  connections: num('connections', a.connections),
  samples: Math.max(2, num('samples', a.samples)),
  maxWalk: num('max-walk', a['max-walk']),
  logLevel: a['log-level'] ?? 'info',
  instances: [
    ...new Set(
      (a.instances ?? '1').split(',').map((n) => {
        const v = num('instances', n);
        if (!Number.isInteger(v)) throw new Error(`--instances takes whole numbers, got '${n}'`);
        return v;
      }),
    ),
  ],
  peers: a.peers ?? false,
};
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

if (a.backend !== 'sqlite' && a.backend !== 'postgres')
  throw new Error(`--backend must be sqlite or postgres, got '${a.backend}'`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'callrecords-bench-'));
const children: Child[] = [];
let dropDatabase: (() => Promise<void>) | undefined;
try {
  let generator: GenerateStats | null = null;
  let db: string;
  if (a.db && isPostgresUrl(a.db)) db = a.db;
  else if (a.db) {
    db = path.resolve(a.db);
    if (!existsSync(db)) throw new Error(`--db ${a.db}: no such file`);
  } else if (a.backend === 'postgres') {
    const created = await createDatabase(a['pg-url'], `callrecords_bench_${process.pid}`);
    db = created.url;
    if (!a.keep) dropDatabase = created.drop;
  } else db = path.join(tmp, 'bench.db');
  if (!a.db) {
    log(`generating ${opts.users} users x ${opts.days} days into ${db}`);
    generator = await generateTenant(db, {
      users: opts.users,
      days: opts.days,
      seed: opts.seed,
      until: new Date(),
      onProgress: (n) => log(`  ${n} records`),
    });
    log(`generated ${generator.records} records in ${generator.seconds} s`);
  }
  const app = await registerApp(db);
  log('compiling the server and the bare server');
  const entries = compileEntries(path.dirname(here));

  // Each run gets its own key prefix in the shared Redis, so that it never meets another run's (or a test's) state.
  const redisPrefix = `callrecords-bench-${process.pid}:`;
  const startSet = async (n: number): Promise<Child[]> => {
    const set: Child[] = [];
    // One at a time: the first creates the signing key and the shared settings the others then read.
    for (let i = 0; i < n; i++) {
      const c = await startChild(entries.server, {
        BENCH_DB: db,
        BENCH_LOG_LEVEL: opts.logLevel,
        CALLRECORDS_INSTANCE_ID: `bench-${i}`,
        // As a real deployment of several instances runs (docs/scaling.md): throttling counters, replay cache
        // and simulated calls in Redis. One instance runs as `npm run bench` always has, without it.
        ...(n > 1 ? { CALLRECORDS_REDIS_URL: a['redis-url'], CALLRECORDS_REDIS_PREFIX: redisPrefix } : {}),
      });
      children.push(c);
      set.push(c);
    }
    return set;
  };
  const stopSet = async (set: Child[]) => {
    for (const c of set) {
      await c.stop();
      children.splice(children.indexOf(c), 1);
    }
  };
  const percent = (cpu: number, ms: number) => Math.round((cpu / (ms / 1000)) * 100);
  /** One run over a set of processes: the load, and the CPU each process used meanwhile. */
  const measure = async (
    set: readonly Pick<Child, 'url' | 'pid'>[],
    urls: readonly string[],
    duration: number,
  ) => {
    const before = set.map((c) => cpuSeconds(c.pid));
    const t = performance.now();
    const result: LoadResult = await load(
      set.map((c) => c.url),
      urls,
      { ...run, duration },
    );
    const ms = performance.now() - t;
    return { result, cpu: set.map((c, i) => percent(cpuSeconds(c.pid) - before[i]!, ms)) };
  };

  let servers = await startSet(opts.instances[0]!);
  const server = servers[0]!;
  const idle = memory(server.pid);
  log(`server pid ${server.pid} at ${server.url}, ready in ${server.readyMs} ms, RSS ${idle.rssMb} MB`);
  const token = await appToken(server.url, app);
  const acceptEncoding = a['accept-encoding'];
  const run = { connections: opts.connections, token, ...(acceptEncoding ? { acceptEncoding } : {}) };
  const client = new Client(server.url, token, acceptEncoding);
  const only = a.only?.split(',');
  const scenarios = (
    await buildScenarios(client, { samples: opts.samples, maxWalk: opts.maxWalk, log })
  ).filter((s) => !only || only.includes(s.name));
  const samplesDir = path.join(tmp, 'samples');
  const sizes = await capture(client, scenarios, samplesDir);
  log(`captured ${sizes.size} responses`);

  // Every set of instances (and its bare servers) runs from here to the end, and each scenario loads them one
  // after the other: under a load that drifts (a shared machine), one instance and two are measured minutes apart
  // at most, not a whole pass apart. A set that is not being loaded only idles.
  const sets: { n: number; servers: Child[]; bares: Child[]; idleRss: number[] }[] = [];
  for (const n of opts.instances) {
    if (sets.length > 0) servers = await startSet(n);
    const idleRss = servers.map((c) => memory(c.pid).rssMb);
    log(`${n} server instance(s) at ${servers.map((c) => c.url).join(', ')}`);
    const bares: Child[] = [];
    for (let i = 0; i < n; i++) {
      const b = await startChild(entries.bare, { BENCH_SAMPLES: samplesDir });
      children.push(b);
      bares.push(b);
    }
    sets.push({ n, servers, bares, idleRss });
  }
  const warm = scenarios[0];
  if (warm) {
    log('warming up every server and bare server (2 s each)');
    for (const set of sets) {
      await measure(set.servers, warm.urls, 2);
      await measure(set.bares, warm.urls, 2);
    }
  }
  const results: ScenarioResult[] = [];
  for (const s of scenarios) {
    for (const { n, servers, bares } of sets) {
      log(`${s.name} x${n}: ${s.what} (${s.urls.length} URLs), ${opts.duration} s each`);
      const onServer = await measure(servers, s.urls, opts.duration);
      const rss = servers.map((c) => memory(c.pid).rssMb);
      const onBare = await measure(bares, s.urls, opts.duration);
      const bytes = s.urls.reduce((sum, u) => sum + (sizes.get(u) ?? 0), 0) / s.urls.length;
      const ratio = onBare.result.rps ? onServer.result.rps / onBare.result.rps : 0;
      results.push({
        name: s.name,
        what: s.what,
        urls: s.urls.length,
        instances: n,
        server: onServer.result,
        bare: onBare.result,
        ratio,
        bytes,
        serverRssMb: rss.reduce((x, y) => x + y, 0),
        serverRssMbEach: rss,
        serverCpuPercent: onServer.cpu,
        bareCpuPercent: onBare.cpu,
      });
    }
  }
  const serverSets: Report['serverSets'] = [];
  for (const { n, servers, bares, idleRss } of sets) {
    const ends = servers.map((c) => memory(c.pid));
    serverSets.push({
      instances: n,
      startupMs: servers.map((c) => c.readyMs),
      idleRssMb: idleRss,
      rssMb: ends.map((e) => e.rssMb),
      peakRssMb: ends.map((e) => e.peakRssMb),
    });
    await stopSet(bares);
    await stopSet(servers);
  }

  // The peers run after the servers have stopped, one at a time, each alone beside the load generator.
  const peers: Report['peers'] = [];
  const peerScenarios: PeerResult[] = [];
  if (opts.peers) {
    const document = path.join(path.dirname(here), 'metadata', 'callrecords-openapi-v1.0.json');
    for (const spec of PEERS) {
      log(`starting ${spec.pkg} on ${path.relative(process.cwd(), document)}`);
      let peer;
      try {
        peer = await startPeer(spec, { document, token });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        log(`${spec.name} did not start: ${error}`);
        peers.push({ name: spec.name, version: '', readyMs: null, error });
        continue;
      }
      try {
        peers.push({ name: spec.name, version: peer.version, readyMs: peer.readyMs, error: null });
        let warmed = false;
        for (const s of scenarios) {
          const urls = s.urls.map((u) => peerPath(u, spec.prefix));
          // One request per URL first (also a warm-up): their sizes, and whether the route exists for the peer.
          const probe = await probePeer(peer, urls, token);
          const row = { peer: spec.name, version: peer.version, scenario: s.name, urls: urls.length };
          if (probe.non2xx === urls.length) {
            log(`${spec.name} ${s.name}: no 2xx answer (${JSON.stringify(probe.statuses)}), not loaded`);
            peerScenarios.push({
              ...row,
              bytes: 0,
              load: null,
              statuses: probe.statuses,
              rssMb: 0,
              cpuPercent: 0,
            });
            continue;
          }
          const set = [{ url: peer.url, pid: peer.pid, readyMs: peer.readyMs, stop: peer.stop }];
          if (!warmed) {
            await measure(set, urls, 2);
            warmed = true;
          }
          log(`${spec.name} ${s.name}: ${urls.length} URLs, ${opts.duration} s`);
          const m = await measure(set, urls, opts.duration);
          peerScenarios.push({
            ...row,
            bytes: probe.bytes,
            load: m.result,
            statuses: probe.statuses,
            rssMb: memory(peer.pid).rssMb,
            cpuPercent: m.cpu[0]!,
          });
        }
      } finally {
        await peer.stop();
      }
    }
  }

  const cpus = os.cpus();
  const report: Report = {
    timestamp: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    options: {
      ...opts,
      db: a.db ?? null,
      backend: isPostgresUrl(db) ? 'postgres' : 'sqlite',
      acceptEncoding: acceptEncoding ?? null,
    },
    generator,
    server: {
      startupMs: server.readyMs,
      idleRssMb: idle.rssMb,
      rssMb: serverSets[0]?.rssMb[0] ?? idle.rssMb,
      peakRssMb: serverSets[0]?.peakRssMb[0] ?? idle.peakRssMb,
    },
    serverSets,
    scenarios: results,
    peers,
    peerScenarios,
  };
  process.stdout.write('\n');
  printTable(report, (line) => process.stdout.write(`${line}\n`));
  const file = writeJson(report, path.join(here, 'results'));
  process.stdout.write(`\nwritten to ${path.relative(process.cwd(), file)}\n`);
} finally {
  for (const c of children.reverse()) await c.stop();
  await dropDatabase?.();
  if (a.keep) log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
