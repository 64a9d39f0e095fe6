// The demo tenant's telephony logs agree with its call records: Direct Routing correlation ids are call record ids,
// PSTN rows name a record with that phone number, that user and those times, users' numbers are their directory
// numbers, and the dial-out report equals the sum of the conf_out rows of the PSTN log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_TENANT_ID, loadConfig } from '../../src/config/index.js';
import { buildDirectory } from '../../src/generate/index.js';
import { TEST_NOW, startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { getOk, q, RECORDS, T, type Json } from './helpers.js';
import { fnPath, walkFunction } from './functions-helpers.js';

const USERS = 40;
const FROM = new Date(TEST_NOW - 30 * 86_400_000).toISOString();
const TO = new Date(TEST_NOW).toISOString();
let server: TestServer;
let pstn: Json[];
let phones: Map<string, string>;

before(async () => {
  server = await startTestServer({ demoUsers: USERS, demoDays: 30 });
  pstn = (await walkFunction(server, 'beta', 'getPstnCalls', fnPath('getPstnCalls', FROM, TO))).rows;
  const directory = buildDirectory({
    tenantId: DEMO_TENANT_ID,
    seed: loadConfig({}, {}).demoSeed,
    users: USERS,
    days: 30,
    until: new Date(TEST_NOW),
  });
  phones = new Map(directory.map((u) => [u.id, u.phoneNumber]));
});

after(async () => {
  await server?.close();
});

/** Runs `check` over `items`, a few at a time. */
async function each<T>(items: readonly T[], check: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 8) await Promise.all(items.slice(i, i + 8).map(check));
}

const external = (r: Json) =>
  (r.callType as string).endsWith('_in') ? (r.callerNumber as string) : (r.calleeNumber as string);

test('the demo PSTN log has user and conference calls in and out', () => {
  const types = new Set(pstn.map((r) => r.callType));
  for (const t of ['user_in', 'user_out', 'conf_in', 'conf_out']) assert.ok(types.has(t), t);
});

test("users' own PSTN calls: a record with that phone number, that user and the same start and end", async () => {
  const own = pstn.filter((r) => (r.callType as string).startsWith('user_'));
  await each(own, async (r) => {
    const { body } = await getOk(
      server,
      'v1.0',
      T.records,
      `${RECORDS}?$filter=${q(`participants_v2/any(p:p/id eq '${external(r)}')`)}`,
    );
    const record = (body.value as Json[]).find(
      (x) => x.startDateTime === r.startDateTime && x.endDateTime === r.endDateTime,
    );
    assert.ok(record, `a record for PSTN row ${String(r.id)}`);
    const parts = await getOk(
      server,
      'v1.0',
      T.participants,
      `${RECORDS}/${String(record.id)}/participants_v2`,
    );
    assert.ok((parts.body.value as Json[]).some((p) => p.id === r.userId));
    const own = r.callType === 'user_in' ? r.calleeNumber : r.callerNumber;
    assert.equal(own, phones.get(r.userId as string), "the user's number is the directory's");
  });
});

test("conference legs: a session of the organizer's meeting with that phone participant and those times", async () => {
  const conf = pstn.filter((r) => (r.callType as string).startsWith('conf_'));
  assert.ok(conf.length > 0);
  await each(conf, async (r) => {
    const { body } = await getOk(
      server,
      'v1.0',
      T.records,
      `${RECORDS}?$filter=${q(`participants_v2/any(p:p/id eq '${external(r)}')`)}`,
    );
    let found = false;
    for (const record of body.value as Json[]) {
      if ((record.organizer_v2 as Json).id !== r.userId) continue;
      const sessions = await getOk(server, 'v1.0', T.sessions, `${RECORDS}/${String(record.id)}/sessions`);
      found ||= (sessions.body.value as Json[]).some(
        (s) => s.startDateTime === r.startDateTime && s.endDateTime === r.endDateTime,
      );
    }
    assert.ok(found, `a meeting leg for ${String(r.callType)} row ${String(r.id)}`);
  });
});

test('Direct Routing: the correlationId of every completed call is its call record', async () => {
  const rows = (
    await walkFunction(server, 'v1.0', 'getDirectRoutingCalls', fnPath('getDirectRoutingCalls', FROM, TO))
  ).rows;
  const completed = rows.filter((r) => r.successfulCall === true);
  assert.ok(completed.length > 0);
  await each(completed, async (r) => {
    const { body } = await getOk(server, 'v1.0', T.record, `${RECORDS}/${String(r.correlationId)}`);
    assert.equal(body.startDateTime, r.startDateTime);
    assert.equal(body.endDateTime, r.endDateTime);
    const parts = await getOk(
      server,
      'v1.0',
      T.participants,
      `${RECORDS}/${String(r.correlationId)}/participants_v2`,
    );
    const ids = (parts.body.value as Json[]).map((p) => p.id);
    assert.ok(ids.includes(r.userId));
    assert.ok(ids.includes(r.callType === 'ByotIn' ? r.callerNumber : r.calleeNumber));
  });
});

test('the dial-out report equals a manual sum of the conf_out rows', async () => {
  const report = (
    await walkFunction(
      server,
      'beta',
      'getPstnOnlineMeetingDialoutReport',
      fnPath('getPstnOnlineMeetingDialoutReport', FROM, TO),
      { prefer: 'odata.maxpagesize=3' },
    )
  ).rows;
  const sums = new Map<string, { calls: number; seconds: number; cents: number; row: Json }>();
  for (const r of pstn.filter((x) => x.callType === 'conf_out')) {
    const key = [r.userId, r.usageCountryCode, r.destinationContext, r.currency].join('|');
    const s = sums.get(key) ?? { calls: 0, seconds: 0, cents: 0, row: r };
    s.calls++;
    s.seconds += r.duration as number;
    s.cents += Math.round(((r.charge as number) + (r.connectionCharge as number)) * 100);
    sums.set(key, s);
  }
  assert.ok(sums.size > 0, 'the demo tenant has dial-outs');
  assert.equal(report.length, sums.size);
  for (const g of report) {
    const s = sums.get([g.userId, g.usageLocation, g.destinationContext, g.currency].join('|'));
    assert.ok(s, `group ${JSON.stringify(g)}`);
    assert.equal(g.totalCalls, s.calls);
    assert.equal(g.totalCallSeconds, s.seconds);
    assert.equal(Math.round((g.totalCallCharge as number) * 100), s.cents);
    assert.equal(g.userPrincipalName, s.row.userPrincipalName);
    assert.equal(g.userDisplayName, s.row.userDisplayName);
  }
  // Pages are ordered by the group key.
  const keys = report.map((g) =>
    [g.userId, g.usageLocation, g.destinationContext, g.currency].join('\u0000'),
  );
  assert.deepEqual(keys, [...keys].sort());
});
