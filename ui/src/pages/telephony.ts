// Telephony: PSTN minutes and cost by country, user and call type; Direct Routing success and SIP outcomes by
// trunk; SMS; blocked users. All from the telephony rollups, per period.
import { api, tenantPath } from '../api.js';
import { h, num, pct, stat, table } from '../dom.js';
import type { PageContext } from '../main.js';
import { defaultPeriod, filterForm, periodFields } from '../period.js';

interface Money {
  key: string;
  currency: string;
  calls: number;
  minutes: number;
  charge: number;
}

interface Telephony {
  from: string;
  to: string;
  pstn: {
    totals: { currency: string; calls: number; minutes: number; charge: number }[];
    byCountry: Money[];
    byUser: Money[];
    byCallType: Money[];
  };
  directRouting: {
    calls: number;
    successes: number;
    successRate: number | null;
    byTrunk: {
      trunk: string;
      calls: number;
      successes: number;
      successRate: number | null;
      minutes: number;
    }[];
    sipOutcomes: { trunk: string; outcome: string; calls: number }[];
  };
  sms: { byType: { key: string; currency: string; messages: number; charge: number }[] };
  blockedUsers: {
    byMode: { mode: string; actions: number }[];
    recent: { user: string; mode: string; reason: string; dateTime: string }[];
  };
}

const money = (v: number, cur: string) => `${v.toFixed(2)} ${cur}`;
const moneyRows = (rows: Money[]) =>
  rows.map((r) => [r.key, num(r.calls), num(r.minutes), money(r.charge, r.currency)]);

export async function renderTelephony(c: PageContext): Promise<void> {
  const p = defaultPeriod(c.params, c.nowMs);
  const t = await api<Telephony>(tenantPath(`/dashboard/telephony?from=${p.from}&to=${p.to}`));
  const calls = t.pstn.totals.reduce((a, x) => a + x.calls, 0);
  const minutes = t.pstn.totals.reduce((a, x) => a + x.minutes, 0);
  c.main.append(
    h('h1', {}, 'Telephony'),
    filterForm('telephony', 'Period', periodFields(p)),
    h(
      'section',
      { class: 'stats', 'aria-label': 'Totals' },
      stat('PSTN calls', num(calls), `${t.from} to ${t.to}`),
      stat('PSTN minutes', num(Math.round(minutes))),
      stat('PSTN cost', t.pstn.totals.map((x) => money(x.charge, x.currency)).join(' · ') || '—'),
      stat(
        'Direct Routing success rate',
        pct(t.directRouting.successRate, 1),
        `${num(t.directRouting.successes)} of ${num(t.directRouting.calls)} calls`,
      ),
      stat('SMS', num(t.sms.byType.reduce((a, x) => a + x.messages, 0))),
    ),
    h('h2', {}, 'PSTN (Calling Plans)'),
    h(
      'div',
      { class: 'grid' },
      table('PSTN by country', ['Country', 'Calls', 'Minutes', 'Cost'], moneyRows(t.pstn.byCountry), {
        'data-table': 'country',
      }),
      table('PSTN by call type', ['Call type', 'Calls', 'Minutes', 'Cost'], moneyRows(t.pstn.byCallType)),
      table('PSTN by user (top 15 by calls)', ['User', 'Calls', 'Minutes', 'Cost'], moneyRows(t.pstn.byUser)),
    ),
    h('h2', {}, 'Direct Routing'),
    h(
      'div',
      { class: 'grid' },
      table(
        'Direct Routing by trunk',
        ['Trunk', 'Calls', 'Succeeded', 'Success rate', 'Minutes'],
        t.directRouting.byTrunk.map((r) => [
          r.trunk,
          num(r.calls),
          num(r.successes),
          pct(r.successRate, 1),
          num(r.minutes),
        ]),
      ),
      table(
        'SIP outcomes by trunk',
        ['Trunk', 'Final SIP code', 'Calls'],
        t.directRouting.sipOutcomes.map((r) => [r.trunk, r.outcome, num(r.calls)]),
      ),
    ),
    h('h2', {}, 'SMS and blocked users'),
    h(
      'div',
      { class: 'grid' },
      table(
        'SMS by type',
        ['Type', 'Messages', 'Cost'],
        t.sms.byType.map((r) => [r.key, num(r.messages), money(r.charge, r.currency)]),
      ),
      table(
        'Block actions',
        ['Mode', 'Actions'],
        t.blockedUsers.byMode.map((r) => [r.mode, num(r.actions)]),
      ),
      table(
        'Recently blocked or unblocked users',
        ['User', 'Mode', 'Reason', 'When (UTC)'],
        t.blockedUsers.recent.map((r) => [
          r.user,
          r.mode,
          r.reason,
          r.dateTime.replace('T', ' ').slice(0, 16),
        ]),
      ),
    ),
  );
}
