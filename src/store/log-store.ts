// The telephony logs: rows written in batches with the call records, read in keyset pages over a time range, and
// the online-meeting dial-out report aggregated in SQL. Portable Kysely (SQLite and PostgreSQL).
import type { Kysely } from 'kysely';
import {
  blockedUserRow,
  directRoutingRow,
  LOG_TABLES,
  pstnCallRow,
  smsRow,
  type LogKind,
  type LogRows,
} from './log-rows.js';
import { PreparedQueries } from './prepared.js';
import { applyLogRollups } from './rollups.js';
import type { Database } from './schema.js';
import type { StoredJson } from './types.js';

export type { LogKind } from './log-rows.js';

/** A position in a log's page order. */
export interface LogKey {
  timeMs: number;
  id: string;
}

export interface StoredLogRow extends LogKey {
  /** Canonical beta-shape JSON. */
  body: string;
}

/** The grouping key of the dial-out report ('' where the row had no value). */
export interface DialoutKey {
  userId: string;
  usageLocation: string;
  destinationContext: string;
  currency: string;
}

export interface DialoutGroup extends DialoutKey {
  userPrincipalName: string | null;
  userDisplayName: string | null;
  totalCalls: number;
  /** Call charges plus connection charges, in millionths of the currency unit. */
  totalChargeMicros: number;
  totalSeconds: number;
}

/** A half-open time range [fromMs, toMs) with a page limit and an optional position to continue after. */
export interface LogRangeQuery<K> {
  fromMs: number;
  toMs: number;
  after?: K;
  limit: number;
}

export interface LogStore {
  /** Stores rows in one transaction; a row whose key (tenant, id) exists replaces the stored one. */
  insert(tenantId: string, rows: LogRows): Promise<void>;
  /** Rows with fromMs <= time < toMs, ordered by (time, id), after `after`. */
  list(tenantId: string, kind: LogKind, q: LogRangeQuery<LogKey>): Promise<StoredLogRow[]>;
  /** PSTN calls of `callTypes` in the range, grouped per user, usage location, destination context and currency. */
  dialout(
    tenantId: string,
    q: LogRangeQuery<DialoutKey> & { callTypes: readonly string[] },
  ): Promise<DialoutGroup[]>;
  count(tenantId: string, kind: LogKind): Promise<number>;
  deleteTenant(tenantId: string): Promise<void>;
}

/** SQLite allows 32766 bound variables a statement; 15 columns x 400 rows stays well below. */
const CHUNK = 400;

export class KyselyLogStore implements LogStore {
  readonly #db: Kysely<Database>;
  readonly #prepared: PreparedQueries<Database>;
  readonly #json: StoredJson;

  constructor(db: Kysely<Database>, json: StoredJson) {
    this.#db = db;
    this.#prepared = new PreparedQueries(db);
    this.#json = json;
  }

