// Paging of the log functions over hand-made rows: 1,000-row pages continued with `$skip` (backed by a signed
// keyset `$skiptoken`), `@odata.count` per page, stable (time, id) order without duplicates, Prefer
// odata.maxpagesize, range edges (from inclusive, to exclusive; dates, offsets, fractions) and tampered links.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { assertNoDuplicates, call, expectError, getOk, VERSIONS, type Json } from './helpers.js';
import { fnPath, template, walkFunction } from './functions-helpers.js';
import { blockedRow, directRoutingRow, pstnRow, smsRow } from './log-fixtures.js';

const D = Date.UTC(2026, 4, 4); // 2026-05-04T00:00:00Z
const DAY = 86_400_000;
const PSTN = 2345;
let server: TestServer;

before(async () => {
  server = await startTestServer();
  // Three rows share each start time, so ties are ordered by id; edge rows sit just outside the day.
  const pstnCalls = Array.from({ length: PSTN }, (_, i) =>
    pstnRow(`p${i}`, { startMs: D + Math.floor(i / 3) * 10_000 }),
  );
  pstnCalls.push(pstnRow('before', { startMs: D - 1 }), pstnRow('at-end', { startMs: D + DAY }));
  // 1,200 dial-out groups (one conf_out call per user) for the report's paging.
  for (let u = 0; u < 1200; u++) {
    pstnCalls.push(
      pstnRow(`dial-${u}`, {
        startMs: D + DAY / 2 + u,
        callType: 'conf_out',
        user: `user${String(u).padStart(4, '0')}`,
        context: 'International',
        charge: 1.25,
      }),
    );
  }
  await server.store.logs.insert(DEMO_TENANT_ID, {
    pstnCalls,
    directRoutingCalls: Array.from({ length: 30 }, (_, i) =>
      directRoutingRow(`d${i}`, D + i * 1000, i % 4 !== 0),
    ),
    sms: Array.from({ length: 25 }, (_, i) => smsRow(`s${i}`, D + i * 1000)),
    blockedUsers: Array.from({ length: 12 }, (_, i) =>
      blockedRow(`b${i}`, D + i * 3_600_000, i % 2 ? 'unblocked' : 'blocked'),
    ),
  });
});

after(async () => {
  await server?.close();
});

const DAY_RANGE = fnPath('getPstnCalls', '2026-05-04', '2026-05-05');
const startOf = (r: Json) => Date.parse(r.startDateTime as string);

