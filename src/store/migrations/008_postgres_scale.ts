import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { StoreDialect } from '../dialect.js';

// Built for many tenants and many months:
// - every index of a tenant's table is led by tenant_id (the dispatcher's due-time indexes were not), so tables
//   can be distributed by tenant (docs/scaling.md);
// - call_record_parts keeps its record's start time, so the blobs can live in their record's month;
// - on PostgreSQL, text keys compare as bytes (COLLATE "C", SQLite's order: pages are the same on both), and the
//   record tables are partitioned by month of start time, so that retention drops whole months.

type Db = Kysely<unknown>;

/** Indexes re-created led by tenant_id: [name, table, columns]. */
const TENANT_LED: [string, string, string[]][] = [
  ['pending_records_by_due', 'pending_records', ['tenant_id', 'due_ms', 'id', 'version']],
  ['subscriptions_by_expiration', 'subscriptions', ['tenant_id', 'expiration_ms']],
  ['notification_outbox_by_written', 'notification_outbox', ['tenant_id', 'written_ms']],
  [
    'notification_queue_by_next_attempt',
    'notification_queue',
    ['tenant_id', 'next_attempt_ms', 'subscription_id'],
  ],
];

export async function up(db: Db, dialect: Pick<StoreDialect, 'partitioned'>): Promise<void> {
  for (const [name, table, columns] of TENANT_LED) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on(table).columns(columns).execute();
  }
  if (dialect.partitioned) await partition(db);
  else await addPartsStart(db);
}

/** SQLite: the new column, filled from the records. */
async function addPartsStart(db: Db): Promise<void> {
  await db.schema
    .alterTable('call_record_parts')
    .addColumn('start_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update call_record_parts set start_ms = coalesce((select r.start_ms from call_records r
    where r.tenant_id = call_record_parts.tenant_id and r.id = call_record_parts.record_id), 0)`.execute(db);
}

const TEXT_C: RawBuilder<unknown> = sql`text collate "C"`;

const MONTH_OF_START = sql`(extract(epoch from date_trunc('month', to_timestamp(start_ms / 1000.0) at time zone 'UTC')) * 1000)::bigint`;

async function partition(db: Db): Promise<void> {
  // Byte order for every text column of the tables kept as they are.
  const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and data_type = 'text'
      and table_name not in ('call_records', 'call_record_parts', 'participant_index')
      and table_name not like 'kysely_%'`.execute(db);
  for (const c of columns) {
    await sql`alter table ${sql.table(c.table_name)} alter column ${sql.ref(c.column_name)} type text collate "C"`.execute(
      db,
    );
  }

  // The record tables are made anew, partitioned, and filled from the old ones.
  for (const t of ['call_records', 'call_record_parts', 'participant_index']) {
    await sql`alter table ${sql.table(t)} rename to ${sql.table(`${t}_v7`)}`.execute(db);
    await sql`alter table ${sql.table(`${t}_v7`)} rename constraint ${sql.ref(`${t}_pk`)} to ${sql.ref(`${t}_v7_pk`)}`.execute(
      db,
    );
  }
  await db.schema.dropIndex('call_records_by_start').execute();
  await db.schema.dropIndex('participant_index_by_record').execute();

  // A partitioned table's keys hold the partition column: (tenant_id, id) stays unique because writers of a record
  // hold its advisory lock (postgres.ts, lockRecords) and delete its old version, whatever its month, first.
  await db.schema
    .createTable('call_records')
    .addColumn('tenant_id', TEXT_C, (c) => c.notNull())
    .addColumn('id', TEXT_C, (c) => c.notNull())
    .addColumn('start_ms', 'bigint', (c) => c.notNull())
    .addColumn('end_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_modified_ms', 'bigint', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('body', TEXT_C, (c) => c.notNull())
    .addColumn('organizer', TEXT_C)
    .addColumn('session_count', 'integer', (c) => c.notNull())
    .addColumn('participant_count', 'integer', (c) => c.notNull())
    .addColumn('opt_in_mark', TEXT_C)
    .addPrimaryKeyConstraint('call_records_pk', ['tenant_id', 'id', 'start_ms'])
    .modifyEnd(sql`partition by range (start_ms)`)
    .execute();
  await db.schema
    .createIndex('call_records_by_start')
    .on('call_records')
    .columns(['tenant_id', 'start_ms', 'id'])
    .execute();
  await db.schema
    .createTable('call_record_parts')
    .addColumn('tenant_id', TEXT_C, (c) => c.notNull())
    .addColumn('record_id', TEXT_C, (c) => c.notNull())
    .addColumn('start_ms', 'bigint', (c) => c.notNull())
    .addColumn('data', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('call_record_parts_pk', ['tenant_id', 'record_id', 'start_ms'])
    .modifyEnd(sql`partition by range (start_ms)`)
    .execute();
  await db.schema
    .createTable('participant_index')
    .addColumn('tenant_id', TEXT_C, (c) => c.notNull())
    .addColumn('participant_id', TEXT_C, (c) => c.notNull())
    .addColumn('start_ms', 'bigint', (c) => c.notNull())
    .addColumn('record_id', TEXT_C, (c) => c.notNull())
    .addPrimaryKeyConstraint('participant_index_pk', ['tenant_id', 'participant_id', 'start_ms', 'record_id'])
    .modifyEnd(sql`partition by range (start_ms)`)
    .execute();
  await db.schema
    .createIndex('participant_index_by_record')
    .on('participant_index')
    .columns(['tenant_id', 'record_id'])
    .execute();

  const { rows: months } = await sql<{ m: number | string }>`
    select distinct ${MONTH_OF_START} as m from call_records_v7`.execute(db);
  // The PostgreSQL module (and its driver) is loaded only where it runs: a SQLite start never needs it.
  const { createMonthPartitions } = await import('../postgres.js');
  await createMonthPartitions(
    db,
    months.map((r) => Number(r.m)),
  );
  await sql`insert into call_records (tenant_id, id, start_ms, end_ms, last_modified_ms, version, body, organizer,
      session_count, participant_count, opt_in_mark)
    select tenant_id, id, start_ms, end_ms, last_modified_ms, version, body, organizer, session_count,
      participant_count, opt_in_mark from call_records_v7`.execute(db);
  await sql`insert into call_record_parts (tenant_id, record_id, start_ms, data)
    select p.tenant_id, p.record_id, r.start_ms, p.data from call_record_parts_v7 p
    join call_records_v7 r on r.tenant_id = p.tenant_id and r.id = p.record_id`.execute(db);
  await sql`insert into participant_index (tenant_id, participant_id, start_ms, record_id)
    select tenant_id, participant_id, start_ms, record_id from participant_index_v7`.execute(db);
  for (const t of ['call_records', 'call_record_parts', 'participant_index'])
    await db.schema.dropTable(`${t}_v7`).execute();
}
