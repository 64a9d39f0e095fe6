// The one store implementation: portable Kysely queries. Dialect specifics live in sqlite.ts and postgres.ts,
// reached through the capabilities of dialect.ts.
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { CallRecordDocument } from '../graph/model/index.js';
import type { DatabaseHealth, StoreDialect } from './dialect.js';
import { KyselyDocumentStore, type DocumentStore } from './document-store.js';
import { KyselyIdentityStore, type IdentityStore } from './identity-store.js';
import { KyselyMirrorStore, type MirrorStore } from './mirror-store.js';
import { KyselyJobLeases, type JobLeases } from './job-leases.js';
import { KyselyLogStore, type LogStore } from './log-store.js';
import { KyselyPendingStore, type PendingStore } from './pending-store.js';
import { KyselyNotificationQueue, type NotificationQueue } from './notifications/queue.js';
import { KyselySubscriptionStore, type SubscriptionStore } from './notifications/subscriptions.js';
import { migrateToLatest } from './migrate.js';
import { PartsReader } from './parts/reader.js';
import { RecordWriter } from './record-write.js';
import { PreparedQueries } from './prepared.js';
import { deleteTenantRollups } from './rollups.js';
import { KyselyDashboardStore, type DashboardStore } from './dashboard-store.js';
import { readListFragments } from './list-deflate.js';
import { parseInstant, type RecordRows } from './rows.js';
import type { Database } from './schema.js';
import type {
  ChildRow,
  DeflatedRecordRow,
  RecordKey,
  RecordQuery,
  RecordRow,
  SessionRow,
  Store,
  StoredJson,
  TenantInfo,
  UpsertOutcome,
} from './types.js';

type Bound = { ms: number; inclusive: boolean };

/**
 * The one lower bound on start_ms that implies all of a list query's: the retention floor, the $filter's and the
 * keyset position's (start_ms >= after.startMs). SQLite ranges an index scan on one bound per column only and may
 * pick a looser one when there are several, scanning every earlier row of the tenant: deep pages got slower with
 * depth. With the tightest bound alone the scan starts at the page.
 */
function lowerBound(q: RecordQuery & { minStartMs: number; after?: RecordKey }): Bound {
  let bound: Bound = { ms: q.minStartMs, inclusive: true };
  const tighter = (b: Bound) => b.ms > bound.ms || (b.ms === bound.ms && !b.inclusive);
  if (q.startAfter && tighter(q.startAfter)) bound = q.startAfter;
  if (q.after && tighter({ ms: q.after.startMs, inclusive: true }))
    bound = { ms: q.after.startMs, inclusive: true };
  return bound;
}

export interface KyselyStoreOptions {
  db: Kysely<Database>;
  dialect: StoreDialect;
  json: StoredJson;
  onClose?: () => void;
}

export class KyselyStore implements Store {
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;
  readonly #onClose: (() => void) | undefined;
  readonly #prepared: PreparedQueries<Database>;
  readonly #parts: PartsReader;
  readonly #json: StoredJson;
  readonly #writer: RecordWriter;
  readonly identity: IdentityStore;
  readonly documents: DocumentStore;
  readonly logs: LogStore;
  readonly pending: PendingStore;
  readonly subscriptions: SubscriptionStore;
  readonly notifications: NotificationQueue;
  readonly mirror: MirrorStore;
  readonly dashboard: DashboardStore;
  readonly leases: JobLeases;
  readonly backend: 'sqlite' | 'postgres';

  constructor(options: KyselyStoreOptions) {
    this.#db = options.db;
    this.#dialect = options.dialect;
    this.backend = options.dialect.name;
    this.#onClose = options.onClose;
    this.#json = options.json;
    this.#writer = new RecordWriter(options.db, options.dialect, options.json);
    this.#prepared = new PreparedQueries(options.db);
    this.#parts = new PartsReader(options.db, this.#prepared, options.json.freeMark);
    this.identity = new KyselyIdentityStore(options.db);
    this.documents = new KyselyDocumentStore(options.db, options.dialect);
    this.logs = new KyselyLogStore(options.db, options.json);
    this.subscriptions = new KyselySubscriptionStore(options.db);
    // Row locks (FOR UPDATE SKIP LOCKED) on PostgreSQL; SQLite has one writer at a time instead.
    this.notifications = new KyselyNotificationQueue(options.db, {
      rowLocks: options.dialect.name === 'postgres',
    });
    this.leases = new KyselyJobLeases(options.db);
    this.mirror = new KyselyMirrorStore(options.db);
    this.dashboard = new KyselyDashboardStore(options.db);
    this.pending = new KyselyPendingStore(
      options.db,
      (trx, tenantId, docs) => this.#writer.upsertIn(trx, tenantId, docs),
      (docs) =>
        this.#dialect.ensurePartitions(docs.map((d) => parseInstant(d.startDateTime, 'startDateTime'))),
    );
  }

