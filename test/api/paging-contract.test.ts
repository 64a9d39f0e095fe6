// The paging contract, run alike on every paged route of both versions: the default page is the route's maximum,
// $top (where the route takes it) and Prefer odata.maxpagesize lower it (echoed in Preference-Applied) and are
// clamped to the maximum, nextLinks continue to the end with no duplicate or gap and the last page has none,
// @odata.context names the collection, and a tampered or foreign $skiptoken is Graph's 400.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { startTestServer, TEST_NOW, type TestServer } from '../helpers/server.js';
import type { GraphVersion } from '../helpers/openapi.js';
import { makeRecord } from './fixtures.js';
import {
  fnPath,
  template as fnTemplate,
  ROW_TYPE,
  versionsOf,
  type FunctionName,
} from './functions-helpers.js';
import {
  assertNoDuplicates,
  call,
  expectError,
  getOk,
  RECORDS,
  T,
  VERSIONS,
  walk,
  type Json,
} from './helpers.js';
import { blockedRow, directRoutingRow, pstnRow, smsRow } from './log-fixtures.js';

const MINUTE = 60_000;
const D = Date.UTC(2026, 4, 4);
const LOG_ROWS = 1001;
const INVALID_TOKEN = {
  status: 400,
  code: 'BadRequest',
  message: 'The $skiptoken is invalid or does not belong to this request.',
};

let server: TestServer;
// The record whose sessions and participants are paged: one more of each than a page holds.
const big = makeRecord('paging-big', { startMs: TEST_NOW - 2 * 86_400_000, sessions: 61, participants: 131 });
const records = [
  big,
  ...Array.from({ length: 61 }, (_, i) =>
    makeRecord(`paging-${i}`, { startMs: TEST_NOW - 86_400_000 + i * MINUTE }),
  ),
];
const pstn = Array.from({ length: LOG_ROWS }, (_, i) => pstnRow(`p${i}`, { startMs: D + i * 1000 }));
// One conf_out call per user: as many dial-out report groups as users.
const dialout = Array.from({ length: LOG_ROWS }, (_, u) =>
  pstnRow(`dial-${u}`, {
    startMs: D + 3_600_000 + u,
    callType: 'conf_out',
    user: `u${u}`,
    context: 'International',
  }),
);
const directRouting = Array.from({ length: LOG_ROWS }, (_, i) => directRoutingRow(`d${i}`, D + i * 1000));
const sms = Array.from({ length: LOG_ROWS }, (_, i) => smsRow(`s${i}`, D + i * 1000));
const blocked = Array.from({ length: LOG_ROWS }, (_, i) => blockedRow(`b${i}`, D + i * 1000, 'blocked'));

before(async () => {
  server = await startTestServer();
  await server.store.upsertCallRecords(DEMO_TENANT_ID, records);
  await server.store.logs.insert(DEMO_TENANT_ID, {
    pstnCalls: [...pstn, ...dialout],
    directRoutingCalls: directRouting,
    sms,
    blockedUsers: blocked,
  });
});

after(async () => {
  await server?.close();
});

interface PagedRoute {
  name: string;
  versions: readonly GraphVersion[];
  /** Below the version, without query options. */
  path: string;
  /** Options every request of the route carries (e.g. $expand=segments). */
  options?: string;
  template: string;
  /** The @odata.context after `{url}/{version}/$metadata#`. */
  context: string;
  /** The route's largest page. */
  max: number;
  /** The page size the walks use (about a third of the collection). */
  small: number;
  /** Whether the route takes $top (the log functions do not). */
  top: boolean;
  /** The item's key, and every key the collection holds. */
  key: (item: Json) => string;
  keys: readonly string[];
}

const recordPath = `${RECORDS}('${big.id}')`;
const ID = (i: Json) => i.id as string;

const logRoute = (f: FunctionName, keyName: string, rows: readonly Json[]): PagedRoute => ({
  name: f,
  versions: versionsOf(f),
  path: fnPath(f, '2026-05-04', '2026-05-05'),
  template: fnTemplate(f),
  context: `Collection(microsoft.graph.callRecords.${ROW_TYPE[f]})`,
  max: 1000,
  small: Math.ceil(rows.length / 3),
  top: false,
  key: (i) => i[keyName] as string,
  keys: rows.map((r) => r[keyName] as string),
});

const ROUTES: PagedRoute[] = [
  {
    name: 'callRecords',
    versions: VERSIONS,
    path: RECORDS,
    template: T.records,
    context: 'communications/callRecords',
    max: 60,
    small: 25,
    top: true,
    key: ID,
    keys: records.map((r) => r.id),
  },
  {
    name: 'sessions',
    versions: VERSIONS,
    path: `${recordPath}/sessions`,
    template: T.sessions,
    context: `${recordPath.slice(1)}/sessions`,
    max: 60,
    small: 25,
    top: true,
    key: ID,
    keys: big.sessions.map((s) => s.id),
  },
  {
    name: 'sessions with segments',
    versions: VERSIONS,
    path: `${recordPath}/sessions`,
    options: '$expand=segments',
    template: T.sessions,
    context: `${recordPath.slice(1)}/sessions`,
    max: 60,
    small: 25,
    top: true,
    key: ID,
    keys: big.sessions.map((s) => s.id),
  },
  {
    name: 'participants_v2',
    versions: VERSIONS,
    path: `${recordPath}/participants_v2`,
    template: T.participants,
    context: `${recordPath.slice(1)}/participants_v2`,
    max: 130,
    small: 50,
    top: true,
    key: ID,
    keys: big.participants_v2.map((p) => p.id),
  },
  logRoute('getPstnCalls', 'id', [...pstn, ...dialout] as unknown as Json[]),
  logRoute('getDirectRoutingCalls', 'id', directRouting as unknown as Json[]),
  logRoute('getSmsLog', 'smsId', sms as unknown as Json[]),
  logRoute('getPstnBlockedUsersLog', 'remediationId', blocked as unknown as Json[]),
  logRoute('getPstnOnlineMeetingDialoutReport', 'userId', dialout as unknown as Json[]),
];

