// Hand-made telephony log rows for focused store and API tests: deterministic ids, chosen times and amounts.
import type {
  DirectRoutingLogRow,
  PstnBlockedUsersLogRow,
  PstnCallLogRow,
  SmsLogRow,
} from '../../src/graph/model/index.js';
import { guid } from './fixtures.js';

const iso = (ms: number) => new Date(ms).toISOString();

export interface PstnInput {
  startMs: number;
  durationS?: number;
  callType?: string;
  user?: string;
  usage?: string;
  context?: string | null;
  currency?: string;
  charge?: number;
  connectionCharge?: number;
}

export function pstnRow(key: string, o: PstnInput): PstnCallLogRow {
  const user = o.user ?? 'alice';
  const durationS = o.durationS ?? 60;
  return {
    id: guid(`pstn:${key}`),
    callId: `1835317186_${String(112562680 + key.length)}@61.221.3.176`,
    userId: guid(`user:${user}`),
    userPrincipalName: `${user}@contoso.com`,
    userDisplayName: user[0]!.toUpperCase() + user.slice(1),
    startDateTime: iso(o.startMs),
    endDateTime: iso(o.startMs + durationS * 1000),
    duration: durationS,
    charge: o.charge ?? 0,
    callType: o.callType ?? 'user_in',
    currency: o.currency ?? 'USD',
    calleeNumber: '+12065550100',
    usageCountryCode: o.usage ?? 'US',
    tenantCountryCode: 'US',
    connectionCharge: o.connectionCharge ?? 0,
    callerNumber: '+12065550199',
    destinationContext: o.context === undefined ? null : o.context,
    destinationName: 'United States',
    conferenceId: null,
    licenseCapability: 'MCOPSTNU',
    inventoryType: 'Subscriber',
    operator: 'Microsoft',
    callDurationSource: 'microsoft',
    administrativeUnitInfos: [{ id: guid('au:us') }],
    otherPartyCountryCode: 'US',
    clientLocalIpV4Address: '10.0.0.5',
    clientLocalIpV6Address: null,
    clientPublicIpV4Address: '203.0.113.7',
    clientPublicIpV6Address: null,
  };
}

export function directRoutingRow(key: string, startMs: number, success = true): DirectRoutingLogRow {
  return {
    id: guid(`dr:${key}`),
    correlationId: guid(`corr:${key}`),
    userId: guid('user:alice'),
    userPrincipalName: 'alice@contoso.com',
    userDisplayName: 'Alice',
    startDateTime: iso(startMs),
    inviteDateTime: iso(startMs - 3000),
    failureDateTime: success ? '0001-01-01T00:00:00Z' : iso(startMs + 5000),
    endDateTime: success ? iso(startMs + 5000) : '0001-01-01T00:00:00Z',
    duration: success ? 5 : 0,
    callType: 'ByotIn',
    successfulCall: success,
    callerNumber: '+12345678901',
    calleeNumber: '+12065550100',
    mediaPathLocation: 'USWE',
    signalingLocation: 'EUNO',
    finalSipCode: success ? 0 : 487,
    callEndSubReason: success ? 540000 : 540487,
    finalSipCodePhrase: success ? 'BYE' : 'Request Terminated',
    trunkFullyQualifiedDomainName: 'tll-audiocodes01.adatum.biz',
    mediaBypassEnabled: false,
    administrativeUnitInfos: [],
    otherPartyCountryCode: 'US',
    transferorCorrelationId: null,
    userCountryCode: 'US',
  };
}

export function smsRow(key: string, sentMs: number): SmsLogRow {
  return {
    id: guid(`sms-row:${key}`),
    smsId: guid(`sms:${key}`),
    userId: guid('user:alice'),
    userPrincipalName: 'alice@contoso.com',
    userDisplayName: 'Alice',
    userCountryCode: 'US',
    tenantCountryCode: 'US',
    sourceNumber: '+12818602122',
    destinationNumber: '+12673173***',
    sentDateTime: iso(sentMs),
    callCharge: 0,
    currency: 'USD',
    smsType: 'sms_out',
    destinationContext: 'Domestic',
    destinationName: 'United States',
    otherPartyCountryCode: 'US',
    licenseCapability: 'MCOSMS1',
    smsUnits: 1,
    administrativeUnitInfos: [],
  };
}

export function blockedRow(key: string, atMs: number, mode: 'blocked' | 'unblocked'): PstnBlockedUsersLogRow {
  return {
    userId: guid('user:alice'),
    userPrincipalName: 'alice@contoso.com',
    userDisplayName: 'Alice',
    blockDateTime: iso(atMs),
    userTelephoneNumber: '+37212345678',
    userBlockMode: mode,
    blockReason: mode === 'blocked' ? 'High Overall Usage' : 'Tenant Requested',
    remediationId: guid(`remediation:${key}`),
  };
}
