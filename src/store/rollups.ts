// The dashboard's aggregates, kept at write time: every record written adds its contribution to the rollups of its
// tenant and UTC day, in the transaction that writes it; a record replaced or deleted subtracts the contribution of
// the stored copy first. Telephony log rows do the same. Page views read these tables only (./dashboard-store.ts).
// Portable Kysely only: upserts with ON CONFLICT … DO UPDATE, which SQLite and PostgreSQL both speak.
import type { Transaction } from 'kysely';
import type {
  CallRecordDocument,
  DirectRoutingLogRow,
  PstnBlockedUsersLogRow,
  PstnCallLogRow,
  SmsLogRow,
} from '../graph/model/index.js';
import {
  AUDIO_LABEL,
  classifyAudio,
  cqdDirection,
  endpointPair,
  firstIsCaller,
  isServer,
  type PoorMetric,
} from '../quality/cqd.js';
import { assembleDocument } from './assemble.js';
import {
  QUALITY_COLUMNS,
  TELEPHONY_COLUMNS,
  type CallSummariesTable,
  type QualityColumn,
} from './dashboard-schema.js';
import { LOG_TABLES, type LogRows } from './log-rows.js';
import { decodeParts } from './parts/codec.js';
import type { Database } from './schema.js';

const DAY_MS = 86_400_000;
/** Rows per multi-row statement: 18 columns x 300 rows stays well below SQLite's limit of bound variables. */
const CHUNK = 300;

export const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

type Counters = Record<QualityColumn, number>;

/** What one record adds to the rollups: its day, one counter row per (dimension, value), and its summary row. */
export interface RecordRollup {
  dayMs: number;
  /** [dimension, value, counters in QUALITY_COLUMNS order]; the first is the whole record's ('all'). */
  cells: [string, string, number[]][];
  summary: Omit<CallSummariesTable, 'tenant_id'>;
}

function displayName(identity: unknown): string {
  const set = identity as Record<string, { displayName?: string | null } | null> | null | undefined;
  if (!set) return '';
  for (const k of ['user', 'guest', 'phone', 'applicationInstance', 'application', 'acsUser']) {
    const name = set[k]?.displayName;
    if (name) return name;
  }
  return '';
}

/** Counter positions in QUALITY_COLUMNS order: a record's counters are arrays of numbers, not objects. */
const COL = Object.fromEntries(QUALITY_COLUMNS.map((c, i) => [c, i])) as Record<QualityColumn, number>;
const POOR_INDEX: Record<PoorMetric, number> = {
  degradation: COL.poor_degradation,
  roundTrip: COL.poor_round_trip,
  packetLoss: COL.poor_packet_loss,
  jitter: COL.poor_jitter,
  concealed: COL.poor_concealed,
};
const COLUMN_COUNT = QUALITY_COLUMNS.length;

