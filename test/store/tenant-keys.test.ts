// The schema rule that lets the tables be distributed by tenant (docs/scaling.md): every primary key, unique
// constraint and index of a tenant's table is led by tenant_id; only the global tables (tenants, settings, signing
// keys, the migrator's own) are exempt. Read from the catalog of a migrated database on the backend under test;
// on PostgreSQL the record tables are also partitioned by month of start time.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { openStore } from '../../src/store/index.js';
import { freshPostgres, TEST_BACKEND } from '../helpers/test-db.js';
import { makeRecord } from '../api/fixtures.js';

/**
 * Tables that are not a tenant's: the tenant list itself, server settings and keys, the instances' job leases, the
 * migrator's bookkeeping.
 */
const GLOBAL = new Set([
  'tenants',
  'settings',
  'signing_keys',
  'job_leases',
  'kysely_migration',
  'kysely_migration_lock',
]);

interface Key {
  table: string;
  name: string;
  columns: string[];
}

async function sqliteKeys(): Promise<{ tables: Map<string, string[]>; keys: Key[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'callrecords-keys-'));
  try {
    const file = path.join(dir, 'x.db');
    await (await openStore({ db: file, json: STORED_JSON })).close();
    const raw = new BetterSqlite3(file, { readonly: true });
    const tables = new Map<string, string[]>();
    const keys: Key[] = [];
    const names = raw
      .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`)
      .pluck()
      .all() as string[];
    for (const table of names) {
      const columns = raw.prepare(`pragma table_info(${JSON.stringify(table)})`).all() as {
        name: string;
        pk: number;
      }[];
      tables.set(
        table,
        columns.map((c) => c.name),
      );
      const pk = columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      if (pk.length > 0) keys.push({ table, name: `${table} primary key`, columns: pk });
      const indexes = raw.prepare(`pragma index_list(${JSON.stringify(table)})`).all() as { name: string }[];
      for (const index of indexes) {
        const cols = raw.prepare(`pragma index_info(${JSON.stringify(index.name)})`).all() as {
          seqno: number;
          name: string;
        }[];
        keys.push({
          table,
          name: index.name,
          columns: cols.sort((a, b) => a.seqno - b.seqno).map((c) => c.name),
        });
      }
    }
    raw.close();
    return { tables, keys };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresKeys(client: pg.Client): Promise<{ tables: Map<string, string[]>; keys: Key[] }> {
  // Partitions inherit their parent's keys: the parents (and plain tables) are the ones to check.
  const { rows: cols } = await client.query<{ table: string; column: string }>(`
    select c.relname as table, a.attname as column from pg_class c
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname, a.attnum`);
  const tables = new Map<string, string[]>();
  for (const r of cols) tables.set(r.table, [...(tables.get(r.table) ?? []), r.column]);
  const { rows } = await client.query<{ table: string; name: string; columns: string[] }>(`
    select t.relname as table, i.relname as name,
      array(select a.attname from unnest(x.indkey) with ordinality as k(attnum, n)
            join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum order by k.n)::text[] as columns
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
    where t.relnamespace = 'public'::regnamespace and not t.relispartition`);
  return { tables, keys: rows };
}

test('every key and index of a tenant table is led by tenant_id', async () => {
  let catalog: { tables: Map<string, string[]>; keys: Key[] };
  if (TEST_BACKEND === 'postgres') {
    const database = await freshPostgres();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      catalog = await postgresKeys(client);
    } finally {
      await client.end();
      await database.drop();
    }
  } else {
    catalog = await sqliteKeys();
  }
  const tenantTables = [...catalog.tables.keys()].filter((t) => !GLOBAL.has(t));
  assert.ok(tenantTables.includes('call_records') && tenantTables.length >= 15, tenantTables.join(', '));
  const withoutTenant = tenantTables.filter((t) => !catalog.tables.get(t)!.includes('tenant_id'));
  assert.deepEqual(withoutTenant, [], 'tenant tables without a tenant_id column');
  const keyed = new Set(catalog.keys.map((k) => k.table));
  assert.deepEqual(
    tenantTables.filter((t) => !keyed.has(t)),
    [],
    'tenant tables without a primary key',
  );
  const offenders = catalog.keys
    .filter((k) => !GLOBAL.has(k.table) && k.columns[0] !== 'tenant_id')
    .map((k) => `${k.name} (${k.columns.join(', ')})`);
  assert.deepEqual(offenders, [], 'keys and indexes not led by tenant_id');
});

test('PostgreSQL: the record tables are partitioned by month; a record creates its month', async (t) => {
  if (TEST_BACKEND !== 'postgres') return t.skip('PostgreSQL only (CALLRECORDS_TEST_DB=postgres)');
  const database = await freshPostgres();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const store = await openStore({ db: database.url, json: STORED_JSON });
  try {
    const { rows: parted } = await client.query<{ table: string; key: string }>(`
      select c.relname as table, pg_get_partkeydef(c.oid) as key from pg_partitioned_table p
      join pg_class c on c.oid = p.partrelid order by 1`);
    assert.deepEqual(parted, [
      { table: 'call_record_parts', key: 'RANGE (start_ms)' },
      { table: 'call_records', key: 'RANGE (start_ms)' },
      { table: 'participant_index', key: 'RANGE (start_ms)' },
    ]);
    await store.upsertCallRecords('t1', [makeRecord('r1', { startMs: Date.UTC(2031, 4, 17, 9) })]);
    const { rows } = await client.query<{ name: string; bound: string }>(`
      select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound from pg_inherits i
      join pg_class c on c.oid = i.inhrelid where i.inhparent = 'call_records'::regclass`);
    assert.deepEqual(rows, [
      {
        name: 'call_records_p203105',
        bound: `FOR VALUES FROM ('${Date.UTC(2031, 4, 1)}') TO ('${Date.UTC(2031, 5, 1)}')`,
      },
    ]);
  } finally {
    await store.close();
    await client.end();
    await database.drop();
  }
});

test('PostgreSQL: the purge drops whole expired months and deletes the rest of a month in batches', async (t) => {
  if (TEST_BACKEND !== 'postgres') return t.skip('PostgreSQL only (CALLRECORDS_TEST_DB=postgres)');
  const database = await freshPostgres();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const store = await openStore({ db: database.url, json: STORED_JSON });
  const partitions = async () =>
    (
      await client.query<{ name: string }>(
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'call_records'::regclass order by 1`,
      )
    ).rows.map((r) => r.name);
  try {
    const at = (seed: string, ms: number) => makeRecord(seed, { startMs: ms, participants: 2, sessions: 1 });
    const october = [1, 2, 3].map((d) => at(`oct-${d}`, Date.UTC(2026, 9, d)));
    const november = [1, 2, 20].map((d) => at(`nov-${d}`, Date.UTC(2026, 10, d)));
    await store.upsertCallRecords('a', [...october.slice(0, 2), ...november]);
    await store.upsertCallRecords('b', [october[2]!]);
    assert.deepEqual(await partitions(), ['call_records_p202610', 'call_records_p202611']);
    // Before 15 November: October goes whole (3 records of both tenants), then November 1 and 2 one at a time.
    const before = Date.UTC(2026, 10, 15);
    assert.equal(await store.documents.purgeOlderThan(undefined, before, 1), 4);
    assert.deepEqual(await partitions(), ['call_records_p202611']);
    assert.equal(await store.documents.purgeOlderThan(undefined, before, 1), 1);
    assert.equal(await store.documents.purgeOlderThan(undefined, before, 1), 0);
    assert.equal(await store.countAllCallRecords('a'), 1);
    assert.equal(await store.countAllCallRecords('b'), 0);
    const parts = await client.query<{ n: number }>(`select count(*)::int as n from call_record_parts`);
    assert.equal(parts.rows[0]?.n, 1);
    // The dashboard's rows derived from the dropped month went with it.
    const summaries = await client.query<{ n: number }>(`select count(*)::int as n from dashboard_calls`);
    assert.equal(summaries.rows[0]?.n, 1);
    // A record of a dropped month can be written again: its partition comes back.
    await store.upsertCallRecords('a', [october[0]!]);
    assert.equal(await store.countAllCallRecords('a'), 2);
  } finally {
    await store.close();
    await client.end();
    await database.drop();
  }
});
