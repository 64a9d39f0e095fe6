// `npx tsx bench/writer.ts [days] [db] [records per transaction]`: the writer's CPU a record, statement by statement.
// Generates an enterprise tenant (2,000 users, `days` days, default 2) into memory first, as `callrecords generate`
// does on its threads, then writes it into a new database (default: a SQLite file in the temporary directory; a
// postgres:// URL works too) in transactions of 500 records (or the size given, to compare), timing the process's
// CPU around each SQLite statement (better-sqlite3's run/all/get). Nothing else runs while it writes, so CPU time
// is this thread's: figures that hold on a loaded machine, unlike wall time.
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { generateBatches, type GeneratedBatch } from '../src/generate/worker/index.js';
import { STORED_JSON } from '../src/graph/shape/stored.js';
import { openStore } from '../src/store/index.js';
import { BENCH_TENANT_ID } from './generate.js';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const days = Number(process.argv[2] ?? 2);
const db = process.argv[3] ?? path.join(os.tmpdir(), `callrecords-writer-${process.pid}.db`);
const size = Number(process.argv[4] ?? 500);
const tenantId = BENCH_TENANT_ID;

const generated: GeneratedBatch[] = [];
for await (const b of generateBatches({
  generate: { tenantId, seed: 1, users: 2000, days, until: new Date('2026-11-20T00:00:00Z') },
  batch: size,
  logs: { pstn: true, directRouting: true, sms: true },
})) {
  generated.push(b);
}
const records = generated.reduce((n, b) => n + b.rows.length, 0);

// Every statement prepared from here on is timed under its first words.
const stats = new Map<string, { n: number; ms: number }>();
const proto = BetterSqlite3.prototype as unknown as { prepare: (s: string) => BetterSqlite3.Statement };
const prepare = proto.prepare;
proto.prepare = function (this: BetterSqlite3.Database, source: string) {
  const stmt = prepare.call(this, source);
  const key = source.replace(/\s+/g, ' ').slice(0, 48);
  const methods = stmt as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['run', 'all', 'get'] as const) {
    const f = methods[m]!.bind(stmt);
    methods[m] = (...a: unknown[]) => {
      const t = cpuMs();
      const r = f(...a);
      const s = stats.get(key) ?? { n: 0, ms: 0 };
      s.n += 1;
      s.ms += cpuMs() - t;
      stats.set(key, s);
      return r;
    };
  }
  return stmt;
};

const sqlite = !db.startsWith('postgres');
if (sqlite) for (const x of ['', '-wal', '-shm']) rmSync(db + x, { force: true });
const store = await openStore({ db, json: STORED_JSON, cacheMb: 64 }); // as `callrecords generate` opens it
try {
  await store.createTenant({ id: tenantId, displayName: 'Writer benchmark', createdMs: Date.now() });
  stats.clear();
  let recordMs = 0;
  let logMs = 0;
  for (const b of generated) {
    let t = cpuMs();
    await store.upsertRecordRows(tenantId, b.rows);
    recordMs += cpuMs() - t;
    t = cpuMs();
    await store.logs.insert(tenantId, b.logs);
    logMs += cpuMs() - t;
  }
  const per = (ms: number) => (ms / records).toFixed(4);
  console.log(
    `${records} records in transactions of ${size}: writer CPU ${per(recordMs + logMs)} ms a record ` +
      `(records ${per(recordMs)}, log rows ${per(logMs)})`,
  );
  if (sqlite) {
    let inStatements = 0;
    for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) {
      inStatements += s.ms;
      if (s.ms / records >= 0.0005) console.log(String(s.n).padStart(6), per(s.ms), k);
    }
    console.log(
      `in SQLite statements ${per(inStatements)}, the rest ${per(recordMs + logMs - inStatements)}`,
    );
  }
} finally {
  await store.close();
  if (sqlite) for (const x of ['', '-wal', '-shm']) rmSync(db + x, { force: true });
}