/** The contribution of one call record (computed where its rows are made: on the generator's thread too). */
export function recordRollup(doc: CallRecordDocument): RecordRollup {
  const startMs = Date.parse(doc.startDateTime);
  const endMs = Date.parse(doc.endDateTime);
  const whole: number[] = new Array<number>(COLUMN_COUNT).fill(0);
  whole[COL.calls] = 1;
  whole[COL.sessions] = doc.sessions.length;
  whole[COL.duration_s] = Math.max(0, Math.round((endMs - startMs) / 1000));
  // Per stream dimension and value: its counters and the sessions that had a stream there.
  const byKey = new Map<string, { dim: string; key: string; counters: number[]; sessions: Set<number> }>();
  let failures = 0;
  let worst = '';
  const add = (dim: string, key: string, sessionIndex: number, c: readonly number[]) => {
    const id = `${dim}\u0000${key}`;
    let cell = byKey.get(id);
    if (!cell) {
      cell = { dim, key, counters: new Array<number>(COLUMN_COUNT).fill(0), sessions: new Set() };
      byKey.set(id, cell);
    }
    // calls and sessions (0 and 1) are set once per cell below.
    for (let i = 2; i < COLUMN_COUNT; i++) cell.counters[i]! += c[i]!;
    cell.sessions.add(sessionIndex);
  };
  const c: number[] = new Array<number>(COLUMN_COUNT).fill(0);
  doc.sessions.forEach((session, sessionIndex) => {
    for (const segment of session.segments) {
      const failure = segment.failureInfo ?? session.failureInfo;
      if (segment.failureInfo) failures++;
      const callerFirst = firstIsCaller(segment);
      const second = callerFirst ? segment.callee : segment.caller;
      const ua = second?.userAgent as { platform?: string } | null | undefined;
      const platform = isServer(second) ? 'server' : (ua?.platform ?? 'unknown');
      let pair: string | undefined;
      for (const media of segment.media) {
        if (media.label !== AUDIO_LABEL) continue;
        const network = callerFirst ? media.calleeNetwork : media.callerNetwork;
        for (const stream of media.streams) {
          c.fill(0);
          c[COL.audio_streams] = 1;
          const cls = classifyAudio(stream);
          if (cls.quality !== 'unclassified') c[COL.classified] = 1;
          if (cls.quality === 'poor') {
            c[COL.poor] = 1;
            for (const b of cls.breaches) c[POOR_INDEX[b.metric]] = 1;
            if (!worst) worst = cls.breaches[0]!.text;
          }
          if (failure?.stage === 'callSetup') c[COL.setup_failed] = 1;
          else if (failure?.stage === 'midcall') c[COL.dropped] = 1;
          for (let i = 2; i < COLUMN_COUNT; i++) if (i !== COL.duration_s) whole[i]! += c[i]!;
          add('networkType', network?.connectionType ?? 'unknown', sessionIndex, c);
          add('platform', platform, sessionIndex, c);
          add('subnet', network?.subnet ?? 'unknown', sessionIndex, c);
          add('direction', cqdDirection(segment, stream), sessionIndex, c);
          add('pair', (pair ??= endpointPair(segment)), sessionIndex, c);
        }
      }
    }
  });
  const cells: RecordRollup['cells'] = [
    ['all', '', whole],
    ['type', doc.type, whole.slice()],
    ...[...new Set(doc.modalities)].map((m): [string, string, number[]] => ['modality', m, whole.slice()]),
  ];
  for (const cell of byKey.values()) {
    cell.counters[COL.calls] = 1;
    cell.counters[COL.sessions] = cell.sessions.size;
    cells.push([cell.dim, cell.key, cell.counters]);
  }
  return {
    dayMs: dayOf(startMs),
    cells,
    summary: {
      record_id: doc.id,
      start_ms: startMs,
      end_ms: endMs,
      type: doc.type,
      modalities: `,${doc.modalities.join(',')},`,
      organizer: displayName(doc.organizer_v2?.identity ?? doc.organizer),
      participants: doc.participants_v2.length,
      sessions: doc.sessions.length,
      audio_streams: whole[COL.audio_streams]!,
      poor_streams: whole[COL.poor]!,
      failures,
      worst,
    },
  };
}

/** Adds (sign 1) or subtracts (sign -1) records' contributions; adds or deletes their summary rows. */
export async function applyRecordRollups(
  trx: Transaction<Database>,
  tenantId: string,
  rollups: readonly RecordRollup[],
  sign: 1 | -1,
): Promise<void> {
  if (rollups.length === 0) return;
  const sums = new Map<string, { day: number; dim: string; key: string; values: number[] }>();
  for (const r of rollups) {
    for (const [dim, key, values] of r.cells) {
      const id = `${r.dayMs}\u0000${dim}\u0000${key}`;
      const sum = sums.get(id);
      if (!sum) sums.set(id, { day: r.dayMs, dim, key, values: values.map((v) => v * sign) });
      else values.forEach((v, i) => (sum.values[i]! += v * sign));
    }
  }
  const rows = [...sums.values()].map((s) => ({
    tenant_id: tenantId,
    day_ms: s.day,
    dim: s.dim,
    key: s.key,
    ...(Object.fromEntries(QUALITY_COLUMNS.map((c, i) => [c, s.values[i]!])) as Counters),
  }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('quality_rollups')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'dim', 'day_ms', 'key'])
          .doUpdateSet((eb) =>
            Object.fromEntries(
              QUALITY_COLUMNS.map((c) => [c, eb(`quality_rollups.${c}`, '+', eb.ref(`excluded.${c}`))]),
            ),
          ),
      )
      .execute();
  }
  if (sign === 1) {
    const summaries = rollups.map((r) => ({ tenant_id: tenantId, ...r.summary }));
    for (let i = 0; i < summaries.length; i += CHUNK) {
      await trx
        .insertInto('dashboard_calls')
        .values(summaries.slice(i, i + CHUNK))
        .execute();
    }
  } else {
    const ids = rollups.map((r) => r.summary.record_id);
    for (let i = 0; i < ids.length; i += CHUNK) {
      await trx
        .deleteFrom('dashboard_calls')
        .where('tenant_id', '=', tenantId)
        .where('record_id', 'in', ids.slice(i, i + CHUNK))
        .execute();
    }
  }
}

