import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.js';

// call_records.list_deflate: the record as a list page serves it, as raw-deflate fragments (src/store/list-deflate.ts),
// so that gzip and deflate list pages are joined instead of compressed per request. Rows written before stay null
// and are compressed when read, as every page was before: correct, only slower, so nothing is backfilled.
export async function up(
  db: Kysely<unknown>,
  dialect: Pick<StoreDialect, 'blobType' | 'partitioned'>,
): Promise<void> {
  await db.schema.alterTable('call_records').addColumn('list_deflate', dialect.blobType).execute();
  // Compressed already: PostgreSQL need not try pglz on it, and keeps it in the row rather than in TOAST while it
  // can (an out-of-line value costs a lookup per record of a page). A partitioned table passes this to its months.
  if (dialect.partitioned) {
    await sql`alter table call_records alter column list_deflate set storage main`.execute(db);
  }
}