  async migrate(): Promise<void> {
    await migrateToLatest(this.#db as unknown as Kysely<unknown>, this.#dialect);
  }

  health(): Promise<DatabaseHealth> {
    return this.#dialect.health();
  }

  sizeBytes(): Promise<number> {
    return this.#dialect.sizeBytes();
  }

  async close(): Promise<void> {
    await this.#db.destroy();
    this.#onClose?.();
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value;
  }

  async setSettingIfAbsent(key: string, value: string): Promise<string> {
    await this.#db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return (await this.getSetting(key)) ?? value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.#db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async compareAndSetSetting(key: string, expected: string | undefined, value: string): Promise<boolean> {
    if (expected === undefined) {
      const r = await this.#db
        .insertInto('settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    }
    const r = await this.#db
      .updateTable('settings')
      .set({ value })
      .where('key', '=', key)
      .where('value', '=', expected)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async createTenant(t: TenantInfo): Promise<void> {
    await this.#db
      .insertInto('tenants')
      .values({ id: t.id, display_name: t.displayName, created_ms: t.createdMs })
      .execute();
  }

  async getTenant(id: string): Promise<TenantInfo | undefined> {
    const r = await this.#db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, displayName: r.display_name, createdMs: Number(r.created_ms) };
  }

  async listTenants(): Promise<TenantInfo[]> {
    const rows = await this.#db.selectFrom('tenants').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, displayName: r.display_name, createdMs: Number(r.created_ms) }));
  }

  async deleteTenant(id: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      for (const table of [
        'participant_index',
        'call_record_parts',
        'call_records',
        'pstn_calls',
        'direct_routing_calls',
        'sms_logs',
        'pstn_blocked_users',
        'pending_records',
        'notification_outbox',
        'notification_queue',
        'notification_seen',
        'webhook_deliveries',
        'subscriptions',
        'mirror_queue',
        'mirror_windows',
        'mirror_state',
        'tenant_retention',
      ] as const) {
        await trx.deleteFrom(table).where('tenant_id', '=', id).execute();
      }
      await deleteTenantRollups(trx, id);
      const r = await trx.deleteFrom('tenants').where('id', '=', id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    });
  }

  async listCallRecords(
    tenantId: string,
    q: RecordQuery & { minStartMs: number; after?: RecordKey; limit: number },
  ): Promise<RecordRow[]> {
    const rows = await this.#listRows(tenantId, q, false);
    const freeMark = this.#json.freeMark;
    return rows.map((r) => recordRow(r as TextColumns, freeMark));
  }

  async listCallRecordsDeflated(
    tenantId: string,
    q: RecordQuery & { minStartMs: number; after?: RecordKey; limit: number },
  ): Promise<DeflatedRecordRow[]> {
    const rows = await this.#listRows(tenantId, q, true);
    const freeMark = this.#json.freeMark;
    const out: DeflatedRecordRow[] = [];
    for (const r of rows) {
      const fragments = r.list_deflate ? readListFragments(r.list_deflate) : undefined;
      let text: RecordRow | undefined;
      if (r.body !== null) text = recordRow(r as TextColumns, freeMark);
      else if (!fragments) {
        // Fragments of a format this code does not read (written by a later release): the text, read apart.
        text = await this.getCallRecord(tenantId, r.id, Number(r.start_ms));
        if (!text) continue;
      }
      out.push({ id: r.id, startMs: Number(r.start_ms), fragments, text });
    }
    return out;
  }

  #listRows(
    tenantId: string,
    q: RecordQuery & { minStartMs: number; after?: RecordKey; limit: number },
    deflated: boolean,
  ): Promise<ListColumns[]> {
    return q.participantId
      ? this.#byParticipant(tenantId, q.participantId, q, deflated)
      : this.#byStart(tenantId, q, deflated);
  }

  /**
   * The columns a list page reads. For a page joined from fragments, the text only of the rows the fragments may
   * not serve as they are (written before them, or not known free of opt-in members): the others' text is never
   * read, so a deflated page reads fewer bytes than a plain one.
   */
  #listColumns(deflated: boolean, prefix: '' | 'r.', freeMark: unknown) {
    const ref = (c: string) => sql.ref(prefix + c);
    const plain = [
      `${prefix}id`,
      `${prefix}start_ms`,
      `${prefix}body`,
      `${prefix}organizer`,
      `${prefix}opt_in_mark`,
    ];
    if (!deflated) return plain as unknown as ['id', 'start_ms', 'body', 'organizer', 'opt_in_mark'];
    const textUnless = (c: string) =>
      sql<string | null>`case when ${ref('list_deflate')} is not null and ${ref('opt_in_mark')} = ${freeMark}
        then null else ${ref(c)} end`.as(c);
    return [
      `${prefix}id`,
      `${prefix}start_ms`,
      `${prefix}opt_in_mark`,
      `${prefix}list_deflate`,
      textUnless('body'),
      textUnless('organizer'),
    ] as unknown as ['id', 'start_ms', 'body', 'organizer', 'opt_in_mark'];
  }

  /** Range scan on call_records_by_start. */
  #byStart(
    tenantId: string,
    q: RecordQuery & { minStartMs: number; after?: RecordKey; limit: number },
    deflated: boolean,
  ): Promise<ListColumns[]> {
    const lower = lowerBound(q);
    const { startBefore: before, after } = q;
    const shape = `start ${lower.inclusive ? '>=' : '>'} ${before ? (before.inclusive ? '<=' : '<') : ''} ${after ? 'after' : ''} ${deflated ? 'deflated' : ''}`;
    const args = [tenantId, lower.ms, before?.ms, after?.startMs, after?.id, q.limit, this.#json.freeMark];
    return this.#prepared.rows(shape, args, (arg) => {
      let query = this.#db
        .selectFrom('call_records')
        .select(this.#listColumns(deflated, '', arg(6)))
        .where('tenant_id', '=', arg(0))
        .where('start_ms', lower.inclusive ? '>=' : '>', arg(1));
      if (before) query = query.where('start_ms', before.inclusive ? '<=' : '<', arg(2));
      // start_ms >= after.startMs holds through the lower bound, so the keyset condition reduces to this.
      if (after) query = query.where((eb) => eb.or([eb('start_ms', '>', arg(3)), eb('id', '>', arg(4))]));
      return query.orderBy('start_ms').orderBy('id').limit(arg(5));
    });
  }