/** Forgets every tenant's rollups and summaries of records that started in [fromMs, toMs) (their rows are dropped). */
export async function deleteRollupsOfDays(
  trx: Transaction<Database>,
  fromMs: number,
  toMs: number,
): Promise<void> {
  await trx.deleteFrom('quality_rollups').where('day_ms', '>=', fromMs).where('day_ms', '<', toMs).execute();
  await trx
    .deleteFrom('dashboard_calls')
    .where('start_ms', '>=', fromMs)
    .where('start_ms', '<', toMs)
    .execute();
}

/** Subtracts the contributions of stored records about to be deleted (replaced, deleted, purged). */
export async function subtractStoredRecords(
  trx: Transaction<Database>,
  tenantId: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  const records = await trx
    .selectFrom('call_records')
    .select(['id', 'body', 'organizer'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...ids])
    .execute();
  if (records.length === 0) return;
  const blobs = await trx
    .selectFrom('call_record_parts')
    .select(['record_id', 'data'])
    .where('tenant_id', '=', tenantId)
    .where(
      'record_id',
      'in',
      records.map((r) => r.id),
    )
    .execute();
  const partsOf = new Map(blobs.map((b) => [b.record_id, decodeParts(b.data)]));
  const rollups = records.map((r) => recordRollup(assembleDocument(r.body, r.organizer, partsOf.get(r.id))));
  await applyRecordRollups(trx, tenantId, rollups, -1);
}

// --- Telephony -----------------------------------------------------------------------------------------------

type TelCell = { day: number; dim: string; key: string; currency: string; values: number[] };

const micros = (amount: number | null | undefined) => Math.round((amount ?? 0) * 1_000_000);
const known = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? 'unknown' : v);

/** The telephony counters of log rows: [calls, seconds, charge_micros, successes] per (day, dimension, value). */
export function logCells(rows: LogRows): TelCell[] {
  const out: TelCell[] = [];
  const add = (time: string | null, dim: string, key: string, currency: string, values: number[]) => {
    const ms = time ? Date.parse(time) : Number.NaN;
    if (!Number.isNaN(ms)) out.push({ day: dayOf(ms), dim, key, currency, values });
  };
  for (const r of rows.pstnCalls ?? []) {
    const v = [1, r.duration ?? 0, micros(r.charge) + micros(r.connectionCharge), 0];
    const currency = r.currency ?? '';
    add(r.startDateTime, 'pstn.country', known(r.usageCountryCode), currency, v);
    add(
      r.startDateTime,
      'pstn.user',
      known(r.userPrincipalName ?? r.userDisplayName ?? r.userId),
      currency,
      v,
    );
    add(r.startDateTime, 'pstn.callType', known(r.callType), currency, v);
  }
  for (const r of rows.directRoutingCalls ?? []) {
    const trunk = known(r.trunkFullyQualifiedDomainName);
    const v = [1, r.duration ?? 0, 0, r.successfulCall ? 1 : 0];
    add(r.startDateTime, 'dr.trunk', trunk, '', v);
    const sip = `${r.finalSipCode ?? 'unknown'}${r.finalSipCodePhrase ? ` ${r.finalSipCodePhrase}` : ''}`;
    add(r.startDateTime, 'dr.sip', `${trunk}\u001f${sip}`, '', v);
  }
  for (const r of rows.sms ?? []) {
    add(r.sentDateTime, 'sms.type', known(r.smsType), r.currency ?? '', [1, 0, micros(r.callCharge), 0]);
  }
  for (const r of rows.blockedUsers ?? []) {
    add(r.blockDateTime, 'blocked.mode', known(r.userBlockMode), '', [1, 0, 0, 0]);
  }
  return out;
}