  async insert(tenantId: string, rows: LogRows): Promise<void> {
    const json = this.#json;
    const tables = [
      ['pstn_calls', (rows.pstnCalls ?? []).map((r) => pstnCallRow(json, tenantId, r))],
      [
        'direct_routing_calls',
        (rows.directRoutingCalls ?? []).map((r) => directRoutingRow(json, tenantId, r)),
      ],
      ['sms_logs', (rows.sms ?? []).map((r) => smsRow(json, tenantId, r))],
      ['pstn_blocked_users', (rows.blockedUsers ?? []).map((r) => blockedUserRow(json, tenantId, r))],
    ] as const;
    if (tables.every(([, list]) => list.length === 0)) return;
    await this.#db.transaction().execute(async (trx) => {
      // The dashboard's telephony rollups commit with the rows (src/store/rollups.ts).
      await applyLogRollups(trx, tenantId, rows);
      for (const [table, list] of tables) {
        for (let i = 0; i < list.length; i += CHUNK) {
          const chunk = list.slice(i, i + CHUNK);
          // Every column but the key is replaced by the incoming row (a re-ingested log row wins).
          const columns = Object.keys(chunk[0]!).filter((c) => c !== 'tenant_id' && c !== 'id');
          await trx
            .insertInto(table as 'pstn_calls')
            .values(chunk as Database['pstn_calls'][])
            .onConflict((oc) =>
              oc
                .columns(['tenant_id', 'id'])
                .doUpdateSet((eb) =>
                  Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c as 'body'}`)])),
                ),
            )
            .execute();
        }
      }
    });
  }

  async list(tenantId: string, kind: LogKind, q: LogRangeQuery<LogKey>): Promise<StoredLogRow[]> {
    // The four tables share these columns; the cast only picks one name for the type checker.
    const table = LOG_TABLES[kind] as 'sms_logs';
    const after = q.after;
    // One lower bound on time_ms (SQLite ranges an index scan on one bound per column only): the keyset position's
    // when it is past fromMs, and then time_ms >= after.timeMs holds, so the keyset condition reduces to an OR.
    const from = after && after.timeMs >= q.fromMs ? after.timeMs : q.fromMs;
    const args = [tenantId, from, q.toMs, after?.timeMs, after?.id, q.limit];
    const rows = await this.#prepared.rows(`${table} ${after ? 'after' : ''}`, args, (arg) => {
      let query = this.#db
        .selectFrom(table)
        .select(['id', 'time_ms', 'body'])
        .where('tenant_id', '=', arg(0))
        .where('time_ms', '>=', arg(1))
        .where('time_ms', '<', arg(2));
      if (after) query = query.where((eb) => eb.or([eb('time_ms', '>', arg(3)), eb('id', '>', arg(4))]));
      return query.orderBy('time_ms').orderBy('id').limit(arg(5));
    });
    return rows.map((r) => ({ id: r.id, timeMs: Number(r.time_ms), body: r.body }));
  }

  async dialout(
    tenantId: string,
    q: LogRangeQuery<DialoutKey> & { callTypes: readonly string[] },
  ): Promise<DialoutGroup[]> {
    if (q.callTypes.length === 0) return [];
    let query = this.#db
      .selectFrom('pstn_calls')
      .where('tenant_id', '=', tenantId)
      .where('call_type', 'in', [...q.callTypes])
      .where('time_ms', '>=', q.fromMs)
      .where('time_ms', '<', q.toMs);
    const after = q.after;
    if (after) {
      // Groups after the last one served: a row-value comparison on the grouping columns, before grouping.
      query = query.where((eb) =>
        eb(
          eb.refTuple('user_id', 'usage_country_code', 'destination_context', 'currency'),
          '>',
          eb.tuple(after.userId, after.usageLocation, after.destinationContext, after.currency),
        ),
      );
    }
    const rows = await query
      .select((eb) => [
        'user_id',
        'usage_country_code',
        'destination_context',
        'currency',
        eb.fn.max('user_principal_name').as('upn'),
        eb.fn.max('user_display_name').as('display_name'),
        eb.fn.countAll<number>().as('calls'),
        eb.fn.sum<number>(eb('charge_micros', '+', eb.ref('connection_charge_micros'))).as('charge'),
        eb.fn.sum<number>('duration_s').as('seconds'),
      ])
      .groupBy(['user_id', 'usage_country_code', 'destination_context', 'currency'])
      .orderBy('user_id')
      .orderBy('usage_country_code')
      .orderBy('destination_context')
      .orderBy('currency')
      .limit(q.limit)
      .execute();
    return rows.map((r) => ({
      userId: r.user_id,
      usageLocation: r.usage_country_code,
      destinationContext: r.destination_context,
      currency: r.currency,
      userPrincipalName: r.upn,
      userDisplayName: r.display_name,
      totalCalls: Number(r.calls),
      totalChargeMicros: Number(r.charge),
      totalSeconds: Number(r.seconds),
    }));
  }

  async count(tenantId: string, kind: LogKind): Promise<number> {
    const r = await this.#db
      .selectFrom(LOG_TABLES[kind] as 'sms_logs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async deleteTenant(tenantId: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      for (const table of Object.values(LOG_TABLES)) {
        await trx
          .deleteFrom(table as 'sms_logs')
          .where('tenant_id', '=', tenantId)
          .execute();
      }
    });
  }
}
