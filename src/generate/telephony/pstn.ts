// PSTN call log rows (Calling Plans, Operator Connect and audio conferencing): call types, license capability,
// operator, charges by destination and currency, in the shape of the documentation's example.
import type { PstnCallLogRow } from '../../graph/model/index.js';
import type { Rng } from '../prng.js';
import type { Account } from './accounts.js';
import {
  billedMinutes,
  cents,
  conferenceIdOf,
  numberInfo,
  perMinuteRate,
  type NumberInfo,
} from './tariffs.js';

/** One PSTN leg as the call record shows it. */
export interface PstnLeg {
  account: Account;
  /** The other party's E.164 number. */
  external: string;
  direction: 'in' | 'out';
  /** Exactly the record's (or session's) timestamps, so the log agrees with the call record. */
  startDateTime: string;
  endDateTime: string;
  startMs: number;
  endMs: number;
  /** The user's client addresses on this call, when the record has them. */
  localIp: string | null;
  publicIp: string | null;
}

export interface TenantFacts {
  countryCode: string;
}

/** `<digits>_<digits>@<ipv4>`, the documented callId format. */
function callId(rng: Rng): string {
  return `${1_000_000_000 + rng.int(0, 999_999_999)}_${rng.int(100_000_000, 999_999_999)}@52.114.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function base(rng: Rng, leg: PstnLeg, tenant: TenantFacts, other: NumberInfo) {
  const u = leg.account.user;
  return {
    id: rng.guid(),
    callId: callId(rng),
    userId: u.id,
    userPrincipalName: u.userPrincipalName,
    userDisplayName: u.displayName,
    startDateTime: leg.startDateTime,
    endDateTime: leg.endDateTime,
    duration: Math.round((leg.endMs - leg.startMs) / 1000),
    usageCountryCode: u.usageLocation,
    tenantCountryCode: tenant.countryCode,
    currency: leg.account.telco.currency,
    administrativeUnitInfos: leg.account.administrativeUnitInfos,
    otherPartyCountryCode: other.telco.country.code,
    clientLocalIpV4Address: leg.localIp,
    clientLocalIpV6Address: null,
    clientPublicIpV4Address: leg.publicIp,
    clientPublicIpV6Address: null,
  };
}

/**
 * A user's own call (`user_in` / `user_out`). Inbound calls and calls inside the plan cost nothing; international
 * calls on a domestic plan are paid from Communications Credits (MCOPSTNPP); pay-as-you-go plans pay every
 * outbound minute; Operator Connect carriers bill the customer themselves [est].
 */
export function userCallRow(rng: Rng, leg: PstnLeg, tenant: TenantFacts): PstnCallLogRow {
  const a = leg.account;
  const other = numberInfo(leg.external);
  const row = base(rng, leg, tenant, other);
  const out = leg.direction === 'out';
  const domestic = other.telco === a.telco;
  const oc = a.telco.operatorConnect;
  let license: string = a.license;
  let charge = 0;
  let connection = 0;
  if (out && !oc && (a.license === 'MCOPSTNU' || (a.license === 'MCOPSTN1' && !domestic))) {
    if (a.license === 'MCOPSTN1') license = 'MCOPSTNPP';
    charge = cents(perMinuteRate(a.telco, other) * billedMinutes(row.duration));
    connection = other.mobile ? a.telco.mobileConnectionFee : 0;
  }
  const callee = out ? other : numberInfo(a.user.phoneNumber);
  return {
    ...row,
    charge,
    callType: out ? 'user_out' : 'user_in',
    calleeNumber: out ? leg.external : a.user.phoneNumber,
    connectionCharge: connection,
    callerNumber: out ? a.user.phoneNumber : leg.external,
    destinationContext: out ? (domestic ? 'Domestic' : 'International') : null,
    destinationName: callee.telco.country.name,
    conferenceId: null,
    licenseCapability: license,
    inventoryType: 'Subscriber',
    operator: oc ? oc.name : 'Microsoft',
    callDurationSource: oc?.reportsDuration ? 'operator' : 'microsoft',
  };
}

/**
 * A leg of an organizer's audio conference: `conf_in` (someone dialled the bridge) or `conf_out` (the bridge
 * dialled out). Dial-in and domestic dial-out are included in Audio Conferencing; international dial-out, and
 * every dial-out on pay-per-minute conferencing, is charged per minute [est].
 */
export function conferenceRow(rng: Rng, leg: PstnLeg, tenant: TenantFacts): PstnCallLogRow {
  const a = leg.account;
  const other = numberInfo(leg.external);
  const row = base(rng, leg, tenant, other);
  const out = leg.direction === 'out';
  const domestic = other.telco === a.telco;
  const paid = out && (!domestic || a.conferencing === 'MCOMEETACPEA');
  const bridge = a.telco.bridge;
  return {
    ...row,
    clientLocalIpV4Address: null,
    clientPublicIpV4Address: null,
    charge: paid ? cents(perMinuteRate(a.telco, other) * billedMinutes(row.duration)) : 0,
    callType: out ? 'conf_out' : 'conf_in',
    calleeNumber: out ? leg.external : bridge,
    connectionCharge: paid && other.mobile ? a.telco.mobileConnectionFee : 0,
    callerNumber: out ? bridge : leg.external,
    destinationContext: out ? (domestic ? 'Domestic' : 'International') : null,
    destinationName: (out ? other : numberInfo(bridge)).telco.country.name,
    conferenceId: conferenceIdOf(a.user.id),
    licenseCapability: a.conferencing,
    inventoryType: 'Service',
    operator: 'Microsoft',
    callDurationSource: 'microsoft',
  };
}
