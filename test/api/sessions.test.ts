// Sessions and segments of a call record: lists, paging (max 60), $expand=segments, $select, single entities in
// both key syntaxes, every /$count, and 404s for unknown child ids.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import {
  NOT_FOUND_MESSAGE,
  RECORDS,
  T,
  VERSIONS,
  assertNoDuplicates,
  expectError,
  findRecord,
  findTownHall,
  getCount,
  getOk,
  ids,
  walk,
  withoutContext,
} from './helpers.js';
import type { Json } from './helpers.js';

let server: TestServer;
let groupCall: { id: string; sessions: number; participants: number };
let townHall: { id: string; sessions: number; participants: number };

before(async () => {
  server = await startTestServer({ demoUsers: 40, demoDays: 30 });
  groupCall = await findRecord(server, { minSessions: 2, maxSessions: 60 });
  townHall = await findTownHall(server);
});

after(async () => {
  await server?.close();
});

const UNKNOWN = '0b5e5a8e-0000-4000-8000-000000000000';

for (const version of VERSIONS) {
  const meta = () => `${server.url}/${version}/$metadata#`;

  describe(`${version} sessions and segments`, () => {
    test('list sessions: context, all sessions, count = /sessions/$count', async () => {
      const id = groupCall.id;
      const { body } = await getOk(server, version, T.sessions, `${RECORDS}/${id}/sessions`);
      assert.equal(body['@odata.context'], `${meta()}communications/callRecords('${id}')/sessions`);
      const value = body.value as Json[];
      assert.equal(body['@odata.nextLink'], undefined);
      assertNoDuplicates(ids(value), 'sessions');
      for (const s of value) assert.ok(!('segments' in s), 'segments only with $expand');
      const count = await getCount(server, version, T.sessionsCount, `${RECORDS}/${id}/sessions/$count`);
      assert.equal(count, value.length);
      assert.equal(count, groupCall.sessions);
    });

    test('sessions page at 60 by default, and at Prefer odata.maxpagesize; nextLinks walk them all', async () => {
      const id = townHall.id;
      const collection = `${RECORDS}/${id}/sessions`;
      const byDefault = await walk(server, version, T.sessions, collection, { pageSize: 60 });
      assert.ok(byDefault.pages.length >= 2);
      const all = ids(byDefault.items);
      assertNoDuplicates(all, 'sessions walk');
      assert.equal(all.length, await getCount(server, version, T.sessionsCount, `${collection}/$count`));
      const small = await walk(server, version, T.sessions, collection, {
        headers: { Prefer: 'odata.maxpagesize=25' },
        pageSize: 25,
      });
      assert.deepEqual(ids(small.items), all);
      for (const h of small.headers) assert.equal(h.get('preference-applied'), 'odata.maxpagesize=25');
      const clamped = await getOk(server, version, T.sessions, collection, {
        Prefer: 'odata.maxpagesize=500',
      });
      assert.equal((clamped.body.value as Json[]).length, 60);
      assert.equal(clamped.headers.get('preference-applied'), 'odata.maxpagesize=60');
      const top = await walk(server, version, T.sessions, `${collection}?$top=40`, {
        pageSize: 40,
        collectionPath: collection,
      });
      assert.deepEqual(ids(top.items), all);
    });

    test('$expand=segments on the sessions list, carried through nextLinks', async () => {
      const id = townHall.id;
      const collection = `${RECORDS}/${id}/sessions`;
      const w = await walk(server, version, T.sessions, `${collection}?$expand=segments`, {
        pageSize: 60,
        collectionPath: collection,
      });
      for (const s of w.items) {
        const segments = s.segments as Json[];
        assert.ok(Array.isArray(segments) && segments.length > 0, `${String(s.id)} without segments`);
        // The docs' list example omits the nested context; when present it must name the session's segments.
        if (s['segments@odata.context'] !== undefined) {
          assert.equal(
            s['segments@odata.context'],
            `${meta()}communications/callRecords('${id}')/sessions('${String(s.id)}')/segments`,
          );
        }
      }
      const plain = await walk(server, version, T.sessions, collection);
      assert.deepEqual(ids(w.items), ids(plain.items));
    });

    test('$select on sessions', async () => {
      const id = groupCall.id;
      const { body } = await getOk(
        server,
        version,
        T.sessions,
        `${RECORDS}/${id}/sessions?$select=id,startDateTime`,
      );
      assert.equal(
        body['@odata.context'],
        `${meta()}communications/callRecords('${id}')/sessions(id,startDateTime)`,
      );
      for (const s of body.value as Json[]) assert.deepEqual(Object.keys(s).sort(), ['id', 'startDateTime']);
    });

    test('one session by key segment and by parenthesised key', async () => {
      const id = groupCall.id;
      const { body: list } = await getOk(server, version, T.sessions, `${RECORDS}/${id}/sessions`);
      const second = (list.value as Json[])[1]!;
      const sid = second.id as string;
      const a = await getOk(server, version, T.session, `${RECORDS}/${id}/sessions/${sid}`);
      const b = await getOk(server, version, T.session, `${RECORDS}('${id}')/sessions('${sid}')`);
      assert.deepEqual(a.body, b.body);
      assert.equal(a.body['@odata.context'], `${meta()}communications/callRecords('${id}')/sessions/$entity`);
      assert.deepEqual(withoutContext(a.body), second);
      const expanded = await getOk(
        server,
        version,
        T.session,
        `${RECORDS}/${id}/sessions/${sid}?$expand=segments`,
      );
      assert.ok(Array.isArray(expanded.body.segments));
      const selected = await getOk(server, version, T.session, `${RECORDS}/${id}/sessions/${sid}?$select=id`);
      assert.deepEqual(withoutContext(selected.body), { id: sid });
    });

    test("segments: /sessions('{id}')/segments, /segments/{id}, /segments/$count", async () => {
      const id = groupCall.id;
      const { body: list } = await getOk(
        server,
        version,
        T.sessions,
        `${RECORDS}/${id}/sessions?$expand=segments`,
      );
      for (const s of (list.value as Json[]).slice(0, 3)) {
        const sid = s.id as string;
        const { body } = await getOk(
          server,
          version,
          T.segments,
          `${RECORDS}/${id}/sessions('${sid}')/segments`,
        );
        assert.equal(
          body['@odata.context'],
          `${meta()}communications/callRecords('${id}')/sessions('${sid}')/segments`,
        );
        const segments = body.value as Json[];
        assert.deepEqual(segments, s.segments);
        const count = await getCount(
          server,
          version,
          T.segmentsCount,
          `${RECORDS}/${id}/sessions/${sid}/segments/$count`,
        );
        assert.equal(count, segments.length);
        for (const g of segments) {
          const gid = g.id as string;
          const one = await getOk(
            server,
            version,
            T.segment,
            `${RECORDS}/${id}/sessions/${sid}/segments/${gid}`,
          );
          assert.equal(
            one.body['@odata.context'],
            `${meta()}communications/callRecords('${id}')/sessions('${sid}')/segments/$entity`,
          );
          assert.deepEqual(withoutContext(one.body), g);
          const keyed = await getOk(
            server,
            version,
            T.segment,
            `${RECORDS}('${id}')/sessions('${sid}')/segments('${gid}')`,
          );
          assert.deepEqual(keyed.body, one.body);
        }
      }
    });

    test('unknown session or segment ids answer 404 NotFound; an unknown record keeps its own message', async () => {
      const id = groupCall.id;
      const { body: list } = await getOk(server, version, T.sessions, `${RECORDS}/${id}/sessions`);
      const sid = (list.value as Json[])[0]!.id as string;
      const notFound = { status: 404, code: 'NotFound' };
      await expectError(server, version, `${RECORDS}/${id}/sessions/${UNKNOWN}`, notFound);
      await expectError(server, version, `${RECORDS}/${id}/sessions('${UNKNOWN}')/segments`, notFound);
      await expectError(server, version, `${RECORDS}/${id}/sessions/${UNKNOWN}/segments/$count`, notFound);
      await expectError(server, version, `${RECORDS}/${id}/sessions/${sid}/segments/${UNKNOWN}`, notFound);
      // A session of another record is not a session of this one.
      const { body: other } = await getOk(server, version, T.sessions, `${RECORDS}/${townHall.id}/sessions`);
      const foreign = (other.value as Json[])[0]!.id as string;
      await expectError(server, version, `${RECORDS}/${id}/sessions/${foreign}`, notFound);
      const recordGone = { status: 404, code: 'NotFound', message: NOT_FOUND_MESSAGE };
      await expectError(server, version, `${RECORDS}/${UNKNOWN}/sessions`, recordGone);
      await expectError(server, version, `${RECORDS}/${UNKNOWN}/sessions/$count`, recordGone);
      await expectError(server, version, `${RECORDS}/${UNKNOWN}/sessions/${sid}`, recordGone);
      await expectError(server, version, `${RECORDS}/${UNKNOWN}/sessions/${sid}/segments`, recordGone);
    });
  });
}
