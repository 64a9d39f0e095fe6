// Whole call-record documents: reassembled for export, deleted, purged. Reassembly reads a page of records and
// then the blobs of their sessions, segments and participants with one query (no N+1).
import type { Kysely } from 'kysely';
import type { CallRecordDocument } from '../graph/model/index.js';
import { assembleDocument } from './assemble.js';
import { decodeParts } from './parts/codec.js';
import { deleteRecordsIn } from './record-delete.js';
import type { StoreDialect } from './dialect.js';
import type { Database } from './schema.js';
import type { RecordKey } from './types.js';

export interface DocumentPage {
  docs: CallRecordDocument[];
  /** Position after the last document, for the next page; undefined at the end. */
  next?: RecordKey;
}

export interface DocumentStore {
  /** Records with sinceMs <= startDateTime < untilMs, in (startDateTime, id) order. */
  page(
    tenantId: string,
    o: { sinceMs?: number; untilMs?: number; after?: RecordKey; limit: number },
  ): Promise<DocumentPage>;
  delete(tenantId: string, id: string): Promise<boolean>;
  /**
   * Deletes the records (and everything under them) that started before `beforeMs`, at most `limit` rows deleted
   * one by one. Over all tenants on PostgreSQL, whole months that ended before `beforeMs` go first, as dropped
   * partitions (whatever their size; they count in the result).
   */
  purgeOlderThan(tenantId: string | undefined, beforeMs: number, limit: number): Promise<number>;
  /** Readies the store for the coming months' records (PostgreSQL: creates their partitions ahead). */
  upkeep(nowMs: number): Promise<void>;
}

export class KyselyDocumentStore implements DocumentStore {
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;

  constructor(db: Kysely<Database>, dialect: StoreDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  upkeep(nowMs: number): Promise<void> {
    return this.#dialect.upkeep(nowMs);
  }

  async page(
    tenantId: string,
    o: { sinceMs?: number; untilMs?: number; after?: RecordKey; limit: number },
  ): Promise<DocumentPage> {
    let q = this.#db
      .selectFrom('call_records')
      .select(['id', 'start_ms', 'body', 'organizer'])
      .where('tenant_id', '=', tenantId);
    if (o.sinceMs !== undefined) q = q.where('start_ms', '>=', o.sinceMs);
    if (o.untilMs !== undefined) q = q.where('start_ms', '<', o.untilMs);
    const after = o.after;
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('start_ms', '>', after.startMs),
          eb.and([eb('start_ms', '=', after.startMs), eb('id', '>', after.id)]),
        ]),
      );
    }
    const records = await q
      .orderBy('start_ms')
      .orderBy('id')
      .limit(o.limit + 1)
      .execute();
    const page = records.slice(0, o.limit);
    if (page.length === 0) return { docs: [] };
    const ids = page.map((r) => r.id);
    const blobs = await this.#db
      .selectFrom('call_record_parts')
      .select(['record_id', 'data'])
      .where('tenant_id', '=', tenantId)
      .where('record_id', 'in', ids)
      .execute();
    const partsOf = new Map(blobs.map((b) => [b.record_id, decodeParts(b.data)]));
    const docs = page.map((r) => assembleDocument(r.body, r.organizer, partsOf.get(r.id)));
    const last = page[page.length - 1]!;
    return records.length > o.limit
      ? { docs, next: { startMs: Number(last.start_ms), id: last.id } }
      : { docs };
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => (await deleteRecordsIn(trx, tenantId, [id])) > 0);
  }

  async purgeOlderThan(tenantId: string | undefined, beforeMs: number, limit: number): Promise<number> {
    const dropped = tenantId === undefined ? await this.#dialect.dropPartitionsBefore(beforeMs) : 0;
    return dropped + (await this.#deleteOlderThan(tenantId, beforeMs, limit));
  }

  #deleteOlderThan(tenantId: string | undefined, beforeMs: number, limit: number): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('call_records').select(['tenant_id', 'id']).where('start_ms', '<', beforeMs);
      if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
      const victims = await q.limit(limit).execute();
      const byTenant = new Map<string, string[]>();
      for (const v of victims) {
        const ids = byTenant.get(v.tenant_id);
        if (ids) ids.push(v.id);
        else byTenant.set(v.tenant_id, [v.id]);
      }
      for (const [tenant, ids] of byTenant) await deleteRecordsIn(trx, tenant, ids);
      return victims.length;
    });
  }
}
