// The dashboard's rollups stay equal to what the stored records add up to, whatever happens to them: written,
// replaced by a higher version, deleted, purged, written again; telephony rows re-ingested count once; a deleted
// tenant leaves nothing behind.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateCallData, type TelephonyRows } from '../../src/generate/telephony/index.js';
import type { CallRecordDocument } from '../../src/graph/model/index.js';
import { STORED_JSON } from '../../src/graph/shape/stored.js';
import { openStore, type Store } from '../../src/store/index.js';
import { recordRollup } from '../../src/store/rollups.js';
import { QUALITY_COLUMNS } from '../../src/store/dashboard-schema.js';

const TENANT = '0b0b0b0b-1111-4222-8333-444444444444';
const DAY = 86_400_000;
const UNTIL = Date.UTC(2026, 10, 20);
const FROM = UNTIL - 10 * DAY;
let store: Store;
let docs: CallRecordDocument[];
const logs: TelephonyRows = { pstnCalls: [], directRoutingCalls: [], sms: [], blockedUsers: [] };

before(async () => {
  store = await openStore({ db: ':memory:', json: STORED_JSON });
  await store.createTenant({ id: TENANT, displayName: 'rollups', createdMs: 0 });
  docs = [];
  for (const item of generateCallData({
    tenantId: TENANT,
    seed: 5,
    users: 15,
    days: 8,
    until: new Date(UNTIL),
  })) {
    if (item.record) docs.push(item.record);
    logs.pstnCalls.push(...item.logs.pstnCalls);
    logs.directRoutingCalls.push(...item.logs.directRoutingCalls);
    logs.sms.push(...item.logs.sms);
    logs.blockedUsers.push(...item.logs.blockedUsers);
  }
});
after(() => store.close());

/** Every counter of the stored rollups, per day, as one comparable object. */
async function stored(): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const d of await store.dashboard.qualityByDay(TENANT, FROM - DAY, UNTIL + DAY)) {
    const v = QUALITY_COLUMNS.map((c) => d[c]);
    if (v.some((x) => x !== 0)) out[new Date(d.dayMs).toISOString().slice(0, 10)] = v;
  }
  return out;
}

/** The same counters computed from scratch from the records the store holds now. */
async function fromRecords(): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  let after;
  for (;;) {
    const page = await store.documents.page(TENANT, { limit: 200, ...(after ? { after } : {}) });
    for (const doc of page.docs) {
      const r = recordRollup(doc);
      const key = new Date(r.dayMs).toISOString().slice(0, 10);
      const all = r.cells.find(([dim]) => dim === 'all')![2];
      out[key] = (out[key] ?? QUALITY_COLUMNS.map(() => 0)).map((v, i) => v + all[i]!);
    }
    if (!page.next) break;
    after = page.next;
  }
  return out;
}

test('written records: the rollups equal the records added up, and per dimension they sum to the total', async () => {
  await store.upsertCallRecords(TENANT, docs);
  const s = await stored();
  assert.ok(Object.keys(s).length >= 5, 'several days');
  assert.deepEqual(s, await fromRecords());
  const total = (await store.dashboard.qualityBreakdown(TENANT, 'all', FROM - DAY, UNTIL + DAY, 10))[0]!;
  assert.equal(total.calls, docs.length);
  for (const dim of ['networkType', 'platform', 'direction', 'pair']) {
    const rows = await store.dashboard.qualityBreakdown(TENANT, dim, FROM - DAY, UNTIL + DAY, 1000);
    assert.equal(
      rows.reduce((a, r) => a + r.audio_streams, 0),
      total.audio_streams,
      `${dim}: every audio stream in one value`,
    );
    assert.equal(
      rows.reduce((a, r) => a + r.poor, 0),
      total.poor,
    );
  }
});

test('a higher version replaces the stored contribution; a lower one changes nothing', async () => {
  const victim = docs.find((d) =>
    d.sessions.some((s) => s.segments.some((g) => g.media.some((m) => m.label === 'main-audio'))),
  )!;
  const worse = structuredClone(victim);
  worse.version = victim.version + 1;
  for (const s of worse.sessions)
    for (const g of s.segments)
      for (const m of g.media)
        for (const st of m.streams) if (m.label === 'main-audio') st.averageJitter = 'PT0.045S';
  const before = await stored();
  await store.upsertCallRecords(TENANT, [worse]);
  const afterUpdate = await stored();
  assert.notDeepEqual(afterUpdate, before, 'the poor streams changed');
  assert.deepEqual(afterUpdate, await fromRecords());
  const [outcome] = await store.upsertCallRecords(TENANT, [victim]);
  assert.equal(outcome, 'ignored');
  assert.deepEqual(await stored(), afterUpdate);
  const calls = await store.dashboard.searchCalls(TENANT, {
    fromMs: FROM - DAY,
    toMs: UNTIL + DAY,
    quality: 'poor',
    limit: 1000,
  });
  const summary = calls.find((c) => c.id === victim.id);
  assert.ok(summary, 'the replaced record is found by its new quality');
  assert.match(summary.worst, /^jitter 45 ms > 30 ms$/);
});

test('deleted and purged records leave the rollups and the call summaries', async () => {
  await store.documents.delete(TENANT, docs[0]!.id);
  assert.deepEqual(await stored(), await fromRecords());
  const summaries = await store.dashboard.searchCalls(TENANT, {
    fromMs: FROM - DAY,
    toMs: UNTIL + DAY,
    limit: 200,
  });
  assert.ok(!summaries.some((c) => c.id === docs[0]!.id));
  const cutoff = FROM + 4 * DAY;
  while ((await store.documents.purgeOlderThan(TENANT, cutoff, 100)) > 0);
  const s = await stored();
  assert.deepEqual(s, await fromRecords());
  assert.ok(Object.keys(s).every((d) => Date.parse(d) >= cutoff - DAY));
});

test('telephony rows count once, even when re-ingested', async () => {
  const pstnCount = async () =>
    (await store.dashboard.telephony(TENANT, 'pstn.callType', FROM - DAY, UNTIL + DAY, 100)).reduce(
      (a, r) => a + r.calls,
      0,
    );
  await store.logs.insert(TENANT, logs);
  assert.ok(logs.pstnCalls.length > 0 && logs.directRoutingCalls.length > 0);
  assert.equal(await pstnCount(), logs.pstnCalls.length);
  await store.logs.insert(TENANT, logs);
  assert.equal(await pstnCount(), logs.pstnCalls.length);
  const trunks = await store.dashboard.telephony(TENANT, 'dr.trunk', FROM - DAY, UNTIL + DAY, 100);
  assert.equal(
    trunks.reduce((a, r) => a + r.calls, 0),
    logs.directRoutingCalls.length,
  );
  assert.equal(
    trunks.reduce((a, r) => a + r.successes, 0),
    logs.directRoutingCalls.filter((r) => r.successfulCall).length,
  );
});

test('a deleted tenant leaves no rollups', async () => {
  await store.deleteTenant(TENANT);
  assert.deepEqual(await store.dashboard.qualityByDay(TENANT, 0, UNTIL + DAY), []);
  assert.deepEqual(await store.dashboard.telephony(TENANT, 'pstn.country', 0, UNTIL + DAY, 10), []);
  assert.deepEqual(
    await store.dashboard.searchCalls(TENANT, { fromMs: 0, toMs: UNTIL + DAY, limit: 10 }),
    [],
  );
});
