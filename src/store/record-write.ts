// Writing call records: versions compared, older copies replaced, and the record row, its parts blob, its
// participant index entries, the dashboard's rollups and the change-notification outbox written in one
// transaction. Everything a read serves is computed here, before or while writing (./rows.ts), never on read.
import type { InsertObject, Kysely, Transaction } from 'kysely';
import type { CallRecordDocument } from '../graph/model/index.js';
import type { StoreDialect } from './dialect.js';
import { writeOutbox } from './notifications/queue.js';
import { deleteRecordsIn } from './record-delete.js';
import { applyRecordRollups } from './rollups.js';
import { toRows, type RecordRows } from './rows.js';
import type { Database } from './schema.js';
import type { StoredJson, UpsertOutcome } from './types.js';

/** SQLite allows 32766 bound variables a statement; rows per multi-row insert stay well below that. */
const INSERT_CHUNK = 400;

async function insertChunked<T extends keyof Database>(
  trx: Transaction<Database>,
  table: T,
  rows: InsertObject<Database, T>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute();
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class RecordWriter {
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;
  readonly #json: StoredJson;

  constructor(db: Kysely<Database>, dialect: StoreDialect, json: StoredJson) {
    this.#db = db;
    this.#dialect = dialect;
    this.#json = json;
  }

  /** The rows of documents, serialized and compressed outside any transaction so that it stays short. */
  rowsOf(tenantId: string, docs: readonly CallRecordDocument[]): RecordRows[] {
    return docs.map((d) => toRows(this.#json, tenantId, d));
  }

  /**
   * Writes in one transaction, after making sure the rows' months have partitions (PostgreSQL). Another instance
   * may have dropped an expired month this one still believed in: then once more, with partitions looked up anew.
   */
  async write(tenantId: string, rows: RecordRows[]): Promise<UpsertOutcome[]> {
    const starts = rows.map((r) => r.record.start_ms);
    await this.#dialect.ensurePartitions(starts);
    try {
      return await this.#db.transaction().execute((trx) => this.writeIn(trx, tenantId, rows));
    } catch (err) {
      if (!this.#dialect.isMissingPartition(err)) throw err;
      this.#dialect.forgetPartitions();
      await this.#dialect.ensurePartitions(starts);
      return this.#db.transaction().execute((trx) => this.writeIn(trx, tenantId, rows));
    }
  }

  /** Documents written inside a caller's transaction (the pending-record dispatcher). */
  upsertIn(
    trx: Transaction<Database>,
    tenantId: string,
    docs: readonly CallRecordDocument[],
  ): Promise<UpsertOutcome[]> {
    return this.writeIn(trx, tenantId, this.rowsOf(tenantId, docs));
  }

  async writeIn(trx: Transaction<Database>, tenantId: string, list: RecordRows[]): Promise<UpsertOutcome[]> {
    const ids = [...new Set(list.map((r) => r.record.id))];
    await this.#dialect.lockRecords(trx, tenantId, ids);
    const versions = new Map<string, number>();
    for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
      const existing = await trx
        .selectFrom('call_records')
        .select(['id', 'version'])
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', ids.slice(i, i + INSERT_CHUNK))
        .execute();
      for (const e of existing) versions.set(e.id, Number(e.version));
    }
    const outcomes: UpsertOutcome[] = [];
    const fresh = new Map<string, RecordRows>();
    const replaced: string[] = [];
    for (const rows of list) {
      const { id, version } = rows.record;
      const current = versions.get(id);
      if (current !== undefined && version <= current) {
        outcomes.push('ignored');
        continue;
      }
      if (current !== undefined) replaced.push(id);
      // A later copy of the same id in this batch replaces an earlier one (and goes after it).
      fresh.delete(id);
      fresh.set(id, rows);
      outcomes.push(current === undefined ? 'created' : 'updated');
      versions.set(id, version);
    }
    const written = [...fresh.values()];
    if (replaced.length > 0) await deleteRecordsIn(trx, tenantId, replaced);
    await insertChunked(
      trx,
      'call_records',
      written.map((r) => r.record),
    );
    // In key order, each index's inserts walk its b-tree forward instead of jumping between leaves.
    await insertChunked(
      trx,
      'call_record_parts',
      written.map((r) => r.parts).sort((a, b) => compare(a.record_id, b.record_id)),
    );
    await insertChunked(
      trx,
      'participant_index',
      written
        .flatMap((r) => r.participantIndex)
        .sort(
          (a, b) =>
            compare(a.participant_id, b.participant_id) ||
            a.start_ms - b.start_ms ||
            compare(a.record_id, b.record_id),
        ),
    );
    // The dashboard's aggregates commit (or not) with the records (src/store/rollups.ts).
    await applyRecordRollups(
      trx,
      tenantId,
      written.map((r) => r.rollup),
      1,
    );
    // The change-notification outbox row commits (or not) with the record itself (src/notify/README.md).
    const existed = new Set(replaced);
    await writeOutbox(
      trx,
      tenantId,
      written.map((r) => ({
        recordId: r.record.id,
        version: r.record.version,
        change: existed.has(r.record.id) ? 'updated' : 'created',
      })),
    );
    return outcomes;
  }
}
