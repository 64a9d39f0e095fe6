// Every @odata.context the API writes, in one table: collections and entities, with $select, $expand and the
// annotations of inline navigation properties, on both versions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_TENANT_ID } from '../../src/config/index.js';
import { startTestServer, TEST_NOW, type TestServer } from '../helpers/server.js';
import { makeRecord } from './fixtures.js';
import { call, RECORDS, VERSIONS, type Json } from './helpers.js';

let server: TestServer;
const record = makeRecord('context', { startMs: TEST_NOW - 86_400_000, sessions: 2, participants: 3 });
const id = record.id;
const sid = record.sessions[0]!.id;
const gid = record.sessions[0]!.segments[0]!.id;
const pid = record.participants_v2[0]!.id;
const R = `communications/callRecords('${id}')`;

before(async () => {
  server = await startTestServer();
  await server.store.upsertCallRecords(DEMO_TENANT_ID, [record]);
});

after(async () => {
  await server?.close();
});

/** Request path below the version -> the annotations expected, each after `{url}/{version}/$metadata#`. */
const CASES: [string, Record<string, string>][] = [
  [RECORDS, { '@odata.context': 'communications/callRecords' }],
  [
    `${RECORDS}?$select=id,startDateTime`,
    { '@odata.context': 'communications/callRecords(id,startDateTime)' },
  ],
  [
    `${RECORDS}/${id}`,
    {
      '@odata.context': 'communications/callRecords/$entity',
      'organizer_v2@odata.context': `${R}/organizer_v2/$entity`,
      'participants_v2@odata.context': `${R}/participants_v2/$entity`,
    },
  ],
  [
    `${RECORDS}/${id}?$expand=sessions,participants_v2`,
    {
      '@odata.context': 'communications/callRecords(sessions(),participants_v2())/$entity',
      'organizer_v2@odata.context': `${R}/organizer_v2/$entity`,
      'sessions@odata.context': `${R}/sessions`,
      'participants_v2@odata.context': `${R}/participants_v2`,
    },
  ],
  [
    `${RECORDS}/${id}?$select=id&$expand=sessions($expand=segments)`,
    {
      '@odata.context': 'communications/callRecords(id,sessions(segments()))/$entity',
      'sessions@odata.context': `${R}/sessions(segments())`,
    },
  ],
  [`${RECORDS}/${id}/sessions`, { '@odata.context': `${R}/sessions` }],
  [`${RECORDS}/${id}/sessions?$select=id`, { '@odata.context': `${R}/sessions(id)` }],
  [`${RECORDS}/${id}/sessions/${sid}`, { '@odata.context': `${R}/sessions/$entity` }],
  [
    `${RECORDS}/${id}/sessions/${sid}?$expand=segments`,
    {
      '@odata.context': `${R}/sessions(segments())/$entity`,
      'segments@odata.context': `${R}/sessions('${sid}')/segments`,
    },
  ],
  [`${RECORDS}/${id}/sessions/${sid}/segments`, { '@odata.context': `${R}/sessions('${sid}')/segments` }],
  [
    `${RECORDS}/${id}/sessions/${sid}/segments?$select=id`,
    { '@odata.context': `${R}/sessions('${sid}')/segments(id)` },
  ],
  [
    `${RECORDS}/${id}/sessions/${sid}/segments/${gid}`,
    { '@odata.context': `${R}/sessions('${sid}')/segments/$entity` },
  ],
  [`${RECORDS}/${id}/participants_v2`, { '@odata.context': `${R}/participants_v2` }],
  [`${RECORDS}/${id}/participants_v2?$select=id`, { '@odata.context': `${R}/participants_v2(id)` }],
  [`${RECORDS}/${id}/participants_v2/${pid}`, { '@odata.context': `${R}/participants_v2/$entity` }],
  [`${RECORDS}/${id}/organizer_v2`, { '@odata.context': `${R}/organizer_v2/$entity` }],
  [
    `${RECORDS}/getPstnCalls(fromDateTime=2026-11-01,toDateTime=2026-11-02)`,
    { '@odata.context': 'Collection(microsoft.graph.callRecords.pstnCallLogRow)' },
  ],
  ['/subscriptions', { '@odata.context': 'subscriptions' }],
];

for (const version of VERSIONS) {
  void describe(`${version} @odata.context`, () => {
    for (const [path, expected] of CASES) {
      void test(path, async () => {
        const r = await call(server, `/${version}${path}`);
        assert.equal(r.status, 200, r.text.slice(0, 300));
        const meta = `${server.url}/${version}/$metadata#`;
        const annotations = Object.fromEntries(
          Object.entries(r.json as Json).filter(([k]) => k.endsWith('@odata.context')),
        );
        assert.deepEqual(
          annotations,
          Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, meta + v])),
        );
      });
    }
  });
}
