// The demo tenant's call records together with the telephony logs that agree with them (see README.md in
// src/generate): PSTN and Direct Routing rows derived from the records, extra reception-line calls and dial-out
// meetings planned into the same calendar, and the SMS, block and failed-SBC rows no record stands behind.
// Deterministic for the same options.
import type {
  CallRecordDocument,
  DirectRoutingLogRow,
  PstnBlockedUsersLogRow,
  PstnCallLogRow,
  SmsLogRow,
} from '../../graph/model/index.js';
import { buildTenant } from '../directory.js';
import { MS_PER_DAY } from '../format.js';
import { planCallRecords } from '../index.js';
import { resolveOptions, type GenerateOptions } from '../options.js';
import { Accounts } from './accounts.js';
import { RecordLogs } from './from-records.js';
import { TelephonyPlanner } from './planner.js';
import { standaloneRows, type StandaloneRow } from './standalone.js';

export { numberInfo, telcoOf, TELCOS } from './tariffs.js';
export { NOT_SET, SIP_PHRASES } from './direct-routing.js';

export interface TelephonyRows {
  pstnCalls: PstnCallLogRow[];
  directRoutingCalls: DirectRoutingLogRow[];
  sms: SmsLogRow[];
  blockedUsers: PstnBlockedUsersLogRow[];
}

export interface CallDataItem {
  /** A call record, or null for the last item (the rows after the last record). */
  record: CallRecordDocument | null;
  /** The rows derived from this record, and the standalone rows that fall before it. */
  logs: TelephonyRows;
}

export const emptyRows = (): TelephonyRows => ({
  pstnCalls: [],
  directRoutingCalls: [],
  sms: [],
  blockedUsers: [],
});

function push(rows: TelephonyRows, s: StandaloneRow): void {
  if (s.kind === 'sms') rows.sms.push(s.row);
  else if (s.kind === 'blockedUsers') rows.blockedUsers.push(s.row);
  else rows.directRoutingCalls.push(s.row);
}

/** Which records to build: a thread that builds a share of them (../worker/) says which by their ordinal. */
export interface CallDataShare {
  /** Called once per record, in order, with 0, 1, 2, ...; a record left out is neither built nor yielded. */
  keep(ordinal: number): boolean;
}

/**
 * Call records in ascending start order (the generator's, plus the telephony plans'), each with its log rows; the
 * last item has no record and carries the rows left. Every row's time lies in [until - days, until). With a
 * share, the records left out and the standalone rows that fall before them are skipped: the items kept are those
 * of the whole sequence, unchanged.
 */
export function* generateCallData(opts: GenerateOptions, share?: CallDataShare): Generator<CallDataItem> {
  const o = resolveOptions(opts);
  const tenant = buildTenant(o);
  const accounts = new Accounts(tenant, o.seed);
  const logs = new RecordLogs(accounts, o.seed, { countryCode: tenant.country.code }, tenant.domain);
  const untilMs = o.until.getTime();
  const fromMs = untilMs - Math.round(o.days * MS_PER_DAY);
  const context = { accounts, seed: o.seed, timeZone: o.timeZone, domain: tenant.domain };
  const standalone = standaloneRows(context, fromMs, untilMs);
  let next = standalone.next();
  const planner = new TelephonyPlanner(o.seed);
  let ordinal = 0;
  for (const planned of planCallRecords(o, { extraPlans: planner.plans, tenant })) {
    const kept = share ? share.keep(ordinal++) : true;
    const rows = emptyRows();
    for (; !next.done && next.value.timeMs < planned.startMs; next = standalone.next())
      if (kept) push(rows, next.value);
    if (!kept) continue;
    const record = planned.build();
    logs.add(record, rows);
    yield { record, logs: rows };
  }
  const rest = emptyRows();
  for (; !next.done; next = standalone.next()) push(rest, next.value);
  yield { record: null, logs: rest };
}
