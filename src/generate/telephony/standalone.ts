// Log rows that no call record stands behind: SMS (users with the SMS license), PSTN block and unblock actions,
// and Direct Routing attempts that failed at the SBC before any Teams call existed. Each local day draws from its
// own PRNG stream, like the record planner, so a day's rows do not depend on the rest of the window.
import type { DirectRoutingLogRow, PstnBlockedUsersLogRow, SmsLogRow } from '../../graph/model/index.js';
import type { Tenant } from '../directory.js';
import { isoInstant } from '../format.js';
import { daysOf } from '../plan.js';
import { hashSeed, Rng, sampleCumulative } from '../prng.js';
import { TimePatterns, WEEKDAY_FACTOR, ZoneClock } from '../time.js';
import type { Account, Accounts } from './accounts.js';
import { directRoutingRow, OUTBOUND_FAILURES } from './direct-routing.js';
import { cents, numberInfo } from './tariffs.js';

export type StandaloneRow =
  | { timeMs: number; kind: 'sms'; row: SmsLogRow }
  | { timeMs: number; kind: 'blockedUsers'; row: PstnBlockedUsersLogRow }
  | { timeMs: number; kind: 'directRoutingCalls'; row: DirectRoutingLogRow };

/** SMS per SMS-licensed user and working day, and what an outbound international SMS unit costs (EUR) [est]. */
const SMS_PER_DAY = 3;
const INTERNATIONAL_SMS_EUR = 0.05;
/** Failed SBC attempts per person and working day [est; ~15 % of Direct Routing rows fail]. */
const DR_ATTEMPTS_PER_PERSON = 0.025;

/** The last three digits hidden, as the SMS log's numbers are "partially obfuscated" (CSDL description). */
export function obfuscate(e164: string): string {
  return e164.slice(0, -3) + '***';
}

function externalNumber(rng: Rng, tenant: Tenant, home: Account, mobileShare: number): string {
  const c = rng.chance(0.85) ? home.telco.country : tenant.countries.sample(rng);
  return rng.chance(mobileShare) ? c.mobile(rng) : c.landline(rng);
}

function smsRow(rng: Rng, tenant: Tenant, a: Account, timeMs: number): SmsLogRow {
  const out = rng.chance(0.55);
  const other = externalNumber(rng, tenant, a, 0.92);
  const info = numberInfo(other);
  const domestic = info.telco === a.telco;
  const units = rng.chance(0.88) ? 1 : rng.chance(0.8) ? 2 : 3;
  const eur = out && !domestic ? INTERNATIONAL_SMS_EUR * units : 0;
  const rate = a.telco.currency === 'GBP' ? 0.85 : a.telco.currency === 'USD' ? 1.08 : 1;
  const own = a.user.phoneNumber;
  return {
    id: rng.guid(),
    smsId: rng.guid(),
    userId: a.user.id,
    userPrincipalName: a.user.userPrincipalName,
    userDisplayName: a.user.displayName,
    userCountryCode: a.user.usageLocation,
    tenantCountryCode: tenant.country.code,
    sourceNumber: out ? own : obfuscate(other),
    destinationNumber: out ? obfuscate(other) : own,
    sentDateTime: isoInstant(timeMs),
    callCharge: cents(eur * rate),
    currency: a.telco.currency,
    smsType: out ? 'sms_out' : 'sms_in',
    destinationContext: domestic ? 'Domestic' : 'International',
    destinationName: (out ? info : numberInfo(own)).telco.country.name,
    otherPartyCountryCode: info.telco.country.code,
    licenseCapability: 'MCOSMS1',
    smsUnits: units,
    administrativeUnitInfos: a.administrativeUnitInfos,
  };
}