  /** Range scan on participant_index, joined to the records it names. */
  #byParticipant(
    tenantId: string,
    participantId: string,
    q: RecordQuery & { minStartMs: number; after?: RecordKey; limit: number },
    deflated: boolean,
  ): Promise<ListColumns[]> {
    const lower = lowerBound(q);
    const { startBefore: before, after } = q;
    const shape = `participant ${lower.inclusive ? '>=' : '>'} ${before ? (before.inclusive ? '<=' : '<') : ''} ${after ? 'after' : ''} ${deflated ? 'deflated' : ''}`;
    const args = [
      tenantId,
      participantId,
      lower.ms,
      before?.ms,
      after?.startMs,
      after?.id,
      q.limit,
      this.#json.freeMark,
    ];
    return this.#prepared.rows(shape, args, (arg) => {
      let query = this.#db
        .selectFrom('participant_index as p')
        .innerJoin('call_records as r', (j) =>
          j.onRef('r.tenant_id', '=', 'p.tenant_id').onRef('r.id', '=', 'p.record_id'),
        )
        .select(
          this.#listColumns(deflated, 'r.', arg(7)) as unknown as [
            'r.id',
            'r.start_ms',
            'r.body',
            'r.organizer',
            'r.opt_in_mark',
          ],
        )
        .where('p.tenant_id', '=', arg(0))
        .where('p.participant_id', '=', arg(1))
        .where('p.start_ms', lower.inclusive ? '>=' : '>', arg(2));
      if (before) query = query.where('p.start_ms', before.inclusive ? '<=' : '<', arg(3));
      if (after) {
        query = query.where((eb) => eb.or([eb('p.start_ms', '>', arg(4)), eb('p.record_id', '>', arg(5))]));
      }
      return query.orderBy('p.start_ms').orderBy('p.record_id').limit(arg(6));
    });
  }

  async countCallRecords(tenantId: string, q: RecordQuery & { minStartMs: number }): Promise<number> {
    const bounded = <QB extends SelectQueryBuilder<Database, 'participant_index' | 'call_records', object>>(
      query: QB,
    ): QB => {
      let b = query.where('start_ms', '>=', q.minStartMs);
      if (q.startAfter) b = b.where('start_ms', q.startAfter.inclusive ? '>=' : '>', q.startAfter.ms);
      if (q.startBefore) b = b.where('start_ms', q.startBefore.inclusive ? '<=' : '<', q.startBefore.ms);
      return b as QB;
    };
    const r = q.participantId
      ? await bounded(
          this.#db
            .selectFrom('participant_index')
            .where('tenant_id', '=', tenantId)
            .where('participant_id', '=', q.participantId),
        )
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      : await bounded(this.#db.selectFrom('call_records').where('tenant_id', '=', tenantId))
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async getCallRecord(tenantId: string, id: string, minStartMs: number): Promise<RecordRow | undefined> {
    const [r] = await this.#prepared.rows('get', [tenantId, id, minStartMs], (arg) =>
      this.#db
        .selectFrom('call_records')
        .select(['id', 'start_ms', 'body', 'organizer', 'opt_in_mark'])
        .where('tenant_id', '=', arg(0))
        .where('id', '=', arg(1))
        .where('start_ms', '>=', arg(2)),
    );
    return r && recordRow(r, this.#json.freeMark);
  }

  listSessions(
    tenantId: string,
    recordId: string,
    o: { afterOrdinal?: number; limit: number; withSegments: boolean },
  ): Promise<SessionRow[]> {
    return this.#parts.listSessions(tenantId, recordId, o);
  }

  getSession(tenantId: string, recordId: string, sessionId: string, withSegments: boolean) {
    return this.#parts.getSession(tenantId, recordId, sessionId, withSegments);
  }

  async countSessions(tenantId: string, recordId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('call_records')
      .select('session_count')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', recordId)
      .executeTakeFirst();
    return Number(r?.session_count ?? 0);
  }

  listSegments(tenantId: string, recordId: string, sessionOrdinal: number): Promise<ChildRow[]> {
    return this.#parts.listSegments(tenantId, recordId, sessionOrdinal);
  }

  getSegment(tenantId: string, recordId: string, sessionOrdinal: number, segmentId: string) {
    return this.#parts.getSegment(tenantId, recordId, sessionOrdinal, segmentId);
  }

  listParticipants(tenantId: string, recordId: string, o: { afterOrdinal?: number; limit: number }) {
    return this.#parts.listParticipants(tenantId, recordId, o);
  }

  getParticipant(tenantId: string, recordId: string, participantId: string) {
    return this.#parts.getParticipant(tenantId, recordId, participantId);
  }

  async countParticipants(tenantId: string, recordId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('call_records')
      .select('participant_count')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', recordId)
      .executeTakeFirst();
    return Number(r?.participant_count ?? 0);
  }

  async countAllCallRecords(tenantId: string): Promise<number> {
    const r = await this.#db
      .selectFrom('call_records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async upsertCallRecords(tenantId: string, docs: Iterable<CallRecordDocument>): Promise<UpsertOutcome[]> {
    const list = [...docs];
    if (list.length === 0) return [];
    // Compression runs on this thread: zlib's asynchronous API sets the dictionary up on this thread anyway and
    // costs more in dispatch than it saves.
    return this.#writer.write(tenantId, this.#writer.rowsOf(tenantId, list));
  }

  async upsertRecordRows(tenantId: string, rows: RecordRows[]): Promise<UpsertOutcome[]> {
    if (rows.length === 0) return [];
    for (const r of rows) {
      if (
        r.record.tenant_id !== tenantId ||
        r.parts.tenant_id !== tenantId ||
        r.participantIndex.some((p) => p.tenant_id !== tenantId)
      )
        throw new Error('rows of another tenant');
    }
    return this.#writer.write(tenantId, rows);
  }
}

interface TextColumns {
  id: string;
  start_ms: number;
  body: string;
  organizer: string | null;
  opt_in_mark: string | null;
}

/** A list query's row: the text columns (null where a deflated page's fragments serve it), and the fragments. */
interface ListColumns extends Omit<TextColumns, 'body'> {
  body: string | null;
  list_deflate?: Buffer | null;
}

function recordRow(r: TextColumns, freeMark: string): RecordRow {
  return {
    id: r.id,
    startMs: Number(r.start_ms),
    body: r.body,
    organizer: r.organizer,
    optInFree: r.opt_in_mark === freeMark,
  };
}
