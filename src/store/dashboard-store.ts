// Reads of the dashboard's aggregates (kept at write time by ./rollups.ts): a page view sums at most a few rows
// per day and dimension value, and lists call summaries by an index, never opening a record.
import { sql, type Kysely } from 'kysely';
import { QUALITY_COLUMNS, type QualityColumn } from './dashboard-schema.js';
import type { Database } from './schema.js';

export type QualityCounters = Record<QualityColumn, number>;

export interface TelephonyCounters {
  key: string;
  currency: string;
  calls: number;
  seconds: number;
  chargeMicros: number;
  successes: number;
}

export interface CallSummary {
  id: string;
  startMs: number;
  endMs: number;
  type: string;
  modalities: string[];
  organizer: string;
  participants: number;
  sessions: number;
  audioStreams: number;
  poorStreams: number;
  failures: number;
  worst: string;
}

export interface CallSearch {
  fromMs: number;
  toMs: number;
  participantId?: string;
  type?: string;
  modality?: string;
  /** poor: a poor audio stream; good: classified audio streams, none poor; failed: a failed segment. */
  quality?: 'poor' | 'good' | 'failed';
  /** Newest first: continue with calls before this one. */
  before?: { startMs: number; id: string };
  limit: number;
}

export interface DashboardStore {
  /** Counters of every record per UTC day in [fromMs, toMs). */
  qualityByDay(
    tenantId: string,
    fromMs: number,
    toMs: number,
  ): Promise<({ dayMs: number } & QualityCounters)[]>;
  /** Counters per value of one dimension over [fromMs, toMs), most audio streams first. */
  qualityBreakdown(
    tenantId: string,
    dim: string,
    fromMs: number,
    toMs: number,
    limit: number,
  ): Promise<({ key: string } & QualityCounters)[]>;
  /** Telephony counters per value (and currency) of one dimension over [fromMs, toMs), most calls first. */
  telephony(
    tenantId: string,
    dim: string,
    fromMs: number,
    toMs: number,
    limit: number,
  ): Promise<TelephonyCounters[]>;
  /** Call summaries matching a search, newest first. */
  searchCalls(tenantId: string, q: CallSearch): Promise<CallSummary[]>;
}

export class KyselyDashboardStore implements DashboardStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async qualityByDay(tenantId: string, fromMs: number, toMs: number) {
    const rows = await this.#db
      .selectFrom('quality_rollups')
      .select(['day_ms', ...QUALITY_COLUMNS])
      .where('tenant_id', '=', tenantId)
      .where('dim', '=', 'all')
      .where('day_ms', '>=', fromMs)
      .where('day_ms', '<', toMs)
      .orderBy('day_ms')
      .execute();
    return rows.map((r) => ({ dayMs: Number(r.day_ms), ...counters(r) }));
  }

  async qualityBreakdown(tenantId: string, dim: string, fromMs: number, toMs: number, limit: number) {
    const rows = await this.#db
      .selectFrom('quality_rollups')
      .select((eb) => ['key', ...QUALITY_COLUMNS.map((c) => eb.fn.sum<number>(c).as(c))])
      .where('tenant_id', '=', tenantId)
      .where('dim', '=', dim)
      .where('day_ms', '>=', fromMs)
      .where('day_ms', '<', toMs)
      .groupBy('key')
      .orderBy((eb) => eb.fn.sum('audio_streams'), 'desc')
      .orderBy('key')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ key: r.key, ...counters(r as unknown as Record<QualityColumn, unknown>) }));
  }

  async telephony(tenantId: string, dim: string, fromMs: number, toMs: number, limit: number) {
    const rows = await this.#db
      .selectFrom('telephony_rollups')
      .select((eb) => [
        'key',
        'currency',
        eb.fn.sum<number>('calls').as('calls'),
        eb.fn.sum<number>('seconds').as('seconds'),
        eb.fn.sum<number>('charge_micros').as('charge_micros'),
        eb.fn.sum<number>('successes').as('successes'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('dim', '=', dim)
      .where('day_ms', '>=', fromMs)
      .where('day_ms', '<', toMs)
      .groupBy(['key', 'currency'])
      .orderBy((eb) => eb.fn.sum('calls'), 'desc')
      .orderBy('key')
      .limit(limit)
      .execute();
    return rows
      .map((r) => ({
        key: r.key,
        currency: r.currency,
        calls: Number(r.calls),
        seconds: Number(r.seconds),
        chargeMicros: Number(r.charge_micros),
        successes: Number(r.successes),
      }))
      .filter((r) => r.calls !== 0);
  }

  async searchCalls(tenantId: string, q: CallSearch): Promise<CallSummary[]> {
    // With a participant, the participant index drives (its key orders by start), and each entry joins its summary;
    // without, the summaries' own (tenant, start) index does. Either way the scan walks newest first and stops at
    // the page's end.
    const byUser = q.participantId !== undefined;
    // Quoted references (portable): the join is not in the builder's static type.
    const start = sql.ref<number>(byUser ? 'p.start_ms' : 's.start_ms');
    const id = sql.ref<string>(byUser ? 'p.record_id' : 's.record_id');
    let query = this.#db
      .selectFrom('dashboard_calls as s')
      .selectAll('s')
      .where('s.tenant_id', '=', tenantId);
    if (q.participantId !== undefined) {
      query = query
        .innerJoin('participant_index as p', (j) =>
          j.onRef('p.tenant_id', '=', 's.tenant_id').onRef('p.record_id', '=', 's.record_id'),
        )
        .where('p.tenant_id', '=', tenantId)
        .where('p.participant_id', '=', q.participantId);
    }
    query = query.where(start, '>=', q.fromMs).where(start, '<', q.toMs);
    if (q.type) query = query.where('s.type', '=', q.type);
    if (q.modality) query = query.where('s.modalities', 'like', `%,${q.modality.replace(/[%_,]/g, '')},%`);
    if (q.quality === 'poor') query = query.where('s.poor_streams', '>', 0);
    else if (q.quality === 'good')
      query = query.where('s.poor_streams', '=', 0).where('s.audio_streams', '>', 0);
    else if (q.quality === 'failed') query = query.where('s.failures', '>', 0);
    const before = q.before;
    if (before) {
      query = query.where((eb) =>
        eb.or([
          eb(start, '<', before.startMs),
          eb.and([eb(start, '=', before.startMs), eb(id, '<', before.id)]),
        ]),
      );
    }
    const rows = await query.orderBy(start, 'desc').orderBy(id, 'desc').limit(q.limit).execute();
    return rows.map((r) => ({
      id: r.record_id,
      startMs: Number(r.start_ms),
      endMs: Number(r.end_ms),
      type: r.type,
      modalities: r.modalities.split(',').filter(Boolean),
      organizer: r.organizer,
      participants: Number(r.participants),
      sessions: Number(r.sessions),
      audioStreams: Number(r.audio_streams),
      poorStreams: Number(r.poor_streams),
      failures: Number(r.failures),
      worst: r.worst,
    }));
  }
}

function counters(r: Record<QualityColumn, unknown>): QualityCounters {
  return Object.fromEntries(QUALITY_COLUMNS.map((c) => [c, Number(r[c] ?? 0)])) as QualityCounters;
}
