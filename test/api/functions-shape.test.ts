// Every log function on every version it is served on, over the demo tenant: bodies valid for the official
// OpenAPI schema, the exact context strings, per-version row shapes (v1.0 rows carry no beta-only property),
// "not set" timestamps, money written with its scale, declared enum members, and the name spellings Graph accepts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allProperties } from '../../src/graph/model/index.js';
import { TEST_NOW, startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import type { GraphVersion } from '../helpers/openapi.js';
import { call, getOk, nullPaths, RECORDS, type Json } from './helpers.js';
import {
  FUNCTIONS,
  ROW_TYPE,
  TIME_OF,
  fnPath,
  template,
  versionsOf,
  walkFunction,
  type FunctionName,
} from './functions-helpers.js';

const FROM = new Date(TEST_NOW - 30 * 86_400_000).toISOString();
const TO = new Date(TEST_NOW).toISOString();
let server: TestServer;
const walks = new Map<string, { rows: Json[]; texts: string[] }>();

before(async () => {
  server = await startTestServer({ demoUsers: 40, demoDays: 30 });
});

after(async () => {
  await server?.close();
});

/** All rows of the last 30 days (cached per version and function), with the raw text of each page. */
async function rowsOf(version: GraphVersion, f: FunctionName) {
  const key = `${version} ${f}`;
  const cached = walks.get(key);
  if (cached) return cached;
  const w = await walkFunction(server, version, f, fnPath(f, FROM, TO), { prefer: 'odata.maxpagesize=400' });
  // The same pages as text, to see how numbers are written.
  const raw: string[] = [];
  let next: string | undefined = `/${version}${fnPath(f, FROM, TO)}`;
  while (next) {
    const r = await call(server, next, { headers: { prefer: 'odata.maxpagesize=400' } });
    raw.push(r.text);
    next = r.json?.['@odata.nextLink'] as string | undefined;
  }
  const result = { rows: w.rows, texts: raw };
  walks.set(key, result);
  return result;
}

/** The Edm.Decimal (money) properties of each row type. */
const MONEY: Readonly<Record<FunctionName, readonly string[]>> = {
  getPstnCalls: ['charge', 'connectionCharge'],
  getDirectRoutingCalls: [],
  getSmsLog: ['callCharge'],
  getPstnBlockedUsersLog: [],
  getPstnOnlineMeetingDialoutReport: ['totalCallCharge'],
};

for (const f of FUNCTIONS) {
  for (const version of versionsOf(f)) {
    describe(`${version} ${f}`, () => {
      test('valid pages to the end, rows inside the range, exactly the declared properties', async () => {
        const { rows } = await rowsOf(version, f);
        assert.ok(rows.length > 0, 'the demo tenant has rows for every log');
        const declared = allProperties(version, `microsoft.graph.callRecords.${ROW_TYPE[f]}`)
          .map((p) => p.name)
          .sort();
        for (const r of rows) assert.deepEqual(Object.keys(r).sort(), declared);
        const time = TIME_OF[f];
        if (time) {
          for (const r of rows) {
            const t = Date.parse(r[time] as string);
            assert.ok(t >= Date.parse(FROM) && t < Date.parse(TO), `${time} ${String(r[time])} in range`);
          }
        }
      });

      test('money is written with two decimals, as Graph writes Edm.Decimal', async () => {
        const { texts } = await rowsOf(version, f);
        for (const key of MONEY[f]) {
          const amounts = texts.flatMap((t) =>
            [...t.matchAll(new RegExp(`"${key}":([^,}]*)`, 'g'))].map((m) => m[1]!),
          );
          assert.ok(amounts.length > 0, key);
          for (const a of amounts) assert.match(a, /^\d+\.\d{2,}$/, `${key} ${a}`);
        }
      });
    });
  }
}

test('v1.0 PSTN and Direct Routing rows leave out the beta-only properties that beta rows carry', async () => {
  const betaOnly = {
    getPstnCalls: [
      'administrativeUnitInfos',
      'otherPartyCountryCode',
      'clientLocalIpV4Address',
      'clientPublicIpV6Address',
    ],
    getDirectRoutingCalls: [
      'administrativeUnitInfos',
      'otherPartyCountryCode',
      'transferorCorrelationId',
      'userCountryCode',
    ],
  } as const;
  for (const [f, props] of Object.entries(betaOnly) as [FunctionName, readonly string[]][]) {
    const v1 = (await rowsOf('v1.0', f)).rows;
    const beta = (await rowsOf('beta', f)).rows;
    assert.equal(v1.length, beta.length);
    for (const p of props) {
      assert.ok(
        v1.every((r) => !(p in r)),
        `v1.0 ${f} has no ${p}`,
      );
      assert.ok(
        beta.every((r) => p in r),
        `beta ${f} has ${p}`,
      );
    }
    // Otherwise the same rows in the same order.
    assert.deepEqual(
      v1.map((r) => r.id),
      beta.map((r) => r.id),
    );
  }
});

test('Direct Routing rows: not-set times are 0001-01-01T00:00:00Z; completed calls end with BYE', async () => {
  const rows = (await rowsOf('v1.0', 'getDirectRoutingCalls')).rows;
  const ok = rows.filter((r) => r.successfulCall === true);
  const failed = rows.filter((r) => r.successfulCall === false);
  assert.ok(ok.length > 0 && failed.length > 0);
  for (const r of ok) {
    assert.equal(r.failureDateTime, '0001-01-01T00:00:00Z');
    assert.equal(r.finalSipCode, 0);
    assert.equal(r.finalSipCodePhrase, 'BYE');
    assert.ok(Date.parse(r.endDateTime as string) >= Date.parse(r.startDateTime as string));
  }
  for (const r of failed) {
    assert.equal(r.endDateTime, '0001-01-01T00:00:00Z');
    assert.equal(r.duration, 0);
    assert.ok((r.finalSipCode as number) >= 400);
    assert.equal((r.callEndSubReason as number) % 1000, r.finalSipCode);
    assert.ok(Date.parse(r.failureDateTime as string) > Date.parse(r.inviteDateTime as string));
  }
});

test('blocked users carry the declared enum members and documented reasons', async () => {
  const rows = (await rowsOf('beta', 'getPstnBlockedUsersLog')).rows;
  assert.deepEqual([...new Set(rows.map((r) => r.userBlockMode))].sort(), ['blocked', 'unblocked']);
  for (const r of rows) {
    assert.ok(['High Overall Usage', 'Tenant Requested'].includes(r.blockReason as string));
  }
});

test('qualified and differently cased names are the same function; omit-values=nulls drops nulls', async () => {
  const path = fnPath('getPstnCalls', FROM, TO);
  const plain = await getOk(server, 'v1.0', template('getPstnCalls'), path);
  const qualified = await getOk(
    server,
    'v1.0',
    template('getPstnCalls'),
    path.replace('getPstnCalls', 'microsoft.graph.callRecords.getPstnCalls'),
  );
  const cased = await getOk(
    server,
    'v1.0',
    template('getPstnCalls'),
    path.replace('getPstnCalls', 'GETPSTNCALLS'),
  );
  assert.deepEqual(qualified.body, plain.body);
  assert.deepEqual(cased.body, plain.body);
  const slim = await getOk(server, 'beta', template('getPstnCalls'), path, { prefer: 'omit-values=nulls' });
  assert.deepEqual(nullPaths(slim.body.value), []);
  assert.equal(slim.headers.get('preference-applied'), 'omit-values=nulls');
  // A user's own call has no conference id: the null is left out.
  const userCalls = (slim.body.value as Json[]).filter((r) => r.callType === 'user_in');
  assert.ok(userCalls.length > 0 && userCalls.every((r) => !('conferenceId' in r)));
});

test('the nextLink of the demo PSTN log continues on this server', async () => {
  const { body } = await getOk(server, 'v1.0', template('getPstnCalls'), fnPath('getPstnCalls', FROM, TO), {
    prefer: 'odata.maxpagesize=100',
  });
  const link = new URL(body['@odata.nextLink'] as string);
  assert.equal(link.origin, server.url);
  assert.equal(
    decodeURIComponent(link.pathname),
    `/v1.0${RECORDS}/getPstnCalls(fromDateTime=${FROM},toDateTime=${TO})`,
  );
});
