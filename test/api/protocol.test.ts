// Protocol details every response shares: Content-Type, request-id / client-request-id, OData-Version, and the
// Prefer preferences omit-values=nulls and include-unknown-enum-members (echoed in Preference-Applied).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { TEST_NOW, startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { makeRecord } from './fixtures.js';
import {
  GUID,
  JSON_CONTENT_TYPE,
  RECORDS,
  T,
  VERSIONS,
  call,
  collect,
  findRecord,
  getOk,
  nullPaths,
} from './helpers.js';
import type { Json } from './helpers.js';

let server: TestServer;
let groupCall: { id: string; sessions: number; participants: number };
/** A hand-made record whose callers use an Azure Communication Services client (an opt-in enum member). */
const acs = makeRecord('acs-client', {
  startMs: TEST_NOW - 86_400_000,
  participants: 3,
  sessions: 2,
  productFamily: 'azureCommunicationServices',
});

before(async () => {
  server = await startTestServer({ demoUsers: 40, demoDays: 30 });
  assert.deepEqual(await server.store.upsertCallRecords(DEMO_TENANT_ID, [acs]), ['created']);
  groupCall = await findRecord(server, { minSessions: 2, minParticipants: 3, maxSessions: 60 });
});

after(async () => {
  await server?.close();
});

