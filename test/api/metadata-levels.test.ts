// odata.metadata=none|minimal|full over HTTP on every route: `none` is the minimal body without its control
// information (nextLinks, nested ones too, and counts kept), `full` adds each entity's control information whose
// ids resolve to the same entity, the Content-Type says which was served, and what Graph refuses is a 406.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TEST_NOW, startTestServer, type TestServer } from '../helpers/server.js';
import { assertValidResponse } from '../helpers/openapi.js';
import { allProperties } from '../../src/graph/model/index.js';
import { assertGraphError, call, findRecord, findTownHall, RECORDS, VERSIONS, type Json } from './helpers.js';

let server: TestServer;
let record: string;
let townHall: string;

before(async () => {
  server = await startTestServer({ demoUsers: 40, demoDays: 30 });
  record = (await findRecord(server, { minSessions: 2, maxSessions: 60 })).id;
  townHall = (await findTownHall(server)).id;
});
after(() => server?.close());

const NONE = 'application/json;odata.metadata=none';
const FULL = 'application/json;odata.metadata=full';
const KEPT = ['nextLink', 'count'];

/** The minimal body with every `…@odata.*` key removed except nextLinks and counts (the oracle for `none`). */
function stripped(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripped);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    const at = k.indexOf('@odata.');
    if (at >= 0 && !KEPT.includes(k.slice(at + 7))) continue;
    out[k] = stripped(v);
  }
  return out;
}

/** Every `…@odata.*` key at any depth. */
function annotations(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) annotations(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Json)) {
      if (k.includes('@odata.')) out.push(k);
      annotations(v, out);
    }
  }
  return out;
}

const FROM = new Date(TEST_NOW - 20 * 86_400_000).toISOString();
const TO = new Date(TEST_NOW).toISOString();

function paths(version: string): string[] {
  const r = `${RECORDS}/${record}`;
  const list = [
    `${RECORDS}?$top=3`,
    `${RECORDS}?$select=id,type&$top=2`,
    r,
    `${r}?$expand=sessions($expand=segments),participants_v2`,
    `${r}/sessions`,
    `${r}/sessions?$expand=segments`,
    `${r}/participants_v2?$top=2`,
    `${r}/organizer_v2`,
    `${RECORDS}/${townHall}?$expand=sessions,participants_v2`,
    `${RECORDS}/getPstnCalls(fromDateTime=${FROM},toDateTime=${TO})`,
    '/subscriptions',
  ];
  if (version === 'beta') list.push(`${RECORDS}/getSmsLog(fromDateTime=${FROM},toDateTime=${TO})`);
  return list;
}

