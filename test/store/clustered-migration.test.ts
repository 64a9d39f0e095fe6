// Migrations 012 (records clustered on tenant, start and id) and 013 (list_deflate, not backfilled) on a database
// written at the schema version before them
// with generated records: every list page, record and child reads back the same, and the layout is the new one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Migrator, sql, type Kysely } from 'kysely';
import pg from 'pg';
import { generateCallRecords } from '../../src/generate/index.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { migrations } from '../../src/store/migrate.js';
import { toRows } from '../../src/store/rows.js';
import { openPostgres } from '../../src/store/postgres.js';
import { openSqlite } from '../../src/store/sqlite.js';
import type { StoreDialect } from '../../src/store/dialect.js';
import type { Database } from '../../src/store/schema.js';
import { TEST_BACKEND, TEST_PG_URL, urlOf } from '../helpers/test-db.js';

const TENANT = '0c1a55e0-0000-4000-8000-000000000012';
const UNTIL = new Date('2026-11-20T00:00:00Z');

/** Everything the read path serves of the tenant: every list page, then each record's row, sessions, participants. */
async function snapshot(store: KyselyStore): Promise<unknown[]> {
  const out: unknown[] = [];
  let after: { startMs: number; id: string } | undefined;
  for (;;) {
    const rows = await store.listCallRecords(TENANT, {
      minStartMs: 0,
      limit: 7,
      ...(after ? { after } : {}),
    });
    if (rows.length === 0) break;
    out.push(rows);
    for (const r of rows) {
      out.push(await store.getCallRecord(TENANT, r.id, 0));
      const sessions = await store.listSessions(TENANT, r.id, { limit: 1000, withSegments: true });
      out.push(sessions.map((s) => [s.id, String(s.body), s.segments?.map((g) => String(g.body))]));
      const participants = await store.listParticipants(TENANT, r.id, { limit: 1000 });
      out.push(participants.map((p) => [p.id, String(p.body)]));
    }
    const last = rows[rows.length - 1]!;
    after = { startMs: last.startMs, id: last.id };
  }
  const participantId = (
    await store.listParticipants(TENANT, (out[0] as { id: string }[])[0]!.id, { limit: 1 })
  )[0]!.id;
  out.push(await store.listCallRecords(TENANT, { minStartMs: 0, limit: 100, participantId }));
  return out;
}

/** Migrates to 011, writes generated records through the store, snapshots, migrates to 012, snapshots again. */
async function migrateWithRecords(db: Kysely<Database>, dialect: StoreDialect) {
  const migrator = new Migrator({
    db: db,
    provider: { getMigrations: () => Promise.resolve(migrations(dialect)) },
  });
  const before = await migrator.migrateTo('011_mirror');
  assert.equal(before.error, undefined);
  const store = new KyselyStore({ db, dialect, json: STORED_JSON });
  const docs = [...generateCallRecords({ tenantId: TENANT, users: 12, days: 4, seed: 12, until: UNTIL })];
  assert.ok(docs.length > 20, `${docs.length} records`);
  await store.createTenant({ id: TENANT, displayName: 'migration', createdMs: 0 });
  // The rows a writer at schema 011 wrote: without list_deflate (migration 013).
  const rows = docs.map((d) => {
    const r = toRows(STORED_JSON, TENANT, d);
    delete (r.record as Partial<typeof r.record>).list_deflate;
    return r;
  });
  await store.upsertRecordRows(TENANT, rows);
  const old = await snapshot(store);
  await store.migrate();
  const migrated = await snapshot(store);
  assert.deepEqual(migrated, old);
  // Migration 013 backfills nothing: a deflated list reads those rows' text, the same as the plain list.
  const q = { minStartMs: 0, limit: 1000 };
  const plain = await store.listCallRecords(TENANT, q);
  const deflated = await store.listCallRecordsDeflated(TENANT, q);
  assert.deepEqual(
    deflated.map((r) => [r.fragments, r.text]),
    plain.map((r) => [undefined, r]),
  );
  // Writes after the migration land in order too: a new version replaces the old row, with its fragments.
  const changed = { ...docs[0]!, version: docs[0]!.version + 1 };
  assert.deepEqual(await store.upsertCallRecords(TENANT, [changed]), ['updated']);
  assert.equal((await store.getCallRecord(TENANT, changed.id, 0))?.id, changed.id);
  const after = (await store.listCallRecordsDeflated(TENANT, q)).find((r) => r.id === changed.id);
  assert.ok(after?.fragments, 'a record written after migration 013 has its fragments');
  assert.equal(after.text, undefined, 'and its text is not read for a deflated page');
  assert.equal(await store.countAllCallRecords(TENANT), docs.length);
  return { store, records: docs.length };
}

test('SQLite: a database at schema 011 becomes WITHOUT ROWID on 64 KiB pages, serving the same', async () => {
  if (TEST_BACKEND !== 'sqlite') return;
  const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-012-'));
  const file = path.join(dir, 'old.db');
  try {
    // A file as earlier versions made it: 4 KiB pages, WAL.
    const init = new BetterSqlite3(file);
    init.pragma('page_size = 4096');
    init.pragma('journal_mode = WAL');
    init.exec('create table t (x); drop table t');
    init.close();
    const { db, raw, dialect } = openSqlite(file);
    assert.equal(raw.pragma('page_size', { simple: true }), 4096);
    const { store } = await migrateWithRecords(db, dialect);
    const table = raw
      .prepare("select sql from sqlite_master where type = 'table' and name = 'call_records'")
      .pluck()
      .get() as string;
    assert.match(table, /without rowid/i);
    assert.match(table, /primary key \(tenant_id, start_ms, id\)/i);
    assert.equal(raw.pragma('page_size', { simple: true }), 65536);
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    const plan = raw
      .prepare(
        'explain query plan select body from call_records where tenant_id = ? and start_ms >= ? order by start_ms, id limit 61',
      )
      .all('t', 0) as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join(' '), /USING PRIMARY KEY/);
    await store.close();
    raw.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL: a database at schema 011 has its months clustered on (tenant, start, id), serving the same', async () => {
  if (TEST_BACKEND !== 'postgres') return;
  const name = `callrecords_test_m012_${process.pid}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    const { db, dialect } = openPostgres(urlOf(name));
    const { store } = await migrateWithRecords(db, dialect);
    const { rows } = await sql<{ relname: string }>`
      select t.relname from pg_index x join pg_class t on t.oid = x.indrelid
      where x.indisclustered and t.relname like 'call_records_%'`.execute(db);
    assert.ok(rows.length > 0, 'no clustered month');
    await store.close();
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
});
