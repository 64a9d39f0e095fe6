// Whole call-record documents: reassembled for export, deleted, purged. Reassembly reads a page of records and
// then their sessions, segments and participants with one query each (no N+1).
import type { Kysely } from 'kysely';
import type { CallRecordDocument } from '../graph/model/index.js';
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
  /** Deletes the records (and everything under them) that started before `beforeMs`, at most `limit`. */
  purgeOlderThan(tenantId: string | undefined, beforeMs: number, limit: number): Promise<number>;
}

const CHILD_TABLES = ['call_sessions', 'call_segments', 'call_participants', 'participant_index'] as const;
type Obj = Record<string, unknown>;

export class KyselyDocumentStore implements DocumentStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
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
    const [sessions, segments, participants] = await Promise.all([
      this.#db
        .selectFrom('call_sessions')
        .select(['record_id', 'ordinal', 'body'])
        .where('tenant_id', '=', tenantId)
        .where('record_id', 'in', ids)
        .orderBy('record_id')
        .orderBy('ordinal')
        .execute(),
      this.#db
        .selectFrom('call_segments')
        .select(['record_id', 'session_ordinal', 'body'])
        .where('tenant_id', '=', tenantId)
        .where('record_id', 'in', ids)
        .orderBy('record_id')
        .orderBy('session_ordinal')
        .orderBy('ordinal')
        .execute(),
      this.#db
        .selectFrom('call_participants')
        .select(['record_id', 'body'])
        .where('tenant_id', '=', tenantId)
        .where('record_id', 'in', ids)
        .orderBy('record_id')
        .orderBy('ordinal')
        .execute(),
    ]);
    const sessionsOf = new Map<string, Obj[]>();
    const byKey = new Map<string, Obj>();
    for (const s of sessions) {
      const session = { ...(JSON.parse(s.body) as Obj), segments: [] as Obj[] };
      byKey.set(`${s.record_id}\0${s.ordinal}`, session);
      sessionsOf.set(s.record_id, [...(sessionsOf.get(s.record_id) ?? []), session]);
    }
    for (const g of segments) {
      (byKey.get(`${g.record_id}\0${g.session_ordinal}`)?.segments as Obj[] | undefined)?.push(
        JSON.parse(g.body) as Obj,
      );
    }
    const participantsOf = new Map<string, Obj[]>();
    for (const p of participants) {
      participantsOf.set(p.record_id, [
        ...(participantsOf.get(p.record_id) ?? []),
        JSON.parse(p.body) as Obj,
      ]);
    }
    const docs = page.map(
      (r) =>
        ({
          ...(JSON.parse(r.body) as Obj),
          organizer_v2: r.organizer === null ? null : (JSON.parse(r.organizer) as Obj),
          participants_v2: participantsOf.get(r.id) ?? [],
          sessions: sessionsOf.get(r.id) ?? [],
        }) as unknown as CallRecordDocument,
    );
    const last = page[page.length - 1]!;
    return records.length > o.limit
      ? { docs, next: { startMs: Number(last.start_ms), id: last.id } }
      : { docs };
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      for (const t of CHILD_TABLES) {
        await trx.deleteFrom(t).where('tenant_id', '=', tenantId).where('record_id', '=', id).execute();
      }
      const r = await trx
        .deleteFrom('call_records')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    });
  }

  async purgeOlderThan(tenantId: string | undefined, beforeMs: number, limit: number): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('call_records').select(['tenant_id', 'id']).where('start_ms', '<', beforeMs);
      if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
      const victims = await q.limit(limit).execute();
      for (const v of victims) {
        for (const t of CHILD_TABLES) {
          await trx
            .deleteFrom(t)
            .where('tenant_id', '=', v.tenant_id)
            .where('record_id', '=', v.id)
            .execute();
        }
        await trx
          .deleteFrom('call_records')
          .where('tenant_id', '=', v.tenant_id)
          .where('id', '=', v.id)
          .execute();
      }
      return victims.length;
    });
  }
}
