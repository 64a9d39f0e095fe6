// Call records waiting to become visible (the call simulator's arrival delay and late version-2 updates). Rows are
// whole CallRecordDocuments; `deliverDue` moves the due ones into the record tables and deletes them in one
// transaction, so a crash never loses or half-writes one. Portable Kysely (SQLite and PostgreSQL).
import type { Kysely, Transaction } from 'kysely';
import type { CallRecordDocument } from '../graph/model/index.js';
import type { Database } from './schema.js';
import type { UpsertOutcome } from './types.js';

export interface PendingRecord {
  tenantId: string;
  doc: CallRecordDocument;
  /** When the record becomes visible (epoch ms of the server's clock). */
  dueMs: number;
  createdMs: number;
}

export interface DeliveredRecord {
  tenantId: string;
  id: string;
  version: number;
  outcome: UpsertOutcome;
}

export interface PendingStore {
  add(records: readonly PendingRecord[]): Promise<void>;
  /** Moves records due at or before `nowMs` (oldest first, at most `limit`) into the store, in one transaction. */
  deliverDue(nowMs: number, limit: number): Promise<DeliveredRecord[]>;
  /** The earliest due time, or undefined when nothing is pending. */
  nextDueMs(): Promise<number | undefined>;
  /** Pending versions of a tenant's records, by due time. */
  list(tenantId: string): Promise<{ id: string; version: number; dueMs: number }[]>;
}

/** Writes documents inside a caller's transaction (the main store's upsert). */
export type UpsertInTransaction = (
  trx: Transaction<Database>,
  tenantId: string,
  docs: CallRecordDocument[],
) => Promise<UpsertOutcome[]>;

/** The databases' key order (bytes of UTF-8); the same as code-unit order for the ASCII ids records have. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class KyselyPendingStore implements PendingStore {
  readonly #db: Kysely<Database>;
  readonly #upsert: UpsertInTransaction;
  readonly #prepare: (docs: CallRecordDocument[]) => Promise<void>;

  /** `prepare` readies the store for documents before the transaction that writes them (partitions). */
  constructor(
    db: Kysely<Database>,
    upsert: UpsertInTransaction,
    prepare: (docs: CallRecordDocument[]) => Promise<void> = () => Promise.resolve(),
  ) {
    this.#db = db;
    this.#upsert = upsert;
    this.#prepare = prepare;
  }

  async add(records: readonly PendingRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.#db
      .insertInto('pending_records')
      .values(
        records.map((r) => ({
          tenant_id: r.tenantId,
          id: r.doc.id,
          version: r.doc.version,
          due_ms: r.dueMs,
          created_ms: r.createdMs,
          body: JSON.stringify(r.doc),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'id', 'version']).doUpdateSet((eb) => ({
          due_ms: eb.ref('excluded.due_ms'),
          body: eb.ref('excluded.body'),
        })),
      )
      .execute();
  }

  async deliverDue(nowMs: number, limit: number): Promise<DeliveredRecord[]> {
    return this.#db.transaction().execute(async (trx) => {
      // Taken with one DELETE … RETURNING: a row is delivered by the one transaction that deleted it, even when
      // several processes deliver at once (the others wait on its row locks and then find it gone).
      const taken = await trx
        .deleteFrom('pending_records')
        .where((eb) =>
          eb(
            eb.refTuple('tenant_id', 'id', 'version'),
            'in',
            eb
              .selectFrom('pending_records')
              .select(['tenant_id', 'id', 'version'])
              .where('due_ms', '<=', nowMs)
              .orderBy('due_ms')
              .orderBy('tenant_id')
              .orderBy('id')
              .orderBy('version')
              .limit(limit)
              .$asTuple('tenant_id', 'id', 'version'),
          ),
        )
        .returning(['tenant_id', 'id', 'version', 'due_ms', 'body'])
        .execute();
      const rows = taken
        .map((r) => ({ ...r, due_ms: Number(r.due_ms), version: Number(r.version) }))
        .sort(
          (a, b) =>
            a.due_ms - b.due_ms ||
            compare(a.tenant_id, b.tenant_id) ||
            compare(a.id, b.id) ||
            a.version - b.version,
        );
      const docs = rows.map((row) => JSON.parse(row.body) as CallRecordDocument);
      await this.#prepare(docs);
      const delivered: DeliveredRecord[] = [];
      // Rows are written one at a time, in due order, so a version 2 due together with its version 1 replaces it.
      for (const [i, row] of rows.entries()) {
        const [outcome] = await this.#upsert(trx, row.tenant_id, [docs[i]!]);
        delivered.push({
          tenantId: row.tenant_id,
          id: row.id,
          version: row.version,
          outcome: outcome ?? 'ignored',
        });
      }
      return delivered;
    });
  }

  async nextDueMs(): Promise<number | undefined> {
    const r = await this.#db
      .selectFrom('pending_records')
      .select('due_ms')
      .orderBy('due_ms')
      .limit(1)
      .executeTakeFirst();
    return r ? Number(r.due_ms) : undefined;
  }

  async list(tenantId: string): Promise<{ id: string; version: number; dueMs: number }[]> {
    const rows = await this.#db
      .selectFrom('pending_records')
      .select(['id', 'version', 'due_ms'])
      .where('tenant_id', '=', tenantId)
      .orderBy('due_ms')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: r.id, version: Number(r.version), dueMs: Number(r.due_ms) }));
  }
}