const url = (r: PagedRoute, ...options: string[]) => {
  const all = [r.options, ...options].filter((o) => o !== undefined);
  return all.length > 0 ? `${r.path}?${all.join('&')}` : r.path;
};

/** The first page's nextLink of `r`, with its query below the version. */
async function firstLink(r: PagedRoute, version: GraphVersion): Promise<URL> {
  const { body } = await getOk(server, version, r.template, url(r));
  return new URL(body['@odata.nextLink'] as string);
}

for (const r of ROUTES) {
  for (const version of r.versions) {
    void describe(`${version} ${r.name} paging`, () => {
      const meta = () => `${server.url}/${version}/$metadata#`;

      void test('the default page is the maximum, with the context and a nextLink', async () => {
        const { body, headers } = await getOk(server, version, r.template, url(r));
        assert.equal(body['@odata.context'], meta() + r.context);
        assert.equal((body.value as Json[]).length, r.max);
        assert.equal(typeof body['@odata.nextLink'], 'string');
        assert.equal(headers.get('preference-applied'), null);
      });

      void test('walking smaller pages reaches the end with no duplicate or gap; the last page has no nextLink', async () => {
        const w = await walk(server, version, r.template, r.top ? url(r, `$top=${r.small}`) : url(r), {
          pageSize: r.small,
          collectionPath: r.path,
          ...(r.top ? {} : { headers: { prefer: `odata.maxpagesize=${r.small}` } }),
        });
        const keys = w.items.map(r.key);
        assertNoDuplicates(keys, r.name);
        assert.deepEqual([...keys].sort(), [...r.keys].sort());
        assert.equal(w.pages.at(-1)!['@odata.nextLink'], undefined);
        for (const page of w.pages) assert.equal(page['@odata.context'], meta() + r.context);
        if (r.top) {
          for (const page of w.pages.slice(0, -1)) {
            assert.equal(
              new URL(page['@odata.nextLink'] as string).searchParams.get('$top'),
              String(r.small),
            );
          }
        }
      });

      void test('odata.maxpagesize sets the page size, is clamped to the maximum and is echoed', async () => {
        const w = await walk(server, version, r.template, url(r), {
          pageSize: r.small,
          collectionPath: r.path,
          headers: { prefer: `odata.maxpagesize=${r.small}` },
        });
        assert.deepEqual([...w.items.map(r.key)].sort(), [...r.keys].sort());
        for (const h of w.headers) assert.equal(h.get('preference-applied'), `odata.maxpagesize=${r.small}`);
        const { body, headers } = await getOk(server, version, r.template, url(r), {
          prefer: 'odata.maxpagesize=100000',
        });
        assert.equal((body.value as Json[]).length, r.max);
        assert.equal(headers.get('preference-applied'), `odata.maxpagesize=${r.max}`);
      });

      if (r.top) {
        void test('$top above the maximum is clamped; $top=0 is a 400', async () => {
          const { body } = await getOk(server, version, r.template, url(r, '$top=100000'));
          assert.equal((body.value as Json[]).length, r.max);
          await expectError(server, version, url(r, '$top=0'), {
            status: 400,
            code: 'BadRequest',
            message: `The value of '$top' must be greater than zero.`,
          });
        });
      } else {
        void test('$top is not an option of the route', async () => {
          await expectError(server, version, url(r, '$top=5'), {
            status: 400,
            code: 'BadRequest',
            message: /\$top/,
          });
        });
      }

      void test('a tampered or foreign $skiptoken is a 400', async () => {
        const link = await firstLink(r, version);
        const token = link.searchParams.get('$skiptoken')!;
        // Change the position (the payload before the dot), keeping the signature.
        const tampered = new URL(link);
        tampered.searchParams.set('$skiptoken', (token.startsWith('e') ? 'f' : 'e') + token.slice(1));
        await expectError(server, version, tampered.href, INVALID_TOKEN);
        // A token of another collection, in this route's link.
        const other = ROUTES.find((o) => o !== r && o.versions.includes(version) && o.path !== r.path)!;
        const foreign = new URL(link);
        foreign.searchParams.set(
          '$skiptoken',
          (await firstLink(other, version)).searchParams.get('$skiptoken')!,
        );
        await expectError(server, version, foreign.href, INVALID_TOKEN);
        // The right token with another query.
        const moved = new URL(link);
        moved.searchParams.set('$skiptoken', token);
        if (r.top) moved.searchParams.set('$top', '7');
        else moved.searchParams.set('$skip', '999');
        await expectError(server, version, moved.href, INVALID_TOKEN);
        const ok = await call(server, link.href);
        assert.equal(ok.status, 200, ok.text.slice(0, 300));
      });
    });
  }
}