/** `value` without null-valued object properties, at every depth (array items are kept). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) if (v !== null) out[k] = withoutNulls(v);
    return out;
  }
  return value;
}

function preferences(headers: Headers): string[] {
  return (headers.get('preference-applied') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

for (const version of VERSIONS) {
  describe(`${version} protocol`, () => {
    const paths = () => [
      { template: T.records, path: RECORDS },
      { template: T.record, path: `${RECORDS}/${groupCall.id}` },
      { template: T.record, path: `${RECORDS}/${groupCall.id}?$expand=sessions($expand=segments)` },
      { template: T.record, path: `${RECORDS}/${groupCall.id}?$expand=participants_v2` },
      { template: T.sessions, path: `${RECORDS}/${groupCall.id}/sessions?$expand=segments` },
      { template: T.participants, path: `${RECORDS}/${groupCall.id}/participants_v2` },
      { template: T.organizer, path: `${RECORDS}/${groupCall.id}/organizer_v2` },
    ];

    test('200 JSON: exact Graph Content-Type, OData-Version 4.0, request ids', async () => {
      for (const { template, path } of paths()) {
        const { headers } = await getOk(server, version, template, path);
        assert.equal(headers.get('content-type'), JSON_CONTENT_TYPE, path);
        assert.equal(headers.get('odata-version'), '4.0', path);
        assert.match(headers.get('request-id') ?? '', GUID, path);
        assert.equal(headers.get('client-request-id'), headers.get('request-id'), path);
      }
      const count = await call(server, `/${version}${RECORDS}/$count`);
      assert.equal(count.status, 200);
      assert.match(count.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(count.headers.get('request-id') ?? '', GUID);
    });

    test('errors: plain application/json Content-Type', async () => {
      const cases: [string, string, number][] = [
        ['GET', `${RECORDS}?$filter=type eq 'groupCall'`, 400],
        ['GET', `${RECORDS}/00000000-0000-4000-8000-000000000000`, 404],
        ['GET', `${RECORDS}/${groupCall.id}/nope`, 400],
        ['DELETE', `${RECORDS}/${groupCall.id}`, 405],
      ];
      for (const [method, path, status] of cases) {
        const r = await call(server, `/${version}${path}`, { method });
        assert.equal(r.status, status, `${method} ${path}`);
        assert.equal(r.headers.get('content-type'), 'application/json', `${method} ${path}`);
      }
    });

    test('request-id on every response, unique; client-request-id echoed or equal to request-id', async () => {
      const seen = new Set<string>();
      const cases: [string, string][] = [
        ['GET', RECORDS],
        ['GET', `${RECORDS}/$count`],
        ['GET', `${RECORDS}?$top=abc`],
        ['GET', `${RECORDS}/00000000-0000-4000-8000-000000000000`],
        ['POST', RECORDS],
      ];
      for (const [method, path] of cases) {
        const r = await call(server, `/${version}${path}`, { method });
        const requestId = r.headers.get('request-id') ?? '';
        assert.match(requestId, GUID, `${method} ${path}`);
        assert.ok(!seen.has(requestId), 'request ids are unique');
        seen.add(requestId);
        assert.equal(r.headers.get('client-request-id'), requestId, `${method} ${path}`);
        if (r.status >= 400) {
          const inner = (r.json?.error as Json).innerError as Json;
          assert.equal(inner['request-id'], requestId);
          assert.equal(inner['client-request-id'], requestId);
        }
        const clientId = `c0ffee00-0000-4000-8000-${String(seen.size).padStart(12, '0')}`;
        const echoed = await call(server, `/${version}${path}`, {
          method,
          headers: { 'client-request-id': clientId },
        });
        assert.equal(echoed.headers.get('client-request-id'), clientId, `${method} ${path}`);
        const own = echoed.headers.get('request-id') ?? '';
        assert.match(own, GUID);
        assert.notEqual(own, clientId, 'request-id is the server’s own id');
        if (echoed.status >= 400) {
          const inner = (echoed.json?.error as Json).innerError as Json;
          assert.equal(inner['client-request-id'], clientId);
          assert.equal(inner['request-id'], own);
        }
      }
    });

    test('Prefer: omit-values=nulls removes nulls at every depth and is echoed', async () => {
      for (const { template, path } of paths()) {
        const plain = await getOk(server, version, template, path);
        assert.ok(nullPaths(plain.body).length > 0, `${path}: the dataset should have nulls to omit`);
        assert.ok(!preferences(plain.headers).includes('omit-values=nulls'));
        const omitted = await getOk(server, version, template, path, { Prefer: 'omit-values=nulls' });
        assert.deepEqual(nullPaths(omitted.body), [], path);
        assert.ok(preferences(omitted.headers).includes('omit-values=nulls'), path);
        // Nothing else changes (the page boundaries and every non-null value are the same).
        assert.deepEqual(omitted.body, withoutNulls(plain.body), path);
      }
    });

    test('Prefer: include-unknown-enum-members reveals azureCommunicationServices', async () => {
      const id = acs.id;
      const sid = acs.sessions[0]!.id;
      const targets = [
        { template: T.sessions, path: `${RECORDS}/${id}/sessions` },
        { template: T.sessions, path: `${RECORDS}/${id}/sessions?$expand=segments` },
        { template: T.session, path: `${RECORDS}/${id}/sessions/${sid}` },
        { template: T.segments, path: `${RECORDS}/${id}/sessions/${sid}/segments` },
        { template: T.record, path: `${RECORDS}/${id}?$expand=sessions($expand=segments)` },
      ];
      for (const { template, path } of targets) {
        const plain = await getOk(server, version, template, path);
        const families = collect(plain.body, 'productFamily');
        assert.ok(families.includes('unknownFutureValue'), `${path}: ${JSON.stringify(families)}`);
        assert.ok(!families.includes('azureCommunicationServices'), path);
        assert.ok(!preferences(plain.headers).includes('include-unknown-enum-members'));
        const opted = await getOk(server, version, template, path, {
          Prefer: 'include-unknown-enum-members',
        });
        const revealed = collect(opted.body, 'productFamily');
        assert.ok(revealed.includes('azureCommunicationServices'), `${path}: ${JSON.stringify(revealed)}`);
        assert.ok(!revealed.includes('unknownFutureValue'), path);
        assert.ok(preferences(opted.headers).includes('include-unknown-enum-members'), path);
        // Only that member changes.
        assert.equal(families.length, revealed.length);
      }
      // Both preferences at once, in one header or in two.
      const path = `${RECORDS}/${id}/sessions?$expand=segments`;
      for (const headers of [{ Prefer: 'include-unknown-enum-members, omit-values=nulls' }]) {
        const r = await getOk(server, version, T.sessions, path, headers);
        assert.ok(collect(r.body, 'productFamily').includes('azureCommunicationServices'));
        assert.deepEqual(nullPaths(r.body), []);
        assert.deepEqual(preferences(r.headers).sort(), [
          'include-unknown-enum-members',
          'omit-values=nulls',
        ]);
      }
      const res = await fetch(`${server.url}/${version}${path}`, {
        headers: [
          ['Prefer', 'include-unknown-enum-members'],
          ['Prefer', 'omit-values=nulls'],
          ['Authorization', `Bearer ${server.token}`],
        ],
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as Json;
      assert.ok(collect(body, 'productFamily').includes('azureCommunicationServices'));
      assert.deepEqual(nullPaths(body), []);
    });

    test('unknown preferences are ignored', async () => {
      const { headers, body } = await getOk(server, version, T.records, RECORDS, {
        Prefer: 'respond-async, wait=10, odata.track-changes',
      });
      assert.equal(headers.get('preference-applied'), null);
      assert.equal((body.value as Json[]).length, 60);
    });
  });
}
