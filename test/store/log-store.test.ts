// The telephony log store: batches replace rows by key, keyset pages over [from, to) in (time, id) order, the
// dial-out aggregate with exact money sums and keyset paging over groups, and tenant isolation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogKey, Store } from '../../src/store/index.js';
import { blockedRow, directRoutingRow, pstnRow, smsRow } from '../api/log-fixtures.js';
import { openTestStore } from '../helpers/test-db.js';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const T0 = Date.UTC(2026, 9, 1);
let store: Store;

before(async () => {
  store = await openTestStore();
  // Ties on the start time are ordered by id.
  await store.logs.insert(A, {
    pstnCalls: Array.from({ length: 50 }, (_, i) =>
      pstnRow(`a${i}`, { startMs: T0 + Math.floor(i / 5) * 60_000 }),
    ),
    directRoutingCalls: [directRoutingRow('d1', T0), directRoutingRow('d2', T0 + 1, false)],
    sms: [smsRow('s1', T0 + 10)],
    blockedUsers: [blockedRow('b1', T0, 'blocked'), blockedRow('b2', T0 + 3_600_000, 'unblocked')],
  });
  await store.logs.insert(B, { pstnCalls: [pstnRow('b0', { startMs: T0 })] });
});

after(async () => {
  await store?.close();
});

test('rows are counted per tenant and log; an insert with a known key replaces the row', async () => {
  assert.equal(await store.logs.count(A, 'pstnCalls'), 50);
  assert.equal(await store.logs.count(A, 'directRoutingCalls'), 2);
  assert.equal(await store.logs.count(A, 'sms'), 1);
  assert.equal(await store.logs.count(A, 'blockedUsers'), 2);
  assert.equal(await store.logs.count(B, 'pstnCalls'), 1);
  const replaced = { ...smsRow('s1', T0 + 10), smsUnits: 3 };
  await store.logs.insert(A, { sms: [replaced] });
  assert.equal(await store.logs.count(A, 'sms'), 1);
  const [row] = await store.logs.list(A, 'sms', { fromMs: T0, toMs: T0 + 1000, limit: 10 });
  assert.equal((JSON.parse(row!.body) as { smsUnits: number }).smsUnits, 3);
});

test('keyset pages walk [from, to) in (time, id) order without gaps or duplicates', async () => {
  const all = await store.logs.list(A, 'pstnCalls', { fromMs: T0, toMs: T0 + 3_600_000, limit: 1000 });
  assert.equal(all.length, 50);
  const sorted = [...all].sort((x, y) => x.timeMs - y.timeMs || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  assert.deepEqual(
    all.map((r) => r.id),
    sorted.map((r) => r.id),
  );
  const seen: string[] = [];
  let after: LogKey | undefined;
  for (;;) {
    const page = await store.logs.list(A, 'pstnCalls', {
      fromMs: T0,
      toMs: T0 + 3_600_000,
      limit: 7,
      ...(after ? { after } : {}),
    });
    seen.push(...page.map((r) => r.id));
    if (page.length < 7) break;
    after = page[page.length - 1]!;
  }
  assert.deepEqual(
    seen,
    sorted.map((r) => r.id),
  );
  // From inclusive, to exclusive.
  const window = await store.logs.list(A, 'pstnCalls', {
    fromMs: T0 + 60_000,
    toMs: T0 + 180_000,
    limit: 100,
  });
  assert.equal(window.length, 10);
  assert.ok(window.every((r) => r.timeMs >= T0 + 60_000 && r.timeMs < T0 + 180_000));
  // Tenants never see each other's rows.
  const b = await store.logs.list(B, 'pstnCalls', { fromMs: T0, toMs: T0 + 1, limit: 100 });
  assert.deepEqual(
    b.map((r) => r.id),
    [pstnRow('b0', { startMs: T0 }).id],
  );
});

test('the stored body is the beta-shape JSON with currency amounts written with their scale', async () => {
  const [row] = await store.logs.list(A, 'pstnCalls', { fromMs: T0, toMs: T0 + 1, limit: 1 });
  assert.match(row!.body, /"charge":0\.00,/);
  assert.match(row!.body, /"clientLocalIpV4Address":"10\.0\.0\.5"/);
  assert.ok(row!.body.startsWith('{"id":'));
});

test('the dial-out aggregate groups per user, location, context and currency with exact sums, in pages', async () => {
  const C = 'cccccccc-0000-4000-8000-000000000003';
  const rows = [];
  // 3 users x 2 contexts x 2 currencies, 3 calls each with charges that do not add up exactly in binary floats.
  for (const user of ['ann', 'bob', 'cid'])
    for (const context of ['Domestic', 'International'])
      for (const currency of ['EUR', 'USD'])
        for (let k = 0; k < 3; k++)
          rows.push(
            pstnRow(`${user}-${context}-${currency}-${k}`, {
              startMs: T0 + k * 1000,
              callType: 'conf_out',
              user,
              usage: 'NL',
              context,
              currency,
              durationS: 100 + k,
              charge: 0.1,
              connectionCharge: 0.2,
            }),
          );
  rows.push(pstnRow('not-dialout', { startMs: T0, callType: 'conf_in', user: 'ann', context: null }));
  rows.push(
    pstnRow('outside', { startMs: T0 + 86_400_000, callType: 'conf_out', user: 'ann', context: 'Domestic' }),
  );
  await store.logs.insert(C, { pstnCalls: rows });
  const q = { fromMs: T0, toMs: T0 + 3_600_000, callTypes: ['conf_out'] };
  const groups = await store.logs.dialout(C, { ...q, limit: 100 });
  assert.equal(groups.length, 12);
  for (const g of groups) {
    assert.equal(g.totalCalls, 3);
    assert.equal(g.totalSeconds, 303);
    assert.equal(g.totalChargeMicros, 900_000);
    assert.equal(g.usageLocation, 'NL');
    assert.equal(g.userPrincipalName, `${g.userPrincipalName!.split('@')[0]!}@contoso.com`);
  }
  const paged = [];
  let afterKey: (typeof groups)[number] | undefined;
  for (;;) {
    const page = await store.logs.dialout(C, { ...q, limit: 5, ...(afterKey ? { after: afterKey } : {}) });
    paged.push(...page);
    if (page.length < 5) break;
    afterKey = page[page.length - 1];
  }
  assert.deepEqual(paged, groups);
  assert.deepEqual(await store.logs.dialout(C, { ...q, callTypes: [], limit: 10 }), []);
});

test('deleteTenant removes every log row of the tenant only', async () => {
  const D = 'dddddddd-0000-4000-8000-000000000004';
  await store.logs.insert(D, { pstnCalls: [pstnRow('d', { startMs: T0 })], sms: [smsRow('d', T0)] });
  await store.logs.deleteTenant(D);
  assert.equal(await store.logs.count(D, 'pstnCalls'), 0);
  assert.equal(await store.logs.count(D, 'sms'), 0);
  assert.equal(await store.logs.count(A, 'pstnCalls'), 50);
});

test('rows without a key or time are refused', async () => {
  await assert.rejects(store.logs.insert(A, { pstnCalls: [{ ...pstnRow('x', { startMs: T0 }), id: null }] }));
  await assert.rejects(
    store.logs.insert(A, { blockedUsers: [{ ...blockedRow('x', T0, 'blocked'), blockDateTime: null }] }),
  );
});
