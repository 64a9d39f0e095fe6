// How long each dashboard page's data takes to load on a big tenant: the requests a page makes (the clock, then its
// JSON), timed end to end over HTTP against the real server over an existing database, `--runs` times each after a
// warm-up; prints p50, p95 and max per page and writes them to bench/results/dashboard-<timestamp>.json.
//
//   npx tsx bench/dashboard.ts --db big.db --tenant <id>     # a tenant made by `callrecords generate`
//   npx tsx bench/dashboard.ts --users 300 --days 30         # generates one first, into a temporary file
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { VirtualClock } from '../src/clock.js';
import { loadConfig } from '../src/config/index.js';
import { generateBatches } from '../src/generate/worker/index.js';
import { STORED_JSON } from '../src/graph/shape/stored.js';
import { openStore } from '../src/store/index.js';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    tenant: { type: 'string', default: '0da5b0a2-0000-4000-8000-00000000b001' },
    users: { type: 'string', default: '300' },
    days: { type: 'string', default: '30' },
    runs: { type: 'string', default: '30' },
  },
});
const KEY = 'bench-dashboard-admin-key-0123456789';
const DAY = 86_400_000;
const tenantId = args.tenant.toLowerCase();
const runs = Number(args.runs);

let scratch: string | undefined;
let db = args.db;
if (!db) {
  scratch = mkdtempSync(path.join(tmpdir(), 'callrecords-bench-dashboard-'));
  db = path.join(scratch, 'bench.db');
  const store = await openStore({ db, json: STORED_JSON });
  await store.createTenant({ id: tenantId, displayName: 'bench', createdMs: Date.now() });
  const started = performance.now();
  let records = 0;
  for await (const batch of generateBatches({
    generate: { tenantId, seed: 1, users: Number(args.users), days: Number(args.days), until: new Date() },
    batch: 500,
    logs: { pstn: true, directRouting: true, sms: true },
  })) {
    await store.upsertRecordRows(tenantId, batch.rows);
    await store.logs.insert(tenantId, batch.logs);
    records += batch.counts.records;
  }
  console.log(`generated ${records} records in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await store.close();
}

const store = await openStore({ db, json: STORED_JSON });
const records = await store.countAllCallRecords(tenantId);
if (records === 0) throw new Error(`tenant ${tenantId} has no records in ${db}`);
// The clock stands at the newest record, so that the pages' default period (the last 30 days) holds data.
const newest = (await store.dashboard.searchCalls(tenantId, { fromMs: 0, toMs: 8.64e15, limit: 1 }))[0]!;
const clock = new VirtualClock();
clock.freeze();
clock.set(newest.endMs);
const app = await buildApp(
  loadConfig({ db, port: 0, logLevel: 'silent', throttling: 'off', retentionDays: 3650, adminKey: KEY }, {}),
  { store, clock },
);
await app.fastify.listen({ host: '127.0.0.1', port: 0 });
app.setReady(true);
const address = app.fastify.server.address();
if (!address || typeof address === 'string') throw new Error('no address');
const base = `http://127.0.0.1:${address.port}/admin`;

async function get<T>(p: string): Promise<T> {
  const res = await fetch(base + p, { headers: { authorization: `Bearer ${KEY}` } });
  if (res.status !== 200) throw new Error(`GET ${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const T = `/tenants/${tenantId}`;
const to = new Date(clock.now()).toISOString().slice(0, 10);
const from = new Date(clock.now() - 29 * DAY).toISOString().slice(0, 10);
const period = `from=${from}&to=${to}`;
const sample = await get<{ value: { id: string }[] }>(`${T}/dashboard/calls?${period}&limit=200`);
const poor = await get<{ value: { id: string }[] }>(`${T}/dashboard/calls?${period}&quality=poor&limit=50`);
const detail = await get<{ participants: { id: string }[] }>(`${T}/dashboard/calls/${poor.value[0]!.id}`);
const user = detail.participants[0]!.id;
const ids = sample.value.map((c) => c.id);

// Each page: the requests it makes, in order (every page reads the clock first).
let n = 0;
const pages: Record<string, () => string[]> = {
  quality: () => [`${T}/dashboard/quality?${period}`],
  'quality (90 days)': () => [
    `${T}/dashboard/quality?from=${new Date(clock.now() - 89 * DAY).toISOString().slice(0, 10)}&to=${to}`,
  ],
  calls: () => [`${T}/dashboard/calls?${period}&limit=50`],
  'calls: poor': () => [`${T}/dashboard/calls?${period}&quality=poor&limit=50`],
  'calls: group video': () => [`${T}/dashboard/calls?${period}&type=groupCall&modality=video&limit=50`],
  'calls: one user': () => [`${T}/dashboard/calls?${period}&user=${user}&limit=50`],
  'call timeline': () => [`${T}/dashboard/calls/${ids[n++ % ids.length]}`],
  telephony: () => [`${T}/dashboard/telephony?${period}`],
  operations: () => [`${T}/dashboard/operations`],
  'tenants and apps': () => ['/tenants', `${T}/apps`],
};

const results: Record<string, { p50: number; p95: number; max: number }> = {};
for (const [name, urls] of Object.entries(pages)) {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const started = performance.now();
    await get('/clock');
    for (const u of urls()) await get(u);
    if (i >= 2) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) =>
    Number(times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!.toFixed(1));
  results[name] = { p50: at(0.5), p95: at(0.95), max: at(1) };
}

console.log(`tenant ${tenantId}: ${records.toLocaleString('en-US')} records; ${runs} runs a page; ms`);
console.log('page'.padEnd(22), 'p50'.padStart(8), 'p95'.padStart(8), 'max'.padStart(8));
for (const [name, r] of Object.entries(results))
  console.log(
    name.padEnd(22),
    String(r.p50).padStart(8),
    String(r.p95).padStart(8),
    String(r.max).padStart(8),
  );
mkdirSync('bench/results', { recursive: true });
const file = path.join('bench/results', `dashboard-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ tenantId, records, runs, results }, null, 2));
console.log(`written to ${file}`);
await app.fastify.close();
await store.close();
if (scratch) rmSync(scratch, { recursive: true, force: true });
