import type { Kysely } from 'kysely';

// call_records.opt_in_mark: whether a record's body and organizer were found free of opt-in enum members when
// written (src/graph/shape/reshape.ts, optInMark), so that reads skip scanning them. Rows written before stay null
// and are scanned on read, as before.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('call_records').addColumn('opt_in_mark', 'text').execute();
}
