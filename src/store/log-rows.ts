// Telephony log rows (Graph model objects) to table rows: the stored JSON text comes from StoredJson, and the key,
// time and dial-out columns are taken from the row.
import type {
  DirectRoutingLogRow,
  PstnBlockedUsersLogRow,
  PstnCallLogRow,
  SmsLogRow,
} from '../graph/model/index.js';
import { parseInstant } from './rows.js';
import type { LogTable, PstnCallsTable } from './schema.js';
import type { StoredJson } from './types.js';

/** Rows to store, by log; each list may be absent or empty. */
export interface LogRows {
  pstnCalls?: readonly PstnCallLogRow[];
  directRoutingCalls?: readonly DirectRoutingLogRow[];
  sms?: readonly SmsLogRow[];
  blockedUsers?: readonly PstnBlockedUsersLogRow[];
}

export const LOG_TABLES = {
  pstnCalls: 'pstn_calls',
  directRoutingCalls: 'direct_routing_calls',
  sms: 'sms_logs',
  blockedUsers: 'pstn_blocked_users',
} as const;

/** The telephony logs the store keeps. */
export type LogKind = keyof typeof LOG_TABLES;

function required(value: string | null | undefined, what: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`a log row needs ${what}`);
  return value;
}

const micros = (amount: number | null | undefined) => Math.round((amount ?? 0) * 1_000_000);

interface Base {
  json: StoredJson;
  tenantId: string;
  id: string;
  time: string | null;
  what: string;
  kind: LogKind;
  row: object;
}

function base(b: Base): LogTable {
  return {
    tenant_id: b.tenantId,
    id: b.id,
    time_ms: parseInstant(required(b.time, b.what), b.what),
    body: b.json.logRowText(b.kind, b.row),
  };
}

export function pstnCallRow(json: StoredJson, tenantId: string, r: PstnCallLogRow): PstnCallsTable {
  const id = required(r.id, 'an id');
  return {
    ...base({ json, tenantId, id, time: r.startDateTime, what: 'startDateTime', kind: 'pstnCalls', row: r }),
    call_type: r.callType ?? '',
    user_id: r.userId ?? '',
    usage_country_code: r.usageCountryCode ?? '',
    destination_context: r.destinationContext ?? '',
    currency: r.currency ?? '',
    user_principal_name: r.userPrincipalName,
    user_display_name: r.userDisplayName,
    duration_s: r.duration ?? 0,
    charge_micros: micros(r.charge),
    connection_charge_micros: micros(r.connectionCharge),
  };
}

export function directRoutingRow(json: StoredJson, tenantId: string, r: DirectRoutingLogRow): LogTable {
  const id = required(r.id, 'an id');
  return base({
    json,
    tenantId,
    id,
    time: r.startDateTime,
    what: 'startDateTime',
    kind: 'directRoutingCalls',
    row: r,
  });
}

export function smsRow(json: StoredJson, tenantId: string, r: SmsLogRow): LogTable {
  const id = required(r.id ?? r.smsId, 'an id or smsId');
  return base({ json, tenantId, id, time: r.sentDateTime, what: 'sentDateTime', kind: 'sms', row: r });
}

export function blockedUserRow(json: StoredJson, tenantId: string, r: PstnBlockedUsersLogRow): LogTable {
  const id = required(r.remediationId, 'a remediationId');
  return base({
    json,
    tenantId,
    id,
    time: r.blockDateTime,
    what: 'blockDateTime',
    kind: 'blockedUsers',
    row: r,
  });
}
