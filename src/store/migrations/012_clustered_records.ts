import { sql, type Kysely, type Transaction } from 'kysely';
import type { StoreDialect } from '../dialect.js';

// A page of records is one contiguous range of the table, in list order (tenant_id, start_ms, id), instead of an
// index range followed by one table lookup per row (docs/performance.md, docs/design.md).
// - SQLite: call_records becomes a WITHOUT ROWID table keyed (tenant_id, start_ms, id), with (tenant_id, id) a
//   unique index; then the file moves to 64 KiB pages (VACUUM), so that a row's 2-3 KB stays on its leaf page
//   instead of spilling to overflow pages, which at 4 KiB made the clustered layout slower than the old one.
// - PostgreSQL: every existing month of call_records is rewritten in index order (CLUSTER); the months are
//   written in start order by the generator and imports, so they stay close to it.

const COLUMNS = [
  'tenant_id',
  'id',
  'start_ms',
  'end_ms',
  'last_modified_ms',
  'version',
  'body',
  'organizer',
  'session_count',
  'participant_count',
  'opt_in_mark',
] as const;

/** The page size of SQLite files (sqlite.ts sets it on new files; this migration converts older ones). */
export const SQLITE_PAGE_SIZE = 65536;

export async function up(db: Kysely<unknown>, dialect: Pick<StoreDialect, 'partitioned'>): Promise<void> {
  if (dialect.partitioned) await clusterMonths(db);
  else {
    // SQLite's migrator opens no transaction: the table swap is one.
    if (db.isTransaction) await rebuild(db);
    else await db.transaction().execute((trx: Transaction<unknown>) => rebuild(trx));
    await largerPages(db);
  }
}

async function rebuild(db: Kysely<unknown>): Promise<void> {
  const cols = sql.join(COLUMNS.map((c) => sql.ref(c)));
  await sql`create table call_records_clustered (
    tenant_id text not null,
    id text not null,
    start_ms bigint not null,
    end_ms bigint not null,
    last_modified_ms bigint not null,
    version bigint not null,
    body text not null,
    organizer text,
    session_count integer not null,
    participant_count integer not null,
    opt_in_mark text,
    constraint call_records_pk primary key (tenant_id, start_ms, id)
  ) without rowid`.execute(db);
  await sql`insert into call_records_clustered (${cols}) select ${cols} from call_records
    order by tenant_id, start_ms, id`.execute(db);
  await sql`drop table call_records`.execute(db);
  await sql`alter table call_records_clustered rename to call_records`.execute(db);
  await sql`create unique index call_records_by_id on call_records (tenant_id, id)`.execute(db);
}

/**
 * Rewrites the file with SQLITE_PAGE_SIZE pages. The page size of a WAL database cannot change, so the journal
 * leaves WAL mode for the VACUUM. Another connection holding the file keeps it in WAL mode: then the file keeps its
 * pages (the layout is still clustered) and a later start converts it.
 */
async function largerPages(db: Kysely<unknown>): Promise<void> {
  const size = await sql<{ page_size: number }>`pragma page_size`.execute(db);
  if (Number(size.rows[0]?.page_size ?? 0) >= SQLITE_PAGE_SIZE) return;
  const file = await sql<{ file: string }>`pragma database_list`.execute(db);
  const mode = await sql<{ journal_mode: string }>`pragma journal_mode = delete`.execute(db);
  const journal = String(mode.rows[0]?.journal_mode ?? '').toLowerCase();
  // An in-memory database has no WAL to leave ('memory'); a file held by another connection stays in 'wal'.
  if (journal === 'wal') return;
  try {
    await sql.raw(`pragma page_size = ${SQLITE_PAGE_SIZE}`).execute(db);
    await sql`vacuum`.execute(db);
  } finally {
    if (file.rows.some((r) => r.file !== '')) await sql`pragma journal_mode = wal`.execute(db);
  }
}

/** PostgreSQL: each existing month of call_records rewritten in the order of its (tenant_id, start_ms, id) index. */
async function clusterMonths(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ part: string; idx: string }>`
    select t.relname as part, i.relname as idx
    from pg_inherits h
    join pg_class i on i.oid = h.inhrelid
    join pg_index x on x.indexrelid = i.oid
    join pg_class t on t.oid = x.indrelid
    where h.inhparent = 'call_records_by_start'::regclass`.execute(db);
  for (const r of rows) await sql`cluster ${sql.table(r.part)} using ${sql.ref(r.idx)}`.execute(db);
}