for (const version of VERSIONS) {
  describe(`${version} metadata levels`, () => {
    test('none: the minimal body without control information; nextLinks and counts kept', async () => {
      let nested = 0;
      for (const path of paths(version)) {
        const minimal = await call(server, `/${version}${path}`);
        const none = await call(server, `/${version}${path}`, { headers: { accept: NONE } });
        assert.equal(minimal.status, 200, `${path}: ${minimal.text.slice(0, 300)}`);
        assert.equal(none.status, 200, path);
        assert.equal(
          none.headers.get('content-type'),
          'application/json;odata.metadata=none;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
        );
        assert.deepEqual(none.json, stripped(minimal.json), path);
        const left = annotations(none.json);
        assert.ok(
          left.every((k) => KEPT.some((t) => k.endsWith(`@odata.${t}`))),
          `${path}: ${left.join(', ')}`,
        );
        nested += left.filter((k) => k !== '@odata.nextLink' && k.endsWith('@odata.nextLink')).length;
      }
      assert.ok(
        nested >= 2,
        'the town hall keeps sessions@odata.nextLink and participants_v2@odata.nextLink',
      );
    });

    test('none: the nextLink of a page is followed to the same rows as minimal', async () => {
      const first = await call(server, `/${version}${RECORDS}?$top=2`, { headers: { accept: NONE } });
      const link = first.json?.['@odata.nextLink'] as string;
      assert.ok(link);
      const second = await call(server, link, { headers: { accept: NONE } });
      const minimal = await call(server, link);
      assert.deepEqual(second.json, stripped(minimal.json));
    });

    test('$format=application/json;odata.metadata=none does the same as the Accept header', async () => {
      const path = `/${version}${RECORDS}/${record}?$expand=sessions`;
      const byFormat = await call(server, `${path}&$format=${encodeURIComponent(NONE)}`);
      const byAccept = await call(server, path, { headers: { accept: NONE } });
      assert.equal(byFormat.status, 200, byFormat.text.slice(0, 300));
      assert.deepEqual(byFormat.json, byAccept.json);
      assert.match(byFormat.headers.get('content-type') ?? '', /odata\.metadata=none/);
    });

    test('full: every entity has its type, id, edit link and navigation links; its id is the entity', async () => {
      const path = `/${version}${RECORDS}/${record}?$expand=sessions($expand=segments)`;
      const full = await call(server, path, { headers: { accept: FULL } });
      assert.equal(full.status, 200);
      assert.match(full.headers.get('content-type') ?? '', /^application\/json;odata\.metadata=full;/);
      const body = full.json!;
      assert.equal(body['@odata.type'], '#microsoft.graph.callRecords.callRecord');
      const id = body['@odata.id'] as string;
      assert.equal(id, `${server.url}/${version}/communications/callRecords('${record}')`);
      assert.equal(body['@odata.editLink'], id);
      assert.equal(body['sessions@odata.navigationLink'], `${id}/sessions`);
      assert.equal(body['participants_v2@odata.associationLink'], `${id}/participants_v2/$ref`);
      const session = (body.sessions as Json[])[0]!;
      const segment = (session.segments as Json[])[0]!;
      for (const [entity, type] of [
        [session, 'session'],
        [segment, 'segment'],
        [body.organizer_v2 as Json, 'organizer'],
      ] as const) {
        if (entity === null) continue;
        assert.equal(entity['@odata.type'], `#microsoft.graph.callRecords.${type}`);
        const minimal = await call(server, entity['@odata.id'] as string);
        assert.equal(minimal.status, 200, `${String(entity['@odata.id'])}: ${minimal.text.slice(0, 200)}`);
        assert.equal(minimal.json?.id, entity.id);
      }
      // Every property annotation names the declared type (the record's own properties, from the model).
      for (const prop of allProperties(version, 'microsoft.graph.callRecords.callRecord')) {
        const annotation = body[`${prop.name}@odata.type`];
        if (body[prop.name] === null || annotation === undefined) continue;
        const name = prop.type.replace(/^Edm\./, '');
        assert.equal(annotation, prop.collection ? `#Collection(${name})` : `#${name}`, prop.name);
      }
      assert.equal(body['startDateTime@odata.type'], '#DateTimeOffset');
      // Without the control information, full is minimal.
      const minimal = await call(server, path);
      assert.deepEqual(stripped(full.json), stripped(minimal.json));
    });

    test('full on lists and subscriptions', async () => {
      const list = await call(server, `/${version}${RECORDS}/${record}/participants_v2`, {
        headers: { accept: FULL },
      });
      for (const p of list.json!.value as Json[]) {
        assert.equal(p['@odata.type'], '#microsoft.graph.callRecords.participant');
        assert.equal(
          p['@odata.id'],
          `${server.url}/${version}/communications/callRecords('${record}')/participants_v2('${String(p.id)}')`,
        );
      }
      const subs = await call(server, `/${version}/subscriptions`, { headers: { accept: FULL } });
      assert.equal(subs.status, 200);
      assert.match(subs.headers.get('content-type') ?? '', /odata\.metadata=full/);
    });

    test('minimal, asked for or not, is the same body and Content-Type', async () => {
      const path = `/${version}${RECORDS}/${record}`;
      const plain = await call(server, path);
      const asked = await call(server, path, {
        headers: { accept: 'application/json;odata.metadata=minimal' },
      });
      assert.equal(asked.text, plain.text);
      assert.equal(asked.headers.get('content-type'), plain.headers.get('content-type'));
      assertValidResponse(version, `${RECORDS}/{callRecord-id}`, plain.json);
    });

    test('406 NotAcceptable for what Graph refuses; $count still answers text', async () => {
      const path = `/${version}${RECORDS}/${record}`;
      for (const headers of [
        { accept: 'application/xml' },
        { accept: 'application/json;odata.metadata=verbose' },
        { accept: 'text/html' },
      ]) {
        const r = await call(server, path, { headers });
        assertGraphError(version, r, { status: 406, code: 'NotAcceptable' }, headers.accept);
      }
      const fmt = await call(server, `${path}?$format=xml`);
      assertGraphError(version, fmt, { status: 406, code: 'NotAcceptable' }, '$format=xml');
      const count = await call(server, `/${version}${RECORDS}/$count`, { headers: { accept: 'text/plain' } });
      assert.equal(count.status, 200);
      assert.match(count.text, /^\d+$/);
    });
  });
}

test('a 406 still needs a token first: 401 without one', async () => {
  const r = await call(server, `/v1.0${RECORDS}`, { auth: false, headers: { accept: 'application/xml' } });
  assert.equal(r.status, 401);
});