for (const version of VERSIONS) {
  describe(`${version} log function paging`, () => {
    test('1,000-row pages to the end: $skip links, per-page counts, stable order, no duplicates', async () => {
      const w = await walkFunction(server, version, 'getPstnCalls', DAY_RANGE);
      const sizes = w.pages.map((p) => (p.value as Json[]).length);
      // The day holds the 2,345 rows plus the 1,200 dial-outs; the row at D - 1 and the one at D + 1 day are out.
      assert.deepEqual(sizes, [1000, 1000, 1000, 545]);
      assert.equal(w.rows.length, PSTN + 1200);
      assertNoDuplicates(
        w.rows.map((r) => r.id as string),
        'pstn walk',
      );
      for (let i = 1; i < w.rows.length; i++) {
        const a = w.rows[i - 1]!;
        const b = w.rows[i]!;
        assert.ok(startOf(a) < startOf(b) || (startOf(a) === startOf(b) && String(a.id) < String(b.id)));
      }
      const links = w.pages.slice(0, -1).map((p) => new URL(p['@odata.nextLink'] as string));
      assert.deepEqual(
        links.map((u) => u.searchParams.get('$skip')),
        ['1000', '2000', '3000'],
      );
      // The link repeats the function call as requested.
      assert.match(
        decodeURIComponent(links[0]!.pathname),
        /getPstnCalls\(fromDateTime=2026-05-04,toDateTime=2026-05-05\)$/,
      );
    });

    test('Prefer odata.maxpagesize sets the page size up to 1,000 and is echoed as applied', async () => {
      const w = await walkFunction(
        server,
        version,
        'getDirectRoutingCalls',
        fnPath('getDirectRoutingCalls', '2026-05-04', '2026-05-05'),
        {
          prefer: 'odata.maxpagesize=7',
        },
      );
      assert.deepEqual(
        w.pages.map((p) => (p.value as Json[]).length),
        [7, 7, 7, 7, 2],
      );
      for (const h of w.headers) assert.equal(h.get('preference-applied'), 'odata.maxpagesize=7');
      const big = await getOk(server, version, template('getPstnCalls'), DAY_RANGE, {
        prefer: 'odata.maxpagesize=5000',
      });
      assert.equal((big.body.value as Json[]).length, 1000);
      assert.equal(big.headers.get('preference-applied'), 'odata.maxpagesize=1000');
      const none = await getOk(server, version, template('getPstnCalls'), DAY_RANGE);
      assert.equal(none.headers.get('preference-applied'), null);
    });

    test('from is inclusive and to exclusive; dates, date-times, offsets and fractions name instants', async () => {
      const count = async (from: string, to: string) =>
        (await walkFunction(server, version, 'getPstnCalls', fnPath('getPstnCalls', from, to))).rows.length;
      const all = PSTN + 1200;
      assert.equal(await count('2026-05-04', '2026-05-05'), all);
      assert.equal(await count('2026-05-04T00:00:00Z', '2026-05-05T00:00:00Z'), all);
      assert.equal(await count('2026-05-04T02:00:00%2B02:00', '2026-05-04T20:00:00-04:00'), all);
      assert.equal(await count('2026-05-03T23:59:59.999Z', '2026-05-05'), all + 1);
      assert.equal(await count('2026-05-04', '2026-05-05T00:00:00.0010000Z'), all + 1);
      // The first start time (three rows) is excluded by a from one millisecond later.
      assert.equal(await count('2026-05-04T00:00:00.001Z', '2026-05-05'), all - 3);
      // A 10 s window starting at the second start time holds exactly its three rows.
      assert.equal(await count('2026-05-04T00:00:10Z', '2026-05-04T00:00:20Z'), 3);
      assert.equal(await count('2026-05-04T00:00:10Z', '2026-05-04T00:00:10.001Z'), 3);
      assert.equal(await count('2026-06-01', '2026-06-02'), 0);
    });

    // Both logs are beta's only (v1.0 answers as for an unknown segment: functions-errors.test.ts).
    if (version === 'beta') {
      test('the blocked-users log and SMS log range over block and sent times', async () => {
        const blocked = await walkFunction(
          server,
          'beta',
          'getPstnBlockedUsersLog',
          fnPath('getPstnBlockedUsersLog', '2026-05-04T01:00:00Z', '2026-05-04T05:00:00Z'),
        );
        assert.deepEqual(
          blocked.rows.map((r) => [r.blockDateTime, r.userBlockMode]),
          [
            ['2026-05-04T01:00:00.000Z', 'unblocked'],
            ['2026-05-04T02:00:00.000Z', 'blocked'],
            ['2026-05-04T03:00:00.000Z', 'unblocked'],
            ['2026-05-04T04:00:00.000Z', 'blocked'],
          ],
        );
        const sms = await walkFunction(
          server,
          'beta',
          'getSmsLog',
          fnPath('getSmsLog', '2026-05-04', '2026-05-04T00:00:05Z'),
          {
            prefer: 'odata.maxpagesize=2',
          },
        );
        assert.deepEqual(
          sms.pages.map((p) => (p.value as Json[]).length),
          [2, 2, 1],
        );
      });
    }
  });
}

