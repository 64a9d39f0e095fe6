// Deleting call records: a record's row, its parts blob and its participant index entries go together, in the
// caller's transaction. One place for the replace path of an upsert, the admin delete and the retention purge.
import type { Transaction } from 'kysely';
import { subtractStoredRecords } from './rollups.js';
import type { Database } from './schema.js';

/** Ids per `IN (…)` list: well below SQLite's limit of bound variables a statement. */
const CHUNK = 400;

/** Deletes these records of one tenant and everything stored under them; returns how many records there were. */
export async function deleteRecordsIn(
  trx: Transaction<Database>,
  tenantId: string,
  ids: readonly string[],
): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    // The dashboard's rollups lose what these records added (src/store/rollups.ts).
    await subtractStoredRecords(trx, tenantId, chunk);
    for (const table of ['call_record_parts', 'participant_index'] as const) {
      await trx.deleteFrom(table).where('tenant_id', '=', tenantId).where('record_id', 'in', chunk).execute();
    }
    const r = await trx
      .deleteFrom('call_records')
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', chunk)
      .executeTakeFirst();
    deleted += Number(r.numDeletedRows);
  }
  return deleted;
}
