// Fills a fresh SQLite file with one generated tenant, the way `callrecords generate` and the demo seed do
// (records and their telephony log rows, written together in batches), and registers the app the benchmark
// signs in with. Generation and writing are timed apart so that generator throughput can be reported alone.
import { Registry } from '../src/auth/registry.js';
import { ROLE_READ_ALL } from '../src/auth/roles.js';
import { systemClock } from '../src/clock.js';
import { emptyRows, generateCallData, type TelephonyRows } from '../src/generate/telephony/index.js';
import type { CallRecordDocument } from '../src/graph/model/index.js';
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
  /** Time spent inside the generator alone (building documents and rows), seconds. */
  generateSeconds: number;
  /** Time spent in the store's writes, seconds. */
  writeSeconds: number;
  /** Records per second end to end (generate + write), as `callrecords generate` reports it. */
  recordsPerSecond: number;
  /** Records per second of the generator alone. */
  generatorRecordsPerSecond: number;
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
  const store = await openStore({ db });
  try {
    const tenantId = BENCH_TENANT_ID;
    await store.createTenant({ id: tenantId, displayName: 'Benchmark tenant', createdMs: Date.now() });
    let batch: CallRecordDocument[] = [];
    let logs: TelephonyRows = emptyRows();
    let records = 0;
    let logRows = 0;
    let writeMs = 0;
    const flush = async () => {
      const t = performance.now();
      await store.upsertCallRecords(tenantId, batch);
      await store.logs.insert(tenantId, logs);
      writeMs += performance.now() - t;
      logRows +=
        logs.pstnCalls.length + logs.directRoutingCalls.length + logs.sms.length + logs.blockedUsers.length;
      batch = [];
      logs = emptyRows();
    };
    const started = performance.now();
    const items = generateCallData({ tenantId, seed: o.seed, users: o.users, days: o.days, until: o.until });
    for (const { record, logs: rows } of items) {
      logs.pstnCalls.push(...rows.pstnCalls);
      logs.directRoutingCalls.push(...rows.directRoutingCalls);
      logs.sms.push(...rows.sms);
      logs.blockedUsers.push(...rows.blockedUsers);
      if (!record) continue;
      batch.push(record);
      records += 1;
      if (batch.length === BATCH) {
        await flush();
        if (records % 10_000 === 0) o.onProgress?.(records);
      }
    }
    await flush();
    const seconds = (performance.now() - started) / 1000;
    const writeSeconds = writeMs / 1000;
    const generateSeconds = seconds - writeSeconds;
    return {
      users: o.users,
      days: o.days,
      records,
      logRows,
      seconds: round(seconds),
      generateSeconds: round(generateSeconds),
      writeSeconds: round(writeSeconds),
      recordsPerSecond: Math.round(records / seconds),
      generatorRecordsPerSecond: Math.round(records / generateSeconds),
    };
  } finally {
    await store.close();
  }
}

/** Registers an app with CallRecords.Read.All in the benchmark tenant (a new one on every run). */
export async function registerApp(db: string): Promise<BenchApp> {
  const store = await openStore({ db });
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
