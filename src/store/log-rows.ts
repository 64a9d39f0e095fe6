// Telephony log rows (Graph model objects) to table rows: the canonical beta-shape JSON is written once here, and
// the key, time and dial-out columns are taken from the row.
import type { LogKind } from '../graph/functions/catalog.js';
import type {
  DirectRoutingLogRow,
  PstnBlockedUsersLogRow,
  PstnCallLogRow,
  SmsLogRow,
} from '../graph/model/index.js';
import { NS } from '../graph/model/index.js';
import { logRowText } from '../graph/shape/log-json.js';
import { parseInstant } from './rows.js';
import type { LogTable, PstnCallsTable } from './schema.js';

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
} as const satisfies Record<LogKind, string>;

function required(value: string | null | undefined, what: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`a log row needs ${what}`);
  return value;
}

const micros = (amount: number | null | undefined) => Math.round((amount ?? 0) * 1_000_000);

function base(tenantId: string, id: string, time: string | null, what: string, type: string, row: object) {
  return {
    tenant_id: tenantId,
    id,
    time_ms: parseInstant(required(time, what), what),
    body: logRowText('beta', `${NS}.${type}`, row as Record<string, unknown>),
  };
}

export function pstnCallRow(tenantId: string, r: PstnCallLogRow): PstnCallsTable {
  return {
    ...base(tenantId, required(r.id, 'an id'), r.startDateTime, 'startDateTime', 'pstnCallLogRow', r),
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

export function directRoutingRow(tenantId: string, r: DirectRoutingLogRow): LogTable {
  return base(tenantId, required(r.id, 'an id'), r.startDateTime, 'startDateTime', 'directRoutingLogRow', r);
}

export function smsRow(tenantId: string, r: SmsLogRow): LogTable {
  return base(
    tenantId,
    required(r.id ?? r.smsId, 'an id or smsId'),
    r.sentDateTime,
    'sentDateTime',
    'smsLogRow',
    r,
  );
}

export function blockedUserRow(tenantId: string, r: PstnBlockedUsersLogRow): LogTable {
  return base(
    tenantId,
    required(r.remediationId, 'a remediationId'),
    r.blockDateTime,
    'blockDateTime',
    'pstnBlockedUsersLogRow',
    r,
  );
}