function blockRow(
  rng: Rng,
  a: Account,
  timeMs: number,
  mode: 'blocked' | 'unblocked',
  reason: string,
): PstnBlockedUsersLogRow {
  return {
    userId: a.user.id,
    userPrincipalName: a.user.userPrincipalName,
    userDisplayName: a.user.displayName,
    blockDateTime: isoInstant(timeMs),
    userTelephoneNumber: a.user.phoneNumber,
    userBlockMode: mode,
    blockReason: reason,
    remediationId: rng.guid(),
  };
}

export interface StandaloneContext {
  accounts: Accounts;
  seed: number;
  timeZone: string;
  domain: string;
}

/** Every standalone row with fromMs <= time < untilMs, in time order, generated as they are read. */
export function* standaloneRows(
  c: StandaloneContext,
  fromMs: number,
  untilMs: number,
): Generator<StandaloneRow> {
  const tenant = c.accounts.tenant;
  const patterns = new TimePatterns();
  const rows: StandaloneRow[] = [];
  const smsUsers = c.accounts.list.filter((a) => a.sms);
  const person = (rng: Rng) => c.accounts.list[sampleCumulative(tenant.activityCum, rng)]!;
  const { days } = daysOf(new ZoneClock(c.timeZone), fromMs, untilMs);
  // Day by day, so that memory does not grow with the period: a day's rows all fall at or after its midnight, so
  // once a day is generated every row before the next midnight is final (an unblock a day or two later waits).
  // The stable sort of what is pending keeps the order one sort of the whole period would give.
  for (let d = 0; d < days.length; d++) {
    const day = days[d]!;
    const rng = new Rng(hashSeed(c.seed, day.day, 0x5a5106));
    const factor = WEEKDAY_FACTOR[day.weekday]!;
    const at = () => day.midnightUtc + patterns.callTimeOfDay(rng);
    for (const a of smsUsers) {
      for (let n = Math.round(rng.uniform(0, 2 * SMS_PER_DAY) * factor); n > 0; n--) {
        const t = at();
        rows.push({ timeMs: t, kind: 'sms', row: smsRow(rng, tenant, a, t) });
      }
    }
    const attempts = Math.round(
      c.accounts.list.length * DR_ATTEMPTS_PER_PERSON * factor * rng.uniform(0.8, 1.2),
    );
    for (let n = 0; n < attempts; n++) {
      const a = person(rng);
      const t = at();
      const out = rng.chance(0.7);
      const call = {
        account: a,
        external: externalNumber(rng, tenant, a, 0.5),
        direction: out ? 'out' : 'in',
        correlationId: rng.guid(),
        startDateTime: isoInstant(t),
        startMs: t,
        failure: out ? OUTBOUND_FAILURES.sample(rng) : 487,
      } as const;
      rows.push({ timeMs: t, kind: 'directRoutingCalls', row: directRoutingRow(rng, call, c.domain) });
    }
    // About two block actions a week [est]: the fraud guard ("High Overall Usage", lifted on request within a
    // day or two) or an admin ("Tenant Requested"), sometimes lifted later.
    if (day.weekday >= 1 && day.weekday <= 5 && rng.chance(0.4)) {
      const a = person(rng);
      const t = at();
      const fraud = rng.chance(0.7);
      rows.push({
        timeMs: t,
        kind: 'blockedUsers',
        row: blockRow(rng, a, t, 'blocked', fraud ? 'High Overall Usage' : 'Tenant Requested'),
      });
      if (rng.chance(fraud ? 0.85 : 0.5)) {
        const u = t + rng.int(2 * 3_600_000, 40 * 3_600_000);
        rows.push({
          timeMs: u,
          kind: 'blockedUsers',
          row: blockRow(rng, a, u, 'unblocked', 'Tenant Requested'),
        });
      }
    }
    const boundary = days[d + 1]?.midnightUtc ?? Infinity;
    rows.sort((a, b) => a.timeMs - b.timeMs);
    let ready = 0;
    while (ready < rows.length && rows[ready]!.timeMs < boundary) ready++;
    for (const r of rows.splice(0, ready)) if (r.timeMs >= fromMs && r.timeMs < untilMs) yield r;
  }
}