test('the dial-out report pages over its groups with $skip links', async () => {
  const w = await walkFunction(
    server,
    'beta',
    'getPstnOnlineMeetingDialoutReport',
    fnPath('getPstnOnlineMeetingDialoutReport', '2026-05-04', '2026-05-05'),
  );
  assert.deepEqual(
    w.pages.map((p) => (p.value as Json[]).length),
    [1000, 200],
  );
  assertNoDuplicates(
    w.rows.map((r) => r.userId as string),
    'dial-out walk',
  );
  for (const r of w.rows) {
    assert.equal(r.totalCalls, 1);
    assert.equal(r.totalCallCharge, 1.25);
    assert.equal(r.destinationContext, 'International');
  }
});

describe('tampered and foreign continuation links are 400, never 500', () => {
  let link: URL;
  before(async () => {
    const { body } = await getOk(server, 'v1.0', template('getPstnCalls'), DAY_RANGE);
    link = new URL(body['@odata.nextLink'] as string);
  });
  const skipError = { status: 400, code: 'BadRequest' };
  const withParams = (u: URL, set: Record<string, string | null>, path = u.pathname) => {
    const copy = new URL(u.href);
    copy.pathname = path;
    for (const [k, v] of Object.entries(set)) {
      if (v === null) copy.searchParams.delete(k);
      else copy.searchParams.set(k, v);
    }
    return copy.href;
  };

  test('the link as issued works', async () => {
    const r = await call(server, link.href);
    assert.equal(r.status, 200);
  });

  test('a changed $skip, a changed token or a token without its $skip', async () => {
    await expectError(server, 'v1.0', withParams(link, { $skip: '999' }), skipError);
    await expectError(server, 'v1.0', withParams(link, { $skip: null }), skipError);
    const token = link.searchParams.get('$skiptoken')!;
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    await expectError(server, 'v1.0', withParams(link, { $skiptoken: flipped }), skipError);
    await expectError(server, 'v1.0', withParams(link, { $skiptoken: 'garbage' }), skipError);
    await expectError(server, 'v1.0', withParams(link, { $skip: 'abc' }), skipError);
  });

  test('$skip other than 0 without a token: only links issued by the server are accepted', async () => {
    await expectError(server, 'v1.0', `${DAY_RANGE}?$skip=1000`, {
      ...skipError,
      message: "The value of '$skip' is valid only in an @odata.nextLink issued by this server.",
    });
    const first = await getOk(server, 'v1.0', template('getPstnCalls'), `${DAY_RANGE}?$skip=0`);
    assert.equal((first.body.value as Json[]).length, 1000);
  });

  test('a token replayed against another function or another range', async () => {
    const otherFunction = link.pathname.replace('getPstnCalls', 'getDirectRoutingCalls');
    await expectError(server, 'v1.0', withParams(link, {}, otherFunction), skipError);
    const otherRange = link.pathname.replace('2026-05-05', '2026-05-06');
    await expectError(server, 'v1.0', withParams(link, {}, otherRange), skipError);
    // The same range written differently is the same query.
    const sameRange = link.pathname.replace('2026-05-05', '2026-05-05T00:00:00Z');
    assert.equal((await call(server, withParams(link, {}, sameRange))).status, 200);
  });

  test('$filter is accepted and ignored, other query options are rejected', async () => {
    const plain = await getOk(server, 'v1.0', template('getPstnCalls'), DAY_RANGE);
    const filtered = await getOk(
      server,
      'v1.0',
      template('getPstnCalls'),
      `${DAY_RANGE}?$filter=userId eq 'x'`,
    );
    assert.deepEqual(filtered.body.value, plain.body.value);
    for (const option of ['$top=5', '$select=id', '$orderby=id', '$count=true', '$search=x', '$expand=x']) {
      await expectError(server, 'v1.0', `${DAY_RANGE}?${option}`, {
        status: 400,
        code: 'BadRequest',
        message: new RegExp(`'\\${option.split('=')[0]!}' is not supported on the getPstnCalls function`),
      });
    }
  });
});
