// The mirror's work queue and checkpoints, and per-tenant retention. Portable Kysely (SQLite and PostgreSQL): a
// killed mirror finds here which windows it has copied and which listed records it has yet to fetch.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface MirrorWindow {
  kind: string;
  startMs: number;
  endMs: number;
  doneMs: number | null;
}

export interface QueuedRecord {
  id: string;
  version: number;
  startMs: number;
  attempts: number;
}

export interface MirrorStateRow {
  tenantId: string;
  upstream: string;
  updatedMs: number;
  /** The mirror's own JSON (src/mirror/status.ts). */
  status: string;
}

export interface MirrorStore {
  putState(tenantId: string, upstream: string, updatedMs: number, status: string): Promise<void>;
  getState(tenantId: string): Promise<MirrorStateRow | undefined>;
  listStates(): Promise<MirrorStateRow[]>;

  /** Adds the windows that are not there yet (a window already there keeps its progress). */
  addWindows(tenantId: string, windows: readonly Omit<MirrorWindow, 'doneMs'>[]): Promise<void>;
  windows(tenantId: string, kind?: string): Promise<MirrorWindow[]>;
  markWindowDone(tenantId: string, kind: string, startMs: number, doneMs: number): Promise<void>;

  /** Queues records, or raises a queued one's version; in one transaction. */
  enqueue(tenantId: string, records: readonly Omit<QueuedRecord, 'attempts'>[]): Promise<void>;
  /** The queued records in (startDateTime, id) order, after `after`. */
  queued(tenantId: string, limit: number, after?: { startMs: number; id: string }): Promise<QueuedRecord[]>;
  /** Removes a queued record once a version at least `version` is stored. */
  dequeue(tenantId: string, id: string, version: number): Promise<void>;
  countQueued(tenantId: string): Promise<number>;
  addAttempt(tenantId: string, id: string): Promise<void>;
  /** The stored versions of these records (absent: not stored). */
  storedVersions(tenantId: string, ids: readonly string[]): Promise<Map<string, number>>;

  /** A tenant's retention: days, null for unlimited, undefined when it keeps the server's. */
  getRetention(tenantId: string): Promise<number | null | undefined>;
  setRetention(tenantId: string, days: number | null | undefined): Promise<void>;
  listRetention(): Promise<{ tenantId: string; days: number | null }[]>;
}

const CHUNK = 400;

export class KyselyMirrorStore implements MirrorStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async putState(tenantId: string, upstream: string, updatedMs: number, status: string): Promise<void> {
    await this.#db
      .insertInto('mirror_state')
      .values({ tenant_id: tenantId, upstream, updated_ms: updatedMs, status })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ upstream, updated_ms: updatedMs, status }))
      .execute();
  }

  async getState(tenantId: string): Promise<MirrorStateRow | undefined> {
    const r = await this.#db
      .selectFrom('mirror_state')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return r && toState(r);
  }

  async listStates(): Promise<MirrorStateRow[]> {
    const rows = await this.#db.selectFrom('mirror_state').selectAll().orderBy('tenant_id').execute();
    return rows.map(toState);
  }

  async addWindows(tenantId: string, windows: readonly Omit<MirrorWindow, 'doneMs'>[]): Promise<void> {
    if (windows.length === 0) return;
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < windows.length; i += CHUNK) {
        await trx
          .insertInto('mirror_windows')
          .values(
            windows.slice(i, i + CHUNK).map((w) => ({
              tenant_id: tenantId,
              kind: w.kind,
              start_ms: w.startMs,
              end_ms: w.endMs,
              done_ms: null,
            })),
          )
          .onConflict((oc) => oc.columns(['tenant_id', 'kind', 'start_ms']).doNothing())
          .execute();
      }
    });
  }

  async windows(tenantId: string, kind?: string): Promise<MirrorWindow[]> {
    let q = this.#db.selectFrom('mirror_windows').selectAll().where('tenant_id', '=', tenantId);
    if (kind !== undefined) q = q.where('kind', '=', kind);
    const rows = await q.orderBy('kind').orderBy('start_ms').execute();
    return rows.map((r) => ({
      kind: r.kind,
      startMs: Number(r.start_ms),
      endMs: Number(r.end_ms),
      doneMs: r.done_ms === null ? null : Number(r.done_ms),
    }));
  }

  async markWindowDone(tenantId: string, kind: string, startMs: number, doneMs: number): Promise<void> {
    await this.#db
      .updateTable('mirror_windows')
      .set({ done_ms: doneMs })
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where('start_ms', '=', startMs)
      .execute();
  }

  async enqueue(tenantId: string, records: readonly Omit<QueuedRecord, 'attempts'>[]): Promise<void> {
    if (records.length === 0) return;
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < records.length; i += CHUNK) {
        await trx
          .insertInto('mirror_queue')
          .values(
            records.slice(i, i + CHUNK).map((r) => ({
              tenant_id: tenantId,
              id: r.id,
              version: r.version,
              start_ms: r.startMs,
              attempts: 0,
            })),
          )
          .onConflict((oc) =>
            oc
              .columns(['tenant_id', 'id'])
              .doUpdateSet((eb) => ({ version: eb.ref('excluded.version') }))
              .where('mirror_queue.version', '<', (eb) => eb.ref('excluded.version')),
          )
          .execute();
      }
    });
  }

  async queued(
    tenantId: string,
    limit: number,
    after?: { startMs: number; id: string },
  ): Promise<QueuedRecord[]> {
    let q = this.#db.selectFrom('mirror_queue').selectAll().where('tenant_id', '=', tenantId);
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('start_ms', '>', after.startMs),
          eb.and([eb('start_ms', '=', after.startMs), eb('id', '>', after.id)]),
        ]),
      );
    }
    const rows = await q.orderBy('start_ms').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      version: Number(r.version),
      startMs: Number(r.start_ms),
      attempts: Number(r.attempts),
    }));
  }

  async dequeue(tenantId: string, id: string, version: number): Promise<void> {
    await this.#db
      .deleteFrom('mirror_queue')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('version', '<=', version)
      .execute();
  }

  async countQueued(tenantId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('mirror_queue')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async addAttempt(tenantId: string, id: string): Promise<void> {
    await this.#db
      .updateTable('mirror_queue')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async storedVersions(tenantId: string, ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.#db
        .selectFrom('call_records')
        .select(['id', 'version'])
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.set(r.id, Number(r.version));
    }
    return out;
  }

  async getRetention(tenantId: string): Promise<number | null | undefined> {
    const r = await this.#db
      .selectFrom('tenant_retention')
      .select('days')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return r === undefined ? undefined : r.days === null ? null : Number(r.days);
  }

  async setRetention(tenantId: string, days: number | null | undefined): Promise<void> {
    if (days === undefined) {
      await this.#db.deleteFrom('tenant_retention').where('tenant_id', '=', tenantId).execute();
      return;
    }
    await this.#db
      .insertInto('tenant_retention')
      .values({ tenant_id: tenantId, days })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ days }))
      .execute();
  }

  async listRetention(): Promise<{ tenantId: string; days: number | null }[]> {
    const rows = await this.#db.selectFrom('tenant_retention').selectAll().orderBy('tenant_id').execute();
    return rows.map((r) => ({ tenantId: r.tenant_id, days: r.days === null ? null : Number(r.days) }));
  }
}

function toState(r: {
  tenant_id: string;
  upstream: string;
  updated_ms: number;
  status: string;
}): MirrorStateRow {
  return { tenantId: r.tenant_id, upstream: r.upstream, updatedMs: Number(r.updated_ms), status: r.status };
}
