// Fills a fresh SQLite file or PostgreSQL database with one generated tenant, the way `callrecords generate` and the demo seed do
// (records and their telephony log rows, written together in batches), and registers the app the benchmark
// signs in with. The writer's busy time is timed apart from its waits for the generation thread, which shows which
// of the two bounds the throughput.
import pg from 'pg';
import { Registry } from '../src/auth/registry.js';
import { ROLE_READ_ALL } from '../src/auth/roles.js';
import { systemClock } from '../src/clock.js';
import { generateBatches } from '../src/generate/worker/index.js';
import { STORED_JSON } from '../src/graph/shape/stored.js';
import { openStore } from '../src/store/index.js';

export const BENCH_TENANT_ID = 'b3c4b3c4-0000-4000-8000-00000000be4c';
const BATCH = 500;

export interface GenerateStats {
  users: number;
  days: number;
  records: number;
  logRows: number;
  /** Wall time of the whole fill, seconds. */
  seconds: number;
  /** Time this thread spent in the store's writes, seconds. */
  writeSeconds: number;
  /** Time this thread waited for the generation thread's next batch, seconds (near 0: writing is the bound). */
  waitSeconds: number;
  /** Records per second end to end (generate + write), as `callrecords generate` reports it. */
  recordsPerSecond: number;
  /** High-water mark of the generating process's resident memory (both threads), MB. */
  peakRssMb: number;
}

export interface BenchApp {
  tenantId: string;
  clientId: string;
  secret: string;
}

export async function generateTenant(
  db: string,
  o: { users: number; days: number; seed: number; until: Date; onProgress?: (records: number) => void },
): Promise<GenerateStats> {
  const store = await openStore({ db, json: STORED_JSON, cacheMb: 64 }); // as `callrecords generate` opens it
  try {
    const tenantId = BENCH_TENANT_ID;
    await store.createTenant({ id: tenantId, displayName: 'Benchmark tenant', createdMs: Date.now() });
    let records = 0;
    let logRows = 0;
    let writeMs = 0;
    const started = performance.now();
    // As `callrecords generate` writes: a worker thread generates, serializes and compresses; this one writes.
    for await (const batch of generateBatches({
      generate: { tenantId, seed: o.seed, users: o.users, days: o.days, until: o.until },
      batch: BATCH,
      logs: { pstn: true, directRouting: true, sms: true },
    })) {
      const t = performance.now();
      await store.upsertRecordRows(tenantId, batch.rows);
      await store.logs.insert(tenantId, batch.logs);
      writeMs += performance.now() - t;
      const before = records;
      records += batch.counts.records;
      logRows += batch.counts.logRows;
      if (Math.floor(records / 10_000) > Math.floor(before / 10_000)) o.onProgress?.(records);
    }
    const seconds = (performance.now() - started) / 1000;
    const writeSeconds = writeMs / 1000;
    return {
      users: o.users,
      days: o.days,
      records,
      logRows,
      seconds: round(seconds),
      writeSeconds: round(writeSeconds),
      waitSeconds: round(seconds - writeSeconds),
      recordsPerSecond: Math.round(records / seconds),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await store.close();
  }
}

/** Registers an app with CallRecords.Read.All in the benchmark tenant (a new one on every run). */
export async function registerApp(db: string): Promise<BenchApp> {
  const store = await openStore({ db, json: STORED_JSON });
  try {
    const registry = new Registry(store, systemClock);
    const { app, secret } = await registry.createApp({
      tenantId: BENCH_TENANT_ID,
      displayName: 'callrecords benchmark',
      roles: [ROLE_READ_ALL],
    });
    return { tenantId: BENCH_TENANT_ID, clientId: app.appId, secret: secret.value };
  } finally {
    await store.close();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A new, empty PostgreSQL database on the server of `serverUrl` (any database of it), and how to drop it. */
export async function createDatabase(
  serverUrl: string,
  name: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`drop database if exists "${name}" with (force)`);
  await admin(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

/** A token for the benchmark app from a running server's token endpoint, as a client gets one. */
export async function appToken(base: string, app: BenchApp): Promise<string> {
  const res = await fetch(`${base}/${app.tenantId}/oauth2/v2.0/token`, {
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
  return token;
}
