// `npm run bench [-- --users 2000 --days 90 …]`: generates a tenant into a temporary SQLite file (or, with
// `--backend postgres`, a new PostgreSQL database that is dropped afterwards), starts the real
// server and a bare node:http server replaying the same responses (each in its own process), and loads both with
// autocannon, scenario by scenario. See bench/README.md.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileEntries } from './build.js';
import { buildScenarios, capture, Client } from './collect.js';
import { createDatabase, generateTenant, registerApp, type GenerateStats } from './generate.js';
import { isPostgresUrl } from '../src/store/index.js';
import { load, memory, startChild, type Child } from './load.js';
import { printTable, writeJson, type Report, type ScenarioResult } from './report.js';

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

  const server = await startChild(entries.server, {
    BENCH_DB: db,
    BENCH_LOG_LEVEL: opts.logLevel,
  });
  children.push(server);
  const idle = memory(server.pid);
  log(`server pid ${server.pid} at ${server.url}, ready in ${server.readyMs} ms, RSS ${idle.rssMb} MB`);
  const res = await fetch(`${server.url}/${app.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.secret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  const token = ((await res.json()) as { access_token?: string }).access_token;
  if (!token) throw new Error(`token endpoint answered ${res.status}`);

  const acceptEncoding = a['accept-encoding'];
  const client = new Client(server.url, token, acceptEncoding);
  const only = a.only?.split(',');
  const scenarios = (
    await buildScenarios(client, { samples: opts.samples, maxWalk: opts.maxWalk, log })
  ).filter((s) => !only || only.includes(s.name));
  const samplesDir = path.join(tmp, 'samples');
  const sizes = await capture(client, scenarios, samplesDir);
  log(`captured ${sizes.size} responses`);
  const bare = await startChild(entries.bare, { BENCH_SAMPLES: samplesDir });
  children.push(bare);

  const run = { connections: opts.connections, token, ...(acceptEncoding ? { acceptEncoding } : {}) };
  const first = scenarios[0];
  if (first) {
    log('warming up both servers (2 s each)');
    await load(server.url, first.urls, { ...run, duration: 2 });
    await load(bare.url, first.urls, { ...run, duration: 2 });
  }
  const results: ScenarioResult[] = [];
  for (const s of scenarios) {
    log(`${s.name}: ${s.what} (${s.urls.length} URLs), ${opts.duration} s each`);
    const onServer = await load(server.url, s.urls, { ...run, duration: opts.duration });
    const serverRssMb = memory(server.pid).rssMb;
    const onBare = await load(bare.url, s.urls, { ...run, duration: opts.duration });
    const bytes = s.urls.reduce((sum, u) => sum + (sizes.get(u) ?? 0), 0) / s.urls.length;
    const ratio = onBare.rps ? onServer.rps / onBare.rps : 0;
    results.push({
      name: s.name,
      what: s.what,
      urls: s.urls.length,
      server: onServer,
      bare: onBare,
      ratio,
      bytes,
      serverRssMb,
    });
  }
  const end = memory(server.pid);
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
    server: { startupMs: server.readyMs, idleRssMb: idle.rssMb, rssMb: end.rssMb, peakRssMb: end.peakRssMb },
    scenarios: results,
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
