import type { Kysely, Transaction } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { encodeParts, type RecordParts } from '../parts/codec.js';

// Sessions, segments and participants move from a row per entity (migration 001) into one compressed blob per
// record (src/store/parts/codec.ts). Existing records are converted in batches, then the old tables are dropped.

/** The tables as this migration sees them (those of 001 are no longer in the typed schema). */
interface Tables {
  call_records: { tenant_id: string; id: string };
  call_sessions: { tenant_id: string; record_id: string; ordinal: number; id: string; body: string };
  call_segments: {
    tenant_id: string;
    record_id: string;
    session_ordinal: number;
    ordinal: number;
    id: string;
    body: string;
  };
  call_participants: { tenant_id: string; record_id: string; ordinal: number; id: string; body: string };
  call_record_parts: { tenant_id: string; record_id: string; data: Buffer };
}
type Db = Kysely<Tables>;

const BATCH = 500;

async function convert(db: Db): Promise<void> {
  let after: { tenant_id: string; id: string } | undefined;
  for (;;) {
    let q = db.selectFrom('call_records').select(['tenant_id', 'id']);
    if (after) {
      const a = after;
      q = q.where((eb) =>
        eb.or([
          eb('tenant_id', '>', a.tenant_id),
          eb.and([eb('tenant_id', '=', a.tenant_id), eb('id', '>', a.id)]),
        ]),
      );
    }
    const records = await q.orderBy('tenant_id').orderBy('id').limit(BATCH).execute();
    if (records.length === 0) return;
    for (const r of records) {
      const sessions = await db
        .selectFrom('call_sessions')
        .select(['ordinal', 'id', 'body'])
        .where('tenant_id', '=', r.tenant_id)
        .where('record_id', '=', r.id)
        .orderBy('ordinal')
        .execute();
      const segments = await db
        .selectFrom('call_segments')
        .select(['session_ordinal', 'id', 'body'])
        .where('tenant_id', '=', r.tenant_id)
        .where('record_id', '=', r.id)
        .orderBy('session_ordinal')
        .orderBy('ordinal')
        .execute();
      const participants = await db
        .selectFrom('call_participants')
        .select(['id', 'body'])
        .where('tenant_id', '=', r.tenant_id)
        .where('record_id', '=', r.id)
        .orderBy('ordinal')
        .execute();
      const parts: RecordParts = {
        sessions: sessions.map((s) => ({
          id: s.id,
          body: s.body,
          segments: segments
            .filter((g) => Number(g.session_ordinal) === Number(s.ordinal))
            .map((g) => ({ id: g.id, body: g.body })),
        })),
        participants: participants.map((p) => ({ id: p.id, body: p.body })),
      };
      await db
        .insertInto('call_record_parts')
        .values({ tenant_id: r.tenant_id, record_id: r.id, data: encodeParts(parts, unmarked) })
        .execute();
    }
    after = records[records.length - 1];
  }
}

// Converted blobs carry no opt-in mark: reads scan them, as they scanned the rows they came from.
const unmarked = () => null;

export async function up(untyped: Kysely<unknown>, dialect: Pick<StoreDialect, 'blobType'>): Promise<void> {
  const db = untyped as unknown as Db;
  await db.schema
    .createTable('call_record_parts')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('data', dialect.blobType, (c) => c.notNull())
    .addPrimaryKeyConstraint('call_record_parts_pk', ['tenant_id', 'record_id'])
    .execute();
  // PostgreSQL runs each migration in a transaction already; SQLite's migrator does not, so open one here.
  if (db.isTransaction) await convert(db);
  else await db.transaction().execute((trx: Transaction<Tables>) => convert(trx));
  for (const t of ['call_sessions', 'call_segments', 'call_participants'])
    await db.schema.dropTable(t).execute();
}