/**
 * Adds the counters of log rows about to be stored, after subtracting those of the stored rows they replace (a
 * re-ingested row replaces the stored one, so it must not count twice).
 */
export async function applyLogRollups(
  trx: Transaction<Database>,
  tenantId: string,
  rows: LogRows,
): Promise<void> {
  const lists = {
    pstnCalls: rows.pstnCalls ?? [],
    directRoutingCalls: rows.directRoutingCalls ?? [],
    sms: rows.sms ?? [],
    blockedUsers: rows.blockedUsers ?? [],
  };
  const replaced: Required<{ [K in keyof LogRows]: object[] }> = {
    pstnCalls: [],
    directRoutingCalls: [],
    sms: [],
    blockedUsers: [],
  };
  for (const kind of Object.keys(lists) as (keyof typeof lists)[]) {
    const ids = (lists[kind] as object[]).map((r) => {
      const row = r as { id?: string | null; smsId?: string | null; remediationId?: string | null };
      return kind === 'sms' ? (row.id ?? row.smsId) : kind === 'blockedUsers' ? row.remediationId : row.id;
    });
    const present = ids.filter((id): id is string => typeof id === 'string' && id !== '');
    for (let i = 0; i < present.length; i += CHUNK) {
      const stored = await trx
        .selectFrom(LOG_TABLES[kind] as 'sms_logs')
        .select('body')
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', present.slice(i, i + CHUNK))
        .execute();
      for (const s of stored) replaced[kind].push(JSON.parse(s.body) as object);
    }
  }
  const cells = [
    ...logCells(lists),
    ...logCells({
      pstnCalls: replaced.pstnCalls as PstnCallLogRow[],
      directRoutingCalls: replaced.directRoutingCalls as DirectRoutingLogRow[],
      sms: replaced.sms as SmsLogRow[],
      blockedUsers: replaced.blockedUsers as PstnBlockedUsersLogRow[],
    }).map((c) => ({ ...c, values: c.values.map((v) => -v) })),
  ];
  const sums = new Map<string, TelCell>();
  for (const c of cells) {
    const id = `${c.day}\u0000${c.dim}\u0000${c.key}\u0000${c.currency}`;
    const sum = sums.get(id);
    if (!sum) sums.set(id, { ...c, values: [...c.values] });
    else c.values.forEach((v, i) => (sum.values[i]! += v));
  }
  const out = [...sums.values()].map((s) => ({
    tenant_id: tenantId,
    day_ms: s.day,
    dim: s.dim,
    key: s.key,
    currency: s.currency,
    calls: s.values[0]!,
    seconds: s.values[1]!,
    charge_micros: s.values[2]!,
    successes: s.values[3]!,
  }));
  for (let i = 0; i < out.length; i += CHUNK) {
    await trx
      .insertInto('telephony_rollups')
      .values(out.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'dim', 'day_ms', 'key', 'currency'])
          .doUpdateSet((eb) =>
            Object.fromEntries(
              TELEPHONY_COLUMNS.map((c) => [c, eb(`telephony_rollups.${c}`, '+', eb.ref(`excluded.${c}`))]),
            ),
          ),
      )
      .execute();
  }
}

/** The dashboard's rows of a tenant, deleted with the tenant. */
export async function deleteTenantRollups(trx: Transaction<Database>, tenantId: string): Promise<void> {
  for (const table of ['quality_rollups', 'telephony_rollups', 'dashboard_calls'] as const) {
    await trx.deleteFrom(table).where('tenant_id', '=', tenantId).execute();
  }
}
